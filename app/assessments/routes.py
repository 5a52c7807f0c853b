"""Maturity assessment pages."""

from __future__ import annotations

from flask import Blueprint

from accounts.roles import Role
from app.access import roles
from app.navigation import render_section

bp = Blueprint("assessments", __name__)


@bp.route("/")
@roles(Role.ADMIN, Role.PMO, Role.EXECUTIVE)
def index() -> str:
    return render_section("assessments.index")
