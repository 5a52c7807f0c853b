"""The reports blueprint: executive dashboards and exported reports, and who may use them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l

from accounts.roles import ALL_ROLES, Role
from app.access import roles

bp = Blueprint("reports", __name__)

everyone = roles(*ALL_ROLES)
deciders = roles(Role.ADMIN, Role.EXECUTIVE)

# The dashboard's pages as tabs: (endpoint, label). A page linked from the tabs keeps the
# filters of the query string.
TABS = (
    ("reports.dashboard", _l("Overview")),
    ("reports.forecast", _l("Forecast")),
    ("reports.choice", _l("Portfolio choice")),
    ("reports.release", _l("Load-oriented release")),
)
FILTER_NAMES = ("funnel", "unit", "kind", "theme", "start", "end")


@bp.context_processor
def dashboard_tabs() -> dict[str, Any]:
    args = {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}
    tabs = [(e, label) for e, label in TABS if e in current_app.view_functions]
    return {"dashboard_tabs": tabs, "dashboard_args": args}
