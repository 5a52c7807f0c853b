"""Dashboards and exported reports."""

from __future__ import annotations

from flask import Blueprint

from accounts.roles import ALL_ROLES
from app.access import roles
from app.navigation import render_section

bp = Blueprint("reports", __name__)


@bp.route("/")
@roles(*ALL_ROLES)
def index() -> str:
    return render_section("reports.index")
