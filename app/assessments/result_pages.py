"""Result pages: a closed assessment's result and roadmap, a unit's trend, all units side
by side; every chart's data as CSV."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext

from accounts import services as accounts
from app.assessments.blueprint import bp, everyone, organisers
from app.assessments.forms import ActionForm
from app.assessments.presenting import (
    comparison_chart,
    result_charts,
    result_view,
    trend_chart,
)
from app.charts import Chart
from app.exports import csv_response
from app.extensions import db
from app.i18n import current_language
from app.lookup import get_or_404, user_choices
from assessments import campaigns
from assessments.models import Assessment, AssessmentStatus, RoadmapAction
from assessments.results import history, latest_by_unit
from portfolio.reviews import eligible_scorers


def _closed(assessment_id: int) -> Assessment:
    assessment = get_or_404(campaigns.get_assessment, assessment_id)
    if assessment.status != AssessmentStatus.CLOSED:
        abort(404)
    return assessment


def _owners() -> list[tuple[str, str]]:
    return user_choices(eligible_scorers(db.session))


@bp.route("/<int:assessment_id>/results")
@everyone
def results(assessment_id: int) -> str:
    assessment = _closed(assessment_id)
    view = result_view(assessment, current_language())
    names = {area.key: area.name for area in view.areas}
    return render_template(
        "assessments/results.html",
        assessment=assessment,
        view=view,
        charts=result_charts(view),
        area_names=names,
        question_text={q.id: q.text.get(view.language) for q in view.model.questions},
        action_forms={
            action.id: ActionForm(owners=_owners(), obj=action, prefix=f"a{action.id}")
            for action in assessment.actions
        },
    )


@bp.route("/<int:assessment_id>/results/<key>.csv")
@everyone
def result_csv(assessment_id: int, key: str) -> object:
    assessment = _closed(assessment_id)
    chart = result_charts(result_view(assessment, current_language())).get(key)
    if chart is None:
        abort(404)
    return _csv(chart, f"assessment-{assessment_id}-{key}.csv")


def _csv(chart: Chart, filename: str) -> object:
    return csv_response(filename, chart.columns, chart.rows)


@bp.route("/actions/<int:action_id>", methods=["POST"])
@organisers
def update_action(action_id: int) -> object:
    action = db.session.get(RoadmapAction, action_id)
    if action is None:
        abort(404)
    form = ActionForm(owners=_owners(), prefix=f"a{action_id}")
    if form.validate_on_submit():
        campaigns.update_action(
            db.session, action_id, form.changes(), expected_version=form.version.data
        )
        flash(gettext("Roadmap action saved."), "success")
    else:
        flash(gettext("The action could not be saved: check the due date and status."), "danger")
    return redirect(
        url_for("assessments.results", assessment_id=action.assessment_id) + f"#action-{action_id}"
    )


@bp.route("/units/<int:unit_id>")
@everyone
def unit_history(unit_id: int) -> str:
    unit = get_or_404(accounts.get_org_unit, unit_id)
    points = history(db.session, unit_id)
    return render_template(
        "assessments/history.html",
        unit=unit,
        points=points,
        chart=trend_chart(points) if points else None,
    )


@bp.route("/units/<int:unit_id>/trend.csv")
@everyone
def unit_history_csv(unit_id: int) -> object:
    get_or_404(accounts.get_org_unit, unit_id)
    return _csv(trend_chart(history(db.session, unit_id)), f"maturity-trend-{unit_id}.csv")


@bp.route("/compare")
@everyone
def compare() -> str:
    latest = latest_by_unit(db.session)
    return render_template(
        "assessments/compare.html",
        latest=latest,
        chart=comparison_chart(latest, current_language()),
    )


@bp.route("/compare.csv")
@everyone
def compare_csv() -> object:
    chart = comparison_chart(latest_by_unit(db.session), current_language())
    if chart is None:
        abort(404)
    return _csv(chart, "maturity-by-unit.csv")
