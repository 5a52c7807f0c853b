"""Builders of test records with sensible defaults; override any field by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from accounts import services as accounts
from accounts.models import OrgUnit, User
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role

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
