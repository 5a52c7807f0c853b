"""Error pages say what happened and nothing more; a failed request poisons nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from accounts.models import User
from accounts.roles import ALL_ROLES
from app.access import roles
from app.extensions import db
from tests.conftest import sign_in


@pytest.fixture
def app_config():
    return {"PROPAGATE_EXCEPTIONS": False}


def _add_route(app: Flask, rule: str, view) -> None:
    app.add_url_rule(rule, view.__name__, roles(*ALL_ROLES)(view))


def test_unknown_page_gets_the_404_page(admin_client):
    response = admin_client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_json_clients_get_a_problem_body(admin_client):
    response = admin_client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404
    assert response.get_json()["title"] == "Page not found"


def test_crash_shows_a_generic_page_without_details(app, make_user):
    def explode():
        raise RuntimeError("secret internals: password=hunter2")

    _add_route(app, "/explode", explode)
    client = sign_in(app.test_client(), make_user())
    response = client.get("/explode")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in text
    assert "hunter2" not in text
    assert "Traceback" not in text


def test_failed_write_does_not_poison_the_next_request(app, make_user):
    existing = make_user()

    def duplicate():
        db.session.add(
            User(email=existing.email, display_name="dup", password_hash="x", role="viewer")
        )
        db.session.flush()
        return "unreachable"

    def count():
        return str(len(db.session.scalars(select(User)).all()))

    _add_route(app, "/duplicate", duplicate)
    _add_route(app, "/count", count)
    client = sign_in(app.test_client(), existing)
    assert client.get("/duplicate").status_code == 500
    response = client.get("/count")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "1"


def test_forbidden_page_explains_the_role(viewer_client):
    response = viewer_client.get("/admin/")
    assert response.status_code == 403
    assert "Your role does not give access to this page." in response.get_data(as_text=True)
