"""The dashboard's forecast and portfolio choice read the database the way the pure functions
of portfolio.forecast and portfolio.metrics expect, within a bounded number of queries."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from accounts.roles import Role
from persistence import utcnow
from portfolio import metrics, reviews
from portfolio.dashboard import DashboardFilter
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.forecast import (
    MAX_EXACT_PROJECTS,
    OpenItem,
    StageHistory,
    efficient_frontier,
    forecast_arrivals,
    select_exact,
    waterline,
)
from portfolio.lifecycle import Decision, Status
from portfolio.models import Candidate, Funnel, GateReview, RiskLevel, StageVisit
from portfolio.outlook import (
    HISTORY_PER_STAGE,
    MAX_HORIZONS,
    MIN_RUNS,
    ChoiceRow,
    choice_rows,
    choose,
    default_budget,
    forecast_reaching,
    projects_of,
)
from tests import factories
from tests.conftest import reloaded

HASH = "pbkdf2:sha256:1000"
NOBODY = DemoPeople([], [], [], [])
LIVE = (Status.ACTIVE, Status.ON_HOLD)
SMALL_BUDGET = 40_000  # item walks: keeps the tests quick, the rules are the same


def _scored_review(session, candidate, scorer, should):
    review = reviews.open_review(session, candidate.id, scorer_ids=[scorer.id], actor_id=scorer.id)
    reviews.record_scores(
        session,
        review.id,
        scorer_id=scorer.id,
        entries=factories.full_scorecard(review, should=should),
    )
    return review


def _bulk_funnel(session, count, *, seed=7):
    """The funnel `count` more bulk candidates went into (all of one call share it)."""
    factories.seeded_funnel(session)
    load_bulk_candidates(session, count, NOBODY, now=utcnow(), batch=count, seed=seed)
    newest = session.scalar(select(Candidate).order_by(Candidate.id.desc()).limit(1))
    return newest.funnel


def _year_to_date(funnel):
    today = utcnow().date()
    return DashboardFilter(funnel.id, start=today - timedelta(days=730), end=today)


@pytest.fixture
def bulk(session):
    funnel = _bulk_funnel(session, 300)
    return funnel, _year_to_date(funnel)


def _expected_inputs(session, funnel, filters, target, now):
    """Items and history built independently from the rows, as the docstring describes."""
    stages = funnel.stages
    position = {stage.id: i for i, stage in enumerate(stages)}
    visits = session.scalars(select(StageVisit)).all()
    history = []
    for stage in stages[:-1]:
        done = [
            v
            for v in visits
            if v.stage_id == stage.id
            and v.left_at is not None
            and filters.start_at <= v.left_at < filters.end_at
            and v.outcome in ("go", "kill", "recycle")
        ]
        done.sort(key=lambda v: (v.left_at, v.id), reverse=True)
        done = done[:HISTORY_PER_STAGE]
        history.append(StageHistory([v.dwell_days for v in done], [v.outcome for v in done]))
    candidates = session.scalars(
        select(Candidate).where(Candidate.funnel_id == funnel.id).order_by(Candidate.id)
    ).all()
    items = [
        OpenItem(
            position[c.stage_id],
            max((now - c.stage_entered_at).total_seconds() / 86400, 0.0),
            float(c.expected_value or 0),
        )
        for c in candidates
        if c.status in LIVE and position[c.stage_id] < target
    ]
    there = [c for c in candidates if c.status in LIVE and position[c.stage_id] >= target]
    return items, history, there


# --- forecast ----------------------------------------------------------------------------


def test_forecast_is_the_pure_forecast_of_the_rows_and_reproducible(session, bulk):
    funnel, filters = bulk
    now = utcnow()
    fid = len(funnel.stages) - 2
    until = now.date() + timedelta(days=120)
    view = forecast_reaching(
        session,
        filters,
        target_stage=fid,
        until=until,
        now=now,
        seed=3,
        walk_budget=SMALL_BUDGET,
    )
    again = forecast_reaching(
        session,
        filters,
        target_stage=fid,
        until=until,
        now=now,
        seed=3,
        walk_budget=SMALL_BUDGET,
    )
    assert view == again
    assert view.error is None
    assert not view.sampled
    assert view.horizons[-1] == until
    assert len(view.bands) == len(view.horizons) <= MAX_HORIZONS

    items, history, there = _expected_inputs(session, funnel, filters, fid, now)
    assert view.population == view.sample_size == len(items) > 0
    assert view.runs == min(2000, SMALL_BUDGET // len(items))
    assert view.already_there == len(there)
    assert view.already_there_value == pytest.approx(
        sum(float(c.expected_value or 0) for c in there)
    )
    expected = forecast_arrivals(
        items,
        history,
        target_stage=fid,
        horizon_days=[(h - now.date()).days for h in view.horizons],
        runs=view.runs,
        seed=3,
    )
    assert view.bands == expected


def test_bands_widen_with_the_horizon(session, bulk):
    funnel, filters = bulk
    now = utcnow()
    view = forecast_reaching(
        session,
        filters,
        target_stage=len(funnel.stages) - 2,
        # Three months: further out the live candidates run out (they arrive or die) and the
        # spread levels off, wobbling by a candidate either way.
        until=now.date() + timedelta(days=91),
        now=now,
        walk_budget=SMALL_BUDGET,
    )
    assert view.error is None
    spreads = [band.p50_count - band.p95_count for band in view.bands]
    assert spreads == sorted(spreads)
    assert spreads[-1] > 0
    value_spreads = [band.p50_value - band.p95_value for band in view.bands]
    assert value_spreads[-1] >= value_spreads[0]
    # Cumulative arrivals: each band never falls as the horizon grows.
    for field in ("p50_count", "p85_count", "p95_count"):
        series = [getattr(band, field) for band in view.bands]
        assert series == sorted(series)


def test_missing_history_is_reported_not_raised(session):
    funnel = factories.seeded_funnel(session)
    factories.make_candidate(session)  # idea stage, never left it: no stays completed
    now = utcnow()
    view = forecast_reaching(
        session,
        _year_to_date(funnel),
        target_stage=len(funnel.stages) - 2,
        until=now.date() + timedelta(days=60),
        now=now,
    )
    assert view.bands == []
    assert view.error is not None
    assert view.error.code == "missing_history"
    assert view.error.key == (0,)
    assert view.population == 1


def test_a_date_in_the_past_is_reported(session):
    funnel = factories.seeded_funnel(session)
    now = utcnow()
    view = forecast_reaching(
        session,
        _year_to_date(funnel),
        target_stage=3,
        until=now.date() - timedelta(days=1),
        now=now,
    )
    assert view.bands == []
    assert view.error is not None
    assert view.error.code == "bad_horizon"


def test_candidates_on_hold_walk_as_active_ones_aged_since_stage_entry(session):
    executive = factories.make_user(session, hash_method=HASH, role=Role.EXECUTIVE)
    funnel = factories.seeded_funnel(session)
    killed = factories.make_candidate(session, expected_value=Decimal(5))
    factories.decide(session, killed, Decision.KILL, executive)  # one completed stay in stage 0
    held = factories.make_candidate(session, expected_value=Decimal(7))
    factories.decide(session, held, Decision.HOLD, executive)
    now = utcnow() + timedelta(days=3)
    view = forecast_reaching(
        session, _year_to_date(funnel), target_stage=1, until=now.date(), now=now
    )
    # The only observed outcome in stage 0 is a kill: nothing arrives, but it is forecast.
    assert view.error is None
    assert view.population == 1
    assert view.bands[-1].p50_count == 0
    entered = reloaded(session, held).stage_entered_at
    items, _, _ = _expected_inputs(session, funnel, _year_to_date(funnel), 1, now)
    assert items == [OpenItem(0, (now - entered).total_seconds() / 86400, 7.0)]


def test_sampling_bounds_the_walks_and_is_seeded(session, bulk):
    funnel, filters = bulk
    now = utcnow()
    fid = len(funnel.stages) - 2
    until = now.date() + timedelta(days=90)
    budget = MIN_RUNS * 25  # room for 25 items at the minimum number of runs

    def run(seed):
        return forecast_reaching(
            session, filters, target_stage=fid, until=until, now=now, seed=seed, walk_budget=budget
        )

    view = run(5)
    assert view.population > 25
    assert view.sampled
    assert (view.sample_size, view.runs) == (25, MIN_RUNS)
    assert run(5) == view
    assert len({tuple(run(seed).bands) for seed in range(4)}) > 1

    # The documented rule: a seeded sample in id order, bands scaled by population / sample.
    items, history, _ = _expected_inputs(session, funnel, filters, fid, now)
    picked = sorted(random.Random(5).sample(range(len(items)), 25))
    bands = forecast_arrivals(
        [items[i] for i in picked],
        history,
        target_stage=fid,
        horizon_days=[band.horizon_days for band in view.bands],
        runs=MIN_RUNS,
        seed=5,
    )
    factor = view.population / 25
    for scaled, band in zip(view.bands, bands, strict=True):
        assert scaled.p50_count == round(band.p50_count * factor)
        assert scaled.p95_count == round(band.p95_count * factor)
        assert scaled.p85_value == pytest.approx(band.p85_value * factor)

    # Widened, not narrowed: the scaled spread is at least the full simulation's.
    full = forecast_reaching(
        session, filters, target_stage=fid, until=until, now=now, seed=5, walk_budget=400_000
    )
    assert not full.sampled
    last, full_last = view.bands[-1], full.bands[-1]
    assert last.p50_count - last.p95_count >= full_last.p50_count - full_last.p95_count


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.integers(min_value=0, max_value=3000))
def test_horizons_are_bounded_increasing_and_end_at_the_date(session, days):
    funnel = factories.seeded_funnel(session)
    now = utcnow()
    until = now.date() + timedelta(days=days)
    view = forecast_reaching(session, _year_to_date(funnel), target_stage=3, until=until, now=now)
    assert 1 <= len(view.horizons) <= MAX_HORIZONS
    assert view.horizons == sorted(set(view.horizons))
    assert view.horizons[-1] == until
    assert view.horizons[0] >= now.date()
    # No portfolio: no items, so nothing to miss and nothing arrives.
    assert view.error is None
    assert all(band.p50_count == 0 for band in view.bands)


# --- portfolio choice --------------------------------------------------------------------


@pytest.fixture
def choice_candidates(session):
    make = factories.make_candidate
    return {
        "a": make(
            session,
            estimated_cost=Decimal("100.00"),
            expected_value=Decimal("500.00"),
            p_technical=0.8,
            p_commercial=0.5,
            probability_override=0.6,
            risk_level=RiskLevel.HIGH,
        ),
        "b": make(session, estimated_cost=Decimal("50.00"), expected_value=Decimal("400.00")),
        "c": make(
            session,
            estimated_cost=Decimal("300.00"),
            expected_value=Decimal("-20.00"),
            p_commercial=0.9,
        ),
        "d": make(
            session,
            estimated_cost=Decimal("80.00"),
            expected_value=Decimal("1000.00"),
            probability_override=0.2,
        ),
        "no_cost": make(session, expected_value=Decimal("900.00")),
        "zero_cost": make(session, estimated_cost=Decimal(0), expected_value=Decimal(1)),
        "no_value": make(session, estimated_cost=Decimal("10.00")),
    }


def test_choice_rows_rank_by_productivity_and_use_the_pure_figures(session, choice_candidates):
    funnel = choice_candidates["a"].funnel
    choice = choice_rows(session, _year_to_date(funnel), now=utcnow())
    assert choice.eligible_total == 4
    assert choice.skipped == 3
    by_id = {c.id: c for c in choice_candidates.values()}
    # idea stage probability 0.05 unless overridden: b 400*.05/50=.4, a 500*.6/100=3,
    # d 1000*.2/80=2.5, c negative.
    assert [row.candidate_id for row in choice.rows] == [
        choice_candidates[key].id for key in ("a", "d", "b", "c")
    ]
    for row in choice.rows:
        candidate = by_id[row.candidate_id]
        probability = candidate.probability_override or candidate.stage.probability
        assert row.probability == probability
        assert row.cost == float(candidate.estimated_cost)
        assert row.value == float(candidate.expected_value)
        assert row.risk_level == candidate.risk_level
        assert row.stage_index == 0
        assert row.gate_score is None
        assert row.productivity_index == metrics.productivity_index(
            row.value, probability, row.cost
        )
        if candidate.p_technical is None and candidate.p_commercial is None:
            p_technical, p_commercial = probability, 1.0
        else:
            p_technical = candidate.p_technical or probability
            p_commercial = candidate.p_commercial or probability
        assert row.ecv == metrics.ecv(row.value, p_technical, p_commercial, 0.0, row.cost)
    productivities = [row.productivity_index for row in choice.rows]
    assert productivities == sorted(productivities, reverse=True)

    top = choice_rows(session, _year_to_date(funnel), now=utcnow(), limit=2)
    assert top.rows == choice.rows[:2]
    assert (top.eligible_total, top.skipped) == (4, 3)


def test_killed_approved_and_other_scopes_are_left_out(session, choice_candidates):
    executive = factories.make_user(session, hash_method=HASH, role=Role.EXECUTIVE)
    factories.decide(session, choice_candidates["a"], Decision.KILL, executive)
    factories.decide(session, choice_candidates["b"], Decision.HOLD, executive)
    factories.make_candidate(
        session,
        funnel_key="innovation",
        kind="idea",
        estimated_cost=Decimal(1),
        expected_value=Decimal(1),
    )
    funnel = choice_candidates["a"].funnel
    choice = choice_rows(session, _year_to_date(funnel), now=utcnow())
    ids = [row.candidate_id for row in choice.rows]
    assert choice_candidates["a"].id not in ids
    assert choice_candidates["b"].id in ids  # on hold is still live
    assert choice.eligible_total == 3


def test_gate_score_is_that_of_the_latest_scored_review(session):
    pmo = factories.make_user(session, hash_method=HASH, role=Role.PMO)
    executive = factories.make_user(session, hash_method=HASH, role=Role.EXECUTIVE)
    money = {"estimated_cost": Decimal(10), "expected_value": Decimal(100)}
    rescored = factories.make_candidate(session, **money)
    _scored_review(session, rescored, pmo, should=9)
    factories.decide(session, rescored, Decision.GO, executive)
    latest = _scored_review(session, rescored, pmo, should=5)

    unscored_latest = factories.make_candidate(session, **money)
    scored = _scored_review(session, unscored_latest, pmo, should=7)
    factories.decide(session, unscored_latest, Decision.GO, executive)
    reviews.open_review(session, unscored_latest.id, scorer_ids=[pmo.id], actor_id=pmo.id)

    never = factories.make_candidate(session, **money)
    rows = {
        row.candidate_id: row
        for row in choice_rows(session, _year_to_date(rescored.funnel), now=utcnow()).rows
    }

    def result(review):
        return reviews.review_result(session.get(GateReview, review.id)).score

    assert rows[rescored.id].gate_score == result(latest) is not None
    assert rows[unscored_latest.id].gate_score == result(scored) is not None
    assert result(latest) != result(scored)
    assert rows[never.id].gate_score is None
    assert rows[rescored.id].stage_index == 1


def test_queries_do_not_grow_with_the_portfolio(session, query_counter):
    funnel = _bulk_funnel(session, 20)
    filters = _year_to_date(funnel)

    def sections():
        now = utcnow()
        forecast_reaching(
            session,
            filters,
            target_stage=len(funnel.stages) - 2,
            until=now.date() + timedelta(days=60),
            now=now,
            walk_budget=SMALL_BUDGET,
        )
        choice_rows(session, filters, now=now)
        session.expire_all()  # the funnel's stages are read afresh, as in a new request

    with query_counter() as small:
        sections()
    assert _bulk_funnel(session, 280, seed=8).id == funnel.id
    assert session.scalar(select(Candidate.id).order_by(Candidate.id.desc()).limit(1)) >= 300
    with query_counter() as large:
        sections()
    assert len(small) == len(large)


# --- choose ------------------------------------------------------------------------------


def _row(key, cost, value, probability=1.0):
    return ChoiceRow(
        candidate_id=key,
        title=f"C{key}",
        stage_index=0,
        cost=cost,
        value=value,
        probability=probability,
        risk_level=RiskLevel.MEDIUM,
        gate_score=None,
        ecv=0.0,
        productivity_index=value * probability / cost,
    )


def test_choose_is_the_pure_selection_over_risk_adjusted_values():
    rows = [_row(1, 100, 500, 0.6), _row(2, 50, 400, 0.05), _row(3, 80, 1000, 0.2)]
    result = choose(rows, 180)
    projects = [
        ("1", 100, 300.0),
        ("2", 50, 20.0),
        ("3", 80, 200.0),
    ]
    assert [(p.key, p.cost, p.value) for p in projects_of(rows)] == projects
    pure = projects_of(rows)
    assert result.selection == select_exact(pure, 180)
    assert result.selection.keys == ("1", "3")
    assert result.waterline == waterline(pure, 180)
    assert result.frontier == efficient_frontier(pure)
    assert (result.total_cost, result.total_value) == (230, 520)
    assert result.budget == 180


def test_default_budget_is_a_rounded_share_of_the_cost():
    assert default_budget([]) == 0.0
    assert default_budget([_row(1, 1_234_567, 1)]) == 370_000
    assert default_budget([_row(1, 10, 1), _row(2, 20, 1)]) == 9


@given(
    st.lists(
        st.tuples(st.integers(1, 500), st.integers(-100, 2000), st.sampled_from([0.1, 0.5, 1.0])),
        min_size=1,
        max_size=30,
    ),
    st.floats(min_value=0.1, max_value=2.0),
)
def test_choice_fits_the_budget_and_beats_the_waterline(specs, share):
    rows = [_row(i, cost, value, p) for i, (cost, value, p) in enumerate(specs)]
    budget = math.fsum(row.cost for row in rows) * share
    result = choose(rows, budget)
    assert result.selection.cost <= budget * (1 + 1e-9)
    values = {str(row.candidate_id): row.value * row.probability for row in rows}
    greedy = math.fsum(values[key] for key, above in result.waterline if above)
    assert result.selection.value >= greedy - 1e-6
    assert default_budget(rows) == pytest.approx(0.3 * result.total_cost, rel=0.05)


def test_limit_defaults_to_what_the_exact_choice_can_take(session):
    funnel = _bulk_funnel(session, 300)
    choice = choice_rows(session, _year_to_date(funnel), now=utcnow())
    assert len(choice.rows) == min(MAX_EXACT_PROJECTS, choice.eligible_total)
    live = session.scalars(
        select(Candidate).where(
            Candidate.funnel_id == funnel.id,
            Candidate.status.in_(LIVE),
            Candidate.stage_id != funnel.stages[-1].id,
        )
    ).all()
    eligible = [c for c in live if c.estimated_cost and c.expected_value is not None]
    assert choice.eligible_total == len(eligible)
    assert choice.skipped == len(live) - len(eligible)
    best = sorted(
        eligible,
        key=lambda c: (
            -float(c.expected_value)
            * (c.probability_override or c.stage.probability)
            / float(c.estimated_cost),
            c.id,
        ),
    )
    assert [row.candidate_id for row in choice.rows[:20]] == [c.id for c in best[:20]]
    result = choose(choice.rows, default_budget(choice.rows))
    assert 0 < result.selection.cost <= default_budget(choice.rows)


def test_the_funnel_must_exist(session):
    today = date.today()
    missing = DashboardFilter(funnel_id=999_999, start=today, end=today)
    with pytest.raises(ValueError, match="no funnel"):
        choice_rows(session, missing, now=utcnow())
    assert session.get(Funnel, 999_999) is None
