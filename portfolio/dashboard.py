"""The executive dashboard's numbers, aggregated in the database.

Every figure comes from the stage history and the candidates, filtered the same way (funnel,
org unit with its sub-units, kind, theme, period). The database does the counting, summing,
ranking and bucketing (GROUP BY, ORDER BY with LIMIT); Python receives a few rows per stage
or per day and hands them to the pure functions of `portfolio.metrics`. The number of queries
does not depend on the size of the portfolio, and figures that read the same rows share one
pass over them (the live candidates once for tiles, stage values and the monthly pipeline;
the completed stays once for times in stage and kills).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    and_,
    case,
    func,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from accounts.models import OrgUnit
from accounts.orgtree import Node, subtree_ids
from persistence import days_between, month_of, whole_part
from portfolio import metrics
from portfolio.lifecycle import Status
from portfolio.models import (
    Candidate,
    CandidateKind,
    EventKind,
    Funnel,
    GateReview,
    ReviewStatus,
    Stage,
    StageEvent,
    StageVisit,
)

LIVE = (Status.ACTIVE, Status.ON_HOLD)
SCATTER_POINTS = 1500  # newest completed dwells drawn in the cycle-time scatter
AGING_PER_STAGE = 40  # oldest live candidates shown per stage


@dataclass(frozen=True)
class DashboardFilter:
    funnel_id: int
    start: date
    end: date  # inclusive, as people read a period
    org_unit_id: int | None = None
    kind: CandidateKind | None = None
    theme: str = ""

    @property
    def start_at(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """The instant the period ends (exclusive): midnight after its last day."""
        after = self.end + timedelta(days=1)
        return datetime(after.year, after.month, after.day, tzinfo=UTC)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class Tiles:
    active: int
    weighted_pipeline: float
    approved: int
    approved_value: float
    median_decision_days: float | None
    over_target: int


@dataclass
class FunnelView:
    """Cohort view: candidates that entered the funnel in the period, counted in every stage
    they reached."""

    counts: list[int]
    values: list[float]
    step: list[float | None]
    overall: list[float | None]
    drop_off: list[float | None]
    killed: list[int]


@dataclass
class StageTimes:
    count: int
    median_days: float | None
    p85_days: float | None


@dataclass
class AgingItem:
    candidate_id: int
    title: str
    stage_index: int
    age_days: float


@dataclass
class FlowView:
    stage_index: int
    inputs: list[int]  # cumulative I(t) per day
    outputs: list[int]  # cumulative O(t) per day
    mean_wip: float
    throughput: float
    mean_range: float | None
    bottleneck: bool


@dataclass
class Dashboard:
    filters: DashboardFilter
    stages: list[Stage]
    tiles: Tiles
    funnel: FunnelView
    times: list[StageTimes]
    scatter: list[tuple[date, float, int, int]]  # exit day, dwell days, stage index, candidate
    aging: list[AgingItem]
    cumulative_arrivals: list[list[int]]  # per stage, per day
    flow: list[FlowView]
    pipeline_by_month: list[tuple[str, float, int]]  # month, weighted value, candidates
    stage_values: list[tuple[float, float, int]]  # per stage: value, weighted value, count


def _units(session: Session, unit_id: int) -> set[int]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.parent_id)).tuples().all()
    return subtree_ids((Node(i, p, "") for i, p in rows), unit_id)


@dataclass(frozen=True)
class Scope:
    """The filters as SQL. Iterating gives the conditions on Candidate; `stays` filters stage
    visits, joining candidates only when a filter needs them (the funnel alone is known from
    the stage, and the join costs most of the time on large histories)."""

    conditions: tuple[Any, ...]
    stage_ids: tuple[int, ...]
    narrowed: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.conditions)

    def stays(self, query: Select[Any]) -> Select[Any]:
        return self.by_stage(query, StageVisit.stage_id, StageVisit.candidate_id)

    def by_stage(self, query: Select[Any], stage: Any, candidate: Any) -> Select[Any]:
        """Rows of a table that names both a stage and a candidate (stays, gate reviews)."""
        if self.narrowed:
            return query.join(Candidate, Candidate.id == candidate).where(*self.conditions)
        return query.where(stage.in_(self.stage_ids))


def scope_of(session: Session, filters: DashboardFilter, stages: list[Stage]) -> Scope:
    conditions: list[Any] = [Candidate.funnel_id == filters.funnel_id]
    if filters.org_unit_id is not None:
        conditions.append(Candidate.org_unit_id.in_(_units(session, filters.org_unit_id)))
    if filters.kind is not None:
        conditions.append(Candidate.kind == filters.kind)
    if filters.theme:
        conditions.append(Candidate.theme == filters.theme)
    return Scope(tuple(conditions), tuple(s.id for s in stages), narrowed=len(conditions) > 1)


def _cents(column: Any) -> Any:
    """The raw cents of a Money column, for arithmetic in SQL."""
    return type_coerce(column, BigInteger)


def _probability() -> Any:
    return func.coalesce(Candidate.probability_override, Stage.probability)


def _in_period(column: Any, filters: DashboardFilter) -> Any:
    return and_(column >= filters.start_at, column < filters.end_at)


class _day(FunctionElement[Any]):  # noqa: N801 - reads like the SQL function it is
    """SQL: the UTC day of a timestamp, for GROUP BY over many rows, in the cheapest form
    each engine has: the first ten characters of the 'YYYY-MM-DD HH:MM:SS' text SQLAlchemy
    stores in SQLite (no date parsing per row), a DATE on PostgreSQL (its sessions run in
    UTC; to_char costs twice as much). `_as_date` reads either back."""

    inherit_cache = True


@compiles(_day, "sqlite")
def _day_sqlite(element: _day, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(_day, "postgresql")
def _day_postgresql(element: _day, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def build_dashboard(session: Session, filters: DashboardFilter, *, now: datetime) -> Dashboard:
    funnel = session.get(Funnel, filters.funnel_id)
    if funnel is None:
        raise ValueError(f"no funnel {filters.funnel_id}")
    stages = list(funnel.stages)
    position = {stage.id: index for index, stage in enumerate(stages)}
    scope = scope_of(session, filters, stages)
    live = _live(session, scope, stages, now)
    times, killed = _completed_stays(session, filters, scope, position, len(stages))
    return Dashboard(
        filters=filters,
        stages=stages,
        tiles=_tiles(session, filters, scope, stages, live),
        funnel=_funnel(session, filters, scope, stages, killed),
        times=times,
        scatter=_scatter(session, filters, scope, position),
        aging=_aging(session, scope, position, stages, now),
        **_flow(session, filters, scope, position, len(stages)),
        pipeline_by_month=_pipeline_by_month(live),
        stage_values=_stage_values(live, position, len(stages)),
    )


# --- live candidates -----------------------------------------------------------------------


@dataclass(frozen=True)
class _LiveGroup:
    """Live candidates of one stage whose decision is expected in one month (None: no date)."""

    month: str | None
    stage_id: int
    count: int
    cents: int
    weighted_cents: float
    late: int


def _live(session: Session, scope: Scope, stages: list[Stage], now: datetime) -> list[_LiveGroup]:
    """One pass over the live candidates, grouped by decision month and stage: the tiles,
    the stage values and the monthly pipeline are sums of these few rows."""
    month = month_of(Candidate.expected_decision_date)
    query = (
        select(
            month,
            Candidate.stage_id,
            func.count(),
            func.coalesce(func.sum(_cents(Candidate.expected_value)), 0),
            func.coalesce(func.sum(_cents(Candidate.expected_value) * _probability()), 0),
            func.coalesce(func.sum(case(*_late_conditions(stages, now), else_=0)), 0),
        )
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(*scope, Candidate.status.in_(LIVE))
        .group_by(month, Candidate.stage_id)
    )
    return [
        _LiveGroup(m, stage_id, count, int(cents), float(weighted), int(late))
        for m, stage_id, count, cents, weighted, late in session.execute(query)
    ]


# --- tiles -------------------------------------------------------------------------------


def _tiles(
    session: Session,
    filters: DashboardFilter,
    scope: Scope,
    stages: list[Stage],
    live: list[_LiveGroup],
) -> Tiles:
    final = stages[-1].id
    approved_query = (
        select(func.count(), func.coalesce(func.sum(_cents(Candidate.expected_value)), 0))
        .select_from(StageEvent)
        .join(Candidate, Candidate.id == StageEvent.candidate_id)
        .where(
            *scope,
            StageEvent.kind == EventKind.GO,
            StageEvent.to_stage_id == final,
            _in_period(StageEvent.at, filters),
        )
    )
    approved, approved_cents = session.execute(approved_query).one()

    # Decision latency as a histogram of whole hours: a few hundred rows at most, where the
    # reviews themselves run to hundreds of thousands.
    hours = whole_part(days_between(GateReview.closed_at, GateReview.opened_at) * 24)
    latency = (
        scope.by_stage(select(hours, func.count()), GateReview.stage_id, GateReview.candidate_id)
        .where(
            GateReview.status == ReviewStatus.DECIDED,
            _in_period(GateReview.closed_at, filters),
        )
        .group_by(hours)
    )
    median_hours = histogram_percentile(dict(session.execute(latency).tuples().all()), 50)
    return Tiles(
        active=sum(group.count for group in live),
        weighted_pipeline=sum(group.weighted_cents for group in live) / 100,
        approved=approved,
        approved_value=float(approved_cents) / 100,
        median_decision_days=None if median_hours is None else median_hours / 24,
        over_target=sum(group.late for group in live),
    )


def _late_conditions(stages: list[Stage], now: datetime) -> list[Any]:
    """CASE branches: 1 for a live candidate longer in its stage than the stage's target.
    One cut-off per stage keeps the date arithmetic in Python and the query portable."""
    branches = [
        (
            and_(
                Candidate.stage_id == stage.id,
                Candidate.stage_entered_at < now - timedelta(days=stage.target_dwell_days),
            ),
            1,
        )
        for stage in stages
        if stage.target_dwell_days
    ]
    return branches or [(Candidate.id.is_(None), 1)]


# --- funnel ------------------------------------------------------------------------------


def _funnel(
    session: Session,
    filters: DashboardFilter,
    scope: Scope,
    stages: list[Stage],
    killed: list[int],
) -> FunnelView:
    # Cohort view (BRIEF §3): a candidate counts in every stage up to the furthest it
    # reached, whatever became of it later.
    per_furthest = (
        select(
            Candidate.furthest_stage_id,
            func.count(),
            func.coalesce(func.sum(_cents(Candidate.expected_value)), 0),
        )
        .where(*scope, _in_period(Candidate.created_at, filters))
        .group_by(Candidate.furthest_stage_id)
    )
    stage_count = len(stages)
    index_of_stage = {stage.id: index for index, stage in enumerate(stages)}
    furthest_counts = [0] * stage_count
    furthest_values = [0.0] * stage_count
    for stage_id, count, cents in session.execute(per_furthest):
        index = index_of_stage.get(stage_id, 0)
        furthest_counts[index] += count
        furthest_values[index] += float(cents) / 100
    counts = [sum(furthest_counts[i:]) for i in range(stage_count)]
    values = [sum(furthest_values[i:]) for i in range(stage_count)]
    return FunnelView(
        counts=counts,
        values=values,
        step=metrics.step_conversion(counts),
        overall=metrics.overall_conversion(counts),
        drop_off=metrics.drop_off(counts),
        killed=killed,
    )


# --- time in stage -----------------------------------------------------------------------


def _completed(filters: DashboardFilter) -> list[Any]:
    """Conditions for stays that ended in the period."""
    return [StageVisit.left_at.is_not(None), _in_period(StageVisit.left_at, filters)]


def _completed_stays(
    session: Session,
    filters: DashboardFilter,
    scope: Scope,
    position: dict[int, int],
    stage_count: int,
) -> tuple[list[StageTimes], list[int]]:
    """Per stage, the median and 85th percentile of the stays completed in the period, from
    a histogram of whole days counted in SQL (exact to the day, which is how dwell times
    are read), and how many of those stays ended in a kill: one GROUP BY pass for both."""
    whole_days = whole_part(StageVisit.dwell_days)
    kills = func.sum(case((StageVisit.outcome == EventKind.KILL, 1), else_=0))
    query = (
        scope.stays(select(StageVisit.stage_id, whole_days, func.count(), kills))
        .where(*_completed(filters))
        .group_by(StageVisit.stage_id, whole_days)
    )
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    killed = [0] * stage_count
    for stage_id, days, count, killed_count in session.execute(query):
        histograms[stage_id][int(days)] = count
        killed[position[stage_id]] += int(killed_count)
    times = [StageTimes(0, None, None) for _ in range(stage_count)]
    for stage_id, histogram in histograms.items():
        times[position[stage_id]] = StageTimes(
            count=sum(histogram.values()),
            median_days=histogram_percentile(histogram, 50),
            p85_days=histogram_percentile(histogram, 85),
        )
    return times, killed


def histogram_percentile(histogram: dict[int, int], q: float) -> float | None:
    """The q-th percentile of values given as {whole unit (day, hour): count}, each unit
    read as its middle (unit + 0.5), with metrics.percentile's rank interpolation."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = (total - 1) * q / 100
    seen = 0
    values: list[float] = []
    for day in sorted(histogram):
        count = histogram[day]
        # Only the two ranks around `rank` matter.
        for position in (int(rank), int(rank) + 1):
            if seen <= position < seen + count and len(values) < 2:
                values.append(day + 0.5)
        seen += count
    low = values[0]
    high = values[1] if len(values) > 1 else low
    return low + (high - low) * (rank - int(rank))


