"""The overview dashboard's charts, built from `portfolio.dashboard.Dashboard`.

Figures are plain dicts (see app.charts): the scatter and flow charts carry thousands of
points, and Plotly's validation would cost more than the queries behind them. Each chart's
rows are exactly what its CSV serves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from app.charts import Chart, base_layout, rule, wrapped
from portfolio import metrics
from portfolio.dashboard import Dashboard
from portfolio.targets import Horizon, TargetRow

# Colours that stay apart for colour-blind readers (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
LATE, WATCH, ON_TIME = "#D55E00", "#E69F00", "#7f8c8d"


def percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def money(value: float) -> float:
    return round(value, 2)


def overview_charts(
    board: Dashboard,
    labels: list[str],
    candidate_url: Callable[[int], str],
    horizons: list[Horizon],
    target_rows: list[TargetRow],
) -> dict[str, Chart]:
    charts = [
        _funnel(board, labels),
        _killed(board, labels),
        _times(board, labels),
        _scatter(board, labels, candidate_url),
        _aging(board, labels, candidate_url),
        _cumulative_flow(board, labels),
        _throughput(board, labels),
        _flow_figures(board, labels),
        _pipeline(board),
        _stage_pipeline(board, labels),
        _targets(labels, horizons, target_rows),
    ]
    return {chart.key: chart for chart in charts}


# --- funnel ------------------------------------------------------------------------------


def _funnel(board: Dashboard, labels: list[str]) -> Chart:
    view = board.funnel
    step = [None, *view.step]
    trace = {
        "type": "funnel",
        "y": labels,
        "x": view.counts,
        # Language-neutral text: Plotly's own "of initial" labels are English only.
        "texttemplate": "%{value} · %{percentInitial:.0%}",
        "marker": {"color": PALETTE[0]},
        "customdata": [money(v) for v in view.values],
        "hovertemplate": "%{y}: %{x}<br>" + gettext("Value") + " %{customdata:,.0f}<extra></extra>",
    }
    rows = [
        [
            label,
            view.counts[i],
            money(view.values[i]),
            percent(step[i]),
            percent(view.overall[i]),
            percent(view.drop_off[i - 1]) if i else None,
            view.killed[i],
        ]
        for i, label in enumerate(labels)
    ]
    return Chart(
        key="funnel",
        empty=not view.counts[0],
        title=gettext("Funnel: candidates that reached each stage"),
        description=gettext(
            "Cohort view: candidates that entered the funnel in the period, counted in every "
            "stage they reached, whatever happened to them later."
        ),
        figure={"data": [trace], "layout": base_layout(height=360)},
        columns=[
            gettext("Stage"),
            gettext("Reached"),
            gettext("Value"),
            gettext("Step conversion (%)"),
            gettext("Overall conversion (%)"),
            gettext("Drop-off from previous stage (%)"),
            gettext("Killed here in the period"),
        ],
        rows=rows,
    )


def _killed(board: Dashboard, labels: list[str]) -> Chart:
    killed = board.funnel.killed[:-1]  # nobody is killed once approved
    labels = labels[:-1]
    return Chart(
        key="killed",
        empty=not any(killed),
        title=gettext("Where killed candidates left the funnel"),
        description=gettext(
            "Kills decided in the period, by the stage the candidate was in; they include "
            "candidates that entered the funnel before the period."
        ),
        figure={
            "data": [
                {"type": "bar", "x": labels, "y": killed, "marker": {"color": LATE}},
            ],
            "layout": base_layout(height=300, yaxis={"title": {"text": gettext("Killed")}}),
        },
        columns=[gettext("Stage"), gettext("Killed")],
        rows=[[label, count] for label, count in zip(labels, killed, strict=True)],
    )


# --- time in stage -----------------------------------------------------------------------


def _times(board: Dashboard, labels: list[str]) -> Chart:
    shown = range(len(labels) - 1)  # nobody leaves the final stage
    names = [labels[i] for i in shown]
    median = [days(board.times[i].median_days) for i in shown]
    p85 = [days(board.times[i].p85_days) for i in shown]
    targets = [board.stages[i].target_dwell_days for i in shown]
    data = [
        {"type": "bar", "name": gettext("Median"), "x": names, "y": median},
        {"type": "bar", "name": "P85", "x": names, "y": p85},
        {
            "type": "scatter",
            "mode": "markers",
            "name": gettext("Target"),
            "x": names,
            "y": targets,
            "marker": {"symbol": "line-ew-open", "size": 40, "color": LATE, "line": {"width": 3}},
        },
    ]
    return Chart(
        key="times",
        empty=not any(board.times[i].count for i in shown),
        title=gettext("Time in stage"),
        description=gettext("Days spent in each stage by the stays that ended in the period."),
        figure={
            "data": data,
            "layout": base_layout(
                height=340,
                barmode="group",
                colorway=list(PALETTE),
                yaxis={"title": {"text": gettext("Days")}},
            ),
        },
        columns=[
            gettext("Stage"),
            gettext("Completed stays"),
            gettext("Median days"),
            gettext("P85 days"),
            gettext("Target days"),
        ],
        rows=[
            [names[n], board.times[i].count, median[n], p85[n], targets[n]]
            for n, i in enumerate(shown)
        ],
    )


def _scatter(board: Dashboard, labels: list[str], candidate_url: Callable[[int], str]) -> Chart:
    data = []
    for stage in range(len(labels) - 1):
        points = [p for p in board.scatter if p[2] == stage]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": labels[stage],
                "x": [p[0] for p in points],
                "y": [round(p[1], 2) for p in points],
                "customdata": [candidate_url(p[3]) for p in points],
                "marker": {"size": 5, "opacity": 0.6, "color": PALETTE[stage % len(PALETTE)]},
            }
        )
    dwells = [p[1] for p in board.scatter]
    shapes, annotations = [], []
    for q, colour in ((50, PALETTE[2]), (85, LATE)):
        level = metrics.percentile(dwells, q)
        if level is None:
            continue
        shapes.append(rule("y", level, colour))
        annotations.append(
            {
                "xref": "paper",
                "x": 1,
                "y": level,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"P{q} {level:.1f}",
                "font": {"color": colour},
            }
        )
    return Chart(
        key="scatter",
        empty=not board.scatter,
        title=gettext("Cycle time per stay"),
        description=gettext(
            "Each dot is a stay that ended in the period (the newest %(count)s at most), "
            "with the 50th and 85th percentile lines. Click a dot to open the candidate.",
            count=format(len(board.scatter), ","),
        ),
        figure={
            "data": data,
            "layout": base_layout(
                height=380,
                shapes=shapes,
                annotations=annotations,
                yaxis={"title": {"text": gettext("Days in stage")}},
            ),
        },
        columns=[
            gettext("Left on"),
            gettext("Stage"),
            gettext("Days in stage"),
            gettext("Candidate"),
        ],
        rows=[[p[0], labels[p[2]], round(p[1], 2), p[3]] for p in board.scatter],
    )


def _aging(board: Dashboard, labels: list[str], candidate_url: Callable[[int], str]) -> Chart:
    rows, xs, ys, colours, links, texts = [], [], [], [], [], []
    for item in sorted(board.aging, key=lambda a: (a.stage_index, -a.age_days)):
        times = board.times[item.stage_index]
        late = times.p85_days is not None and item.age_days > times.p85_days
        watch = times.median_days is not None and item.age_days > times.median_days
        xs.append(labels[item.stage_index])
        ys.append(round(item.age_days, 1))
        colours.append(LATE if late else WATCH if watch else ON_TIME)
        links.append(candidate_url(item.candidate_id))
        texts.append(item.title)
        state = gettext("late") if late else gettext("watch") if watch else gettext("on time")
        rows.append([item.title, labels[item.stage_index], round(item.age_days, 1), state])
    shown = range(len(labels) - 1)
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": gettext("Candidates"),
            "x": xs,
            "y": ys,
            "text": texts,
            "customdata": links,
            "marker": {"color": colours, "size": 9, "opacity": 0.8},
            "hovertemplate": "%{text}<br>%{y} " + gettext("days") + "<extra></extra>",
        }
    ]
    for q, attribute, colour in ((50, "median_days", WATCH), (85, "p85_days", LATE)):
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"P{q}",
                "x": [labels[i] for i in shown],
                "y": [days(getattr(board.times[i], attribute)) for i in shown],
                "marker": {
                    "symbol": "line-ew-open",
                    "size": 46,
                    "color": colour,
                    "line": {"width": 2},
                },
                "hoverinfo": "y+name",
            }
        )
    return Chart(
        key="aging",
        empty=not board.aging,
        title=gettext("Aging work in progress"),
        description=gettext(
            "How long the candidates still in each stage have been there, against the stage's "
            "median and P85 (the oldest %(count)d per stage). Click a dot to open the candidate.",
            count=40,
        ),
        figure={
            "data": data,
            "layout": base_layout(height=380, yaxis={"title": {"text": gettext("Days in stage")}}),
        },
        columns=[
            gettext("Candidate"),
            gettext("Stage"),
            gettext("Days in stage"),
            gettext("State"),
        ],
        rows=rows,
    )


# --- flow --------------------------------------------------------------------------------


def _cumulative_flow(board: Dashboard, labels: list[str]) -> Chart:
    days_ = board.filters.days
    data = []
    # Last stage first, each area filled down to the next: the bands between the lines are
    # the candidates standing in each stage.
    for index in reversed(range(len(labels))):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": labels[index],
                "x": days_,
                "y": board.cumulative_arrivals[index],
                "fill": "tozeroy" if index == len(labels) - 1 else "tonexty",
                "line": {"width": 1, "color": PALETTE[index % len(PALETTE)]},
            }
        )
    return Chart(
        key="cumulative-flow",
        title=gettext("Cumulative flow"),
        description=gettext(
            "Cumulative arrivals in each stage, day by day; the height of a band is the work "
            "waiting in that stage, its width the time it takes to pass."
        ),
        figure={
            "data": data,
            "layout": base_layout(height=380, yaxis={"title": {"text": gettext("Arrivals")}}),
        },
        columns=[gettext("Day"), *labels],
        rows=[
            [day, *(series[n] for series in board.cumulative_arrivals)]
            for n, day in enumerate(days_)
        ],
    )


def _throughput(board: Dashboard, labels: list[str]) -> Chart:
    days_ = board.filters.days
    count = len(board.flow)
    data, annotations = [], []
    layout = base_layout(
        height=360,
        grid={"rows": 1, "columns": max(count, 1), "pattern": "independent"},
        showlegend=False,
        margin={"l": 40, "r": 20, "t": 50, "b": 40},  # room for two-line stage names
    )
    rows = []
    for n, view in enumerate(board.flow):
        axis = "" if n == 0 else str(n + 1)
        name = labels[view.stage_index]
        for series, label, colour in (
            (view.inputs, gettext("Input"), PALETTE[0]),
            (view.outputs, gettext("Output"), PALETTE[1]),
        ):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{name} · {label}",
                    "x": days_,
                    "y": series,
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "line": {"color": colour, "shape": "hv"},
                }
            )
        layout[f"xaxis{axis}"] = {"showticklabels": False}
        flag = " ⚠" if view.bottleneck else ""
        annotations.append(
            {
                "xref": f"x{axis} domain",
                "yref": f"y{axis} domain",
                "x": 0,
                "y": 1.02,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "align": "left",
                # Wrapped: the panels are narrow and a long stage name ran into the next.
                "text": f"<b>{wrapped(name, 16)}</b>{flag}",
            }
        )
        rows += [
            [name, day, entered, left]
            for day, entered, left in zip(days_, view.inputs, view.outputs, strict=True)
        ]
    layout["annotations"] = annotations
    return Chart(
        key="throughput",
        title=gettext("Throughput diagrams"),
        description=gettext(
            "Per stage, cumulative input (blue) and output (orange) over the period: the "
            "vertical gap is the WIP, the horizontal gap the time items take. ⚠ marks a "
            "bottleneck: its range grew while its throughput did not."
        ),
        figure={"data": data, "layout": layout},
        columns=[
            gettext("Stage"),
            gettext("Day"),
            gettext("Cumulative input"),
            gettext("Cumulative output"),
        ],
        rows=rows,
    )


def _flow_figures(board: Dashboard, labels: list[str]) -> Chart:
    names = [labels[view.stage_index] for view in board.flow]
    return Chart(
        key="flow-figures",
        title=gettext("Mean range per stage"),
        description=gettext(
            "The days an item spends in a stage at the present pace: mean WIP ÷ throughput "
            "over the period. The bottleneck is drawn in red."
        ),
        figure={
            "data": [
                {
                    "type": "bar",
                    "x": names,
                    "y": [days(view.mean_range) for view in board.flow],
                    "marker": {
                        "color": [LATE if view.bottleneck else PALETTE[0] for view in board.flow]
                    },
                }
            ],
            "layout": base_layout(height=300, yaxis={"title": {"text": gettext("Days")}}),
        },
        columns=[
            gettext("Stage"),
            gettext("Mean WIP"),
            gettext("Throughput per day"),
            gettext("Mean range (days)"),
            gettext("Bottleneck"),
        ],
        rows=[
            [
                name,
                round(view.mean_wip, 2),
                round(view.throughput, 3),
                days(view.mean_range),
                gettext("yes") if view.bottleneck else gettext("no"),
            ]
            for name, view in zip(names, board.flow, strict=True)
        ],
    )


# --- pipeline ----------------------------------------------------------------------------


def _pipeline(board: Dashboard) -> Chart:
    months = [m for m, _, _ in board.pipeline_by_month]
    return Chart(
        key="pipeline",
        empty=not board.pipeline_by_month,
        title=gettext("Weighted pipeline by expected decision month"),
        description=gettext(
            "Value of the live candidates × their probability of approval, by the month their "
            "decision is expected."
        ),
        figure={
            "data": [
                {
                    "type": "bar",
                    "x": months,
                    "y": [money(v) for _, v, _ in board.pipeline_by_month],
                    "customdata": [c for _, _, c in board.pipeline_by_month],
                    "marker": {"color": PALETTE[2]},
                    "hovertemplate": "%{x}: %{y:,.0f}<br>%{customdata} "
                    + gettext("candidates")
                    + "<extra></extra>",
                }
            ],
            "layout": base_layout(height=320, yaxis={"title": {"text": gettext("Weighted value")}}),
        },
        columns=[gettext("Month"), gettext("Weighted value"), gettext("Candidates")],
        rows=[[m, money(v), c] for m, v, c in board.pipeline_by_month],
    )


def _stage_pipeline(board: Dashboard, labels: list[str]) -> Chart:
    shown = range(len(labels) - 1)
    names = [labels[i] for i in shown]
    values = [board.stage_values[i] for i in shown]
    return Chart(
        key="stage-pipeline",
        empty=not any(v[2] for v in values),
        title=gettext("Pipeline by stage"),
        figure={
            "data": [
                {
                    "type": "bar",
                    "name": gettext("Value"),
                    "x": names,
                    "y": [money(v[0]) for v in values],
                },
                {
                    "type": "bar",
                    "name": gettext("Weighted value"),
                    "x": names,
                    "y": [money(v[1]) for v in values],
                },
            ],
            "layout": base_layout(height=320, barmode="group", colorway=list(PALETTE)),
        },
        columns=[
            gettext("Stage"),
            gettext("Live candidates"),
            gettext("Value"),
            gettext("Weighted value"),
        ],
        rows=[[n, v[2], money(v[0]), money(v[1])] for n, v in zip(names, values, strict=True)],
    )


def _targets(labels: list[str], horizons: list[Horizon], rows: list[TargetRow]) -> Chart:
    def horizon_label(index: int) -> str:
        h = horizons[index]
        return f"{h.start.year} Q{(h.start.month - 1) // 3 + 1}"

    # Stage names wrap onto lines: rotated, they ran into the quarter labels beneath.
    categories = [
        [horizon_label(r.horizon) for r in rows],
        [wrapped(labels[r.stage], 8) for r in rows],
    ]
    data = [
        {
            "type": "bar",
            "name": gettext("In pipeline"),
            "x": categories,
            "y": [money(r.has) for r in rows],
            "marker": {"color": PALETTE[2]},
        }
    ]
    if any(r.needed is not None for r in rows):
        data.append(
            {
                "type": "bar",
                "name": gettext("Needed"),
                "x": categories,
                "y": [None if r.needed is None else money(r.needed) for r in rows],
                "marker": {"color": PALETTE[1]},
            }
        )
    return Chart(
        key="targets",
        title=gettext("Pipeline needed for the targets"),
        description=gettext(
            "For each quarter: the value each stage needs to meet the target (target ÷ the "
            "stage's probability), what it holds of candidates expected to decide in that "
            "quarter, and the gap (positive: short)."
        ),
        figure={
            "data": data,
            "layout": base_layout(
                height=420, barmode="group", showlegend=True, xaxis={"tickangle": 0}
            ),
        },
        columns=[
            gettext("Quarter"),
            gettext("Stage"),
            gettext("Probability (%)"),
            gettext("Needed"),
            gettext("In pipeline"),
            gettext("Gap"),
        ],
        rows=[
            [
                horizon_label(r.horizon),
                labels[r.stage],
                percent(r.probability),
                None if r.needed is None else money(r.needed),
                money(r.has),
                None if r.gap is None else money(r.gap),
            ]
            for r in rows
        ],
    )
