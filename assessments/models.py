"""Tables of maturity assessments: questionnaire versions, assessment campaigns, their
respondents and answers, and the improvement roadmap drawn from a closed result."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import OrgUnit, User
from persistence import Base, enum_column, utcnow


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RespondentRole(StrEnum):
    EXECUTIVE = "executive"
    LINE_MANAGER = "line_manager"
    PROJECT_MANAGER = "project_manager"
    TEAM_MEMBER = "team_member"


class Evidence(StrEnum):
    CLAIMED = "claimed"
    DOCUMENTED = "documented"
    OBSERVED = "observed"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Questionnaire(Base):
    """One version of a maturity model file, kept whole so that it can be reloaded as is."""

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    # assessments.model.Model.to_dict(): the file's content, validated.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    question_count: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="RESTRICT")
    )
    # The questionnaire as it stood when the assessment was created: later versions or
    # edits never change what respondents answer or how a result was computed.
    model: Mapped[dict[str, Any]] = mapped_column(JSON)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # Either one target level for every area or one per area (area key -> level).
    target_level: Mapped[int | None] = mapped_column()
    area_targets: Mapped[dict[str, int] | None] = mapped_column(JSON)
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column(AssessmentStatus, "assessment_status"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Frozen when the assessment closes (see assessments.results.snapshot).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column()

    org_unit: Mapped[OrgUnit] = relationship()
    questionnaire: Mapped[Questionnaire] = relationship()
    created_by: Mapped[User | None] = relationship()
    respondents: Mapped[list[Respondent]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Respondent.id"
    )
    actions: Mapped[list[RoadmapAction]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="RoadmapAction.position"
    )

    __mapper_args__ = {"version_id_col": version}

    def target(self) -> int | dict[str, int] | None:
        """The target in the form `assessments.scoring.score` takes."""
        return self.area_targets if self.area_targets else self.target_level


class Respondent(Base):
    """A person invited to answer an assessment, in one respondent role."""

    __tablename__ = "respondent"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[RespondentRole] = mapped_column(enum_column(RespondentRole, "respondent_role"))
    submitted_at: Mapped[datetime | None] = mapped_column()

    assessment: Mapped[Assessment] = relationship(back_populates="respondents")
    user: Mapped[User] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="respondent", cascade="all, delete-orphan"
    )

    def responses(self) -> dict[str, int | None]:
        """{question id: answer} as `assessments.scoring.score` takes it (None is N/A)."""
        return {answer.question_id: answer.value for answer in self.answers}


class Answer(Base):
    """One respondent's answer to one question: 0-4, or N/A when `value` is NULL.
    A question without a row is not answered yet."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("respondent_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(60))
    value: Mapped[int | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[Evidence | None] = mapped_column(enum_column(Evidence, "evidence"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    respondent: Mapped[Respondent] = relationship(back_populates="answers")


class RoadmapAction(Base):
    """One step of the improvement roadmap: reach `level` in `area`."""

    __tablename__ = "roadmap_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    area: Mapped[str] = mapped_column(String(60))
    level: Mapped[int] = mapped_column()
    gap: Mapped[int] = mapped_column()
    priority: Mapped[int] = mapped_column()
    questions: Mapped[list[str]] = mapped_column(JSON)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column()

    assessment: Mapped[Assessment] = relationship(back_populates="actions")
    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
