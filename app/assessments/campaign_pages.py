"""Campaign pages: the list, set up an assessment, invite respondents, open and close it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from accounts.models import User
from app.assessments.blueprint import bp, everyone, organisers
from app.assessments.forms import AddRespondentForm, VersionForm, setup_form
from app.extensions import db
from app.i18n import current_language
from app.labels import ASSESSMENT_PROBLEMS
from app.lookup import get_or_404, org_unit_choices, user_choices
from app.security_log import log_event
from assessments import answers, campaigns, questionnaires
from assessments.errors import CampaignError
from assessments.model import load_model
from assessments.models import Assessment, AssessmentStatus


def _problem(error: CampaignError) -> str:
    return str(ASSESSMENT_PROBLEMS.get(error.code, error.code))


def _questionnaire_choices() -> list[tuple[str, str]]:
    language = current_language()
    return [
        (str(q.id), f"{q.name_zh if language == 'zh_Hans' and q.name_zh else q.name} · {q.version}")
        for q in questionnaires.list_questionnaires(db.session)
    ]


def _areas(model: dict[str, Any]) -> list[tuple[str, str]]:
    language = current_language()
    return [(area.key, area.name.get(language)) for area in load_model(model).areas]


@bp.route("/")
@everyone
def index() -> str:
    status = request.args.get("status", "")
    chosen = AssessmentStatus(status) if status in AssessmentStatus._value2member_map_ else None
    return render_template(
        "assessments/index.html",
        assessments=campaigns.list_assessments(db.session, status=chosen),
        invitations=campaigns.open_invitations(db.session, current_user.id),
        status=status,
    )


@bp.route("/new", methods=["GET", "POST"])
@organisers
def create() -> object:
    choices = _questionnaire_choices()
    if not choices:
        flash(gettext("Install a questionnaire first (Admin → Questionnaires)."), "warning")
        return redirect(url_for("assessments.index"))
    chosen = request.form.get("questionnaire_id", type=int) or int(choices[0][0])
    model = get_or_404(questionnaires.get_questionnaire, chosen).content
    form = setup_form(questionnaires=choices, org_units=org_unit_choices(), areas=_areas(model))
    if not form.is_submitted():
        form.org_unit_id.data = current_user.org_unit_id
        form.target_level.data = 3
    if form.validate_on_submit():
        try:
            assessment = campaigns.create_assessment(
                db.session, form.questionnaire_id.data, form.setup(), actor_id=current_user.id
            )
        except CampaignError as error:
            form.title.errors.append(_problem(error))
        else:
            flash(gettext("Assessment created as a draft; now invite the respondents."), "success")
            return redirect(url_for("assessments.assessment", assessment_id=assessment.id))
    return render_template("assessments/setup.html", form=form, assessment=None)


@bp.route("/<int:assessment_id>/setup", methods=["GET", "POST"])
@organisers
def setup(assessment_id: int) -> object:
    assessment = get_or_404(campaigns.get_assessment, assessment_id)
    form = setup_form(
        questionnaires=_questionnaire_choices(),
        org_units=org_unit_choices(),
        areas=_areas(assessment.model),
        editing=True,
        obj=assessment,
    )
    del form.questionnaire_id  # an assessment keeps the questionnaire it started with
    if not form.is_submitted():
        form.show_targets(assessment.target_level, assessment.area_targets)
    if form.validate_on_submit():
        try:
            campaigns.update_setup(
                db.session, assessment_id, form.setup(), expected_version=form.version.data
            )
        except CampaignError as error:
            flash(_problem(error), "danger")
        else:
            flash(gettext("Assessment saved."), "success")
            return redirect(url_for("assessments.assessment", assessment_id=assessment_id))
    return render_template("assessments/setup.html", form=form, assessment=assessment)


def _invitations(assessment: Assessment) -> list[tuple[int, Any]]:
    return [(r.user_id, r.role) for r in assessment.respondents]


@bp.route("/<int:assessment_id>/respondents", methods=["POST"])
@organisers
def add_respondent(assessment_id: int) -> object:
    assessment = get_or_404(campaigns.get_assessment, assessment_id)
    form = AddRespondentForm(users=_invitable(assessment))
    if form.validate_on_submit():
        try:
            campaigns.set_respondents(
                db.session,
                assessment_id,
                [*_invitations(assessment), (form.user_id.data, form.role.data)],
                expected_version=form.version.data,
            )
        except CampaignError as error:
            flash(_problem(error), "danger")
    else:
        flash(gettext("Choose a person and a respondent role."), "danger")
    return redirect(url_for("assessments.assessment", assessment_id=assessment_id))


@bp.route("/<int:assessment_id>/respondents/<int:user_id>/remove", methods=["POST"])
@organisers
def remove_respondent(assessment_id: int, user_id: int) -> object:
    assessment = get_or_404(campaigns.get_assessment, assessment_id)
    form = VersionForm()
    if form.validate_on_submit():
        remaining = [(u, role) for u, role in _invitations(assessment) if u != user_id]
        try:
            campaigns.set_respondents(
                db.session, assessment_id, remaining, expected_version=form.version.data
            )
        except CampaignError as error:
            flash(_problem(error), "danger")
    return redirect(url_for("assessments.assessment", assessment_id=assessment_id))


def _invitable(assessment: Assessment) -> list[tuple[str, str]]:
    invited = {r.user_id for r in assessment.respondents}
    users = db.session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.display_name)
    )
    return user_choices(user for user in users if user.id not in invited)


def _advance(assessment_id: int, step: str) -> object:
    form = VersionForm()
    if form.validate_on_submit():
        move = campaigns.open_assessment if step == "open" else campaigns.close_assessment
        try:
            move(db.session, assessment_id, expected_version=form.version.data)
        except CampaignError as error:
            flash(_problem(error), "danger")
        else:
            log_event(f"assessment_{step}", user=current_user.email, assessment=assessment_id)
            flash(
                gettext("The assessment is open: respondents can answer now.")
                if step == "open"
                else gettext("The assessment is closed; its result and roadmap are ready."),
                "success",
            )
    return redirect(url_for("assessments.assessment", assessment_id=assessment_id))


@bp.route("/<int:assessment_id>/open", methods=["POST"])
@organisers
def open_for_answers(assessment_id: int) -> object:
    return _advance(assessment_id, "open")


@bp.route("/<int:assessment_id>/close", methods=["POST"])
@organisers
def close(assessment_id: int) -> object:
    """Close the assessment: its result is frozen and the roadmap drafted."""
    return _advance(assessment_id, "close")


@bp.route("/<int:assessment_id>")
@everyone
def assessment(assessment_id: int) -> object:
    assessment = get_or_404(campaigns.get_assessment, assessment_id)
    if assessment.status == AssessmentStatus.CLOSED:
        return redirect(url_for("assessments.results", assessment_id=assessment_id))
    model = load_model(assessment.model)
    return render_template(
        "assessments/assessment.html",
        assessment=assessment,
        model=model,
        saved=answers.assessment_progress(db.session, assessment),
        add_form=AddRespondentForm(users=_invitable(assessment)),
        version_form=VersionForm(),
        invited=any(r.user_id == current_user.id for r in assessment.respondents),
    )
