"""Forward-looking funnel maths: Monte Carlo arrivals, portfolio choice, load-oriented release.

Three questions a PMO asks of the funnel, each answered by pure functions over plain data
(standard library and numpy, so pages, API, reports and notebooks share one rule):

* **How many candidates, and how much value, reach a stage by date D?** `forecast_arrivals`
  replays the observed gate behaviour many times (a bootstrap Monte Carlo) and reports
  50/85/95 % bands per horizon.
* **Which projects fit the budget?** `select_exact` solves the 0/1 knapsack exactly;
  `efficient_frontier` and `waterline` give the greedy productivity view for the charts.
* **Which waiting candidates may enter a capacity-bound stage this period?** `release` is the
  Hannover load-oriented order release (Belastungsorientierte Auftragsfreigabe, 负荷导向型任务
  输入, Bechte & Wiendahl): release by urgency while every stage stays under its load limit.

Failures are `ForecastError`s (a ValueError) carrying a short code; the web layer words them.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

ForecastErrorCode = Literal[
    "bad_history",
    "missing_history",
    "bad_item",
    "bad_target",
    "bad_horizon",
    "bad_runs",
    "bad_project",
    "duplicate_key",
    "bad_budget",
    "bad_unit",
    "too_large",
    "bad_capacity",
    "duplicate_stage",
    "bad_waiting",
]


class ForecastError(ValueError):
    """The input cannot be forecast, selected or released; `code` says why, `key` where."""

    def __init__(self, code: ForecastErrorCode, key: object, detail: str = "") -> None:
        super().__init__(f"{code}: {key!r}" + (f" ({detail})" if detail else ""))
        self.code: ForecastErrorCode = code
        self.key = key


# --------------------------------------------------------------------------------------------
# Monte Carlo forecast
# --------------------------------------------------------------------------------------------

# The values of lifecycle.Decision a gate or a hold can end in. Plain strings keep this module
# free of the rest of the package; Decision is a StrEnum, so its members are accepted as well.
GATE_OUTCOMES = frozenset({"go", "kill", "recycle", "hold"})
HOLD_OUTCOMES = frozenset({"resume", "kill"})

# No gate decides within the hour (as in simulation.py). Flooring every simulated wait also
# guarantees each run ends: with observed dwells of 0 and a go/recycle loop the clock would
# otherwise never pass the horizon.
MIN_STEP_DAYS = 1 / 24

# The bands: "P85 = at least this many with 85 % confidence".
_CONFIDENCES = (50, 85, 95)

_Ranked = TypeVar("_Ranked", int, float)
_T = TypeVar("_T")


@dataclass(frozen=True)
class StageHistory:
    """What was observed in one non-terminal stage (its index is its place in the sequence).

    `dwell_days`: completed dwells, each from entering (or resuming in) the stage to the next
    gate decision. `outcomes`: the gate decisions taken leaving it ("go", "kill", "recycle",
    "hold"). `hold_days`: completed holds, from the hold decision to its end, and
    `hold_outcomes` how they ended ("resume" or "kill"). The sequences are copied to tuples.
    """

    dwell_days: Sequence[float]
    outcomes: Sequence[str]
    hold_days: Sequence[float] = ()
    hold_outcomes: Sequence[str] = ()

    def __post_init__(self) -> None:
        for name in ("dwell_days", "hold_days"):
            days = tuple(getattr(self, name))
            if not all(_finite(d) and d >= 0 for d in days):
                raise ForecastError("bad_history", name, "days must be finite and >= 0")
            object.__setattr__(self, name, days)
        for name, allowed in (("outcomes", GATE_OUTCOMES), ("hold_outcomes", HOLD_OUTCOMES)):
            # A bare string is a Sequence[str] too; tuple("go") fails here, as it should.
            outcomes = tuple(getattr(self, name))
            unknown = sorted({str(o) for o in outcomes if o not in allowed})
            if unknown:
                raise ForecastError("bad_history", name, f"unknown outcomes {unknown}")
            object.__setattr__(self, name, outcomes)


@dataclass(frozen=True)
class OpenItem:
    """A live candidate now: its stage index, its age there, its value and whether it is held.

    `age_days` is the time since it entered (or resumed in) the stage; for a candidate on hold
    it is the time since the hold began.
    """

    stage: int
    age_days: float
    value: float
    on_hold: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.stage, bool) or not isinstance(self.stage, int) or self.stage < 0:
            raise ForecastError("bad_item", "stage", f"stage {self.stage!r}")
        if not (_finite(self.age_days) and self.age_days >= 0):
            raise ForecastError("bad_item", "age_days", f"age {self.age_days!r}")
        if not _finite(self.value):
            raise ForecastError("bad_item", "value", f"value {self.value!r}")


@dataclass(frozen=True, slots=True)
class ForecastBand:
    """Arrivals by `horizon_days`, read as "at least this many/much with P % confidence".

    P50 is the median, P85 the 15th percentile and P95 the 5th percentile of the runs, so
    p95 <= p85 <= p50. Counts and values are ranked separately: the P85 value need not come
    from the same runs as the P85 count.
    """

    horizon_days: int
    p50_count: int
    p85_count: int
    p95_count: int
    p50_value: float
    p85_value: float
    p95_value: float


@dataclass(frozen=True, slots=True)
class _Sampler:
    """One stage's history, sorted once so conditioning on age is a bisection."""

    dwells: tuple[float, ...]
    outcomes: tuple[str, ...]
    holds: tuple[float, ...]
    hold_outcomes: tuple[str, ...]


