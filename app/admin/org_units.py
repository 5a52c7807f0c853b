"""Administration of the org-unit tree."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext

from accounts import errors
from accounts import services as accounts
from app.admin.blueprint import admin_only, bp
from app.admin.forms import OrgUnitCreateForm, OrgUnitEditForm
from app.extensions import db
from app.labels import PLACEMENT_PROBLEMS
from app.lookup import get_or_404, org_unit_choices


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
    form = OrgUnitCreateForm(parent_choices=org_unit_choices(parents_only=True))
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
    unit = get_or_404(accounts.get_org_unit, unit_id)
    form = OrgUnitEditForm(
        parent_choices=org_unit_choices(parents_only=True, exclude=unit_id), obj=unit
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
