"""The executive dashboard's numbers, aggregated in the database.

Every figure comes from the stage history and the candidates, filtered the same way (funnel,
org unit with its sub-units, kind, theme, period). The database does the counting, summing,
ranking and bucketing (GROUP BY, window functions); Python receives a few rows per stage or
per day and hands them to the pure functions of `portfolio.metrics`. The number of queries
does not depend on the size of the portfolio.
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
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from accounts.models import OrgUnit
from accounts.orgtree import Node, subtree_ids
from persistence import day_of, days_between, month_of
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
        if self.narrowed:
            joined = query.join(Candidate, Candidate.id == StageVisit.candidate_id)
            return joined.where(*self.conditions)
        return query.where(StageVisit.stage_id.in_(self.stage_ids))


def _scope(session: Session, filters: DashboardFilter, stages: list[Stage]) -> Scope:
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


def build_dashboard(session: Session, filters: DashboardFilter, *, now: datetime) -> Dashboard:
    funnel = session.get(Funnel, filters.funnel_id)
    if funnel is None:
        raise ValueError(f"no funnel {filters.funnel_id}")
    stages = list(funnel.stages)
    position = {stage.id: index for index, stage in enumerate(stages)}
    scope = _scope(session, filters, stages)
    return Dashboard(
        filters=filters,
        stages=stages,
        tiles=_tiles(session, filters, scope, stages, now),
        funnel=_funnel(session, filters, scope, stages),
        times=_times(session, filters, scope, position, len(stages)),
        scatter=_scatter(session, filters, scope, position),
        aging=_aging(session, scope, position, stages, now),
        **_flow(session, filters, scope, position, len(stages)),
        pipeline_by_month=_pipeline_by_month(session, scope),
        stage_values=_stage_values(session, scope, position, len(stages)),
    )


# --- tiles -------------------------------------------------------------------------------


def _tiles(
    session: Session,
    filters: DashboardFilter,
    scope: Scope,
    stages: list[Stage],
    now: datetime,
) -> Tiles:
    live = (
        select(
            func.count(),
            func.coalesce(func.sum(_cents(Candidate.expected_value) * _probability()), 0),
            func.coalesce(func.sum(case(*_late_conditions(stages, now), else_=0)), 0),
        )
        .select_from(Candidate)
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(*scope, Candidate.status.in_(LIVE))
    )
    active, weighted_cents, over_target = session.execute(live).one()

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

    latency = (
        select(days_between(GateReview.closed_at, GateReview.opened_at))
        .join(Candidate, Candidate.id == GateReview.candidate_id)
        .where(
            *scope,
            GateReview.status == ReviewStatus.DECIDED,
            _in_period(GateReview.closed_at, filters),
        )
    )
    durations = [float(d) for d in session.scalars(latency) if d is not None]
    return Tiles(
        active=active,
        weighted_pipeline=float(weighted_cents) / 100,
        approved=approved,
        approved_value=float(approved_cents) / 100,
        median_decision_days=metrics.percentile(durations, 50),
        over_target=int(over_target),
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
    session: Session, filters: DashboardFilter, scope: Scope, stages: list[Stage]
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

    kills = (
        scope.stays(select(StageVisit.stage_id, func.count()))
        .where(StageVisit.outcome == EventKind.KILL, _in_period(StageVisit.left_at, filters))
        .group_by(StageVisit.stage_id)
    )
    killed = [0] * stage_count
    for stage_id, count in session.execute(kills):
        killed[index_of_stage[stage_id]] = count
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


def _times(
    session: Session,
    filters: DashboardFilter,
    scope: Scope,
    position: dict[int, int],
    stage_count: int,
) -> list[StageTimes]:
    """Median and 85th percentile of completed stays per stage, from a histogram of whole
    days counted in SQL (one GROUP BY pass; exact to the day, which is how dwell times
    are read)."""
    whole_days = func.cast(StageVisit.dwell_days, BigInteger)
    query = (
        scope.stays(select(StageVisit.stage_id, whole_days, func.count()))
        .where(*_completed(filters))
        .group_by(StageVisit.stage_id, whole_days)
    )
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    for stage_id, days, count in session.execute(query):
        histograms[stage_id][int(days)] = count
    times = [StageTimes(0, None, None) for _ in range(stage_count)]
    for stage_id, histogram in histograms.items():
        times[position[stage_id]] = StageTimes(
            count=sum(histogram.values()),
            median_days=histogram_percentile(histogram, 50),
            p85_days=histogram_percentile(histogram, 85),
        )
    return times


def histogram_percentile(histogram: dict[int, int], q: float) -> float | None:
    """The q-th percentile of values given as {whole day: count}, each day read as its
    middle (day + 0.5), with metrics.percentile's rank interpolation."""
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
        day_of(StageVisit.left_at),
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
        (date.fromisoformat(day), float(dwell), position[stage_id], candidate_id)
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
    ranked = (
        select(
            Candidate.id,
            Candidate.title,
            Candidate.stage_id,
            Candidate.stage_entered_at,
            func.row_number()
            .over(partition_by=Candidate.stage_id, order_by=Candidate.stage_entered_at)
            .label("rn"),
        )
        .where(*scope, Candidate.status.in_(LIVE), Candidate.stage_id != stages[-1].id)
        .subquery()
    )
    query = select(ranked.c.id, ranked.c.title, ranked.c.stage_id, ranked.c.stage_entered_at).where(
        ranked.c.rn <= AGING_PER_STAGE
    )
    items = []
    for candidate_id, title, stage_id, entered in session.execute(query):
        entered = entered if entered.tzinfo else entered.replace(tzinfo=UTC)
        age = (now - entered).total_seconds() / 86400
        items.append(AgingItem(candidate_id, title, position[stage_id], age))
    return items


