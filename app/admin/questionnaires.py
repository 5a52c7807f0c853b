"""Administration of maturity questionnaires: see the installed versions, upload a new one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from app.admin.blueprint import admin_only, bp
from app.assessments.forms import QuestionnaireUploadForm
from app.extensions import db
from app.labels import ASSESSMENT_PROBLEMS, MODEL_PROBLEMS
from app.lookup import get_or_404
from app.security_log import log_event
from assessments import questionnaires
from assessments.errors import QuestionnaireError
from assessments.model import ModelError, ModelProblem, load_model

MAX_FILE_BYTES = 1024 * 1024


def _describe(problem: ModelProblem) -> str:
    text = f"{problem.where}: {MODEL_PROBLEMS.get(problem.code, problem.code)}"
    return f"{text} ({problem.detail})" if problem.detail else text


@bp.route("/questionnaires", methods=["GET", "POST"])
@admin_only
def questionnaire_list() -> object:
    form = QuestionnaireUploadForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE_BYTES + 1)
        try:
            if len(data) > MAX_FILE_BYTES:
                raise QuestionnaireError("too_large")
            installed = questionnaires.upload_questionnaire(
                db.session, data.decode("utf-8"), actor_id=current_user.id
            )
        except UnicodeDecodeError:
            problems = [gettext("The file is not UTF-8 text.")]
        except ModelError as error:
            problems = [_describe(problem) for problem in error.problems]
        except QuestionnaireError as error:
            problems = [str(ASSESSMENT_PROBLEMS.get(error.code, error.code))]
        else:
            log_event(
                "questionnaire_installed",
                user=current_user.email,
                key=installed.key,
                version=installed.version,
            )
            flash(
                gettext(
                    "Questionnaire %(key)s %(version)s installed.",
                    key=installed.key,
                    version=installed.version,
                ),
                "success",
            )
            return redirect(url_for("admin.questionnaire", questionnaire_id=installed.id))
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/questionnaires.html",
        questionnaires=questionnaires.list_questionnaires(db.session),
        form=form,
        problems=problems,
    ), status


@bp.route("/questionnaires/<int:questionnaire_id>")
@admin_only
def questionnaire(questionnaire_id: int) -> str:
    installed = get_or_404(questionnaires.get_questionnaire, questionnaire_id)
    return render_template(
        "admin/questionnaire.html", questionnaire=installed, model=load_model(installed.content)
    )
