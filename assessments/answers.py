"""Use cases of a respondent: answer an area's questions (and come back later), submit once.

Saving is per page (one key process area) and keeps everything saved before; submitting
needs an answer, or N/A, to every question and then freezes the respondent's answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from assessments.errors import AnswerError
from assessments.model import Model, load_model
from assessments.models import Answer, Assessment, AssessmentStatus, Evidence, Respondent
from persistence import utcnow

MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True)
class AnswerEntry:
    value: int | None  # 0-4, None for N/A
    comment: str = ""
    evidence: Evidence | None = None


def respondent_of(session: Session, assessment_id: int, user_id: int) -> Respondent:
    """The user's invitation to the assessment, with its answers and the assessment."""
    query = (
        select(Respondent)
        .where(Respondent.assessment_id == assessment_id, Respondent.user_id == user_id)
        .options(selectinload(Respondent.answers), joinedload(Respondent.assessment))
    )
    respondent = session.scalar(query)
    if respondent is None:
        raise AnswerError("not_invited")
    return respondent


def _writable(respondent: Respondent) -> None:
    if respondent.assessment.status != AssessmentStatus.OPEN:
        raise AnswerError("not_open")
    if respondent.submitted_at is not None:
        raise AnswerError("submitted")


def save_answers(
    session: Session, assessment_id: int, user_id: int, entries: Mapping[str, AnswerEntry]
) -> Respondent:
    """Save (or change) the given answers; answers to other questions stay as they were."""
    respondent = respondent_of(session, assessment_id, user_id)
    _writable(respondent)
    known = {question["id"] for question in respondent.assessment.model["questions"]}
    for question_id, entry in entries.items():
        if question_id not in known:
            raise AnswerError("unknown_question", question_id)
        if entry.value is not None and (
            isinstance(entry.value, bool) or entry.value not in range(5)
        ):
            raise AnswerError("bad_answer", question_id)
        if len(entry.comment) > MAX_COMMENT:
            raise AnswerError("comment_too_long", question_id)
    saved = {answer.question_id: answer for answer in respondent.answers}
    for question_id, entry in entries.items():
        answer = saved.get(question_id)
        if answer is None:
            answer = Answer(question_id=question_id)
            respondent.answers.append(answer)
        answer.value = entry.value
        answer.comment = entry.comment.strip()
        answer.evidence = entry.evidence if entry.value is not None else None
        answer.updated_at = utcnow()
    session.commit()
    return respondent


def unanswered(model: Model, respondent: Respondent) -> list[str]:
    """Question ids the respondent has neither answered nor marked N/A, in model order."""
    answered = {answer.question_id for answer in respondent.answers}
    return [question.id for question in model.questions if question.id not in answered]


def submit_answers(session: Session, assessment_id: int, user_id: int) -> Respondent:
    respondent = respondent_of(session, assessment_id, user_id)
    _writable(respondent)
    missing = unanswered(load_model(respondent.assessment.model), respondent)
    if missing:
        raise AnswerError("unanswered", missing[0])
    respondent.submitted_at = utcnow()
    session.commit()
    return respondent


def progress(model: Model, respondent: Respondent) -> dict[str, tuple[int, int]]:
    """{area key: (answered, questions)} for the progress bar and the area tabs."""
    answered = {answer.question_id for answer in respondent.answers}
    return {
        area.key: (
            sum(1 for q in model.questions_of(area.key) if q.id in answered),
            len(model.questions_of(area.key)),
        )
        for area in model.areas
    }


def assessment_progress(session: Session, assessment: Assessment) -> dict[int, int]:
    """{respondent id: answers saved} for the PMO's overview (one query)."""
    query = (
        select(Answer.respondent_id, func.count())
        .join(Respondent)
        .where(Respondent.assessment_id == assessment.id)
        .group_by(Answer.respondent_id)
    )
    return dict(session.execute(query).tuples().all())
