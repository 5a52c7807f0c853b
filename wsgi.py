"""What gunicorn serves and what `flask --app wsgi` runs: the app for TOLLGATE_ENV."""

from app import create_app

app = create_app()
