"""Portfolio decision funnel pages."""

from __future__ import annotations

from flask import Blueprint

from accounts.roles import ALL_ROLES
from app.access import roles
from app.navigation import render_section

bp = Blueprint("portfolio", __name__)


@bp.route("/")
@roles(*ALL_ROLES)
def index() -> str:
    return render_section("portfolio.index")
