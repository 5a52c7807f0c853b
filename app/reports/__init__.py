"""Dashboards and exported reports."""

# Importing the page modules attaches their views to bp.
from app.reports import dashboard_pages, landing, outlook_pages, release_pages  # noqa: F401
from app.reports.blueprint import bp

__all__ = ["bp"]
