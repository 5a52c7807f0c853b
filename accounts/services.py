"""Use cases on users and org units. Each public function that changes data commits once;
on any failure nothing is written."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from accounts import errors
from accounts.models import LANGUAGES, OrgUnit, User
from accounts.orgtree import Node, OrgUnitKind, placement_problem, tree_order
from accounts.passwords import hash_password, password_problems, verify_password
from accounts.roles import Role
from persistence import Page, expect_version, paginate, utcnow

# --- users -------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise errors.NotFound(f"user {user_id}")
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def require_user(session: Session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise errors.NotFound(email)
    return user


def _check_password(password: str, email: str, display_name: str) -> None:
    problems = password_problems(password, email=email, display_name=display_name)
    if problems:
        raise errors.WeakPassword(problems)


def _check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")


def _commit_unique(session: Session, failure: errors.AccountError) -> None:
    """Commit; a unique-constraint race lost to another writer becomes `failure`."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise failure from None


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str,
    hash_method: str,
    preferred_language: str | None = None,
    org_unit_id: int | None = None,
) -> User:
    email = normalise_email(email)
    display_name = display_name.strip()
    _check_password(password, email, display_name)
    _check_language(preferred_language)
    if find_user(session, email) is not None:
        raise errors.EmailTaken(email)
    user = User(
        email=email,
        display_name=display_name,
        role=role,
        password_hash=hash_password(password, hash_method),
        preferred_language=preferred_language,
        org_unit_id=org_unit_id,
    )
    session.add(user)
    _commit_unique(session, errors.EmailTaken(email))
    return user


def _active_admin_count(session: Session) -> int:
    query = select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
    return session.scalar(query.select_from(User)) or 0


def _guard_last_admin(session: Session, user: User, role: Role, active: bool) -> None:
    stays_admin = role == Role.ADMIN and active
    leaving = user.role == Role.ADMIN and user.active and not stays_admin
    if leaving and _active_admin_count(session) <= 1:
        raise errors.LastAdmin(user.email)


@dataclass(frozen=True, slots=True)
class UserChanges:
    display_name: str
    role: Role
    preferred_language: str | None
    org_unit_id: int | None
    active: bool


def update_user(
    session: Session, user_id: int, *, expected_version: int, changes: UserChanges
) -> User:
    """Apply an administrator's edit to a user, unless someone changed the user meanwhile."""
    user = get_user(session, user_id)
    expect_version(user, expected_version)
    _check_language(changes.preferred_language)
    _guard_last_admin(session, user, changes.role, changes.active)
    if user.active and not changes.active:
        user.session_epoch += 1
    user.display_name = changes.display_name.strip()
    user.role = changes.role
    user.preferred_language = changes.preferred_language
    user.org_unit_id = changes.org_unit_id
    user.active = changes.active
    session.commit()
    return user


def set_role(session: Session, email: str, role: Role) -> User:
    user = require_user(session, email)
    _guard_last_admin(session, user, role, user.active)
    user.role = role
    session.commit()
    return user


def deactivate_user(session: Session, email: str) -> User:
    user = require_user(session, email)
    _guard_last_admin(session, user, user.role, False)
    if user.active:
        user.active = False
        user.session_epoch += 1
        session.commit()
    return user


def set_password(session: Session, user_id: int, new_password: str, *, hash_method: str) -> User:
    """Set a new password (an administrator's reset); every session of the user ends."""
    user = get_user(session, user_id)
    _check_password(new_password, user.email, user.display_name)
    user.password_hash = hash_password(new_password, hash_method)
    user.session_epoch += 1
    session.commit()
    return user


def change_own_password(
    session: Session, user_id: int, *, current_password: str, new_password: str, hash_method: str
) -> User:
    """A user changes their own password, proving they know the current one."""
    user = get_user(session, user_id)
    if not verify_password(user.password_hash, current_password):
        raise errors.WrongPassword(user.email)
    return set_password(session, user_id, new_password, hash_method=hash_method)


