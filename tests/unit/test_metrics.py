"""Funnel metrics: BRIEF §3 worked examples, hand-computed flow and dwell, errors, properties."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portfolio.metrics import (
    BOTTLENECK_RANGE_GROWTH,
    BOTTLENECK_THROUGHPUT_TOLERANCE,
    DwellStats,
    FlowFigures,
    MetricsError,
    cohort_counts,
    cumulative_arrivals,
    drop_off,
    dwell_stats,
    ecv,
    flow_figures,
    is_bottleneck,
    killed_where,
    overall_conversion,
    percentile,
    productivity_index,
    required_pipeline,
    step_conversion,
    throughput_diagram,
    weighted_pipeline,
)

START = datetime(2024, 3, 1, tzinfo=UTC)


def at(day: float, hours: float = 0) -> datetime:
    """START plus whole or fractional days (and hours), in UTC."""
    return START + timedelta(days=day, hours=hours)


# --- conversion: the online-shop funnel (BRIEF §3) -------------------------------------------

SHOP = [100, 40, 20, 5]  # visitors → effective entries → consultations → orders


def test_shop_funnel_step_conversion():
    # 40 / 100, 20 / 40, 5 / 20
    assert step_conversion(SHOP) == pytest.approx([0.4, 0.5, 0.25])


def test_shop_funnel_overall_conversion():
    # 100 / 100, 40 / 100, 20 / 100, and the yield 5 / 100 = 5 %
    assert overall_conversion(SHOP) == pytest.approx([1.0, 0.4, 0.2, 0.05])


def test_shop_funnel_drop_off():
    assert drop_off(SHOP) == pytest.approx([0.6, 0.5, 0.75])


def test_a_step_after_an_empty_stage_has_no_rate():
    assert step_conversion([10, 0, 0, 3]) == [0.0, None, None]
    assert drop_off([10, 0, 0]) == [1.0, None]


def test_an_empty_first_stage_has_no_overall_conversion():
    assert overall_conversion([0, 0, 0]) == [None, None, None]


@pytest.mark.parametrize("function", [step_conversion, overall_conversion, drop_off])
def test_no_stages_no_figures(function):
    assert function([]) == []


def test_a_single_stage_has_no_step_but_a_full_yield():
    assert step_conversion([7]) == []
    assert overall_conversion([7]) == [1.0]


# --- cohort counts ---------------------------------------------------------------------------


def test_the_shop_funnel_as_a_cohort():
    # 60 left after stage 0, 20 after stage 1, 15 after stage 2, 5 ordered: each counts in
    # every stage up to the one it reached, which rebuilds 100 → 40 → 20 → 5.
    reached = [0] * 60 + [1] * 20 + [2] * 15 + [3] * 5
    assert cohort_counts(reached, 4) == SHOP


def test_cohort_counts_by_hand():
    # stopped in stage: 0 → 2, 1 → 1, 2 → 2, 3 → 3, 4 → 0
    # counts: stage 4: 0, stage 3: 3, stage 2: 3 + 2 = 5, stage 1: 5 + 1 = 6, stage 0: 6 + 2 = 8
    assert cohort_counts([3, 0, 2, 1, 3, 0, 2, 3], 5) == [8, 6, 5, 3, 0]


def test_cohort_counts_of_nobody():
    assert cohort_counts([], 3) == [0, 0, 0]
    assert cohort_counts([], 0) == []


def test_killed_where_by_hand():
    assert killed_where([0, 2, 2, 1, 2], 4) == [1, 1, 3, 0]
    assert killed_where([], 2) == [0, 0]


# --- weighted pipeline and target back-calculation (IBM GTM funnel, BRIEF §3) ----------------

IBM_PROBABILITIES = [1.0, 0.8, 0.6, 0.4, 0.25, 0.1]


def opportunities(held: list[int]) -> list[tuple[float, float]]:
    """One (probability, value 1) item per opportunity held in each IBM stage."""
    return [(p, 1.0) for p, n in zip(IBM_PROBABILITIES, held, strict=True) for _ in range(n)]


def test_ibm_weighted_pipeline_healthy_funnel():
    # 2·1 + 6·0.8 + 4·0.6 + 5·0.4 + 7·0.25 + 7·0.1 = 2 + 4.8 + 2.4 + 2 + 1.75 + 0.7 = 13.65
    assert weighted_pipeline(opportunities([2, 6, 4, 5, 7, 7])) == pytest.approx(13.65)


def test_ibm_weighted_pipeline_top_heavy_funnel():
    # 1·0.6 + 3·0.4 + 7·0.25 + 31·0.1 = 0.6 + 1.2 + 1.75 + 3.1 = 6.65
    assert weighted_pipeline(opportunities([0, 0, 1, 3, 7, 31])) == pytest.approx(6.65)


def test_weighted_pipeline_uses_each_value():
    # 0.5·200 + 0.25·40 + 1·7 + 0·1000 = 100 + 10 + 7 + 0 = 117
    assert weighted_pipeline([(0.5, 200), (0.25, 40), (1, 7), (0, 1000)]) == pytest.approx(117)
    assert weighted_pipeline([]) == 0


def test_ibm_required_pipeline():
    targets = [300, 750, 900, 1500, 2400, 9000]
    # 300 / 1, 750 / 0.8, 900 / 0.6, 1500 / 0.4, 2400 / 0.25, 9000 / 0.1
    assert required_pipeline(zip(targets, IBM_PROBABILITIES, strict=True)) == pytest.approx(
        [300, 937.5, 1500, 3750, 9600, 90000]
    )


# --- flow: the Hannover funnel ---------------------------------------------------------------

# A 10-day period [1 March, 11 March) of one stage, by hand:
#   A entered 25 Feb, exited 4 March   → inside 1–4 March  = 3 days; an output
#   B entered 2 March, exited 8 March  → inside            = 6 days; an input and an output
#   C entered 6 March, still inside    → runs to 11 March  = 5 days; an input
#   D entered 9 March, exited 12 March → inside 9–11 March = 2 days; an input
# mean WIP   = (3 + 6 + 5 + 2) / 10 = 1.6 candidates
# throughput = 2 outputs / 10 days  = 0.2 per day
# mean range = 1.6 / 0.2            = 8 days
FLOW_INTERVALS: list[tuple[datetime, datetime | None]] = [
    (at(-5), at(3)),
    (at(1), at(7)),
    (at(5), None),
    (at(8), at(11)),
]


def test_hand_computed_flow_period():
    assert flow_figures(FLOW_INTERVALS, START, at(10)) == FlowFigures(
        period_days=10,
        inputs=3,
        outputs=2,
        mean_wip=pytest.approx(1.6),
        throughput=pytest.approx(0.2),
        mean_range=pytest.approx(8),
    )


def test_intervals_outside_the_period_add_nothing():
    outside: list[tuple[datetime, datetime | None]] = [
        (at(-40), at(-20)),  # over before the period
        (at(10), None),  # enters exactly at the end, which [start, end) leaves out
        (at(12), at(13)),
    ]
    assert flow_figures(FLOW_INTERVALS + outside, START, at(10)) == flow_figures(
        FLOW_INTERVALS, START, at(10)
    )


def test_period_edges_belong_to_the_start_not_the_end():
    intervals: list[tuple[datetime, datetime | None]] = [
        (at(-2), at(0)),  # exits exactly at start: an output, no time inside
        (at(0), at(10)),  # enters exactly at start (an input), exits exactly at end (not one)
        (at(4), at(4)),  # in and out at once: an input and an output, no WIP
    ]
    figures = flow_figures(intervals, START, at(10))
    # WIP: 0 + 10 + 0 days over 10 days = 1; throughput: 2 / 10 = 0.2; range 1 / 0.2 = 5 days
    assert (figures.inputs, figures.outputs) == (2, 2)
    assert figures.mean_wip == pytest.approx(1)
    assert figures.mean_range == pytest.approx(5)


def test_a_stage_nothing_left_has_no_range():
    # 12 hours into a 2-day period and still inside: WIP 0.5 / 2 = 0.25, no output
    figures = flow_figures([(at(1, hours=12), None)], START, at(2))
    assert figures.mean_wip == pytest.approx(0.25)
    assert figures.throughput == 0
    assert figures.mean_range is None


def test_flow_of_an_empty_stage():
    assert flow_figures([], START, at(7)) == FlowFigures(
        period_days=7, inputs=0, outputs=0, mean_wip=0, throughput=0, mean_range=None
    )


def test_flow_over_a_fractional_period_with_naive_datetimes():
    start = datetime(2024, 3, 1)  # naive on purpose: no zone is assumed
    # one candidate inside the whole 36-hour period, one output at hour 6
    intervals: list[tuple[datetime, datetime | None]] = [
        (start - timedelta(days=1), None),
        (start, start + timedelta(hours=6)),
    ]
    figures = flow_figures(intervals, start, start + timedelta(hours=36))
    # WIP (36 + 6) / 36 h = 7/6; throughput 1 / 1.5 days = 2/3; range 7/6 / (2/3) = 1.75 days
    assert figures.period_days == pytest.approx(1.5)
    assert figures.mean_wip == pytest.approx(7 / 6)
    assert figures.throughput == pytest.approx(2 / 3)
    assert figures.mean_range == pytest.approx(1.75)


def test_throughput_diagram_by_hand():
    days = [date(2024, 3, d) for d in range(1, 13)]
    inputs, outputs = throughput_diagram(FLOW_INTERVALS, days)
    # entries 25 Feb, 2, 6, 9 March; exits 4, 8, 12 March
    assert inputs == [1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4]
    assert outputs == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]


def test_throughput_diagram_counts_a_day_to_its_end():
    # in at 09:00 and out at 17:00 on the same day: never inside at a day's end
    inputs, outputs = throughput_diagram([(at(0, hours=9), at(0, hours=17))], [date(2024, 3, 1)])
    assert (inputs, outputs) == ([1], [1])


def test_cumulative_arrivals_by_hand():
    days = [date(2024, 3, d) for d in (1, 2, 3, 4)]
    arrivals = [
        (date(2024, 2, 28), 0),
        (date(2024, 3, 1), 0),
        (date(2024, 3, 1), 0),
        (date(2024, 3, 2), 0),
        (date(2024, 3, 2), 1),
        (date(2024, 3, 3), 1),
        (date(2024, 3, 4), 2),
        (date(2024, 3, 9), 2),  # after the last day shown
    ]
    assert cumulative_arrivals(arrivals, days, 4) == [
        [3, 4, 4, 4],
        [0, 1, 2, 2],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
    ]


def test_cumulative_arrivals_with_no_days_or_stages():
    assert cumulative_arrivals([(date(2024, 3, 1), 0)], [], 1) == [[]]
    assert cumulative_arrivals([], [date(2024, 3, 1)], 0) == []


# --- bottleneck ------------------------------------------------------------------------------


def test_bottleneck_thresholds():
    assert (BOTTLENECK_RANGE_GROWTH, BOTTLENECK_THROUGHPUT_TOLERANCE) == (0.20, 0.10)


@pytest.mark.parametrize(
    ("ranges", "throughputs", "flagged"),
    [
        ([10, 11, 12], [2, 2, 2], True),  # range +20 % exactly, throughput flat
        ([10, 11.9], [2, 2], False),  # range +19 %
        ([10, 15], [2, 2.2], True),  # throughput +10 % exactly still counts as flat
        ([10, 15], [2, 2.3], False),  # throughput +15 %: the stage is speeding up
        ([10, 15], [2, 1], True),  # throughput falling
        ([10, 8, 12], [2, 5, 2], True),  # only the first and last periods count
        ([10, 13, 11], [2, 2, 2], False),  # grew, then came back under +20 %
        ([15, 10], [2, 2], False),  # range shrinking
        ([0, 5], [1, 1], True),  # from no wait at all to some
        ([0, 0], [1, 1], False),
        ([None, 10, None, 13, None], [0, 2, 0, 2, 0], True),  # None ranges are skipped
        ([None, 10, None], [0, 2, 0], False),  # a single range cannot grow
        ([None, None], [0, 0], False),
        ([], [], False),
        ([1.37, 1.644], [2, 2], True),  # +20 % by hand; 1.37 · 1.2 is 1.6440000000000001
        ([10, 15], [1.13, 1.243], True),  # +10 % by hand; 1.13 · 1.1 is 1.2429999999999999
    ],
)
def test_bottleneck_flag(ranges, throughputs, flagged):
    assert is_bottleneck(ranges, throughputs) is flagged


# --- time in stage ---------------------------------------------------------------------------


def test_dwell_stats_by_hand():
    now = at(30)
    intervals: list[tuple[datetime, datetime | None]] = [
        (at(0), at(9)),  # 9 days
        (at(1), at(3)),  # 2
        (at(2), at(12)),  # 10
        (at(4), at(8)),  # 4
        (at(10), at(15)),  # 5
        (at(27), None),  # still inside: 3 days old
        (at(17, hours=12), None),  # 12.5 days old
    ]
    # completed, sorted: 2, 4, 5, 9, 10 (n = 5)
    # median: rank (5 − 1) · 0.50 = 2   → 5
    # P85:    rank (5 − 1) · 0.85 = 3.4 → 9 + 0.4 · (10 − 9) = 9.4
    assert dwell_stats(intervals, now) == DwellStats(
        count=5, median_days=5, p85_days=pytest.approx(9.4), aging_days=[3, 12.5]
    )


def test_dwell_stats_as_of_a_past_day():
    intervals: list[tuple[datetime, datetime | None]] = [
        (at(0), at(4)),  # over by day 6: a 4-day dwell
        (at(2), at(8)),  # still inside on day 6: 4 days old, not a finished dwell
        (at(7), None),  # not there yet on day 6
    ]
    assert dwell_stats(intervals, at(6)) == DwellStats(
        count=1, median_days=4, p85_days=4, aging_days=[4]
    )


def test_dwell_stats_without_finished_dwells():
    assert dwell_stats([(at(0), None)], at(1, hours=6)) == DwellStats(
        count=0, median_days=None, p85_days=None, aging_days=[1.25]
    )
    assert dwell_stats([], at(0)) == DwellStats(0, None, None, [])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (0, 1),  # the minimum
        (25, 1.75),  # rank 3 · 0.25 = 0.75 → 1 + 0.75 · (2 − 1)
        (50, 2.5),  # rank 1.5 → halfway between 2 and 3
        (85, 3.55),  # rank 2.55 → 3 + 0.55 · (4 − 3)
        (100, 4),  # the maximum
    ],
)
def test_percentile_by_hand(q, expected):
    assert percentile([4, 1, 3, 2], q) == pytest.approx(expected)


def test_percentile_of_one_or_no_values():
    assert percentile([7.5], 85) == 7.5
    assert percentile([], 50) is None


# --- portfolio value -------------------------------------------------------------------------


def test_ecv_by_hand():
    # ((NPV · Pcs − C) · Pts) − D = ((30 · 0.5 − 5) · 0.8) − 3 = (10 · 0.8) − 3 = 5
    result = ecv(
        30, p_technical=0.8, p_commercial=0.5, commercialisation_cost=5, development_cost=3
    )
    assert result == pytest.approx(5)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((100, 1, 1, 10, 20), 70),  # certain success: NPV − C − D
        ((100, 0, 1, 10, 20), -20),  # technical failure: only development is spent
        ((100, 1, 0, 10, 20), -30),  # commercial failure after launch: C and D are spent
        ((0, 0.5, 1, 10, 0), -5),  # C is paid only on technical success
    ],
)
def test_ecv_edges(args, expected):
    assert ecv(*args) == pytest.approx(expected)


def test_productivity_index_by_hand():
    # 200 × 0.5 / 40 = 2.5
    assert productivity_index(200, 0.5, 40) == pytest.approx(2.5)
    assert productivity_index(200, 0.5, 0) is None


# --- input errors ----------------------------------------------------------------------------

NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: step_conversion([10, -1]), "negative_count"),
        (lambda: overall_conversion([-1]), "negative_count"),
        (lambda: drop_off([3, 4, -2]), "negative_count"),
        (lambda: weighted_pipeline([(1.01, 1)]), "probability"),
        (lambda: weighted_pipeline([(-0.1, 1)]), "probability"),
        (lambda: weighted_pipeline([(NAN, 1)]), "probability"),
        (lambda: weighted_pipeline([(0.5, INF)]), "not_finite"),
        (lambda: required_pipeline([(100, 0)]), "probability"),
        (lambda: required_pipeline([(100, -0.5)]), "probability"),
        (lambda: required_pipeline([(100, 1.5)]), "probability"),
        (lambda: required_pipeline([(100, NAN)]), "probability"),
        (lambda: required_pipeline([(-100, 0.5)]), "negative_target"),
        (lambda: required_pipeline([(NAN, 0.5)]), "not_finite"),
        (lambda: flow_figures([], START, START), "period"),
        (lambda: flow_figures([], at(1), START), "period"),
        (lambda: flow_figures([(at(2), at(1))], START, at(5)), "interval"),
        (lambda: throughput_diagram([(at(2), at(1))], []), "interval"),
        (lambda: dwell_stats([(at(2), at(1))], at(5)), "interval"),
        (lambda: percentile([1, 2], -1), "percentile"),
        (lambda: percentile([1, 2], 100.5), "percentile"),
        (lambda: percentile([1, 2], NAN), "percentile"),
        (lambda: percentile([1, NAN], 50), "not_finite"),
        (lambda: cohort_counts([3], 3), "stage"),
        (lambda: cohort_counts([-1], 3), "stage"),
        (lambda: cohort_counts([], -1), "stage_count"),
        (lambda: killed_where([2], 2), "stage"),
        (lambda: cumulative_arrivals([(date(2024, 3, 1), 1)], [], 1), "stage"),
        (lambda: cumulative_arrivals([], [], -1), "stage_count"),
        (lambda: is_bottleneck([1, 2], [1]), "length"),
        (lambda: is_bottleneck([1, NAN], [1, 1]), "not_finite"),
        (lambda: is_bottleneck([1, 2], [1, INF]), "not_finite"),
        (lambda: ecv(100, 1.2, 0.5, 1, 1), "probability"),
        (lambda: ecv(100, 0.5, -0.2, 1, 1), "probability"),
        (lambda: ecv(100, 0.5, 0.5, -1, 1), "negative_cost"),
        (lambda: ecv(100, 0.5, 0.5, 1, -1), "negative_cost"),
        (lambda: ecv(NAN, 0.5, 0.5, 1, 1), "not_finite"),
        (lambda: productivity_index(100, 2, 10), "probability"),
        (lambda: productivity_index(100, 0.5, -10), "negative_cost"),
        (lambda: productivity_index(INF, 0.5, 10), "not_finite"),
    ],
)
def test_bad_input_is_refused_with_a_code(call, code):
    with pytest.raises(MetricsError) as caught:
        call()
    assert caught.value.code == code
    assert str(caught.value).startswith(code)


def test_metrics_errors_are_value_errors():
    with pytest.raises(ValueError, match="probability"):
        weighted_pipeline([(2, 1)])


def test_results_are_frozen():
    figures = flow_figures([], START, at(1))
    with pytest.raises(AttributeError):
        figures.mean_wip = 3  # type: ignore[misc]


# --- properties ------------------------------------------------------------------------------

counts_lists = st.lists(st.integers(0, 10_000), max_size=8)
probabilities = st.floats(0, 1)
values = st.floats(-1e6, 1e6, allow_nan=False)
# Interval ends in whole minutes around a 10-day period starting at START.
minutes = st.integers(-20 * 1440, 40 * 1440)


def _interval(entered: int, stay: int | None) -> tuple[datetime, datetime | None]:
    exited = None if stay is None else START + timedelta(minutes=entered + stay)
    return START + timedelta(minutes=entered), exited


# (entered, exited or None) pairs, some open, some before, across or after the period.
intervals = st.lists(
    st.builds(_interval, minutes, st.none() | st.integers(0, 30 * 1440)), max_size=10
)


@given(counts_lists)
def test_step_conversions_are_none_exactly_after_an_empty_stage(counts):
    for before, rate in zip(counts, step_conversion(counts), strict=False):
        assert (rate is None) == (before == 0)
        assert rate is None or rate >= 0


@given(counts_lists)
def test_overall_conversion_of_a_narrowing_funnel_falls_within_zero_and_one(counts):
    funnel = sorted(counts, reverse=True)
    rates = overall_conversion(funnel)
    assert len(rates) == len(funnel)
    if not funnel or funnel[0] == 0:
        assert all(rate is None for rate in rates)
        return
    assert rates[0] == 1
    assert all(rate is not None and 0 <= rate <= 1 for rate in rates)
    assert all(a >= b for a, b in pairwise(rates))


@given(counts_lists)
def test_drop_off_and_step_conversion_add_up_to_one(counts):
    for rate, lost in zip(step_conversion(counts), drop_off(counts), strict=True):
        assert (rate is None) == (lost is None)
        if rate is not None:
            assert rate + lost == pytest.approx(1)


@given(st.lists(st.tuples(probabilities, values), max_size=20), st.floats(-100, 100))
def test_weighted_pipeline_scales_with_the_values(items, factor):
    scaled = [(p, v * factor) for p, v in items]
    assert weighted_pipeline(scaled) == pytest.approx(
        factor * weighted_pipeline(items), rel=1e-9, abs=1e-6
    )


@given(st.lists(st.tuples(probabilities, values), max_size=20), st.data())
def test_weighted_pipeline_ignores_the_order_of_candidates(items, data):
    shuffled = data.draw(st.permutations(items))
    assert weighted_pipeline(shuffled) == weighted_pipeline(items)


@given(st.lists(st.tuples(st.floats(0, 1e9), st.floats(1e-3, 1)), max_size=10))
def test_required_pipeline_times_probability_is_the_target(targets):
    required = required_pipeline(targets)
    for (target, probability), need in zip(targets, required, strict=True):
        assert need * probability == pytest.approx(target)
        assert need >= target


def overlap_minutes(entered, exited, start, end):
    """Minutes an interval spends inside [start, end), by plain arithmetic on minutes."""
    first = max(entered, start)
    last = end if exited is None else min(exited, end)
    return max(0, (last - first) // timedelta(minutes=1))


@given(intervals, st.integers(1, 20 * 1440))
def test_mean_wip_is_the_time_inside_over_the_period(spans, period_minutes):
    end = START + timedelta(minutes=period_minutes)
    figures = flow_figures(spans, START, end)
    inside = sum(overlap_minutes(entered, exited, START, end) for entered, exited in spans)
    assert figures.mean_wip >= 0
    assert figures.mean_wip == pytest.approx(inside / period_minutes, rel=1e-12)
    assert figures.mean_wip <= len(spans)
    assert figures.period_days == pytest.approx(period_minutes / 1440, rel=1e-12)
    assert figures.inputs == sum(START <= entered < end for entered, _ in spans)
    assert figures.outputs == sum(x is not None and START <= x < end for _, x in spans)


@given(intervals, st.integers(1, 20 * 1440))
def test_littles_law_holds_by_construction(spans, period_minutes):
    figures = flow_figures(spans, START, START + timedelta(minutes=period_minutes))
    assert figures.throughput == pytest.approx(figures.outputs / figures.period_days)
    if figures.throughput > 0:
        assert figures.mean_range is not None
        assert figures.mean_range * figures.throughput == pytest.approx(figures.mean_wip)
    else:
        assert figures.mean_range is None


@given(intervals)
def test_throughput_diagram_encloses_the_wip_of_each_day(spans):
    days = [(START + timedelta(days=d)).date() for d in range(-21, 72)]
    inputs, outputs = throughput_diagram(spans, days)
    assert all(a <= b for a, b in pairwise(inputs))
    assert all(a <= b for a, b in pairwise(outputs))
    for day, entered_so_far, left_so_far in zip(days, inputs, outputs, strict=True):
        inside_at_day_end = sum(
            entered.date() <= day and (exited is None or exited.date() > day)
            for entered, exited in spans
        )
        assert entered_so_far - left_so_far == inside_at_day_end
    # every interval has entered by the last day, and every closed one has left
    assert inputs[-1] == len(spans)
    assert outputs[-1] == sum(exited is not None for _, exited in spans)


@given(
    st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2024, 3, 31)), st.integers(0, 4))),
    st.lists(st.dates(date(2023, 12, 1), date(2024, 4, 30)), max_size=10),
)
def test_cumulative_arrivals_never_fall(arrivals, days):
    days = sorted(days)
    rows = cumulative_arrivals(arrivals, days, 5)
    assert len(rows) == 5
    for stage, row in enumerate(rows):
        assert len(row) == len(days)
        assert all(a <= b for a, b in pairwise(row))
        assert all(n <= sum(s == stage for _, s in arrivals) for n in row)


@given(st.lists(st.integers(0, 5)))
def test_cohort_counts_narrow_and_count_every_stage_reached(reached):
    counts = cohort_counts(reached, 6)
    assert all(a >= b for a, b in pairwise(counts))
    assert counts[0] == len(reached)
    # a candidate that reached stage i is counted i + 1 times
    assert sum(counts) == sum(stage + 1 for stage in reached)
    assert sum(killed_where(reached, 6)) == len(reached)


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), st.integers(1, 99))
def test_percentile_matches_statistics_inclusive_quantiles(data, q):
    expected = statistics.quantiles(data, n=100, method="inclusive")[q - 1]
    assert percentile(data, q) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30), st.floats(0, 100))
def test_percentile_lies_within_the_values_and_rises_with_q(data, q):
    result = percentile(data, q)
    assert result is not None
    assert min(data) <= result <= max(data)
    assert percentile(data, min(100, q + 5)) >= result
    assert percentile(data, 0) == min(data)
    assert percentile(data, 100) == max(data)


@given(intervals, minutes)
def test_dwell_stats_sort_every_arrived_candidate_once(spans, now_minute):
    now = START + timedelta(minutes=now_minute)
    stats = dwell_stats(spans, now)
    arrived = sum(entered <= now for entered, _ in spans)
    assert stats.count + len(stats.aging_days) == arrived
    assert all(age >= 0 for age in stats.aging_days)
    if stats.count:
        assert stats.median_days is not None
        assert stats.p85_days is not None
        assert 0 <= stats.median_days <= stats.p85_days
    else:
        assert stats.median_days is None
        assert stats.p85_days is None


@given(
    st.floats(-1e6, 1e6),
    probabilities,
    probabilities,
    st.floats(0, 1e6),
    st.floats(0, 1e6),
)
def test_ecv_never_beats_the_certain_case(npv, p_technical, p_commercial, c, d):
    assume(npv >= c)  # a project worth launching at all
    certain = ecv(npv, 1, 1, c, d)
    assert ecv(npv, p_technical, p_commercial, c, d) <= certain + 1e-6 * max(1, abs(certain))
    assert math.isclose(certain, npv - c - d, rel_tol=1e-12, abs_tol=1e-6)
