"""Every route declares who may open it, and the declaration holds (proved from url_map)."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter, Rule

from accounts.roles import Role
from app.access import EXTERNAL_PUBLIC_ENDPOINTS, allowed_roles, is_public

# The only routes an anonymous visitor may open. Adding one here is a security decision.
PUBLIC_ENDPOINTS = {
    "static",
    "bootstrap.static",
    "auth.login",
    "main.healthz",
    "main.set_language",
    "main.plotly_js",
}

A, P, E, V = Role.ADMIN, Role.PMO, Role.EXECUTIVE, Role.VIEWER
EVERYONE = {A, P, E, V}

# Who may open what (BRIEF §1), written out independently of the code: by blueprint, then
# the routes that narrow it. A new route must fit here, which makes its rights a decision.
BLUEPRINT_ROLES = {
    "main": EVERYONE,
    "auth": EVERYONE,
    "portfolio": EVERYONE,
    "reports": EVERYONE,
    "assessments": EVERYONE,  # results to read, questionnaires to answer when invited
    "insights": {A, P, E},
    "admin": {A},
}
ENDPOINT_ROLES = {
    "portfolio.create_candidate": {A, P},
    "portfolio.edit_candidate": {A, P},
    "portfolio.open_review": {A, P},
    "portfolio.scorecard": {A, P, E},  # and only when invited
    "portfolio.decide": {A, E},
    "reports.accept_release": {A, E},
    "assessments.create": {A, P},
    "assessments.setup": {A, P},
    "assessments.add_respondent": {A, P},
    "assessments.remove_respondent": {A, P},
    "assessments.open_for_answers": {A, P},
    "assessments.close": {A, P},
    "assessments.update_action": {A, P},
}


def expected_roles(endpoint: str) -> set[Role]:
    return ENDPOINT_ROLES.get(endpoint, BLUEPRINT_ROLES[endpoint.split(".")[0]])


def _url(app, rule: Rule) -> str:
    """A URL for `rule`, with 1 for numeric arguments and "x" for the others."""
    values = {
        name: 1 if isinstance(converter, IntegerConverter) else "x"
        for name, converter in rule._converters.items()
    }
    return app.url_map.bind("localhost").build(rule.endpoint, values, append_unknown=False)


def _routes(app):
    # Sign-out last: it ends the session the sweep runs in.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.rule))
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_view_declares_its_roles_or_is_public(app):
    with app.test_request_context():
        undeclared = [
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if not is_public(rule.endpoint) and not allowed_roles(rule.endpoint)
        ]
    assert undeclared == []


def test_every_route_grants_exactly_the_roles_of_the_policy(app):
    with app.test_request_context():
        mismatches = {
            rule.endpoint: (
                sorted(allowed_roles(rule.endpoint)),
                sorted(expected_roles(rule.endpoint)),
            )
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in PUBLIC_ENDPOINTS
            and set(allowed_roles(rule.endpoint)) != expected_roles(rule.endpoint)
        }
    assert mismatches == {}


def test_the_public_routes_are_exactly_the_listed_ones(app):
    with app.test_request_context():
        public = {rule.endpoint for rule in app.url_map.iter_rules() if is_public(rule.endpoint)}
    assert public == PUBLIC_ENDPOINTS
    assert EXTERNAL_PUBLIC_ENDPOINTS <= PUBLIC_ENDPOINTS


def test_anonymous_visitors_are_sent_to_login_everywhere_else(app, client):
    checked = 0
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(_url(app, rule), method=method)
        assert response.status_code == 302, (rule.rule, method, response.status_code)
        assert response.headers["Location"].startswith("/login"), (rule.rule, method)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_403_exactly_outside_its_rights(app, client_for, role):
    client = client_for(role)
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(_url(app, rule), method=method)
        if role in expected_roles(rule.endpoint):
            assert response.status_code != 403, (role, rule.rule, method)
        else:
            assert response.status_code == 403, (role, rule.rule, method, response.status_code)


def test_navigation_shows_only_sections_the_role_may_open(viewer_client, admin_client):
    viewer_page = viewer_client.get("/").get_data(as_text=True)
    assert 'href="/portfolio/"' in viewer_page
    assert 'href="/reports/"' in viewer_page
    assert 'href="/assessments/"' in viewer_page
    assert 'href="/admin/"' not in viewer_page
    assert 'href="/insights/"' not in viewer_page
    admin_page = admin_client.get("/").get_data(as_text=True)
    for section in ("portfolio", "assessments", "insights", "reports", "admin"):
        assert f'href="/{section}/"' in admin_page
