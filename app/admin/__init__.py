"""Administration: users, roles, org units and funnel definitions."""

from app.admin import funnels, org_units, users  # noqa: F401 - each attaches its views to bp
from app.admin.blueprint import bp

__all__ = ["bp"]
