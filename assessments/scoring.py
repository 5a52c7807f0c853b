"""Maturity scoring: respondents' answers to a questionnaire → capability per area and maturity.

The rule is BRIEF §4's. Answers run 0 (not at all) to 4 (fully and evidenced), or None for
N/A, which is left out of every mean. Per question the median over respondents counts, so one
outlier cannot move it; its achievement is median / 4. An area's achievement at a level is the
weighted mean over its answered questions there; an area reaches a level when it meets the
model's threshold at that level and every level below (an area-level with nothing answered
counts as met). The organisation's staged maturity level is the lowest area capability; the
continuous maturity index, 1.0..5.0, adds up achievement across areas so trends show before a
whole level is won.

Pure: standard library only, so pages, API, reports and notebooks share one rule.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from assessments.model import QUESTION_LEVELS, Model, Question

# Answers this far apart on one question mean the respondents saw it differently: worth a talk.
DISAGREEMENT_SPAN = 2
ANSWERS = range(5)  # 0 not at all … 4 fully and evidenced
TOP_LEVEL = 5

# Weights such as 0.1 and 0.3 are not exact in binary floats: a weighted mean that is 0.21875
# by hand comes out 0.21875000000000003. Means are computed as exact fractions and settled to
# 9 places, so figures equal their hand calculation, compare equal however the weights were
# written, and pass or fail a threshold as they would on paper.
_PLACES = 9

ScoringErrorCode = Literal["unknown_question", "bad_answer", "bad_target"]


class ScoringError(ValueError):
    """The responses or target cannot be scored; `code` says why, `key` where."""

    def __init__(self, code: ScoringErrorCode, key: object, detail: str = "") -> None:
        super().__init__(f"{code}: {key!r}" + (f" ({detail})" if detail else ""))
        self.code: ScoringErrorCode = code
        self.key = key


@dataclass(frozen=True, slots=True)
class Blocker:
    """What keeps an area from its next level: that level, and its questions below threshold."""

    level: int
    questions: tuple[str, ...]  # weakest first; ties in model order


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    level: int  # staged maturity: the lowest capability over the areas
    index: float  # continuous maturity, 1.0..5.0
    area_levels: dict[str, int]  # capability per area, 1..5
    achievement: dict[str, dict[int, float | None]]  # area → level 2..5 → 0..1; None: unanswered
    question_achievement: dict[str, float]  # answered questions only, model order
    gaps: dict[str, int]  # areas with a target only
    targets: dict[str, int]  # the target level per area, as resolved from `target`
    disagreements: tuple[str, ...]  # question ids, model order
    blockers: dict[str, Blocker]  # every area below level 5


def score(
    model: Model,
    responses: Sequence[Mapping[str, object]],
    target: int | Mapping[str, int | None] | None = None,
) -> AssessmentResult:
    """Score one assessment; see the module docstring for the rule.

    `responses` holds one mapping {question id: answer} per respondent; a question a
    respondent left out counts as not answered by them, like None. `target` is the level every
    area aims for, or a level per area key (areas left out, or mapped to None, have none).
    """
    targets = _resolve_targets(model, target)
    answers = _collect_answers(model, responses)
    threshold = model.threshold

    exact = {qid: Fraction(statistics.median(values)) / 4 for qid, values in answers.items()}
    question_achievement = {qid: _settle(value) for qid, value in exact.items()}

    by_area_level: dict[tuple[str, int], list[Question]] = {}
    for question in model.questions:
        if question.id in exact:
            by_area_level.setdefault((question.area, question.level), []).append(question)

    exact_achievement: dict[str, dict[int, Fraction | None]] = {
        area.key: {
            level: _weighted_mean(by_area_level.get((area.key, level), []), exact)
            for level in QUESTION_LEVELS
        }
        for area in model.areas
    }
    # Pass or fail on the settled figures, so every decision matches the numbers shown.
    achievement = {
        area: {level: None if value is None else _settle(value) for level, value in row.items()}
        for area, row in exact_achievement.items()
    }
    area_levels = {area: _capability(row, threshold) for area, row in achievement.items()}

    blockers: dict[str, Blocker] = {}
    for area, capability in area_levels.items():
        if capability < TOP_LEVEL:
            failing = [
                question
                for question in by_area_level[(area, capability + 1)]
                if question_achievement[question.id] < threshold
            ]
            # list.sort is stable, so equal achievements keep model order.
            failing.sort(key=lambda question: question_achievement[question.id])
            blockers[area] = Blocker(capability + 1, tuple(question.id for question in failing))

    return AssessmentResult(
        # With no areas at all nothing is unmet: the top level, as for an all-N/A assessment.
        level=min(area_levels.values(), default=TOP_LEVEL),
        index=_settle(_index(exact_achievement)),
        area_levels=area_levels,
        achievement=achievement,
        question_achievement=question_achievement,
        gaps={area: max(0, level - area_levels[area]) for area, level in targets.items()},
        targets=targets,
        disagreements=tuple(
            qid for qid, values in answers.items() if max(values) - min(values) >= DISAGREEMENT_SPAN
        ),
        blockers=blockers,
    )


def _resolve_targets(model: Model, target: int | Mapping[str, int | None] | None) -> dict[str, int]:
    """The target level per area key, in model order, or a ScoringError."""
    if target is None:
        return {}
    if isinstance(target, Mapping):
        known = {area.key for area in model.areas}
        for key, level in target.items():
            if key not in known:
                raise ScoringError("bad_target", key, "no such area")
            if level is not None:
                _check_target(level, key)
        return {
            area.key: level for area in model.areas if (level := target.get(area.key)) is not None
        }
    level = _check_target(target, "target")
    return {area.key: level for area in model.areas}


def _check_target(level: object, key: object) -> int:
    # Booleans are ints to Python; a target of True is a slip, not level 1.
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= TOP_LEVEL:
        raise ScoringError("bad_target", key, f"level {level!r}")
    return level


def _collect_answers(
    model: Model, responses: Sequence[Mapping[str, object]]
) -> dict[str, list[int]]:
    """The non-N/A answers per answered question, in model order, or a ScoringError."""
    values: dict[str, list[int]] = {question.id: [] for question in model.questions}
    for respondent in responses:
        for qid, answer in respondent.items():
            if qid not in values:
                raise ScoringError("unknown_question", qid)
            if answer is None:
                continue
            if isinstance(answer, bool) or not isinstance(answer, int) or answer not in ANSWERS:
                raise ScoringError("bad_answer", qid, f"answer {answer!r}")
            values[qid].append(answer)
    return {qid: answers for qid, answers in values.items() if answers}


def _weighted_mean(questions: list[Question], exact: Mapping[str, Fraction]) -> Fraction | None:
    if not questions:
        return None
    total = sum((Fraction(question.weight) for question in questions), Fraction(0))
    weighted = sum(
        (Fraction(question.weight) * exact[question.id] for question in questions), Fraction(0)
    )
    return weighted / total


def _index(achievement: Mapping[str, Mapping[int, Fraction | None]]) -> Fraction:
    """1 + the sum over levels 2..5 of the mean achievement across areas."""
    if not achievement:
        return Fraction(TOP_LEVEL)
    index = Fraction(1)
    for level in QUESTION_LEVELS:
        # An area-level with nothing answered counts as fully achieved, as it counts as met.
        values = [row[level] for row in achievement.values()]
        met = [Fraction(1) if value is None else value for value in values]
        index += sum(met, Fraction(0)) / len(met)
    return index


def _capability(row: Mapping[int, float | None], threshold: float) -> int:
    """The highest level L with every level 2..L met; 1 when level 2 is not."""
    capability = 1
    for level in QUESTION_LEVELS:
        value = row[level]
        if value is not None and value < threshold:
            # A later level passing does not count: levels are climbed in order.
            break
        capability = level
    return capability


def _settle(value: Fraction) -> float:
    return float(round(value, _PLACES))
