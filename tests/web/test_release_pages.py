"""The load-oriented release page: everyone reads the proposal, deciders accept it, and
nothing a user can type makes it fail."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from accounts.roles import Role
from persistence import utcnow
from portfolio import reviews
from portfolio.candidates import CandidateFields, update_candidate
from portfolio.decisions import record_decision
from portfolio.lifecycle import Decision
from portfolio.models import Candidate, CandidateKind, StageEvent
from tests import factories
from tests.conftest import reloaded, sign_in

URL = "/reports/portfolio/release"
TODAY = utcnow().date()


@pytest.fixture
def setup(session, make_user):
    """Investment funnel; the opportunity study takes 1 review a month at 200 % (limit 2),
    the later stages are unlimited. At the idea gate: A and B urgent and first by priority
    (released, which fills the opportunity study), C not urgent, F urgent but blocked."""
    pmo = make_user(role=Role.PMO)
    funnel = factories.seeded_funnel(session)
    for stage in funnel.stages:
        stage.capacity, stage.load_percent = (1, 200) if stage.key == "opportunity" else (None,) * 2
    session.commit()

    def waiting(title, due, value=None):
        candidate = factories.make_candidate(
            session,
            title=title,
            expected_decision_date=TODAY + timedelta(days=due),
            expected_value=None if value is None else Decimal(value),
            estimated_cost=Decimal(10),
        )
        reviews.open_review(session, candidate.id, scorer_ids=[pmo.id], actor_id=pmo.id)
        return candidate

    queue = {
        "A": waiting("Alpha plant", 5, "800"),
        "B": waiting("Beta hub", 10, "400"),
        "C": waiting("Gamma study", 60, "9000"),
        "F": waiting("Foxtrot pilot", 3),
    }
    return funnel, queue


def _page(client, query=""):
    response = client.get(URL + query)
    return response, response.get_data(as_text=True)


def _rows(page, marker):
    """The candidate ids of the table marked `data-<marker>`."""
    table = re.search(rf"<table[^>]*data-{marker}[^>]*>(.*?)</table>", page, re.S)
    return (
        [int(cid) for cid in re.findall(r'data-candidate="(\d+)"', table.group(1))] if table else []
    )


def _hidden(page, name):
    return html.unescape(re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1))


def _accept_data(page):
    return {name: _hidden(page, name) for name in ("funnel", "stage", "days", "offered")}


def _go_events(session):
    session.rollback()
    return session.scalar(
        select(func.count()).select_from(StageEvent).where(StageEvent.kind == "go")
    )


def test_a_viewer_sees_the_proposal_the_waiting_and_the_accounts(client_for, setup):
    _funnel, queue = setup
    response, page = _page(client_for(Role.VIEWER))
    assert response.status_code == 200
    assert _rows(page, "released") == [queue["A"].id, queue["B"].id]
    assert _rows(page, "held") == [queue["C"].id, queue["F"].id]
    assert 'data-reason="not_urgent"' in page
    assert 'data-reason="blocked_stage"' in page
    assert f'href="/portfolio/candidates/{queue["A"].id}"' in page
    assert "Blocked this period:" in page
    assert "data-figure=" in page
    assert "charts.js" in page
    # Nothing limits the later stages; a viewer is not sent to the admin form.
    assert "Nothing limits these stages" in page
    assert "/admin/stages/" not in page
    assert 'action="/reports/portfolio/release"' not in page


def test_an_admin_is_linked_to_the_stage_form_of_an_unlimited_stage(client_for, setup):
    funnel, _queue = setup
    option = next(s for s in funnel.stages if s.key == "option")
    _response, page = _page(client_for(Role.ADMIN))
    assert f'href="/admin/stages/{option.id}"' in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PMO])
def test_only_deciders_may_accept(client_for, session, setup, role):
    client = client_for(role)
    _response, page = _page(client)
    assert "Accept: record go" not in page
    executive_page = _page(client_for(Role.EXECUTIVE))[1]
    response = client.post(URL, data=_accept_data(executive_page))
    assert response.status_code == 403
    assert _go_events(session) == 0


def test_an_executive_accepts_and_the_candidates_pass_the_gate(client_for, session, setup):
    funnel, queue = setup
    client = client_for(Role.EXECUTIVE)
    _response, page = _page(client)
    response = client.post(URL, data=_accept_data(page))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(URL + "?")
    opportunity = funnel.stages[1]
    assert reloaded(session, queue["A"]).stage_id == opportunity.id
    assert reloaded(session, queue["B"]).stage_id == opportunity.id
    assert reloaded(session, queue["C"]).stage_id == funnel.stages[0].id
    assert _go_events(session) == 2
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Go recorded for 2 candidates." in after
    # The opportunity study is full now: F still waits, and nothing more is proposed.
    assert _rows(after, "released") == []


def test_a_proposal_changed_meanwhile_is_refused_with_409(client_for, session, setup, make_user):
    _funnel, queue = setup
    client = client_for(Role.EXECUTIVE)
    _response, page = _page(client)
    candidate = reloaded(session, queue["B"])
    update_candidate(
        session,
        candidate.id,
        CandidateFields(
            title="Beta hub, revised",
            kind=CandidateKind.PROJECT,
            expected_decision_date=candidate.expected_decision_date,
            expected_value=candidate.expected_value,
            estimated_cost=candidate.estimated_cost,
        ),
        expected_version=candidate.version,
        owner_id=None,
    )
    response = client.post(URL, data=_accept_data(page))
    assert response.status_code == 409
    assert "The proposal changed since you opened it" in response.get_data(as_text=True)
    assert _go_events(session) == 0
    # Someone else's go on A changes the plan itself: refused too.
    executive = make_user(role=Role.EXECUTIVE)
    record_decision(
        session,
        queue["A"].id,
        Decision.GO,
        expected_version=reloaded(session, queue["A"]).version,
        actor_id=executive.id,
        rationale="r",
    )
    page = _page(client)[1]
    stale = {**_accept_data(page), "offered": _hidden(page, "offered") + f",{queue['A'].id}:2"}
    assert client.post(URL, data=stale).status_code == 409
    assert _go_events(session) == 1


@pytest.mark.parametrize("offered", ["", "garbage", "1:2;3:4", "1:1," * 3, "99999999999999:1"])
def test_a_malformed_accept_is_a_400_not_a_500(client_for, session, setup, offered):
    client = client_for(Role.EXECUTIVE)
    data = {**_accept_data(_page(client)[1]), "offered": offered}
    response = client.post(URL, data=data)
    assert response.status_code in (400, 409)
    assert "Something went wrong" not in response.get_data(as_text=True)
    assert _go_events(session) == 0


def test_bad_hidden_fields_are_a_400(client_for, session, setup):
    client = client_for(Role.EXECUTIVE)
    data = _accept_data(_page(client)[1])
    for field, value in (("days", "-3"), ("days", "x"), ("stage", "x"), ("funnel", "")):
        response = client.post(URL, data={**data, field: value})
        assert response.status_code == 400, (field, value)
    response = client.post(URL, data={**data, "stage": str(setup[0].stages[0].id)})
    assert response.status_code == 400
    assert _go_events(session) == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?stage=abc", "Invalid Choice"),
        ("?stage=999999", "Choose a stage of this funnel"),
        ("?stage={idea}", "Choose a stage of this funnel"),
        ("?stage={approved}", "Choose a stage of this funnel"),
        ("?days=-5", "Use an anticipation horizon from 0 to 3650 days."),
        ("?days=99999", "Use an anticipation horizon from 0 to 3650 days."),
        ("?days=abc", "Not a valid integer value"),
        ("?funnel=999999", "Unknown funnel."),
        ("?funnel=abc", "Invalid Choice"),
    ],
)
def test_what_a_user_can_type_is_a_form_error(client_for, setup, query, message):
    funnel, _queue = setup
    query = query.format(idea=funnel.stages[0].id, approved=funnel.stages[-1].id)
    response, page = _page(client_for(Role.VIEWER), query)
    assert response.status_code == 200
    assert message in html.unescape(page)
    assert "Correct the choices above" in page
    assert 'aria-invalid="true"' in page


def test_an_empty_horizon_and_a_stage_of_another_funnel_fall_back_to_defaults(
    client_for, session, setup
):
    _funnel, queue = setup
    innovation = factories.seeded_funnel(session, "innovation")
    response, page = _page(client_for(Role.VIEWER), f"?days=&stage={innovation.stages[1].id}")
    assert response.status_code == 200
    assert _rows(page, "released") == [queue["A"].id, queue["B"].id]
    # The same stage id asked in its own funnel is the innovation funnel's proposal.
    response, page = _page(
        client_for(Role.VIEWER), f"?funnel={innovation.id}&stage={innovation.stages[1].id}"
    )
    assert response.status_code == 200
    assert _rows(page, "released") == []


def test_a_longer_horizon_proposes_more(client_for, session, setup):
    funnel, queue = setup
    funnel.stages[1].capacity = 10
    session.commit()
    _response, page = _page(client_for(Role.VIEWER), "?days=90")
    assert set(_rows(page, "released")) == {c.id for c in queue.values()}


def test_the_csv_matches_the_accounts_table(client_for, setup):
    funnel, _queue = setup
    client = client_for(Role.VIEWER)
    query = f"?funnel={funnel.id}&stage={funnel.stages[1].id}&days=30"
    page = _page(client, query)[1]
    assert f'href="/reports/portfolio/release.csv{html.escape(query)}"'.replace("?", "?") in page
    table = re.search(r"<table[^>]*data-accounts[^>]*>(.*?)</table>", page, re.S).group(1)
    shown = [
        [html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    response = client.get("/reports/portfolio/release.csv" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == shown
    assert rows[1][0] == "Opportunity study"
    assert rows[1][1:] == ["1", "200", "2", "0", "2", "2", "Yes"]


def test_the_csv_of_a_bad_query_is_not_found(client_for, setup):
    response = client_for(Role.VIEWER).get("/reports/portfolio/release.csv?days=-1")
    assert response.status_code == 404


def test_a_funnel_without_capacities_releases_every_urgent_candidate(client_for, session, setup):
    funnel, queue = setup
    funnel.stages[1].capacity = funnel.stages[1].load_percent = None
    session.commit()
    page = _page(client_for(Role.VIEWER))[1]
    assert _rows(page, "released") == [queue["A"].id, queue["B"].id, queue["F"].id]
    assert "No stage behind this gate has a capacity" in page
    assert "data-figure=" not in page


def test_the_accept_form_needs_its_csrf_token(make_app, database_url, session, setup, make_user):
    app = make_app(
        {"TOLLGATE_ENV": "testing", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True}
    )
    client = sign_in(app.test_client(), make_user(role=Role.EXECUTIVE))
    page = client.get(URL).get_data(as_text=True)
    data = _accept_data(page)
    assert client.post(URL, data=data).status_code == 400
    assert _go_events(session) == 0
    accept_form = page[page.index('action="/reports/portfolio/release"') :]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', accept_form)
    assert token, "the accept form carries its own token"
    response = client.post(URL, data={**data, "csrf_token": token.group(1)})
    assert response.status_code == 302
    assert _go_events(session) == 2


# --- the stage form's capacity fields ----------------------------------------------------------


def _stage_form(stage, **changes):
    data = {
        "name": stage.name,
        "name_zh": stage.name_zh or "",
        "probability": str(round(stage.probability * 100)),
        "wip_limit": "",
        "target_dwell_days": "",
        "capacity": "",
        "load_percent": "",
        "entry_checklist": "",
        "responsible_role": "pmo",
        "version": str(stage.version),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": "3"}, "Set both capacity and load percentage, or neither."),
        ({"load_percent": "200"}, "Set both capacity and load percentage, or neither."),
        ({"capacity": "-1", "load_percent": "200"}, "Must not be negative."),
        ({"capacity": "3", "load_percent": "80"}, "at least 100"),
        ({"capacity": "nan", "load_percent": "200"}, "Enter a number."),
        ({"capacity": "3", "load_percent": "inf"}, "Enter a number."),
        ({"capacity": "lots", "load_percent": "200"}, "Not a valid float value"),
        ({"capacity": "1e308", "load_percent": "200"}, "at most 1,000,000 a month"),
        ({"capacity": "3", "load_percent": "1e308"}, "at most 1,000."),
    ],
)
def test_the_stage_form_checks_capacity_and_load_percent(admin_client, session, changes, message):
    stage = factories.seeded_funnel(session).stages[1]
    response = admin_client.post(f"/admin/stages/{stage.id}", data=_stage_form(stage, **changes))
    assert response.status_code == 200
    assert message in html.unescape(response.get_data(as_text=True))
    assert reloaded(session, stage).capacity == 6


def test_the_stage_form_saves_and_clears_capacity(admin_client, session):
    stage = factories.seeded_funnel(session).stages[1]
    form = admin_client.get(f"/admin/stages/{stage.id}").get_data(as_text=True)
    assert 'name="capacity"' in form
    assert 'value="6.0"' in form
    data = _stage_form(stage, capacity="2.5", load_percent="150")
    assert admin_client.post(f"/admin/stages/{stage.id}", data=data).status_code == 302
    stage = reloaded(session, stage)
    assert (stage.capacity, stage.load_percent) == (2.5, 150)
    data = _stage_form(stage)
    assert admin_client.post(f"/admin/stages/{stage.id}", data=data).status_code == 302
    stage = reloaded(session, stage)
    assert (stage.capacity, stage.load_percent) == (None, None)
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0