def authenticate(session: Session, email: str, password: str, *, hash_method: str) -> User | None:
    """The active user with this email and password, or None. Records the sign-in time."""
    user = find_user(session, email)
    if user is None:
        # Spend the time a real check would, so response time does not reveal the email.
        hash_password(password, hash_method)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    session.commit()
    return user


def load_session_user(session: Session, login_id: str) -> User | None:
    """The user a session cookie names, if that session is still valid."""
    user_part, _, epoch_part = login_id.partition(":")
    if not (user_part.isdigit() and epoch_part.isdigit()):
        return None
    user = session.get(User, int(user_part))
    if user is None or not user.active or user.session_epoch != int(epoch_part):
        return None
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Invalidate every session cookie the user holds (logout ends them everywhere)."""
    user = get_user(session, user_id)
    user.session_epoch += 1
    session.commit()


def set_preferred_language(session: Session, user_id: int, language: str | None) -> None:
    _check_language(language)
    user = get_user(session, user_id)
    if user.preferred_language != language:
        user.preferred_language = language
        session.commit()


def search_users(
    session: Session,
    *,
    text: str = "",
    role: Role | None = None,
    active: bool | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[User]:
    query = select(User).options(selectinload(User.org_unit)).order_by(User.display_name, User.id)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    return paginate(session, query, page, per_page)


# --- org units ---------------------------------------------------------------------------


def get_org_unit(session: Session, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise errors.NotFound(f"org unit {unit_id}")
    return unit


@dataclass(frozen=True, slots=True)
class OrgUnitFields:
    code: str
    name: str
    name_zh: str | None
    kind: OrgUnitKind
    parent_id: int | None
    active: bool = True


def _place(session: Session, unit: OrgUnit | None, fields: OrgUnitFields) -> None:
    parent = get_org_unit(session, fields.parent_id) if fields.parent_id is not None else None
    child_kinds = [child.kind for child in unit.children] if unit is not None else []
    problem = placement_problem(fields.kind, parent.kind if parent else None, child_kinds)
    if problem:
        raise errors.BadPlacement(problem)


def _apply(unit: OrgUnit, fields: OrgUnitFields) -> None:
    unit.code = fields.code.strip().upper()
    unit.name = fields.name.strip()
    unit.name_zh = (fields.name_zh or "").strip() or None
    unit.kind = fields.kind
    unit.parent_id = fields.parent_id
    unit.active = fields.active


def select_org_unit_by_code(code: str) -> Select[tuple[OrgUnit]]:
    return select(OrgUnit).where(OrgUnit.code == code.strip().upper())


def _code_taken(session: Session, code: str, except_id: int | None) -> bool:
    query = select_org_unit_by_code(code)
    if except_id is not None:
        query = query.where(OrgUnit.id != except_id)
    return session.scalar(query) is not None


def create_org_unit(session: Session, fields: OrgUnitFields) -> OrgUnit:
    _place(session, None, fields)
    if _code_taken(session, fields.code, None):
        raise errors.CodeTaken(fields.code)
    unit = OrgUnit()
    _apply(unit, fields)
    session.add(unit)
    _commit_unique(session, errors.CodeTaken(fields.code))
    return unit


def update_org_unit(
    session: Session, unit_id: int, *, expected_version: int, fields: OrgUnitFields
) -> OrgUnit:
    unit = get_org_unit(session, unit_id)
    expect_version(unit, expected_version)
    _place(session, unit, fields)
    if _code_taken(session, fields.code, unit_id):
        raise errors.CodeTaken(fields.code)
    _apply(unit, fields)
    _commit_unique(session, errors.CodeTaken(fields.code))
    return unit


def org_unit_tree(session: Session) -> list[tuple[OrgUnit, int]]:
    """Every org unit with its depth, in tree order (one query)."""
    units = {unit.id: unit for unit in session.scalars(select(OrgUnit))}
    nodes = [Node(u.id, u.parent_id, u.name.lower()) for u in units.values()]
    return [(units[unit_id], depth) for unit_id, depth in tree_order(nodes)]
