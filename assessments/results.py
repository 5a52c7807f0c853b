"""Results of assessments: the snapshot frozen at closing, and the views over several
closed assessments (one unit's trend, every unit side by side)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from assessments.model import Model
from assessments.models import Assessment, AssessmentStatus, Respondent, RespondentRole
from assessments.scoring import AssessmentResult, score

NO_EVIDENCE = "none"


def snapshot(
    model: Model,
    respondents: Sequence[Respondent],
    target: int | dict[str, int] | None,
    result: AssessmentResult,
) -> dict[str, Any]:
    """Everything the results page shows, as JSON-ready data, so that a closed result never
    depends on the model or the answers again."""
    by_role = {}
    for role in RespondentRole:
        group = [r.responses() for r in respondents if r.role == role]
        if group:
            seen = score(model, group)
            by_role[role.value] = {
                "respondents": len(group),
                "index": seen.index,
                "level": seen.level,
                "area_levels": seen.area_levels,
            }
    evidence = Counter(
        answer.evidence.value if answer.evidence else NO_EVIDENCE
        for respondent in respondents
        for answer in respondent.answers
        if answer.value is not None
    )
    # Lowest and highest answer of each disputed question, in one pass over the answers.
    disputed = set(result.disagreements)
    spread: dict[str, list[int]] = {}
    for respondent in respondents:
        for answer in respondent.answers:
            if answer.question_id in disputed and answer.value is not None:
                low, high = spread.get(answer.question_id, [answer.value, answer.value])
                spread[answer.question_id] = [min(low, answer.value), max(high, answer.value)]
    return {
        "model": {"key": model.key, "version": model.version},
        "target": target,
        "respondents": len(respondents),
        "level": result.level,
        "index": result.index,
        "area_levels": result.area_levels,
        # JSON object keys are strings: levels become "2".."5".
        "achievement": {
            area: {str(level): value for level, value in levels.items()}
            for area, levels in result.achievement.items()
        },
        "question_achievement": result.question_achievement,
        "targets": result.targets,
        "gaps": result.gaps,
        "disagreements": {question: spread[question] for question in result.disagreements},
        "blockers": {
            area: {"level": blocker.level, "questions": list(blocker.questions)}
            for area, blocker in result.blockers.items()
        },
        "by_role": by_role,
        "evidence": dict(evidence),
    }


@dataclass(frozen=True, slots=True)
class TrendPoint:
    assessment_id: int
    title: str
    period_end: date
    index: float
    level: int


def history(session: Session, org_unit_id: int) -> list[TrendPoint]:
    """Index and level of the unit's closed assessments, oldest first (one query)."""
    query = (
        select(Assessment.id, Assessment.title, Assessment.period_end, Assessment.result)
        .where(Assessment.org_unit_id == org_unit_id, Assessment.status == AssessmentStatus.CLOSED)
        .order_by(Assessment.period_end, Assessment.id)
    )
    return [
        TrendPoint(id_, title, period_end, result["index"], result["level"])
        for id_, title, period_end, result in session.execute(query)
    ]


def latest_by_unit(session: Session) -> list[Assessment]:
    """The most recent closed assessment of every org unit that has one (one query)."""
    query = (
        select(Assessment)
        .where(Assessment.status == AssessmentStatus.CLOSED)
        .options(joinedload(Assessment.org_unit))
        .order_by(Assessment.period_end.desc(), Assessment.id.desc())
    )
    latest: dict[int, Assessment] = {}
    for assessment in session.scalars(query):
        latest.setdefault(assessment.org_unit_id, assessment)
    return sorted(latest.values(), key=lambda a: a.org_unit.name.lower())