def forecast_arrivals(
    items: Sequence[OpenItem],
    history: Sequence[StageHistory],
    *,
    target_stage: int,
    horizon_days: Sequence[int],
    runs: int = 2000,
    seed: int = 0,
) -> list[ForecastBand]:
    """Bands of how many `items` (and how much of their value) reach `target_stage` by each
    horizon, one `ForecastBand` per entry of `horizon_days`, in the order given.

    `history[i]` describes stage i; the stage after the last one described is the terminal
    (approved) stage, so `target_stage` may be at most `len(history)`. Each run walks every
    item forward, bootstrapping from the history: a dwell, then a gate outcome drawn from the
    observed outcomes (so with their observed frequencies). "go" moves one stage on, "kill"
    ends the item, "recycle" sends it back one stage (from the first stage, back to its
    start) for a fresh dwell there, and "hold" parks it for a resampled hold that ends in a
    resampled "resume" (then a fresh dwell in the same stage) or "kill". An item stops when it
    reaches `target_stage` (it arrives at that moment), is killed, or its clock passes the
    largest horizon. Arrival at day t counts for every horizon >= t.

    The first wait of each item is conditioned on its age: a dwell (or, on hold, a hold) is
    drawn among those observed longer than the age, and the remaining part is waited. An item
    older than everything observed is one the history cannot speak for; it waits a fresh
    resampled dwell from now, which errs on the late side.

    An item already at or beyond `target_stage` has reached it and counts at every horizon;
    pass only the items below it to forecast new arrivals alone.

    Every stage an item can stand in (from where items are, following go and recycle) needs
    at least one observed dwell and outcome, and hold data where holds occur; otherwise
    `ForecastError("missing_history")` lists those stages. Inventing defaults would print
    confident bands on no evidence. The same `seed` always gives the same bands.
    """
    if not history:
        raise ForecastError("missing_history", (), "no stage described")
    if isinstance(target_stage, bool) or not 0 <= target_stage <= len(history):
        raise ForecastError("bad_target", target_stage, f"{len(history)} non-terminal stages")
    horizons = tuple(horizon_days)
    if not horizons or not all(_whole(h) and h >= 0 for h in horizons):
        raise ForecastError("bad_horizon", horizons, "need whole days >= 0")
    if not _whole(runs) or runs < 1:
        raise ForecastError("bad_runs", runs)
    for item in items:
        if item.stage > len(history):
            raise ForecastError("bad_item", "stage", f"stage {item.stage} of {len(history) + 1}")
    _check_coverage(items, history, target_stage)

    samplers = [
        _Sampler(
            tuple(sorted(h.dwell_days)),
            tuple(h.outcomes),
            tuple(sorted(h.hold_days)),
            tuple(h.hold_outcomes),
        )
        for h in history
    ]
    limit = max(horizons)
    # One generator for everything, consumed in a fixed order: same seed, same bands.
    rng = random.Random(seed)  # noqa: S311 - statistical resampling, not security
    counts: list[list[int]] = [[] for _ in horizons]
    values: list[list[float]] = [[] for _ in horizons]
    for _ in range(runs):
        arrivals = sorted(
            (day, item.value)
            for item in items
            if (day := _arrival_day(rng, item, samplers, target_stage, limit)) is not None
        )
        days = [day for day, _ in arrivals]
        arrived_values = [value for _, value in arrivals]
        for index, horizon in enumerate(horizons):
            reached = bisect_right(days, horizon)  # arrivals on or before the horizon
            counts[index].append(reached)
            values[index].append(math.fsum(arrived_values[:reached]))

    bands = []
    for horizon, run_counts, run_values in zip(horizons, counts, values, strict=True):
        c50, c85, c95 = (_at_least(sorted(run_counts), p) for p in _CONFIDENCES)
        v50, v85, v95 = (_at_least(sorted(run_values), p) for p in _CONFIDENCES)
        bands.append(ForecastBand(horizon, c50, c85, c95, v50, v85, v95))
    return bands


