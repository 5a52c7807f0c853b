"""The respondent's questionnaire: one page per key process area, save and come back,
submit once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from app.assessments.blueprint import bp, everyone
from app.assessments.forms import (
    SCALE,
    SubmitAnswersForm,
    answer_entries,
    answer_form,
    show_answers,
)
from app.errors import CSRF_MESSAGE
from app.extensions import csrf, db
from app.i18n import current_language
from app.labels import ASSESSMENT_PROBLEMS
from app.security_log import log_event
from assessments import answers
from assessments.errors import AnswerError
from assessments.model import load_model
from assessments.models import Assessment, AssessmentStatus, Respondent


def _respondent(assessment_id: int) -> Respondent:
    """The signed-in user's invitation: 404 for no such assessment, 403 if not invited."""
    try:
        return answers.respondent_of(db.session, assessment_id, current_user.id)
    except AnswerError:
        if db.session.get(Assessment, assessment_id) is None:
            abort(404)
        abort(403)


def _problem(error: AnswerError) -> str:
    return str(ASSESSMENT_PROBLEMS.get(error.code, error.code))


@bp.route("/<int:assessment_id>/answer/<area_key>", methods=["GET", "POST"])
@csrf.exempt
@everyone
def answer(assessment_id: int, area_key: str) -> object:
    """One area's questions. The form checks its own CSRF token (the app-wide check is
    lifted here): a page left open past the token's life comes back with every answer
    still filled in and a fresh token, instead of an error page that loses them."""
    respondent = _respondent(assessment_id)
    assessment = respondent.assessment
    model = load_model(assessment.model)
    keys = [area.key for area in model.areas]
    if area_key not in keys:
        abort(404)
    if assessment.status != AssessmentStatus.OPEN or respondent.submitted_at is not None:
        return redirect(url_for("assessments.review_answers", assessment_id=assessment_id))
    questions = model.questions_of(area_key)
    language = current_language()
    form = answer_form(questions, language)
    if not form.is_submitted():
        show_answers(form, {a.question_id: a for a in respondent.answers})
    status = 200
    if form.validate_on_submit():
        try:
            answers.save_answers(
                db.session, assessment_id, current_user.id, answer_entries(form, questions)
            )
        except AnswerError as error:
            flash(_problem(error), "danger")
            status = 400
        else:
            flash(gettext("Your answers are saved."), "success")
            position = keys.index(area_key)
            if form.save_next.data and position + 1 < len(keys):
                target = url_for(
                    "assessments.answer", assessment_id=assessment_id, area_key=keys[position + 1]
                )
            elif form.save_next.data:
                target = url_for("assessments.review_answers", assessment_id=assessment_id)
            else:
                target = url_for(
                    "assessments.answer", assessment_id=assessment_id, area_key=area_key
                )
            return redirect(target)
    elif form.is_submitted():
        status = 400
        if "csrf_token" in form.errors:
            flash(str(CSRF_MESSAGE), "warning")
    return render_template(
        "assessments/answer.html",
        assessment=assessment,
        respondent=respondent,
        model=model,
        area=model.area(area_key),
        questions=questions,
        form=form,
        progress=answers.progress(model, respondent),
        scale=SCALE,
    ), status


@bp.route("/<int:assessment_id>/my-answers", methods=["GET", "POST"])
@everyone
def review_answers(assessment_id: int) -> object:
    """What the respondent has answered so far, and the one-time submit."""
    respondent = _respondent(assessment_id)
    model = load_model(respondent.assessment.model)
    form = SubmitAnswersForm()
    if form.validate_on_submit():
        try:
            answers.submit_answers(db.session, assessment_id, current_user.id)
        except AnswerError as error:
            flash(_problem(error), "danger")
        else:
            log_event("answers_submitted", user=current_user.email, assessment=assessment_id)
            flash(gettext("Thank you: your answers are submitted."), "success")
        return redirect(url_for("assessments.review_answers", assessment_id=assessment_id))
    return render_template(
        "assessments/my_answers.html",
        assessment=respondent.assessment,
        respondent=respondent,
        model=model,
        progress=answers.progress(model, respondent),
        missing=answers.unanswered(model, respondent),
        saved={a.question_id: a for a in respondent.answers},
        form=form,
    )
