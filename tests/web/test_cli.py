"""The command-line tools: users and demo data."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import func, select

from accounts import services as accounts
from accounts.models import OrgUnit
from accounts.roles import Role
from app import demo


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_logins(app, tmp_path, monkeypatch):
    path = tmp_path / "instance" / "demo-logins.json"
    monkeypatch.setattr(demo, "logins_path", lambda _instance: path)
    return path


def _authenticates(app, session, email, password):
    method = app.config["PASSWORD_HASH_METHOD"]
    return accounts.authenticate(session, email, password, hash_method=method) is not None


def test_users_create_with_prompted_password(runner, session, app):
    password = "prompted passphrase ok"
    result = runner.invoke(
        args=["users", "create", "Ops@Tollgate.example", "--name", "Ops", "--role", "admin"],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    assert "created ops@tollgate.example (admin)" in result.output
    assert _authenticates(app, session, "ops@tollgate.example", password)


def test_users_create_refuses_a_weak_password_and_creates_nothing(runner, session):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "weak@tollgate.example",
            "--name",
            "W",
            "--role",
            "pmo",
            "--password",
            "password1",
        ],
    )
    assert result.exit_code != 0
    assert "too_common" in result.output
    assert accounts.find_user(session, "weak@tollgate.example") is None


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "x@tollgate.example",
            "--name",
            "X",
            "--role",
            "boss",
            "--password",
            "long enough passphrase",
        ],
    )
    assert result.exit_code == 2
    assert "boss" in result.output


def test_set_role_and_deactivate(runner, make_user, session):
    user = make_user(role=Role.VIEWER)
    result = runner.invoke(args=["users", "set-role", user.email, "executive"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    session.rollback()
    user = accounts.find_user(session, user.email)
    assert (user.role, user.active) == (Role.EXECUTIVE, False)


def test_cli_keeps_the_last_admin(runner, make_user):
    admin = make_user(role=Role.ADMIN)
    result = runner.invoke(args=["users", "deactivate", admin.email])
    assert result.exit_code == 1
    assert "at least one active administrator" in result.output


def test_unknown_email_is_a_clear_error(runner):
    result = runner.invoke(args=["users", "set-role", "ghost@tollgate.example", "pmo"])
    assert result.exit_code == 1
    assert "no user with email ghost@tollgate.example" in result.output


def test_demo_loads_once_and_prints_logins_that_work(runner, app, session, demo_logins):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert first.output == second.output

    units = session.scalar(select(func.count()).select_from(OrgUnit))
    assert units == len(demo.ORG_UNITS)
    stored = json.loads(demo_logins.read_text())
    assert stat.S_IMODE(demo_logins.stat().st_mode) == 0o600
    for email, _name, role, _unit, _language in demo.USERS:
        assert f"{role.value:10} {email:32} {stored[email]}" in first.output
        assert _authenticates(app, session, email, stored[email])


def test_demo_renews_a_password_lost_from_the_file(runner, app, session, demo_logins):
    runner.invoke(args=["demo"])
    demo_logins.unlink()
    result = runner.invoke(args=["demo"])
    stored = json.loads(demo_logins.read_text())
    assert _authenticates(app, session, "pmo@tollgate.example", stored["pmo@tollgate.example"])
    assert stored["pmo@tollgate.example"] in result.output


def test_demo_does_not_print_a_password_changed_since(runner, app, session, demo_logins):
    runner.invoke(args=["demo"])
    user = accounts.find_user(session, "viewer@tollgate.example")
    accounts.set_password(
        session, user.id, "my own new passphrase", hash_method="pbkdf2:sha256:1000"
    )
    result = runner.invoke(args=["demo"])
    assert demo.CHANGED in result.output


def test_demo_refuses_production(database_url, monkeypatch, make_app):
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    production = make_app({"TOLLGATE_ENV": "production", "DATABASE_URL": database_url})
    result = production.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "not loaded into a production database" in result.output
