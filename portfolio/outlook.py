"""The dashboard's look ahead: the Monte Carlo forecast and the portfolio choice, fed from the
database.

The maths lives in `portfolio.forecast` and `portfolio.metrics`; this module only gathers
their input with the dashboard's filters (`DashboardFilter`, `scope_of`) and bounds the work:
the history is capped per stage in SQL, the simulation to a fixed number of item walks, the
ranking to the top `limit` rows ordered in SQL. The number of queries does not depend on the
size of the portfolio.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Float, and_, case, cast, exists, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from portfolio import metrics
from portfolio.dashboard import LIVE, DashboardFilter, Scope, scope_of
from portfolio.forecast import (
    MAX_EXACT_PROJECTS,
    ForecastBand,
    ForecastError,
    FrontierPoint,
    OpenItem,
    Project,
    Selection,
    StageHistory,
    efficient_frontier,
    forecast_arrivals,
    select_exact,
    waterline,
)
from portfolio.models import (
    Candidate,
    EventKind,
    Funnel,
    GateReview,
    GateScore,
    RiskLevel,
    Stage,
    StageVisit,
)
from portfolio.reviews import review_result
from portfolio.scoring import ScoringError

# Completed stays kept per stage, the most recent first: enough for stable percentiles, and
# it keeps old behaviour of the funnel from outweighing how the gates decide today.
HISTORY_PER_STAGE = 1000
# Item walks (runs x items) one forecast may spend. A walk costs about 2 µs in CPython, so
# the simulation stays near half a second whatever the portfolio's size.
WALK_BUDGET = 200_000
MAX_RUNS = 2000
# Fewer runs than this and the P95 band rests on a handful of runs; sample items instead.
MIN_RUNS = 200
# Points on the forecast chart: weekly, coarsened to whole weeks when `until` is far away.
MAX_HORIZONS = 30
# The share of the rows' total cost offered as the starting budget of the portfolio choice.
DEFAULT_BUDGET_SHARE = 0.3

_GATE_OUTCOMES = (EventKind.GO, EventKind.KILL, EventKind.RECYCLE)


# --- forecast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastView:
    """Bands of arrivals at `target_stage`, one per horizon (`bands[i]` for `horizons[i]`).

    `population`: live candidates of the scope below the target; `sample_size` of them were
    simulated (`sampled` when fewer), over `runs` runs. `already_there`: live candidates at or
    beyond the target now, not part of the bands. `error` replaces the bands (then empty) when
    the history cannot support a forecast.
    """

    target_stage: int
    horizons: list[date]
    bands: list[ForecastBand]
    population: int
    sample_size: int
    runs: int
    already_there: int
    already_there_value: float
    error: ForecastError | None = None

    @property
    def sampled(self) -> bool:
        return self.sample_size < self.population


def forecast_reaching(
    session: Session,
    filters: DashboardFilter,
    *,
    target_stage: int,
    until: date,
    now: datetime,
    seed: int = 0,
    walk_budget: int = WALK_BUDGET,
) -> ForecastView:
    """How many live candidates of the scope, and how much expected value, reach stage index
    `target_stage` by each horizon up to `until` (P50/P85/P95, see `forecast_arrivals`).

    History: for each non-terminal stage, its stays completed in the filter period, the
    `HISTORY_PER_STAGE` most recent ones, each a dwell (`StageVisit.dwell_days`) and a gate
    outcome (go, kill or recycle). Holds happen inside a stay, so a dwell already includes the
    time spent on hold: the model has no separate hold step, every item is passed with
    `on_hold=False`, and a held candidate's age is the time since it entered its stage, like
    an active one's. A held candidate therefore moves on at the pace of past stays, holds
    included as often as they occurred; for one known to be on hold now that errs on the early
    side. Recycles go back one stage in the simulation, even when a real one went further.

    Items: the live (active or on hold) candidates below the target, in id order, valued at
    their expected value (0 when unknown). Runs x items stay within `walk_budget`: when even
    `MIN_RUNS` runs do not fit, a seeded simple random sample of items is simulated and its
    counts and values are scaled by population / sample. Scaling multiplies each run's
    outcome, so the spread between runs grows by about sqrt(population / sample) over a full
    simulation: the bands widen rather than claim a precision the sample lacks. Which items
    were drawn still shifts the median a little (unbiased over seeds); `sampled` lets the page
    say so.

    Horizons are whole days from `now`: weekly (every few weeks when `until` is far) and
    `until` itself, at most `MAX_HORIZONS` points. The same `seed` gives the same view. When
    the history lacks a stage that items can stand in (or `target_stage` or `until` cannot be
    forecast) the view carries the `ForecastError` and no bands, so the page can explain.
    """
    stages = _stages(session, filters)
    scope = scope_of(session, filters, stages)
    today = now.date()
    horizon_days = _horizon_days((until - today).days)
    horizons = [today + timedelta(days=days) for days in horizon_days]
    position = {stage.id: index for index, stage in enumerate(stages)}
    below = [stage.id for stage in stages[: max(target_stage, 0)]]

    items = _open_items(session, scope, below, position, now)
    already_there, already_value = _already_there(session, scope, below)
    population = len(items)
    runs, sample_size = _effort(population, walk_budget)
    view = ForecastView(
        target_stage=target_stage,
        horizons=horizons,
        bands=[],
        population=population,
        sample_size=sample_size,
        runs=runs,
        already_there=already_there,
        already_there_value=already_value,
    )
    if not horizon_days:
        return _with_error(view, ForecastError("bad_horizon", until.isoformat(), "in the past"))
    history = _history(session, filters, scope, stages)
    if sample_size < population:
        rng = random.Random(seed)  # noqa: S311 - statistical sampling, not security
        # Sorted back into id order, so the walk order does not depend on the draw order.
        items = [items[i] for i in sorted(rng.sample(range(population), sample_size))]
    try:
        bands = forecast_arrivals(
            items,
            history,
            target_stage=target_stage,
            horizon_days=horizon_days,
            runs=runs,
            seed=seed,
        )
    except ForecastError as error:
        return _with_error(view, error)
    if sample_size < population:
        bands = [_scaled(band, population / sample_size) for band in bands]
    return replace(view, bands=bands)


def _with_error(view: ForecastView, error: ForecastError) -> ForecastView:
    return replace(view, bands=[], error=error)


def _stages(session: Session, filters: DashboardFilter) -> list[Stage]:
    funnel = session.get(Funnel, filters.funnel_id)
    if funnel is None:
        raise ValueError(f"no funnel {filters.funnel_id}")
    return list(funnel.stages)


def _horizon_days(span: int) -> list[int]:
    """Weekly days from now up to `span` and `span` itself; [] when `span` is in the past."""
    if span < 0:
        return []
    # Whole weeks keep the points on the same weekday; the step grows so at most
    # MAX_HORIZONS - 1 points come before `span`.
    step = 7 * max(1, math.ceil(span / 7 / (MAX_HORIZONS - 1)))
    return [*range(step, span, step), span]


def _effort(population: int, walk_budget: int) -> tuple[int, int]:
    """(runs, items simulated) so that runs x items stays within `walk_budget`."""
    if walk_budget < MIN_RUNS:
        raise ValueError(f"walk_budget {walk_budget} below {MIN_RUNS} runs of one item")
    if population * MIN_RUNS <= walk_budget:
        return min(MAX_RUNS, walk_budget // max(population, 1)), population
    return MIN_RUNS, walk_budget // MIN_RUNS


def _scaled(band: ForecastBand, factor: float) -> ForecastBand:
    return ForecastBand(
        horizon_days=band.horizon_days,
        p50_count=round(band.p50_count * factor),
        p85_count=round(band.p85_count * factor),
        p95_count=round(band.p95_count * factor),
        p50_value=band.p50_value * factor,
        p85_value=band.p85_value * factor,
        p95_value=band.p95_value * factor,
    )


def _history(
    session: Session, filters: DashboardFilter, scope: Scope, stages: list[Stage]
) -> list[StageHistory]:
    """One StageHistory per non-terminal stage, from its most recent completed stays."""
    recent = func.row_number().over(
        partition_by=StageVisit.stage_id,
        order_by=(StageVisit.left_at.desc(), StageVisit.id.desc()),
    )
    ranked = (
        scope.stays(
            select(
                StageVisit.stage_id,
                StageVisit.dwell_days,
                StageVisit.outcome,
                recent.label("recent"),
            )
        )
        .where(
            StageVisit.left_at >= filters.start_at,
            StageVisit.left_at < filters.end_at,
            StageVisit.dwell_days.is_not(None),
            StageVisit.outcome.in_(_GATE_OUTCOMES),
        )
        .subquery()
    )
    query = (
        select(ranked.c.stage_id, ranked.c.dwell_days, ranked.c.outcome)
        .where(ranked.c.recent <= HISTORY_PER_STAGE)
        .order_by(ranked.c.stage_id, ranked.c.recent)
    )
    dwells: dict[int, list[float]] = {stage.id: [] for stage in stages}
    outcomes: dict[int, list[str]] = {stage.id: [] for stage in stages}
    for stage_id, dwell, outcome in session.execute(query):
        dwells[stage_id].append(max(float(dwell), 0.0))
        outcomes[stage_id].append(EventKind(outcome).value)
    return [StageHistory(dwells[stage.id], outcomes[stage.id]) for stage in stages[:-1]]


def _open_items(
    session: Session,
    scope: Scope,
    below: list[int],
    position: dict[int, int],
    now: datetime,
) -> list[OpenItem]:
    query = (
        select(Candidate.stage_id, Candidate.stage_entered_at, Candidate.expected_value)
        .where(*scope, Candidate.status.in_(LIVE), Candidate.stage_id.in_(below))
        .order_by(Candidate.id)
    )
    return [
        OpenItem(
            stage=position[stage_id],
            # A clock a little ahead of `now` must not make an age negative.
            age_days=max((now - entered).total_seconds() / 86400, 0.0),
            value=float(value or 0),
            on_hold=False,
        )
        for stage_id, entered, value in session.execute(query)
    ]


def _already_there(session: Session, scope: Scope, below: list[int]) -> tuple[int, float]:
    query = select(
        func.count(), func.coalesce(func.sum(_cents(Candidate.expected_value)), 0)
    ).where(*scope, Candidate.status.in_(LIVE), Candidate.stage_id.not_in(below))
    count, cents = session.execute(query).one()
    return int(count), float(cents) / 100


def _cents(column: Any) -> Any:
    """The raw cents of a Money column, for arithmetic in SQL."""
    return type_coerce(column, BigInteger)


# --- portfolio choice --------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceRow:
    """A live candidate as the portfolio choice sees it; money in the funnel's currency."""

    candidate_id: int
    title: str
    stage_index: int
    cost: float
    value: float
    probability: float  # the candidate's override, else its stage's probability
    risk_level: RiskLevel
    gate_score: float | None  # of its most recent scored gate review, None when none
    ecv: float
    productivity_index: float  # value x probability / cost


