"""Tables of the decision funnel: funnels and their stages and gate criteria, candidates,
gate reviews with their scores, and the append-only stage history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import OrgUnit, User
from accounts.roles import Role
from persistence import Base, enum_column, utcnow
from portfolio.lifecycle import EventKind as EventKind  # re-exported: models use it
from portfolio.lifecycle import Status


class CriterionKind(StrEnum):
    MUST = "must"
    SHOULD = "should"


class CandidateKind(StrEnum):
    PROJECT = "project"
    IDEA = "idea"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReviewStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class Funnel(Base):
    __tablename__ = "funnel"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column()

    stages: Mapped[list[Stage]] = relationship(back_populates="funnel", order_by="Stage.position")

    __mapper_args__ = {"version_id_col": version}


class Stage(Base):
    __tablename__ = "stage"
    __table_args__ = (
        UniqueConstraint("funnel_id", "key"),
        # The release maths (portfolio.forecast.StageCapacity) needs both or neither, and a
        # load percentage of at least 100; the database holds the rule for every writer.
        CheckConstraint("(capacity IS NULL) = (load_percent IS NULL)", name="capacity_pair"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_min"),
        CheckConstraint("load_percent IS NULL OR load_percent >= 100", name="load_percent_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funnel_id: Mapped[int] = mapped_column(ForeignKey("funnel.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str | None] = mapped_column(String(120))
    position: Mapped[int] = mapped_column()
    # Default chance that a candidate in this stage becomes an approved investment.
    probability: Mapped[float] = mapped_column()
    wip_limit: Mapped[int | None] = mapped_column()
    # Load-oriented release (BRIEF §3): the work units the stage completes per period (gate
    # reviews a month, say) and its load percentage; its load limit is their product / 100.
    capacity: Mapped[float | None] = mapped_column()
    load_percent: Mapped[float | None] = mapped_column()
    target_dwell_days: Mapped[int | None] = mapped_column()
    # One item a line: what a candidate needs before it enters this stage.
    entry_checklist: Mapped[str] = mapped_column(Text, default="")
    responsible_role: Mapped[Role | None] = mapped_column(enum_column(Role, "stage_role"))
    version: Mapped[int] = mapped_column()

    funnel: Mapped[Funnel] = relationship(back_populates="stages")
    criteria: Mapped[list[GateCriterion]] = relationship(
        back_populates="stage", order_by="GateCriterion.position"
    )

    __mapper_args__ = {"version_id_col": version}

    def label(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name

    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.entry_checklist.splitlines() if line.strip()]


class GateCriterion(Base):
    """One line of the scorecard of the gate at the exit of `stage`."""

    __tablename__ = "gate_criterion"
    __table_args__ = (UniqueConstraint("stage_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))
    name_zh: Mapped[str | None] = mapped_column(String(160))
    kind: Mapped[CriterionKind] = mapped_column(enum_column(CriterionKind, "criterion_kind"))
    weight: Mapped[float] = mapped_column(default=1.0)
    guidance: Mapped[str] = mapped_column(Text, default="")
    guidance_zh: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column()

    stage: Mapped[Stage] = relationship(back_populates="criteria")

    __mapper_args__ = {"version_id_col": version}

    def snapshot(self) -> dict[str, Any]:
        """The criterion as a review keeps it, so later edits never change past reviews."""
        return {
            "key": self.key,
            "name": self.name,
            "name_zh": self.name_zh,
            "kind": self.kind.value,
            "weight": self.weight,
            "guidance": self.guidance,
            "guidance_zh": self.guidance_zh,
        }


class Candidate(Base):
    __tablename__ = "candidate"
    __table_args__ = (
        # Funnel, stage and status lead (lists and board); the other columns make it covering
        # for the dashboard's live-candidate sums and aging ranking (portfolio.dashboard).
        Index(
            "ix_candidate_funnel_stage_covering",
            "funnel_id",
            "stage_id",
            "status",
            "stage_entered_at",
            "expected_decision_date",
            "expected_value",
            "probability_override",
        ),
        # The list's default order and the board's "longest waiting first" read these.
        Index("ix_candidate_updated_at", "updated_at"),
        Index("ix_candidate_stage_entered", "stage_id", "stage_entered_at"),
        # Covering for the dashboard's cohort funnel (candidates created in the period).
        Index(
            "ix_candidate_cohort", "funnel_id", "created_at", "furthest_stage_id", "expected_value"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funnel_id: Mapped[int] = mapped_column(ForeignKey("funnel.id", ondelete="RESTRICT"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"))
    status: Mapped[Status] = mapped_column(enum_column(Status, "candidate_status"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CandidateKind] = mapped_column(enum_column(CandidateKind, "candidate_kind"))
    org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    sponsor: Mapped[str] = mapped_column(String(120), default="")
    theme: Mapped[str] = mapped_column(String(80), default="", index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    estimated_cost: Mapped[Decimal | None] = mapped_column()
    expected_value: Mapped[Decimal | None] = mapped_column()
    p_technical: Mapped[float | None] = mapped_column()
    p_commercial: Mapped[float | None] = mapped_column()
    # When set, used instead of the stage's probability in the weighted pipeline.
    probability_override: Mapped[float | None] = mapped_column()
    expected_decision_date: Mapped[date | None] = mapped_column(Date)
    risk_level: Mapped[RiskLevel] = mapped_column(enum_column(RiskLevel, "risk_level"))
    # Lower-case, comma-separated; searched as text.
    tags: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The furthest stage ever reached (recycling does not lower it): the cohort funnel counts
    # a candidate in every stage up to this one. Kept with each decision, like StageVisit.
    furthest_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stage.id", ondelete="RESTRICT")
    )
    version: Mapped[int] = mapped_column()

    funnel: Mapped[Funnel] = relationship()
    stage: Mapped[Stage] = relationship(foreign_keys=[stage_id])
    org_unit: Mapped[OrgUnit | None] = relationship()
    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class GateReview(Base):
    """The evaluation of a candidate at the gate of its current stage."""

    __tablename__ = "gate_review"
    __table_args__ = (
        # Covering for the dashboard's decision-latency histogram over a period.
        Index("ix_gate_review_status_closed", "status", "closed_at", "opened_at", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="RESTRICT"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"))
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus, "review_status"))
    # The scorecard as it stood when the review opened (GateCriterion.snapshot()).
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    go_threshold: Mapped[float] = mapped_column(default=60.0)
    kill_threshold: Mapped[float] = mapped_column(default=40.0)
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column()

    candidate: Mapped[Candidate] = relationship()
    stage: Mapped[Stage] = relationship()
    opened_by: Mapped[User | None] = relationship()
    scorers: Mapped[list[ReviewScorer]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )
    scores: Mapped[list[GateScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class ReviewScorer(Base):
    """A person invited to fill the scorecard of a review."""

    __tablename__ = "review_scorer"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("gate_review.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), primary_key=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column()

    review: Mapped[GateReview] = relationship(back_populates="scorers")
    user: Mapped[User] = relationship()


class GateScore(Base):
    __tablename__ = "gate_score"
    __table_args__ = (UniqueConstraint("review_id", "scorer_id", "criterion_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("gate_review.id", ondelete="CASCADE"))
    scorer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    criterion_key: Mapped[str] = mapped_column(String(40))
    # Must-meet: 1 pass, 0 fail. Should-meet: 0-10.
    value: Mapped[float] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[GateReview] = relationship(back_populates="scores")
    scorer: Mapped[User] = relationship()


class StageEvent(Base):
    """One step of a candidate's history. Append-only: database triggers refuse UPDATE and
    DELETE, and no code path issues them."""

    __tablename__ = "stage_event"
    __table_args__ = (
        Index("ix_stage_event_candidate_at", "candidate_id", "at"),
        Index("ix_stage_event_to_stage_at", "to_stage_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="RESTRICT"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"))
    status_after: Mapped[Status] = mapped_column(enum_column(Status, "event_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("gate_review.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    rationale: Mapped[str] = mapped_column(Text, default="")

    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])
    actor: Mapped[User | None] = relationship()


class StageVisit(Base):
    """One stay of a candidate in a stage: when it entered, when and how it left.

    A projection of the stage history kept in the same transaction as each event (see
    portfolio.visits), so that dwell times, work in progress and flow are indexed range
    queries instead of window functions over the whole history. It can always be rebuilt
    from stage_event, which stays the record.
    """

    __tablename__ = "stage_visit"
    __table_args__ = (
        Index("ix_stage_visit_stage_entered", "stage_id", "entered_at"),
        # Covering: dwell histograms and kill counts read only the index.
        Index("ix_stage_visit_stage_left", "stage_id", "left_at", "dwell_days", "outcome"),
        Index("ix_stage_visit_left_at", "left_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="RESTRICT"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"))
    entered_at: Mapped[datetime] = mapped_column()
    left_at: Mapped[datetime | None] = mapped_column()
    # How the stay ended: go, recycle or kill; None while the candidate is still there.
    outcome: Mapped[EventKind | None] = mapped_column(enum_column(EventKind, "visit_outcome"))
    dwell_days: Mapped[float | None] = mapped_column()
