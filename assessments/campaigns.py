"""Use cases of an assessment campaign: set it up, invite respondents, open it, close it.

Status runs draft -> open -> closed. Closing freezes the result (a snapshot computed from
the submitted answers with the assessment's own copy of the model) and drafts the
improvement roadmap; nothing later, model edits included, changes a closed result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from accounts.models import User
from assessments.errors import CampaignError, NotFound
from assessments.model import load_model
from assessments.models import (
    ActionStatus,
    Assessment,
    AssessmentStatus,
    Respondent,
    RespondentRole,
    RoadmapAction,
)
from assessments.questionnaires import get_questionnaire
from assessments.results import snapshot
from assessments.roadmap import plan_roadmap
from assessments.scoring import score
from persistence import expect_version, utcnow


@dataclass(frozen=True, slots=True)
class Setup:
    title: str
    org_unit_id: int
    period_start: date
    period_end: date
    target_level: int | None = None
    area_targets: dict[str, int] | None = None


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    """The assessment with its unit, respondents (and their users) and roadmap loaded."""
    assessment = session.get(
        Assessment,
        assessment_id,
        options=[
            joinedload(Assessment.org_unit),
            selectinload(Assessment.respondents).joinedload(Respondent.user),
            selectinload(Assessment.actions).joinedload(RoadmapAction.owner),
        ],
    )
    if assessment is None:
        raise NotFound("assessment", str(assessment_id))
    return assessment


def list_assessments(
    session: Session, *, status: AssessmentStatus | None = None, org_unit_id: int | None = None
) -> list[Assessment]:
    query = (
        select(Assessment)
        .options(joinedload(Assessment.org_unit), selectinload(Assessment.respondents))
        .order_by(Assessment.period_end.desc(), Assessment.id.desc())
    )
    if status is not None:
        query = query.where(Assessment.status == status)
    if org_unit_id is not None:
        query = query.where(Assessment.org_unit_id == org_unit_id)
    return list(session.scalars(query))


def open_invitations(session: Session, user_id: int) -> list[Respondent]:
    """The user's invitations to open assessments that they have not submitted yet."""
    query = (
        select(Respondent)
        .join(Respondent.assessment)
        .where(
            Respondent.user_id == user_id,
            Respondent.submitted_at.is_(None),
            Assessment.status == AssessmentStatus.OPEN,
        )
        .options(joinedload(Respondent.assessment).joinedload(Assessment.org_unit))
        .order_by(Assessment.period_end)
    )
    return list(session.scalars(query))


def _check(setup: Setup, area_keys: set[str]) -> None:
    if not setup.title.strip():
        raise CampaignError("title_required")
    if setup.period_end < setup.period_start:
        raise CampaignError("period")
    if setup.target_level is not None and not 1 <= setup.target_level <= 5:
        raise CampaignError("bad_target")
    for area, level in (setup.area_targets or {}).items():
        if area not in area_keys or not 1 <= level <= 5:
            raise CampaignError("bad_target", area)


def _apply(assessment: Assessment, setup: Setup) -> None:
    assessment.title = setup.title.strip()
    assessment.org_unit_id = setup.org_unit_id
    assessment.period_start = setup.period_start
    assessment.period_end = setup.period_end
    assessment.target_level = setup.target_level
    assessment.area_targets = dict(setup.area_targets) if setup.area_targets else None


def _area_keys(model: dict[str, Any]) -> set[str]:
    return {area["key"] for area in model["areas"]}


def create_assessment(
    session: Session, questionnaire_id: int, setup: Setup, *, actor_id: int | None
) -> Assessment:
    """A draft assessment with its own copy of the questionnaire's model."""
    questionnaire = get_questionnaire(session, questionnaire_id)
    _check(setup, _area_keys(questionnaire.content))
    assessment = Assessment(
        questionnaire_id=questionnaire.id,
        model=questionnaire.content,
        status=AssessmentStatus.DRAFT,
        created_by_id=actor_id,
    )
    _apply(assessment, setup)
    session.add(assessment)
    session.commit()
    return assessment