@dataclass(frozen=True)
class ChoiceView:
    """The top `len(rows)` of `eligible_total` rankable candidates, best productivity first;
    `skipped` live candidates have no cost or no value and cannot be ranked."""

    rows: list[ChoiceRow]
    eligible_total: int
    skipped: int


def choice_rows(
    session: Session,
    filters: DashboardFilter,
    *,
    now: datetime,
    limit: int = MAX_EXACT_PROJECTS,
) -> ChoiceView:
    """The live candidates of the scope not yet in the final stage, ranked in SQL by
    productivity (expected value x probability / cost, then id), the first `limit` of them.

    A candidate without a cost (or a cost of 0, which has no ratio), or without an expected
    value, is counted in `skipped` and not ranked. The probability is the candidate's override,
    else its stage's. ECV (Cooper) takes the expected value as NPV, the cost as development
    cost and no separate commercialisation cost. A missing p_technical or p_commercial is
    taken as the probability; when both are missing, p_technical is the probability and
    p_commercial 1, since the probability is already the whole chance of success and using it
    twice would square it. The gate score is the aggregate (`review_result`) of the
    candidate's most recent gate review that has scores. `now` is accepted for symmetry with
    the other dashboard sections; the choice does not depend on it.
    """
    del now
    if limit < 0:
        raise ValueError(f"limit {limit} < 0")
    stages = _stages(session, filters)
    scope = scope_of(session, filters, stages)
    position = {stage.id: index for index, stage in enumerate(stages)}
    live = (*scope, Candidate.status.in_(LIVE), Candidate.stage_id != stages[-1].id)
    rankable = and_(
        Candidate.estimated_cost.is_not(None),
        _cents(Candidate.estimated_cost) > 0,
        Candidate.expected_value.is_not(None),
    )

    counts = select(func.count(), func.coalesce(func.sum(case((rankable, 1), else_=0)), 0)).where(
        *live
    )
    total, eligible = session.execute(counts).one()

    probability = func.coalesce(Candidate.probability_override, Stage.probability)
    # Floats in SQL: cents x probability / cents on both engines (no integer division).
    productivity = (
        cast(_cents(Candidate.expected_value), Float)
        * probability
        / cast(_cents(Candidate.estimated_cost), Float)
    )
    ranked = (
        select(
            Candidate.id,
            Candidate.title,
            Candidate.stage_id,
            Candidate.estimated_cost,
            Candidate.expected_value,
            Candidate.p_technical,
            Candidate.p_commercial,
            probability,
            Candidate.risk_level,
        )
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(*live, rankable)
        .order_by(productivity.desc(), Candidate.id)
        .limit(limit)
    )
    found = session.execute(ranked).all()
    scores = _gate_scores(session, [row[0] for row in found])
    rows = []
    for cid, title, stage_id, cost, value, p_tech, p_comm, p, risk in found:
        cost_f, value_f, p_f = float(cost), float(value), float(p)
        p_technical, p_commercial = _ecv_probabilities(p_tech, p_comm, p_f)
        rows.append(
            ChoiceRow(
                candidate_id=cid,
                title=title,
                stage_index=position[stage_id],
                cost=cost_f,
                value=value_f,
                probability=p_f,
                risk_level=risk,
                gate_score=scores.get(cid),
                ecv=metrics.ecv(
                    npv=value_f,
                    p_technical=p_technical,
                    p_commercial=p_commercial,
                    commercialisation_cost=0.0,
                    development_cost=cost_f,
                ),
                # Never None: a cost of 0 is not rankable and was left out above.
                productivity_index=metrics.productivity_index(value_f, p_f, cost_f) or 0.0,
            )
        )
    return ChoiceView(rows=rows, eligible_total=int(eligible), skipped=int(total) - int(eligible))


