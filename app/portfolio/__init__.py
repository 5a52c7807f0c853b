"""Portfolio decision funnel pages: candidates, board, gate reviews and decisions."""

from app.portfolio import candidate_pages, review_pages  # noqa: F401 - attach views to bp
from app.portfolio.blueprint import bp

__all__ = ["bp"]
