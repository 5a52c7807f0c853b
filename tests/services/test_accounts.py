"""Account use cases on a real database session."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from accounts import errors
from accounts import services as accounts
from accounts.models import User
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from persistence import StaleVersionError
from tests import factories
from tests.conftest import reloaded

HASH = "pbkdf2:sha256:1000"


def _changes(user: User, **overrides) -> accounts.UserChanges:
    fields = {
        "display_name": user.display_name,
        "role": user.role,
        "preferred_language": user.preferred_language,
        "org_unit_id": user.org_unit_id,
        "active": user.active,
    }
    fields.update(overrides)
    return accounts.UserChanges(**fields)


def test_create_user_normalises_and_hashes(session):
    user = factories.make_user(session, hash_method=HASH, email=" A.B@Tollgate.Example ")
    assert user.email == "a.b@tollgate.example"
    assert user.password_hash.startswith("pbkdf2:sha256")
    assert factories.PASSWORD not in user.password_hash
    assert user.version == 1


def test_duplicate_email_is_refused(session):
    factories.make_user(session, hash_method=HASH, email="same@tollgate.example")
    with pytest.raises(errors.EmailTaken):
        factories.make_user(session, hash_method=HASH, email="SAME@tollgate.example")


def test_weak_password_lists_every_problem(session):
    with pytest.raises(errors.WeakPassword) as caught:
        factories.make_user(session, hash_method=HASH, email="short@x.example", password="short")
    assert caught.value.problems == ["too_short", "like_account"]


def test_authenticate(session):
    user = factories.make_user(session, hash_method=HASH)
    assert accounts.authenticate(session, user.email, factories.PASSWORD, hash_method=HASH) == user
    assert accounts.authenticate(session, user.email, "nope nope", hash_method=HASH) is None
    assert accounts.authenticate(session, "who@x.example", "whatever", hash_method=HASH) is None


def test_session_ids_stop_working_when_the_epoch_moves(session):
    user = factories.make_user(session, hash_method=HASH)
    login_id = user.get_id()
    assert accounts.load_session_user(session, login_id) == user
    accounts.end_sessions(session, user.id)
    assert accounts.load_session_user(session, login_id) is None
    assert accounts.load_session_user(session, user.get_id()) == user
    for forged in ("", "abc", f"{user.id}", f"{user.id}:x", f"x:{user.session_epoch}"):
        assert accounts.load_session_user(session, forged) is None


def test_update_from_stale_version_is_refused(session):
    user = factories.make_user(session, hash_method=HASH)
    seen = user.version
    accounts.update_user(
        session, user.id, expected_version=seen, changes=_changes(user, display_name="A")
    )
    with pytest.raises(StaleVersionError):
        accounts.update_user(
            session, user.id, expected_version=seen, changes=_changes(user, display_name="B")
        )
    session.rollback()
    assert session.get(User, user.id).display_name == "A"


def test_concurrent_writers_cannot_both_win(engine, session):
    """Two sessions read the same version; the second write is refused, not lost."""
    user = factories.make_user(session, hash_method=HASH)
    with Session(engine) as first, Session(engine) as second:
        mine, theirs = first.get(User, user.id), second.get(User, user.id)
        mine.display_name = "first"
        first.commit()
        theirs.display_name = "second"
        # PostgreSQL: the version check finds no row; SQLite: the stale snapshot cannot write.
        with pytest.raises((StaleDataError, OperationalError)) as caught:
            second.commit()
        assert isinstance(caught.value, StaleDataError) or "locked" in str(caught.value)
    assert reloaded(session, user).display_name == "first"


@pytest.mark.parametrize("change", [{"role": Role.PMO}, {"active": False}])
def test_the_last_active_admin_stays(session, change):
    admin = factories.make_user(session, hash_method=HASH, role=Role.ADMIN)
    with pytest.raises(errors.LastAdmin):
        accounts.update_user(
            session, admin.id, expected_version=admin.version, changes=_changes(admin, **change)
        )
    second = factories.make_user(session, hash_method=HASH, role=Role.ADMIN)
    accounts.update_user(
        session, admin.id, expected_version=admin.version, changes=_changes(admin, **change)
    )
    with pytest.raises(errors.LastAdmin):
        accounts.deactivate_user(session, second.email)


def test_deactivation_ends_sessions(session):
    user = factories.make_user(session, hash_method=HASH)
    before = user.session_epoch
    accounts.deactivate_user(session, user.email)
    assert user.session_epoch == before + 1
    assert accounts.authenticate(session, user.email, factories.PASSWORD, hash_method=HASH) is None


def test_change_own_password_needs_the_current_one(session):
    user = factories.make_user(session, hash_method=HASH)
    with pytest.raises(errors.WrongPassword):
        accounts.change_own_password(
            session,
            user.id,
            current_password="guess guess",
            new_password="new long passphrase",
            hash_method=HASH,
        )
    accounts.change_own_password(
        session,
        user.id,
        current_password=factories.PASSWORD,
        new_password="new long passphrase",
        hash_method=HASH,
    )
    assert accounts.authenticate(session, user.email, "new long passphrase", hash_method=HASH)


def test_org_tree_comes_back_in_order(session):
    group = factories.make_org_unit(session, code="G", name="Group")
    south = factories.make_org_unit(
        session, code="S", name="South", kind=OrgUnitKind.REGION, parent_id=group.id
    )
    factories.make_org_unit(
        session, code="N", name="North", kind=OrgUnitKind.REGION, parent_id=group.id
    )
    factories.make_org_unit(
        session, code="S1", name="Shenzhen", kind=OrgUnitKind.BUSINESS_UNIT, parent_id=south.id
    )
    tree = [(unit.code, depth) for unit, depth in accounts.org_unit_tree(session)]
    assert tree == [("G", 0), ("N", 1), ("S", 1), ("S1", 2)]


def test_a_region_with_units_cannot_become_a_group(session):
    group = factories.make_org_unit(session)
    region = factories.make_org_unit(session, kind=OrgUnitKind.REGION, parent_id=group.id)
    factories.make_org_unit(session, kind=OrgUnitKind.BUSINESS_UNIT, parent_id=region.id)
    fields = accounts.OrgUnitFields(
        code=region.code, name=region.name, name_zh=None, kind=OrgUnitKind.GROUP, parent_id=None
    )
    with pytest.raises(errors.BadPlacement) as caught:
        accounts.update_org_unit(session, region.id, expected_version=region.version, fields=fields)
    assert caught.value.code == "kind_has_children"
