"""The dashboard's aggregates agree with the pure metrics on the same history, and the
stage-visit projection stays in step with the stage events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from accounts.roles import Role
from persistence import utcnow
from portfolio import metrics, reviews
from portfolio.dashboard import (
    AGING_PER_STAGE,
    LIVE,
    DashboardFilter,
    build_dashboard,
    histogram_percentile,
)
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.lifecycle import Decision
from portfolio.models import (
    Candidate,
    Funnel,
    GateReview,
    ReviewStatus,
    StageEvent,
    StageVisit,
)
from portfolio.visits import stays
from tests import factories
from tests.conftest import reloaded

HASH = "pbkdf2:sha256:1000"


def _go(session, candidate, pmo, executive):
    review = reviews.open_review(session, candidate.id, scorer_ids=[pmo.id], actor_id=pmo.id)
    reviews.record_scores(
        session, review.id, scorer_id=pmo.id, entries=factories.full_scorecard(review)
    )
    factories.decide(session, candidate, Decision.GO, executive)


@pytest.fixture
def history(session):
    """Five candidates through go, kill, hold/resume and recycle."""
    pmo = factories.make_user(session, hash_method=HASH, role=Role.PMO)
    executive = factories.make_user(session, hash_method=HASH, role=Role.EXECUTIVE)
    made = [factories.make_candidate(session, title=f"C{n}") for n in range(5)]
    _go(session, made[0], pmo, executive)
    _go(session, made[0], pmo, executive)
    _go(session, made[1], pmo, executive)
    factories.decide(session, made[1], Decision.KILL, executive)
    factories.decide(session, made[2], Decision.HOLD, executive)
    factories.decide(session, made[2], Decision.RESUME, executive)
    _go(session, made[3], pmo, executive)
    factories.decide(
        session, made[3], Decision.RECYCLE, executive, target_stage_id=made[3].funnel.stages[0].id
    )
    return made


def test_visits_follow_the_events(session, history):
    for candidate in history:
        events = session.scalars(
            select(StageEvent).where(StageEvent.candidate_id == candidate.id)
        ).all()
        expected = stays((e.at, e.kind, e.to_stage_id) for e in events)
        visits = session.scalars(
            select(StageVisit)
            .where(StageVisit.candidate_id == candidate.id)
            .order_by(StageVisit.entered_at)
        ).all()
        assert [(v.stage_id, v.entered_at, v.left_at, v.outcome) for v in visits] == [
            (s.stage, s.entered_at, s.left_at, s.outcome) for s in expected
        ]


def test_furthest_stage_never_goes_back(session, history):
    recycled = reloaded(session, history[3])
    stages = recycled.funnel.stages
    assert recycled.stage_id == stages[0].id
    assert recycled.furthest_stage_id == stages[1].id
    assert reloaded(session, history[0]).furthest_stage_id == stages[2].id


def test_dashboard_matches_the_pure_metrics(session, history):
    funnel = history[0].funnel
    today = utcnow().date()
    filters = DashboardFilter(funnel.id, start=today - timedelta(days=30), end=today)
    board = build_dashboard(session, filters, now=utcnow())

    positions = {stage.id: i for i, stage in enumerate(funnel.stages)}
    furthest = [positions[reloaded(session, c).furthest_stage_id] for c in history]
    assert board.funnel.counts == metrics.cohort_counts(furthest, len(funnel.stages))
    assert board.funnel.step == metrics.step_conversion(board.funnel.counts)
    assert board.funnel.killed[:2] == [0, 1]  # C1 was killed in the second stage

    visits = session.scalars(select(StageVisit)).all()
    for index, stage in enumerate(funnel.stages[:-1]):
        dwells = [v.dwell_days for v in visits if v.stage_id == stage.id and v.left_at]
        times = board.times[index]
        assert times.count == len(dwells)
        rounded = [int(d) + 0.5 for d in dwells]
        assert times.median_days == metrics.percentile(rounded, 50)

    assert board.tiles.active == 4
    live = [reloaded(session, c) for c in history if reloaded(session, c).status.value != "killed"]
    assert board.tiles.weighted_pipeline == pytest.approx(
        metrics.weighted_pipeline(
            (c.probability_override or c.stage.probability, float(c.expected_value or 0))
            for c in live
        )
    )
    first_stage = board.flow[0]
    assert first_stage.inputs[-1] - first_stage.outputs[-1] == sum(
        1 for c in live if c.stage_id == funnel.stages[0].id
    )


@given(st.lists(st.floats(min_value=0, max_value=400), min_size=1, max_size=60))
def test_histogram_percentiles_equal_the_exact_ones_at_day_resolution(dwells):
    histogram: dict[int, int] = {}
    for dwell in dwells:
        histogram[int(dwell)] = histogram.get(int(dwell), 0) + 1
    rounded = [int(d) + 0.5 for d in dwells]
    for q in (50, 85):
        assert histogram_percentile(histogram, q) == pytest.approx(metrics.percentile(rounded, q))


def test_dashboard_queries_do_not_grow_with_the_portfolio(session, engine, query_counter):
    funnel = factories.seeded_funnel(session)
    people = DemoPeople([], [], [], [])
    today = date.today()
    filters = DashboardFilter(funnel.id, start=today - timedelta(days=365), end=today)
    load_bulk_candidates(session, 20, people, now=utcnow(), batch=20)
    with query_counter() as small:
        build_dashboard(session, filters, now=utcnow())
    load_bulk_candidates(session, 1000, people, now=utcnow(), batch=500, seed=8)
    assert session.scalar(select(Candidate.id).order_by(Candidate.id.desc()).limit(1)) >= 1000
    with query_counter() as large:
        build_dashboard(session, filters, now=utcnow())
    assert len(small) == len(large)


def test_live_sums_and_aging_agree_with_the_candidates(session):
    """Tiles, stage values, monthly pipeline and aging come from one grouped pass over the
    live candidates (and a title lookup); each must equal the sum over the rows."""
    factories.seeded_funnel(session)
    now = utcnow()
    load_bulk_candidates(session, 400, DemoPeople([], [], [], []), now=now, batch=400, seed=3)
    funnel = session.get(Funnel, session.scalar(select(Candidate.funnel_id).limit(1)))
    filters = DashboardFilter(funnel.id, start=now.date() - timedelta(days=364), end=now.date())
    board = build_dashboard(session, filters, now=now)

    stages = funnel.stages
    index = {stage.id: i for i, stage in enumerate(stages)}
    live = session.scalars(
        select(Candidate).where(Candidate.funnel_id == funnel.id, Candidate.status.in_(LIVE))
    ).all()
    assert len(live) > 40  # enough to fill several stages and months

    def weighted(c):
        p = c.probability_override if c.probability_override is not None else c.stage.probability
        return p * float(c.expected_value or 0)

    assert board.tiles.active == len(live)
    assert board.tiles.weighted_pipeline == pytest.approx(sum(weighted(c) for c in live))
    assert board.tiles.over_target == sum(
        1
        for c in live
        if c.stage.target_dwell_days
        and c.stage_entered_at < now - timedelta(days=c.stage.target_dwell_days)
    )
    for i, (value, weighted_value, count) in enumerate(board.stage_values):
        in_stage = [c for c in live if index[c.stage_id] == i]
        assert count == len(in_stage)
        assert value == pytest.approx(sum(float(c.expected_value or 0) for c in in_stage))
        assert weighted_value == pytest.approx(sum(weighted(c) for c in in_stage))
    months = sorted({c.expected_decision_date.strftime("%Y-%m") for c in live})
    assert [m for m, _, _ in board.pipeline_by_month] == months
    for month, weighted_value, count in board.pipeline_by_month:
        in_month = [c for c in live if c.expected_decision_date.strftime("%Y-%m") == month]
        assert count == len(in_month)
        assert weighted_value == pytest.approx(sum(weighted(c) for c in in_month))

    oldest = [
        (c.id, c.title, index[c.stage_id])
        for stage in stages[:-1]
        for c in sorted(
            (c for c in live if c.stage_id == stage.id), key=lambda c: c.stage_entered_at
        )[:AGING_PER_STAGE]
    ]
    assert sorted((a.candidate_id, a.title, a.stage_index) for a in board.aging) == sorted(oldest)


def test_a_killed_and_recycled_candidate_has_consistent_stays(session):
    executive = factories.make_user(session, hash_method=HASH, role=Role.EXECUTIVE)
    candidate = factories.make_candidate(session)
    factories.decide(session, candidate, Decision.KILL, executive)
    factories.decide(
        session,
        candidate,
        Decision.RECYCLE,
        executive,
        target_stage_id=candidate.funnel.stages[0].id,
    )
    events = session.scalars(select(StageEvent).where(StageEvent.candidate_id == candidate.id))
    expected = stays((e.at, e.kind, e.to_stage_id) for e in events)
    visits = session.scalars(
        select(StageVisit).where(StageVisit.candidate_id == candidate.id).order_by(StageVisit.id)
    ).all()
    assert (
        [(v.left_at is None, v.outcome) for v in visits]
        == [(s.left_at is None, s.outcome) for s in expected]
        == [(False, "kill"), (True, None)]
    )


def test_dwell_and_latency_buckets_floor_alike_on_both_engines(session):
    """Fractional dwells and review times: the SQL buckets are whole days (hours for the
    decision latency), floored on SQLite and PostgreSQL alike."""
    funnel = factories.seeded_funnel(session)
    stage = funnel.stages[1]
    now = utcnow()
    dwells = [0.4, 1.5, 2.7, 2.7, 3.2, 5.9, 8.5]
    latencies = [0.3, 1.26, 2.74, 4.99]
    for dwell, latency in zip(dwells, latencies + [None] * len(dwells), strict=False):
        candidate = factories.make_candidate(session)
        left = now - timedelta(days=3)
        session.add(
            StageVisit(
                candidate_id=candidate.id,
                stage_id=stage.id,
                entered_at=left - timedelta(days=dwell),
                left_at=left,
                outcome="go",
                dwell_days=dwell,
            )
        )
        if latency is not None:
            session.add(
                GateReview(
                    candidate_id=candidate.id,
                    stage_id=stage.id,
                    status=ReviewStatus.DECIDED,
                    criteria=[],
                    opened_at=left - timedelta(days=latency),
                    closed_at=left,
                )
            )
    session.commit()
    today = now.date()
    filters = DashboardFilter(funnel.id, start=today - timedelta(days=30), end=today)
    board = build_dashboard(session, filters, now=now)

    floored = [int(d) + 0.5 for d in dwells]
    assert board.times[1].count == len(dwells)
    assert board.times[1].median_days == pytest.approx(metrics.percentile(floored, 50))
    assert board.times[1].p85_days == pytest.approx(metrics.percentile(floored, 85))
    hours = [(int(d * 24 + 1e-9) + 0.5) / 24 for d in latencies]
    assert board.tiles.median_decision_days == pytest.approx(metrics.percentile(hours, 50))
