"""The forecast and portfolio-choice pages: drawn from the database, reproducible, with
CSV equal to the pure functions on the same data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from persistence import utcnow
from portfolio import forecast as pure
from portfolio.dashboard import DashboardFilter
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.outlook import choice_rows, projects_of
from tests import factories


@pytest.fixture
def funnel(session):
    funnel = factories.seeded_funnel(session)
    load_bulk_candidates(session, 150, DemoPeople([], [], [], []), now=utcnow(), batch=150)
    return funnel


def _rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return rows[0], rows[1:]


def test_forecast_page_shows_bands_and_is_reproducible(funnel, viewer_client):
    url = f"/reports/portfolio/forecast?funnel={funnel.id}"
    page = viewer_client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="forecast"' in html
    assert 'id="forecast-value"' in html
    assert 'data-forecast="p85"' in html
    first = _rows(viewer_client, f"/reports/portfolio/forecast/forecast.csv?funnel={funnel.id}")
    again = _rows(viewer_client, f"/reports/portfolio/forecast/forecast.csv?funnel={funnel.id}")
    assert first == again
    header, rows = first
    assert header == ["By", "P50", "P85", "P95"]
    for _, p50, p85, p95 in rows:
        assert int(p95) <= int(p85) <= int(p50)
    # Arrivals accumulate: a later date never has fewer at the median.
    medians = [int(row[1]) for row in rows]
    assert medians == sorted(medians)


def test_forecast_explains_options_it_cannot_use(funnel, executive_client):
    html = executive_client.get(
        f"/reports/portfolio/forecast?funnel={funnel.id}&target=42&until=1999-01-01"
    ).get_data(as_text=True)
    assert "Unknown target stage" in html
    assert "from tomorrow to two years ahead" in html
    html = executive_client.get(
        f"/reports/portfolio/forecast?funnel={funnel.id}&until=soon"
    ).get_data(as_text=True)
    assert "is not a date" in html


def test_forecast_without_history_says_so(session, executive_client):
    funnel = factories.seeded_funnel(session)
    factories.make_candidate(session)
    html = executive_client.get(f"/reports/portfolio/forecast?funnel={funnel.id}").get_data(
        as_text=True
    )
    assert "Not enough history to forecast" in html


def test_choice_csv_matches_the_exact_selection(funnel, executive_client, session):
    budget = 40_000_000
    url = f"/reports/portfolio/choice/ranking.csv?funnel={funnel.id}&budget={budget}&rank=ecv"
    header, rows = _rows(executive_client, url)
    assert header[0] == "Rank"
    assert header[-1] == "Chosen"

    today = utcnow().date()
    filters = DashboardFilter(funnel.id, start=today - timedelta(days=364), end=today)
    view = choice_rows(session, filters, now=utcnow())
    selection = pure.select_exact(projects_of(view.rows), budget)
    chosen_titles = {r.title for r in view.rows if str(r.candidate_id) in selection.keys}
    assert {row[1] for row in rows if row[-1] == "yes"} == chosen_titles
    # Ranked by ECV, best first.
    ecvs = [float(row[8]) for row in rows]
    assert ecvs == sorted(ecvs, reverse=True)


def test_choice_page_budget_slider_and_bad_budget(funnel, executive_client):
    html = executive_client.get(f"/reports/portfolio/choice?funnel={funnel.id}").get_data(
        as_text=True
    )
    assert 'type="range"' in html
    assert 'name="budget"' in html
    for key in ("risk-value", "frontier", "ranking"):
        assert f'id="{key}"' in html
    html = executive_client.get(
        f"/reports/portfolio/choice?funnel={funnel.id}&budget=-5&rank=nonsense"
    ).get_data(as_text=True)
    assert "The budget must be an amount" in html
    assert executive_client.get("/reports/portfolio/choice/nothing.csv").status_code == 404


def test_outlook_pages_run_as_many_queries_for_a_large_portfolio(
    session, executive_client, query_counter
):
    funnel = factories.seeded_funnel(session)
    people = DemoPeople([], [], [], [])
    load_bulk_candidates(session, 30, people, now=utcnow(), batch=30)
    urls = [f"/reports/portfolio/{page}?funnel={funnel.id}" for page in ("forecast", "choice")]
    counts = {}
    for size in ("small", "large"):
        for url in urls:
            executive_client.get(url)
            with query_counter() as statements:
                assert executive_client.get(url).status_code == 200
            counts[size, url] = len(statements)
        if size == "small":
            load_bulk_candidates(session, 400, people, now=utcnow(), batch=400, seed=5)
    for url in urls:
        assert counts["small", url] == counts["large", url], url
