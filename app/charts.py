"""Charts as Plotly figures drawn from JSON by one static script (no inline script, so the
CSP holds), each with its data as a table and as CSV.

A figure is a `go.Figure` or, where a page draws many points, the same structure as a plain
dict: building it skips Plotly's validation, which costs more than the SQL behind it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from unicodedata import east_asian_width

import plotly.graph_objects as go
from markupsafe import Markup, escape

FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif"


@dataclass
class Chart:
    key: str  # element id and CSV file name
    title: str
    figure: go.Figure | dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]
    description: str = ""
    empty: bool = False  # nothing to draw for these filters: the panel says so

    @property
    def table_rows_html(self) -> Markup:
        """The rows as table markup, built in Python: series of thousands of cells render
        several times faster than through a template loop."""
        html = "".join(
            "<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>"
            for row in self.rows
        )
        return Markup(html)  # noqa: S704 - _cell escaped every cell but plain numbers

    @property
    def figure_json(self) -> str:
        if isinstance(self.figure, go.Figure):
            return str(self.figure.to_json())
        return json.dumps(self.figure, default=_json_default, ensure_ascii=False)


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if type(value) in (int, float):  # most cells: nothing to escape, and str() is cheaper
        return str(value)
    return escape(value)


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def base_layout(*, height: int = 420, **extra: Any) -> dict[str, Any]:
    """Tollgate's look: system fonts, light margins, legend above the plot; axes make room
    for long stage names (Chinese or English) instead of clipping them."""
    for axis in ("xaxis", "yaxis"):
        extra[axis] = {"automargin": True, **extra.get(axis, {})}
    return {
        "height": height,
        "margin": {"l": 40, "r": 20, "t": 30, "b": 40},
        "font": {"family": FONT, "size": 13},
        # Above the plot: below it, long or rotated axis labels would run into it.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        **extra,
    }


def wrapped(label: str, width: int = 12) -> str:
    """An axis label broken onto lines of about `width` columns (Plotly's <br>) at spaces;
    Chinese characters take two columns and, written without spaces, break between any two
    of them. A Latin word longer than a line stays whole."""
    lines: list[str] = []
    for word in label.split():
        for n, piece in enumerate(_pieces(word, width)):
            if n == 0 and lines and _columns(lines[-1]) + 1 + _columns(piece) <= width:
                lines[-1] += " " + piece
            else:
                lines.append(piece)
    return "<br>".join(lines) or label


def _columns(text: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _pieces(word: str, width: int) -> list[str]:
    if _columns(word) == len(word):  # no wide characters: never split
        return [word]
    pieces = [""]
    for ch in word:
        if pieces[-1] and _columns(pieces[-1] + ch) > width:
            pieces.append("")
        pieces[-1] += ch
    return pieces


def layout(figure: go.Figure, *, height: int = 420, **extra: Any) -> go.Figure:
    figure.update_layout(**base_layout(height=height, **extra))
    return figure


def rule(axis: str, at: float, colour: str, dash: str = "dash") -> dict[str, Any]:
    """A reference line across the whole plot: `axis` "x" draws it vertical at x = `at`,
    "y" horizontal at y = `at` (a percentile, a budget, a quadrant border)."""
    across = "y" if axis == "x" else "x"
    return {
        "type": "line",
        f"{axis}ref": axis,
        f"{across}ref": "paper",
        f"{axis}0": at,
        f"{axis}1": at,
        f"{across}0": 0,
        f"{across}1": 1,
        "line": {"color": colour, "dash": dash, "width": 1.5},
    }
