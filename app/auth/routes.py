"""Sign in, sign out, change one's own password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from accounts import errors
from accounts import services as accounts
from app.access import public, signed_in
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.sessions import end_session, start_session
from app.extensions import db, limiter
from app.labels import PASSWORD_PROBLEMS
from app.security import safe_next
from app.security_log import log_event

bp = Blueprint("auth", __name__)


def _login_key() -> str:
    """Failed sign-ins are counted per address and account, so one attacker cannot lock
    out a colleague by guessing at their email from elsewhere."""
    email = accounts.normalise_email(request.form.get("email", ""))[:254]
    return f"{request.remote_addr}|{email}"


def _failed(response: object) -> bool:
    return getattr(response, "status_code", 200) != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    key_func=_login_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], methods=["POST"])
def login() -> object:
    home = url_for("main.home")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            db.session,
            form.email.data,
            form.password.data,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
        if user is not None:
            start_session(user)
            log_event("login", user=user.email)
            return redirect(safe_next(request.args.get("next"), home))
        log_event("login_failed", email=form.email.data)
        form.password.errors.append(gettext("Wrong email or password."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> object:
    log_event("logout", user=current_user.email)
    end_session()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> object:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_own_password(
                db.session,
                current_user.id,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except errors.WrongPassword:
            form.current_password.errors.append(gettext("The current password is wrong."))
        except errors.WeakPassword as weak:
            form.new_password.errors.extend(str(PASSWORD_PROBLEMS[p]) for p in weak.problems)
        else:
            log_event("password_changed", user=user.email)
            # Other sessions have ended; this one continues on the new epoch.
            start_session(user)
            flash(gettext("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
