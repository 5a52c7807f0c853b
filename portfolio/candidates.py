"""Use cases on candidates: create, edit, find, show on a board, read their history.

A candidate's stage and status change only through decisions (portfolio.decisions);
nothing here moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from accounts.models import OrgUnit
from accounts.orgtree import Node, subtree_ids
from persistence import Page, expect_version, paginate, utcnow
from portfolio.defaults import CURRENCIES
from portfolio.errors import InvalidCandidate, NotFound
from portfolio.funnels import get_funnel
from portfolio.lifecycle import Status
from portfolio.models import (
    Candidate,
    CandidateKind,
    EventKind,
    Funnel,
    RiskLevel,
    Stage,
    StageEvent,
    StageVisit,
)


@dataclass(frozen=True, slots=True)
class CandidateFields:
    """What people type about a candidate. Stage, status, owner and version are not here:
    they change only through their own use cases."""

    title: str
    kind: CandidateKind
    description: str = ""
    org_unit_id: int | None = None
    sponsor: str = ""
    theme: str = ""
    currency: str = "CNY"
    estimated_cost: Decimal | None = None
    expected_value: Decimal | None = None
    p_technical: float | None = None
    p_commercial: float | None = None
    probability_override: float | None = None
    expected_decision_date: date | None = None
    risk_level: RiskLevel = RiskLevel.MEDIUM
    tags: str = ""


def normalise_tags(text: str) -> str:
    """'Green, AI ,green' -> 'green,ai': lower case, no blanks, no repeats, order kept."""
    seen: list[str] = []
    for tag in (part.strip().lower() for part in text.split(",")):
        if tag and tag not in seen:
            seen.append(tag[:40])
    return ",".join(seen)


def _check(fields: CandidateFields) -> None:
    if not fields.title.strip():
        raise InvalidCandidate("title", "required")
    if len(fields.title.strip()) > 200:
        raise InvalidCandidate("title", "too_long")
    if fields.estimated_cost is not None and fields.estimated_cost < 0:
        raise InvalidCandidate("estimated_cost", "negative")
    if fields.currency not in CURRENCIES:
        raise InvalidCandidate("currency", "unknown")
    for name in ("p_technical", "p_commercial", "probability_override"):
        value = getattr(fields, name)
        if value is not None and not 0 <= value <= 1:
            raise InvalidCandidate(name, "probability_range")


def _apply(candidate: Candidate, fields: CandidateFields) -> None:
    _check(fields)
    candidate.title = fields.title.strip()
    candidate.kind = fields.kind
    candidate.description = fields.description.strip()
    candidate.org_unit_id = fields.org_unit_id
    candidate.sponsor = fields.sponsor.strip()
    candidate.theme = fields.theme.strip()
    candidate.currency = fields.currency
    candidate.estimated_cost = fields.estimated_cost
    candidate.expected_value = fields.expected_value
    candidate.p_technical = fields.p_technical
    candidate.p_commercial = fields.p_commercial
    candidate.probability_override = fields.probability_override
    candidate.expected_decision_date = fields.expected_decision_date
    candidate.risk_level = fields.risk_level
    candidate.tags = normalise_tags(fields.tags)


def get_candidate(session: Session, candidate_id: int) -> Candidate:
    candidate = session.get(
        Candidate,
        candidate_id,
        options=[
            joinedload(Candidate.stage),
            joinedload(Candidate.funnel).selectinload(Funnel.stages),
            joinedload(Candidate.org_unit),
            joinedload(Candidate.owner),
        ],
    )
    if candidate is None:
        raise NotFound("candidate", str(candidate_id))
    return candidate


def create_candidate(
    session: Session, funnel_id: int, fields: CandidateFields, *, actor_id: int | None
) -> Candidate:
    """A new candidate in the first stage of `funnel_id`, owned by its creator; its history
    starts with a 'created' event in the same transaction."""
    funnel = get_funnel(session, funnel_id)
    first = funnel.stages[0]
    now = utcnow()
    candidate = Candidate(
        funnel_id=funnel.id,
        stage_id=first.id,
        furthest_stage_id=first.id,
        status=Status.ACTIVE,
        owner_id=actor_id,
        created_at=now,
        stage_entered_at=now,
    )
    _apply(candidate, fields)
    session.add(candidate)
    session.flush()
    session.add(
        StageEvent(
            candidate_id=candidate.id,
            from_stage_id=None,
            to_stage_id=first.id,
            kind=EventKind.CREATED,
            status_after=Status.ACTIVE,
            actor_id=actor_id,
            at=now,
        )
    )
    session.add(StageVisit(candidate_id=candidate.id, stage_id=first.id, entered_at=now))
    session.commit()
    return candidate


def update_candidate(
    session: Session,
    candidate_id: int,
    fields: CandidateFields,
    *,
    expected_version: int,
    owner_id: int | None,
) -> Candidate:
    candidate = get_candidate(session, candidate_id)
    expect_version(candidate, expected_version)
    _apply(candidate, fields)
    candidate.owner_id = owner_id
    session.commit()
    return candidate


# --- finding candidates ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidateFilter:
    funnel_id: int | None = None
    stage_id: int | None = None
    status: Status | None = None
    org_unit_id: int | None = None  # includes the unit's sub-units
    owner_id: int | None = None
    theme: str = ""
    kind: CandidateKind | None = None
    text: str = ""


# Sort keys offered to users; anything else falls back to the default.
SORTS = {
    "updated": Candidate.updated_at,
    "title": func.lower(Candidate.title),
    "stage": Stage.position,
    "status": Candidate.status,
    "cost": Candidate.estimated_cost,
    "value": Candidate.expected_value,
    "decision_date": Candidate.expected_decision_date,
    "entered": Candidate.stage_entered_at,
}
DEFAULT_SORT = "updated"
# Only these may be empty; NULLS LAST elsewhere would keep the database from using an index.
NULLABLE_SORTS = {"cost", "value", "decision_date"}


def _org_units_under(session: Session, unit_id: int) -> set[int]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.parent_id)).tuples().all()
    return subtree_ids((Node(i, p, "") for i, p in rows), unit_id)


def _filtered(session: Session, query: Select[Any], filters: CandidateFilter) -> Select[Any]:
    conditions = []
    if filters.funnel_id is not None:
        conditions.append(Candidate.funnel_id == filters.funnel_id)
    if filters.stage_id is not None:
        conditions.append(Candidate.stage_id == filters.stage_id)
    if filters.status is not None:
        conditions.append(Candidate.status == filters.status)
    if filters.org_unit_id is not None:
        conditions.append(Candidate.org_unit_id.in_(_org_units_under(session, filters.org_unit_id)))
    if filters.owner_id is not None:
        conditions.append(Candidate.owner_id == filters.owner_id)
    if filters.theme:
        conditions.append(Candidate.theme == filters.theme)
    if filters.kind is not None:
        conditions.append(Candidate.kind == filters.kind)
    text = filters.text.strip().lower()
    if text:
        pattern = f"%{text}%"
        conditions.append(
            or_(
                func.lower(Candidate.title).like(pattern),
                func.lower(Candidate.description).like(pattern),
                Candidate.tags.like(pattern),
                func.lower(Candidate.sponsor).like(pattern),
            )
        )
    return query.where(and_(*conditions)) if conditions else query


def search_candidates(
    session: Session,
    filters: CandidateFilter,
    *,
    sort: str = DEFAULT_SORT,
    descending: bool = True,
    page: int = 1,
    per_page: int = 25,
) -> Page[Candidate]:
    """One page of matching candidates with their stage, funnel, unit and owner loaded
    (a fixed number of queries whatever the page size)."""
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    order_by = order.desc() if descending else order.asc()
    if sort in NULLABLE_SORTS:
        order_by = order_by.nulls_last()
    query = (
        select(Candidate)
        .join(Candidate.stage)
        .options(
            joinedload(Candidate.stage),
            joinedload(Candidate.funnel),
            selectinload(Candidate.org_unit),
            selectinload(Candidate.owner),
        )
        .order_by(order_by, Candidate.id.desc())
    )
    return paginate(session, _filtered(session, query, filters), page, per_page)


def themes(session: Session) -> list[str]:
    """Strategic themes in use, for filters and suggestions."""
    query = (
        select(Candidate.theme).where(Candidate.theme != "").distinct().order_by(Candidate.theme)
    )
    return list(session.scalars(query))


# --- the board ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardColumn:
    stage: Stage
    total: int
    on_hold: int
    cards: list[Candidate]


LIVE = (Status.ACTIVE, Status.ON_HOLD, Status.APPROVED)


def board(
    session: Session, funnel_id: int, filters: CandidateFilter, *, per_column: int = 25
) -> list[BoardColumn]:
    """One column a stage with the candidates living in it (active, on hold, approved),
    longest-waiting first, at most `per_column` cards each. Three queries in all."""
    funnel = get_funnel(session, funnel_id)
    scope = replace(filters, funnel_id=funnel_id, status=None)

    counts = _filtered(
        session,
        select(
            Candidate.stage_id,
            func.count(),
            func.sum(case((Candidate.status == Status.ON_HOLD, 1), else_=0)),
        )
        .where(Candidate.status.in_(LIVE))
        .group_by(Candidate.stage_id),
        scope,
    )
    totals = {stage_id: (total, held or 0) for stage_id, total, held in session.execute(counts)}

    ranked = _filtered(
        session,
        select(
            Candidate.id,
            func.row_number()
            .over(
                partition_by=Candidate.stage_id, order_by=(Candidate.stage_entered_at, Candidate.id)
            )
            .label("rank"),
        ).where(Candidate.status.in_(LIVE)),
        scope,
    ).subquery()
    cards = session.scalars(
        select(Candidate)
        .join(ranked, ranked.c.id == Candidate.id)
        .where(ranked.c.rank <= per_column)
        .options(selectinload(Candidate.owner), selectinload(Candidate.org_unit))
        .order_by(Candidate.stage_entered_at, Candidate.id)
    ).all()
    by_stage: dict[int, list[Candidate]] = {}
    for card in cards:
        by_stage.setdefault(card.stage_id, []).append(card)
    return [
        BoardColumn(
            stage=stage,
            total=totals.get(stage.id, (0, 0))[0],
            on_hold=totals.get(stage.id, (0, 0))[1],
            cards=by_stage.get(stage.id, []),
        )
        for stage in funnel.stages
    ]


def timeline(session: Session, candidate_id: int) -> list[StageEvent]:
    """The candidate's history, oldest first, with stages and actors loaded."""
    query = (
        select(StageEvent)
        .where(StageEvent.candidate_id == candidate_id)
        .options(
            joinedload(StageEvent.from_stage),
            joinedload(StageEvent.to_stage),
            joinedload(StageEvent.actor),
        )
        .order_by(StageEvent.at, StageEvent.id)
    )
    return list(session.scalars(query))
