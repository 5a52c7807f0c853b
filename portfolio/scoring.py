"""Gate scorecards: turn scorers' must-meet and should-meet scores into a recommendation.

Must-meet criteria are knock-outs (1 pass, 0 fail); should-meet criteria carry a weight and
are scored 0..10. The gate score is the weight-normalised mean, on 0..100, of each
should-criterion's mean over its scorers. Pure: standard library only, so pages, API, reports
and notebooks share one rule.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

# Scores this far apart on one criterion mean the scorers saw it differently: worth a talk.
DISAGREEMENT_SPAN = 4

# Scorers type decimals such as 6.1 that binary floats cannot hold exactly; settling results
# to 9 places puts them where a hand calculation does, so a hand-computed 60 meets a 60 threshold.
_PLACES = 9

ScoringErrorCode = Literal[
    "bad_key",
    "bad_kind",
    "bad_weight",
    "bad_scorer",
    "duplicate_criterion",
    "duplicate_score",
    "unknown_criterion",
    "must_value",
    "should_value",
    "thresholds",
]


class ScoringError(ValueError):
    """The criteria, scores or thresholds cannot be scored; `code` says why, `key` where."""

    def __init__(self, code: ScoringErrorCode, key: object, detail: str = "") -> None:
        super().__init__(f"{code}: {key!r}" + (f" ({detail})" if detail else ""))
        self.code: ScoringErrorCode = code
        self.key = key


@dataclass(frozen=True, slots=True)
class GateResult:
    score: float | None  # 0..100; None when no should-criterion was scored
    failed_must: tuple[str, ...]
    disagreements: tuple[str, ...]
    unscored: tuple[str, ...]
    means: dict[str, float]  # per scored criterion, for display
    recommendation: str  # "go", "hold" or "kill"


def score_gate(
    criteria: Sequence[Mapping[str, object]],
    scores: Sequence[Mapping[str, object]],
    go_threshold: float = 60,
    kill_threshold: float = 40,
) -> GateResult:
    """Score one gate review; see the module docstring for the rule.

    Any failed must-meet recommends "kill" whatever the score. Without a failure, the score
    recommends "go" at or above `go_threshold`, "hold" at or above `kill_threshold`, else
    "kill"; with nothing should-meet scored there is no evidence either way, so "hold".
    """
    if kill_threshold > go_threshold:
        raise ScoringError("thresholds", "kill_threshold", f"{kill_threshold} > {go_threshold}")
    kinds, weights = _read_criteria(criteria)
    values = _read_scores(scores, kinds)

    # Exact fractions keep the result independent of score order and inside 0..100.
    means = {key: sum(vals, Fraction(0)) / len(vals) for key, vals in values.items() if vals}
    scored_should = [key for key in means if kinds[key] == "should"]
    score = None
    if scored_should:
        total_weight = sum((weights[key] for key in scored_should), Fraction(0))
        weighted = sum((weights[key] * means[key] for key in scored_should), Fraction(0))
        score = _settle(weighted / total_weight * 10)

    failed_must = tuple(key for key in kinds if kinds[key] == "must" and 0 in values[key])
    disagreements = tuple(
        key
        for key, vals in values.items()
        if vals and _settle(max(vals) - min(vals)) >= DISAGREEMENT_SPAN
    )
    if failed_must:
        recommendation = "kill"
    elif score is None:
        recommendation = "hold"
    elif score >= go_threshold:
        recommendation = "go"
    elif score >= kill_threshold:
        recommendation = "hold"
    else:
        recommendation = "kill"
    return GateResult(
        score=score,
        failed_must=failed_must,
        disagreements=disagreements,
        unscored=tuple(key for key, vals in values.items() if not vals),
        means={key: _settle(mean) for key, mean in means.items()},
        recommendation=recommendation,
    )


def _read_criteria(
    criteria: Sequence[Mapping[str, object]],
) -> tuple[dict[str, str], dict[str, Fraction]]:
    """Kind per key (in criteria order) and weight per should-key, or a ScoringError."""
    kinds: dict[str, str] = {}
    weights: dict[str, Fraction] = {}
    for criterion in criteria:
        key, kind = criterion.get("key"), criterion.get("kind")
        if not isinstance(key, str) or not key:
            raise ScoringError("bad_key", key)
        if key in kinds:
            raise ScoringError("duplicate_criterion", key)
        if kind not in ("must", "should"):
            raise ScoringError("bad_kind", key, f"kind {kind!r}")
        if kind == "should":
            weight = _number(criterion.get("weight"))
            if weight is None or weight <= 0:
                raise ScoringError("bad_weight", key, f"weight {criterion.get('weight')!r}")
            weights[key] = weight
        kinds[key] = kind
    return kinds, weights


def _read_scores(
    scores: Sequence[Mapping[str, object]], kinds: Mapping[str, str]
) -> dict[str, list[Fraction]]:
    """Values per criterion key, every key present and in criteria order, or a ScoringError."""
    values: dict[str, list[Fraction]] = {key: [] for key in kinds}
    seen: set[tuple[str, Hashable]] = set()
    for score in scores:
        key, scorer, raw = score.get("criterion"), score.get("scorer"), score.get("value")
        if not isinstance(key, str) or key not in kinds:
            raise ScoringError("unknown_criterion", key)
        if scorer is None or not isinstance(scorer, Hashable):
            raise ScoringError("bad_scorer", key, f"scorer {scorer!r}")
        if (key, scorer) in seen:
            raise ScoringError("duplicate_score", key, f"scorer {scorer!r}")
        seen.add((key, scorer))
        if kinds[key] == "must":
            # Booleans are ints, so True/False pass this check as 1/0 on purpose.
            if isinstance(raw, float | int) and raw in (0, 1):
                values[key].append(Fraction(int(raw)))
                continue
            raise ScoringError("must_value", key, f"value {raw!r}")
        value = _number(raw)
        if value is None or not 0 <= value <= 10:
            raise ScoringError("should_value", key, f"value {raw!r}")
        values[key].append(value)
    return values


def _number(raw: object) -> Fraction | None:
    """`raw` as an exact fraction if it is a finite int or float (not a bool), else None."""
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    return Fraction(raw)


def _settle(value: Fraction) -> float:
    return float(round(value, _PLACES))
