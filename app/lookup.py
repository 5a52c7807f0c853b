"""Loading records for views: a missing record is a 404, and select choices in tree order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import abort
from sqlalchemy.orm import Session

from accounts import errors as account_errors
from accounts import services as accounts
from accounts.models import User
from accounts.orgtree import OrgUnitKind
from app.extensions import db
from app.i18n import org_unit_label
from assessments import errors as assessment_errors
from portfolio import errors as portfolio_errors

R = TypeVar("R")


def get_or_404(loader: Callable[[Session, int], R], record_id: int) -> R:
    try:
        return loader(db.session, record_id)
    except (account_errors.NotFound, assessment_errors.NotFound, portfolio_errors.NotFound):
        abort(404)


def org_unit_choices(
    *, parents_only: bool = False, exclude: int | None = None
) -> list[tuple[str, str]]:
    """Org units in tree order, indented by depth, as select choices."""
    choices = []
    for unit, depth in accounts.org_unit_tree(db.session):
        if unit.id == exclude or (parents_only and unit.kind == OrgUnitKind.BUSINESS_UNIT):
            continue
        choices.append((str(unit.id), "\u2003" * depth + org_unit_label(unit)))
    return choices


def user_choices(users: Iterable[User]) -> list[tuple[str, str]]:
    return [(str(user.id), user.display_name) for user in users]
