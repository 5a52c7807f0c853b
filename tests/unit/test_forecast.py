"""Forecast maths: Monte Carlo arrival bands, knapsack and frontier, load-oriented release."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.forecast import (
    MAX_EXACT_PROJECTS,
    MIN_STEP_DAYS,
    ForecastError,
    OpenItem,
    Project,
    StageCapacity,
    StageHistory,
    Waiting,
    default_unit,
    efficient_frontier,
    forecast_arrivals,
    release,
    select_exact,
    waterline,
)

# --------------------------------------------------------------------------------------------
# Monte Carlo forecast
# --------------------------------------------------------------------------------------------


def fixed(days, outcomes=("go",)):
    return StageHistory(dwell_days=[days], outcomes=list(outcomes))


def realistic_history():
    """Four gates with skewed dwells and every kind of outcome, as a live funnel shows."""
    rng = random.Random(42)
    stages = []
    for median in (20, 45, 60, 35):
        stages.append(
            StageHistory(
                dwell_days=[rng.lognormvariate(math.log(median), 0.6) for _ in range(40)],
                outcomes=rng.choices(
                    ["go", "kill", "hold", "recycle"], weights=[55, 25, 10, 10], k=40
                ),
                hold_days=[rng.lognormvariate(math.log(20), 0.6) for _ in range(12)],
                hold_outcomes=rng.choices(["resume", "kill"], weights=[8, 2], k=12),
            )
        )
    return stages


def realistic_items():
    rng = random.Random(7)
    return [
        OpenItem(
            stage=rng.randrange(4),
            age_days=rng.uniform(0, 40),
            value=round(rng.uniform(1, 10), 2),
            on_hold=rng.random() < 0.1,
        )
        for _ in range(40)
    ]


HORIZONS = [30, 90, 180, 365]


def realistic_bands(seed=0, runs=200):
    return forecast_arrivals(
        realistic_items(),
        realistic_history(),
        target_stage=3,
        horizon_days=HORIZONS,
        runs=runs,
        seed=seed,
    )


def test_fixed_dwells_and_only_go_give_an_exact_arrival():
    # Every gate takes exactly 10 days and always says go; the target is stage 3:
    #   stage 0, age 0 -> 10 + 10 + 10 = day 30;   stage 1, age 5 -> 5 + 10 = day 15;
    #   stage 2, age 0 -> day 10;                   stage 3 (already there) -> day 0.
    history = [fixed(10), fixed(10), fixed(10)]
    items = [
        OpenItem(stage=0, age_days=0, value=1),
        OpenItem(stage=1, age_days=5, value=2),
        OpenItem(stage=2, age_days=0, value=4),
        OpenItem(stage=3, age_days=3, value=8),
    ]
    horizons = [0, 9, 10, 15, 29, 30, 100]
    bands = forecast_arrivals(items, history, target_stage=3, horizon_days=horizons, runs=25)
    expected = [(1, 8), (1, 8), (2, 12), (3, 14), (3, 14), (4, 15), (4, 15)]
    assert [b.horizon_days for b in bands] == horizons
    for band, (count, value) in zip(bands, expected, strict=True):
        assert (band.p50_count, band.p85_count, band.p95_count) == (count, count, count)
        assert (band.p50_value, band.p85_value, band.p95_value) == (value, value, value)


def test_bands_come_back_in_the_given_horizon_order():
    history = [fixed(10)]
    items = [OpenItem(stage=0, age_days=0, value=1)]
    bands = forecast_arrivals(items, history, target_stage=1, horizon_days=[20, 5], runs=5)
    assert [(b.horizon_days, b.p50_count) for b in bands] == [(20, 1), (5, 0)]


def test_the_current_dwell_is_conditioned_on_the_age_already_spent():
    # Observed dwells 5 and 20; 10 days in, only the 20-day dwell is still possible: 10 to go.
    history = [StageHistory(dwell_days=[5, 20], outcomes=["go"])]
    items = [OpenItem(stage=0, age_days=10, value=1)]
    bands = forecast_arrivals(items, history, target_stage=1, horizon_days=[9, 10], runs=50)
    assert [(b.p95_count, b.p50_count) for b in bands] == [(0, 0), (1, 1)]


def test_an_item_older_than_every_observed_dwell_waits_a_fresh_dwell():
    history = [fixed(10)]
    items = [OpenItem(stage=0, age_days=50, value=1)]
    bands = forecast_arrivals(items, history, target_stage=1, horizon_days=[9, 10], runs=20)
    assert [b.p50_count for b in bands] == [0, 1]


def test_an_item_on_hold_finishes_its_hold_then_a_full_dwell():
    # Holds last 30 days and resume; 10 days into the hold: 20 left, then a 10-day dwell.
    history = [
        StageHistory(dwell_days=[10], outcomes=["go"], hold_days=[30], hold_outcomes=["resume"])
    ]
    items = [OpenItem(stage=0, age_days=10, value=1, on_hold=True)]
    bands = forecast_arrivals(items, history, target_stage=1, horizon_days=[29, 30], runs=20)
    assert [b.p50_count for b in bands] == [0, 1]


def test_a_hold_that_ends_in_a_kill_never_arrives():
    history = [StageHistory(dwell_days=[1], outcomes=["go"], hold_days=[1], hold_outcomes=["kill"])]
    items = [OpenItem(stage=0, age_days=0, value=1, on_hold=True)]
    [band] = forecast_arrivals(items, history, target_stage=1, horizon_days=[100], runs=20)
    assert band.p50_count == 0


def test_same_seed_same_bands_other_seeds_differ():
    assert realistic_bands(seed=3) == realistic_bands(seed=3)
    others = {tuple(realistic_bands(seed=seed)) for seed in range(4)}
    assert len(others) > 1


def test_bands_are_ordered_p95_le_p85_le_p50():
    for band in realistic_bands():
        assert band.p95_count <= band.p85_count <= band.p50_count
        assert band.p95_value <= band.p85_value <= band.p50_value
    # And not all equal: a real funnel is uncertain.
    assert any(b.p95_count < b.p50_count for b in realistic_bands())


def test_percentiles_read_as_at_least_this_many():
    # One item, gate go or kill half the time: it arrives in about half the runs. "At least
    # 1 with 85 % confidence" would be false, so P85 and P95 are 0 while P50 is 1 or 0.
    history = [StageHistory(dwell_days=[1], outcomes=["go", "kill"])]
    items = [OpenItem(stage=0, age_days=0, value=1)]
    [band] = forecast_arrivals(items, history, target_stage=1, horizon_days=[5], runs=400)
    assert (band.p85_count, band.p95_count) == (0, 0)
    # Nine items are already there, a tenth arrives half the time: P95 counts the sure nine.
    items = [OpenItem(stage=1, age_days=0, value=1)] * 9 + [OpenItem(0, 0, 1)]
    [band] = forecast_arrivals(items, history, target_stage=1, horizon_days=[5], runs=400)
    assert (band.p95_count, band.p85_count) == (9, 9)
    assert band.p50_count in (9, 10)


def test_counts_never_fall_as_the_horizon_grows():
    bands = realistic_bands()
    for field in ("p50_count", "p85_count", "p95_count"):
        counts = [getattr(b, field) for b in bands]
        assert counts == sorted(counts), field
    assert bands[-1].p50_count > bands[0].p50_count


def test_the_band_widens_with_the_horizon():
    bands = realistic_bands()
    spread = [b.p50_count - b.p95_count for b in bands]
    assert spread[-1] >= spread[0]
    assert spread[-1] > 0


def test_kills_reduce_arrivals():
    items = [OpenItem(stage=0, age_days=0, value=1)] * 30
    clean = [fixed(10), fixed(10)]
    deadly = [fixed(10, ["go", "go", "kill"]), fixed(10, ["go", "go", "kill"])]
    [all_go] = forecast_arrivals(items, clean, target_stage=2, horizon_days=[100], runs=60)
    [some_killed] = forecast_arrivals(items, deadly, target_stage=2, horizon_days=[100], runs=60)
    assert all_go.p50_count == 30
    # 30 x (2/3)^2 = 13.3 expected.
    assert 9 <= some_killed.p50_count <= 18
    assert some_killed.p95_count < all_go.p95_count


def test_holds_delay_arrivals_without_losing_them():
    items = [OpenItem(stage=0, age_days=0, value=1)] * 20
    plain = [fixed(10)]
    pausing = [
        StageHistory(
            dwell_days=[10], outcomes=["go", "hold"], hold_days=[30], hold_outcomes=["resume"]
        )
    ]
    horizons = [10, 2000]
    fast = forecast_arrivals(items, plain, target_stage=1, horizon_days=horizons, runs=60)
    slow = forecast_arrivals(items, pausing, target_stage=1, horizon_days=horizons, runs=60)
    assert fast[0].p50_count == 20
    # Half go at their first gate on day 10; the others are parked for 30 days at least.
    assert 6 <= slow[0].p50_count <= 14
    assert slow[1].p95_count == 20


def test_recycle_goes_back_one_stage():
    # Gate 2 recycles or says go, gate 1 takes 100 days, gate 0 takes 1000. Back to stage 1:
    # the recycled arrive on day 10 + 100 + 10 = 120; back to stage 0 would take until 1120.
    history = [fixed(1000), fixed(100), fixed(10, ["recycle", "go"])]
    items = [OpenItem(stage=2, age_days=0, value=1)] * 20
    bands = forecast_arrivals(items, history, target_stage=3, horizon_days=[119, 120], runs=60)
    assert bands[1].p50_count > bands[0].p50_count
    assert bands[0].p50_count < 20


def test_recycle_from_the_first_stage_restarts_it():
    history = [fixed(10, ["recycle", "go"])]
    items = [OpenItem(stage=0, age_days=0, value=1)] * 20
    bands = forecast_arrivals(items, history, target_stage=1, horizon_days=[19, 20], runs=60)
    assert bands[1].p50_count > bands[0].p50_count


def test_zero_dwells_in_a_recycle_loop_still_end():
    # Go and recycle forever, each in 0 days: the one-hour floor lets the clock run out.
    history = [fixed(0), fixed(0, ["recycle"])]
    items = [OpenItem(stage=0, age_days=0, value=1)]
    [band] = forecast_arrivals(items, history, target_stage=2, horizon_days=[2], runs=3)
    assert band.p50_count == 0
    assert MIN_STEP_DAYS > 0


def test_a_stage_without_history_is_named_not_guessed():
    history = [fixed(10), StageHistory(dwell_days=[], outcomes=[]), fixed(10)]
    items = [OpenItem(stage=0, age_days=0, value=1)]
    with pytest.raises(ForecastError) as caught:
        forecast_arrivals(items, history, target_stage=3, horizon_days=[30], runs=5)
    assert (caught.value.code, caught.value.key) == ("missing_history", (1,))
    # A stage nothing can reach needs no history.
    only_late = [OpenItem(stage=2, age_days=0, value=1)]
    forecast_arrivals(only_late, history, target_stage=3, horizon_days=[30], runs=5)


def test_missing_history_follows_recycles_and_holds():
    history = [
        StageHistory(dwell_days=[], outcomes=[]),
        StageHistory(dwell_days=[5], outcomes=["recycle", "hold", "go"]),
    ]
    items = [OpenItem(stage=1, age_days=0, value=1)]
    with pytest.raises(ForecastError) as caught:
        forecast_arrivals(items, history, target_stage=2, horizon_days=[30], runs=5)
    assert caught.value.key == (0, 1)  # 0 has nothing; 1 holds without hold data


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"target_stage": 3}, "bad_target"),
        ({"target_stage": -1}, "bad_target"),
        ({"horizon_days": []}, "bad_horizon"),
        ({"horizon_days": [-1]}, "bad_horizon"),
        ({"horizon_days": [1.5]}, "bad_horizon"),
        ({"runs": 0}, "bad_runs"),
    ],
)
def test_bad_forecast_arguments(kwargs, code):
    arguments = {"target_stage": 2, "horizon_days": [30], "runs": 5, **kwargs}
    with pytest.raises(ForecastError) as caught:
        forecast_arrivals([OpenItem(0, 0, 1)], [fixed(1), fixed(1)], **arguments)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "build",
    [
        lambda: StageHistory(dwell_days=[1], outcomes="go"),
        lambda: StageHistory(dwell_days=[1], outcomes=["approve"]),
        lambda: StageHistory(dwell_days=[-1], outcomes=["go"]),
        lambda: StageHistory(dwell_days=[math.nan], outcomes=["go"]),
        lambda: StageHistory(dwell_days=[1], outcomes=["hold"], hold_outcomes=["go"]),
        lambda: OpenItem(stage=-1, age_days=0, value=1),
        lambda: OpenItem(stage=0, age_days=-2, value=1),
        lambda: OpenItem(stage=0, age_days=0, value=math.inf),
    ],
)
def test_bad_history_and_items_are_refused(build):
    with pytest.raises(ForecastError):
        build()


def test_an_item_beyond_the_terminal_stage_is_refused():
    with pytest.raises(ForecastError) as caught:
        forecast_arrivals(
            [OpenItem(3, 0, 1)], [fixed(1), fixed(1)], target_stage=2, horizon_days=[1]
        )
    assert caught.value.code == "bad_item"


# --------------------------------------------------------------------------------------------
# Portfolio choice
# --------------------------------------------------------------------------------------------


def brute_force(projects, budget):
    best = 0.0
    for size in range(len(projects) + 1):
        for subset in itertools.combinations(projects, size):
            if sum(p.cost for p in subset) <= budget * (1 + 1e-9):
                best = max(best, sum(p.value for p in subset))
    return best


def test_hand_checked_knapsack_beats_greedy():
    # Ratios 6, 5, 4. Greedy takes a + b (cost 30, value 160) and c no longer fits;
    # b + c costs exactly 50 and is worth 220, the best of the 7 non-empty subsets.
    projects = [Project("a", 10, 60), Project("b", 20, 100), Project("c", 30, 120)]
    assert select_exact(projects, 50) == select_exact(projects, 50.0)
    chosen = select_exact(projects, 50)
    assert (chosen.keys, chosen.cost, chosen.value) == (("b", "c"), 50, 220)
    assert waterline(projects, 50) == [("a", True), ("b", True), ("c", False)]


def test_hand_checked_small_budgets():
    projects = [Project("a", 10, 60), Project("b", 20, 100), Project("c", 30, 120)]
    assert select_exact(projects, 9).keys == ()
    assert select_exact(projects, 29).keys == ("b",)
    assert select_exact(projects, 60).keys == ("a", "b", "c")


def test_decimal_costs_fit_as_on_paper():
    # 0.1 + 0.2 is 0.30000000000000004 in binary floats; a PMO says it fits 0.3.
    projects = [Project("a", 0.1, 1), Project("b", 0.2, 1), Project("c", 0.25, 1.5)]
    assert select_exact(projects, 0.3).keys == ("a", "b")
    assert default_unit(projects, 0.3) == pytest.approx(0.05)


def test_worthless_projects_are_never_taken_and_free_ones_always():
    projects = [Project("loss", 0, -5), Project("nil", 1, 0), Project("free", 0, 3)]
    assert select_exact(projects, 10).keys == ("free",)


def test_ties_go_to_the_earlier_project():
    projects = [Project("first", 5, 10), Project("second", 5, 10)]
    assert select_exact(projects, 5).keys == ("first",)


@pytest.mark.parametrize(
    ("costs", "unit"),
    [([1000, 2500, 4000], 500), ([1.5, 2, 3.5], 0.5), ([0.01, 0.03], 0.01), ([], 1.0)],
)
def test_default_unit_measures_every_cost_exactly(costs, unit):
    projects = [Project(f"p{i}", cost, 1) for i, cost in enumerate(costs)]
    assert default_unit(projects, 10_000) == pytest.approx(unit)


def test_default_unit_coarsens_when_the_exact_table_is_too_big():
    # Costs to the cent with a budget of a billion: a cent-wide table would not fit.
    projects = [Project(f"p{i}", 1_000_000.01 * (i + 1), 1) for i in range(50)]
    unit = default_unit(projects, 1e9)
    assert unit > 1
    assert 50 * (1e9 / unit + 1) <= 3_000_000
    chosen = select_exact(projects, 1e9)
    assert chosen.cost <= 1e9


def test_too_large_instances_are_refused():
    many = [Project(f"p{i}", 1, 1) for i in range(MAX_EXACT_PROJECTS + 1)]
    with pytest.raises(ForecastError) as caught:
        select_exact(many, 10)
    assert caught.value.code == "too_large"
    with pytest.raises(ForecastError) as caught:
        select_exact([Project("a", 1e7, 1), Project("b", 2e7, 1)], 1e9, unit=0.01)
    assert caught.value.code == "too_large"
    select_exact(many[:MAX_EXACT_PROJECTS], 10)


def test_a_huge_budget_needs_no_huge_table():
    # 10^11 cent-columns, but both projects together weigh 300 cents: that is all it needs.
    chosen = select_exact([Project("a", 1, 1), Project("b", 2, 1)], 1e9, unit=0.01)
    assert chosen.keys == ("a", "b")


@pytest.mark.parametrize(
    "call",
    [
        lambda: select_exact([Project("a", 1, 1), Project("a", 2, 2)], 5),
        lambda: select_exact([Project("a", 1, 1)], -1),
        lambda: select_exact([Project("a", 1, 1)], math.inf),
        lambda: select_exact([Project("a", 1, 1)], 5, unit=0),
        lambda: Project("a", -1, 1),
        lambda: Project("", 1, 1),
        lambda: Project("a", 1, math.nan),
    ],
)
def test_bad_portfolio_input_is_refused(call):
    with pytest.raises(ForecastError):
        call()


projects_strategy = st.lists(st.tuples(st.integers(0, 40), st.integers(-10, 100)), max_size=12).map(
    lambda rows: [Project(f"p{i}", cost, value) for i, (cost, value) in enumerate(rows)]
)


@given(projects=projects_strategy, budget=st.integers(0, 200))
def test_knapsack_equals_brute_force(projects, budget):
    chosen = select_exact(projects, budget)
    assert chosen.value == pytest.approx(brute_force(projects, budget))
    assert chosen.cost <= budget
    by_key = {p.key: p for p in projects}
    assert chosen.cost == sum(by_key[k].cost for k in chosen.keys)
    assert chosen.value == sum(by_key[k].value for k in chosen.keys)
    assert list(chosen.keys) == [p.key for p in projects if p.key in chosen.keys]
    greedy = sum(by_key[k].value for k, above in waterline(projects, budget) if above)
    assert greedy <= chosen.value


@given(
    rows=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 100)), max_size=10),
    budget=st.integers(0, 1500),
)
def test_knapsack_with_cents_equals_brute_force(rows, budget):
    projects = [Project(f"p{i}", cost / 100, value) for i, (cost, value) in enumerate(rows)]
    chosen = select_exact(projects, budget / 100)
    assert chosen.value == pytest.approx(brute_force(projects, budget / 100))


# Arbitrary float costs push the default unit to the finest that fits: a full-size table per
# example, so fewer examples keep the file fast.
@settings(max_examples=30)
@given(
    rows=st.lists(st.tuples(st.floats(0, 1e6, allow_nan=False), st.floats(0.01, 1e6)), max_size=12),
    budget=st.floats(0, 3e6),
    unit=st.sampled_from([None, 100.0, 997.0, 12_345.0]),
)
def test_knapsack_never_exceeds_the_budget(rows, budget, unit):
    projects = [Project(f"p{i}", cost, value) for i, (cost, value) in enumerate(rows)]
    chosen = select_exact(projects, budget, unit=unit)
    assert chosen.cost <= budget * (1 + 1e-9)


def test_frontier_by_hand():
    projects = [
        Project("low", 10, 20),
        Project("free", 0, 5),
        Project("loss", 5, -1),
        Project("high", 4, 40),
        Project("also_low", 5, 10),
    ]
    # Productivity: free inf, high 10, low 2, also_low 2 (tie: given order), loss excluded.
    points = efficient_frontier(projects)
    assert [(p.key, p.cumulative_cost, p.cumulative_value) for p in points] == [
        ("free", 0, 5),
        ("high", 4, 45),
        ("low", 14, 65),
        ("also_low", 19, 75),
    ]
    # One short of the running 14 puts "low" under the line.
    assert [above for _, above in waterline(projects, 13)] == [True, True, False, False, False]
    assert waterline(projects, 14) == [
        ("free", True),
        ("high", True),
        ("low", True),
        ("also_low", False),
        ("loss", False),
    ]


@given(projects=projects_strategy)
def test_frontier_sums_never_fall(projects):
    points = efficient_frontier(projects)
    positive = [p for p in projects if p.value > 0]
    assert sorted(pt.key for pt in points) == sorted(p.key for p in positive)
    for before, after in itertools.pairwise(points):
        assert after.cumulative_cost >= before.cumulative_cost
        assert after.cumulative_value > before.cumulative_value
    if points:
        assert points[-1].cumulative_value == sum(p.value for p in positive)
    by_key = {p.key: p for p in projects}
    ratios = [
        by_key[pt.key].value / by_key[pt.key].cost if by_key[pt.key].cost else math.inf
        for pt in points
    ]
    assert ratios == sorted(ratios, reverse=True)


@given(projects=projects_strategy, budget=st.integers(0, 200))
def test_waterline_agrees_with_the_budget(projects, budget):
    line = waterline(projects, budget)
    assert sorted(k for k, _ in line) == sorted(p.key for p in projects)
    flags = [above for _, above in line]
    above = flags.count(True)
    assert flags == [True] * above + [False] * (len(flags) - above)
    by_key = {p.key: p for p in projects}
    assert sum(by_key[k].cost for k, _ in line[:above]) <= budget
    frontier = efficient_frontier(projects)
    if above < len(frontier):
        assert frontier[above].cumulative_cost > budget


# --------------------------------------------------------------------------------------------
# Load-oriented release
# --------------------------------------------------------------------------------------------


def test_release_worked_example():
    # Stage 1: capacity 10 at 200 % -> limit 20; stage 2: capacity 6 at 200 % -> limit 12;
    # stage 3 has no capacity, so it is not load-limited. Accounts start at 5 and 4.
    # Release into stage 1, anticipation 14 days. Work on stage 2 (one step after entry)
    # counts x (100 / 200)^1 = 0.5. Order: B (prio 9), A (5), D (3, due 2), C (3, due 7),
    # E (2), F (1), G (0.5).
    #   B  due 20 > 14                              -> held, not_urgent
    #   A  s1 5 + 6 = 11 <= 20; s2 4 + 4 x 0.5 = 6 <= 12   -> released (s3's 9 is unlimited)
    #   D  s1 11 + 2 = 13 <= 20; s2 6 + 8 x 0.5 = 10 <= 12 -> released
    #   C  s1 13 + 4 = 17 <= 20; s2 10 + 6 x 0.5 = 13 > 12 -> held, stage 2 blocked
    #   E  s2 10 + 2 x 0.5 = 11 would fit, but stage 2 is blocked   -> held (0 on s1: untouched)
    #   F  overdue; s1 13 + 7 = 20 <= 20             -> released, stage 1 reaches its limit
    #   G  s1 is blocked                             -> held
    capacities = [StageCapacity(1, 10, 200), StageCapacity(2, 6, 200)]
    waiting = [
        Waiting("A", due_days=3, priority=5, work=[6, 4, 9]),
        Waiting("B", due_days=20, priority=9, work=[1]),
        Waiting("C", due_days=7, priority=3, work=[4, 6]),
        Waiting("D", due_days=2, priority=3, work=[2, 8]),
        Waiting("E", due_days=5, priority=2, work=[0, 2]),
        Waiting("F", due_days=-1, priority=1, work=[7]),
        Waiting("G", due_days=1, priority=0.5, work=[0.5]),
    ]
    plan = release(waiting, capacities, {1: 5.0, 2: 4.0}, entry_stage=1, anticipation_days=14)
    assert plan.released == ("A", "D", "F")
    assert plan.held == (
        ("B", "not_urgent"),
        ("C", "blocked_stage"),
        ("E", "blocked_stage"),
        ("G", "blocked_stage"),
    )
    assert plan.load == {1: 20.0, 2: 10.0}
    assert plan.limits == {1: 20.0, 2: 12.0}
    assert plan.blocked == (1, 2)


def test_not_urgent_candidates_wait_whatever_the_room():
    capacities = [StageCapacity(0, 100, 200)]
    waiting = [Waiting("later", 31, 10, [1]), Waiting("soon", 30, 0, [1])]
    plan = release(waiting, capacities, {}, entry_stage=0, anticipation_days=30)
    assert plan.released == ("soon",)
    assert plan.held == (("later", "not_urgent"),)
    assert plan.load == {0: 1.0}
    assert plan.blocked == ()


def test_a_stage_at_its_limit_starts_blocked():
    capacities = [StageCapacity(0, 10, 100), StageCapacity(1, 10, 100)]
    waiting = [Waiting("small", 0, 1, [0, 1]), Waiting("other", 0, 0, [1])]
    plan = release(waiting, capacities, {1: 10}, entry_stage=0, anticipation_days=5)
    assert plan.released == ("other",)
    assert plan.held == (("small", "blocked_stage"),)
    assert plan.blocked == (1,)


def test_a_refusing_stage_blocks_later_candidates_that_would_fit():
    capacities = [StageCapacity(0, 10, 100)]
    waiting = [Waiting("big", 0, 3, [8]), Waiting("huge", 0, 2, [5]), Waiting("tiny", 0, 1, [1])]
    plan = release(waiting, capacities, {}, entry_stage=0, anticipation_days=0)
    # 8 fits; 8 + 5 = 13 > 10 refuses huge and blocks; tiny (9 <= 10) is held regardless.
    assert plan.released == ("big",)
    assert plan.held == (("huge", "blocked_stage"), ("tiny", "blocked_stage"))
    assert plan.load == {0: 8.0}


def test_a_stage_filled_exactly_to_its_limit_is_blocked():
    capacities = [StageCapacity(0, 10, 100), StageCapacity(1, 10, 100)]
    plan = release(
        [Waiting("fill", 0, 1, [10, 3])], capacities, {}, entry_stage=0, anticipation_days=0
    )
    assert plan.released == ("fill",)
    assert plan.blocked == (0,)


def test_the_discount_makes_downstream_work_count_less():
    waiting = [Waiting("x", 0, 1, [0, 10, 8])]

    def plan_at(percent):
        capacities = [StageCapacity(1, 5, percent), StageCapacity(2, 2, percent)]
        return release(waiting, capacities, {}, entry_stage=0, anticipation_days=0)

    # At 100 % nothing is discounted: 10 > limit 5 on stage 1.
    assert plan_at(100).released == ()
    # At 200 %: stage 1 gets 10 x 0.5 = 5 <= 10; stage 2 gets 8 x 0.5^2 = 2 <= 4.
    plan = plan_at(200)
    assert plan.released == ("x",)
    assert plan.load == {1: 5.0, 2: 2.0}
    assert plan.limits == {1: 10.0, 2: 4.0}


def test_work_on_stages_without_capacity_is_unlimited():
    waiting = [Waiting("x", 0, 1, [1000, 1])]
    plan = release(waiting, [StageCapacity(1, 1, 100)], {}, entry_stage=0, anticipation_days=0)
    assert plan.released == ("x",)
    assert plan.load == {1: 1.0}


@pytest.mark.parametrize(
    "call",
    [
        lambda: StageCapacity(0, 10, 80),
        lambda: StageCapacity(0, -1, 200),
        lambda: Waiting("a", 0, 1, [-1]),
        lambda: Waiting("a", math.nan, 1, [1]),
        lambda: release(
            [],
            [StageCapacity(0, 1, 100), StageCapacity(0, 2, 100)],
            {},
            entry_stage=0,
            anticipation_days=0,
        ),
        lambda: release(
            [Waiting("a", 0, 1, [1]), Waiting("a", 0, 1, [1])],
            [],
            {},
            entry_stage=0,
            anticipation_days=0,
        ),
    ],
)
def test_bad_release_input_is_refused(call):
    with pytest.raises(ForecastError):
        call()


@given(
    capacity_rows=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 20), st.sampled_from([100, 150, 200, 300])),
        max_size=4,
        unique_by=lambda row: row[0],
    ),
    waiting_rows=st.lists(
        st.tuples(
            st.integers(-5, 20),
            st.integers(0, 5),
            st.lists(st.integers(0, 10), min_size=1, max_size=4),
        ),
        max_size=12,
    ),
    fill=st.floats(0, 1),
    entry=st.integers(0, 2),
)
def test_release_never_overloads_a_stage(capacity_rows, waiting_rows, fill, entry):
    capacities = [StageCapacity(stage, cap, pct) for stage, cap, pct in capacity_rows]
    limits = {c.stage: c.limit for c in capacities}
    start = {stage: limit * fill for stage, limit in limits.items()}
    waiting = [
        Waiting(f"w{i}", due, prio, work) for i, (due, prio, work) in enumerate(waiting_rows)
    ]
    plan = release(waiting, capacities, start, entry_stage=entry, anticipation_days=10)

    assert plan.limits == limits
    for stage, load in plan.load.items():
        assert load <= limits[stage] + 1e-9
    # Every candidate is decided once; the not-urgent are exactly those due after 10 days.
    decided = list(plan.released) + [key for key, _ in plan.held]
    assert sorted(decided) == sorted(w.key for w in waiting)
    not_urgent = {key for key, reason in plan.held if reason == "not_urgent"}
    assert not_urgent == {w.key for w in waiting if w.due_days > 10}
    # The accounts grew by exactly the converted work of the released.
    by_key = {w.key: w for w in waiting}
    pct = {c.stage: c.load_percent for c in capacities}
    for stage in limits:
        added = sum(
            work * (100 / pct[stage]) ** step
            for key in plan.released
            for step, work in enumerate(by_key[key].work)
            if entry + step == stage
        )
        assert plan.load[stage] == pytest.approx(start[stage] + added)
    # A held-as-blocked candidate touches a blocked stage.
    blocked = set(plan.blocked)
    for key, reason in plan.held:
        if reason == "blocked_stage":
            touched = {entry + s for s, w in enumerate(by_key[key].work) if w > 0}
            assert touched & blocked
