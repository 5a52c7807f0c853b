"""The executive dashboard in a real browser (issue #5 acceptance): every chart drawn from
the history, filters that change every figure and stay in the URL, late items that click
through to the candidate, and the budget slider."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from accounts import services as accounts
from accounts.roles import Role
from app import create_app, demo
from app.extensions import db
from persistence import utcnow
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.funnels import seed_default_funnels
from tests.databases import migrate_to_head
from tests.e2e.conftest import LiveServer, screenshot, serving
from tests.e2e.test_browser import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def history_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live Tollgate with the demo org tree and 400 candidates with two years of history."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-dashboard') / 'live.db'}"
    migrate_to_head(url)
    app = create_app({"TOLLGATE_ENV": "testing", "DATABASE_URL": url, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        accounts.create_user(
            db.session,
            email="executive@e2e.example",
            display_name="E2E executive",
            role=Role.EXECUTIVE,
            password=PASSWORD,
            hash_method=app.config["PASSWORD_HASH_METHOD"],
        )
        units = list(demo.load_org_units(db.session).values())
        seed_default_funnels(db.session)
        people = DemoPeople([], [], [], units)
        load_bulk_candidates(db.session, 400, people, now=utcnow(), batch=400)
    with serving(app) as base_url:
        yield LiveServer(base_url, {Role.EXECUTIVE: "executive@e2e.example"}, 0)


def _drawn(page: Page, key: str) -> None:
    expect(page.locator(f"#{key} .main-svg").first).to_be_attached()


def _tile(page: Page, name: str) -> str:
    return page.locator(f'[data-tile="{name}"]').inner_text()


def test_executive_reads_and_narrows_the_dashboard(page: Page, history_server: LiveServer):
    sign_in(page, history_server, Role.EXECUTIVE)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.goto(f"{history_server.url}/reports/portfolio")
    for key in ("funnel", "killed", "times", "aging", "scatter", "cumulative-flow", "throughput"):
        _drawn(page, key)
    screenshot(page, "dashboard-overview")
    everywhere = _tile(page, "active")

    # Narrow to one org unit and the last quarter: the tiles change and the URL keeps it.
    page.get_by_label("Org unit (with sub-units)").select_option(index=2)
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"unit=\d+"))
    narrowed = _tile(page, "active")
    assert int(narrowed.replace(",", "")) < int(everywhere.replace(",", ""))
    page.get_by_role("link", name="Last quarter").click()
    expect(page).to_have_url(re.compile(r"unit=\d+.*start=|start=.*unit=\d+"))
    view = page.url
    approved = _tile(page, "approved")
    page.goto(view)  # the URL alone reproduces the view
    assert _tile(page, "approved") == approved
    assert page.get_by_label("Org unit (with sub-units)").input_value() != ""


def test_an_aging_item_clicks_through_to_its_candidate(page: Page, history_server: LiveServer):
    sign_in(page, history_server, Role.EXECUTIVE)
    page.goto(f"{history_server.url}/reports/portfolio")
    _drawn(page, "aging")
    point = page.locator("#aging .scatterlayer .trace").first.locator("path.point").first
    point.click(force=True)
    expect(page).to_have_url(re.compile(r"/portfolio/candidates/\d+$"))


def test_the_budget_slider_redraws_the_choice(page: Page, history_server: LiveServer):
    sign_in(page, history_server, Role.EXECUTIVE)
    page.goto(f"{history_server.url}/reports/portfolio/choice")
    _drawn(page, "risk-value")
    _drawn(page, "frontier")
    before = page.locator('[data-choice="count"]').inner_text()
    slider = page.get_by_label(re.compile("^Budget"))
    slider.fill(slider.get_attribute("max") or "0")  # the whole cost: everyone fits
    expect(page).to_have_url(re.compile(r"budget=\d+"))
    after = page.locator('[data-choice="count"]').inner_text()
    assert int(after) > int(before)
    screenshot(page, "dashboard-choice")

    page.get_by_role("link", name="Forecast").click()
    _drawn(page, "forecast")
    screenshot(page, "dashboard-forecast")


def test_chinese_pages_draw_chinese_date_axes(page: Page, history_server: LiveServer):
    sign_in(page, history_server, Role.EXECUTIVE)
    page.goto(f"{history_server.url}/reports/portfolio")
    page.get_by_role("button", name="简体中文").click()
    _drawn(page, "cumulative-flow")
    ticks = page.locator("#cumulative-flow .xtick text").all_text_contents()
    assert ticks
    assert all("月" in tick for tick in ticks), ticks
    page.get_by_role("button", name="English").click()
    _drawn(page, "cumulative-flow")
    assert not any(
        "月" in t for t in page.locator("#cumulative-flow .xtick text").all_text_contents()
    )
