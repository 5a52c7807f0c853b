"""The funnel through its pages: candidates, gate reviews, scorecards and decisions."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from accounts.roles import Role
from persistence import utcnow
from portfolio import reviews
from portfolio.decisions import record_decision
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.lifecycle import Decision, Status
from portfolio.models import Candidate, GateReview, StageEvent
from tests import factories
from tests.conftest import reloaded, sign_in


@pytest.fixture
def team(app, make_user):
    """Two PMO staff, an executive and a viewer, each with a signed-in browser."""
    members = {
        name: make_user(role=role, display_name=name.title())
        for name, role in (
            ("pmo", Role.PMO),
            ("pmo2", Role.PMO),
            ("executive", Role.EXECUTIVE),
            ("viewer", Role.VIEWER),
        )
    }
    return {name: (user, sign_in(app.test_client(), user)) for name, user in members.items()}


def _candidate_form(**overrides):
    data = {
        "title": "Cold-chain hub in Hangzhou",
        "kind": "project",
        "funnel_id": "",
        "description": "Regional hub for frozen goods.",
        "org_unit_id": "",
        "sponsor": "Zhao Lei",
        "theme": "New markets",
        "currency": "CNY",
        "estimated_cost": "12500000",
        "expected_value": "30000000",
        "p_technical": "80",
        "p_commercial": "60",
        "probability_override": "",
        "expected_decision_date": "2027-03-31",
        "risk_level": "medium",
        "tags": "logistics, esg",
    }
    data.update(overrides)
    return data


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error" class="invalid-feedback[^"]*">([^<]*)<', page)
    return match.group(1) if match else ""


def _scorecard(review, should="8", must="1"):
    data = {}
    for criterion in review.criteria:
        data[f"value_{criterion['key']}"] = must if criterion["kind"] == "must" else should
        data[f"comment_{criterion['key']}"] = ""
    return data


def _count(session, model):
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def test_a_candidate_goes_through_its_first_gate(session, team):
    pmo, pmo_browser = team["pmo"]
    pmo2, pmo2_browser = team["pmo2"]
    _, executive_browser = team["executive"]
    funnel = factories.seeded_funnel(session)

    # PMO enters the candidate.
    response = pmo_browser.post(
        "/portfolio/candidates/new", data=_candidate_form(funnel_id=funnel.id)
    )
    assert response.status_code == 302
    candidate = session.scalars(select(Candidate)).one()
    assert (candidate.stage.key, candidate.owner_id) == ("idea", pmo.id)

    # PMO opens the gate review and invites both PMO staff.
    response = pmo_browser.post(
        f"/portfolio/candidates/{candidate.id}/reviews/new",
        data={
            "scorer_ids": [str(pmo.id), str(pmo2.id)],
            "go_threshold": "60",
            "kill_threshold": "40",
        },
    )
    assert response.status_code == 302
    review = session.scalars(select(GateReview)).one()

    # Both score it in the web form.
    for browser in (pmo_browser, pmo2_browser):
        response = browser.post(
            f"/portfolio/reviews/{review.id}/scorecard", data=_scorecard(review)
        )
        assert response.status_code == 302
    page = pmo_browser.get(f"/portfolio/reviews/{review.id}").get_data(as_text=True)
    assert "80.0" in page  # both gave 8 everywhere
    assert "Pmo2" in page

    # The executive decides go.
    response = executive_browser.post(
        f"/portfolio/candidates/{candidate.id}/decision",
        data={
            "decision": "go",
            "target_stage_id": "",
            "rationale": "Strong regional demand.",
            "version": reloaded(session, candidate).version,
        },
    )
    assert response.status_code == 302
    candidate = reloaded(session, candidate)
    assert (candidate.stage.key, candidate.status) == ("opportunity", Status.ACTIVE)

    page = pmo_browser.get(f"/portfolio/candidates/{candidate.id}").get_data(as_text=True)
    timeline = page[page.index("History") :]
    assert "Entered the funnel" in timeline
    assert "Passed the gate" in timeline
    assert "Strong regional demand." in timeline
    assert timeline.index("Pmo") < timeline.index("Executive")  # creator, then decider


def test_kill_then_recycle_through_the_pages(session, team):
    _, browser = team["executive"]
    candidate = factories.make_candidate(session)

    def decide(**data):
        version = reloaded(session, candidate).version
        return browser.post(
            f"/portfolio/candidates/{candidate.id}/decision",
            data={"target_stage_id": "", "rationale": "reason", "version": version, **data},
        )

    assert decide(decision="kill").status_code == 302
    refused = decide(decision="go")
    assert refused.status_code == 400
    assert "only recycling brings it back" in refused.get_data(as_text=True)
    stage = candidate.funnel.stages[0]
    assert decide(decision="recycle", target_stage_id=str(stage.id)).status_code == 302
    assert reloaded(session, candidate).status == Status.ACTIVE
    page = browser.get(f"/portfolio/candidates/{candidate.id}").get_data(as_text=True)
    for label in ("Entered the funnel", "Killed", "Recycled"):
        assert label in page


def test_missing_title_and_negative_cost_get_field_errors_and_keep_the_rest(session, team):
    _, browser = team["pmo"]
    funnel = factories.seeded_funnel(session)
    response = browser.post(
        "/portfolio/candidates/new",
        data=_candidate_form(funnel_id=funnel.id, title="", estimated_cost="-5"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _field_error(page, "title") == "This field is required."
    assert _field_error(page, "estimated_cost") == "Must not be negative."
    assert 'value="Zhao Lei"' in page
    assert "Regional hub for frozen goods." in page
    assert _count(session, Candidate) == 0
    assert _count(session, StageEvent) == 0


def test_score_above_ten_is_a_field_error_and_nothing_is_saved(session, team):
    pmo, browser = team["pmo"]
    candidate = factories.make_candidate(session)
    review = reviews.open_review(session, candidate.id, scorer_ids=[pmo.id], actor_id=pmo.id)
    response = browser.post(
        f"/portfolio/reviews/{review.id}/scorecard", data=_scorecard(review, should="11")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give a score from 0 to 10." in page
    assert reloaded(session, review).scores == []


@pytest.mark.parametrize(
    ("decision", "target", "message"),
    [
        ("go", 2, "no gate may be skipped"),
        ("recycle", "unknown", "not in the candidate&#39;s funnel"),
        ("go", None, "Open a gate review before deciding go"),
        ("teleport", None, "Not a valid choice"),
    ],
)
def test_illegal_moves_are_refused_with_a_clear_message(session, team, decision, target, message):
    pmo, _ = team["pmo"]
    _, browser = team["executive"]
    candidate = factories.make_candidate(session)
    if decision == "go" and target is not None:
        review = reviews.open_review(session, candidate.id, scorer_ids=[pmo.id], actor_id=None)
        reviews.record_scores(
            session, review.id, scorer_id=pmo.id, entries=factories.full_scorecard(review)
        )
    target_id = {None: "", "unknown": "999999"}.get(target)
    if isinstance(target, int):
        target_id = str(candidate.funnel.stages[target].id)
    before = _count(session, StageEvent)
    response = browser.post(
        f"/portfolio/candidates/{candidate.id}/decision",
        data={
            "decision": decision,
            "target_stage_id": target_id,
            "rationale": "try",
            "version": reloaded(session, candidate).version,
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(session, StageEvent) == before
    assert reloaded(session, candidate).stage.key == "idea"


def test_two_simultaneous_decisions_one_wins_one_conflicts(app, session, make_user):
    candidate = factories.make_candidate(session)
    version = candidate.version
    before = _count(session, StageEvent)
    browsers = [sign_in(app.test_client(), make_user(role=Role.EXECUTIVE)) for _ in range(2)]
    start = threading.Barrier(2)
    responses = {}

    def decide(index, decision):
        start.wait()
        responses[index] = browsers[index].post(
            f"/portfolio/candidates/{candidate.id}/decision",
            data={
                "decision": decision,
                "target_stage_id": "",
                "rationale": "at once",
                "version": version,
            },
        )

    threads = [threading.Thread(target=decide, args=(i, d)) for i, d in enumerate(("kill", "hold"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(r.status_code for r in responses.values())
    assert statuses == [302, 409]
    loser = next(r for r in responses.values() if r.status_code == 409)
    assert "Someone else changed this record" in loser.get_data(as_text=True)
    assert _count(session, StageEvent) == before + 1
    assert reloaded(session, candidate).status in (Status.KILLED, Status.ON_HOLD)


def test_roles_are_enforced_on_every_action(session, team):
    pmo, pmo_browser = team["pmo"]
    _, viewer = team["viewer"]
    _, executive = team["executive"]
    funnel = factories.seeded_funnel(session)
    candidate = factories.make_candidate(session)
    review = reviews.open_review(session, candidate.id, scorer_ids=[pmo.id], actor_id=pmo.id)
    decision = {
        "decision": "hold",
        "target_stage_id": "",
        "rationale": "wait",
        "version": candidate.version,
    }

    checks = [
        (viewer, "get", "/portfolio/", None, 200),
        (viewer, "get", f"/portfolio/candidates/{candidate.id}", None, 200),
        (viewer, "post", "/portfolio/candidates/new", _candidate_form(funnel_id=funnel.id), 403),
        (viewer, "post", f"/portfolio/reviews/{review.id}/scorecard", _scorecard(review), 403),
        (viewer, "post", f"/portfolio/candidates/{candidate.id}/decision", decision, 403),
        (pmo_browser, "post", f"/portfolio/candidates/{candidate.id}/decision", decision, 403),
        # An executive may score only when invited, and may decide.
        (executive, "post", f"/portfolio/reviews/{review.id}/scorecard", _scorecard(review), 403),
        (executive, "post", f"/portfolio/candidates/{candidate.id}/decision", decision, 302),
    ]
    for client, method, url, data, expected in checks:
        assert client.open(url, method=method.upper(), data=data).status_code == expected, url
    assert reloaded(session, candidate).status == Status.ON_HOLD


def test_decision_form_is_offered_only_to_deciders(session, team):
    candidate = factories.make_candidate(session)
    for name, offered in (("executive", True), ("pmo", False), ("viewer", False)):
        page = team[name][1].get(f"/portfolio/candidates/{candidate.id}").get_data(as_text=True)
        assert ("Record a decision" in page) is offered, name


def test_editing_from_a_stale_form_is_a_conflict(session, team):
    _, browser = team["pmo"]
    candidate = factories.make_candidate(session, title="Before")
    stale = candidate.version
    data = _candidate_form(title="Mine", owner_id="", version=stale)
    data.pop("funnel_id")
    assert browser.post(f"/portfolio/candidates/{candidate.id}/edit", data=data).status_code == 302
    data["title"] = "Theirs"
    assert browser.post(f"/portfolio/candidates/{candidate.id}/edit", data=data).status_code == 409
    assert reloaded(session, candidate).title == "Mine"


def test_list_filters_and_sorts_from_the_query_string(session, team):
    _, browser = team["viewer"]
    factories.make_candidate(session, title="Solar roof", theme="Green")
    factories.make_candidate(session, title="ERP upgrade", theme="Digital")
    page = browser.get("/portfolio/?theme=Green").get_data(as_text=True)
    assert "Solar roof" in page
    assert "ERP upgrade" not in page
    page = browser.get("/portfolio/?sort=title&dir=asc").get_data(as_text=True)
    assert page.index("ERP upgrade") < page.index("Solar roof")
    # Nonsense in the URL is ignored, not an error.
    assert (
        browser.get("/portfolio/?sort=drop&dir=x&status=zombie&page=-1&unit=x").status_code == 200
    )


def _bulk(session, count):
    factories.seeded_funnel(session)
    load_bulk_candidates(session, count, DemoPeople([], [], [], []), now=utcnow(), batch=500)


@pytest.mark.parametrize(
    "url", ["/portfolio/", "/portfolio/board", "/portfolio/?status=active&sort=stage"]
)
def test_list_and_board_queries_do_not_grow_with_the_portfolio(session, team, query_counter, url):
    _, browser = team["viewer"]
    _bulk(session, 10)
    with query_counter() as small:
        assert browser.get(url).status_code == 200
    _bulk(session, 990)
    assert _count(session, Candidate) == 1000
    with query_counter() as large:
        assert browser.get(url).status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 12


def test_candidate_page_queries_do_not_grow_with_its_history(session, team, query_counter):
    _, browser = team["viewer"]
    executive, _ = team["executive"]
    candidate = factories.make_candidate(session)
    with query_counter() as short:
        browser.get(f"/portfolio/candidates/{candidate.id}")
    for decision in [Decision.HOLD, Decision.RESUME] * 5:
        record_decision(
            session,
            candidate.id,
            decision,
            expected_version=reloaded(session, candidate).version,
            actor_id=executive.id,
            rationale="again",
        )
    with query_counter() as long:
        browser.get(f"/portfolio/candidates/{candidate.id}")
    assert len(short) == len(long)


def test_go_is_offered_only_once_a_gate_review_is_open(session, team):
    pmo, _ = team["pmo"]
    _, browser = team["executive"]
    candidate = factories.make_candidate(session)
    page = browser.get(f"/portfolio/candidates/{candidate.id}").get_data(as_text=True)
    assert 'value="hold"' in page
    assert 'value="go"' not in page
    reviews.open_review(session, candidate.id, scorer_ids=[pmo.id], actor_id=pmo.id)
    page = browser.get(f"/portfolio/candidates/{candidate.id}").get_data(as_text=True)
    assert 'value="go"' in page
