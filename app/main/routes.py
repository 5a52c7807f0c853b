"""Home page, language switch, health check and assets served from installed packages."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from accounts import services as accounts
from accounts.models import LANGUAGES
from app.access import public, signed_in
from app.extensions import db
from app.navigation import sections_for_current_user
from app.security import safe_next

bp = Blueprint("main", __name__)

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"


@bp.route("/")
@signed_in
def home() -> str:
    return render_template("main/home.html", sections=sections_for_current_user())


@bp.route("/language", methods=["POST"])
@public
def set_language() -> object:
    """Remember the chosen language in the session and, when signed in, on the account."""
    language = request.form.get("language")
    if language not in LANGUAGES:
        abort(400)
    session["language"] = language
    if current_user.is_authenticated:
        accounts.set_preferred_language(db.session, current_user.id, language)
    return redirect(safe_next(request.form.get("next"), url_for("main.home")))


@bp.route("/healthz")
@public
def healthz() -> object:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unavailable")
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/vendor/plotly.min.js")
@public
def plotly_js() -> object:
    """plotly.js as shipped by the installed plotly package (no copy in the repo, no CDN)."""
    return send_from_directory(
        PLOTLY_DIR, "plotly.min.js", mimetype="text/javascript", max_age=86400
    )
