"""The portfolio blueprint and who may do what in it (BRIEF §1)."""

from __future__ import annotations

from flask import Blueprint

from accounts.roles import ALL_ROLES, Role
from app.access import roles

bp = Blueprint("portfolio", __name__)

everyone = roles(*ALL_ROLES)
editors = roles(Role.ADMIN, Role.PMO)
scorers = roles(Role.ADMIN, Role.PMO, Role.EXECUTIVE)
deciders = roles(Role.ADMIN, Role.EXECUTIVE)
