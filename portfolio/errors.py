"""Named failures of funnel operations, each with a short code; the web layer words them."""

from __future__ import annotations


class PortfolioError(Exception):
    """Base of every funnel failure."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class NotFound(PortfolioError):
    """No funnel, stage, candidate or review with that id."""


class InvalidCandidate(PortfolioError):
    """A candidate field is out of range; `field` names it."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(code, field)
        self.field = field


class ReviewError(PortfolioError):
    """A gate review cannot be opened or scored as asked."""


class DecisionError(PortfolioError):
    """A decision breaks the funnel's rules (see portfolio.lifecycle for most codes)."""


class FunnelError(PortfolioError):
    """A funnel, stage or criterion edit is not allowed."""
