"""Funnel metrics: conversions, weighted pipeline, flow (Hannover funnel), dwell, portfolio value.

Plain data in, plain data out (BRIEF §3): stage counts, (probability, value) pairs and
(entered_at, exited_at) intervals become floats, lists and frozen dataclasses. Pure: standard
library only, so pages, API, reports and notebooks share one definition of every figure.

Two views of a funnel, and which one each function takes:
- *cohort view*: a candidate counts in every stage it reached, not only where it sits now
  (`cohort_counts`); step and overall conversion are meant for these counts.
- *flow view*: one stage as a funnel with input and output over time (`flow_figures`,
  `throughput_diagram`, `cumulative_arrivals`, `is_bottleneck`).

Bad input raises `MetricsError`, a `ValueError` with a short `code`; the web layer words it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Literal

# Bottleneck rule (BRIEF §3: "a stage whose range grows while its throughput stays flat").
# The range must grow by at least this fraction from the first period to the last...
BOTTLENECK_RANGE_GROWTH = 0.20
# ...while the throughput of the last period is at most this fraction above the first
# (within ±10 %, or lower: a falling throughput with a growing range is a bottleneck too).
BOTTLENECK_THROUGHPUT_TOLERANCE = 0.10

# Users type decimals such as 0.6 or 1.2 that binary floats cannot hold exactly; threshold
# comparisons allow this relative slack so a hand-computed 20 % growth meets a 20 % threshold.
_REL_TOL = 1e-9

_DAY = timedelta(days=1)

MetricsErrorCode = Literal[
    "negative_count",
    "probability",
    "not_finite",
    "negative_target",
    "negative_cost",
    "period",
    "interval",
    "percentile",
    "stage_count",
    "stage",
    "length",
]


class MetricsError(ValueError):
    """The input cannot be measured; `code` says why, `detail` where."""

    def __init__(self, code: MetricsErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: MetricsErrorCode = code
        self.detail = detail


# --- conversion (cohort counts) --------------------------------------------------------------


def step_conversion(counts: Sequence[int]) -> list[float | None]:
    """Nᵢ / Nᵢ₋₁ for i = 1..k: one figure per step, so one fewer than `counts`.

    None where Nᵢ₋₁ is 0: nothing entered the step, so it has no rate (not 0 %, which would
    read as "everything was lost here").
    """
    _check_counts(counts)
    return [None if before == 0 else after / before for before, after in pairwise(counts)]


def overall_conversion(counts: Sequence[int]) -> list[float | None]:
    """Nᵢ / N₀ for i = 0..k (so the first is 1.0); all None when N₀ is 0; [] for no stages."""
    _check_counts(counts)
    if not counts:
        return []
    first = counts[0]
    if first == 0:
        return [None] * len(counts)
    return [count / first for count in counts]


def drop_off(counts: Sequence[int]) -> list[float | None]:
    """1 − step conversion per step; None where the step conversion is None."""
    return [None if rate is None else 1 - rate for rate in step_conversion(counts)]


def cohort_counts(reached: Iterable[int], stage_count: int) -> list[int]:
    """Candidates per stage in the cohort view, from each candidate's highest stage reached.

    `reached` holds one 0-based stage index per candidate; a candidate that reached stage 3
    passed through 0, 1 and 2, so it counts in all four (BRIEF §3). The result is therefore
    non-increasing, which is what makes step conversions of it at most 1.
    """
    highest = _histogram(reached, stage_count)
    counts: list[int] = []
    still_in = 0
    # Walking from the last stage back, each stage holds those who stopped there plus
    # everyone who went further.
    for stopped_here in reversed(highest):
        still_in += stopped_here
        counts.append(still_in)
    counts.reverse()
    return counts


def killed_where(stages_killed: Iterable[int], stage_count: int) -> list[int]:
    """How many candidates were killed in each stage (0-based indices in, one count per stage)."""
    return _histogram(stages_killed, stage_count)


# --- weighted pipeline and target back-calculation -------------------------------------------


def weighted_pipeline(items: Iterable[tuple[float, float]]) -> float:
    """Forecast Σ pᵢ · vᵢ over (probability 0..1, value) pairs of open candidates."""
    products: list[float] = []
    for probability, value in items:
        _check_probability(probability, "probability")
        _check_finite(value, "value")
        products.append(probability * value)
    # fsum: the forecast must not depend on the order the candidates were loaded in.
    return math.fsum(products)


def required_pipeline(targets: Iterable[tuple[float, float]]) -> list[float]:
    """Pipeline each stage needs, target / probability, per (target, probability) pair.

    A probability of 0 would need infinite pipeline, so it is refused rather than returned
    as inf, which no page can draw.
    """
    required: list[float] = []
    for target, probability in targets:
        _check_finite(target, "target")
        if target < 0:
            raise MetricsError("negative_target", repr(target))
        if not 0 < probability <= 1:
            raise MetricsError("probability", f"{probability!r} not in (0, 1]")
        required.append(target / probability)
    return required


# --- flow: the Hannover funnel model ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlowFigures:
    """One stage over the period [start, end) (Bechte & Wiendahl's funnel formula)."""

    period_days: float
    inputs: int  # entries in the period
    outputs: int  # exits in the period
    mean_wip: float  # time-average number inside
    throughput: float  # exits per day
    mean_range: float | None  # days; mean_wip / throughput, None when nothing left the stage


def flow_figures(
    intervals: Iterable[tuple[datetime, datetime | None]], start: datetime, end: datetime
) -> FlowFigures:
    """Mean WIP, throughput and mean range of one stage over [start, end).

    `intervals` are (entered_at, exited_at or None) of one stage. Mean WIP is the area
    between the cumulative input and output curves divided by the period, i.e. the sum of
    each interval's time inside the period over the period length; an open interval runs to
    `end`. Mean range = mean WIP / throughput is the funnel formula (Little's law).
    Datetimes are only subtracted and compared, so pass all naive or all aware (UTC).
    """
    if end <= start:
        raise MetricsError("period", f"end {end.isoformat()} <= start {start.isoformat()}")
    period = end - start
    # timedelta sums are exact (whole microseconds), so the mean does not drift with the
    # number of intervals; only the final division rounds.
    inside = timedelta(0)
    inputs = outputs = 0
    for entered, exited in intervals:
        _check_interval(entered, exited)
        if start <= entered < end:
            inputs += 1
        if exited is not None and start <= exited < end:
            outputs += 1
        left = end if exited is None else min(exited, end)
        overlap = left - max(entered, start)
        if overlap > timedelta(0):
            inside += overlap
    period_days = period / _DAY
    mean_wip = inside / period
    throughput = outputs / period_days
    return FlowFigures(
        period_days=period_days,
        inputs=inputs,
        outputs=outputs,
        mean_wip=mean_wip,
        throughput=throughput,
        mean_range=None if outputs == 0 else mean_wip / throughput,
    )


def throughput_diagram(
    intervals: Iterable[tuple[datetime, datetime | None]], days: Sequence[date]
) -> tuple[list[int], list[int]]:
    """Cumulative input I(t) and output O(t) of one stage at the end of each day.

    I counts entries and O exits dated on or before the day, so I − O is the WIP at the end
    of that day. A timestamp's date is taken in its own time zone (UTC as stored); convert
    the intervals first to draw local days.
    """
    entries: list[date] = []
    exits: list[date] = []
    for entered, exited in intervals:
        _check_interval(entered, exited)
        entries.append(entered.date())
        if exited is not None:
            exits.append(exited.date())
    return _cumulative(entries, days), _cumulative(exits, days)


def cumulative_arrivals(
    arrivals: Iterable[tuple[date, int]], days: Sequence[date], stage_count: int
) -> list[list[int]]:
    """Cumulative flow diagram data: rows are stages, columns days, values arrivals ≤ day.

    `arrivals` holds one (date, stage index) per candidate per stage it entered. Exits are
    not needed: a candidate leaves a stage by arriving in the next one (or by being stopped,
    which the caller shows separately), so with candidates moving stage by stage the band
    between row i and row i + 1 is the WIP of stage i. Stacking the rows gives the diagram.
    """
    _check_stage_count(stage_count)
    per_stage: list[list[date]] = [[] for _ in range(stage_count)]
    for day, stage in arrivals:
        _check_stage(stage, stage_count)
        per_stage[stage].append(day)
    return [_cumulative(dates, days) for dates in per_stage]


def is_bottleneck(ranges: Sequence[float | None], throughputs: Sequence[float]) -> bool:
    """Whether one stage's mean range grows while its throughput stays flat or falls.

    `ranges` and `throughputs` are per consecutive period, oldest first. The range compares
    the first and last periods that have one (a None range means nothing left the stage in
    that period); it must grow by BOTTLENECK_RANGE_GROWTH. The throughput compares the first
    and last periods and may rise by at most BOTTLENECK_THROUGHPUT_TOLERANCE. Fewer than two
    periods with a range say nothing, so False.
    """
    if len(ranges) != len(throughputs):
        raise MetricsError("length", f"{len(ranges)} ranges, {len(throughputs)} throughputs")
    for throughput in throughputs:
        _check_finite(throughput, "throughput")
    defined = [value for value in ranges if value is not None]
    for value in defined:
        _check_finite(value, "range")
    if not defined:
        return False
    # With a single range, first and last are the same period and nothing can have grown.
    first_range, last_range = defined[0], defined[-1]
    grows = last_range > first_range and _at_least(
        last_range, first_range * (1 + BOTTLENECK_RANGE_GROWTH)
    )
    first_rate, last_rate = throughputs[0], throughputs[-1]
    flat = _at_least(first_rate * (1 + BOTTLENECK_THROUGHPUT_TOLERANCE), last_rate)
    return grows and flat


# --- time in stage ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DwellStats:
    """Time in one stage: finished dwells summarised, unfinished ones listed as aging WIP."""

    count: int  # completed dwells
    median_days: float | None  # None when no dwell is complete
    p85_days: float | None
    aging_days: list[float]  # age so far of each candidate still inside, in input order


def dwell_stats(intervals: Iterable[tuple[datetime, datetime | None]], now: datetime) -> DwellStats:
    """Median and 85th percentile of completed dwells, plus the ages of those still inside.

    Read as of `now`: an interval that exits after `now` was still inside then, and one that
    enters after `now` had not arrived, so a past `now` gives the figures of that day.
    Candidates still inside are aging WIP, never finished dwells (their time is not over).
    """
    dwells: list[float] = []
    aging: list[float] = []
    for entered, exited in intervals:
        _check_interval(entered, exited)
        if exited is not None and exited <= now:
            dwells.append((exited - entered) / _DAY)
        elif entered <= now:
            aging.append((now - entered) / _DAY)
    return DwellStats(
        count=len(dwells),
        median_days=percentile(dwells, 50),
        p85_days=percentile(dwells, 85),
        aging_days=aging,
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (q in 0..100) by linear interpolation between closest ranks.

    This is numpy's default ("linear", Hyndman & Fan type 7) and statistics.quantiles with
    method="inclusive": sorted values x₀..xₙ₋₁, position h = (n − 1) · q / 100, result
    x⌊h⌋ + (h − ⌊h⌋) · (x⌊h⌋₊₁ − x⌊h⌋). The 0th is the minimum, the 100th the maximum,
    the 50th the median. None when there are no values.
    """
    if not 0 <= q <= 100:
        raise MetricsError("percentile", f"q {q!r} not in [0, 100]")
    for value in values:
        _check_finite(value, "value")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    if below + 1 >= len(ordered):
        return float(ordered[-1])
    low, high = ordered[below], ordered[below + 1]
    result = low + (position - below) * (high - low)
    # Rounding can land a hair outside [low, high]; a percentile must stay between its ranks.
    return float(min(max(result, low), high))


# --- portfolio value -------------------------------------------------------------------------


def ecv(
    npv: float,
    p_technical: float,
    p_commercial: float,
    commercialisation_cost: float,
    development_cost: float,
) -> float:
    """Expected Commercial Value (Cooper): ECV = ((NPV · Pcs − C) · Pts) − D.

    Development cost D is spent whatever happens; commercialisation cost C only once the
    project is technically successful, hence only C sits inside the Pts bracket.
    """
    _check_probability(p_technical, "p_technical")
    _check_probability(p_commercial, "p_commercial")
    _check_finite(npv, "npv")
    _check_cost(commercialisation_cost, "commercialisation_cost")
    _check_cost(development_cost, "development_cost")
    return (npv * p_commercial - commercialisation_cost) * p_technical - development_cost


def productivity_index(value: float, probability: float, cost: float) -> float | None:
    """Value × probability / cost, for ranking; None when the cost is 0 (no ratio to rank)."""
    _check_finite(value, "value")
    _check_probability(probability, "probability")
    _check_cost(cost, "cost")
    if cost == 0:
        return None
    return value * probability / cost


# --- helpers ---------------------------------------------------------------------------------


def _check_counts(counts: Sequence[int]) -> None:
    for index, count in enumerate(counts):
        if count < 0:
            raise MetricsError("negative_count", f"stage {index}: {count!r}")


def _check_finite(number: float, name: str) -> None:
    if not math.isfinite(number):
        raise MetricsError("not_finite", f"{name} {number!r}")


def _check_probability(probability: float, name: str) -> None:
    # Written as a range test so NaN, which compares false with everything, is refused too.
    if not 0 <= probability <= 1:
        raise MetricsError("probability", f"{name} {probability!r} not in [0, 1]")


def _check_cost(cost: float, name: str) -> None:
    _check_finite(cost, name)
    if cost < 0:
        raise MetricsError("negative_cost", f"{name} {cost!r}")


def _check_interval(entered: datetime, exited: datetime | None) -> None:
    # An exit before its entry is a broken history; measuring it would hide the error.
    if exited is not None and exited < entered:
        raise MetricsError(
            "interval", f"exited {exited.isoformat()} before entered {entered.isoformat()}"
        )


def _check_stage_count(stage_count: int) -> None:
    if stage_count < 0:
        raise MetricsError("stage_count", repr(stage_count))


def _check_stage(stage: int, stage_count: int) -> None:
    if not 0 <= stage < stage_count:
        raise MetricsError("stage", f"{stage!r} not in 0..{stage_count - 1}")


def _histogram(stages: Iterable[int], stage_count: int) -> list[int]:
    _check_stage_count(stage_count)
    counts = [0] * stage_count
    for stage in stages:
        _check_stage(stage, stage_count)
        counts[stage] += 1
    return counts


def _cumulative(dates: Iterable[date], days: Sequence[date]) -> list[int]:
    """How many of `dates` fall on or before each of `days` (days in any order)."""
    ordered = sorted(dates)
    return [bisect_right(ordered, day) for day in days]


def _at_least(value: float, bound: float) -> bool:
    return value >= bound or math.isclose(value, bound, rel_tol=_REL_TOL)
