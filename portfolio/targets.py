"""Pipeline targets per horizon (the IBM go-to-market view, BRIEF §3).

For each coming quarter people enter the value they want approved. A stage whose candidates
convert with probability p needs target / p of pipeline expected to decide in that quarter;
the database says what it has, and the difference is the gap to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import BigInteger, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from portfolio import metrics
from portfolio.dashboard import LIVE, Scope
from portfolio.models import Candidate, Stage

QUARTERS = 4


@dataclass(frozen=True, slots=True)
class Horizon:
    start: date
    end: date  # inclusive


@dataclass(frozen=True, slots=True)
class TargetRow:
    horizon: int
    stage: int  # index in the funnel
    probability: float
    has: float  # value of live candidates there expected to decide within the horizon
    needed: float | None  # target / probability; None without a target
    gap: float | None  # needed - has: positive means the stage is short


def quarter_of(day: date) -> Horizon:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Horizon(start, after - timedelta(days=1))


def coming_quarters(today: date, count: int = QUARTERS) -> list[Horizon]:
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(quarter_of(quarters[-1].end + timedelta(days=1)))
    return quarters


def pipeline_by_horizon(
    session: Session, scope: Scope, stages: list[Stage], horizons: list[Horizon]
) -> list[list[float]]:
    """[horizon][stage]: value of the scope's live candidates in that stage whose expected
    decision date falls in that horizon (one GROUP BY pass)."""
    decided = Candidate.expected_decision_date
    bucket = case(
        *[(and_(decided >= h.start, decided <= h.end), index) for index, h in enumerate(horizons)],
        else_=-1,
    )
    query = (
        select(
            Candidate.stage_id, bucket, func.sum(type_coerce(Candidate.expected_value, BigInteger))
        )
        .where(*scope, Candidate.status.in_(LIVE), decided.is_not(None))
        .group_by(Candidate.stage_id, bucket)
    )
    position = {stage.id: index for index, stage in enumerate(stages)}
    has = [[0.0] * len(stages) for _ in horizons]
    for stage_id, horizon, cents in session.execute(query):
        if horizon >= 0 and cents is not None:
            has[horizon][position[stage_id]] += float(cents) / 100
    return has


def target_rows(
    has: list[list[float]], probabilities: list[float], targets: list[float | None]
) -> list[TargetRow]:
    """Needed, present and gap for every horizon and every stage with a probability above 0
    (a stage from which nothing converts cannot carry a target)."""
    rows = []
    for horizon, (present, target) in enumerate(zip(has, targets, strict=True)):
        for stage, probability in enumerate(probabilities):
            if probability <= 0:
                continue
            needed = None
            if target is not None:
                needed = metrics.required_pipeline([(target, probability)])[0]
            rows.append(
                TargetRow(
                    horizon=horizon,
                    stage=stage,
                    probability=probability,
                    has=present[stage],
                    needed=needed,
                    gap=None if needed is None else needed - present[stage],
                )
            )
    return rows
