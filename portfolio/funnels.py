"""Use cases on funnel definitions: seeding the defaults and the administrator's edits.

Edits never touch history: events and reviews point at stage ids and keep their own
copy of the scorecard, so renaming a stage or reweighting a criterion changes what comes
next, not what was decided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from accounts.roles import Role
from persistence import expect_version
from portfolio.defaults import DEFAULT_FUNNELS, FunnelSpec
from portfolio.errors import FunnelError, NotFound
from portfolio.models import CriterionKind, Funnel, GateCriterion, Stage

# Bounds of a stage's load-oriented release settings: past them a load limit means nothing
# (and capacity × load percentage could overflow to infinity).
MAX_CAPACITY = 1_000_000  # reviews or study-hours a month
MAX_LOAD_PERCENT = 1_000


def list_funnels(session: Session) -> list[Funnel]:
    """Every funnel with its stages, in a stable order (two queries)."""
    query = select(Funnel).options(selectinload(Funnel.stages)).order_by(Funnel.id)
    return list(session.scalars(query))


def get_funnel(session: Session, funnel_id: int) -> Funnel:
    funnel = session.get(Funnel, funnel_id, options=[selectinload(Funnel.stages)])
    if funnel is None:
        raise NotFound("funnel", str(funnel_id))
    return funnel


def get_stage(session: Session, stage_id: int) -> Stage:
    stage = session.get(Stage, stage_id)
    if stage is None:
        raise NotFound("stage", str(stage_id))
    return stage


def _build(spec: FunnelSpec) -> Funnel:
    funnel = Funnel(
        key=spec.key, name=spec.name, name_zh=spec.name_zh, description=spec.description
    )
    for position, stage_spec in enumerate(spec.stages):
        stage = Stage(
            key=stage_spec.key,
            name=stage_spec.name,
            name_zh=stage_spec.name_zh,
            position=position,
            probability=stage_spec.probability,
            target_dwell_days=stage_spec.target_dwell_days,
            wip_limit=stage_spec.wip_limit,
            capacity=stage_spec.capacity,
            load_percent=stage_spec.load_percent,
            entry_checklist="\n".join(stage_spec.checklist),
            responsible_role=stage_spec.role,
        )
        stage.criteria = [
            GateCriterion(
                key=c.key,
                name=c.name,
                name_zh=c.name_zh,
                kind=CriterionKind(c.kind),
                weight=c.weight,
                guidance=c.guidance,
                guidance_zh=c.guidance_zh,
                position=index,
            )
            for index, c in enumerate(stage_spec.criteria)
        ]
        funnel.stages.append(stage)
    return funnel


def seed_default_funnels(session: Session) -> list[str]:
    """Create the default funnels that do not exist yet; return the keys created.

    Idempotent: an existing funnel, edited or not, is left as it is.
    """
    existing = set(session.scalars(select(Funnel.key)))
    created = []
    for spec in DEFAULT_FUNNELS:
        if spec.key not in existing:
            session.add(_build(spec))
            created.append(spec.key)
    session.commit()
    return created


@dataclass(frozen=True, slots=True)
class StageFields:
    name: str
    name_zh: str | None
    probability: float
    wip_limit: int | None
    target_dwell_days: int | None
    entry_checklist: str
    responsible_role: Role | None
    # Load-oriented release; both or neither (see Stage).
    capacity: float | None = None
    load_percent: float | None = None


def _check_stage(fields: StageFields) -> None:
    if not 0 <= fields.probability <= 1:
        raise FunnelError("probability_range", "probability")
    if (fields.capacity is None) != (fields.load_percent is None):
        raise FunnelError("capacity_pair", "capacity")
    if fields.capacity is not None:
        if not 0 <= fields.capacity < math.inf:
            raise FunnelError("negative", "capacity")
        if fields.capacity > MAX_CAPACITY:
            raise FunnelError("capacity_max", "capacity")
    if fields.load_percent is not None:
        if not 100 <= fields.load_percent < math.inf:
            raise FunnelError("load_percent_min", "load_percent")
        if fields.load_percent > MAX_LOAD_PERCENT:
            raise FunnelError("load_percent_max", "load_percent")
    for name, value in (
        ("wip_limit", fields.wip_limit),
        ("target_dwell_days", fields.target_dwell_days),
    ):
        if value is not None and value < 1:
            raise FunnelError("positive", name)


def _apply_stage(stage: Stage, fields: StageFields) -> None:
    stage.name = fields.name.strip()
    stage.name_zh = (fields.name_zh or "").strip() or None
    stage.probability = fields.probability
    stage.wip_limit = fields.wip_limit
    stage.capacity = fields.capacity
    stage.load_percent = fields.load_percent
    stage.target_dwell_days = fields.target_dwell_days
    stage.entry_checklist = fields.entry_checklist.strip()
    stage.responsible_role = fields.responsible_role


def update_stage(
    session: Session, stage_id: int, *, expected_version: int, fields: StageFields
) -> Stage:
    stage = get_stage(session, stage_id)
    expect_version(stage, expected_version)
    _check_stage(fields)
    _apply_stage(stage, fields)
    session.commit()
    return stage


def add_stage(
    session: Session, funnel_id: int, *, key: str, before_position: int, fields: StageFields
) -> Stage:
    """Insert a stage before the stage now at `before_position` (never after the final one)."""
    funnel = get_funnel(session, funnel_id)
    _check_stage(fields)
    key = key.strip().lower()
    if any(stage.key == key for stage in funnel.stages):
        raise FunnelError("key_taken", key)
    if not 0 <= before_position <= len(funnel.stages) - 1:
        raise FunnelError("bad_position", str(before_position))
    # Positions are display order, not history: shifting them rewrites nothing past.
    for later in funnel.stages[before_position:]:
        later.position += 1
    stage = Stage(funnel_id=funnel_id, key=key, position=before_position)
    _apply_stage(stage, fields)
    session.add(stage)
    session.commit()
    return stage


@dataclass(frozen=True, slots=True)
class CriterionFields:
    name: str
    name_zh: str | None
    kind: CriterionKind
    weight: float
    guidance: str
    guidance_zh: str
    active: bool = True


def _check_criterion(fields: CriterionFields) -> None:
    if fields.kind == CriterionKind.SHOULD and not fields.weight > 0:
        raise FunnelError("weight_positive", "weight")


def _apply_criterion(criterion: GateCriterion, fields: CriterionFields) -> None:
    criterion.name = fields.name.strip()
    criterion.name_zh = (fields.name_zh or "").strip() or None
    criterion.kind = fields.kind
    criterion.weight = fields.weight if fields.kind == CriterionKind.SHOULD else 1.0
    criterion.guidance = fields.guidance.strip()
    criterion.guidance_zh = fields.guidance_zh.strip()
    criterion.active = fields.active


def add_criterion(
    session: Session, stage_id: int, *, key: str, fields: CriterionFields
) -> GateCriterion:
    stage = get_stage(session, stage_id)
    if stage.position == len(stage.funnel.stages) - 1:
        raise FunnelError("final_stage_has_no_gate", stage.key)
    _check_criterion(fields)
    key = key.strip().lower()
    if any(c.key == key for c in stage.criteria):
        raise FunnelError("key_taken", key)
    last = session.scalar(
        select(func.max(GateCriterion.position)).where(GateCriterion.stage_id == stage_id)
    )
    criterion = GateCriterion(stage_id=stage_id, key=key, position=(last or 0) + 1)
    _apply_criterion(criterion, fields)
    session.add(criterion)
    session.commit()
    return criterion


def get_criterion(session: Session, criterion_id: int) -> GateCriterion:
    criterion = session.get(GateCriterion, criterion_id)
    if criterion is None:
        raise NotFound("criterion", str(criterion_id))
    return criterion


def update_criterion(
    session: Session, criterion_id: int, *, expected_version: int, fields: CriterionFields
) -> GateCriterion:
    criterion = get_criterion(session, criterion_id)
    expect_version(criterion, expected_version)
    _check_criterion(fields)
    _apply_criterion(criterion, fields)
    session.commit()
    return criterion


def active_criteria(stage: Stage) -> list[GateCriterion]:
    return [criterion for criterion in stage.criteria if criterion.active]
