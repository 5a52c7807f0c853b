"""Charts of the forecast and portfolio-choice pages (plain-dict figures, see app.charts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from statistics import median

from flask_babel import gettext

from app.charts import Chart, base_layout, rule
from app.labels import RISK_LABELS
from app.reports.dashboard_charts import LATE, PALETTE, money, percent
from portfolio.outlook import ChoiceResult, ChoiceRow, ForecastView

RANKINGS = ("productivity", "ecv", "score")


def forecast_charts(view: ForecastView, target_label: str) -> dict[str, Chart]:
    days = view.horizons[: len(view.bands)]  # no bands when the forecast failed
    charts = []
    for key, title, pick in (
        ("forecast", gettext("Candidates reaching %(stage)s", stage=target_label), _counts),
        ("forecast-value", gettext("Value reaching %(stage)s", stage=target_label), _values),
    ):
        p50, p85, p95 = pick(view)
        data = [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "P95",
                "x": days,
                "y": p95,
                "line": {"color": PALETTE[4], "width": 1},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "P85",
                "x": days,
                "y": p85,
                "line": {"color": PALETTE[0], "width": 2},
                "fill": "tonexty",
                "fillcolor": "rgba(0,114,178,0.12)",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "P50",
                "x": days,
                "y": p50,
                "line": {"color": PALETTE[1], "width": 2},
                "fill": "tonexty",
                "fillcolor": "rgba(230,159,0,0.12)",
            },
        ]
        charts.append(
            Chart(
                key=key,
                title=title,
                description=gettext(
                    "Read a band as “at least this many with this confidence”: P95 is the "
                    "cautious figure, P50 as likely as not."
                ),
                figure={"data": data, "layout": base_layout(height=360)},
                columns=[gettext("By"), "P50", "P85", "P95"],
                rows=[[d, a, b, c] for d, a, b, c in zip(days, p50, p85, p95, strict=True)],
            )
        )
    return {chart.key: chart for chart in charts}


def _counts(view: ForecastView) -> tuple[list[float], list[float], list[float]]:
    return (
        [b.p50_count for b in view.bands],
        [b.p85_count for b in view.bands],
        [b.p95_count for b in view.bands],
    )


def _values(view: ForecastView) -> tuple[list[float], list[float], list[float]]:
    return (
        [money(b.p50_value) for b in view.bands],
        [money(b.p85_value) for b in view.bands],
        [money(b.p95_value) for b in view.bands],
    )


def rank_rows(rows: Sequence[ChoiceRow], ranking: str) -> list[ChoiceRow]:
    """Best first; candidates without a gate score come last when ranking by score."""
    if ranking == "ecv":
        return sorted(rows, key=lambda r: -r.ecv)
    if ranking == "score":
        return sorted(rows, key=lambda r: (r.gate_score is None, -(r.gate_score or 0)))
    return sorted(rows, key=lambda r: -r.productivity_index)


def choice_charts(
    rows: Sequence[ChoiceRow],
    result: ChoiceResult,
    labels: list[str],
    ranking: str,
    candidate_url: Callable[[int], str],
) -> dict[str, Chart]:
    chosen = set(result.selection.keys)
    above = {key for key, inside in result.waterline if inside}
    return {
        chart.key: chart
        for chart in (
            _bubbles(rows, chosen, candidate_url),
            _frontier(result),
            _ranking(rank_rows(rows, ranking), chosen, above, labels),
        )
    }


def _bubbles(
    rows: Sequence[ChoiceRow], chosen: set[str], candidate_url: Callable[[int], str]
) -> Chart:
    largest = max((r.cost for r in rows), default=1.0) or 1.0
    middle = median([r.value for r in rows]) if rows else 0.0
    data = []
    for inside, name, colour in (
        (True, gettext("Chosen"), PALETTE[2]),
        (False, gettext("Not chosen"), "#95a5a6"),
    ):
        group = [r for r in rows if (str(r.candidate_id) in chosen) == inside]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [round(r.probability, 3) for r in group],
                "y": [money(r.value) for r in group],
                "text": [r.title for r in group],
                "customdata": [candidate_url(r.candidate_id) for r in group],
                "marker": {
                    "size": [max(6.0, 50 * (r.cost / largest) ** 0.5) for r in group],
                    "color": colour,
                    "opacity": 0.65,
                    "line": {"width": 1, "color": "#333"},
                },
                "hovertemplate": "%{text}<br>p=%{x:.0%} · %{y:,.0f}<extra></extra>",
            }
        )
    corners = (
        (0.98, 0.98, "right", "top", gettext("Pearls")),
        (0.02, 0.98, "left", "top", gettext("Oysters")),
        (0.98, 0.02, "right", "bottom", gettext("Bread and butter")),
        (0.02, 0.02, "left", "bottom", gettext("White elephants")),
    )
    layout = base_layout(
        height=440,
        xaxis={
            "title": {"text": gettext("Probability of approval")},
            "tickformat": ".0%",
            "range": [0, 1],
        },
        yaxis={"title": {"text": gettext("Expected value")}},
        shapes=[rule("x", 0.5, "#bbb", "dot"), rule("y", middle, "#bbb", "dot")],
        annotations=[
            {
                "xref": "paper",
                "yref": "paper",
                "x": x,
                "y": y,
                "xanchor": ax,
                "yanchor": ay,
                "text": f"<i>{text}</i>",
                "showarrow": False,
                "font": {"color": "#777"},
            }
            for x, y, ax, ay, text in corners
        ],
    )
    return Chart(
        key="risk-value",
        title=gettext("Risk and value"),
        description=gettext(
            "Each bubble is a candidate (size = cost). Quadrants split at even odds and at "
            "the median value. Click a bubble to open the candidate."
        ),
        figure={"data": data, "layout": layout},
        columns=[
            gettext("Candidate"),
            gettext("Probability (%)"),
            gettext("Value"),
            gettext("Cost"),
            gettext("Chosen"),
        ],
        rows=[
            [
                r.title,
                percent(r.probability),
                money(r.value),
                money(r.cost),
                gettext("yes") if str(r.candidate_id) in chosen else gettext("no"),
            ]
            for r in rows
        ],
    )


def _frontier(result: ChoiceResult) -> Chart:
    points = result.frontier
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": gettext("Efficient frontier"),
            "x": [0, *(money(p.cumulative_cost) for p in points)],
            "y": [0, *(money(p.cumulative_value) for p in points)],
            "line": {"color": PALETTE[0], "shape": "linear"},
            "marker": {"size": 4},
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": gettext("Best set within the budget"),
            "x": [money(result.selection.cost)],
            "y": [money(result.selection.value)],
            "marker": {"size": 14, "color": PALETTE[2], "symbol": "star"},
        },
    ]
    layout = base_layout(
        height=380,
        xaxis={"title": {"text": gettext("Cumulative cost")}},
        yaxis={"title": {"text": gettext("Cumulative risk-adjusted value")}},
        shapes=[rule("x", result.budget, LATE)],
        annotations=[
            {
                "xref": "x",
                "yref": "paper",
                "x": result.budget,
                "y": 0.02,
                "xanchor": "left",
                "yanchor": "bottom",
                "text": " " + gettext("Budget"),
                "showarrow": False,
                "font": {"color": LATE},
            }
        ],
    )
    return Chart(
        key="frontier",
        title=gettext("Efficient frontier and budget"),
        description=gettext(
            "Candidates added best value-for-money first; the star is the best set that fits "
            "the budget, which may reach beyond the greedy line."
        ),
        figure={"data": data, "layout": layout},
        columns=[
            gettext("Candidate"),
            gettext("Cumulative cost"),
            gettext("Cumulative risk-adjusted value"),
        ],
        rows=[[int(p.key), money(p.cumulative_cost), money(p.cumulative_value)] for p in points],
    )


def _ranking(
    rows: Sequence[ChoiceRow], chosen: set[str], above: set[str], labels: list[str]
) -> Chart:
    """A table more than a chart: its figure shows the top 30 by the chosen measure."""
    top = rows[:30]
    return Chart(
        key="ranking",
        title=gettext("Ranking"),
        figure={
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": [r.title for r in top][::-1],
                    "x": [money(r.value * r.probability) for r in top][::-1],
                    "marker": {
                        "color": [
                            PALETTE[2] if str(r.candidate_id) in chosen else "#95a5a6" for r in top
                        ][::-1]
                    },
                }
            ],
            "layout": base_layout(
                height=max(300, 22 * len(top) + 80),
                xaxis={"title": {"text": gettext("Risk-adjusted value")}},
            ),
        },
        columns=[
            gettext("Rank"),
            gettext("Candidate"),
            gettext("Stage"),
            gettext("Risk"),
            gettext("Cost"),
            gettext("Value"),
            gettext("Probability (%)"),
            gettext("Gate score"),
            gettext("ECV"),
            gettext("Productivity index"),
            gettext("Above the waterline"),
            gettext("Chosen"),
        ],
        rows=[
            [
                n,
                r.title,
                labels[r.stage_index],
                str(RISK_LABELS[r.risk_level]),
                money(r.cost),
                money(r.value),
                percent(r.probability),
                None if r.gate_score is None else round(r.gate_score, 1),
                money(r.ecv),
                round(r.productivity_index, 3),
                gettext("yes") if str(r.candidate_id) in above else gettext("no"),
                gettext("yes") if str(r.candidate_id) in chosen else gettext("no"),
            ]
            for n, r in enumerate(rows, start=1)
        ],
    )