def _scatter(
    session: Session, filters: DashboardFilter, scope: Scope, position: dict[int, int]
) -> list[tuple[date, float, int, int]]:
    columns = select(
        _day(StageVisit.left_at),
        StageVisit.dwell_days,
        StageVisit.stage_id,
        StageVisit.candidate_id,
    )
    query = (
        scope.stays(columns)
        .where(*_completed(filters))
        .order_by(StageVisit.left_at.desc())
        .limit(SCATTER_POINTS)
    )
    return [
        (_as_date(day), float(dwell), position[stage_id], candidate_id)
        for day, dwell, stage_id, candidate_id in session.execute(query)
    ]


def _aging(
    session: Session,
    scope: Scope,
    position: dict[int, int],
    stages: list[Stage],
    now: datetime,
) -> list[AgingItem]:
    """The oldest live candidates of each stage (a bounded number per stage)."""
    # One part per stage and live status: the index on (funnel, stage, status,
    # stage_entered_at) hands each part its oldest rows first, so the query reads a few
    # hundred rows where ranking all live candidates would read and sort every one.
    parts = [
        select(
            select(Candidate.id, Candidate.title, Candidate.stage_id, Candidate.stage_entered_at)
            .where(*scope, Candidate.stage_id == stage.id, Candidate.status == status)
            .order_by(Candidate.stage_entered_at)
            .limit(AGING_PER_STAGE)
            .subquery()
        )
        for stage in stages[:-1]
        for status in LIVE
    ]
    if not parts:  # a one-stage funnel: nothing waits for a decision
        return []
    per_stage: dict[int, list[tuple[datetime, int, str]]] = defaultdict(list)
    for candidate_id, title, stage_id, entered in session.execute(union_all(*parts)):
        entered = entered if entered.tzinfo else entered.replace(tzinfo=UTC)
        per_stage[position[stage_id]].append((entered, candidate_id, title))
    items = []
    for index in sorted(per_stage):
        for entered, candidate_id, title in sorted(per_stage[index])[:AGING_PER_STAGE]:
            age = (now - entered).total_seconds() / 86400
            items.append(AgingItem(candidate_id, title, index, age))
    return items