def _at_least(ascending: Sequence[_Ranked], confidence: int) -> _Ranked:
    """The largest simulated x such that at least `confidence` % of runs reached >= x.

    With n runs sorted ascending that is the element at n * (100 - confidence) // 100: at
    least n - index runs are >= it, and any larger x loses the runs at and below the index.
    Integer arithmetic avoids 1 - 0.85 landing a hair under a whole rank.
    """
    return ascending[len(ascending) * (100 - confidence) // 100]


def _arrival_day(
    rng: random.Random,
    item: OpenItem,
    samplers: Sequence[_Sampler],
    target: int,
    limit: float,
) -> float | None:
    """The day `item` reaches `target` in one run, or None if killed or not by `limit`."""
    stage = item.stage
    if stage >= target:
        return 0.0
    clock = 0.0
    on_hold = item.on_hold
    age = item.age_days  # conditions the first wait only; later waits start fresh
    while True:
        sampler = samplers[stage]
        if on_hold:
            clock += _remaining(rng, sampler.holds, age)
            age = 0.0
            if clock > limit or _draw(rng, sampler.hold_outcomes) == "kill":
                return None
            on_hold = False
        clock += _remaining(rng, sampler.dwells, age)
        age = 0.0
        if clock > limit:
            return None
        outcome = _draw(rng, sampler.outcomes)
        if outcome == "go":
            stage += 1
            if stage >= target:
                return clock
        elif outcome == "kill":
            return None
        elif outcome == "recycle":
            stage = max(0, stage - 1)
        else:
            on_hold = True


def _remaining(rng: random.Random, ascending: Sequence[float], age: float) -> float:
    """A bootstrapped wait still to come after `age` days already spent (see the caller)."""
    longer = bisect_right(ascending, age)
    if longer == len(ascending):  # older than every observed stay: a fresh one from now
        return max(_draw(rng, ascending), MIN_STEP_DAYS)
    return max(_draw(rng, ascending, longer) - age, MIN_STEP_DAYS)


def _draw(rng: random.Random, sequence: Sequence[_T], start: int = 0) -> _T:
    """A uniform pick from `sequence[start:]`. One random() scaled to an index is about
    three times cheaper than randrange or choice, and the walks make a million of these."""
    return sequence[start + int(rng.random() * (len(sequence) - start))]


def _check_coverage(
    items: Sequence[OpenItem], history: Sequence[StageHistory], target: int
) -> None:
    """Raise missing_history for every reachable stage the history has nothing on."""
    to_visit = [item.stage for item in items if item.stage < target]
    needs_hold = {item.stage for item in items if item.stage < target and item.on_hold}
    seen: set[int] = set()
    while to_visit:
        stage = to_visit.pop()
        if stage in seen:
            continue
        seen.add(stage)
        outcomes = history[stage].outcomes
        if "go" in outcomes and stage + 1 < target:
            to_visit.append(stage + 1)
        if "recycle" in outcomes:
            to_visit.append(max(0, stage - 1))
        if "hold" in outcomes:
            needs_hold.add(stage)
    bare = {s for s in seen if not history[s].dwell_days or not history[s].outcomes}
    bare |= {s for s in needs_hold if not history[s].hold_days or not history[s].hold_outcomes}
    if bare:
        raise ForecastError(
            "missing_history", tuple(sorted(bare)), "no observed dwell, outcome or hold"
        )


# --------------------------------------------------------------------------------------------
# Portfolio choice
# --------------------------------------------------------------------------------------------

# Beyond this the exact table is no longer a quick page render; use the greedy frontier.
MAX_EXACT_PROJECTS = 200
# Cells of the dynamic-programming table (projects x budget units): a few MB, about a second.
MAX_TABLE_CELLS = 3_000_000
# Costs with more decimals than this are not "amounts of money" but measured quantities;
# the default unit then comes from the 1-2-5 series instead of an exact common divisor.
MAX_COST_DECIMALS = 6
# Float noise such as 0.1 + 0.2 > 0.3 must not turn a whole number of units into the next one.
# Relative, and far above the noise of a few float operations (~1e-16) yet far below any real
# difference in cost; an absolute tolerance would wrongly make tiny real costs free.
_SNAP = 1e-12


@dataclass(frozen=True)
class Project:
    """A fundable candidate: `value` is what it is worth (e.g. expected NPV = value x
    probability of success), `cost` what it takes from the budget."""

    key: str
    cost: float
    value: float

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ForecastError("bad_project", self.key, "key must be a non-empty string")
        if not (_finite(self.cost) and self.cost >= 0):
            raise ForecastError("bad_project", self.key, f"cost {self.cost!r}")
        if not _finite(self.value):
            raise ForecastError("bad_project", self.key, f"value {self.value!r}")


@dataclass(frozen=True, slots=True)
class Selection:
    keys: tuple[str, ...]  # in the order the projects were given
    cost: float
    value: float


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    key: str  # the project added at this point
    cumulative_cost: float
    cumulative_value: float


def select_exact(
    projects: Sequence[Project], budget: float, *, unit: float | None = None
) -> Selection:
    """The set of projects with the highest total value whose total cost fits `budget`.

    Exact 0/1 knapsack by dynamic programming over costs counted in whole `unit`s: each cost
    is rounded up to units and the budget down, so the selection never costs more than the
    budget (beyond float noise: 0.1 + 0.2 fits 0.3, see `_fits`). It is the true optimum
    whenever every cost is a whole number of units, which the default unit (`default_unit`)
    ensures when it can. Projects of value <= 0 are never taken: they cannot raise the total.
    Ties go to the earlier projects (a later one joins only if it strictly raises the value),
    so the answer does not wobble between equally good sets.

    Raises `ForecastError("too_large")` above `MAX_EXACT_PROJECTS` projects, or when an
    explicit `unit` makes the table larger than `MAX_TABLE_CELLS`.
    """
    _check_projects(projects)
    _check_budget(budget)
    if len(projects) > MAX_EXACT_PROJECTS:
        raise ForecastError("too_large", len(projects), f"more than {MAX_EXACT_PROJECTS}")
    if unit is None:
        unit = default_unit(projects, budget)
    elif not (_finite(unit) and unit > 0):
        raise ForecastError("bad_unit", unit)

    if not math.isfinite(budget / unit):
        raise ForecastError("too_large", unit, "budget / unit overflows")
    capacity = _units(budget, unit, up=False)
    # Items heavier than the whole budget can never be taken; leaving them out keeps the
    # table small without changing the answer.
    worth = [
        (index, weight, project.value)
        for index, project in enumerate(projects)
        if project.value > 0 and (weight := _units(project.cost, unit, up=True)) <= capacity
    ]
    if not worth:
        return Selection(keys=(), cost=0.0, value=0.0)
    # No set weighs more than all of them together: columns beyond that add nothing.
    capacity = min(capacity, sum(weight for _, weight, _ in worth))
    if len(worth) * (capacity + 1) > MAX_TABLE_CELLS:
        raise ForecastError("too_large", unit, f"{len(worth)} x {capacity + 1} table cells")

    # best[c]: the highest value within c units using the projects seen so far; took[i][c]:
    # whether project i is in that best set. Whole rows at a time in numpy: the table has
    # millions of cells.
    best = np.zeros(capacity + 1)
    took: list[npt.NDArray[np.bool_]] = []
    for _, weight, value in worth:
        moved = best[: capacity + 1 - weight] + value
        better = moved > best[weight:]  # strictly: on a tie the earlier projects stay
        took.append(np.concatenate((np.zeros(weight, dtype=np.bool_), better)))
        best[weight:] = np.where(better, moved, best[weight:])

    chosen: list[int] = []
    room = capacity
    for (index, weight, _), row in zip(reversed(worth), reversed(took), strict=True):
        if row[room]:
            chosen.append(index)
            room -= weight
    chosen.sort()
    picked = [projects[i] for i in chosen]
    return Selection(
        keys=tuple(p.key for p in picked),
        cost=math.fsum(p.cost for p in picked),
        value=math.fsum(p.value for p in picked),
    )


def default_unit(projects: Sequence[Project], budget: float) -> float:
    """The unit `select_exact` counts costs in when none is given.

    Preferably the largest unit that measures every positive-value cost exactly: their
    greatest common divisor once scaled by the fewest decimal places (up to
    `MAX_COST_DECIMALS`) that makes them whole, e.g. 0.5 for costs 1.5, 2 and 3.5. If that
    would make the table exceed `MAX_TABLE_CELLS`, the smallest unit of the 1-2-5 series
    (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) that fits: costs are then rounded up to it, the
    result stays affordable but may miss the optimum by less than one unit per project.
    With 200 projects the table then has 6 000 to 15 000 columns: a resolution finer than
    budget / 6 000.
    """
    _check_projects(projects)
    _check_budget(budget)
    costs = [p.cost for p in projects if p.value > 0]

    def fits(unit: float) -> bool:
        capacity = budget / unit
        return math.isfinite(capacity) and len(costs) * (math.floor(capacity) + 1) <= (
            MAX_TABLE_CELLS
        )

    for decimals in range(MAX_COST_DECIMALS + 1):
        scaled = [c * 10**decimals for c in costs]
        wholes = [round(s) for s in scaled]
        if all(abs(s - w) <= _SNAP * s for s, w in zip(scaled, wholes, strict=True)):
            divisor = math.gcd(*wholes)
            exact = divisor / 10**decimals if divisor else 1.0
            if fits(exact):
                return exact
            break
    for exponent in range(-MAX_COST_DECIMALS, 400):
        for mantissa in (1, 2, 5):
            unit = mantissa * 10.0**exponent
            if fits(unit):
                return unit
    raise AssertionError("unreachable: a unit of 1e399 fits any finite budget")  # pragma: no cover


def efficient_frontier(projects: Sequence[Project]) -> list[FrontierPoint]:
    """The greedy frontier: projects by productivity (value / cost) best first, with the
    running total cost and value after each one, for the value-versus-cost chart.

    Zero-cost projects of positive value come first (infinite productivity); equal ratios
    keep the given order. Projects of value <= 0 are left out: no budget should fund them.
    """
    _check_projects(projects)
    points = []
    cost = value = 0.0
    for project in _by_productivity(projects):
        cost += project.cost
        value += project.value
        points.append(FrontierPoint(project.key, cost, value))
    return points


def waterline(projects: Sequence[Project], budget: float) -> list[tuple[str, bool]]:
    """Every project ranked by productivity, with whether it lies above the budget line.

    A project is above the line when the greedy running cost up to and including it fits the
    budget. Costs are never negative, so the running cost only grows and the projects above
    the line are a prefix of the ranking. Projects of value <= 0 follow in the given order,
    always below the line (see `efficient_frontier`). Being below the line is not a verdict:
    `select_exact` may still fit a cheaper, lower-ranked project into what is left.
    """
    _check_projects(projects)
    _check_budget(budget)
    ranked = _by_productivity(projects)
    included = {p.key for p in ranked}
    line = []
    spent = 0.0
    for project in ranked:
        spent += project.cost
        line.append((project.key, _fits(spent, budget)))
    line += [(p.key, False) for p in projects if p.key not in included]
    return line


def _by_productivity(projects: Sequence[Project]) -> list[Project]:
    worth = [p for p in projects if p.value > 0]
    # sorted() is stable, so equal productivities keep the caller's order.
    return sorted(worth, key=lambda p: -p.value / p.cost if p.cost > 0 else -math.inf)


def _check_projects(projects: Sequence[Project]) -> None:
    seen: set[str] = set()
    for project in projects:
        if project.key in seen:
            raise ForecastError("duplicate_key", project.key)
        seen.add(project.key)


def _check_budget(budget: float) -> None:
    if not (_finite(budget) and budget >= 0):
        raise ForecastError("bad_budget", budget)


def _units(amount: float, unit: float, *, up: bool) -> int:
    """`amount` in whole units, rounded up or down, but snapped when float noise is all that
    keeps it off a whole number (0.3 / 0.1 is 2.9999999999999996)."""
    ratio = amount / unit
    whole = round(ratio)
    if abs(ratio - whole) <= _SNAP * ratio:
        return whole
    return math.ceil(ratio) if up else math.floor(ratio)


def _fits(total: float, budget: float) -> bool:
    """`total` <= `budget` up to float noise: 0.1 + 0.2 fits a budget of 0.3, as on paper.

    The same tolerance as the knapsack's units, so the chart's line agrees with the selection.
    """
    return total <= budget + _SNAP * abs(budget)


# --------------------------------------------------------------------------------------------
# Load-oriented release (Belastungsorientierte Auftragsfreigabe)
# --------------------------------------------------------------------------------------------

HeldReason = Literal["not_urgent", "blocked_stage"]
NOT_URGENT: HeldReason = "not_urgent"
BLOCKED_STAGE: HeldReason = "blocked_stage"


@dataclass(frozen=True)
class StageCapacity:
    """A capacity-bound stage: work units it completes per period and its load percentage.

    Its load limit is capacity x load_percent / 100. The percentage must be at least 100:
    the method relies on a queue in front of the stage, and the conversion factor
    100 / load_percent (see `release`) is a share of work, meaningless above 1.
    """

    stage: int
    capacity: float
    load_percent: float

    def __post_init__(self) -> None:
        if not (_finite(self.capacity) and self.capacity >= 0):
            raise ForecastError("bad_capacity", self.stage, f"capacity {self.capacity!r}")
        if not (_finite(self.load_percent) and self.load_percent >= 100):
            raise ForecastError("bad_capacity", self.stage, f"load_percent {self.load_percent!r}")

    @property
    def limit(self) -> float:
        return self.capacity * self.load_percent / 100


@dataclass(frozen=True)
class Waiting:
    """A candidate waiting for release. `due_days`: days from now until it is due (negative
    when overdue). `work[i]`: its work content in stage entry_stage + i (copied to a tuple)."""

    key: str
    due_days: float
    priority: float
    work: Sequence[float]

    def __post_init__(self) -> None:
        work = tuple(self.work)
        if not all(_finite(w) and w >= 0 for w in work):
            raise ForecastError("bad_waiting", self.key, "work must be finite and >= 0")
        if not (_finite(self.due_days) and _finite(self.priority)):
            raise ForecastError("bad_waiting", self.key, "due_days and priority must be finite")
        object.__setattr__(self, "work", work)


@dataclass(frozen=True, slots=True)
class ReleasePlan:
    released: tuple[str, ...]  # in release order
    held: tuple[tuple[str, HeldReason], ...]  # (key, reason) in priority order
    load: dict[int, float]  # each capacity-bound stage's load account after release
    limits: dict[int, float]
    blocked: tuple[int, ...]  # stages that reached their limit this period, ascending


def release(
    waiting: Sequence[Waiting],
    capacities: Sequence[StageCapacity],
    current_load: dict[int, float],
    *,
    entry_stage: int,
    anticipation_days: float,
) -> ReleasePlan:
    """Decide which waiting candidates enter `entry_stage` this period.

    Only urgent candidates, due within `anticipation_days`, are considered; the rest are held
    as "not_urgent", since releasing them early only lengthens every queue. The urgent ones
    are taken by priority (higher first), then earlier due, then the given order.

    Each capacity-bound stage keeps a load account, starting from `current_load` (work
    released earlier and not yet done, in the same converted units; 0 when absent). A
    candidate's work on the stage n steps after entry counts x (100 / load_percent)^n with
    that stage's own percentage: the Hannover conversion of indirect load, since only part of
    what is released now reaches a downstream stage within the period. (Bechte multiplies the
    factors of the stages passed on the way; with one percentage throughout they agree.)

    A candidate is released only if every capacity-bound stage it touches (work > 0) stays
    within its limit after adding its converted work. A stage that refuses a candidate, or
    whose account reaches its limit, is blocked for the rest of the period: later candidates
    touching it are held as "blocked_stage" even if they would fit. That is the classic
    procedure: it releases strictly by urgency, so a small, less urgent candidate never jumps
    a large urgent one that was refused. A stage already at or over its limit starts blocked.
    Stages without a capacity are not load-limited.
    """
    limits: dict[int, float] = {}
    for capacity in capacities:
        if capacity.stage in limits:
            raise ForecastError("duplicate_stage", capacity.stage)
        limits[capacity.stage] = capacity.limit
    keys = [w.key for w in waiting]
    if len(set(keys)) != len(keys):
        raise ForecastError("bad_waiting", sorted({k for k in keys if keys.count(k) > 1}))
    if not _finite(anticipation_days):
        raise ForecastError("bad_waiting", "anticipation_days", f"{anticipation_days!r}")
    factors = {c.stage: 100 / c.load_percent for c in capacities}

    load = {stage: float(current_load.get(stage, 0.0)) for stage in limits}
    blocked = {stage for stage in limits if _fits(limits[stage], load[stage])}
    released: list[str] = []
    held: list[tuple[str, HeldReason]] = []
    order = sorted(range(len(waiting)), key=lambda i: (-waiting[i].priority, waiting[i].due_days))
    for candidate in (waiting[i] for i in order):
        if candidate.due_days > anticipation_days:
            held.append((candidate.key, NOT_URGENT))
            continue
        converted = {
            stage: work * factors[stage] ** step
            for step, work in enumerate(candidate.work)
            if (stage := entry_stage + step) in limits and work > 0
        }
        over = {s for s, extra in converted.items() if not _fits(load[s] + extra, limits[s])}
        if over or blocked & converted.keys():
            blocked |= over
            held.append((candidate.key, BLOCKED_STAGE))
            continue
        for stage, extra in converted.items():
            load[stage] += extra
            if _fits(limits[stage], load[stage]):  # reached, up to float noise
                blocked.add(stage)
        released.append(candidate.key)
    return ReleasePlan(
        released=tuple(released),
        held=tuple(held),
        load=load,
        limits=limits,
        blocked=tuple(sorted(blocked)),
    )


def _finite(number: object) -> bool:
    """A real number (int or float, not bool) that is neither infinite nor NaN."""
    return (
        isinstance(number, int | float) and not isinstance(number, bool) and math.isfinite(number)
    )


def _whole(number: object) -> bool:
    return isinstance(number, int) and not isinstance(number, bool)
