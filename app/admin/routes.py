"""Administration pages: users and org units. Administrators only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounts import errors
from accounts import services as accounts
from accounts.models import OrgUnit, User
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from app.access import roles
from app.admin.forms import (
    OrgUnitCreateForm,
    OrgUnitEditForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from app.extensions import db
from app.i18n import org_unit_label
from app.labels import PASSWORD_PROBLEMS, PLACEMENT_PROBLEMS
from app.security_log import log_event

R = TypeVar("R")

bp = Blueprint("admin", __name__)
admin_only = roles(Role.ADMIN)

USER_STATUS = {"active": True, "inactive": False, "all": None}


def _org_unit_choices(
    *, parents_only: bool = False, exclude: int | None = None
) -> list[tuple[str, str]]:
    """Org units in tree order, indented by depth, as select choices."""
    choices = []
    for unit, depth in accounts.org_unit_tree(db.session):
        if unit.id == exclude or (parents_only and unit.kind == OrgUnitKind.BUSINESS_UNIT):
            continue
        choices.append((str(unit.id), "\u2003" * depth + org_unit_label(unit)))
    return choices


def _get_or_404(loader: Callable[[Session, int], R], record_id: int) -> R:
    try:
        return loader(db.session, record_id)
    except errors.NotFound:
        abort(404)


@bp.route("/")
@admin_only
def index() -> str:
    users = db.session.scalar(select(func.count()).select_from(User).where(User.active))
    units = db.session.scalar(select(func.count()).select_from(OrgUnit))
    return render_template("admin/index.html", active_users=users, org_units=units)


# --- users -------------------------------------------------------------------------------


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
    form = UserCreateForm(org_unit_choices=_org_unit_choices())
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
    user = _get_or_404(accounts.get_user, user_id)
    form = UserEditForm(org_unit_choices=_org_unit_choices(), obj=user)
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
    user = _get_or_404(accounts.get_user, user_id)
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
    form = UserEditForm(org_unit_choices=_org_unit_choices(), obj=user, formdata=None)
    return render_template(
        "admin/user_form.html", form=form, user=user, password_form=password_form
    ), 400


# --- org units ---------------------------------------------------------------------------


def _unit_fields(form: OrgUnitCreateForm, active: bool = True) -> accounts.OrgUnitFields:
    return accounts.OrgUnitFields(
        code=form.code.data,
        name=form.name.data,
        name_zh=form.name_zh.data,
        kind=form.kind.data,
        parent_id=form.parent_id.data,
        active=active,
    )


def _unit_error(form: OrgUnitCreateForm, error: errors.AccountError) -> None:
    if isinstance(error, errors.CodeTaken):
        form.code.errors.append(gettext("Another org unit already has this code."))
    elif isinstance(error, errors.BadPlacement):
        form.parent_id.errors.append(str(PLACEMENT_PROBLEMS[error.code]))
    elif isinstance(error, errors.NotFound):
        form.parent_id.errors.append(gettext("That parent no longer exists."))
    else:
        raise error


@bp.route("/org-units")
@admin_only
def org_units() -> str:
    return render_template("admin/org_units.html", tree=accounts.org_unit_tree(db.session))


@bp.route("/org-units/new", methods=["GET", "POST"])
@admin_only
def create_org_unit() -> object:
    form = OrgUnitCreateForm(parent_choices=_org_unit_choices(parents_only=True))
    if form.validate_on_submit():
        try:
            unit = accounts.create_org_unit(db.session, _unit_fields(form))
        except (errors.CodeTaken, errors.BadPlacement, errors.NotFound) as error:
            _unit_error(form, error)
        else:
            flash(gettext("Org unit %(code)s created.", code=unit.code), "success")
            return redirect(url_for("admin.org_units"))
    return render_template("admin/org_unit_form.html", form=form, unit=None)


@bp.route("/org-units/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def edit_org_unit(unit_id: int) -> object:
    unit = _get_or_404(accounts.get_org_unit, unit_id)
    form = OrgUnitEditForm(
        parent_choices=_org_unit_choices(parents_only=True, exclude=unit_id), obj=unit
    )
    if form.validate_on_submit():
        try:
            accounts.update_org_unit(
                db.session,
                unit_id,
                expected_version=form.version.data,
                fields=_unit_fields(form, active=form.active.data),
            )
        except (errors.CodeTaken, errors.BadPlacement, errors.NotFound) as error:
            _unit_error(form, error)
        else:
            flash(gettext("Org unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("admin.org_units"))
    return render_template("admin/org_unit_form.html", form=form, unit=unit)
