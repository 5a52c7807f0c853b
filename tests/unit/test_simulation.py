"""Synthetic stage histories: well-formed, legal under the lifecycle rules, reproducible."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.lifecycle import Decision, Position, Status, decide
from portfolio.simulation import (
    DEFAULT_PROFILES_INNOVATION,
    DEFAULT_PROFILES_INVESTMENT,
    MAX_RECYCLES,
    SimulatedCandidate,
    StageProfile,
    simulate_candidate,
)

START = datetime(2022, 1, 1, tzinfo=UTC)
NOW = START + timedelta(days=3 * 365)
DEFAULTS = {"investment": DEFAULT_PROFILES_INVESTMENT, "innovation": DEFAULT_PROFILES_INNOVATION}


def assert_well_formed(candidate: SimulatedCandidate, *, stage_count, start, now):
    """Creation first, strictly chronological UTC events up to `now`, each a legal step."""
    first = candidate.events[0]
    assert candidate.created_at == start
    assert (first.at, first.decision, first.from_stage) == (start, None, None)
    assert first.position == Position(Status.ACTIVE, 0)
    for event in candidate.events:
        assert event.at.tzinfo is UTC
        assert start <= event.at <= now
    for before, after in pairwise(candidate.events):
        assert before.at < after.at
        assert after.decision is not None
        assert after.from_stage == before.to_stage
        replayed = decide(
            before.position, after.decision, stage_count=stage_count, target_stage=after.to_stage
        )
        assert replayed == after.position
    assert candidate.final == candidate.events[-1].position
    # A story only stops at its end or at `now`: killed and approved candidates never move.
    for event in candidate.events[:-1]:
        assert event.status not in (Status.KILLED, Status.APPROVED)


@pytest.mark.parametrize("funnel", list(DEFAULTS))
@pytest.mark.parametrize("seed", range(25))
def test_default_histories_are_well_formed(funnel, seed):
    candidate = simulate_candidate(random.Random(seed), DEFAULTS[funnel], start=START, now=NOW)
    assert_well_formed(candidate, stage_count=5, start=START, now=NOW)


def test_same_seed_same_history():
    def run(seed):
        return simulate_candidate(
            random.Random(seed), DEFAULT_PROFILES_INVESTMENT, start=START, now=NOW
        )

    assert run(7) == run(7)
    histories = {run(seed).events for seed in range(10)}
    assert len(histories) == 10


def test_nothing_happens_after_now():
    histories = [
        simulate_candidate(
            random.Random(seed), DEFAULT_PROFILES_INVESTMENT, start=START, now=START + timedelta(30)
        )
        for seed in range(200)
    ]
    assert all(e.at <= START + timedelta(30) for h in histories for e in h.events)
    # A month into a funnel whose first gate takes three weeks: some decided, some waiting.
    open_ = [h for h in histories if h.final.status in (Status.ACTIVE, Status.ON_HOLD)]
    assert 0 < len(open_) < len(histories)
    assert any(len(h.events) == 1 for h in histories)


def test_created_now_has_only_its_creation():
    candidate = simulate_candidate(
        random.Random(1), DEFAULT_PROFILES_INVESTMENT, start=START, now=START
    )
    assert len(candidate.events) == 1
    assert candidate.final == Position(Status.ACTIVE, 0)


def test_datetimes_are_converted_to_utc():
    beijing = timezone(timedelta(hours=8))
    start = datetime(2024, 3, 1, 9, 0, tzinfo=beijing)
    candidate = simulate_candidate(
        random.Random(3), DEFAULT_PROFILES_INNOVATION, start=start, now=start + timedelta(400)
    )
    assert candidate.created_at == start
    assert candidate.created_at.tzinfo is UTC
    assert candidate.created_at.hour == 1
    assert all(e.at.tzinfo is UTC for e in candidate.events)


@pytest.mark.parametrize("funnel", list(DEFAULTS))
def test_a_batch_looks_like_a_real_funnel(funnel):
    rng = random.Random(2024)
    batch = [simulate_candidate(rng, DEFAULTS[funnel], start=START, now=NOW) for _ in range(2000)]
    finals = Counter(c.final.status for c in batch)
    decisions = Counter(e.decision for c in batch for e in c.events)
    assert 0.05 <= finals[Status.APPROVED] / len(batch) <= 0.40
    assert finals[Status.KILLED] > finals[Status.APPROVED]
    assert decisions[Decision.HOLD] > 0
    assert decisions[Decision.RESUME] > 0
    assert decisions[Decision.RECYCLE] > 0
    # Each stage is reached by fewer candidates than the one before: a funnel, not a pipe.
    reached = [sum(any(e.to_stage >= s for e in c.events) for c in batch) for s in range(5)]
    assert reached == sorted(reached, reverse=True)
    assert len(set(reached)) == 5


def test_recycling_is_capped():
    # Gate 1 always sends the candidate back, gate 0 always lets it through again.
    profiles = [
        StageProfile(median_dwell_days=5, go=1, kill=0, hold=0, recycle=0),
        StageProfile(median_dwell_days=5, go=0, kill=0, hold=0, recycle=1),
    ]
    candidate = simulate_candidate(random.Random(0), profiles, start=START, now=NOW)
    decisions = [e.decision for e in candidate.events[1:]]
    assert decisions == [Decision.GO, Decision.RECYCLE] * MAX_RECYCLES + [
        Decision.GO,
        Decision.KILL,
    ]
    assert candidate.final == Position(Status.KILLED, 1)
    assert_well_formed(candidate, stage_count=3, start=START, now=NOW)


def test_recycling_goes_back_one_or_two_stages():
    profiles = [StageProfile(median_dwell_days=5, go=1, kill=0, hold=0, recycle=0)] * 3 + [
        StageProfile(median_dwell_days=5, go=0, kill=0, hold=0, recycle=1)
    ]
    steps = Counter(
        e.from_stage - e.to_stage
        for seed in range(20)
        for e in simulate_candidate(random.Random(seed), profiles, start=START, now=NOW).events
        if e.decision is Decision.RECYCLE
    )
    assert set(steps) == {1, 2}
    assert steps[1] > 10
    assert steps[2] > 10


def test_no_gate_decides_within_the_hour():
    # Even a gate whose median is minutes: near-zero draws would stack events on one instant.
    profiles = [StageProfile(median_dwell_days=0.001, go=1, kill=0, hold=0, recycle=0)] * 3
    for seed in range(50):
        candidate = simulate_candidate(random.Random(seed), profiles, start=START, now=NOW)
        assert candidate.final == Position(Status.APPROVED, 3)
        assert all(b.at - a.at == timedelta(hours=1) for a, b in pairwise(candidate.events))


def test_recycle_weight_at_the_first_stage_is_ignored():
    # Nothing lies before the first stage: a gate that can only recycle never decides.
    profiles = [StageProfile(median_dwell_days=5, go=0, kill=0, hold=0, recycle=1)]
    candidate = simulate_candidate(random.Random(0), profiles, start=START, now=NOW)
    assert len(candidate.events) == 1
    assert candidate.final == Position(Status.ACTIVE, 0)


def test_holds_end_in_resume_or_kill():
    profiles = [StageProfile(median_dwell_days=5, go=0, kill=0, hold=1, recycle=0)]
    rng = random.Random(11)
    batch = [simulate_candidate(rng, profiles, start=START, now=NOW) for _ in range(500)]
    pauses = []
    for candidate in batch:
        assert candidate.final.status is Status.KILLED
        events = candidate.events[1:]
        assert [e.decision for e in events[0::2]] == [Decision.HOLD] * len(events[0::2])
        assert [e.decision for e in events[1::2][:-1]] == [Decision.RESUME] * (
            len(events[1::2]) - 1
        )
        pauses += [(b.at - a.at) / timedelta(days=1) for a, b in pairwise(events)][0::2]
    # About one hold in five ends in a kill, and a hold lasts about 20 days.
    holds = sum(len(c.events[1::2]) for c in batch)
    assert 0.15 <= len(batch) / holds <= 0.25
    assert 16 <= statistics.median(pauses) <= 24


def test_dwell_times_centre_on_the_stage_median():
    profiles = [StageProfile(median_dwell_days=40, go=1, kill=0, hold=0, recycle=0)]
    rng = random.Random(5)
    dwells = [
        (c.events[1].at - c.created_at) / timedelta(days=1)
        for c in (simulate_candidate(rng, profiles, start=START, now=NOW) for _ in range(1000))
    ]
    assert 36 <= statistics.median(dwells) <= 44
    # Skewed to the right, as late gate meetings are.
    assert statistics.mean(dwells) > statistics.median(dwells)


def test_default_profiles_describe_four_gates():
    assert len(DEFAULT_PROFILES_INVESTMENT) == 4
    assert len(DEFAULT_PROFILES_INNOVATION) == 4


@pytest.mark.parametrize(
    "fields",
    [
        {"median_dwell_days": 0},
        {"median_dwell_days": -3},
        {"median_dwell_days": float("nan")},
        {"median_dwell_days": float("inf")},
        {"go": -0.1},
        {"kill": float("nan")},
        {"go": 0, "kill": 0, "hold": 0, "recycle": 0},
    ],
)
def test_stage_profile_rejects_nonsense(fields):
    values = {"median_dwell_days": 10, "go": 0.5, "kill": 0.3, "hold": 0.1, "recycle": 0.1}
    with pytest.raises(ValueError, match="must be"):
        StageProfile(**(values | fields))


@pytest.mark.parametrize(
    ("profiles", "start", "now", "message"),
    [
        ((), START, NOW, "at least one profile"),
        (DEFAULT_PROFILES_INVESTMENT, START.replace(tzinfo=None), NOW, "start must be"),
        (DEFAULT_PROFILES_INVESTMENT, START, NOW.replace(tzinfo=None), "now must be"),
        (DEFAULT_PROFILES_INVESTMENT, NOW, START, "start is after now"),
    ],
)
def test_simulate_rejects_bad_input(profiles, start, now, message):
    with pytest.raises(ValueError, match=message):
        simulate_candidate(random.Random(0), profiles, start=start, now=now)


# Zero weights are drawn often on purpose: gates that never kill, never go, only recycle.
weights = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1))
profile_lists = st.lists(
    st.tuples(st.floats(min_value=0.01, max_value=400), weights, weights, weights, weights)
    .filter(lambda p: sum(p[1:]) > 0)
    .map(lambda p: StageProfile(*p)),
    min_size=1,
    max_size=6,
)


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    profiles=profile_lists,
    horizon_days=st.integers(min_value=0, max_value=3650),
)
def test_any_history_replays(seed, profiles, horizon_days):
    now = START + timedelta(days=horizon_days)
    candidate = simulate_candidate(random.Random(seed), profiles, start=START, now=now)
    assert_well_formed(candidate, stage_count=len(profiles) + 1, start=START, now=now)
