"""The executive overview page: every section drawn from the database, filters kept in the
URL, and every chart's CSV equal to the pure metrics on the same data."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import OrgUnit
from accounts.orgtree import OrgUnitKind
from persistence import utcnow
from portfolio import metrics
from portfolio.demo import DemoPeople, load_bulk_candidates
from portfolio.lifecycle import Status
from portfolio.models import Candidate, EventKind, Funnel, StageVisit
from tests import factories

CHART_KEYS = (
    "funnel",
    "killed",
    "times",
    "scatter",
    "aging",
    "cumulative-flow",
    "throughput",
    "flow-figures",
    "pipeline",
    "stage-pipeline",
    "targets",
)


@pytest.fixture
def portfolio(session):
    """Two units (one under the other) and a third, with 120 simulated candidates."""
    parent = factories.make_org_unit(session, kind=OrgUnitKind.GROUP)
    child = factories.make_org_unit(session, kind=OrgUnitKind.REGION, parent_id=parent.id)
    other = factories.make_org_unit(session, kind=OrgUnitKind.GROUP)
    funnel = factories.seeded_funnel(session)
    people = DemoPeople([], [], [], [parent.id, child.id, other.id])
    load_bulk_candidates(session, 120, people, now=utcnow(), batch=120)
    return {"funnel": funnel, "parent": parent, "child": child, "other": other}


def _csv(client, key, **args):
    response = client.get(f"/reports/portfolio/{key}.csv", query_string=args)
    assert response.status_code == 200, key
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    return rows[0], rows[1:]


def _number(cell):
    return None if cell == "" else float(cell)


def test_every_section_is_drawn_for_every_role(portfolio, viewer_client):
    page = viewer_client.get("/reports/portfolio")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for key in CHART_KEYS:
        assert f'id="{key}" data-figure="' in html
        assert f"/reports/portfolio/{key}.csv?" in html
    for tile in ("active", "weighted", "approved", "latency", "late"):
        assert f'data-tile="{tile}"' in html


def test_every_chart_downloads_its_table(portfolio, executive_client):
    for key in CHART_KEYS:
        header, rows = _csv(executive_client, key)
        assert header
        assert all(len(row) == len(header) for row in rows)
    assert executive_client.get("/reports/portfolio/nothing.csv").status_code == 404


def _period(days=365):
    today = utcnow().date()
    return {"start": (today - timedelta(days=days - 1)).isoformat(), "end": today.isoformat()}


def test_funnel_csv_equals_the_cohort_metrics(portfolio, executive_client, session):
    funnel = portfolio["funnel"]
    period = _period(200)
    _, rows = _csv(executive_client, "funnel", funnel=funnel.id, **period)

    index = {stage.id: i for i, stage in enumerate(funnel.stages)}
    start = utcnow() - timedelta(days=199)
    cohort = session.scalars(select(Candidate).where(Candidate.funnel_id == funnel.id)).all()
    start_day = start.date()
    furthest = [index[c.furthest_stage_id] for c in cohort if c.created_at.date() >= start_day]
    counts = metrics.cohort_counts(furthest, len(funnel.stages))
    assert counts[0] > 0
    assert [int(row[1]) for row in rows] == counts
    step = [None, *metrics.step_conversion(counts)]
    overall = metrics.overall_conversion(counts)
    for row, s, o in zip(rows, step, overall, strict=True):
        assert _number(row[3]) == (None if s is None else round(s * 100, 1))
        assert _number(row[4]) == (None if o is None else round(o * 100, 1))


def test_killed_csv_counts_the_kills_of_the_period_by_stage(portfolio, executive_client, session):
    funnel = portfolio["funnel"]
    _, rows = _csv(executive_client, "killed", funnel=funnel.id, **_period(200))

    start = utcnow().date() - timedelta(days=199)
    kills = session.scalars(select(StageVisit).where(StageVisit.outcome == EventKind.KILL)).all()
    names = {stage.id: stage.name for stage in funnel.stages}
    expected = Counter(
        names[v.stage_id] for v in kills if v.stage_id in names and v.left_at.date() >= start
    )
    assert sum(expected.values()) > 0
    # Every stage but the final one, where nobody is killed.
    assert [row[0] for row in rows] == [stage.name for stage in funnel.stages[:-1]]
    assert {row[0]: int(row[1]) for row in rows if int(row[1])} == dict(expected)


def test_targets_csv_equals_the_required_pipeline(portfolio, executive_client):
    funnel = portfolio["funnel"]
    _, rows = _csv(executive_client, "targets", funnel=funnel.id, target1="1000000")
    probabilities = {stage.name: stage.probability for stage in funnel.stages[:-1]}
    first_quarter = rows[0][0]
    checked = 0
    for row in rows:
        needed = _number(row[3])
        if row[0] != first_quarter:
            assert needed is None  # no target entered for the later quarters
            continue
        required = metrics.required_pipeline([(1_000_000, probabilities[row[1]])])[0]
        assert needed == pytest.approx(round(required, 2))
        assert _number(row[5]) == pytest.approx(needed - _number(row[4]), abs=0.02)
        checked += 1
    assert checked == len(probabilities)


def _tile(html, name):
    start = html.index(f'data-tile="{name}">') + len(f'data-tile="{name}">')
    return html[start : html.index("<", start)].strip()


def test_an_org_unit_narrows_every_tile_and_chart_with_its_sub_units(
    portfolio, executive_client, session
):
    funnel, parent = portfolio["funnel"], portfolio["parent"]
    units = {parent.id, portfolio["child"].id}
    live = (Status.ACTIVE, Status.ON_HOLD)
    candidates = session.scalars(select(Candidate).where(Candidate.funnel_id == funnel.id)).all()
    expected = sum(1 for c in candidates if c.status in live and c.org_unit_id in units)
    everywhere = sum(1 for c in candidates if c.status in live)
    assert 0 < expected < everywhere

    url = f"/reports/portfolio?funnel={funnel.id}&unit={parent.id}"
    narrowed = executive_client.get(url).get_data(as_text=True)
    assert _tile(narrowed, "active") == f"{expected:,}"
    assert f'<option value="{parent.id}" selected>' in narrowed  # the URL reproduces the view
    _, stage_rows = _csv(executive_client, "stage-pipeline", funnel=funnel.id, unit=parent.id)
    assert sum(int(row[1]) for row in stage_rows) == sum(
        1
        for c in candidates
        if c.status in live and c.org_unit_id in units and c.stage_id != funnel.stages[-1].id
    )
    whole = executive_client.get(f"/reports/portfolio?funnel={funnel.id}").get_data(as_text=True)
    assert _tile(whole, "active") == f"{everywhere:,}"


def test_unreadable_filters_are_reported_and_replaced(portfolio, executive_client):
    page = executive_client.get(
        "/reports/portfolio?funnel=abc&unit=99999&start=yesterday&end=2020-01-01&target1=lots"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "is not a date" in html
    assert "Unknown org unit" in html
    assert "is not a positive amount" in html


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("1e15", "is too large: use less than 1,000,000,000,000,000"),
        ("1e308", "is too large"),
        ("-5", "is not a positive amount"),
        ("0", "is not a positive amount"),
        ("nan", "is not a positive amount"),
        ("inf", "is not a positive amount"),
    ],
)
def test_targets_out_of_range_say_why_and_are_left_out(
    portfolio, executive_client, target, message
):
    html = executive_client.get(f"/reports/portfolio?target1={target}").get_data(as_text=True)
    assert message in html
    _, rows = _csv(executive_client, "targets", target1=target)
    assert all(row[3] == "" for row in rows)  # no pipeline "needed" without a target


@pytest.mark.parametrize(
    "query", ["start=9999-12-31", "end=9999-12-31", "end=0001-01-01", "start=0001-01-01"]
)
@pytest.mark.parametrize(
    "page", ["", "/forecast", "/choice", "/funnel.csv", "/forecast/forecast.csv"]
)
def test_dates_at_the_ends_of_the_calendar_are_reported_not_a_500(
    portfolio, executive_client, page, query
):
    response = executive_client.get(f"/reports/portfolio{page}?{query}")
    assert response.status_code == 200
    if not page.endswith(".csv"):
        assert "is out of range" in response.get_data(as_text=True)


def test_swapped_and_overlong_periods_are_mended(portfolio, executive_client):
    html = executive_client.get("/reports/portfolio?start=2026-06-01&end=2020-01-01").get_data(
        as_text=True
    )
    assert "the dates were swapped" in html
    assert "limited to three years" in html
    assert 'name="end" value="2026-06-01"' in html
    assert 'name="start" value="2023-05-31"' in html  # 3 × 366 days, end included


def test_the_page_runs_as_many_queries_for_a_large_portfolio(
    session, executive_client, query_counter
):
    funnel = factories.seeded_funnel(session)
    people = DemoPeople([], [], [], [])
    load_bulk_candidates(session, 20, people, now=utcnow(), batch=20)
    url = f"/reports/portfolio?funnel={funnel.id}"
    executive_client.get(url)  # warm the session and caches alike for both counts
    with query_counter() as small:
        assert executive_client.get(url).status_code == 200
    load_bulk_candidates(session, 400, people, now=utcnow(), batch=400, seed=3)
    with query_counter() as large:
        assert executive_client.get(url).status_code == 200
    assert len(small) == len(large)


def test_no_funnel_yet_is_explained(executive_client, session):
    assert session.scalar(select(Funnel.id).limit(1)) is None
    page = executive_client.get("/reports/portfolio")
    assert page.status_code == 200
    assert "There is no funnel yet" in page.get_data(as_text=True)
    assert executive_client.get("/reports/portfolio/funnel.csv").status_code == 404


def test_org_units_are_real_rows(portfolio, session):
    # Guard for the fixture: the narrowing test needs a real two-level tree.
    child = session.get(OrgUnit, portfolio["child"].id)
    assert child.parent_id == portfolio["parent"].id


def test_flow_csvs_equal_the_pure_flow_metrics(portfolio, executive_client, session):
    funnel = portfolio["funnel"]
    period = _period(120)
    _, series = _csv(executive_client, "throughput", funnel=funnel.id, **period)
    _, figures = _csv(executive_client, "flow-figures", funnel=funnel.id, **period)
    _, arrivals = _csv(executive_client, "cumulative-flow", funnel=funnel.id, **period)

    today = utcnow().date()
    days = [today - timedelta(days=119 - n) for n in range(120)]
    visits = session.scalars(select(StageVisit)).all()
    stages = funnel.stages
    intervals = [
        [(v.entered_at, v.left_at) for v in visits if v.stage_id == stage.id] for stage in stages
    ]
    expected_arrivals = metrics.cumulative_arrivals(
        ((entered.date(), i) for i, stays in enumerate(intervals) for entered, _ in stays),
        days,
        len(stages),
    )
    assert [[int(cell) for cell in row[1:]] for row in arrivals] == [
        list(column) for column in zip(*expected_arrivals, strict=True)
    ]
    for index, (stage, figure) in enumerate(zip(stages[:-1], figures, strict=True)):
        inputs, outputs = metrics.throughput_diagram(intervals[index], days)
        rows = [row for row in series if row[0] == stage.name]
        assert [int(row[2]) for row in rows] == inputs
        assert [int(row[3]) for row in rows] == outputs
        wip = [i - o for i, o in zip(inputs, outputs, strict=True)]
        assert float(figure[1]) == pytest.approx(sum(wip) / len(wip), abs=0.005)
        left_before = sum(1 for _, left in intervals[index] if left and left.date() < days[0])
        assert float(figure[2]) == pytest.approx((outputs[-1] - left_before) / 120, abs=0.0005)


def test_a_view_with_nothing_in_it_says_so(portfolio, executive_client):
    quiet = executive_client.get(
        f"/reports/portfolio?funnel={portfolio['funnel'].id}&start=2001-01-01&end=2001-03-31"
    ).get_data(as_text=True)
    busy = executive_client.get(f"/reports/portfolio?funnel={portfolio['funnel'].id}").get_data(
        as_text=True
    )
    message = "Nothing to show for this view"
    assert quiet.count(message) >= 4  # funnel, killed, times, scatter at least
    assert busy.count(message) < quiet.count(message)
