"""Load-oriented release for one funnel: from the database to `forecast.release` and back.

Which candidates waiting at a gate should pass it this period, so that the capacity-bound
stages behind it stay within their load limits (BRIEF §3; Bechte & Wiendahl's
Belastungsorientierte Auftragsfreigabe)? The maths is the pure `forecast.release`; this
module decides what its inputs mean in Tollgate:

* **waiting**: live (active, not on hold) candidates in the stage just before the entry
  stage that have an open gate review, so are ready to pass that gate.
* **due_days**: expected decision date minus today. A candidate without a date is never
  urgent (it gets `UNDATED_DUE_DAYS`, beyond any horizon the page accepts).
* **priority**: the productivity index of BRIEF §3, expected value x probability /
  estimated cost, with the candidate's probability override or else its stage's
  probability. Without a value or a positive cost it is unknown and ranks as 0: behind
  every candidate known to pay, ahead of those known to lose money.
* **work**: one unit, one gate review, in each stage from the entry stage on; none in the
  final stage, which has no gate. Capacities are therefore in gate reviews per period.
* **current load** of a capacity-bound stage s: every live candidate in s counts 1, and
  every live candidate already released into an earlier stage j (entry <= j < s) counts
  (100 / load_percent of s) ^ (s - j): the conversion `release` applies to what it
  releases now, so the whole account is in one unit. Candidates on hold use no capacity.

`build_release` reads a proposal in a fixed number of queries whatever the portfolio's
size; `accept_release` re-computes it and records a GO for each released candidate, all in
one transaction or nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persistence import StaleVersionError, begin_write
from portfolio.decisions import apply_decision
from portfolio.errors import PortfolioError
from portfolio.forecast import (
    HeldReason,
    ReleasePlan,
    StageCapacity,
    Waiting,
    release,
)
from portfolio.funnels import get_funnel
from portfolio.lifecycle import Decision, Status
from portfolio.models import Candidate, Funnel, GateReview, ReviewStatus, Stage, StageEvent

DEFAULT_ANTICIPATION_DAYS = 30
MAX_ANTICIPATION_DAYS = 3650
# Further than any horizon allowed above: an undated candidate is never urgent.
UNDATED_DUE_DAYS = 1_000_000.0
RELEASE_RATIONALE = "Released by load-oriented release."

BAD_ENTRY_STAGE = "bad_entry_stage"
BAD_ANTICIPATION = "bad_anticipation"
NOTHING_TO_RELEASE = "nothing_to_release"
PLAN_CHANGED = "plan_changed"


class ReleaseError(PortfolioError):
    """A release cannot be proposed or accepted as asked; `code` is one of the above."""


@dataclass(frozen=True, slots=True)
class LoadAccount:
    """One capacity-bound stage's load account for the period, in converted work units."""

    stage: Stage
    steps_ahead: int  # 0 for the entry stage
    capacity: float
    load_percent: float
    limit: float
    before: float  # current load, before this release
    after: float
    blocked: bool  # reached its limit or refused a candidate: no more releases into it

    @property
    def added(self) -> float:
        return self.after - self.before

    @property
    def factor(self) -> float:
        """What one candidate released now weighs here (1 in the entry stage)."""
        return float((100 / self.load_percent) ** self.steps_ahead)


@dataclass(frozen=True, slots=True)
class WaitingCandidate:
    id: int
    title: str
    version: int
    review_id: int
    due: date | None
    due_days: int | None
    priority: float | None  # None when unknown (ranked as 0)
    held_reason: HeldReason | None  # None when released


@dataclass(frozen=True)
class ReleaseView:
    funnel: Funnel
    entry: Stage  # the stage candidates are released into
    source: Stage  # the stage they wait in, at its gate
    anticipation_days: int
    today: date
    plan: ReleasePlan
    accounts: list[LoadAccount]  # capacity-bound stages from the entry stage on
    unlimited: list[Stage]  # gated stages from the entry stage on without a capacity
    released: list[WaitingCandidate]  # in release order
    held: list[WaitingCandidate]  # in priority order

    @property
    def blocked(self) -> list[LoadAccount]:
        return [account for account in self.accounts if account.blocked]


def entry_stages(funnel: Funnel) -> list[Stage]:
    """Stages a release can lead into: every stage with one before it and a gate after it."""
    return list(funnel.stages[1:-1])


def default_entry_stage(funnel: Funnel) -> Stage | None:
    """The first capacity-bound entry stage, else the first entry stage."""
    stages = entry_stages(funnel)
    return next((s for s in stages if s.capacity is not None), stages[0] if stages else None)


def priority_of(candidate: Candidate, stage: Stage) -> float | None:
    """The productivity index, or None when the value or a positive cost is missing."""
    if candidate.expected_value is None or not candidate.estimated_cost:
        return None
    probability = (
        candidate.probability_override
        if candidate.probability_override is not None
        else stage.probability
    )
    return float(candidate.expected_value) * probability / float(candidate.estimated_cost)


