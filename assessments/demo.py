"""Demo maturity assessments: three closed rounds per org unit and one open assessment.

Answers come from a latent maturity per unit and area that improves from round to round,
seen a little differently by each respondent role (executives see more than team members
do) and with noise, so results show trends, disagreements, role differences and gaps.
Everything goes through the real use cases (invite, answer, submit, close).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments import answers, campaigns
from assessments.answers import AnswerEntry
from assessments.model import Model, load_model
from assessments.models import Assessment, Evidence, Questionnaire, RespondentRole

ROUNDS_MONTHS_AGO = (20, 11, 3)
ROLE_BIAS = {
    RespondentRole.EXECUTIVE: 0.5,
    RespondentRole.LINE_MANAGER: 0.2,
    RespondentRole.PROJECT_MANAGER: 0.0,
    RespondentRole.TEAM_MEMBER: -0.3,
}
ROLE_CYCLE = (
    RespondentRole.EXECUTIVE,
    RespondentRole.LINE_MANAGER,
    RespondentRole.PROJECT_MANAGER,
    RespondentRole.PROJECT_MANAGER,
    RespondentRole.TEAM_MEMBER,
    RespondentRole.TEAM_MEMBER,
)


@dataclass(frozen=True)
class DemoUnit:
    id: int
    name: str


def _answer(rng: random.Random, maturity: float, level: int, bias: float) -> int | None:
    """An answer 0-4 to a level-`level` question in an area whose maturity is `maturity`."""
    if rng.random() < 0.04:
        return None
    expected = 4 / (1 + math.exp(-2.2 * (maturity - level + 0.6)))
    return max(0, min(4, round(expected + bias + rng.gauss(0, 0.7))))


def _entries(
    rng: random.Random, model: Model, maturity: dict[str, float], bias: float
) -> dict[str, AnswerEntry]:
    entries = {}
    for question in model.questions:
        value = _answer(rng, maturity[question.area], question.level, bias)
        evidence = rng.choices(
            [None, Evidence.CLAIMED, Evidence.DOCUMENTED, Evidence.OBSERVED], [2, 4, 3, 2]
        )[0]
        entries[question.id] = AnswerEntry(value=value, evidence=evidence)
    return entries


def _run(
    session: Session,
    rng: random.Random,
    questionnaire: Questionnaire,
    model: Model,
    unit: DemoUnit,
    when: datetime,
    people: Sequence[int],
    maturity: dict[str, float],
    organiser_id: int | None,
    *,
    close: bool,
) -> Assessment:
    quarter = (when.month - 1) // 3 + 1
    setup = campaigns.Setup(
        title=f"{unit.name} PMMM {when.year} Q{quarter}",
        org_unit_id=unit.id,
        period_start=(when - timedelta(days=30)).date(),
        period_end=when.date(),
        target_level=3,
    )
    assessment = campaigns.create_assessment(
        session, questionnaire.id, setup, actor_id=organiser_id
    )
    invited = [(user, ROLE_CYCLE[i % len(ROLE_CYCLE)]) for i, user in enumerate(people)]
    campaigns.set_respondents(session, assessment.id, invited, expected_version=assessment.version)
    campaigns.open_assessment(session, assessment.id, expected_version=assessment.version)
    if not close:
        return assessment  # left for the demo logins to answer
    for user_id, role in invited:
        entries = _entries(rng, model, maturity, ROLE_BIAS[role])
        answers.save_answers(session, assessment.id, user_id, entries)
        answers.submit_answers(session, assessment.id, user_id)
    campaigns.close_assessment(session, assessment.id, expected_version=assessment.version)
    # Back-date the campaign to when it ran; its result does not depend on dates.
    assessment.opened_at = when - timedelta(days=21)
    assessment.closed_at = when
    assessment.created_at = when - timedelta(days=28)
    session.commit()
    return assessment


def load_demo_assessments(
    session: Session,
    units: Sequence[DemoUnit],
    pool: Sequence[int],
    *,
    organiser_id: int | None,
    open_for: Sequence[int],
    now: datetime,
    seed: int = 11,
) -> int:
    """Closed rounds for every unit from `pool` respondents, and an open assessment of the
    first unit for `open_for` (demo logins who can try the questionnaire). Skipped when
    any assessment exists; returns how many were written."""
    if session.scalar(select(Assessment.id).limit(1)) is not None:
        return 0
    questionnaire = session.scalars(select(Questionnaire).order_by(Questionnaire.id)).first()
    if questionnaire is None or len(pool) < 3:
        return 0
    model = load_model(questionnaire.content)
    rng = random.Random(seed)
    written = 0
    for unit in units:
        base = rng.uniform(1.6, 3.0)
        maturity = {area.key: base + rng.uniform(-0.8, 0.8) for area in model.areas}
        for months in ROUNDS_MONTHS_AGO:
            people = rng.sample(list(pool), k=min(len(pool), rng.randint(4, 6)))
            when = now - timedelta(days=30 * months)
            _run(
                session,
                rng,
                questionnaire,
                model,
                unit,
                when,
                people,
                maturity,
                organiser_id,
                close=True,
            )
            written += 1
            maturity = {key: value + rng.uniform(0.1, 0.6) for key, value in maturity.items()}
    if units and open_for:
        _run(
            session,
            rng,
            questionnaire,
            model,
            units[0],
            now + timedelta(days=20),
            list(open_for),
            maturity,
            organiser_id,
            close=False,
        )
        written += 1
    return written
