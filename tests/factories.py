"""Builders of test records with sensible defaults; override any field by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import services as accounts
from accounts.models import OrgUnit, User
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from portfolio.candidates import CandidateFields, create_candidate
from portfolio.funnels import seed_default_funnels
from portfolio.models import Candidate, CandidateKind, Funnel, GateReview
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
