"""The executive overview: headline tiles, funnel, time in stage, flow and the weighted
pipeline against targets, every chart with its data as CSV. Filters live in the URL."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.charts import Chart
from app.exports import csv_response
from app.extensions import db
from app.i18n import localized
from app.lookup import org_unit_choices
from app.reports.blueprint import bp, everyone
from app.reports.dashboard_charts import overview_charts
from app.reports.scope import ViewFilters, presets, read_scope
from persistence import utcnow
from portfolio import candidates, funnels
from portfolio.dashboard import build_dashboard, scope_of
from portfolio.models import Funnel
from portfolio.targets import coming_quarters, pipeline_by_horizon, target_rows

MAX_TARGET = 1e15


@dataclass
class Page:
    """What every dashboard page shows around its content: the filter bar and the tabs."""

    scope: ViewFilters
    funnel: Funnel
    funnels: list[Funnel]
    context: dict[str, Any]

    def template_context(self) -> dict[str, Any]:
        return {"scope": self.scope, "funnel": self.funnel, **self.context}


def dashboard_page(args: MultiDict[str, str]) -> Page | None:
    """The filters of the request and the bar's options; None when no funnel exists."""
    all_funnels = funnels.list_funnels(db.session)
    units = org_unit_choices()
    today = utcnow().date()
    scope = read_scope(args, all_funnels, {int(value) for value, _ in units}, today)
    if scope is None:
        return None
    funnel = next(f for f in all_funnels if f.id == scope.filters.funnel_id)
    return Page(
        scope=scope,
        funnel=funnel,
        funnels=all_funnels,
        context={
            "funnels": all_funnels,
            "org_units": units,
            "themes": candidates.themes(db.session),
            "presets": presets(today),
        },
    )


def candidate_link() -> Callable[[int], str]:
    """A fast URL maker for thousands of points: url_for once, then string formatting."""
    prefix = url_for("portfolio.candidate", candidate_id=0)[:-1]
    return lambda candidate_id: f"{prefix}{candidate_id}"


def read_targets(args: MultiDict[str, str], count: int) -> tuple[list[float | None], list[str]]:
    targets: list[float | None] = []
    problems = []
    for n in range(1, count + 1):
        value, problem = _target(args.get(f"target{n}", "").strip().replace(",", ""))
        targets.append(value)
        if problem:
            problems.append(problem)
    return targets, problems


def _target(text: str) -> tuple[float | None, str | None]:
    """One typed target: the amount, or None and what is wrong with it (None when empty)."""
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value >= MAX_TARGET:
        too_large = gettext(
            "Target “%(value)s” is too large: use less than %(max)s.",
            value=text[:20],
            max=format(MAX_TARGET, ",.0f"),
        )
        return None, too_large
    if not 0 < value < MAX_TARGET:  # NaN and infinity fail this too
        return None, gettext("Target “%(value)s” is not a positive amount.", value=text[:20])
    return value, None


def _overview(page: Page, args: MultiDict[str, str]) -> tuple[dict[str, Chart], dict[str, Any]]:
    now = utcnow()
    board = build_dashboard(db.session, page.scope.filters, now=now)
    labels = [localized(stage) for stage in board.stages]
    horizons = coming_quarters(now.date())
    targets, problems = read_targets(args, len(horizons))
    has = pipeline_by_horizon(
        db.session, scope_of(db.session, page.scope.filters, board.stages), board.stages, horizons
    )
    probabilities = [stage.probability for stage in board.stages[:-1]]
    rows = target_rows([h[:-1] for h in has], probabilities, targets)
    charts = overview_charts(board, labels, candidate_link(), horizons, rows)
    return charts, {
        "board": board,
        "horizons": horizons,
        "targets": targets,
        "target_problems": problems,
    }


Build = Callable[[Page, MultiDict[str, str]], tuple[dict[str, Chart], dict[str, Any]]]


def render_dashboard(template: str, build: Build) -> str:
    """A dashboard page: the filters of the URL, the page's charts and figures."""
    page = dashboard_page(request.args)
    if page is None:
        return render_template("reports/no_funnel.html")
    charts, extra = build(page, request.args)
    return render_template(template, charts=charts, **page.template_context(), **extra)


def chart_csv(build: Build, key: str) -> object:
    """One chart's data as CSV, for exactly the view the URL describes."""
    page = dashboard_page(request.args)
    chart = build(page, request.args)[0].get(key) if page else None
    if chart is None:
        abort(404)
    return csv_response(f"portfolio-{key}.csv", chart.columns, chart.rows)


@bp.route("/portfolio")
@everyone
def dashboard() -> str:
    return render_dashboard("reports/dashboard.html", _overview)


@bp.route("/portfolio/<key>.csv")
@everyone
def dashboard_csv(key: str) -> object:
    return chart_csv(_overview, key)
