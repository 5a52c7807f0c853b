"""Gate scorecards: worked examples computed by hand, input errors, and properties of the rule."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portfolio.scoring import DISAGREEMENT_SPAN, GateResult, ScoringError, score_gate

SCORECARD = [
    {"key": "strategic_fit", "kind": "must"},
    {"key": "market", "kind": "should", "weight": 3},
    {"key": "feasibility", "kind": "should", "weight": 2},
    {"key": "return", "kind": "should", "weight": 5},
]


def scores_of(table: dict[str, dict[str, float]]) -> list[dict[str, object]]:
    """{scorer: {criterion: value}} as the flat score rows score_gate takes."""
    return [
        {"scorer": scorer, "criterion": criterion, "value": value}
        for scorer, row in table.items()
        for criterion, value in row.items()
    ]


def one_should(*values: float, **thresholds: float) -> GateResult:
    """Score a gate with a single should-criterion of weight 1, one scorer per value."""
    criteria = [{"key": "value", "kind": "should", "weight": 1}]
    scores = [{"scorer": i, "criterion": "value", "value": v} for i, v in enumerate(values)]
    return score_gate(criteria, scores, **thresholds)


# --- worked examples -------------------------------------------------------------------------


def test_two_scorers_agree_enough_to_go():
    result = score_gate(
        SCORECARD,
        scores_of(
            {
                "ann": {"strategic_fit": 1, "market": 8, "feasibility": 5, "return": 6},
                "bo": {"strategic_fit": True, "market": 6, "feasibility": 8, "return": 7},
            }
        ),
    )
    # means: market (8 + 6) / 2 = 7, feasibility (5 + 8) / 2 = 6.5, return (6 + 7) / 2 = 6.5
    # score: (3·7 + 2·6.5 + 5·6.5) / (3 + 2 + 5) × 10 = (21 + 13 + 32.5) / 10 × 10 = 66.5
    assert result.score == pytest.approx(66.5)
    assert result.means == pytest.approx(
        {"strategic_fit": 1.0, "market": 7.0, "feasibility": 6.5, "return": 6.5}
    )
    assert result.recommendation == "go"
    assert result.failed_must == ()
    assert result.disagreements == ()  # spans 2, 3 and 1
    assert result.unscored == ()


def test_split_scorers_hold_and_flag_the_criterion():
    result = score_gate(
        SCORECARD,
        scores_of(
            {
                "ann": {"strategic_fit": 1, "market": 9, "feasibility": 4, "return": 5},
                "bo": {"strategic_fit": 1, "market": 3, "feasibility": 5, "return": 4},
            }
        ),
    )
    # means: market 6 (span 9 − 3 = 6 ≥ 4), feasibility 4.5, return 4.5
    # score: (3·6 + 2·4.5 + 5·4.5) / 10 × 10 = (18 + 9 + 22.5) = 49.5, between 40 and 60
    assert result.score == pytest.approx(49.5)
    assert result.means["market"] == pytest.approx(6.0)
    assert result.recommendation == "hold"
    assert result.disagreements == ("market",)


def test_a_must_failed_by_one_scorer_kills_even_a_high_score():
    result = score_gate(
        SCORECARD,
        scores_of(
            {
                "ann": {"strategic_fit": 1, "market": 9.5, "feasibility": 9.5, "return": 9.5},
                "bo": {"strategic_fit": False, "market": 9.5, "feasibility": 9.5, "return": 9.5},
            }
        ),
    )
    # every should mean is 9.5, so the score is 9.5 × 10 = 95, yet one knock-out failed
    assert result.score == pytest.approx(95)
    assert result.failed_must == ("strategic_fit",)
    assert result.means["strategic_fit"] == pytest.approx(0.5)
    assert result.recommendation == "kill"


def test_failed_musts_are_listed_in_criteria_order():
    criteria = [
        {"key": "legal", "kind": "must"},
        {"key": "safety", "kind": "must"},
        {"key": "fit", "kind": "must"},
    ]
    scores = scores_of({"ann": {"fit": 0, "safety": 1, "legal": 0}})
    assert score_gate(criteria, scores).failed_must == ("legal", "fit")


def test_unscored_criteria_are_left_out_of_the_normalisation_and_listed():
    result = score_gate(
        SCORECARD, scores_of({"ann": {"market": 7, "return": 6.5}, "bo": {"market": 7}})
    )
    # feasibility (weight 2) and strategic fit have no score; the weights left are 3 and 5:
    # (3·7 + 5·6.5) / (3 + 5) × 10 = 53.5 / 8 × 10 = 66.875  (counting feasibility as 0: 53.5)
    assert result.score == pytest.approx(66.875)
    assert result.unscored == ("strategic_fit", "feasibility")
    assert set(result.means) == {"market", "return"}
    assert result.failed_must == ()
    assert result.recommendation == "go"


def test_decimal_scores_that_add_up_to_the_threshold_by_hand_meet_it():
    # 0.6, 6.1 and 9.2 are not exact in binary; by hand (3·0.6 + 2·6.1 + 5·9.2) / 10 × 10
    # = (1.8 + 12.2 + 46) = 60, which must be a "go", not 59.99999999999999 and a "hold".
    result = score_gate(
        SCORECARD, scores_of({"ann": {"market": 0.6, "feasibility": 6.1, "return": 9.2}})
    )
    assert result.score == 60
    assert result.recommendation == "go"


# --- disagreement ----------------------------------------------------------------------------


def test_disagreement_span_is_four_points():
    assert DISAGREEMENT_SPAN == 4


@pytest.mark.parametrize(
    ("values", "flagged"),
    [
        ((2, 6), True),  # span exactly 4
        ((3, 6), False),  # span 3
        ((5, 2, 6), True),  # max − min over three scorers, not neighbours
        ((2.1, 6.1), True),  # 6.1 − 2.1 is 3.9999999999999996 in floats; by hand it is 4
        ((2.5, 6.4), False),  # 3.9
        ((0, 10), True),
        ((7,), False),  # a single scorer cannot disagree
    ],
)
def test_disagreement_at_the_span_edge(values, flagged):
    assert one_should(*values).disagreements == (("value",) if flagged else ())


def test_disagreements_are_listed_in_criteria_order_for_every_kind():
    criteria = [
        {"key": "b", "kind": "should", "weight": 1},
        {"key": "fit", "kind": "must"},
        {"key": "a", "kind": "should", "weight": 1},
    ]
    scores = scores_of({"ann": {"a": 0, "b": 10, "fit": 1}, "bo": {"a": 10, "b": 0, "fit": 0}})
    # a must spans at most 1 point, so only the two should-criteria are flagged
    assert score_gate(criteria, scores).disagreements == ("b", "a")


# --- thresholds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "recommendation"),
    [
        (6, "go"),  # 60 is exactly the go threshold
        (5.9999, "hold"),  # 59.999
        (4, "hold"),  # 40 is exactly the kill threshold
        (3.999, "kill"),  # 39.99
        (10, "go"),
        (0, "kill"),
    ],
)
def test_default_threshold_edges(value, recommendation):
    assert one_should(value).recommendation == recommendation


@pytest.mark.parametrize(
    ("value", "thresholds", "recommendation"),
    [
        (7, {"go_threshold": 70, "kill_threshold": 50}, "go"),
        (6, {"go_threshold": 70, "kill_threshold": 50}, "hold"),
        (5, {"go_threshold": 70, "kill_threshold": 50}, "hold"),
        (4.9, {"go_threshold": 70, "kill_threshold": 50}, "kill"),
        (5, {"go_threshold": 50, "kill_threshold": 50}, "go"),  # no hold band at all
        (4.99, {"go_threshold": 50, "kill_threshold": 50}, "kill"),
        (3, {"kill_threshold": 30}, "hold"),  # only the kill threshold moved
        (2.9, {"kill_threshold": 30}, "kill"),
        (2, {"go_threshold": 30, "kill_threshold": 10}, "hold"),
    ],
)
def test_custom_thresholds(value, thresholds, recommendation):
    assert one_should(value, **thresholds).recommendation == recommendation


# --- nothing to score ------------------------------------------------------------------------


def test_no_should_scored_gives_no_score_and_hold():
    result = score_gate(SCORECARD, scores_of({"ann": {"strategic_fit": 1}}))
    assert result.score is None
    assert result.recommendation == "hold"
    assert result.means == {"strategic_fit": 1.0}
    assert result.unscored == ("market", "feasibility", "return")


def test_no_should_scored_and_a_failed_must_still_kills():
    result = score_gate(SCORECARD, scores_of({"ann": {"strategic_fit": 0}}))
    assert result.score is None
    assert result.recommendation == "kill"


def test_an_empty_scorecard_holds():
    assert score_gate([], []) == GateResult(
        score=None, failed_must=(), disagreements=(), unscored=(), means={}, recommendation="hold"
    )


def test_a_must_weight_is_ignored():
    criteria = [{"key": "fit", "kind": "must", "weight": -1}, *SCORECARD[1:]]
    assert score_gate(criteria, scores_of({"ann": {"fit": 1, "return": 8}})).score == 80


def test_the_result_is_frozen():
    result = one_should(5)
    with pytest.raises(AttributeError):
        result.score = 100  # type: ignore[misc]


# --- input errors ----------------------------------------------------------------------------

FIT = {"key": "fit", "kind": "must"}
RETURN = {"key": "return", "kind": "should", "weight": 5}
MISSING = object()  # a field left out of the mapping


def should(weight):
    criterion = {"key": "return", "kind": "should"}
    return criterion if weight is MISSING else {**criterion, "weight": weight}


def score(criterion, value, scorer="ann"):
    row = {"scorer": scorer, "criterion": criterion, "value": value}
    return {name: field for name, field in row.items() if field is not MISSING}


@pytest.mark.parametrize(
    ("criteria", "code", "key"),
    [
        ([{"kind": "must"}], "bad_key", None),
        ([{"key": "", "kind": "must"}], "bad_key", ""),
        ([FIT, {"key": "fit", "kind": "should", "weight": 1}], "duplicate_criterion", "fit"),
        ([{"key": "fit", "kind": "maybe"}], "bad_kind", "fit"),
        ([{"key": "fit"}], "bad_kind", "fit"),
        ([should(MISSING)], "bad_weight", "return"),
        ([should(0)], "bad_weight", "return"),
        ([should(-2)], "bad_weight", "return"),
        ([should("3")], "bad_weight", "return"),
        ([should(True)], "bad_weight", "return"),
        ([should(float("inf"))], "bad_weight", "return"),
    ],
)
def test_criteria_errors_carry_a_code_and_the_key(criteria, code, key):
    with pytest.raises(ScoringError) as caught:
        score_gate(criteria, [])
    assert caught.value.code == code
    assert caught.value.key == key
    assert repr(key) in str(caught.value)


@pytest.mark.parametrize(
    ("scores", "code", "key"),
    [
        ([score("legal", 1)], "unknown_criterion", "legal"),
        ([score(MISSING, 1)], "unknown_criterion", None),
        ([score("fit", 1, scorer=MISSING)], "bad_scorer", "fit"),
        ([score("fit", 1, scorer=["ann"])], "bad_scorer", "fit"),
        ([score("fit", 1), score("fit", 0)], "duplicate_score", "fit"),
        ([score("return", 5, scorer=1), score("return", 6, scorer=1)], "duplicate_score", "return"),
        ([score("fit", 2)], "must_value", "fit"),
        ([score("fit", 0.5)], "must_value", "fit"),
        ([score("fit", "1")], "must_value", "fit"),
        ([score("fit", MISSING)], "must_value", "fit"),
        ([score("return", 11)], "should_value", "return"),
        ([score("return", -0.1)], "should_value", "return"),
        ([score("return", float("nan"))], "should_value", "return"),
        ([score("return", "7")], "should_value", "return"),
        ([score("return", True)], "should_value", "return"),
        ([score("return", MISSING)], "should_value", "return"),
    ],
)
def test_score_errors_carry_a_code_and_the_key(scores, code, key):
    with pytest.raises(ScoringError) as caught:
        score_gate([FIT, RETURN], scores)
    assert caught.value.code == code
    assert caught.value.key == key
    assert repr(key) in str(caught.value)


def test_the_same_scorer_may_score_every_criterion_once():
    scores = scores_of({"ann": {"fit": 1, "return": 7}, "bo": {"fit": 1, "return": 9}})
    assert score_gate([FIT, RETURN], scores).score == 80


def test_a_kill_threshold_above_the_go_threshold_is_refused():
    with pytest.raises(ScoringError) as caught:
        one_should(5, go_threshold=40, kill_threshold=60)
    assert caught.value.code == "thresholds"
    assert "kill_threshold" in str(caught.value)


def test_scoring_errors_are_value_errors():
    with pytest.raises(ValueError, match="bad_kind"):
        score_gate([{"key": "fit", "kind": "nice"}], [])


# --- properties ------------------------------------------------------------------------------

must_values = st.sampled_from([0, 1, True, False])
should_values = st.integers(0, 10) | st.floats(0, 10, allow_nan=False)
weights = st.integers(1, 10) | st.floats(0.01, 100, allow_nan=False)


@st.composite
def scorecards(draw):
    """(criteria, scores): up to six criteria, each scored by any subset of three scorers."""
    keys = draw(st.lists(st.sampled_from("abcdef"), unique=True, max_size=6))
    criteria, scores = [], []
    for key in keys:
        kind = draw(st.sampled_from(["must", "should"]))
        criterion = {"key": key, "kind": kind}
        if kind == "should":
            criterion["weight"] = draw(weights)
        criteria.append(criterion)
        for scorer in draw(st.sets(st.sampled_from(["ann", "bo", "cy"]))):
            value = draw(must_values if kind == "must" else should_values)
            scores.append({"scorer": scorer, "criterion": key, "value": value})
    return criteria, scores


def should_means(criteria, result):
    return [
        result.means[c["key"]]
        for c in criteria
        if c["kind"] == "should" and c["key"] in result.means
    ]


@given(scorecards())
def test_score_lies_between_the_lowest_and_highest_should_mean(card):
    criteria, scores = card
    result = score_gate(criteria, scores)
    means = should_means(criteria, result)
    if not means:
        assert result.score is None
        return
    assert 0 <= result.score <= 100
    assert min(means) * 10 - 1e-6 <= result.score <= max(means) * 10 + 1e-6


@given(scorecards(), st.data())
def test_the_order_of_scores_is_irrelevant(card, data):
    criteria, scores = card
    shuffled = data.draw(st.permutations(scores))
    assert score_gate(criteria, shuffled) == score_gate(criteria, scores)


@given(scorecards(), st.sampled_from([0, False]))
def test_a_failed_must_always_kills(card, failing):
    criteria, scores = card
    criteria = [*criteria, {"key": "knock_out", "kind": "must"}]
    scores = [*scores, {"scorer": "ann", "criterion": "knock_out", "value": failing}]
    result = score_gate(criteria, scores)
    assert result.recommendation == "kill"
    assert "knock_out" in result.failed_must


@given(scorecards(), st.floats(0.01, 100))
def test_scaling_every_weight_leaves_the_score_unchanged(card, factor):
    criteria, scores = card
    scaled = [
        {**c, "weight": c["weight"] * factor} if c["kind"] == "should" else c for c in criteria
    ]
    before, after = score_gate(criteria, scores).score, score_gate(scaled, scores).score
    assert after == (None if before is None else pytest.approx(before, abs=1e-6))


@given(scorecards(), st.data(), st.floats(0, 10))
def test_raising_a_should_criterion_never_lowers_the_score(card, data, bump):
    criteria, scores = card
    should_keys = [c["key"] for c in criteria if c["kind"] == "should"]
    assume(should_keys)
    key = data.draw(st.sampled_from(should_keys))
    raised = [
        {**s, "value": min(10, s["value"] + bump)} if s["criterion"] == key else s for s in scores
    ]
    before, after = score_gate(criteria, scores).score, score_gate(criteria, raised).score
    if before is None:
        assert after is None
    else:
        assert after >= before
