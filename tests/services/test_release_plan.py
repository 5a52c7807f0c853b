"""Load-oriented release on a real database: the proposal is the pure `forecast.release`
fed from the funnel, and accepting it records every go or none."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accounts.roles import Role
from persistence import StaleVersionError, utcnow
from portfolio import release_plan, reviews
from portfolio.candidates import CandidateFields, update_candidate
from portfolio.decisions import record_decision
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.errors import FunnelError, NotFound
from portfolio.forecast import BLOCKED_STAGE, NOT_URGENT, StageCapacity, Waiting, release
from portfolio.funnels import StageFields, update_stage
from portfolio.lifecycle import Decision, Status
from portfolio.models import (
    Candidate,
    CandidateKind,
    GateReview,
    ReviewStatus,
    Stage,
    StageEvent,
    StageVisit,
)
from portfolio.release_plan import (
    PLAN_CHANGED,
    RELEASE_RATIONALE,
    ReleaseError,
    accept_release,
    build_release,
)
from tests import factories
from tests.conftest import reloaded

HASH = "pbkdf2:sha256:1000"
NOW = utcnow()
TODAY = NOW.date()


@pytest.fixture
def people(session):
    return {
        "pmo": factories.make_user(session, hash_method=HASH, role=Role.PMO),
        "executive": factories.make_user(session, hash_method=HASH, role=Role.EXECUTIVE),
    }


def _candidate(session, *, due=None, value=None, cost=None, override=None, **overrides):
    return factories.make_candidate(
        session,
        expected_decision_date=None if due is None else TODAY + timedelta(days=due),
        expected_value=None if value is None else Decimal(value),
        estimated_cost=None if cost is None else Decimal(cost),
        probability_override=override,
        **overrides,
    )


def _open_review(session, candidate, people):
    reviews.open_review(
        session, candidate.id, scorer_ids=[people["pmo"].id], actor_id=people["pmo"].id
    )


def _go(session, candidate, people, times=1):
    for _ in range(times):
        _open_review(session, candidate, people)
        record_decision(
            session,
            candidate.id,
            Decision.GO,
            expected_version=reloaded(session, candidate).version,
            actor_id=people["executive"].id,
            rationale="r",
        )


def _waiting(session, people, **fields):
    candidate = _candidate(session, **fields)
    _open_review(session, candidate, people)
    return candidate


def _capacities(session, funnel, *limits):
    """Set (capacity, load percent) per stage, in funnel order; None clears a stage."""
    for stage, limit in zip(funnel.stages, limits, strict=False):
        stage.capacity, stage.load_percent = limit if limit else (None, None)
    session.commit()


@pytest.fixture
def funnel(session, people):
    """The investment funnel with tight limits and a worked example around its first gate.

    Opportunity study: capacity 2 at 200 % (limit 4); option: 1 at 200 % (limit 2); final
    decision: no capacity. In the opportunity study one live candidate and one on hold; in
    the option stage one. Current load: opportunity 1, option 1 + 1 x 0.5 = 1.5.
    """
    funnel = factories.seeded_funnel(session)
    _capacities(session, funnel, None, (2, 200), (1, 200), None)
    in_opportunity = _candidate(session, title="In opportunity")
    _go(session, in_opportunity, people)
    on_hold = _candidate(session, title="On hold")
    _go(session, on_hold, people)
    record_decision(
        session,
        on_hold.id,
        Decision.HOLD,
        expected_version=reloaded(session, on_hold).version,
        actor_id=people["executive"].id,
        rationale="r",
    )
    _go(session, _candidate(session, title="In option"), people, times=2)
    # Not waiting: no open review, killed, or in another funnel.
    _candidate(session, title="No review", due=1)
    killed = _waiting(session, people, title="Killed", due=1)
    record_decision(
        session,
        killed.id,
        Decision.KILL,
        expected_version=reloaded(session, killed).version,
        actor_id=people["executive"].id,
        rationale="r",
    )
    _waiting(session, people, title="Other funnel", due=1, funnel_key="innovation")
    return reloaded(session, funnel)


def _stage(funnel, key):
    return next(s for s in funnel.stages if s.key == key)


def _queue(session, people):
    """Waiting at the idea gate: productivity index = value x 5 % / cost."""
    return {
        "A": _waiting(session, people, title="A", due=5, value="800", cost="10"),  # 4.0
        "B": _waiting(session, people, title="B", due=10, value="400", cost="10"),  # 2.0
        "C": _waiting(session, people, title="C", due=60, value="9000", cost="10"),  # late
        "D": _waiting(session, people, title="D", value="9000", cost="10"),  # no date
        "E": _waiting(session, people, title="E", due=-2, value="1", cost="10"),  # overdue
        "F": _waiting(session, people, title="F", due=3),  # no value: priority unknown
    }


def test_the_proposal_is_the_pure_release_of_the_funnel(session, people, funnel):
    queue = _queue(session, people)
    entry = _stage(funnel, "opportunity")
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)

    # The same data, written out by hand for the pure function.
    p = 0.05  # the idea stage's probability
    waiting = [
        Waiting(str(queue["A"].id), 5, 800 * p / 10, [1, 1, 1, 0]),
        Waiting(str(queue["B"].id), 10, 400 * p / 10, [1, 1, 1, 0]),
        Waiting(str(queue["C"].id), 60, 9000 * p / 10, [1, 1, 1, 0]),
        Waiting(str(queue["D"].id), release_plan.UNDATED_DUE_DAYS, 9000 * p / 10, [1, 1, 1, 0]),
        Waiting(str(queue["E"].id), -2, 1 * p / 10, [1, 1, 1, 0]),
        Waiting(str(queue["F"].id), 3, 0.0, [1, 1, 1, 0]),
    ]
    expected = release(
        waiting,
        [StageCapacity(1, 2, 200), StageCapacity(2, 1, 200)],
        {1: 1.0, 2: 1.5},
        entry_stage=1,
        anticipation_days=30,
    )
    assert view.plan == expected
    # A fits (option reaches 1.5 + 0.5 = 2, its limit); every other urgent one waits.
    assert [c.title for c in view.released] == ["A"]
    assert [(c.title, c.held_reason) for c in view.held] == [
        ("C", NOT_URGENT),
        ("D", NOT_URGENT),
        ("B", BLOCKED_STAGE),
        ("E", BLOCKED_STAGE),
        ("F", BLOCKED_STAGE),
    ]
    accounts = {a.stage.key: a for a in view.accounts}
    assert set(accounts) == {"opportunity", "option"}
    assert (accounts["opportunity"].before, accounts["opportunity"].after) == (1.0, 2.0)
    assert (accounts["option"].before, accounts["option"].after) == (1.5, 2.0)
    assert accounts["option"].factor == 0.5
    assert [a.stage.key for a in view.blocked] == ["option"]
    assert [s.key for s in view.unlimited] == ["final_decision"]
    assert view.source.key == "idea"
    assert view.entry == entry
    released = view.released[0]
    assert (released.due_days, released.priority) == (5, pytest.approx(4.0))
    assert view.held[-1].priority is None


def test_an_undated_candidate_is_never_urgent(session, people, funnel):
    candidate = _waiting(session, people, title="Undated", value="1", cost="1")
    entry = _stage(funnel, "opportunity")
    view = build_release(
        session,
        funnel.id,
        entry.id,
        anticipation_days=release_plan.MAX_ANTICIPATION_DAYS,
        today=TODAY,
    )
    assert [(c.id, c.held_reason) for c in view.held] == [(candidate.id, NOT_URGENT)]


def test_the_probability_override_counts_in_the_priority(session, people, funnel):
    _capacities(session, funnel, None, None, None, None)
    low = _waiting(session, people, title="Low", due=1, value="100", cost="10")
    high = _waiting(session, people, title="High", due=9, value="100", cost="10", override=0.9)
    entry = _stage(funnel, "opportunity")
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)
    assert [c.id for c in view.released] == [high.id, low.id]
    assert view.accounts == []
    assert len(view.unlimited) == 3


def test_releasing_further_into_the_funnel_reads_that_gate(session, people, funnel):
    entry = _stage(funnel, "option")
    waiting = _candidate(session, title="Ready for option", due=3)
    _go(session, waiting, people)
    _open_review(session, waiting, people)
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)
    assert view.source.key == "opportunity"
    # "In opportunity" has no open review; the option stage is already at 1 of its limit 2.
    assert [c.id for c in view.released] == [waiting.id]
    assert [(a.stage.key, a.before, a.after) for a in view.accounts] == [("option", 1.0, 2.0)]


@pytest.mark.parametrize("key", ["idea", "approved"])
def test_the_first_and_last_stages_cannot_be_released_into(session, funnel, key):
    with pytest.raises(ReleaseError) as error:
        build_release(session, funnel.id, _stage(funnel, key).id, anticipation_days=30, today=TODAY)
    assert error.value.code == release_plan.BAD_ENTRY_STAGE


def test_a_stage_of_another_funnel_or_a_bad_horizon_is_refused(session, funnel):
    other = factories.seeded_funnel(session, "innovation")
    with pytest.raises(ReleaseError) as error:
        build_release(session, funnel.id, other.stages[1].id, anticipation_days=30, today=TODAY)
    assert error.value.code == release_plan.BAD_ENTRY_STAGE
    entry = _stage(funnel, "opportunity")
    for days in (-1, release_plan.MAX_ANTICIPATION_DAYS + 1):
        with pytest.raises(ReleaseError) as error:
            build_release(session, funnel.id, entry.id, anticipation_days=days, today=TODAY)
        assert error.value.code == release_plan.BAD_ANTICIPATION
    with pytest.raises(NotFound):
        build_release(session, 999_999, entry.id, anticipation_days=30, today=TODAY)


def _offer(view):
    return [(c.id, c.version) for c in view.released]


def test_accepting_records_a_go_with_its_review_and_stays(session, people, funnel):
    _capacities(session, funnel, None, (4, 200), (4, 200), None)
    queue = _queue(session, people)
    entry = _stage(funnel, "opportunity")
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)
    assert {c.title for c in view.released} == {"A", "B", "E", "F"}

    events = accept_release(
        session,
        funnel.id,
        entry.id,
        _offer(view),
        anticipation_days=30,
        actor_id=people["executive"].id,
        now=NOW,
    )

    session.rollback()
    assert [e.candidate_id for e in events] == [c.id for c in view.released]
    for title in ("A", "B", "E", "F"):
        candidate = reloaded(session, queue[title])
        assert (candidate.stage_id, candidate.status) == (entry.id, Status.ACTIVE)
        event = session.scalars(
            select(StageEvent).where(
                StageEvent.candidate_id == candidate.id, StageEvent.kind == "go"
            )
        ).one()
        assert event.rationale == RELEASE_RATIONALE
        assert event.actor_id == people["executive"].id
        review = session.get(GateReview, event.review_id)
        assert review.status == ReviewStatus.DECIDED
        stays = session.scalars(
            select(StageVisit)
            .where(StageVisit.candidate_id == candidate.id)
            .order_by(StageVisit.entered_at)
        ).all()
        assert [(s.stage_id, s.outcome) for s in stays] == [
            (funnel.stages[0].id, "go"),
            (entry.id, None),
        ]
    for title in ("C", "D"):
        assert reloaded(session, queue[title]).stage_id == funnel.stages[0].id


def _counts(session):
    session.rollback()
    return (
        session.scalar(select(func.count()).select_from(StageEvent)),
        session.scalar(select(func.count()).select_from(StageVisit)),
        session.scalar(
            select(func.count())
            .select_from(GateReview)
            .where(GateReview.status == ReviewStatus.OPEN)
        ),
        sorted(session.execute(select(Candidate.id, Candidate.stage_id, Candidate.version))),
    )


def test_a_failure_midway_records_nothing(session, people, funnel, monkeypatch):
    _capacities(session, funnel, None, (4, 200), (4, 200), None)
    _queue(session, people)
    entry = _stage(funnel, "opportunity")
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)
    before = _counts(session)
    real = release_plan.apply_decision
    calls = []

    def fail_on_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(release_plan, "apply_decision", fail_on_the_third)
    with pytest.raises(RuntimeError):
        accept_release(
            session,
            funnel.id,
            entry.id,
            _offer(view),
            anticipation_days=30,
            actor_id=people["executive"].id,
            now=NOW,
        )
    assert len(calls) == 3
    assert _counts(session) == before


def test_a_candidate_changed_since_the_proposal_records_nothing(session, people, funnel):
    _capacities(session, funnel, None, (4, 200), (4, 200), None)
    queue = _queue(session, people)
    entry = _stage(funnel, "opportunity")
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)
    edited = reloaded(session, queue["B"])
    update_candidate(
        session,
        edited.id,
        CandidateFields(
            title="B, renamed",
            kind=CandidateKind.PROJECT,
            expected_decision_date=edited.expected_decision_date,
            expected_value=edited.expected_value,
            estimated_cost=edited.estimated_cost,
        ),
        expected_version=edited.version,
        owner_id=None,
    )
    before = _counts(session)
    with pytest.raises(StaleVersionError):
        accept_release(
            session,
            funnel.id,
            entry.id,
            _offer(view),
            anticipation_days=30,
            actor_id=people["executive"].id,
            now=NOW,
        )
    assert _counts(session) == before


def test_a_proposal_that_no_longer_holds_records_nothing(session, people, funnel):
    _capacities(session, funnel, None, (4, 200), (4, 200), None)
    queue = _queue(session, people)
    entry = _stage(funnel, "opportunity")
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=TODAY)
    # Someone decides one of them on its own page meanwhile.
    record_decision(
        session,
        queue["A"].id,
        Decision.GO,
        expected_version=reloaded(session, queue["A"]).version,
        actor_id=people["executive"].id,
        rationale="r",
    )
    before = _counts(session)
    rest = [pair for pair in _offer(view) if pair[0] != queue["A"].id]
    assert len(rest) == 3
    # As shown (A is gone); one fewer than the plan now releases; one offered twice.
    for offered in (_offer(view), rest[1:], [*rest, rest[0]]):
        with pytest.raises(ReleaseError) as error:
            accept_release(
                session,
                funnel.id,
                entry.id,
                offered,
                anticipation_days=30,
                actor_id=people["executive"].id,
                now=NOW,
            )
        assert error.value.code == PLAN_CHANGED
        assert _counts(session) == before


def test_an_empty_proposal_cannot_be_accepted(session, people, funnel):
    entry = _stage(funnel, "opportunity")
    with pytest.raises(ReleaseError) as error:
        accept_release(
            session,
            funnel.id,
            entry.id,
            [],
            anticipation_days=30,
            actor_id=people["executive"].id,
            now=NOW,
        )
    assert error.value.code == release_plan.NOTHING_TO_RELEASE


def test_the_proposal_takes_the_same_queries_for_any_portfolio_size(session, people, query_counter):
    funnel = factories.seeded_funnel(session)
    funnel_id, entry_id = funnel.id, _stage(funnel, "opportunity").id

    def measure():
        session.commit()  # expires every record: each is read again, as on a new request
        with query_counter() as statements:
            view = build_release(session, funnel_id, entry_id, anticipation_days=30, today=TODAY)
        return statements, view

    _queue(session, people)
    load_bulk_candidates(session, 20, DemoPeople([], [], [], []), now=NOW, batch=20)
    small, _ = measure()
    load_bulk_candidates(session, 600, DemoPeople([], [], [], []), now=NOW, batch=300, seed=8)
    _queue(session, people)
    large, view = measure()
    assert len(view.released) + len(view.held) == 12
    assert len(small) == len(large) == 4


# --- the stage fields behind it --------------------------------------------------------------


def _fields(stage: Stage, **changes) -> StageFields:
    values = {
        "name": stage.name,
        "name_zh": stage.name_zh,
        "probability": stage.probability,
        "wip_limit": stage.wip_limit,
        "target_dwell_days": stage.target_dwell_days,
        "entry_checklist": stage.entry_checklist,
        "responsible_role": stage.responsible_role,
        "capacity": stage.capacity,
        "load_percent": stage.load_percent,
    }
    values.update(changes)
    return StageFields(**values)


def test_default_funnels_come_with_capacities(session):
    funnel = factories.seeded_funnel(session)
    limits = {s.key: (s.capacity, s.load_percent) for s in funnel.stages}
    assert limits["idea"] == (None, None)
    assert limits["approved"] == (None, None)
    assert all(c is not None and p >= 100 for c, p in list(limits.values())[1:-1])
    assert release_plan.default_entry_stage(funnel).key == "opportunity"


@pytest.mark.parametrize(
    ("capacity", "load_percent", "code"),
    [
        (3, None, "capacity_pair"),
        (None, 150, "capacity_pair"),
        (-1, 200, "negative"),
        (float("nan"), 200, "negative"),
        (3, 99, "load_percent_min"),
        (3, float("inf"), "load_percent_min"),
        (1_000_001, 200, "capacity_max"),
        (3, 1_001, "load_percent_max"),
    ],
)
def test_stage_capacity_is_both_or_neither_and_in_range(session, capacity, load_percent, code):
    stage = factories.seeded_funnel(session).stages[1]
    with pytest.raises(FunnelError) as error:
        update_stage(
            session,
            stage.id,
            expected_version=stage.version,
            fields=_fields(stage, capacity=capacity, load_percent=load_percent),
        )
    assert error.value.code == code


def test_stage_capacity_is_saved_and_cleared(session):
    stage = factories.seeded_funnel(session).stages[1]
    update_stage(
        session,
        stage.id,
        expected_version=stage.version,
        fields=_fields(stage, capacity=0.5, load_percent=100),
    )
    stage = reloaded(session, stage)
    assert (stage.capacity, stage.load_percent) == (0.5, 100)
    update_stage(
        session,
        stage.id,
        expected_version=stage.version,
        fields=_fields(stage, capacity=None, load_percent=None),
    )
    assert (reloaded(session, stage).capacity, stage.load_percent) == (None, None)


@pytest.mark.parametrize(("capacity", "load_percent"), [(3, None), (None, 200), (-1, 200), (3, 50)])
def test_the_database_refuses_a_capacity_out_of_rule(session, capacity, load_percent):
    stage = factories.seeded_funnel(session).stages[1]
    stage.capacity, stage.load_percent = capacity, load_percent
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_today_decides_urgency(session, people, funnel):
    candidate = _waiting(session, people, title="Due in 40 days", due=40)
    entry = _stage(funnel, "opportunity")
    later = TODAY + timedelta(days=10)
    view = build_release(session, funnel.id, entry.id, anticipation_days=30, today=later)
    assert [c.id for c in view.released] == [candidate.id]
    assert view.released[0].due_days == 30
    assert view.today == later
    assert isinstance(view.today, date)
