"""The assessments blueprint and who may do what in it.

Anyone signed in may read results and answer when invited (BRIEF §1: respondents can be
any signed-in user); PMO staff and administrators run the campaigns.
"""

from __future__ import annotations

from flask import Blueprint

from accounts.roles import ALL_ROLES, Role
from app.access import roles

bp = Blueprint("assessments", __name__)

everyone = roles(*ALL_ROLES)
organisers = roles(Role.ADMIN, Role.PMO)