def _ecv_probabilities(
    p_technical: float | None, p_commercial: float | None, probability: float
) -> tuple[float, float]:
    if p_technical is None and p_commercial is None:
        return probability, 1.0
    return (
        probability if p_technical is None else p_technical,
        probability if p_commercial is None else p_commercial,
    )


def _gate_scores(session: Session, candidate_ids: Sequence[int]) -> dict[int, float | None]:
    """{candidate id: aggregate score of its most recent scored review}, two queries."""
    if not candidate_ids:
        return {}
    newest = func.row_number().over(
        partition_by=GateReview.candidate_id,
        order_by=(GateReview.opened_at.desc(), GateReview.id.desc()),
    )
    ranked = (
        select(GateReview.id, newest.label("newest"))
        .where(
            GateReview.candidate_id.in_(candidate_ids),
            exists().where(GateScore.review_id == GateReview.id),
        )
        .subquery()
    )
    query = (
        select(GateReview)
        .where(GateReview.id.in_(select(ranked.c.id).where(ranked.c.newest == 1)))
        .options(selectinload(GateReview.scores))
    )
    scores: dict[int, float | None] = {}
    for review in session.scalars(query):
        try:
            scores[review.candidate_id] = review_result(review).score
        except ScoringError:
            # A scorecard the rules no longer accept shows as "no score", not a broken page.
            scores[review.candidate_id] = None
    return scores


