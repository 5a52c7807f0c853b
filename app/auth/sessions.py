"""The life of a signed-in session: start, idle and absolute timeouts, end.

Flask's session is a signed cookie, so it cannot be deleted on the server. Instead each
cookie names the user's session epoch (see accounts.models.User); raising the epoch ends
every cookie at once. Idle timeout comes from the permanent session's lifetime, which
Flask checks on every request; the absolute timeout is checked here.
"""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from accounts import services as accounts
from accounts.models import User
from app.access import is_public
from app.extensions import db
from app.security_log import log_event

_STARTED = "signed_in_at"


def start_session(user: User) -> None:
    """Sign `user` in on a fresh session (no fixation: the old session's data is dropped)."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session.permanent = True
    session[_STARTED] = time.time()
    login_user(user)


def end_session() -> None:
    """Sign out here and end the user's sessions everywhere."""
    if current_user.is_authenticated:
        accounts.end_sessions(db.session, current_user.id)
    logout_user()
    session.clear()


def expire_old_session() -> object:
    """before_request hook: a session older than SESSION_MAX_HOURS must sign in again."""
    if request.endpoint in (None, "static") or _STARTED not in session:
        return None
    max_age = current_app.config["SESSION_MAX_HOURS"] * 3600
    if time.time() - session[_STARTED] <= max_age:
        return None
    if current_user.is_authenticated:
        log_event("session_expired", user=current_user.email)
    logout_user()
    session.clear()
    if is_public(request.endpoint):
        return None
    flash(gettext("Your session has expired. Please sign in again."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
