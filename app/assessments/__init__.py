"""Maturity assessment pages: campaigns, the respondent form, results and roadmaps."""

from app.assessments import campaign_pages, respond_pages, result_pages  # noqa: F401 - views
from app.assessments.blueprint import bp

__all__ = ["bp"]
