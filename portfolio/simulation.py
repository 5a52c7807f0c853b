"""Realistic synthetic stage histories, for demo data and benchmarks.

A candidate enters the first stage, waits a lognormal dwell (skewed: most gates meet on
time, a few drag on), and the gate then decides go, kill, hold or recycle with the stage's
weights. Holds end, after a pause, in a resume or a kill; recycles send the candidate back
one or two stages. The story stops at a kill, at approval, or when the next event would lie
after `now`, so a batch started at different times looks like a live funnel with open
candidates in every stage.

Every step goes through `lifecycle.decide`: simulated histories obey the same rules as real
ones, and replaying them through `decide` must always succeed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from portfolio.lifecycle import Decision, Position, Status, allowed_decisions, decide

# Spread of dwell times around the median: with 0.6 the 85th percentile is about 1.9x the
# median, in line with how late gate meetings run in practice.
DWELL_SIGMA = 0.6
HOLD_MEDIAN_DAYS = 20.0
HOLD_SIGMA = 0.6
# Most holds are parked for a reason that goes away; some quietly become kills.
KILL_AFTER_HOLD = 0.2
# A candidate recycled this often is going nowhere; further recycles count as kills, which
# also guarantees the story ends.
MAX_RECYCLES = 3
# Lognormal draws can be arbitrarily close to zero; no gate decides within the hour, and the
# floor keeps events strictly chronological after rounding to microseconds.
MIN_WAIT_DAYS = 1 / 24

_DAY = timedelta(days=1)
_GATE_DECISIONS = (Decision.GO, Decision.KILL, Decision.HOLD, Decision.RECYCLE)


@dataclass(frozen=True)
class StageProfile:
    """How the gate at the end of one non-terminal stage behaves.

    The four decision weights are relative (they are normalised, so they need not sum to 1).
    """

    median_dwell_days: float
    go: float
    kill: float
    hold: float
    recycle: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.median_dwell_days) and self.median_dwell_days > 0):
            raise ValueError(f"median_dwell_days must be positive, not {self.median_dwell_days}")
        weights = (self.go, self.kill, self.hold, self.recycle)
        if not all(math.isfinite(w) and w >= 0 for w in weights) or sum(weights) <= 0:
            raise ValueError(f"decision weights must be >= 0 and not all zero: {weights}")

    def weight(self, decision: Decision) -> float:
        """The relative weight of a gate decision (0 for RESUME, which no gate takes)."""
        return {
            Decision.GO: self.go,
            Decision.KILL: self.kill,
            Decision.HOLD: self.hold,
            Decision.RECYCLE: self.recycle,
        }.get(decision, 0.0)


@dataclass(frozen=True)
class SimulatedEvent:
    """One entry of the stage history; `decision` None with `from_stage` None is creation."""

    at: datetime
    decision: Decision | None
    from_stage: int | None
    to_stage: int
    status: Status

    @property
    def position(self) -> Position:
        """Where the candidate stands right after this event."""
        return Position(self.status, self.to_stage)


@dataclass(frozen=True)
class SimulatedCandidate:
    created_at: datetime
    events: tuple[SimulatedEvent, ...]
    final: Position


# Idea → opportunity study → option → final investment decision → approved. Early gates are
# quick and kill-heavy; later ones take longer, kill less (weak cases are gone by then) and
# send more back for rework, since a financial case is more often fixable than fatal.
DEFAULT_PROFILES_INVESTMENT: tuple[StageProfile, ...] = (
    StageProfile(median_dwell_days=21, go=0.55, kill=0.30, hold=0.10, recycle=0.05),
    StageProfile(median_dwell_days=45, go=0.50, kill=0.27, hold=0.10, recycle=0.13),
    StageProfile(median_dwell_days=60, go=0.55, kill=0.20, hold=0.10, recycle=0.15),
    StageProfile(median_dwell_days=35, go=0.65, kill=0.15, hold=0.12, recycle=0.08),
)

# Idea → screening → evaluation → prototype → implementation. Ideas are cheap, so the first
# screens are brutal and fast; prototypes are slow, and what survives them mostly ships.
DEFAULT_PROFILES_INNOVATION: tuple[StageProfile, ...] = (
    StageProfile(median_dwell_days=10, go=0.45, kill=0.45, hold=0.07, recycle=0.03),
    StageProfile(median_dwell_days=30, go=0.50, kill=0.32, hold=0.08, recycle=0.10),
    StageProfile(median_dwell_days=55, go=0.55, kill=0.20, hold=0.10, recycle=0.15),
    StageProfile(median_dwell_days=90, go=0.70, kill=0.12, hold=0.08, recycle=0.10),
)


def simulate_candidate(
    rng: random.Random, profiles: Sequence[StageProfile], *, start: datetime, now: datetime
) -> SimulatedCandidate:
    """One candidate's history from creation at `start` until it ends or `now` is reached.

    `profiles` describes the gates of the non-terminal stages (one per stage but the last).
    `start` and `now` must be timezone-aware; every datetime returned is UTC. All randomness
    comes from `rng`, so a seeded generator gives the same history every time.
    """
    if not profiles:
        raise ValueError("a funnel needs at least one gate, so at least one profile")
    for name, moment in (("start", start), ("now", now)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    start, now = start.astimezone(UTC), now.astimezone(UTC)
    if start > now:
        raise ValueError("start is after now")

    stage_count = len(profiles) + 1
    position = Position(Status.ACTIVE, 0)
    events = [SimulatedEvent(start, None, None, 0, Status.ACTIVE)]
    at = start
    recycles = 0

    def apply(decision: Decision, when: datetime, target: int | None = None) -> None:
        nonlocal position
        after = decide(position, decision, stage_count=stage_count, target_stage=target)
        events.append(SimulatedEvent(when, decision, position.stage, after.stage, after.status))
        position = after

    while position.status is Status.ACTIVE:
        profile = profiles[position.stage]
        decided_at = _after_wait(rng, at, profile.median_dwell_days, DWELL_SIGMA, now)
        if decided_at is None:
            break  # still waiting for its gate at `now`
        decision = _draw_gate_decision(rng, profile, position, stage_count)
        if decision is None:
            # A gate that never decides anything legal here (a profile that only recycles,
            # at the first stage): the candidate stays open, as stalled ones do.
            break
        at = decided_at
        if decision is Decision.RECYCLE and recycles >= MAX_RECYCLES:
            decision = Decision.KILL
        if decision is Decision.RECYCLE:
            recycles += 1
            apply(decision, at, max(0, position.stage - rng.choice((1, 2))))
        elif decision is Decision.HOLD:
            apply(decision, at)
            resumed_at = _after_wait(rng, at, HOLD_MEDIAN_DAYS, HOLD_SIGMA, now)
            if resumed_at is None:
                break
            at = resumed_at
            apply(Decision.KILL if rng.random() < KILL_AFTER_HOLD else Decision.RESUME, at)
        else:
            apply(decision, at)

    return SimulatedCandidate(created_at=start, events=tuple(events), final=position)


def _after_wait(
    rng: random.Random, since: datetime, median_days: float, sigma: float, now: datetime
) -> datetime | None:
    """`since` plus a lognormal wait, or None when that would fall after `now`."""
    days = max(rng.lognormvariate(math.log(median_days), sigma), MIN_WAIT_DAYS)
    # Compare as floats first: a huge draw would overflow datetime arithmetic.
    if days > (now - since) / _DAY:
        return None
    moment = since + timedelta(days=days)
    return moment if moment <= now else None


def _draw_gate_decision(
    rng: random.Random, profile: StageProfile, position: Position, stage_count: int
) -> Decision | None:
    """A gate decision drawn with the profile's weights among those legal at `position`."""
    # At the first stage there is nothing earlier to recycle into; the lifecycle says so,
    # and its recycle weight is shared out over the other decisions by the normalisation.
    legal = set(allowed_decisions(position, stage_count=stage_count))
    choices = [d for d in _GATE_DECISIONS if d in legal and profile.weight(d) > 0]
    if not choices:
        return None
    return rng.choices(choices, weights=[profile.weight(d) for d in choices])[0]
