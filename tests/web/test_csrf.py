"""With CSRF protection on (as in production), no state change happens without a token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from accounts.roles import Role
from assessments.model import load_model
from assessments.models import Answer, RespondentRole
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_assessment
from tests.web.test_access import _url


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


# Views that check the token in their own form, to give the page back with what was typed
# (see the test at the end); every other POST is refused before its view runs.
FORM_CHECKED = {"assessments.answer"}


def test_every_post_route_refuses_a_request_without_token(app, client_for):
    client = client_for(Role.ADMIN)
    posts = [
        r
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and r.endpoint not in FORM_CHECKED
    ]
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


def test_expired_questionnaire_page_comes_back_with_every_answer(session, app, make_user):
    respondent = make_user()
    browser = sign_in(app.test_client(), respondent)
    assessment = make_assessment(
        session, respondents=[(respondent.id, RespondentRole.PROJECT_MANAGER)], open_it=True
    )
    url = f"/assessments/{assessment.id}/answer/risk"
    question = load_model(assessment.model).questions_of("risk")[0].id.replace("-", "_")
    data = {f"value_{question}": "3", f"comment_{question}": "typed before lunch", "save": "y"}

    response = browser.post(url, data=data)  # no token, as after an expired session
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired" in page
    assert "typed before lunch" in page
    assert session.scalar(select(func.count()).select_from(Answer)) == 0

    # The page came back with a fresh token: saving again works.
    response = browser.post(url, data={**data, "csrf_token": _token(page)})
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Answer)) == 1
