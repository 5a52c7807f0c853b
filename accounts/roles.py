"""The four roles of Tollgate (BRIEF §1)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PMO = "pmo"
    EXECUTIVE = "executive"
    VIEWER = "viewer"


ALL_ROLES = frozenset(Role)