def _editable(assessment: Assessment, expected_version: int) -> None:
    expect_version(assessment, expected_version)
    if assessment.status == AssessmentStatus.CLOSED:
        raise CampaignError("closed")


def update_setup(
    session: Session, assessment_id: int, setup: Setup, *, expected_version: int
) -> Assessment:
    """Change title, period, unit and targets; the unit only while still a draft."""
    assessment = get_assessment(session, assessment_id)
    _editable(assessment, expected_version)
    _check(setup, _area_keys(assessment.model))
    if assessment.status != AssessmentStatus.DRAFT and setup.org_unit_id != assessment.org_unit_id:
        raise CampaignError("not_draft")
    _apply(assessment, setup)
    session.commit()
    return assessment


def set_respondents(
    session: Session,
    assessment_id: int,
    invitations: Sequence[tuple[int, RespondentRole]],
    *,
    expected_version: int,
) -> Assessment:
    """Make the invited people exactly `invitations`. Someone who has answered already
    cannot be removed: their answers would be lost."""
    assessment = get_assessment(session, assessment_id)
    _editable(assessment, expected_version)
    wanted = dict(invitations)
    if len(wanted) != len(invitations):
        raise CampaignError("duplicate_respondent")
    known = set(session.scalars(select(User.id).where(User.id.in_(wanted), User.active)))
    if known != set(wanted):
        raise CampaignError("unknown_user")
    for respondent in list(assessment.respondents):
        if respondent.user_id not in wanted:
            if respondent.answers:
                raise CampaignError("has_answers", respondent.user.display_name)
            assessment.respondents.remove(respondent)
        else:
            respondent.role = wanted.pop(respondent.user_id)
    assessment.respondents.extend(
        Respondent(user_id=user_id, role=role) for user_id, role in wanted.items()
    )
    # The invitations are part of the assessment: its version moves with them, so two
    # people editing them at once cannot both win.
    flag_modified(assessment, "title")
    session.commit()
    return assessment


def open_assessment(session: Session, assessment_id: int, *, expected_version: int) -> Assessment:
    assessment = get_assessment(session, assessment_id)
    expect_version(assessment, expected_version)
    if assessment.status != AssessmentStatus.DRAFT:
        raise CampaignError("not_draft")
    if not assessment.respondents:
        raise CampaignError("no_respondents")
    assessment.status = AssessmentStatus.OPEN
    assessment.opened_at = utcnow()
    session.commit()
    return assessment


def close_assessment(session: Session, assessment_id: int, *, expected_version: int) -> Assessment:
    """Freeze the result from the submitted answers and draft the roadmap from its gaps."""
    assessment = get_assessment(session, assessment_id)
    expect_version(assessment, expected_version)
    if assessment.status != AssessmentStatus.OPEN:
        raise CampaignError("not_open")
    submitted = [r for r in assessment.respondents if r.submitted_at is not None]
    if not submitted:
        raise CampaignError("no_submissions")
    model = load_model(assessment.model)
    result = score(model, [r.responses() for r in submitted], assessment.target())
    assessment.actions = [
        RoadmapAction(
            position=position,
            area=action.area,
            level=action.level,
            gap=action.gap,
            priority=action.priority,
            questions=list(action.questions),
            status=ActionStatus.PLANNED,
        )
        for position, action in enumerate(plan_roadmap(model, result))
    ]
    assessment.result = snapshot(model, submitted, assessment.target(), result)
    assessment.status = AssessmentStatus.CLOSED
    assessment.closed_at = utcnow()
    session.commit()
    return assessment


@dataclass(frozen=True, slots=True)
class ActionChanges:
    owner_id: int | None
    due_date: date | None
    status: ActionStatus
    note: str = ""


def update_action(
    session: Session, action_id: int, changes: ActionChanges, *, expected_version: int
) -> RoadmapAction:
    action = session.get(RoadmapAction, action_id)
    if action is None:
        raise NotFound("action", str(action_id))
    expect_version(action, expected_version)
    action.owner_id = changes.owner_id
    action.due_date = changes.due_date
    action.status = changes.status
    action.note = changes.note.strip()
    session.commit()
    return action
