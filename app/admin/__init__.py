"""Administration: users, roles, org units and funnel definitions."""

from app.admin import (  # noqa: F401 - each attaches its views to bp
    funnels,
    org_units,
    questionnaires,
    users,
)
from app.admin.blueprint import bp

__all__ = ["bp"]
