"""Recording a decision on a candidate: go, kill, hold, resume, recycle.

The candidate's new stage and status and the history event are written in one
transaction. The editor's version is checked first (minutes-long forms) and the version
column guards the write itself (simultaneous requests): two people deciding at once get
one success and one StaleVersionError/StaleDataError, never a lost update.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from persistence import expect_version, utcnow
from portfolio.candidates import get_candidate
from portfolio.errors import DecisionError
from portfolio.lifecycle import (
    Decision,
    Position,
    Status,
    TransitionError,
    allowed_decisions,
    decide,
)
from portfolio.models import EventKind, ReviewStatus, StageEvent, StageVisit
from portfolio.reviews import open_review_of
from portfolio.visits import ENTERING, LEAVING

# Decisions after which the open review of the gate has served its purpose.
CLOSES_REVIEW = {Decision.GO, Decision.KILL, Decision.RECYCLE}


def record_decision(
    session: Session,
    candidate_id: int,
    decision: Decision,
    *,
    expected_version: int,
    actor_id: int | None,
    rationale: str,
    target_stage_id: int | None = None,
) -> StageEvent:
    """Take one decision on one candidate and commit it."""
    event = apply_decision(
        session,
        candidate_id,
        decision,
        expected_version=expected_version,
        actor_id=actor_id,
        rationale=rationale,
        target_stage_id=target_stage_id,
    )
    session.commit()
    return event


def apply_decision(
    session: Session,
    candidate_id: int,
    decision: Decision,
    *,
    expected_version: int,
    actor_id: int | None,
    rationale: str,
    target_stage_id: int | None = None,
) -> StageEvent:
    """`record_decision` without the commit: flushes, so that a use case taking several
    decisions at once (portfolio.release_plan) commits them all or none."""
    candidate = get_candidate(session, candidate_id)
    expect_version(candidate, expected_version)
    rationale = rationale.strip()
    if not rationale:
        raise DecisionError("rationale_required")

    stages = candidate.funnel.stages
    positions = {stage.id: index for index, stage in enumerate(stages)}
    target = None
    if target_stage_id is not None:
        if target_stage_id not in positions:
            raise DecisionError("bad_stage", str(target_stage_id))
        target = positions[target_stage_id]

    try:
        moved = decide(
            Position(candidate.status, positions[candidate.stage_id]),
            decision,
            stage_count=len(stages),
            target_stage=target,
        )
    except TransitionError as error:
        raise DecisionError(error.code) from error
    # Checked after the rules, so a killed candidate hears why go is refused, not that a
    # review is missing.
    review = open_review_of(session, candidate.id)
    if decision == Decision.GO and review is None:
        raise DecisionError("review_required")

    now = utcnow()
    event = StageEvent(
        candidate_id=candidate.id,
        from_stage_id=candidate.stage_id,
        to_stage_id=stages[moved.stage].id,
        kind=EventKind(decision.value),
        status_after=moved.status,
        actor_id=actor_id,
        at=now,
        rationale=rationale,
        review_id=review.id if review is not None and decision in CLOSES_REVIEW else None,
    )
    if review is not None and decision in CLOSES_REVIEW:
        review.status = ReviewStatus.DECIDED
        review.closed_at = now
    _record_stay(session, candidate.id, stages[moved.stage].id, event.kind, now)
    furthest = positions.get(candidate.furthest_stage_id or candidate.stage_id, 0)
    if moved.stage > furthest:
        candidate.furthest_stage_id = stages[moved.stage].id
    if stages[moved.stage].id != candidate.stage_id:
        candidate.stage_entered_at = now
    candidate.stage_id = stages[moved.stage].id
    candidate.status = moved.status
    candidate.updated_at = now
    session.add(event)
    session.flush()
    return event


def _record_stay(
    session: Session, candidate_id: int, to_stage: int, kind: EventKind, now: datetime
) -> None:
    """Keep the stage visits in step with the event (portfolio.visits has the rule)."""
    if kind in LEAVING:
        # A killed candidate has no open stay: recycling it only opens a new one.
        stay = session.scalars(
            select(StageVisit).where(
                StageVisit.candidate_id == candidate_id, StageVisit.left_at.is_(None)
            )
        ).one_or_none()
        if stay is not None:
            stay.left_at = now
            stay.outcome = kind
            stay.dwell_days = (now - stay.entered_at).total_seconds() / 86400
    if kind in ENTERING:
        session.add(StageVisit(candidate_id=candidate_id, stage_id=to_stage, entered_at=now))


def allowed(candidate_status: Status, stage_index: int, stage_count: int) -> list[Decision]:
    """Decisions that the candidate's position allows, for offering them in forms."""
    return allowed_decisions(Position(candidate_status, stage_index), stage_count=stage_count)
