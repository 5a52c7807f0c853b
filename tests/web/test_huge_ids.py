"""Ids people can type into a URL or a form never reach the database as integers it refuses:
SQLite raises on anything past 64 bits, which was a 500. They read as "no such record"."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from app.lookup import MAX_ID
from tests import factories

HUGE = "9" * 20  # past 2**64
PLACEHOLDER = 424242  # stands for every numeric path argument, then swapped for HUGE
ID_ARGS = ("funnel", "stage", "unit", "owner", "target", "questionnaire", "page")


def _rules(app, *, numeric: bool):
    for rule in app.url_map.iter_rules():
        has_id = any(isinstance(c, IntegerConverter) for c in rule._converters.values())
        if has_id == numeric and rule.endpoint != "auth.logout":
            yield rule


def _url(app, rule, number: int | str) -> str:
    values = {
        name: PLACEHOLDER if isinstance(converter, IntegerConverter) else "x"
        for name, converter in rule._converters.items()
    }
    url = app.url_map.bind("localhost").build(rule.endpoint, values, append_unknown=False)
    return url.replace(str(PLACEHOLDER), str(number))


@pytest.mark.parametrize("number", [HUGE, MAX_ID + 1])
def test_path_ids_past_the_largest_id_are_404_on_every_route(app, admin_client, number):
    checked = 0
    for rule in _rules(app, numeric=True):
        url = _url(app, rule, number)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = admin_client.open(url, method=method, data={"version": 1})
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked > 10  # the sweep really found the id routes


def test_the_largest_id_still_routes_to_the_view(app, admin_client):
    rule = next(r for r in _rules(app, numeric=True) if r.endpoint == "portfolio.candidate")
    # The view runs and finds no such candidate: its 404, not the router's.
    response = admin_client.get(_url(app, rule, MAX_ID))
    assert response.status_code == 404


def test_huge_ids_in_query_strings_are_ignored_on_every_page(app, admin_client, session):
    factories.seeded_funnel(session)
    query = "&".join(f"{name}={HUGE}" for name in ID_ARGS)
    for rule in _rules(app, numeric=False):
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        url = _url(app, rule, 1)
        response = admin_client.get(f"{url}?{query}")
        response.close()  # file responses (plotly.js) hold their file open until closed
        assert response.status_code < 500, (url, response.status_code)


def test_candidate_list_and_board_ignore_a_huge_filter(admin_client, session):
    factories.make_candidate(session, title="Still listed")
    for page in ("/portfolio/", "/portfolio/board"):
        response = admin_client.get(f"{page}?funnel={HUGE}&stage={HUGE}&unit={HUGE}&owner={HUGE}")
        assert response.status_code == 200
        assert "Still listed" in response.get_data(as_text=True)


def test_a_huge_questionnaire_in_the_new_assessment_form_is_a_404(pmo_client, session):
    factories.default_questionnaire(session)
    response = pmo_client.post("/assessments/new", data={"questionnaire_id": HUGE})
    assert response.status_code == 404


def test_a_huge_funnel_in_an_accepted_release_is_refused_as_unreadable(executive_client, session):
    factories.seeded_funnel(session)
    response = executive_client.post(
        "/reports/portfolio/release",
        data={"funnel": HUGE, "stage": HUGE, "days": 30, "offered": "1:1"},
    )
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
