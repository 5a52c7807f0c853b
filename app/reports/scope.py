"""The dashboard filters as the URL carries them: funnel, org unit (with its sub-units),
kind, theme and period. Every dashboard page and CSV reads them the same way, so a link
reproduces the view; a value that cannot be read is reported and replaced by its default,
never an error page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from portfolio.dashboard import DashboardFilter
from portfolio.models import CandidateKind, Funnel
from portfolio.targets import quarter_of

DEFAULT_DAYS = 365
MAX_DAYS = 3 * 366  # longer periods make day-by-day flow charts unreadable
# Dates a period may use: far enough from date.min and date.max that the day arithmetic
# of periods and buckets never overflows.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2999, 12, 31)


@dataclass
class ViewFilters:
    """The filters of one dashboard view, as the database reads them and as the URL keeps
    them, with what could not be read."""

    filters: DashboardFilter
    args: dict[str, str]  # the filter part of the query string, for links that keep it
    problems: list[str] = field(default_factory=list)


def presets(today: date) -> list[tuple[str, date, date]]:
    """Periods offered as one-click links."""
    this = quarter_of(today)
    last = quarter_of(this.start - timedelta(days=1))
    return [
        (gettext("This quarter"), this.start, today),
        (gettext("Last quarter"), last.start, last.end),
        (gettext("Last 12 months"), today - timedelta(days=DEFAULT_DAYS - 1), today),
        (gettext("This year"), date(today.year, 1, 1), today),
    ]


def _date(args: MultiDict[str, str], name: str, problems: list[str]) -> date | None:
    text = args.get(name, "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        problems.append(gettext("“%(value)s” is not a date (YYYY-MM-DD).", value=text[:20]))
        return None
    if not FIRST_DATE <= value <= LAST_DATE:
        problems.append(
            gettext(
                "“%(value)s” is out of range: periods lie between %(first)s and %(last)s.",
                value=text[:20],
                first=FIRST_DATE.isoformat(),
                last=LAST_DATE.isoformat(),
            )
        )
        return None
    return value


def read_scope(
    args: MultiDict[str, str], funnels: list[Funnel], unit_ids: set[int], today: date
) -> ViewFilters | None:
    """The filters from the query string; None when there is no funnel to show."""
    if not funnels:
        return None
    problems: list[str] = []
    by_id = {f.id: f for f in funnels}
    funnel_id = args.get("funnel", type=int)
    if funnel_id not in by_id:
        if args.get("funnel"):
            problems.append(gettext("Unknown funnel: showing the first one."))
        funnel_id = funnels[0].id
    unit_id = args.get("unit", type=int)
    if unit_id is not None and unit_id not in unit_ids:
        problems.append(gettext("Unknown org unit: showing all of them."))
        unit_id = None
    kind_text = args.get("kind", "")
    kind = CandidateKind(kind_text) if kind_text in CandidateKind._value2member_map_ else None
    theme = args.get("theme", "").strip()[:80]

    end = _date(args, "end", problems) or today
    start = _date(args, "start", problems) or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        problems.append(gettext("The period starts after it ends: the dates were swapped."))
        start, end = end, start
    if (end - start).days >= MAX_DAYS:
        problems.append(gettext("Periods are limited to three years: the start was moved."))
        start = end - timedelta(days=MAX_DAYS - 1)

    filters = DashboardFilter(
        funnel_id=funnel_id, start=start, end=end, org_unit_id=unit_id, kind=kind, theme=theme
    )
    kept = {
        "funnel": str(funnel_id),
        "unit": "" if unit_id is None else str(unit_id),
        "kind": kind.value if kind else "",
        "theme": theme,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    return ViewFilters(filters, {k: v for k, v in kept.items() if v}, problems)
