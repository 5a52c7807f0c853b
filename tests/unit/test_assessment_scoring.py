"""Maturity scoring: worked examples computed by hand, input errors, and properties of the rule."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments.model import load_model
from assessments.scoring import DISAGREEMENT_SPAN, AssessmentResult, Blocker, ScoringError, score


def model_of(*ids, weights=None, threshold=None, areas=("plan", "risk")):
    """A model whose question ids read "<area>-<level>-<n>"; weight 1 unless `weights` says."""
    weights = weights or {}
    data = {
        "key": "tiny",
        "version": "1",
        "name": {"en": "Tiny", "zh": "小"},
        "levels": [
            {"level": n, "name": {"en": f"L{n}", "zh": f"级{n}"}, "focus": {"en": "f", "zh": "重"}}
            for n in range(1, 6)
        ],
        "areas": [{"key": key, "name": {"en": key, "zh": key}} for key in areas],
        "questions": [
            {
                "id": qid,
                "area": qid.split("-")[0],
                "level": int(qid.split("-")[1]),
                "weight": weights.get(qid, 1),
                "text": {"en": qid, "zh": qid},
            }
            for qid in ids
        ],
    }
    if threshold is not None:
        data["threshold"] = threshold
    return load_model(data)


# plan has one or two questions at every level; risk has none at level 5.
IDS = (
    "plan-2-1",
    "plan-2-2",
    "plan-3-1",
    "plan-4-1",
    "plan-5-1",
    "risk-2-1",
    "risk-3-1",
    "risk-3-2",
    "risk-4-1",
)
MODEL = model_of(*IDS)
WEIGHTED = model_of(*IDS, weights={"risk-3-2": 3})


def respondents(**columns):
    """Answers by question, one column per question id (dashes as underscores), as respondents.

    respondents(plan_2_1=[4, 3]) == [{"plan-2-1": 4}, {"plan-2-1": 3}]; None stays an N/A answer.
    """
    count = max(len(column) for column in columns.values())
    return [
        {qid.replace("_", "-"): column[i] for qid, column in columns.items() if i < len(column)}
        for i in range(count)
    ]


def levels(two, three, four, five):
    return {2: two, 3: three, 4: four, 5: five}


# --- worked examples -------------------------------------------------------------------------


def test_a_one_respondent_all_answered():
    answers = {
        "plan-2-1": 4,
        "plan-2-2": 3,
        "plan-3-1": 3,
        "plan-4-1": 2,
        "plan-5-1": 1,
        "risk-2-1": 3,
        "risk-3-1": 4,
        "risk-3-2": 2,
        "risk-4-1": 4,
    }
    result = score(MODEL, [answers])
    # plan: L2 (4/4 + 3/4) / 2 = 0.875 ✓, L3 3/4 = 0.75 ✓ (exactly the threshold),
    #       L4 2/4 = 0.5 ✗, L5 1/4 = 0.25           → capability 3
    # risk: L2 0.75 ✓, L3 (1 + 0.5) / 2 = 0.75 ✓, L4 1 ✓, L5 no question (met) → capability 5
    # maturity level = min(3, 5) = 3
    # index = 1 + (0.875 + 0.75)/2 + (0.75 + 0.75)/2 + (0.5 + 1)/2 + (0.25 + 1)/2
    #       = 1 + 0.8125 + 0.75 + 0.75 + 0.625 = 3.9375
    assert result == AssessmentResult(
        level=3,
        index=3.9375,
        area_levels={"plan": 3, "risk": 5},
        achievement={
            "plan": levels(0.875, 0.75, 0.5, 0.25),
            "risk": levels(0.75, 0.75, 1.0, None),
        },
        question_achievement={
            "plan-2-1": 1.0,
            "plan-2-2": 0.75,
            "plan-3-1": 0.75,
            "plan-4-1": 0.5,
            "plan-5-1": 0.25,
            "risk-2-1": 0.75,
            "risk-3-1": 1.0,
            "risk-3-2": 0.5,
            "risk-4-1": 1.0,
        },
        gaps={},
        targets={},
        disagreements=(),  # one respondent cannot disagree
        blockers={"plan": Blocker(4, ("plan-4-1",))},  # risk is at 5: nothing blocks it
    )


def test_b_na_answers_are_left_out_not_counted_as_zero():
    answers = {
        "plan-2-1": 4,
        "plan-2-2": None,
        "plan-3-1": None,
        "plan-4-1": 3,
        "plan-5-1": 0,
        "risk-2-1": 2,
        "risk-3-1": None,
        "risk-3-2": None,
        "risk-4-1": 4,
    }
    result = score(MODEL, [answers])
    # plan: L2 only plan-2-1 counts: 1.0 ✓ (as zero it would be 0.5 ✗); L3 all N/A → None, met;
    #       L4 0.75 ✓; L5 0 ✗                     → capability 4
    # risk: L2 0.5 ✗                              → capability 1 (L3 None, L4 1.0 do not help)
    # index = 1 + (1 + 0.5)/2 + (1 + 1)/2 + (0.75 + 1)/2 + (0 + 1)/2
    #       = 1 + 0.75 + 1 + 0.875 + 0.5 = 4.125
    assert result.achievement == {
        "plan": levels(1.0, None, 0.75, 0.0),
        "risk": levels(0.5, None, 1.0, None),
    }
    assert result.area_levels == {"plan": 4, "risk": 1}
    assert result.level == 1
    assert result.index == 4.125
    assert set(result.question_achievement) == {
        "plan-2-1",
        "plan-4-1",
        "plan-5-1",
        "risk-2-1",
        "risk-4-1",
    }
    assert result.blockers == {
        "plan": Blocker(5, ("plan-5-1",)),
        "risk": Blocker(2, ("risk-2-1",)),
    }


def test_c_an_even_number_of_respondents_averages_the_middle_two():
    responses = respondents(
        plan_2_1=[4, 3, 3, 4],  # 3 3 4 4 → median (3 + 4)/2 = 3.5 → 0.875; span 1
        plan_2_2=[3, 3, 1, 2],  # 1 2 3 3 → median (2 + 3)/2 = 2.5 → 0.625; span 2: disagreement
        plan_3_1=[2, 2, 3, 3],  # 2 2 3 3 → median 2.5 → 0.625; span 1
        risk_2_1=[4, 4, 4, None],  # the N/A is left out: 4 4 4 → median 4 → 1.0
    )
    result = score(MODEL, responses)
    # plan: L2 (0.875 + 0.625)/2 = 0.75 ✓ exactly, L3 0.625 ✗ → capability 2
    # risk: L2 1.0 ✓, nothing else answered (met)      → capability 5
    # index = 1 + (0.75 + 1)/2 + (0.625 + 1)/2 + (1 + 1)/2 + (1 + 1)/2
    #       = 1 + 0.875 + 0.8125 + 1 + 1 = 4.6875
    assert result.question_achievement == {
        "plan-2-1": 0.875,
        "plan-2-2": 0.625,
        "plan-3-1": 0.625,
        "risk-2-1": 1.0,
    }
    assert result.achievement["plan"] == levels(0.75, 0.625, None, None)
    assert result.area_levels == {"plan": 2, "risk": 5}
    assert result.level == 2
    assert result.index == 4.6875
    assert result.disagreements == ("plan-2-2",)
    assert result.blockers == {"plan": Blocker(3, ("plan-3-1",))}


def test_an_odd_number_of_respondents_takes_the_middle_answer():
    # 0 1 4 → median 1 → 0.25, although the mean would be 5/3 → 0.4167
    result = score(MODEL, respondents(plan_2_1=[4, 0, 1]))
    assert result.question_achievement == {"plan-2-1": 0.25}


ANSWERS_A = {
    "plan-2-1": 4,
    "plan-2-2": 3,
    "plan-3-1": 3,
    "plan-4-1": 2,
    "plan-5-1": 1,
    "risk-2-1": 3,
    "risk-3-1": 4,
    "risk-3-2": 2,
    "risk-4-1": 4,
}  # example (a): plan capability 3, risk capability 5


def test_d_per_area_targets_and_gaps():
    result = score(MODEL, [ANSWERS_A], target={"plan": 5, "risk": 3})
    # plan: target 5 − capability 3 = 2; risk: 3 − 5 < 0, so 0 (met, and then some)
    assert result.targets == {"plan": 5, "risk": 3}
    assert result.gaps == {"plan": 2, "risk": 0}
    assert result.level == 3  # targets change gaps only


def test_d_one_target_for_every_area():
    result = score(MODEL, [ANSWERS_A], target=4)
    # plan: 4 − 3 = 1; risk: 4 − 5 → 0
    assert result.targets == {"plan": 4, "risk": 4}
    assert result.gaps == {"plan": 1, "risk": 0}


@pytest.mark.parametrize("target", [{"risk": 5}, {"risk": 5, "plan": None}])
def test_d_areas_left_out_of_the_target_have_no_gap(target):
    result = score(MODEL, [ANSWERS_A], target=target)
    assert result.targets == {"risk": 5}
    assert result.gaps == {"risk": 0}


def test_d_without_a_target_there_are_no_gaps():
    result = score(MODEL, [ANSWERS_A])
    assert result.targets == {}
    assert result.gaps == {}


def test_e_an_area_failing_level_2_but_passing_level_3_stays_at_1():
    answers = {qid: 4 for qid in IDS if qid.startswith("plan")}
    answers |= {"risk-2-1": 2, "risk-3-1": 4, "risk-3-2": 4, "risk-4-1": 3}
    result = score(MODEL, [answers])
    # plan: every level 1.0 ✓ → capability 5
    # risk: L2 0.5 ✗, L3 1.0 ✓, L4 0.75 ✓, L5 None → capability 1: levels are climbed in order
    # maturity level = min(5, 1) = 1
    # index = 1 + (1 + 0.5)/2 + (1 + 1)/2 + (1 + 0.75)/2 + (1 + 1)/2 = 1 + 0.75 + 1 + 0.875 + 1
    #       = 4.625; risk contributes 0.5/2 + 1/2 + 0.75/2 + 1/2 = 1.625 of the 3.625 above 1,
    #       so its level-3 and level-4 practice shows in the index though not in the level.
    assert result.achievement["risk"] == levels(0.5, 1.0, 0.75, None)
    assert result.area_levels == {"plan": 5, "risk": 1}
    assert result.level == 1
    assert result.index == 4.625
    assert result.blockers == {"risk": Blocker(2, ("risk-2-1",))}


def test_f_weights_tip_an_area_level():
    # risk-3-2 has weight 3, risk-3-1 weight 1; nothing on plan is answered (all met).
    short = score(WEIGHTED, [{"risk-2-1": 4, "risk-3-1": 4, "risk-3-2": 2}])
    # L3 = (1 × 1.0 + 3 × 0.5) / (1 + 3) = 2.5 / 4 = 0.625 ✗ (unweighted: 0.75 ✓)
    # index = 1 + (1 + 1)/2 + (1 + 0.625)/2 + 1 + 1 = 4.8125
    assert short.achievement["risk"] == levels(1.0, 0.625, None, None)
    assert short.area_levels == {"plan": 5, "risk": 2}
    assert short.index == 4.8125
    assert score(MODEL, [{"risk-2-1": 4, "risk-3-1": 4, "risk-3-2": 2}]).area_levels["risk"] == 5

    met = score(WEIGHTED, [{"risk-2-1": 4, "risk-3-1": 2, "risk-3-2": 4}])
    # L3 = (1 × 0.5 + 3 × 1.0) / 4 = 3.5 / 4 = 0.875 ✓ (unweighted it would also be 0.75)
    assert met.achievement["risk"][3] == 0.875
    assert met.area_levels["risk"] == 5


def test_a_model_threshold_moves_the_pass_mark():
    lenient = model_of(*IDS, threshold=0.5)
    # example (a): plan L4 0.5 now passes, L5 0.25 does not → capability 4
    assert score(lenient, [ANSWERS_A]).area_levels == {"plan": 4, "risk": 5}


def test_decimal_weights_give_the_hand_computed_figures():
    # By hand: risk-2-1 median (3 + 4)/2 = 3.5 → 0.875, risk-2-2 0 → 0,
    # L2 = (0.1 × 0.875 + 0.3 × 0) / (0.1 + 0.3) = 0.0875 / 0.4 = 0.21875 exactly. In binary
    # 0.1 and 0.3 are not exact and the unsettled mean is 0.21875000000000003.
    model = model_of("risk-2-1", "risk-2-2", weights={"risk-2-1": 0.1, "risk-2-2": 0.3})
    result = score(model, [{"risk-2-1": 3, "risk-2-2": 0}, {"risk-2-1": 4}])
    assert result.achievement["risk"][2] == 0.21875
    # index = 1 + (1 [plan: nothing answered] + 0.21875)/2 + 1 + 1 + 1 = 4.609375
    assert result.index == 4.609375


# --- disagreement ----------------------------------------------------------------------------


def test_disagreement_span_is_two_points():
    assert DISAGREEMENT_SPAN == 2


@pytest.mark.parametrize(
    ("answers", "flagged"),
    [
        ([1, 3], True),  # span exactly 2
        ([2, 3], False),  # span 1
        ([3, 3, 3], False),
        ([0, 4], True),
        ([2, 1, 3], True),  # max − min over all respondents, not neighbours
        ([2, None, 4], True),  # N/A is not an answer
        ([None, 0, None], False),
        ([4], False),  # one respondent cannot disagree
    ],
)
def test_disagreement_at_the_span_edge(answers, flagged):
    result = score(MODEL, respondents(risk_3_1=answers))
    assert result.disagreements == (("risk-3-1",) if flagged else ())


def test_disagreements_are_listed_in_model_order():
    responses = respondents(risk_4_1=[0, 4], plan_2_2=[1, 3], risk_2_1=[2, 3], plan_5_1=[4, 2])
    assert score(MODEL, responses).disagreements == ("plan-2-2", "plan-5-1", "risk-4-1")


# --- blockers --------------------------------------------------------------------------------


def test_blockers_list_the_next_levels_short_questions_weakest_first():
    model = model_of("plan-2-1", "plan-2-2", "plan-2-3", "plan-2-4", "plan-2-5", "plan-3-1")
    answers = {"plan-2-1": 2, "plan-2-2": 1, "plan-2-3": 2, "plan-2-4": 3, "plan-3-1": 0}
    result = score(model, [answers])
    # L2 = (0.5 + 0.25 + 0.5 + 0.75) / 4 = 0.5 ✗ → capability 1, next level 2.
    # Below 0.75: plan-2-2 (0.25) first, then plan-2-1 and plan-2-3 (0.5 each, model order).
    # plan-2-4 (exactly 0.75) is met; plan-2-5 is unanswered; plan-3-1 is on another level.
    assert result.blockers["plan"] == Blocker(2, ("plan-2-2", "plan-2-1", "plan-2-3"))


def test_every_area_below_five_has_a_blocker_and_no_other_does():
    result = score(MODEL, [ANSWERS_A])
    assert set(result.blockers) == {a for a, level in result.area_levels.items() if level < 5}


# --- bounds ----------------------------------------------------------------------------------

FULL = model_of(*(f"{area}-{level}-1" for area in ("plan", "risk") for level in range(2, 6)))


@pytest.mark.parametrize(
    ("answer", "index", "level"),
    [(0, 1.0, 1), (1, 1.0 + 4 * 0.25, 1), (3, 1.0 + 4 * 0.75, 5), (4, 5.0, 5)],
)
def test_the_index_runs_from_one_to_five(answer, index, level):
    result = score(FULL, [dict.fromkeys((q.id for q in FULL.questions), answer)])
    assert result.index == index
    assert result.level == level


@pytest.mark.parametrize("responses", [[], [{}], [dict.fromkeys(IDS)]])
def test_nothing_answered_is_nothing_unmet(responses):
    result = score(MODEL, responses)
    assert result.level == 5
    assert result.index == 5.0
    assert result.area_levels == {"plan": 5, "risk": 5}
    assert result.achievement == {"plan": levels(None, None, None, None)} | {
        "risk": levels(None, None, None, None)
    }
    assert result.question_achievement == {}
    assert result.blockers == {}


def test_the_result_is_frozen():
    result = score(MODEL, [])
    with pytest.raises(AttributeError):
        result.level = 5  # type: ignore[misc]


# --- input errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("qid", ["plan-9-9", "", 3, None])
def test_an_unknown_question_is_refused(qid):
    with pytest.raises(ScoringError) as caught:
        score(MODEL, [{"plan-2-1": 4}, {qid: 2}])
    assert caught.value.code == "unknown_question"
    assert caught.value.key == qid


@pytest.mark.parametrize("answer", [5, -1, True, False, 2.0, 3.5, "3", [3]])
def test_an_answer_outside_0_to_4_is_refused(answer):
    with pytest.raises(ScoringError) as caught:
        score(MODEL, [{"plan-2-1": answer}])
    assert caught.value.code == "bad_answer"
    assert caught.value.key == "plan-2-1"
    assert repr(answer) in str(caught.value)


@pytest.mark.parametrize(
    ("target", "key"),
    [
        (0, "target"),
        (6, "target"),
        (True, "target"),
        (2.0, "target"),
        ("3", "target"),
        ({"cost": 3}, "cost"),
        ({"plan": 0}, "plan"),
        ({"plan": 3, "risk": 6}, "risk"),
        ({"plan": True}, "plan"),
        ({"plan": "5"}, "plan"),
    ],
)
def test_a_target_outside_1_to_5_or_for_an_unknown_area_is_refused(target, key):
    with pytest.raises(ScoringError) as caught:
        score(MODEL, [], target=target)
    assert caught.value.code == "bad_target"
    assert caught.value.key == key


def test_scoring_errors_are_value_errors():
    with pytest.raises(ValueError, match="bad_answer"):
        score(MODEL, [{"plan-2-1": 9}])


# --- properties ------------------------------------------------------------------------------

models = st.sampled_from([MODEL, WEIGHTED, FULL, model_of(*IDS, threshold=0.5)])
LEFT_OUT = "left out"
# One cell per question, drawn from one list: quicker to generate than a dictionary per row.
cells = st.sampled_from([LEFT_OUT, None, 0, 1, 2, 3, 4])


@st.composite
def assessments(draw):
    """(model, responses): up to four respondents, each answering any subset of questions."""
    model = draw(models)
    ids = [question.id for question in model.questions]
    rows = draw(st.lists(st.lists(cells, min_size=len(ids), max_size=len(ids)), max_size=4))
    responses = [
        {qid: cell for qid, cell in zip(ids, row, strict=True) if cell != LEFT_OUT} for row in rows
    ]
    return model, responses


@given(assessments())
def test_the_level_is_the_lowest_capability(assessment):
    result = score(*assessment)
    assert all(result.level <= level for level in result.area_levels.values())
    assert result.level == min(result.area_levels.values())


@given(assessments())
def test_index_and_capabilities_stay_in_range(assessment):
    result = score(*assessment)
    assert 1.0 <= result.index <= 5.0
    assert all(1 <= level <= 5 for level in result.area_levels.values())
    assert all(
        value is None or 0.0 <= value <= 1.0
        for row in result.achievement.values()
        for value in row.values()
    )


@given(assessments(), st.data())
def test_raising_one_answer_never_lowers_the_index_or_a_capability(assessment, data):
    model, responses = assessment
    answered = [
        (i, qid)
        for i, respondent in enumerate(responses)
        for qid, answer in respondent.items()
        if answer is not None and answer < 4
    ]
    assume(answered)
    i, qid = data.draw(st.sampled_from(answered))
    raised = [dict(respondent) for respondent in responses]
    raised[i][qid] = data.draw(st.integers(responses[i][qid] + 1, 4))
    before, after = score(model, responses), score(model, raised)
    assert after.index >= before.index
    assert after.level >= before.level
    assert all(after.area_levels[a] >= level for a, level in before.area_levels.items())


@given(assessments())
def test_a_respondent_answering_nothing_changes_nothing(assessment):
    model, responses = assessment
    expected = score(model, responses)
    assert score(model, [*responses, {}]) == expected
    assert score(model, [dict.fromkeys(q.id for q in model.questions), *responses]) == expected


@given(assessments())
def test_na_for_questions_left_out_changes_nothing(assessment):
    # N/A is the same as not answering, also for questions other respondents did answer.
    model, responses = assessment
    filled = [
        {question.id: respondent.get(question.id) for question in model.questions}
        for respondent in responses
    ]
    assert score(model, filled) == score(model, responses)


@given(assessments(), st.data())
def test_the_order_of_respondents_is_irrelevant(assessment, data):
    model, responses = assessment
    shuffled = data.draw(st.permutations(responses))
    assert score(model, shuffled) == score(model, responses)


@given(assessments(), st.integers(1, 5))
def test_gaps_are_target_minus_capability_or_zero(assessment, target):
    result = score(*assessment, target=target)
    for area, level in result.area_levels.items():
        assert result.gaps[area] == max(0, target - level)
        assert (result.gaps[area] == 0) == (level >= target)
