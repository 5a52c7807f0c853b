"""The rules of moving a candidate through a funnel: which gate decision is legal from where.

A candidate's place is a `Position`: its status and the 0-based index of its stage in the
funnel's ordered stages. The last stage (index `stage_count - 1`) is the terminal
"approved"/"implementation" stage, reached only by a GO, which is why a candidate standing
there is always APPROVED and an approved one never moves again.

`decide` is the single authority on transitions: services apply it to real candidates and
the simulator to synthetic ones, so demo histories obey the same rules as real ones.
Refusals are `TransitionError`s carrying a short machine code (the constants below); the
web layer turns codes into translated sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    KILLED = "killed"
    APPROVED = "approved"


class Decision(StrEnum):
    GO = "go"
    KILL = "kill"
    HOLD = "hold"
    RESUME = "resume"
    RECYCLE = "recycle"


class EventKind(StrEnum):
    """What a stage-history event records: a candidate's creation or a decision on it."""

    CREATED = "created"
    GO = Decision.GO.value
    KILL = Decision.KILL.value
    HOLD = Decision.HOLD.value
    RESUME = Decision.RESUME.value
    RECYCLE = Decision.RECYCLE.value


# The order decisions are offered in (buttons, API listings): forward first, kill last.
DECISION_ORDER = (Decision.GO, Decision.HOLD, Decision.RESUME, Decision.RECYCLE, Decision.KILL)

BAD_STAGE = "bad_stage"
ON_HOLD = "on_hold"
KILLED = "killed"
APPROVED = "approved"
NOT_ON_HOLD = "not_on_hold"
SKIPS_GATE = "skips_gate"
TARGET_REQUIRED = "target_required"
NOT_EARLIER = "not_earlier"
TARGET_NOT_ALLOWED = "target_not_allowed"

# Why a decision is refused because of where the candidate stands (GO, KILL and HOLD).
_STATUS_REFUSAL = {Status.ON_HOLD: ON_HOLD, Status.KILLED: KILLED, Status.APPROVED: APPROVED}


@dataclass(frozen=True)
class Position:
    """Where a candidate stands: its status and its stage's 0-based index in the funnel."""

    status: Status
    stage: int


class TransitionError(ValueError):
    """A decision the rules refuse; `code` says why (one of this module's code constants)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def decide(
    current: Position, decision: Decision, *, stage_count: int, target_stage: int | None = None
) -> Position:
    """The position after taking `decision` at `current`, or TransitionError if it is illegal.

    `target_stage` is where the decision leads: required for RECYCLE, optional for GO (it must
    then be the next stage) and, when given for KILL, HOLD or RESUME, it must be the current
    stage, so a replayed history can pass every event's `to_stage` unchanged.
    """
    _check_position(current, stage_count)
    if target_stage is not None and not 0 <= target_stage < stage_count:
        raise TransitionError(BAD_STAGE, f"target {target_stage} of {stage_count} stages")

    if decision is Decision.GO:
        _refuse_unless_active(current)
        following = current.stage + 1
        # One gate at a time: every gate's evidence must be reviewed, so no fast lane.
        if target_stage is not None and target_stage != following:
            raise TransitionError(SKIPS_GATE, f"go from {current.stage} to {target_stage}")
        last = following == stage_count - 1
        return Position(Status.APPROVED if last else Status.ACTIVE, following)

    if decision is Decision.RECYCLE:
        if current.status is Status.APPROVED:
            raise TransitionError(APPROVED)
        if target_stage is None:
            raise TransitionError(TARGET_REQUIRED)
        # A killed idea may come back into the stage it died in (the innovation funnel's
        # remedy for ideas killed while immature); an open one must actually go back.
        if current.status is Status.KILLED:
            earlier = target_stage <= current.stage
        else:
            earlier = target_stage < current.stage
        if not earlier:
            raise TransitionError(NOT_EARLIER, f"recycle from {current.stage} to {target_stage}")
        return Position(Status.ACTIVE, target_stage)

    if decision is Decision.KILL:
        if current.status in (Status.KILLED, Status.APPROVED):
            raise TransitionError(_STATUS_REFUSAL[current.status])
        new_status = Status.KILLED
    elif decision is Decision.HOLD:
        _refuse_unless_active(current)
        new_status = Status.ON_HOLD
    else:
        if current.status is not Status.ON_HOLD:
            raise TransitionError(NOT_ON_HOLD)
        new_status = Status.ACTIVE
    if target_stage is not None and target_stage != current.stage:
        raise TransitionError(TARGET_NOT_ALLOWED, f"{decision} does not move to {target_stage}")
    return Position(new_status, current.stage)


def allowed_decisions(current: Position, *, stage_count: int) -> list[Decision]:
    """The decisions `decide` accepts at `current` (with some target), in DECISION_ORDER."""
    _check_position(current, stage_count)
    allowed = []
    for decision in DECISION_ORDER:
        # Asking `decide` itself keeps one source of truth. Stage 0 is the earliest target of
        # every legal recycle, so it stands for "some earlier stage exists".
        target = 0 if decision is Decision.RECYCLE else None
        try:
            decide(current, decision, stage_count=stage_count, target_stage=target)
        except TransitionError:
            continue
        allowed.append(decision)
    return allowed


def _check_position(current: Position, stage_count: int) -> None:
    if stage_count < 2:
        raise TransitionError(BAD_STAGE, f"a funnel needs 2 stages, not {stage_count}")
    if not 0 <= current.stage < stage_count:
        raise TransitionError(BAD_STAGE, f"stage {current.stage} of {stage_count}")
    # Only a GO reaches the last stage, and it approves; anything else there is corrupt data,
    # and a GO from it would leave the funnel.
    if current.stage == stage_count - 1 and current.status is not Status.APPROVED:
        raise TransitionError(BAD_STAGE, f"{current.status} in the last stage")


def _refuse_unless_active(current: Position) -> None:
    if current.status is not Status.ACTIVE:
        raise TransitionError(_STATUS_REFUSAL[current.status])
