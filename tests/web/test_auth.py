"""Signing in and out, redirects after sign-in, and the end of sessions."""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import redis

from accounts import services as accounts
from accounts.roles import Role
from tests.conftest import reloaded, sign_in
from tests.factories import PASSWORD

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _login(client, email, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_page_shows_the_form(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data
    assert b'name="password"' in response.data


def test_correct_password_signs_in_and_reaches_home(client, make_user):
    user = make_user(display_name="Li Lei", role=Role.PMO)
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome, Li Lei" in home.get_data(as_text=True)


def test_email_is_matched_without_case_or_spaces(client, make_user):
    user = make_user(email="Mixed.Case@Tollgate.example")
    assert _login(client, "  MIXED.case@tollgate.EXAMPLE ").status_code == 302
    assert user.email == "mixed.case@tollgate.example"


@pytest.mark.parametrize("email_kind", ["known", "unknown"])
def test_wrong_credentials_give_one_generic_error_and_keep_the_email(client, make_user, email_kind):
    user = make_user()
    email = user.email if email_kind == "known" else "nobody@tollgate.example"
    response = _login(client, email, "wrong password!")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong email or password." in text
    assert f'value="{email}"' in text
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user, session):
    user = make_user()
    accounts.deactivate_user(session, user.email)
    response = _login(client, user.email)
    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_sign_in_records_the_time(client, make_user, session):
    user = make_user()
    _login(client, user.email)
    assert reloaded(session, user).last_login_at is not None


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/users", "/admin/users"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_next_is_followed_only_within_the_site(client, make_user, next_url, expected):
    user = make_user(role=Role.ADMIN)
    response = _login(client, user.email, next_url=next_url)
    assert response.headers["Location"] == expected


def test_protected_page_sends_anonymous_visitor_to_login_with_next(client):
    response = client.get("/admin/users?q=x")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/admin/users?q=x"]


def test_logout_ends_the_session_and_old_cookies(app, make_user):
    user = make_user()
    browser = app.test_client()
    _login(browser, user.email)
    stolen = app.test_client()
    stolen.set_cookie("session", browser.get_cookie("session").value)
    assert stolen.get("/").status_code == 200

    response = browser.post("/logout")
    assert response.status_code == 302
    assert browser.get("/").status_code == 302
    assert stolen.get("/").status_code == 302


def test_logout_needs_post(client, make_user):
    sign_in(client, make_user())
    assert client.get("/logout").status_code == 405


def test_password_change_keeps_this_session_and_ends_the_others(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    _login(here, user.email)
    _login(elsewhere, user.email)
    new_password = "a much longer new passphrase"
    response = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new_password,
            "confirm_password": new_password,
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    fresh = app.test_client()
    assert _login(fresh, user.email, new_password).status_code == 302


def test_password_change_with_wrong_current_password_is_refused(client, make_user):
    sign_in(client, make_user())
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "new_password": "another long passphrase",
            "confirm_password": "another long passphrase",
        },
    )
    assert response.status_code == 200
    assert "The current password is wrong." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short", "short", "Field must be between 8 and 1024 characters long."),
        ("password123", "password123", "This password is too common"),
        ("a long passphrase", "a different one!", "The passwords differ."),
    ],
)
def test_weak_or_mistyped_new_password_gets_a_field_error(client, make_user, new, confirm, message):
    sign_in(client, make_user())
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm_password": confirm},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_deactivation_ends_the_users_sessions(app, make_user, session):
    user = make_user()
    browser = sign_in(app.test_client(), user)
    assert browser.get("/").status_code == 200
    accounts.deactivate_user(session, user.email)
    assert browser.get("/").status_code == 302


def test_session_older_than_the_absolute_limit_must_sign_in_again(client, make_user, app):
    sign_in(client, make_user())
    with client.session_transaction() as flask_session:
        flask_session["signed_in_at"] = time.time() - app.config["SESSION_MAX_HOURS"] * 3600 - 1
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302


def test_sign_in_sets_a_permanent_session_cookie_with_safe_flags(client, make_user):
    user = make_user()
    response = _login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_FAILURE_LIMIT": "5 per 15 minutes"}

    def test_sixth_wrong_password_in_a_row_is_refused(self, client, make_user):
        user = make_user()
        for _ in range(5):
            assert _login(client, user.email, "wrong password!").status_code == 200
        refused = _login(client, user.email)  # even the right password now waits
        assert refused.status_code == 429
        assert "Too many attempts" in refused.get_data(as_text=True)

    def test_other_accounts_are_not_locked_by_someone_elses_failures(self, client, make_user):
        victim, other = make_user(), make_user()
        for _ in range(6):
            _login(client, victim.email, "wrong password!")
        assert _login(client, other.email).status_code == 302

    def test_successful_sign_ins_are_not_counted(self, app, make_user):
        user = make_user()
        for _ in range(7):
            browser = app.test_client()
            assert _login(browser, user.email).status_code == 302


@pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL (CI does) to test Redis")
def test_failed_sign_ins_are_counted_in_redis_for_every_worker(database_url, make_user, make_app):
    """Production counts in Redis, so every gunicorn worker sees the same failures.
    TEST_REDIS_URL names a database kept for tests; it is emptied first."""
    server = redis.Redis.from_url(TEST_REDIS_URL)
    server.flushdb()
    app = make_app(
        {
            "TOLLGATE_ENV": "testing",
            "DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        }
    )
    client, user = app.test_client(), make_user()
    try:
        for _ in range(5):
            assert _login(client, user.email, "wrong password!").status_code == 200
        (key,) = [k for k in server.scan_iter() if f"|{user.email}/".encode() in k]
        assert int(server.get(key)) == 5
        assert _login(client, user.email).status_code == 429
    finally:
        server.close()
