"""With CSRF protection on (as in production), no state change happens without a token."""

from __future__ import annotations

import re

import pytest

from accounts.roles import Role
from tests.factories import PASSWORD
from tests.web.test_access import _url


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_every_post_route_refuses_a_request_without_token(app, client_for):
    client = client_for(Role.ADMIN)
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) >= 5
    for rule in posts:
        response = client.post(_url(app, rule), data={})
        assert response.status_code == 400, rule.rule
        assert "The form had expired" in response.get_data(as_text=True)


def test_login_without_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_with_the_forms_token_works(client, make_user):
    user = make_user()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_token_of_another_session_is_refused(app, make_user):
    user = make_user()
    foreign_token = _token(app.test_client().get("/login").get_data(as_text=True))
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": foreign_token}
    )
    assert response.status_code == 400
