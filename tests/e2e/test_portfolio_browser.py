"""A candidate through its first gate, in a real browser, as PMO staff and an executive
would do it (issue acceptance: create, review, two scorers, go, timeline)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in

pytestmark = pytest.mark.e2e


def _score_everything(page: Page, should: str) -> None:
    for radio in page.get_by_label("Yes, met").all():
        radio.check()
    for box in page.locator("input[type=number]").all():
        box.fill(should)
    page.get_by_role("button", name="Save my scorecard").click()
    expect(page.get_by_role("status").first).to_contain_text("Your scorecard is saved.")


def _as(browser: Browser, server: LiveServer, who: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, server, who)
    return page


def test_candidate_passes_its_first_gate(browser: Browser, page: Page, live_server: LiveServer):
    # PMO staff enter a candidate.
    sign_in(page, live_server, "pmo")
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.get_by_role("link", name="New candidate").click()
    page.get_by_label("Title").fill("Cold-chain hub in Hangzhou")
    page.get_by_label("Funnel").select_option(label="Investment decisions")
    page.get_by_label("Estimated cost").fill("-3")
    page.get_by_role("button", name="Save candidate").click()
    expect(page.get_by_role("alert")).to_contain_text("Must not be negative.")
    expect(page.get_by_label("Title")).to_have_value("Cold-chain hub in Hangzhou")
    page.get_by_label("Estimated cost").fill("12500000")
    page.get_by_role("button", name="Save candidate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cold-chain hub in Hangzhou")

    # ... open the gate review, inviting both PMO staff ...
    page.get_by_role("link", name="Start gate review").click()
    page.get_by_label("E2E pmo", exact=True).check()
    page.get_by_label("E2E pmo2").check()
    page.get_by_role("button", name="Open review").click()
    review_url = page.url

    # ... and each fills the scorecard.
    page.get_by_role("link", name="Fill my scorecard").click()
    _score_everything(page, "8")
    second = _as(browser, live_server, "pmo2")
    second.goto(review_url)
    second.get_by_role("link", name="Fill my scorecard").click()
    _score_everything(second, "6")
    expect(second.get_by_text("70.0")).to_be_visible()  # means 8 and 6 on every criterion
    screenshot(second, "gate-review")
    second.context.close()

    # The executive decides go from the review page.
    executive = _as(browser, live_server, "executive")
    executive.goto(review_url)
    executive.get_by_label("Decision").select_option(label="Go")
    executive.get_by_label("Rationale").fill("Strong regional demand.")
    executive.get_by_role("button", name="Record decision").click()
    expect(executive.get_by_role("status").first).to_contain_text("Decision recorded: Go.")
    expect(executive.get_by_text("Stage 2 of 5: Opportunity study")).to_be_visible()
    history = executive.locator("ol.timeline li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Entered the funnel")
    expect(history.nth(0)).to_contain_text("E2E pmo")
    expect(history.nth(1)).to_contain_text("Passed the gate")
    expect(history.nth(1)).to_contain_text("E2E executive")
    expect(history.nth(1)).to_contain_text("Strong regional demand.")
    screenshot(executive, "candidate-after-go")
    executive.context.close()

    # Anyone reading the board now finds it in its new stage.
    viewer = _as(browser, live_server, "viewer")
    viewer.goto(f"{live_server.url}/portfolio/board")
    column = viewer.get_by_role("region", name="Opportunity study")
    expect(column.get_by_role("link", name="Cold-chain hub in Hangzhou")).to_be_visible()
    screenshot(viewer, "board")
    viewer.context.close()
