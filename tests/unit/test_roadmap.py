"""Improvement roadmaps: a worked example, ordering, priorities and the questions per action."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assessments.model import load_model
from assessments.roadmap import Action, plan_roadmap
from assessments.scoring import score

AREAS = ("plan", "risk", "people")


def model_of(*ids):
    """Areas plan, risk, people (in that order); question ids read "<area>-<level>-<n>"."""
    return load_model(
        {
            "key": "tiny",
            "version": "1",
            "name": {"en": "Tiny", "zh": "小"},
            "levels": [
                {
                    "level": n,
                    "name": {"en": f"L{n}", "zh": f"级{n}"},
                    "focus": {"en": "f", "zh": "重"},
                }
                for n in range(1, 6)
            ],
            "areas": [{"key": key, "name": {"en": key, "zh": key}} for key in AREAS],
            "questions": [
                {
                    "id": qid,
                    "area": qid.split("-")[0],
                    "level": int(qid.split("-")[1]),
                    "text": {"en": qid, "zh": qid},
                }
                for qid in ids
            ],
        }
    )


# One question per area and level, and a second one for plan at level 4.
MODEL = model_of(*(f"{area}-{level}-1" for area in AREAS for level in range(2, 6)), "plan-4-2")
ANSWERS = {
    # plan: L2 1.0 ✓, L3 0.5 ✗ → capability 2; plan-4-1 0.25, plan-4-2 and plan-5-1 unanswered
    "plan-2-1": 4,
    "plan-3-1": 2,
    "plan-4-1": 1,
    # risk: L2 0.25 ✗ → capability 1; L3 0.75 and L4 1.0 would pass, L5 0 would not
    "risk-2-1": 1,
    "risk-3-1": 3,
    "risk-4-1": 4,
    "risk-5-1": 0,
    # people: L2 and L3 1.0 ✓, L4 0.5 ✗ → capability 3; L5 1.0
    "people-2-1": 4,
    "people-3-1": 4,
    "people-4-1": 2,
    "people-5-1": 4,
}


def roadmap(answers=ANSWERS, target=5, model=MODEL):
    return plan_roadmap(model, score(model, [answers], target=target))


def test_worked_example():
    # Target 5 everywhere: gaps plan 5 − 2 = 3, risk 5 − 1 = 4, people 5 − 3 = 2.
    # Levels ascending; within a level the larger gap first.
    assert roadmap() == [
        # level 2: only risk is below it; its blocker is risk-2-1
        Action("risk", 2, gap=4, priority=4, questions=("risk-2-1",)),
        # level 3: risk (gap 4) before plan (gap 3); risk-3-1 already meets 0.75, so risk's
        # level-3 work lists nothing; plan's blocker is plan-3-1
        Action("risk", 3, gap=4, priority=4, questions=()),
        Action("plan", 3, gap=3, priority=3, questions=("plan-3-1",)),
        # level 4: plan lists plan-4-1 (0.25) and the unanswered plan-4-2; people's blocker
        Action("risk", 4, gap=4, priority=4, questions=()),
        Action("plan", 4, gap=3, priority=3, questions=("plan-4-1", "plan-4-2")),
        Action("people", 4, gap=2, priority=2, questions=("people-4-1",)),
        # level 5: risk-5-1 answered 0; plan-5-1 unanswered; people-5-1 already met
        Action("risk", 5, gap=4, priority=4, questions=("risk-5-1",)),
        Action("plan", 5, gap=3, priority=3, questions=("plan-5-1",)),
        Action("people", 5, gap=2, priority=2, questions=()),
    ]


def test_every_level_2_action_comes_before_any_level_3_action():
    actions = roadmap()
    levels = [action.level for action in actions]
    assert levels == sorted(levels)
    last_level_2 = max(i for i, action in enumerate(actions) if action.level == 2)
    first_level_3 = min(i for i, action in enumerate(actions) if action.level == 3)
    assert last_level_2 < first_level_3


def test_priority_grows_with_the_gap():
    actions = roadmap(target={"plan": 4, "risk": 5, "people": 4})
    # gaps: plan 4 − 2 = 2, risk 5 − 1 = 4, people 4 − 3 = 1
    assert {action.area: (action.gap, action.priority) for action in actions} == {
        "plan": (2, 2),
        "risk": (4, 4),
        "people": (1, 1),
    }
    level_4 = [action.area for action in actions if action.level == 4]
    assert level_4 == ["risk", "plan", "people"]  # gaps 4, 2, 1


def test_equal_gaps_keep_model_order():
    # plan and people both miss level 2 with capability 1 and target 3: gap 2 each.
    answers = {"plan-2-1": 0, "risk-2-1": 4, "people-2-1": 1}
    actions = roadmap(answers, target=3)
    assert [(action.area, action.level) for action in actions] == [
        ("plan", 2),
        ("people", 2),
        ("plan", 3),
        ("people", 3),
    ]


def test_one_action_per_level_from_capability_to_target():
    actions = roadmap(target={"plan": 4})
    # plan: capability 2 → levels 3 and 4; no other area has a target
    assert [(action.area, action.level) for action in actions] == [("plan", 3), ("plan", 4)]
    assert actions[0].questions == ("plan-3-1",)  # the blocker
    assert actions[1].questions == ("plan-4-1", "plan-4-2")  # short, then unanswered


def test_the_next_level_lists_blockers_weakest_first():
    model = model_of("plan-2-1", "plan-2-2", "plan-2-3", "plan-3-1")
    answers = {"plan-2-1": 2, "plan-2-2": 0, "plan-2-3": 4}
    actions = roadmap(answers, target={"plan": 2}, model=model)
    # L2 (0.5 + 0 + 1) / 3 = 0.5 ✗; weakest first: plan-2-2 (0), plan-2-1 (0.5); plan-2-3 met
    assert actions == [Action("plan", 2, 1, 1, ("plan-2-2", "plan-2-1"))]


def test_higher_levels_list_short_and_unanswered_questions_in_model_order():
    model = model_of("plan-2-1", "plan-3-1", "plan-3-2", "plan-3-3", "plan-3-4")
    answers = {"plan-2-1": 0, "plan-3-1": 1, "plan-3-3": 2, "plan-3-4": 3}
    (_, level_3) = roadmap(answers, target={"plan": 3}, model=model)
    # plan-3-1 0.25 and plan-3-3 0.5 are short, plan-3-2 is unanswered, plan-3-4 0.75 is met
    assert level_3 == Action("plan", 3, 2, 2, ("plan-3-1", "plan-3-2", "plan-3-3"))


def test_no_target_no_actions():
    assert roadmap(target=None) == []


def test_targets_already_met_give_no_actions():
    # capabilities plan 2, risk 1, people 3
    assert roadmap(target=1) == []
    assert roadmap(target={"plan": 2, "risk": 1, "people": 3}) == []


# --- properties ------------------------------------------------------------------------------

IDS = [question.id for question in MODEL.questions]
cells = st.sampled_from([None, 0, 1, 2, 3, 4])
targets = st.integers(1, 5) | st.fixed_dictionaries(
    {}, optional={area: st.integers(1, 5) for area in AREAS}
)


@given(st.lists(cells, min_size=len(IDS), max_size=len(IDS)), targets)
def test_actions_cover_each_gap_once_in_working_order(row, target):
    result = score(MODEL, [dict(zip(IDS, row, strict=True))], target=target)
    actions = plan_roadmap(MODEL, result)
    expected = {
        (area, level)
        for area, gap in result.gaps.items()
        for level in range(result.area_levels[area] + 1, result.area_levels[area] + gap + 1)
    }
    assert [(action.area, action.level) for action in actions] == sorted(
        expected, key=lambda pair: (pair[1], -result.gaps[pair[0]], AREAS.index(pair[0]))
    )
    for action in actions:
        assert action.gap == action.priority == result.gaps[action.area] > 0
        if action.level == result.area_levels[action.area] + 1:
            assert action.questions  # a failed level always has a short question