@dataclass(frozen=True)
class ChoiceResult:
    """The choice under `budget`: the exact best set, the greedy waterline and frontier, and
    the totals of all rows (value risk-adjusted: value x probability, as in the projects)."""

    budget: float
    selection: Selection
    waterline: list[tuple[str, bool]]
    frontier: list[FrontierPoint]
    total_cost: float
    total_value: float


def projects_of(rows: Sequence[ChoiceRow]) -> list[Project]:
    """The rows as knapsack projects: key = candidate id, value = value x probability."""
    return [
        Project(key=str(r.candidate_id), cost=r.cost, value=r.value * r.probability) for r in rows
    ]


def choose(rows: Sequence[ChoiceRow], budget: float) -> ChoiceResult:
    """Pick the best set of `rows` under `budget` (exact knapsack, at most
    `MAX_EXACT_PROJECTS` rows, else `ForecastError("too_large")`), with the waterline and the
    efficient frontier for the charts."""
    projects = projects_of(rows)
    return ChoiceResult(
        budget=budget,
        selection=select_exact(projects, budget),
        waterline=waterline(projects, budget),
        frontier=efficient_frontier(projects),
        total_cost=math.fsum(p.cost for p in projects),
        total_value=math.fsum(p.value for p in projects),
    )


def default_budget(rows: Sequence[ChoiceRow]) -> float:
    """`DEFAULT_BUDGET_SHARE` of the rows' total cost, rounded to two significant digits
    (a figure people would type): a budget that forces a choice without starving it."""
    share = math.fsum(r.cost for r in rows) * DEFAULT_BUDGET_SHARE
    if share <= 0:
        return 0.0
    digits = math.floor(math.log10(share))
    return float(round(share, 1 - digits))
