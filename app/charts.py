"""Charts as Plotly figures drawn from JSON by one static script (no inline script, so the
CSP holds), each with its data as a table and as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif"


@dataclass
class Chart:
    key: str  # element id and CSV file name
    title: str
    figure: go.Figure
    columns: list[str]
    rows: list[list[Any]]
    description: str = ""

    @property
    def figure_json(self) -> str:
        return str(self.figure.to_json())


def layout(figure: go.Figure, *, height: int = 420, **extra: Any) -> go.Figure:
    """Tollgate's look: system fonts, light margins, legend below the plot."""
    figure.update_layout(
        height=height,
        margin={"l": 40, "r": 20, "t": 30, "b": 40},
        font={"family": FONT, "size": 13},
        legend={"orientation": "h", "y": -0.15},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        **extra,
    )
    return figure
