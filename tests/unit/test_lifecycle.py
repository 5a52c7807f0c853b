"""Gate decisions: every transition rule, every refusal code, and properties over all positions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio import lifecycle
from portfolio.lifecycle import (
    DECISION_ORDER,
    Decision,
    Position,
    Status,
    TransitionError,
    allowed_decisions,
    decide,
)

A, H, K, AP = Status.ACTIVE, Status.ON_HOLD, Status.KILLED, Status.APPROVED
GO, KILL, HOLD, RESUME, RECYCLE = (
    Decision.GO,
    Decision.KILL,
    Decision.HOLD,
    Decision.RESUME,
    Decision.RECYCLE,
)
CODES = {
    "bad_stage",
    "on_hold",
    "killed",
    "approved",
    "not_on_hold",
    "skips_gate",
    "target_required",
    "not_earlier",
    "target_not_allowed",
}
N = 5  # stage count of the examples: idea … approved, last index 4


@pytest.mark.parametrize(
    ("status", "stage", "decision", "target", "expected"),
    [
        # GO moves exactly one stage; the last stage approves.
        (A, 0, GO, None, Position(A, 1)),
        (A, 2, GO, None, Position(A, 3)),
        (A, 2, GO, 3, Position(A, 3)),
        (A, 3, GO, None, Position(AP, 4)),
        (A, 3, GO, 4, Position(AP, 4)),
        # KILL from open candidates, same stage.
        (A, 0, KILL, None, Position(K, 0)),
        (A, 3, KILL, None, Position(K, 3)),
        (H, 2, KILL, None, Position(K, 2)),
        (H, 2, KILL, 2, Position(K, 2)),
        # HOLD and RESUME keep the stage.
        (A, 1, HOLD, None, Position(H, 1)),
        (A, 1, HOLD, 1, Position(H, 1)),
        (H, 1, RESUME, None, Position(A, 1)),
        (H, 3, RESUME, 3, Position(A, 3)),
        # RECYCLE goes strictly back from an open candidate …
        (A, 3, RECYCLE, 0, Position(A, 0)),
        (A, 3, RECYCLE, 2, Position(A, 2)),
        (H, 1, RECYCLE, 0, Position(A, 0)),
        # … and a killed one may come back into the stage it died in, or earlier.
        (K, 2, RECYCLE, 2, Position(A, 2)),
        (K, 2, RECYCLE, 0, Position(A, 0)),
        (K, 0, RECYCLE, 0, Position(A, 0)),
    ],
)
def test_legal_decisions(status, stage, decision, target, expected):
    got = decide(Position(status, stage), decision, stage_count=N, target_stage=target)
    assert got == expected


@pytest.mark.parametrize(
    ("status", "stage", "decision", "target", "code"),
    [
        (H, 1, GO, None, "on_hold"),
        (K, 1, GO, None, "killed"),
        (AP, 4, GO, None, "approved"),
        (A, 1, GO, 3, "skips_gate"),
        (A, 1, GO, 1, "skips_gate"),
        (A, 1, GO, 0, "skips_gate"),
        (A, 1, GO, 5, "bad_stage"),
        (K, 1, KILL, None, "killed"),
        (AP, 4, KILL, None, "approved"),
        (A, 1, KILL, 0, "target_not_allowed"),
        (H, 1, HOLD, None, "on_hold"),
        (K, 1, HOLD, None, "killed"),
        (AP, 4, HOLD, None, "approved"),
        (A, 1, HOLD, 2, "target_not_allowed"),
        (A, 1, RESUME, None, "not_on_hold"),
        (K, 1, RESUME, None, "not_on_hold"),
        (AP, 4, RESUME, None, "not_on_hold"),
        (H, 1, RESUME, 2, "target_not_allowed"),
        (A, 2, RECYCLE, None, "target_required"),
        (K, 2, RECYCLE, None, "target_required"),
        (A, 2, RECYCLE, 2, "not_earlier"),
        (A, 2, RECYCLE, 3, "not_earlier"),
        (H, 2, RECYCLE, 2, "not_earlier"),
        (A, 0, RECYCLE, 0, "not_earlier"),
        (K, 2, RECYCLE, 3, "not_earlier"),
        (AP, 4, RECYCLE, 0, "approved"),
        (AP, 4, RECYCLE, None, "approved"),
        (A, 2, RECYCLE, -1, "bad_stage"),
        (K, 2, RECYCLE, 5, "bad_stage"),
    ],
)
def test_refused_decisions(status, stage, decision, target, code):
    with pytest.raises(TransitionError) as caught:
        decide(Position(status, stage), decision, stage_count=N, target_stage=target)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("position", "stage_count"),
    [
        (Position(A, 0), 1),
        (Position(A, 0), 0),
        (Position(A, -1), N),
        (Position(A, N), N),
        (Position(AP, N), N),
        # Only a GO reaches the last stage, and it approves: anything else there is corrupt.
        (Position(A, N - 1), N),
        (Position(H, N - 1), N),
        (Position(K, N - 1), N),
    ],
)
@pytest.mark.parametrize("decision", list(Decision))
def test_impossible_positions_are_bad_stage(position, stage_count, decision):
    with pytest.raises(TransitionError) as caught:
        decide(position, decision, stage_count=stage_count, target_stage=0)
    assert caught.value.code == "bad_stage"
    with pytest.raises(TransitionError) as caught:
        allowed_decisions(position, stage_count=stage_count)
    assert caught.value.code == "bad_stage"


def test_codes_are_the_documented_constants():
    assert {
        lifecycle.BAD_STAGE,
        lifecycle.ON_HOLD,
        lifecycle.KILLED,
        lifecycle.APPROVED,
        lifecycle.NOT_ON_HOLD,
        lifecycle.SKIPS_GATE,
        lifecycle.TARGET_REQUIRED,
        lifecycle.NOT_EARLIER,
        lifecycle.TARGET_NOT_ALLOWED,
    } == CODES


def test_error_message_carries_the_code():
    with pytest.raises(TransitionError, match=r"^skips_gate: go from 0 to 2$"):
        decide(Position(A, 0), GO, stage_count=N, target_stage=2)


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (Position(A, 0), [GO, HOLD, KILL]),
        (Position(A, 2), [GO, HOLD, RECYCLE, KILL]),
        (Position(A, 3), [GO, HOLD, RECYCLE, KILL]),
        (Position(H, 0), [RESUME, KILL]),
        (Position(H, 2), [RESUME, RECYCLE, KILL]),
        (Position(K, 0), [RECYCLE]),
        (Position(K, 3), [RECYCLE]),
        (Position(AP, 4), []),
    ],
)
def test_allowed_decisions(position, expected):
    assert allowed_decisions(position, stage_count=N) == expected


def test_two_stage_funnel_approves_at_the_first_gate():
    assert decide(Position(A, 0), GO, stage_count=2) == Position(AP, 1)


@st.composite
def situations(draw):
    """A stage count and a position that can occur in a funnel of that many stages."""
    stage_count = draw(st.integers(min_value=2, max_value=8))
    stage = draw(st.integers(min_value=0, max_value=stage_count - 1))
    # Only approved candidates stand in the last stage; approved ones anywhere never move.
    status = AP if stage == stage_count - 1 else draw(st.sampled_from([A, H, K, AP]))
    return Position(status, stage), stage_count


def _targets(stage_count):
    return [None, *range(-1, stage_count + 1)]


def _attempt(position, decision, stage_count, target):
    """The new position, or the refusal as a value (so properties can inspect both)."""
    try:
        return decide(position, decision, stage_count=stage_count, target_stage=target)
    except TransitionError as error:
        return error


@given(situations())
def test_allowed_decisions_are_exactly_those_decide_accepts(situation):
    position, stage_count = situation
    allowed = allowed_decisions(position, stage_count=stage_count)
    assert allowed == [d for d in DECISION_ORDER if d in allowed]
    for decision in Decision:
        attempts = [_attempt(position, decision, stage_count, t) for t in _targets(stage_count)]
        outcomes = [a for a in attempts if isinstance(a, Position)]
        # Allowed means some target works (None except for a recycle); refused means none does.
        assert bool(outcomes) == (decision in allowed)
        if decision in allowed and decision is not RECYCLE:
            assert decide(position, decision, stage_count=stage_count) in outcomes


@given(situations(), st.sampled_from(list(Decision)), st.one_of(st.none(), st.integers(-2, 9)))
def test_every_outcome_is_consistent(situation, decision, target):
    position, stage_count = situation
    after = _attempt(position, decision, stage_count, target)
    if isinstance(after, TransitionError):
        assert after.code in CODES
        return
    last = stage_count - 1
    assert 0 <= after.stage <= last
    assert (after.status is AP) == (after.stage == last)
    if decision is GO:
        assert after.stage == position.stage + 1
    elif decision is RECYCLE:
        assert after.stage <= position.stage
        assert after.status is A
    else:
        assert after.stage == position.stage
    # The result is itself a valid position from which decisions can be listed.
    allowed_decisions(after, stage_count=stage_count)
