"""Loading records for views: a missing record is a 404, and select choices in tree order.

Ids come from URLs people can edit, so an id no table can hold (SQLite refuses integers
past 64 bits with an error) reads as "no such record" before it reaches the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import abort
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

from accounts import errors as account_errors
from accounts import services as accounts
from accounts.models import User
from accounts.orgtree import OrgUnitKind
from app.extensions import db
from app.i18n import org_unit_label
from assessments import errors as assessment_errors
from portfolio import errors as portfolio_errors

R = TypeVar("R")

MAX_ID = 2**31 - 1  # ids are INTEGER columns: the largest PostgreSQL stores


def is_record_id(value: int | None) -> bool:
    return value is not None and 0 < value <= MAX_ID


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in routes: a number past the largest id matches no route, so it is a 404."""

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def id_arg(args: MultiDict[str, str], name: str) -> int | None:
    """A record id from the query string or a form; None when absent or not an id."""
    value = args.get(name, type=int)
    return value if is_record_id(value) else None


def get_or_404(loader: Callable[[Session, int], R], record_id: int) -> R:
    if not is_record_id(record_id):
        abort(404)
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