# --- flow --------------------------------------------------------------------------------


def _daily(
    session: Session, filters: DashboardFilter, scope: Scope, moment: Any
) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """Stays per stage by `moment` (entered_at or left_at): how many before the period, and
    per day inside it (one statement; the rows before the period have no day)."""
    before_query = (
        scope.stays(select(StageVisit.stage_id, null(), func.count()))
        .where(moment < filters.start_at)
        .group_by(StageVisit.stage_id)
    )
    day = _day(moment)
    daily_query = (
        scope.stays(select(StageVisit.stage_id, day, func.count()))
        .where(_in_period(moment, filters))
        .group_by(StageVisit.stage_id, day)
    )
    before: dict[int, int] = {}
    daily: dict[int, dict[str, int]] = defaultdict(dict)
    for stage_id, day_value, count in session.execute(union_all(before_query, daily_query)):
        if day_value is None:
            before[stage_id] = count
        else:
            daily[stage_id][str(day_value)] = count
    return before, daily


def _cumulative(before: int, per_day: dict[str, int], days: list[date]) -> list[int]:
    series, total = [], before
    for day in days:
        total += per_day.get(day.isoformat(), 0)
        series.append(total)
    return series


def _flow(
    session: Session,
    filters: DashboardFilter,
    scope: Scope,
    position: dict[int, int],
    stage_count: int,
) -> dict[str, Any]:
    """Cumulative arrivals per stage (the cumulative flow diagram), and per stage the
    throughput diagram (cumulative input and output) with the funnel-formula figures; the
    final stage only receives, so it has no throughput diagram."""
    entered_before, entered = _daily(session, filters, scope, StageVisit.entered_at)
    left_before, left = _daily(session, filters, scope, StageVisit.left_at)
    days = filters.days
    arrivals = [[0] * len(days) for _ in range(stage_count)]
    for stage_id, index in position.items():
        arrivals[index] = _cumulative(
            entered_before.get(stage_id, 0), entered.get(stage_id, {}), days
        )
    half = len(days) // 2
    views = []
    for stage_id, index in sorted(position.items(), key=lambda item: item[1]):
        if index == stage_count - 1:
            continue
        inputs = arrivals[index]
        outputs = _cumulative(left_before.get(stage_id, 0), left.get(stage_id, {}), days)
        wip = [i - o for i, o in zip(inputs, outputs, strict=True)]
        ranges, throughputs = [], []
        # Range and throughput in each half of the period: a range that grows while the
        # throughput does not marks the bottleneck.
        for part in (slice(0, half or 1), slice(half, len(days))):
            part_wip = wip[part]
            already = outputs[part.start - 1] if part.start else left_before.get(stage_id, 0)
            part_throughput = (outputs[part][-1] - already) / len(part_wip) if part_wip else 0.0
            part_mean = sum(part_wip) / len(part_wip) if part_wip else 0.0
            throughputs.append(part_throughput)
            ranges.append(part_mean / part_throughput if part_throughput else None)
        outputs_in_period = outputs[-1] - left_before.get(stage_id, 0) if outputs else 0
        mean_wip = sum(wip) / len(wip) if wip else 0.0
        throughput = outputs_in_period / len(days) if days else 0.0
        views.append(
            FlowView(
                stage_index=index,
                inputs=inputs,
                outputs=outputs,
                mean_wip=mean_wip,
                throughput=throughput,
                mean_range=mean_wip / throughput if throughput else None,
                bottleneck=metrics.is_bottleneck(ranges, throughputs),
            )
        )
    return {"cumulative_arrivals": arrivals, "flow": views}


# --- weighted pipeline -------------------------------------------------------------------


def _pipeline_by_month(live: list[_LiveGroup]) -> list[tuple[str, float, int]]:
    by_month: dict[str, tuple[float, int]] = {}
    for group in live:
        if group.month is not None:
            weighted, count = by_month.get(group.month, (0.0, 0))
            by_month[group.month] = (weighted + group.weighted_cents, count + group.count)
    return [(m, weighted / 100, count) for m, (weighted, count) in sorted(by_month.items())]


def _stage_values(
    live: list[_LiveGroup], position: dict[int, int], stage_count: int
) -> list[tuple[float, float, int]]:
    """Per stage: value of the live candidates, that value weighted by probability, count."""
    cents = [0] * stage_count
    weighted = [0.0] * stage_count
    counts = [0] * stage_count
    for group in live:
        index = position[group.stage_id]
        cents[index] += group.cents
        weighted[index] += group.weighted_cents
        counts[index] += group.count
    return [(c / 100, w / 100, n) for c, w, n in zip(cents, weighted, counts, strict=True)]
