"""Error pages and JSON problem bodies that say what happened and leak nothing else."""

from __future__ import annotations

from flask import Flask, Response, json, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from app.extensions import db
from app.security_log import log_event
from persistence import StaleVersionError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Not allowed"), _l("Your role does not give access to this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("Changed by someone else"),
        _l(
            "Someone else changed this record while you were working on it. "
            "Reload it to see the latest version, then apply your change again."
        ),
    ),
    413: (_l("Too large"), _l("The upload is larger than Tollgate accepts.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. It has been logged; please try again later."),
    ),
}
CSRF_MESSAGE = _l(
    "The form had expired or was not sent from Tollgate. Reload the page and submit it again."
)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render_error(code: int, detail: str | None = None) -> tuple[str | Response, int]:
    title, message = MESSAGES.get(code, MESSAGES[500])
    detail = detail or str(message)
    if wants_json():
        body = {"type": "about:blank", "title": str(title), "status": code, "detail": detail}
        response = Response(status=code, mimetype="application/problem+json")
        response.set_data(json.dumps(body))
        return response, code
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def _http_error(error: HTTPException) -> tuple[str | Response, int]:
    code = error.code or 500
    if code >= 500:
        return _server_error(error)
    return render_error(code)


def _csrf_error(error: CSRFError) -> tuple[str | Response, int]:
    log_event("csrf_refused", path=request.path)
    return render_error(400, str(CSRF_MESSAGE))


def _conflict(error: Exception) -> tuple[str | Response, int]:
    db.session.rollback()
    return render_error(Conflict.code)


def _server_error(error: Exception) -> tuple[str | Response, int]:
    db.session.rollback()
    return render_error(InternalServerError.code)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StaleVersionError, _conflict)
    app.register_error_handler(StaleDataError, _conflict)
    app.register_error_handler(InternalServerError, _server_error)
