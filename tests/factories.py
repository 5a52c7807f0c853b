"""Builders of test records with sensible defaults; override any field by keyword."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import services as accounts
from accounts.models import OrgUnit, User
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from assessments.answers import AnswerEntry, save_answers, submit_answers
from assessments.campaigns import Setup, create_assessment, open_assessment, set_respondents
from assessments.model import Question, load_model
from assessments.models import Assessment, Questionnaire, RespondentRole
from assessments.questionnaires import install_default_questionnaire
from portfolio.candidates import CandidateFields, create_candidate
from portfolio.decisions import record_decision
from portfolio.funnels import seed_default_funnels
from portfolio.lifecycle import Decision
from portfolio.models import Candidate, CandidateKind, Funnel, GateReview, StageEvent
from portfolio.reviews import Entry

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


def make_user(session: Session, *, hash_method: str, **overrides: Any) -> User:
    n = next(_serial)
    fields: dict[str, Any] = {
        "email": f"user{n}@tollgate.example",
        "display_name": f"User {n}",
        "role": Role.VIEWER,
        "password": PASSWORD,
    }
    fields.update(overrides)
    return accounts.create_user(session, hash_method=hash_method, **fields)


def make_org_unit(session: Session, **overrides: Any) -> OrgUnit:
    n = next(_serial)
    fields: dict[str, Any] = {
        "code": f"UNIT-{n}",
        "name": f"Unit {n}",
        "name_zh": None,
        "kind": OrgUnitKind.GROUP,
        "parent_id": None,
    }
    fields.update(overrides)
    return accounts.create_org_unit(session, accounts.OrgUnitFields(**fields))


def seeded_funnel(session: Session, key: str = "investment") -> Funnel:
    """One of the default funnels (seeding them if needed), with its stages."""
    seed_default_funnels(session)
    return session.scalars(select(Funnel).where(Funnel.key == key)).one()


def make_candidate(
    session: Session,
    *,
    funnel_key: str = "investment",
    actor_id: int | None = None,
    **overrides: Any,
) -> Candidate:
    funnel = seeded_funnel(session, funnel_key)
    n = next(_serial)
    fields: dict[str, Any] = {"title": f"Candidate {n}", "kind": CandidateKind.PROJECT}
    fields.update(overrides)
    return create_candidate(session, funnel.id, CandidateFields(**fields), actor_id=actor_id)


def full_scorecard(review: GateReview, should: float = 8, must: float = 1) -> dict[str, Entry]:
    """Entries for every criterion of `review`: `must` on must-meet, `should` on the rest."""
    return {c["key"]: Entry(value=must if c["kind"] == "must" else should) for c in review.criteria}


def default_questionnaire(session: Session) -> Questionnaire:
    install_default_questionnaire(session)
    return session.scalars(select(Questionnaire).where(Questionnaire.key == "pmmm")).one()


def make_assessment(
    session: Session,
    *,
    respondents: Sequence[tuple[int, RespondentRole]] = (),
    open_it: bool = False,
    **overrides: Any,
) -> Assessment:
    """A draft assessment of the default questionnaire (opened when `open_it`)."""
    questionnaire = default_questionnaire(session)
    unit_id = overrides.pop("org_unit_id", None) or make_org_unit(session).id
    fields: dict[str, Any] = {
        "title": f"Assessment {next(_serial)}",
        "org_unit_id": unit_id,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
        "target_level": 3,
    }
    fields.update(overrides)
    assessment = create_assessment(session, questionnaire.id, Setup(**fields), actor_id=None)
    if respondents:
        set_respondents(session, assessment.id, respondents, expected_version=assessment.version)
    if open_it:
        open_assessment(session, assessment.id, expected_version=assessment.version)
    return assessment


def answer_everything(
    session: Session,
    assessment: Assessment,
    user_id: int,
    value: Callable[[Question], int | None] = lambda _q: 3,
    *,
    submit: bool = True,
) -> None:
    model = load_model(assessment.model)
    entries = {q.id: AnswerEntry(value=value(q)) for q in model.questions}
    save_answers(session, assessment.id, user_id, entries)
    if submit:
        submit_answers(session, assessment.id, user_id)


def decide(
    session: Session, candidate: Candidate, decision: Decision, actor: User, **kwargs: Any
) -> StageEvent:
    """Record `decision` on `candidate` as `actor`, at the version the database holds now."""
    session.rollback()  # end the snapshot: the version must be the current one
    session.refresh(candidate)
    kwargs.setdefault("rationale", "r")
    return record_decision(
        session,
        candidate.id,
        decision,
        expected_version=candidate.version,
        actor_id=actor.id,
        **kwargs,
    )