# --- flow --------------------------------------------------------------------------------


def _daily(
    session: Session, filters: DashboardFilter, scope: Scope, moment: Any
) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """Stays per stage by `moment` (entered_at or left_at): how many before the period, and
    per day inside it."""
    before_query = (
        scope.stays(select(StageVisit.stage_id, func.count()))
        .where(moment < filters.start_at)
        .group_by(StageVisit.stage_id)
    )
    before: dict[int, int] = dict(session.execute(before_query).tuples().all())
    day = day_of(moment)
    daily_query = (
        scope.stays(select(StageVisit.stage_id, day, func.count()))
        .where(_in_period(moment, filters))
        .group_by(StageVisit.stage_id, day)
    )
    daily: dict[int, dict[str, int]] = defaultdict(dict)
    for stage_id, day_text, count in session.execute(daily_query):
        daily[stage_id][day_text] = count
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


def _pipeline_by_month(session: Session, scope: Scope) -> list[tuple[str, float, int]]:
    month = month_of(Candidate.expected_decision_date)
    query = (
        select(
            month,
            func.coalesce(func.sum(_cents(Candidate.expected_value) * _probability()), 0),
            func.count(),
        )
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(*scope, Candidate.status.in_(LIVE), Candidate.expected_decision_date.is_not(None))
        .group_by(month)
        .order_by(month)
    )
    return [(m, float(cents) / 100, count) for m, cents, count in session.execute(query)]


def _stage_values(
    session: Session, scope: Scope, position: dict[int, int], stage_count: int
) -> list[tuple[float, float, int]]:
    """Per stage: value of the live candidates, that value weighted by probability, count."""
    query = (
        select(
            Candidate.stage_id,
            func.coalesce(func.sum(_cents(Candidate.expected_value)), 0),
            func.coalesce(func.sum(_cents(Candidate.expected_value) * _probability()), 0),
            func.count(),
        )
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(*scope, Candidate.status.in_(LIVE))
        .group_by(Candidate.stage_id)
    )
    values = [(0.0, 0.0, 0) for _ in range(stage_count)]
    for stage_id, cents, weighted, count in session.execute(query):
        values[position[stage_id]] = (float(cents) / 100, float(weighted) / 100, count)
    return values
