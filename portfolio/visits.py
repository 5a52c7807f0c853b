"""Stage visits from stage events: the one rule that turns the history into stays.

A stay starts when a candidate enters a stage (created, go, recycle) and ends at the next
event that moves it (go, recycle) or takes it out of the funnel (kill). Holds and resumes
happen inside a stay. Pure: used by the services that record events, by the demo loaders
and by the tests that check the dashboard against the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from portfolio.lifecycle import EventKind

ENTERING = frozenset({EventKind.CREATED, EventKind.GO, EventKind.RECYCLE})
LEAVING = frozenset({EventKind.GO, EventKind.RECYCLE, EventKind.KILL})


@dataclass(frozen=True, slots=True)
class Stay:
    stage: int  # stage id (or index: whatever the events carry)
    entered_at: datetime
    left_at: datetime | None
    outcome: EventKind | None

    @property
    def dwell_days(self) -> float | None:
        if self.left_at is None:
            return None
        return (self.left_at - self.entered_at).total_seconds() / 86400


def stays(events: Iterable[tuple[datetime, EventKind, int]]) -> list[Stay]:
    """The stays of one candidate from its events (at, kind, to-stage), oldest first."""
    result: list[Stay] = []
    open_stay: tuple[int, datetime] | None = None
    for at, kind, to_stage in sorted(events, key=lambda event: event[0]):
        if kind in LEAVING and open_stay is not None:
            result.append(Stay(open_stay[0], open_stay[1], at, kind))
            open_stay = None
        if kind in ENTERING:
            open_stay = (to_stage, at)
    if open_stay is not None:
        result.append(Stay(open_stay[0], open_stay[1], None, None))
    return result