def build_release(
    session: Session,
    funnel_id: int,
    entry_stage_id: int,
    *,
    anticipation_days: int,
    today: date,
) -> ReleaseView:
    """The proposal for releasing into `entry_stage_id` of `funnel_id` now (four queries).

    Raises NotFound for an unknown funnel and ReleaseError for a stage that cannot be
    released into or a horizon outside 0..MAX_ANTICIPATION_DAYS.
    """
    if not 0 <= anticipation_days <= MAX_ANTICIPATION_DAYS:
        raise ReleaseError(BAD_ANTICIPATION, str(anticipation_days))
    funnel = get_funnel(session, funnel_id)
    stages = list(funnel.stages)
    entry = next((i for i, s in enumerate(stages) if s.id == entry_stage_id), None)
    if entry is None or stages[entry] not in entry_stages(funnel):
        raise ReleaseError(BAD_ENTRY_STAGE, str(entry_stage_id))
    source = stages[entry - 1]
    ahead = stages[entry:-1]  # gated stages from the entry stage on: one review each

    rows = session.execute(
        select(Candidate, GateReview.id)
        .join(
            GateReview,
            (GateReview.candidate_id == Candidate.id) & (GateReview.status == ReviewStatus.OPEN),
        )
        .where(
            Candidate.funnel_id == funnel.id,
            Candidate.stage_id == source.id,
            Candidate.status == Status.ACTIVE,
        )
        .order_by(Candidate.id)
    ).all()
    counts = dict(
        session.execute(
            select(Candidate.stage_id, func.count())
            .where(
                Candidate.funnel_id == funnel.id,
                Candidate.stage_id.in_([s.id for s in ahead]),
                Candidate.status == Status.ACTIVE,
            )
            .group_by(Candidate.stage_id)
        )
        .tuples()
        .all()
    )

    capacities = [
        StageCapacity(entry + step, stage.capacity, stage.load_percent)
        for step, stage in enumerate(ahead)
        if stage.capacity is not None and stage.load_percent is not None
    ]
    current_load = {
        c.stage: _current_load(c, [counts.get(s.id, 0) for s in stages[entry : c.stage + 1]])
        for c in capacities
    }
    work = [1.0] * len(ahead) + [0.0]
    waiting = {
        candidate.id: WaitingCandidate(
            id=candidate.id,
            title=candidate.title,
            version=candidate.version,
            review_id=review_id,
            due=candidate.expected_decision_date,
            due_days=(
                None
                if candidate.expected_decision_date is None
                else (candidate.expected_decision_date - today).days
            ),
            priority=priority_of(candidate, source),
            held_reason=None,
        )
        for candidate, review_id in rows
    }
    plan = release(
        [
            Waiting(
                key=str(w.id),
                due_days=UNDATED_DUE_DAYS if w.due_days is None else float(w.due_days),
                priority=w.priority or 0.0,
                work=work,
            )
            for w in waiting.values()
        ],
        capacities,
        current_load,
        entry_stage=entry,
        anticipation_days=anticipation_days,
    )

    accounts = [
        LoadAccount(
            stage=stages[c.stage],
            steps_ahead=c.stage - entry,
            capacity=c.capacity,
            load_percent=c.load_percent,
            limit=c.limit,
            before=current_load[c.stage],
            after=plan.load[c.stage],
            blocked=c.stage in plan.blocked,
        )
        for c in capacities
    ]
    return ReleaseView(
        funnel=funnel,
        entry=stages[entry],
        source=source,
        anticipation_days=anticipation_days,
        today=today,
        plan=plan,
        accounts=accounts,
        unlimited=[s for s in ahead if s.capacity is None],
        released=[waiting[int(key)] for key in plan.released],
        held=[replace(waiting[int(key)], held_reason=reason) for key, reason in plan.held],
    )


def _current_load(capacity: StageCapacity, counts: Sequence[int]) -> float:
    """`counts[j]`: live candidates j stages after the entry stage, up to this one."""
    last = len(counts) - 1
    factor = 100 / capacity.load_percent
    return math.fsum(count * factor ** (last - j) for j, count in enumerate(counts))


def accept_release(
    session: Session,
    funnel_id: int,
    entry_stage_id: int,
    offered: Sequence[tuple[int, int]],
    *,
    anticipation_days: int,
    actor_id: int | None,
    now: datetime,
) -> list[StageEvent]:
    """Record a GO for every candidate the plan releases, in one transaction.

    `offered` is the (candidate id, version) pairs the executive saw. The plan is
    re-computed first; unless it still releases exactly those candidates, at those versions,
    nothing is recorded: ReleaseError(PLAN_CHANGED), or StaleVersionError for a candidate
    changed since. Any failure while recording rolls every decision back.
    """
    begin_write(session)
    try:
        view = build_release(
            session,
            funnel_id,
            entry_stage_id,
            anticipation_days=anticipation_days,
            today=now.date(),
        )
        if not view.released:
            raise ReleaseError(NOTHING_TO_RELEASE)
        versions = dict(offered)
        if len(versions) != len(offered) or versions.keys() != {c.id for c in view.released}:
            raise ReleaseError(PLAN_CHANGED)
        for candidate in view.released:
            if versions[candidate.id] != candidate.version:
                raise StaleVersionError("Candidate", versions[candidate.id], candidate.version)
        events = [
            apply_decision(
                session,
                candidate.id,
                Decision.GO,
                expected_version=candidate.version,
                actor_id=actor_id,
                rationale=RELEASE_RATIONALE,
            )
            for candidate in view.released
        ]
        session.commit()
    except BaseException:  # an interrupt too: never leave half a release pending
        session.rollback()
        raise
    return events
