"""Use cases on questionnaire versions: install the default model, upload another one.

A version, once installed, is never changed: a corrected file is a new version. Every
assessment also keeps its own copy of the model it was created with.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments.errors import NotFound, QuestionnaireError
from assessments.model import Model, load_model, parse_model_text
from assessments.models import Questionnaire

DEFAULT_FILE = Path(__file__).with_name("questionnaires") / "pmmm.yaml"


def list_questionnaires(session: Session) -> list[Questionnaire]:
    query = select(Questionnaire).order_by(Questionnaire.key, Questionnaire.uploaded_at.desc())
    return list(session.scalars(query))


def get_questionnaire(session: Session, questionnaire_id: int) -> Questionnaire:
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None:
        raise NotFound("questionnaire", str(questionnaire_id))
    return questionnaire


def _install(session: Session, model: Model, actor_id: int | None) -> Questionnaire:
    exists = session.scalar(
        select(Questionnaire.id).where(
            Questionnaire.key == model.key, Questionnaire.version == model.version
        )
    )
    if exists is not None:
        raise QuestionnaireError("version_exists", f"{model.key} {model.version}")
    questionnaire = Questionnaire(
        key=model.key,
        version=model.version,
        name=model.name.en,
        name_zh=model.name.zh,
        content=model.to_dict(),
        question_count=len(model.questions),
        uploaded_by_id=actor_id,
    )
    session.add(questionnaire)
    session.commit()
    return questionnaire


def install_default_questionnaire(session: Session) -> Questionnaire | None:
    """Install Tollgate's own PMMM model unless that version is there; idempotent."""
    model = load_model(DEFAULT_FILE)
    try:
        return _install(session, model, None)
    except QuestionnaireError:
        return None


def upload_questionnaire(session: Session, text: str, *, actor_id: int | None) -> Questionnaire:
    """Validate an uploaded model file and install it as a new version.

    An invalid file raises assessments.model.ModelError naming every problem; nothing is
    saved.
    """
    return _install(session, parse_model_text(text), actor_id)
