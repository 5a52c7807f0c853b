"""Administrators manage users and the org-unit tree through web forms."""

from __future__ import annotations

import re

import pytest

from accounts import services as accounts
from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from tests import factories
from tests.conftest import reloaded, sign_in

NEW_PASSWORD = "a sufficiently long passphrase"


def _user_form(**overrides):
    data = {
        "email": "new.person@tollgate.example",
        "display_name": "New Person",
        "role": "pmo",
        "org_unit_id": "",
        "preferred_language": "",
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def _edit_form(user, **overrides):
    """What the edit page posts for `user`, unchanged but for `overrides`."""
    data = {
        "display_name": user.display_name,
        "role": user.role.value,
        "org_unit_id": "",
        "preferred_language": "",
        "active": "y",
        "version": user.version,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error" class="invalid-feedback">([^<]*)<', page)
    return match.group(1) if match else ""


def test_admin_creates_a_user_who_can_then_sign_in(app, admin_client, session):
    response = admin_client.post("/admin/users/new", data=_user_form())
    assert response.status_code == 302
    user = accounts.find_user(session, "new.person@tollgate.example")
    assert user.role == Role.PMO
    assert user.password_hash != NEW_PASSWORD
    login = app.test_client().post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_bad_email_shows_a_field_error_and_keeps_the_rest(admin_client, session):
    response = admin_client.post(
        "/admin/users/new", data=_user_form(email="not an email", display_name="Kept Name")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _field_error(page, "email") == "Invalid email address."
    assert 'value="Kept Name"' in page
    assert 'value="not an email"' in page
    assert '<option selected value="pmo">' in page
    assert 'aria-invalid="true"' in page
    assert accounts.find_user(session, "not an email") is None


def test_taken_email_is_refused_on_the_field(admin_client, make_user):
    existing = make_user()
    response = admin_client.post("/admin/users/new", data=_user_form(email=existing.email))
    assert _field_error(response.get_data(as_text=True), "email") == (
        "Another user already has this email."
    )


def test_common_password_is_refused_on_the_field(admin_client, session):
    response = admin_client.post(
        "/admin/users/new",
        data=_user_form(new_password="iloveyou1", confirm_password="iloveyou1"),
    )
    assert "too common" in _field_error(response.get_data(as_text=True), "new_password")
    assert accounts.find_user(session, "new.person@tollgate.example") is None


def test_unknown_role_is_a_field_error_not_a_crash(admin_client):
    response = admin_client.post("/admin/users/new", data=_user_form(role="superuser"))
    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "role")


def test_admin_edits_role_and_deactivates(app, admin_client, make_user, session):
    user = make_user(role=Role.VIEWER)
    victim_browser = sign_in(app.test_client(), user)
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data=_edit_form(
            user,
            display_name="Renamed",
            role="executive",
            preferred_language="zh_Hans",
            active=None,
        ),
    )
    assert response.status_code == 302
    user = reloaded(session, user)
    assert (user.display_name, user.role, user.active) == ("Renamed", Role.EXECUTIVE, False)
    assert user.preferred_language == "zh_Hans"
    assert victim_browser.get("/").status_code == 302


def test_edit_from_a_stale_form_gets_409_and_changes_nothing(admin_client, make_user, session):
    user = make_user(display_name="Original")
    stale_version = user.version
    accounts.set_role(session, user.email, Role.PMO)  # someone else saves first
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data=_edit_form(user, display_name="Mine", role="viewer", version=stale_version),
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.get_data(as_text=True)
    user = reloaded(session, user)
    assert (user.display_name, user.role) == ("Original", Role.PMO)


def test_the_last_active_admin_cannot_be_demoted(app, session, make_user):
    only_admin = make_user(role=Role.ADMIN)
    client = sign_in(app.test_client(), only_admin)
    response = client.post(
        f"/admin/users/{only_admin.id}", data=_edit_form(only_admin, role="viewer")
    )
    assert response.status_code == 200
    assert "at least one active administrator" in response.get_data(as_text=True)
    assert reloaded(session, only_admin).role == Role.ADMIN


def test_admin_sets_a_new_password_and_old_sessions_end(app, admin_client, make_user):
    user = make_user()
    old_browser = sign_in(app.test_client(), user)
    response = admin_client.post(
        f"/admin/users/{user.id}/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert old_browser.get("/").status_code == 302
    login = app.test_client().post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_mistyped_password_reset_is_refused_with_the_reason(admin_client, make_user):
    user = make_user()
    response = admin_client.post(
        f"/admin/users/{user.id}/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": "something else"},
    )
    assert response.status_code == 400
    assert "The passwords differ." in response.get_data(as_text=True)


def test_user_list_searches_and_filters(admin_client, make_user):
    make_user(display_name="Zhang Wei", role=Role.PMO)
    make_user(display_name="Li Na", role=Role.VIEWER)
    page = admin_client.get("/admin/users?q=zhang").get_data(as_text=True)
    assert "Zhang Wei" in page
    assert "Li Na" not in page
    page = admin_client.get("/admin/users?role=viewer").get_data(as_text=True)
    assert "Li Na" in page
    assert "Zhang Wei" not in page
    # Unknown filter values fall back to defaults instead of failing.
    assert admin_client.get("/admin/users?role=hacker&status=x&page=-3").status_code == 200


def test_missing_user_is_404(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404


def test_user_list_runs_the_same_queries_for_few_and_many_users(
    admin_client, make_user, session, query_counter, app
):
    unit = factories.make_org_unit(session)
    for _ in range(3):
        make_user(org_unit_id=unit.id)
    with query_counter() as few:
        assert admin_client.get("/admin/users").status_code == 200
    for _ in range(40):
        make_user(org_unit_id=factories.make_org_unit(session).id)
    with query_counter() as many:
        assert admin_client.get("/admin/users").status_code == 200
    assert len(few) == len(many)
    assert len(many) <= 5


# --- org units ---------------------------------------------------------------------------


def _unit_form(**overrides):
    data = {
        "code": "east",
        "name": "East China",
        "name_zh": "华东区",
        "kind": "group",
        "parent_id": "",
    }
    data.update(overrides)
    return data


def test_admin_builds_a_three_level_tree(admin_client, session):
    assert admin_client.post("/admin/org-units/new", data=_unit_form(code="TG")).status_code == 302
    group = session.scalar(accounts.select_org_unit_by_code("TG"))
    response = admin_client.post(
        "/admin/org-units/new",
        data=_unit_form(code="east", kind="region", parent_id=str(group.id)),
    )
    assert response.status_code == 302
    region = session.scalar(accounts.select_org_unit_by_code("EAST"))
    assert region.parent_id == group.id
    page = admin_client.get("/admin/org-units").get_data(as_text=True)
    assert page.index("TG") < page.index("EAST")
    assert 'class="tree-indent-1"' in page


@pytest.mark.parametrize(
    ("kind", "parent", "message"),
    [
        ("region", None, "Choose a parent"),
        ("group", "group", "A group is at the top"),
        ("business_unit", "group", "Wrong parent"),
    ],
)
def test_misplaced_unit_gets_a_field_error(admin_client, session, kind, parent, message):
    group = factories.make_org_unit(session, kind=OrgUnitKind.GROUP)
    response = admin_client.post(
        "/admin/org-units/new",
        data=_unit_form(kind=kind, parent_id=str(group.id) if parent else ""),
    )
    assert response.status_code == 200
    assert message in _field_error(response.get_data(as_text=True), "parent_id")


def test_duplicate_code_is_refused(admin_client, session):
    factories.make_org_unit(session, code="DUP")
    response = admin_client.post("/admin/org-units/new", data=_unit_form(code="dup"))
    assert "already has this code" in _field_error(response.get_data(as_text=True), "code")


def test_admin_renames_a_unit_and_users_list_follows(admin_client, session, make_user):
    unit = factories.make_org_unit(session, name="Old name")
    make_user(org_unit_id=unit.id)
    response = admin_client.post(
        f"/admin/org-units/{unit.id}",
        data=_unit_form(code=unit.code, name="New name", active="y", version=unit.version),
    )
    assert response.status_code == 302
    assert "New name" in admin_client.get("/admin/users").get_data(as_text=True)


def test_users_see_unit_names_in_their_language(admin_client, session, make_user):
    unit = factories.make_org_unit(session, name="East China", name_zh="华东区")
    make_user(org_unit_id=unit.id)
    admin_client.post("/language", data={"language": "zh_Hans"})
    assert "华东区" in admin_client.get("/admin/users").get_data(as_text=True)


def test_user_count_on_admin_home(admin_client, make_user):
    make_user()
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "2 active users" in page


def test_admin_cannot_reach_other_users_via_mass_assignment(admin_client, make_user, session):
    user = make_user()
    forged = _edit_form(
        user,
        display_name="Accepted",
        email="hijack@tollgate.example",
        password_hash="x",
        session_epoch="99",
    )
    assert admin_client.post(f"/admin/users/{user.id}", data=forged).status_code == 302
    user = reloaded(session, user)
    assert user.display_name == "Accepted"
    assert user.email != "hijack@tollgate.example"
    assert user.password_hash != "x"
    assert user.session_epoch == 0
