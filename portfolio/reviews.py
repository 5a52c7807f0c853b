"""Use cases of gate reviews: open one at a candidate's current gate, let invited people
score it, and read the aggregated result through `scoring.score_gate`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from accounts.models import User
from accounts.roles import Role
from persistence import utcnow
from portfolio.errors import NotFound, ReviewError
from portfolio.funnels import active_criteria
from portfolio.lifecycle import Status
from portfolio.models import (
    Candidate,
    CriterionKind,
    GateReview,
    GateScore,
    ReviewScorer,
    ReviewStatus,
)
from portfolio.scoring import GateResult, ScoringError, score_gate

# Roles whose members may be invited to score; viewers only read.
SCORER_ROLES = frozenset({Role.ADMIN, Role.PMO, Role.EXECUTIVE})


def get_review(session: Session, review_id: int) -> GateReview:
    """The review with its candidate, stage, scorers and scores loaded."""
    review = session.get(
        GateReview,
        review_id,
        options=[
            joinedload(GateReview.candidate).joinedload(Candidate.stage),
            joinedload(GateReview.stage),
            selectinload(GateReview.scorers).joinedload(ReviewScorer.user),
            selectinload(GateReview.scores),
        ],
    )
    if review is None:
        raise NotFound("review", str(review_id))
    return review


def open_review_of(session: Session, candidate_id: int) -> GateReview | None:
    """The candidate's open review, if there is one."""
    query = select(GateReview).where(
        GateReview.candidate_id == candidate_id, GateReview.status == ReviewStatus.OPEN
    )
    return session.scalar(query)


def reviews_of(session: Session, candidate_id: int) -> list[GateReview]:
    query = (
        select(GateReview)
        .where(GateReview.candidate_id == candidate_id)
        .options(joinedload(GateReview.stage))
        .order_by(GateReview.opened_at.desc(), GateReview.id.desc())
    )
    return list(session.scalars(query))


def eligible_scorers(session: Session) -> list[User]:
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_(SCORER_ROLES))
        .order_by(User.display_name, User.id)
    )
    return list(session.scalars(query))


def open_review(
    session: Session,
    candidate_id: int,
    *,
    scorer_ids: Iterable[int],
    actor_id: int | None,
    go_threshold: float = 60.0,
    kill_threshold: float = 40.0,
) -> GateReview:
    """Open the review of the gate at the exit of the candidate's current stage, with a
    copy of that gate's scorecard, and invite the scorers."""
    candidate = session.get(Candidate, candidate_id, options=[joinedload(Candidate.stage)])
    if candidate is None:
        raise NotFound("candidate", str(candidate_id))
    if candidate.status != Status.ACTIVE:
        raise ReviewError("not_active", candidate.status.value)
    if open_review_of(session, candidate_id) is not None:
        raise ReviewError("already_open")
    criteria = active_criteria(candidate.stage)
    if not criteria:
        raise ReviewError("no_gate", candidate.stage.key)
    if not 0 <= kill_threshold <= go_threshold <= 100:
        raise ReviewError("thresholds")
    scorers = _scorers(session, scorer_ids)
    review = GateReview(
        candidate_id=candidate.id,
        stage_id=candidate.stage_id,
        status=ReviewStatus.OPEN,
        criteria=[criterion.snapshot() for criterion in criteria],
        go_threshold=go_threshold,
        kill_threshold=kill_threshold,
        opened_by_id=actor_id,
        opened_at=utcnow(),
    )
    review.scorers = [ReviewScorer(user_id=user.id) for user in scorers]
    session.add(review)
    session.commit()
    return review


def _scorers(session: Session, scorer_ids: Iterable[int]) -> list[User]:
    wanted = set(scorer_ids)
    if not wanted:
        raise ReviewError("no_scorers")
    users = list(session.scalars(select(User).where(User.id.in_(wanted))))
    if len(users) != len(wanted) or any(
        not user.active or user.role not in SCORER_ROLES for user in users
    ):
        raise ReviewError("bad_scorer")
    return users


@dataclass(frozen=True, slots=True)
class Entry:
    """One scorer's answer on one criterion: 1/0 for must-meet, 0-10 for should-meet."""

    value: float
    comment: str = ""


def record_scores(
    session: Session, review_id: int, *, scorer_id: int, entries: Mapping[str, Entry]
) -> GateReview:
    """Save a scorer's complete scorecard, replacing what they saved before."""
    review = get_review(session, review_id)
    if review.status != ReviewStatus.OPEN:
        raise ReviewError("closed")
    invitation = next((s for s in review.scorers if s.user_id == scorer_id), None)
    if invitation is None:
        raise ReviewError("not_invited")
    keys = [criterion["key"] for criterion in review.criteria]
    if set(entries) != set(keys):
        raise ReviewError("incomplete", ", ".join(sorted(set(keys) ^ set(entries))))
    # Let the scoring rules judge every value before anything is written.
    try:
        score_gate(
            review.criteria,
            [{"scorer": scorer_id, "criterion": k, "value": e.value} for k, e in entries.items()],
        )
    except ScoringError as error:
        raise ReviewError(error.code, str(error)) from error

    review.scores = [s for s in review.scores if s.scorer_id != scorer_id]
    session.flush()
    review.scores.extend(
        GateScore(
            scorer_id=scorer_id,
            criterion_key=key,
            value=float(entries[key].value),
            comment=entries[key].comment.strip(),
        )
        for key in keys
    )
    invitation.submitted_at = utcnow()
    session.commit()
    return review


def review_result(review: GateReview) -> GateResult:
    """The aggregated gate score, disagreements, failed must-meets and recommendation."""
    return score_gate(
        review.criteria,
        [
            {"scorer": score.scorer_id, "criterion": score.criterion_key, "value": score.value}
            for score in review.scores
        ],
        go_threshold=review.go_threshold,
        kill_threshold=review.kill_threshold,
    )


def scores_by_scorer(review: GateReview) -> dict[int, dict[str, GateScore]]:
    """{scorer id: {criterion key: score}} for the review page's matrix."""
    table: dict[int, dict[str, GateScore]] = {}
    for score in review.scores:
        table.setdefault(score.scorer_id, {})[score.criterion_key] = score
    return table


def is_must(criterion: Mapping[str, object]) -> bool:
    return criterion["kind"] == CriterionKind.MUST.value
