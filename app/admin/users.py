"""Administration of users: list, create, edit, reset password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from accounts import errors
from accounts import services as accounts
from accounts.roles import Role
from app.admin.blueprint import admin_only, bp
from app.admin.forms import PasswordResetForm, UserCreateForm, UserEditForm
from app.extensions import db
from app.labels import PASSWORD_PROBLEMS
from app.lookup import get_or_404, org_unit_choices
from app.security_log import log_event

USER_STATUS = {"active": True, "inactive": False, "all": None}


@bp.route("/users")
@admin_only
def users() -> str:
    text = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    status = request.args.get("status", "active")
    if role not in {r.value for r in Role}:
        role = ""
    if status not in USER_STATUS:
        status = "active"
    page = accounts.search_users(
        db.session,
        text=text,
        role=Role(role) if role else None,
        active=USER_STATUS[status],
        page=request.args.get("page", 1, type=int),
    )
    filters = {"q": text, "role": role, "status": status}
    return render_template("admin/users.html", page=page, filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def create_user() -> object:
    form = UserCreateForm(org_unit_choices=org_unit_choices())
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session,
                email=form.email.data,
                display_name=form.display_name.data,
                role=form.role.data,
                password=form.new_password.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                preferred_language=form.preferred_language.data or None,
                org_unit_id=form.org_unit_id.data,
            )
        except errors.EmailTaken:
            form.email.errors.append(gettext("Another user already has this email."))
        except errors.WeakPassword as weak:
            form.new_password.errors.extend(str(PASSWORD_PROBLEMS[p]) for p in weak.problems)
        else:
            log_event("user_created", user=user.email, role=user.role)
            flash(gettext("User %(name)s created.", name=user.display_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int) -> object:
    user = get_or_404(accounts.get_user, user_id)
    form = UserEditForm(org_unit_choices=org_unit_choices(), obj=user)
    if form.validate_on_submit():
        changes = accounts.UserChanges(
            display_name=form.display_name.data,
            role=form.role.data,
            preferred_language=form.preferred_language.data or None,
            org_unit_id=form.org_unit_id.data,
            active=form.active.data,
        )
        try:
            accounts.update_user(
                db.session, user_id, expected_version=form.version.data, changes=changes
            )
        except errors.LastAdmin:
            flash(gettext("Tollgate needs at least one active administrator."), "danger")
        else:
            log_event("user_updated", user=user.email, role=user.role, active=user.active)
            flash(gettext("Changes to %(name)s saved.", name=user.display_name), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, password_form=PasswordResetForm()
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_only
def reset_password(user_id: int) -> object:
    user = get_or_404(accounts.get_user, user_id)
    password_form = PasswordResetForm()
    if password_form.validate_on_submit():
        try:
            accounts.set_password(
                db.session,
                user_id,
                password_form.new_password.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except errors.WeakPassword as weak:
            password_form.new_password.errors.extend(
                str(PASSWORD_PROBLEMS[p]) for p in weak.problems
            )
        else:
            log_event("password_reset", user=user.email)
            flash(gettext("New password set; the user's sessions have ended."), "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    form = UserEditForm(org_unit_choices=org_unit_choices(), obj=user, formdata=None)
    return render_template(
        "admin/user_form.html", form=form, user=user, password_form=password_form
    ), 400
