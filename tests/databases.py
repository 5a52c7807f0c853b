"""Databases for tests and benchmarks: scratch PostgreSQL databases, schema by migration."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import flask_migrate
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


def migrate_to_head(url: str) -> None:
    """Build the schema at `url` the way production does: through the migrations."""
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@contextmanager
def scratch_postgres_database(base_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `base_url`, dropped afterwards."""
    name = f"tollgate_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
