"""Closed results as people read them: texts in their language, and the charts.

Everything comes from the frozen snapshot and the assessment's own copy of the model, so a
result page shows what was decided at closing whatever happened to the model since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from flask_babel import gettext

from app.charts import Chart, layout
from app.labels import EVIDENCE_LABELS, RESPONDENT_ROLE_LABELS
from assessments.model import Model, load_model
from assessments.models import Assessment, Evidence, RespondentRole
from assessments.results import NO_EVIDENCE, TrendPoint

LEVELS = (2, 3, 4, 5)


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str
    achievement: float | None


@dataclass(frozen=True)
class AreaView:
    key: str
    name: str
    capability: int
    target: int | None
    gap: int | None
    achievement: dict[int, float | None]
    blocker_level: int | None
    blockers: list[QuestionView]


@dataclass(frozen=True)
class ResultView:
    model: Model
    language: str
    level: int
    index: float
    respondents: int
    areas: list[AreaView]
    disagreements: list[tuple[QuestionView, str, int, int]]  # question, area name, low, high
    roles: list[dict[str, Any]]
    evidence: list[tuple[str, int]]

    def level_name(self, level: int) -> str:
        return self.model.level(level).name.get(self.language)

    def focus(self, level: int) -> str:
        return self.model.level(level).focus.get(self.language)


def result_view(assessment: Assessment, language: str) -> ResultView:
    model = load_model(assessment.model)
    snap = assessment.result or {}

    def question(qid: str) -> QuestionView:
        return QuestionView(
            qid, model.question(qid).text.get(language), snap["question_achievement"].get(qid)
        )

    areas = []
    for area in model.areas:
        blocker = snap["blockers"].get(area.key)
        areas.append(
            AreaView(
                key=area.key,
                name=area.name.get(language),
                capability=snap["area_levels"][area.key],
                target=snap["targets"].get(area.key),
                gap=snap["gaps"].get(area.key),
                achievement={
                    level: snap["achievement"][area.key].get(str(level)) for level in LEVELS
                },
                blocker_level=blocker["level"] if blocker else None,
                blockers=[question(q) for q in blocker["questions"]] if blocker else [],
            )
        )
    names = {area.key: area.name.get(language) for area in model.areas}
    # Widest spread first: those are the answers most worth talking about.
    disagreements = sorted(
        (
            (question(qid), names[model.question(qid).area], low, high)
            for qid, (low, high) in snap["disagreements"].items()
        ),
        key=lambda item: item[2] - item[3],
    )
    roles = [
        {
            "label": str(RESPONDENT_ROLE_LABELS[RespondentRole(role)]),
            **data,
        }
        for role, data in snap["by_role"].items()
    ]
    evidence_labels = {e.value: str(label) for e, label in EVIDENCE_LABELS.items()}
    evidence_labels[NO_EVIDENCE] = gettext("No tag")
    order = [e.value for e in Evidence] + [NO_EVIDENCE]
    evidence = [
        (evidence_labels[key], snap["evidence"][key]) for key in order if key in snap["evidence"]
    ]
    return ResultView(
        model=model,
        language=language,
        level=snap["level"],
        index=snap["index"],
        respondents=snap["respondents"],
        areas=areas,
        disagreements=disagreements,
        roles=roles,
        evidence=evidence,
    )


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100)


def result_charts(view: ResultView) -> dict[str, Chart]:
    names = [area.name for area in view.areas]
    charts = {}

    current = [area.capability for area in view.areas]
    radar = go.Figure()
    radar.add_trace(
        go.Scatterpolar(
            r=[*current, current[0]],
            theta=[*names, names[0]],
            name=gettext("Current"),
            fill="toself",
            line={"color": "#0d6efd"},
        )
    )
    targets = [area.target for area in view.areas]
    if any(t is not None for t in targets):
        filled = [t or 0 for t in targets]
        radar.add_trace(
            go.Scatterpolar(
                r=[*filled, filled[0]],
                theta=[*names, names[0]],
                name=gettext("Target"),
                line={"color": "#dc3545", "dash": "dash"},
            )
        )
    layout(radar, height=480, polar={"radialaxis": {"range": [0, 5], "dtick": 1}})
    radar.update_layout(margin={"l": 110, "r": 110, "t": 40, "b": 40})
    charts["profile"] = Chart(
        key="profile",
        title=gettext("Capability profile"),
        description=gettext("Capability level of each key process area (1–5) against the target."),
        figure=radar,
        columns=[gettext("Area"), gettext("Capability"), gettext("Target"), gettext("Gap")],
        rows=[[a.name, a.capability, a.target, a.gap] for a in view.areas],
    )

    level_labels = [f"{level} · {view.level_name(level)}" for level in LEVELS]
    z = [[_percent(area.achievement[level]) for level in LEVELS] for area in view.areas]
    heatmap = go.Figure(
        go.Heatmap(
            z=z,
            x=level_labels,
            y=names,
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            text=[["" if v is None else f"{v}%" for v in row] for row in z],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{z}%<extra></extra>",
            colorbar={"title": "%"},
        )
    )
    layout(
        heatmap,
        height=max(360, 34 * len(names) + 120),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": 0},
    )
    charts["achievement"] = Chart(
        key="achievement",
        title=gettext("Achievement by area and level"),
        description=gettext(
            "Share of each level's practices in place (three quarters reach the level); "
            "empty cells had no answered question and count as met."
        ),
        figure=heatmap,
        columns=[gettext("Area"), *level_labels],
        rows=[[area.name, *row] for area, row in zip(view.areas, z, strict=True)],
    )

    if view.roles:
        bars = go.Figure()
        for role in view.roles:
            bars.add_trace(
                go.Bar(
                    name=role["label"], x=names, y=[role["area_levels"][a.key] for a in view.areas]
                )
            )
        layout(bars, barmode="group", yaxis={"range": [0, 5], "dtick": 1})
        charts["roles"] = Chart(
            key="roles",
            title=gettext("How respondent roles see it"),
            description=gettext("Capability per area as each group of respondents answered."),
            figure=bars,
            columns=[
                gettext("Respondent role"),
                gettext("Respondents"),
                gettext("Index"),
                gettext("Level"),
                *names,
            ],
            rows=[
                [
                    r["label"],
                    r["respondents"],
                    round(r["index"], 2),
                    r["level"],
                    *(r["area_levels"][a.key] for a in view.areas),
                ]
                for r in view.roles
            ],
        )

    if view.evidence:
        labels = [label for label, _ in view.evidence]
        counts = [count for _, count in view.evidence]
        mix = go.Figure(go.Bar(x=counts, y=labels, orientation="h", marker={"color": "#6c757d"}))
        layout(mix, height=260)
        charts["evidence"] = Chart(
            key="evidence",
            title=gettext("Evidence behind the answers"),
            figure=mix,
            columns=[gettext("Evidence"), gettext("Answers")],
            rows=[[label, count] for label, count in view.evidence],
        )
    return charts


def trend_chart(points: Sequence[TrendPoint]) -> Chart:
    dates = [p.period_end.isoformat() for p in points]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=dates,
            y=[p.index for p in points],
            mode="lines+markers",
            name=gettext("Maturity index"),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=dates,
            y=[p.level for p in points],
            mode="lines+markers",
            line={"shape": "hv", "dash": "dot"},
            name=gettext("Maturity level"),
        )
    )
    layout(figure, yaxis={"range": [1, 5], "dtick": 1})
    return Chart(
        key="trend",
        title=gettext("Maturity over time"),
        description=gettext(
            "Index (continuous, 1–5) and level (staged) of each closed assessment."
        ),
        figure=figure,
        columns=[gettext("Assessment"), gettext("Period to"), gettext("Index"), gettext("Level")],
        rows=[[p.title, p.period_end.isoformat(), round(p.index, 2), p.level] for p in points],
    )


def comparison_chart(assessments: Sequence[Assessment], language: str) -> Chart | None:
    """Units × areas heatmap of capability, from each unit's latest closed assessment.
    Areas are those of the newest model among them; a unit assessed with a model lacking
    an area shows an empty cell."""
    if not assessments:
        return None
    model = load_model(max(assessments, key=lambda a: a.id).model)
    areas = [(area.key, area.name.get(language)) for area in model.areas]
    units = [a.org_unit.label(language) for a in assessments]
    z = [
        [(a.result or {}).get("area_levels", {}).get(key) for key, _ in areas] for a in assessments
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[name for _, name in areas],
            y=units,
            zmin=1,
            zmax=5,
            colorscale="Blues",
            text=z,
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
        )
    )
    layout(figure, height=max(320, 40 * len(units) + 160), yaxis={"autorange": "reversed"})
    return Chart(
        key="comparison",
        title=gettext("Capability across org units"),
        description=gettext("Each unit's latest closed assessment."),
        figure=figure,
        columns=[gettext("Org unit"), gettext("Level"), gettext("Index"), *(n for _, n in areas)],
        rows=[
            [unit, (a.result or {}).get("level"), round((a.result or {}).get("index", 0), 2), *row]
            for unit, a, row in zip(units, assessments, z, strict=True)
        ],
    )
