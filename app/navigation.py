"""The sections of Tollgate as the navigation bar and the home page show them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.access import can_access


@dataclass(frozen=True, slots=True)
class Section:
    endpoint: str
    title: LazyString
    summary: LazyString


SECTIONS = (
    Section(
        "portfolio.index",
        _l("Portfolio"),
        _l("Candidate projects and ideas moving through the decision funnel."),
    ),
    Section(
        "assessments.index",
        _l("Assessments"),
        _l("Project management maturity assessments, gaps and improvement roadmaps."),
    ),
    Section(
        "insights.index",
        _l("Insights"),
        _l("How maturity gaps go with slow or leaky funnel stages."),
    ),
    Section(
        "reports.index",
        _l("Reports"),
        _l("Portfolio dashboards and maturity reports to read and export."),
    ),
    Section("admin.index", _l("Admin"), _l("Users, roles and the org-unit tree.")),
)


def sections_for_current_user() -> list[Section]:
    """The sections the signed-in user's role may open, in menu order."""
    return [section for section in SECTIONS if can_access(section.endpoint)]


def render_section(endpoint: str) -> str:
    """The landing page of a section: what it is for and where to go from it."""
    section = next(s for s in SECTIONS if s.endpoint == endpoint)
    return render_template("main/section.html", section=section)
