"""Improvement roadmaps: an assessment's gaps to target → an ordered list of actions.

BRIEF §4: the roadmap lists gaps lowest level first, because levels are climbed in order: a
level-3 practice rests on the level-2 measurement beneath it, so every level-2 action comes
before any level-3 action. Each action names an area, the level to reach and the questions
that show where it falls short; the page adds the level's focus (`model.level(L).focus`) and
the owner and due fields.

Pure: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.model import Model
from assessments.scoring import AssessmentResult


@dataclass(frozen=True, slots=True)
class Action:
    area: str
    level: int  # the level this action brings the area to
    gap: int  # the area's target − capability
    priority: int  # higher is more urgent
    questions: tuple[str, ...]  # where the area falls short at `level`


def plan_roadmap(model: Model, result: AssessmentResult) -> list[Action]:
    """One action per level between each area's capability and its target, in working order.

    Order: level ascending, then priority descending, then areas in model order. The priority
    is the area's gap: among areas working on the same level, the one furthest from its target
    has the longest way to go and so should start first. It is a separate field so that a later
    rule (weighting areas, say) can change it without changing what `gap` means.
    """
    position = {area.key: i for i, area in enumerate(model.areas)}
    actions: list[Action] = []
    for area, gap in result.gaps.items():
        if gap <= 0:
            continue
        capability = result.area_levels[area]
        for level in range(capability + 1, result.targets[area] + 1):
            if level == capability + 1:
                # The scorer already found what blocks the next level, weakest first.
                questions = result.blockers[area].questions
            else:
                # Above the next level nothing is blocked yet: list what is short and what no
                # one has answered, since an unanswered question is unproven, not met.
                questions = tuple(
                    question.id
                    for question in model.questions_of(area, level)
                    if question.id not in result.question_achievement
                    or result.question_achievement[question.id] < model.threshold
                )
            actions.append(Action(area, level, gap, gap, questions))
    actions.sort(key=lambda action: (action.level, -action.priority, position[action.area]))
    return actions
