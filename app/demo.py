"""Demo data for a first look at Tollgate: an org tree, one user per role (two PMO staff,
so a gate review can have several scorers), a demo portfolio with two years of history,
and maturity assessments: three closed rounds per org unit and one open for the demo
logins to answer.

Idempotent: what exists is kept. Demo passwords are random, made on first load and kept
in instance/demo-logins.json (readable by the owner only) so every `make run` can show
them again; nothing secret is in the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import services as accounts
from accounts.models import OrgUnit, User
from accounts.orgtree import OrgUnitKind
from accounts.passwords import verify_password
from accounts.roles import Role
from assessments.demo import DemoUnit, load_demo_assessments
from assessments.questionnaires import install_default_questionnaire
from persistence import utcnow
from portfolio.demo import DemoPeople, load_demo_portfolio
from portfolio.funnels import seed_default_funnels

GROUP, REGION, BU = OrgUnitKind.GROUP, OrgUnitKind.REGION, OrgUnitKind.BUSINESS_UNIT

# code, name, Chinese name, kind, parent code
ORG_UNITS = (
    ("TG", "Tollgate Group", "拓门集团", GROUP, None),
    ("EAST", "East China Region", "华东区", REGION, "TG"),
    ("EAST-MFG", "Manufacturing", "制造事业部", BU, "EAST"),
    ("EAST-DIG", "Digital Services", "数字服务事业部", BU, "EAST"),
    ("NORTH", "North China Region", "华北区", REGION, "TG"),
    ("NORTH-ENG", "Energy", "能源事业部", BU, "NORTH"),
    ("NORTH-INF", "Infrastructure", "基础设施事业部", BU, "NORTH"),
    ("SOUTH", "South China Region", "华南区", REGION, "TG"),
    ("SOUTH-CON", "Consumer Products", "消费品事业部", BU, "SOUTH"),
)

# email, display name, role, org unit code, preferred language
USERS = (
    ("admin@tollgate.example", "Alex Admin", Role.ADMIN, "TG", None),
    ("pmo@tollgate.example", "Wang Fang", Role.PMO, "TG", None),
    ("pmo2@tollgate.example", "Li Na", Role.PMO, "EAST", "zh_Hans"),
    ("executive@tollgate.example", "Chen Jie", Role.EXECUTIVE, "TG", None),
    ("viewer@tollgate.example", "Vera Viewer", Role.VIEWER, "EAST", None),
)


CHANGED = "(changed since the demo was loaded)"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: str
    email: str
    password: str


def logins_path(instance_path: str) -> Path:
    return Path(instance_path) / "demo-logins.json"


def _read_passwords(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def _write_passwords(path: Path, passwords: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)


def load_org_units(session: Session) -> dict[str, int]:
    """Create the demo org tree where missing; return unit ids by code."""
    ids = dict(session.execute(select(OrgUnit.code, OrgUnit.id)).tuples().all())
    for code, name, name_zh, kind, parent in ORG_UNITS:
        if code not in ids:
            fields = accounts.OrgUnitFields(
                code=code,
                name=name,
                name_zh=name_zh,
                kind=kind,
                parent_id=ids[parent] if parent else None,
            )
            ids[code] = accounts.create_org_unit(session, fields).id
    return ids


def load_users(
    session: Session, unit_ids: dict[str, int], *, hash_method: str, logins_file: Path
) -> list[DemoLogin]:
    """Create the demo users where missing. A demo user whose password is not on file gets
    a new one, so the printed logins work; one whose password was changed in Tollgate keeps
    it and is listed as changed."""
    stored = _read_passwords(logins_file)
    logins = []
    for email, name, role, unit, language in USERS:
        user = accounts.find_user(session, email)
        password = stored.get(email)
        if user is None:
            password = password or secrets.token_urlsafe(12)
            accounts.create_user(
                session,
                email=email,
                display_name=name,
                role=role,
                password=password,
                hash_method=hash_method,
                preferred_language=language,
                org_unit_id=unit_ids[unit],
            )
        elif password is None:
            password = secrets.token_urlsafe(12)
            accounts.set_password(session, user.id, password, hash_method=hash_method)
        elif not verify_password(user.password_hash, password):
            logins.append(DemoLogin(role.value, email, CHANGED))
            continue
        stored[email] = password
        logins.append(DemoLogin(role.value, email, password))
    _write_passwords(logins_file, stored)
    return logins


# Staff who answer the demo maturity assessments; they are not demo logins.
STAFF = (
    ("Zhao Min", "staff1@tollgate.example"),
    ("Qian Hao", "staff2@tollgate.example"),
    ("Sun Li", "staff3@tollgate.example"),
    ("Zhou Jun", "staff4@tollgate.example"),
    ("Wu Ting", "staff5@tollgate.example"),
    ("Zheng Kai", "staff6@tollgate.example"),
    ("Feng Yu", "staff7@tollgate.example"),
    ("Chen Xi", "staff8@tollgate.example"),
)


def load_staff(session: Session, *, hash_method: str) -> list[int]:
    """The demo respondents (viewers with unknown random passwords); ids in STAFF order."""
    ids = []
    for name, email in STAFF:
        user = accounts.find_user(session, email)
        if user is None:
            user = accounts.create_user(
                session,
                email=email,
                display_name=name,
                role=Role.VIEWER,
                password=secrets.token_urlsafe(16),
                hash_method=hash_method,
            )
        ids.append(user.id)
    return ids


def load_assessments(session: Session, *, hash_method: str) -> None:
    install_default_questionnaire(session)
    staff = load_staff(session, hash_method=hash_method)
    units = [
        DemoUnit(unit.id, unit.name)
        for unit in session.scalars(select(OrgUnit).order_by(OrgUnit.id))
    ]
    demo_logins = {u.email: u.id for u in session.scalars(select(User))}
    load_demo_assessments(
        session,
        units,
        [*staff, demo_logins["pmo@tollgate.example"]],
        organiser_id=demo_logins["pmo@tollgate.example"],
        open_for=[
            demo_logins[email]
            for email in (
                "executive@tollgate.example",
                "pmo2@tollgate.example",
                "viewer@tollgate.example",
            )
        ],
        now=utcnow(),
    )


def demo_people(session: Session) -> DemoPeople:
    """Who plays which part in the demo portfolio, from the demo accounts and units."""
    by_email = {
        user.email: user
        for user in session.scalars(select(User).where(User.email.in_([u[0] for u in USERS])))
    }
    ids = {role: [u.id for u in by_email.values() if u.role == role] for role in Role}
    units = session.scalars(
        select(OrgUnit.id).where(OrgUnit.kind == OrgUnitKind.BUSINESS_UNIT).order_by(OrgUnit.id)
    ).all()
    return DemoPeople(
        creators=ids[Role.PMO],
        deciders=ids[Role.EXECUTIVE] + ids[Role.ADMIN],
        scorers=ids[Role.PMO] + ids[Role.EXECUTIVE],
        org_units=units,
    )


def load(session: Session, *, hash_method: str, logins_file: Path) -> list[DemoLogin]:
    """Org tree, accounts, default funnels and the demo portfolio, each only if missing."""
    unit_ids = load_org_units(session)
    logins = load_users(session, unit_ids, hash_method=hash_method, logins_file=logins_file)
    seed_default_funnels(session)
    load_demo_portfolio(session, demo_people(session), now=utcnow())
    load_assessments(session, hash_method=hash_method)
    return logins
