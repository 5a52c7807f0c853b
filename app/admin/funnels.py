"""Administration of funnel definitions: stages and the scorecards of their gates."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext

from app.admin.blueprint import admin_only, bp
from app.admin.forms import (
    CriterionEditForm,
    NewCriterionForm,
    NewStageForm,
    StageEditForm,
)
from app.extensions import db
from app.i18n import current_language
from app.labels import PORTFOLIO_PROBLEMS
from app.lookup import get_or_404
from portfolio import funnels
from portfolio.errors import FunnelError


def _problem(error: FunnelError) -> str:
    return str(PORTFOLIO_PROBLEMS.get(error.code, error.code))


@bp.route("/funnels")
@admin_only
def funnel_list() -> str:
    return render_template("admin/funnels.html", funnels=funnels.list_funnels(db.session))


@bp.route("/funnels/<int:funnel_id>")
@admin_only
def funnel(funnel_id: int) -> str:
    return render_template("admin/funnel.html", funnel=get_or_404(funnels.get_funnel, funnel_id))


@bp.route("/stages/<int:stage_id>", methods=["GET", "POST"])
@admin_only
def edit_stage(stage_id: int) -> object:
    stage = get_or_404(funnels.get_stage, stage_id)
    form = StageEditForm(obj=stage)
    if not form.is_submitted():
        form.probability.data = round(stage.probability * 100)
        form.responsible_role.data = stage.responsible_role.value if stage.responsible_role else ""
    if form.validate_on_submit():
        try:
            funnels.update_stage(
                db.session, stage_id, expected_version=form.version.data, fields=form.fields()
            )
        except FunnelError as error:
            flash(_problem(error), "danger")
        else:
            flash(gettext("Stage %(name)s saved.", name=stage.label(current_language())), "success")
            return redirect(url_for("admin.funnel", funnel_id=stage.funnel_id))
    return render_template("admin/stage_form.html", form=form, funnel=stage.funnel, stage=stage)


@bp.route("/funnels/<int:funnel_id>/stages/new", methods=["GET", "POST"])
@admin_only
def create_stage(funnel_id: int) -> object:
    funnel = get_or_404(funnels.get_funnel, funnel_id)
    form = NewStageForm()
    language = current_language()
    form.before_position.choices = [
        (stage.position, stage.label(language)) for stage in funnel.stages[1:]
    ]
    if form.validate_on_submit():
        try:
            funnels.add_stage(
                db.session,
                funnel_id,
                key=form.key.data,
                before_position=form.before_position.data,
                fields=form.fields(),
            )
        except FunnelError as error:
            target = form.key if error.code == "key_taken" else form.before_position
            target.errors.append(_problem(error))
        else:
            flash(gettext("Stage added."), "success")
            return redirect(url_for("admin.funnel", funnel_id=funnel_id))
    return render_template("admin/stage_form.html", form=form, funnel=funnel, stage=None)


@bp.route("/stages/<int:stage_id>/criteria/new", methods=["GET", "POST"])
@admin_only
def create_criterion(stage_id: int) -> object:
    stage = get_or_404(funnels.get_stage, stage_id)
    form = NewCriterionForm()
    if form.validate_on_submit():
        try:
            funnels.add_criterion(db.session, stage_id, key=form.key.data, fields=form.fields())
        except FunnelError as error:
            target = form.key if error.code == "key_taken" else form.weight
            target.errors.append(_problem(error))
        else:
            flash(gettext("Criterion added to the gate."), "success")
            return redirect(url_for("admin.funnel", funnel_id=stage.funnel_id))
    return render_template("admin/criterion_form.html", form=form, stage=stage, criterion=None)


@bp.route("/criteria/<int:criterion_id>", methods=["GET", "POST"])
@admin_only
def edit_criterion(criterion_id: int) -> object:
    criterion = get_or_404(funnels.get_criterion, criterion_id)
    form = CriterionEditForm(obj=criterion)
    if form.validate_on_submit():
        try:
            funnels.update_criterion(
                db.session,
                criterion_id,
                expected_version=form.version.data,
                fields=form.fields(active=form.active.data),
            )
        except FunnelError as error:
            form.weight.errors.append(_problem(error))
        else:
            flash(gettext("Criterion saved; reviews opened from now on use it."), "success")
            return redirect(url_for("admin.funnel", funnel_id=criterion.stage.funnel_id))
    return render_template(
        "admin/criterion_form.html", form=form, stage=criterion.stage, criterion=criterion
    )
