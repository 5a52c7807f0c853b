"""Maturity assessments in a real browser: the questionnaire form and the result charts,
drawn by plotly.js under the production CSP without a console error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in

pytestmark = pytest.mark.e2e


def test_respondent_answers_and_results_show_charts(page: Page, live_server: LiveServer):
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}/assessments/")
    page.get_by_role("link", name="E2E assessment").first.click()
    page.get_by_role("link", name="Continue").first.click()
    for group in page.locator("fieldset").all():
        group.get_by_label("3 · Largely").check()
    page.get_by_role("button", name="Save and go to the next area").click()
    expect(page.get_by_role("status").first).to_contain_text("Your answers are saved.")
    screenshot(page, "questionnaire")

    page.goto(f"{live_server.url}/assessments/{live_server.closed_assessment}/results")
    expect(page.get_by_role("heading", name="Capability profile")).to_be_visible()
    # plotly.js drew real SVG for the radar and the heatmap.
    expect(page.locator("#profile .main-svg").first).to_be_visible()
    expect(page.locator("#achievement .main-svg").first).to_be_visible()
    page.get_by_text("Show the data as a table").first.click()
    expect(page.locator("#profile").locator("xpath=..").get_by_role("table")).to_be_visible()
    screenshot(page, "assessment-results")
