"""Looking ahead: the Monte Carlo forecast of arrivals at a stage, and the portfolio choice
under a budget. Both read the dashboard's filters from the URL and offer their data as CSV."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.charts import Chart
from app.extensions import db
from app.i18n import localized
from app.reports.blueprint import bp, everyone
from app.reports.dashboard_pages import Page, candidate_link, chart_csv, render_dashboard
from app.reports.outlook_charts import RANKINGS, choice_charts, forecast_charts
from persistence import utcnow
from portfolio.outlook import choice_rows, choose, default_budget, forecast_reaching
from portfolio.targets import coming_quarters

MAX_FORECAST_DAYS = 2 * 366
SEED = 20261203  # fixed: the same data and filters always draw the same bands


def _forecast_options(page: Page, args: MultiDict[str, str]) -> dict[str, Any]:
    """Target stage (default: the final investment decision, the stage before approval) and
    the date to forecast to (default: the end of next quarter)."""
    today = utcnow().date()
    stage_count = len(page.funnel.stages)
    problems = []
    target = args.get("target", type=int)
    if target is None or not 1 <= target < stage_count:
        if args.get("target"):
            problems.append(gettext("Unknown target stage: showing the default one."))
        target = max(stage_count - 2, 1)
    until = coming_quarters(today, 2)[1].end
    text = args.get("until", "").strip()
    if text:
        try:
            chosen = date.fromisoformat(text)
        except ValueError:
            problems.append(gettext("“%(value)s” is not a date (YYYY-MM-DD).", value=text[:20]))
        else:
            if today < chosen <= today + timedelta(days=MAX_FORECAST_DAYS):
                until = chosen
            else:
                problems.append(gettext("Forecasts reach from tomorrow to two years ahead."))
    return {"target": target, "until": until, "option_problems": problems}


def _forecast(page: Page, args: MultiDict[str, str]) -> tuple[dict[str, Chart], dict[str, Any]]:
    options = _forecast_options(page, args)
    view = forecast_reaching(
        db.session,
        page.scope.filters,
        target_stage=options["target"],
        until=options["until"],
        now=utcnow(),
        seed=SEED,
    )
    label = localized(page.funnel.stages[options["target"]])
    return forecast_charts(view, label), {"view": view, "target_label": label, **options}


@bp.route("/portfolio/forecast")
@everyone
def forecast() -> str:
    return render_dashboard("reports/forecast.html", _forecast)


@bp.route("/portfolio/forecast/<key>.csv")
@everyone
def forecast_csv(key: str) -> object:
    return chart_csv(_forecast, key)


def _choice(page: Page, args: MultiDict[str, str]) -> tuple[dict[str, Chart], dict[str, Any]]:
    choice = choice_rows(db.session, page.scope.filters, now=utcnow())
    ranking = args.get("rank", "")
    ranking = ranking if ranking in RANKINGS else RANKINGS[0]
    total_cost = sum(r.cost for r in choice.rows)
    problems = []
    budget = args.get("budget", type=float)
    if budget is None or not 0 <= budget <= 10 * total_cost + 1:
        if args.get("budget"):
            problems.append(gettext("The budget must be an amount from 0 to the total cost."))
        budget = default_budget(choice.rows)
    result = choose(choice.rows, budget)
    labels = [localized(stage) for stage in page.funnel.stages]
    charts = choice_charts(choice.rows, result, labels, ranking, candidate_link())
    return charts, {
        "choice": choice,
        "result": result,
        "ranking": ranking,
        "budget": budget,
        "total_cost": total_cost,
        "option_problems": problems,
    }


@bp.route("/portfolio/choice")
@everyone
def choice() -> str:
    return render_dashboard("reports/choice.html", _choice)


@bp.route("/portfolio/choice/<key>.csv")
@everyone
def choice_csv(key: str) -> object:
    return chart_csv(_choice, key)
