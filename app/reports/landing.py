"""The reports section's landing page: where each dashboard page is and what it answers."""

from __future__ import annotations

from flask import render_template

from app.reports.blueprint import bp, everyone


@bp.route("/")
@everyone
def index() -> str:
    return render_template("reports/index.html")
