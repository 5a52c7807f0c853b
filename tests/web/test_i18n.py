"""The language switch and language selection, for visitors and signed-in users."""

from __future__ import annotations

from tests.conftest import reloaded, sign_in


def test_english_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in to Tollgate" in page


def test_browser_asking_for_chinese_gets_chinese(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    text = page.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in text
    assert "登录 Tollgate" in text


def test_visitor_switches_language_and_returns_to_the_page(client):
    response = client.post("/language", data={"language": "zh_Hans", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "登录 Tollgate" in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"language": "en", "next": "/login"})
    assert "Sign in to Tollgate" in client.get("/login").get_data(as_text=True)


def test_signed_in_choice_is_kept_on_the_account(app, client, make_user, session):
    user = make_user(display_name="Zhou Min")
    sign_in(client, user)
    client.post("/language", data={"language": "zh_Hans", "next": "/"})
    home = client.get("/").get_data(as_text=True)
    assert "欢迎，Zhou Min" in home
    assert reloaded(session, user).preferred_language == "zh_Hans"
    # A new browser without the session's choice still gets the account's language.
    other = sign_in(app.test_client(), user)
    assert "欢迎，Zhou Min" in other.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"language": "klingon"}).status_code == 400


def test_switch_does_not_redirect_off_site(client):
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_language_switch_needs_post(client):
    assert client.get("/language?language=zh_Hans").status_code == 405
