"""Funnel use cases on a real database: candidates, gate reviews, decisions, history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from accounts.roles import Role
from persistence import StaleVersionError
from portfolio import candidates, funnels, reviews
from portfolio.decisions import record_decision
from portfolio.errors import DecisionError, InvalidCandidate, ReviewError
from portfolio.lifecycle import Decision, Status
from portfolio.models import (
    Candidate,
    CandidateKind,
    CriterionKind,
    EventKind,
    ReviewStatus,
    StageEvent,
)
from portfolio.reviews import Entry
from portfolio.scoring import score_gate
from tests import factories
from tests.conftest import reloaded

HASH = "pbkdf2:sha256:1000"


@pytest.fixture
def people(session):
    def user(role):
        return factories.make_user(session, hash_method=HASH, role=role)

    return {
        "pmo": user(Role.PMO),
        "pmo2": user(Role.PMO),
        "executive": user(Role.EXECUTIVE),
        "viewer": user(Role.VIEWER),
    }


def _events(session, candidate_id):
    query = select(StageEvent).where(StageEvent.candidate_id == candidate_id)
    return list(session.scalars(query.order_by(StageEvent.id)))


def _event_count(session):
    return session.scalar(select(func.count()).select_from(StageEvent))


def _reviewed(session, candidate, people, *, should=8):
    review = reviews.open_review(
        session,
        candidate.id,
        scorer_ids=[people["pmo"].id, people["pmo2"].id],
        actor_id=people["pmo"].id,
    )
    for scorer in (people["pmo"], people["pmo2"]):
        reviews.record_scores(
            session,
            review.id,
            scorer_id=scorer.id,
            entries=factories.full_scorecard(review, should=should),
        )
    return review


def _decide(session, candidate, decision, actor, **kwargs):
    session.refresh(candidate)
    return record_decision(
        session,
        candidate.id,
        decision,
        expected_version=candidate.version,
        actor_id=actor.id,
        rationale=kwargs.pop("rationale", "because"),
        **kwargs,
    )


# --- funnels -----------------------------------------------------------------------------


def test_seed_creates_both_default_funnels_once(session):
    assert funnels.seed_default_funnels(session) == ["investment", "innovation"]
    assert funnels.seed_default_funnels(session) == []
    listed = funnels.list_funnels(session)
    assert [f.key for f in listed] == ["investment", "innovation"]
    investment = [s.key for s in listed[0].stages]
    assert investment == ["idea", "opportunity", "option", "final_decision", "approved"]
    innovation = [s.key for s in listed[1].stages]
    assert innovation == ["idea", "screening", "evaluation", "prototype", "implementation"]
    # Every stage but the last has a gate with at least one must-meet and one should-meet.
    for funnel in listed:
        for stage in funnel.stages[:-1]:
            kinds = {c.kind for c in stage.criteria}
            assert kinds == {CriterionKind.MUST, CriterionKind.SHOULD}, stage.key
        assert funnel.stages[-1].criteria == []


def test_adding_a_stage_keeps_every_candidate_where_it_is(session):
    candidate = factories.make_candidate(session)
    funnel = factories.seeded_funnel(session)
    stage = funnels.add_stage(
        session,
        funnel.id,
        key="feasibility",
        before_position=2,
        fields=funnels.StageFields("Feasibility", "可行性", 0.3, None, 40, "", None),
    )
    session.expire_all()
    keys = [s.key for s in funnels.get_funnel(session, funnel.id).stages]
    assert keys == ["idea", "opportunity", "feasibility", "option", "final_decision", "approved"]
    assert stage.position == 2
    assert session.get(Candidate, candidate.id).stage.key == "idea"


# --- candidates --------------------------------------------------------------------------


def test_new_candidate_starts_in_the_first_stage_with_a_created_event(session, people):
    candidate = factories.make_candidate(
        session, actor_id=people["pmo"].id, estimated_cost=Decimal("1250000.50"), tags="AI, esg ,ai"
    )
    assert (candidate.stage.key, candidate.status) == ("idea", Status.ACTIVE)
    assert candidate.owner_id == people["pmo"].id
    assert candidate.estimated_cost == Decimal("1250000.50")
    assert candidate.tags == "ai,esg"
    (event,) = _events(session, candidate.id)
    assert (event.kind, event.to_stage_id, event.actor_id) == (
        EventKind.CREATED,
        candidate.stage_id,
        people["pmo"].id,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": "  "}, "title", "required"),
        ({"estimated_cost": Decimal("-1")}, "estimated_cost", "negative"),
        ({"p_technical": 1.2}, "p_technical", "probability_range"),
        ({"currency": "XYZ"}, "currency", "unknown"),
    ],
)
def test_invalid_candidate_is_refused_and_nothing_is_saved(session, overrides, field, code):
    funnel = factories.seeded_funnel(session)
    fields = candidates.CandidateFields(
        **{"title": "Valid", "kind": CandidateKind.IDEA, **overrides}
    )
    with pytest.raises(InvalidCandidate) as caught:
        candidates.create_candidate(session, funnel.id, fields, actor_id=None)
    assert (caught.value.field, caught.value.code) == (field, code)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0
    assert _event_count(session) == 0


def test_edit_from_a_stale_version_is_refused(session):
    candidate = factories.make_candidate(session, title="Original")
    stale = candidate.version
    fields = candidates.CandidateFields(title="First edit", kind=CandidateKind.PROJECT)
    candidates.update_candidate(
        session, candidate.id, fields, expected_version=stale, owner_id=None
    )
    with pytest.raises(StaleVersionError):
        candidates.update_candidate(
            session, candidate.id, fields, expected_version=stale, owner_id=None
        )


def test_search_filters_sorts_and_pages(session, people):
    factories.make_candidate(session, title="Solar roof", theme="Green", tags="esg")
    factories.make_candidate(session, title="ERP upgrade", theme="Digital")
    factories.make_candidate(session, title="Wind farm", theme="Green", funnel_key="innovation")
    found = candidates.search_candidates(session, candidates.CandidateFilter(theme="Green"))
    assert sorted(c.title for c in found.items) == ["Solar roof", "Wind farm"]
    by_tag = candidates.search_candidates(session, candidates.CandidateFilter(text="ESG"))
    assert [c.title for c in by_tag.items] == ["Solar roof"]
    by_title = candidates.search_candidates(
        session, candidates.CandidateFilter(), sort="title", descending=False, per_page=2
    )
    assert [c.title for c in by_title.items] == ["ERP upgrade", "Solar roof"]
    assert (by_title.total, by_title.pages) == (3, 2)


def test_org_unit_filter_includes_sub_units(session):
    group = factories.make_org_unit(session)
    region = factories.make_org_unit(session, kind="region", parent_id=group.id)
    other = factories.make_org_unit(session)
    factories.make_candidate(session, title="In region", org_unit_id=region.id)
    factories.make_candidate(session, title="Elsewhere", org_unit_id=other.id)
    found = candidates.search_candidates(session, candidates.CandidateFilter(org_unit_id=group.id))
    assert [c.title for c in found.items] == ["In region"]


def test_board_columns_hold_the_live_candidates_of_each_stage(session, people):
    live = factories.make_candidate(session, title="Live")
    held = factories.make_candidate(session, title="Held")
    dead = factories.make_candidate(session, title="Dead")
    _decide(session, held, Decision.HOLD, people["executive"])
    _decide(session, dead, Decision.KILL, people["executive"])
    columns = candidates.board(session, live.funnel_id, candidates.CandidateFilter())
    assert [c.stage.key for c in columns][:2] == ["idea", "opportunity"]
    idea = columns[0]
    assert (idea.total, idea.on_hold) == (2, 1)
    assert sorted(c.title for c in idea.cards) == ["Held", "Live"]


# --- reviews -----------------------------------------------------------------------------


def test_review_copies_the_gate_and_scores_aggregate_through_score_gate(session, people):
    candidate = factories.make_candidate(session)
    review = reviews.open_review(
        session, candidate.id, scorer_ids=[people["pmo"].id, people["pmo2"].id], actor_id=None
    )
    keys = [c["key"] for c in review.criteria]
    assert keys == ["strategic_fit", "strategic_importance", "market_attractiveness"]
    reviews.record_scores(
        session,
        review.id,
        scorer_id=people["pmo"].id,
        entries={
            "strategic_fit": Entry(1),
            "strategic_importance": Entry(8),
            "market_attractiveness": Entry(9, "big market"),
        },
    )
    reviews.record_scores(
        session,
        review.id,
        scorer_id=people["pmo2"].id,
        entries={
            "strategic_fit": Entry(1),
            "strategic_importance": Entry(6),
            "market_attractiveness": Entry(4),
        },
    )
    result = reviews.review_result(reviews.get_review(session, review.id))
    # importance mean 7, market mean 6.5, equal weights 3/3: (7*3 + 6.5*3) / 6 * 10 = 67.5
    assert result.score == pytest.approx(67.5)
    assert result.recommendation == "go"
    assert result.disagreements == ("market_attractiveness",)
    expected = score_gate(
        review.criteria,
        [
            {"scorer": s.scorer_id, "criterion": s.criterion_key, "value": s.value}
            for s in review.scores
        ],
    )
    assert result == expected


def test_rescoring_replaces_the_scorers_earlier_answers(session, people):
    candidate = factories.make_candidate(session)
    review = reviews.open_review(
        session, candidate.id, scorer_ids=[people["pmo"].id], actor_id=None
    )
    for should in (3, 9):
        reviews.record_scores(
            session,
            review.id,
            scorer_id=people["pmo"].id,
            entries=factories.full_scorecard(review, should=should),
        )
    review = reviews.get_review(session, review.id)
    assert len(review.scores) == len(review.criteria)
    assert reviews.review_result(review).score == pytest.approx(90)


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ({"strategic_fit": Entry(1)}, "incomplete"),
        (
            {
                "strategic_fit": Entry(1),
                "strategic_importance": Entry(11),
                "market_attractiveness": Entry(5),
            },
            "should_value",
        ),
        (
            {
                "strategic_fit": Entry(2),
                "strategic_importance": Entry(5),
                "market_attractiveness": Entry(5),
            },
            "must_value",
        ),
    ],
)
def test_bad_scorecards_are_refused_and_nothing_is_saved(session, people, entries, code):
    candidate = factories.make_candidate(session)
    review = reviews.open_review(
        session, candidate.id, scorer_ids=[people["pmo"].id], actor_id=None
    )
    with pytest.raises(ReviewError) as caught:
        reviews.record_scores(session, review.id, scorer_id=people["pmo"].id, entries=entries)
    assert caught.value.code == code
    session.rollback()
    assert reviews.get_review(session, review.id).scores == []


def test_only_invited_people_score(session, people):
    candidate = factories.make_candidate(session)
    review = reviews.open_review(
        session, candidate.id, scorer_ids=[people["pmo"].id], actor_id=None
    )
    with pytest.raises(ReviewError, match="not_invited"):
        reviews.record_scores(
            session,
            review.id,
            scorer_id=people["pmo2"].id,
            entries=factories.full_scorecard(review),
        )


@pytest.mark.parametrize(("who", "code"), [("viewer", "bad_scorer"), (None, "no_scorers")])
def test_viewers_cannot_be_invited_and_someone_must_be(session, people, who, code):
    candidate = factories.make_candidate(session)
    ids = [people[who].id] if who else []
    with pytest.raises(ReviewError) as caught:
        reviews.open_review(session, candidate.id, scorer_ids=ids, actor_id=None)
    assert caught.value.code == code


def test_one_open_review_at_a_time_and_none_on_a_killed_candidate(session, people):
    candidate = factories.make_candidate(session)
    reviews.open_review(session, candidate.id, scorer_ids=[people["pmo"].id], actor_id=None)
    with pytest.raises(ReviewError, match="already_open"):
        reviews.open_review(session, candidate.id, scorer_ids=[people["pmo"].id], actor_id=None)
    other = factories.make_candidate(session)
    _decide(session, other, Decision.KILL, people["executive"])
    with pytest.raises(ReviewError, match="not_active"):
        reviews.open_review(session, other.id, scorer_ids=[people["pmo"].id], actor_id=None)


def test_editing_the_scorecard_later_leaves_an_open_review_as_it_was(session, people):
    candidate = factories.make_candidate(session)
    review = _reviewed(session, candidate, people, should=7)
    before = reviews.review_result(reviews.get_review(session, review.id))
    criterion = candidate.stage.criteria[1]
    funnels.update_criterion(
        session,
        criterion.id,
        expected_version=criterion.version,
        fields=funnels.CriterionFields("Renamed", None, CriterionKind.SHOULD, 99, "", "", False),
    )
    session.expire_all()
    again = reviews.get_review(session, review.id)
    assert reviews.review_result(again) == before
    assert again.criteria[1]["name"] != "Renamed"


# --- decisions ---------------------------------------------------------------------------


def test_go_moves_one_stage_records_who_and_closes_the_review(session, people):
    candidate = factories.make_candidate(session, actor_id=people["pmo"].id)
    review = _reviewed(session, candidate, people)
    event = _decide(session, candidate, Decision.GO, people["executive"], rationale="Strong case")
    candidate = reloaded(session, candidate)
    assert (candidate.stage.key, candidate.status) == ("opportunity", Status.ACTIVE)
    assert (event.kind, event.actor_id, event.rationale, event.review_id) == (
        EventKind.GO,
        people["executive"].id,
        "Strong case",
        review.id,
    )
    assert reloaded(session, review).status == ReviewStatus.DECIDED
    assert [e.kind for e in _events(session, candidate.id)] == [EventKind.CREATED, EventKind.GO]


def test_go_needs_an_open_review(session, people):
    candidate = factories.make_candidate(session)
    with pytest.raises(DecisionError, match="review_required"):
        _decide(session, candidate, Decision.GO, people["executive"])


def test_go_through_every_gate_ends_approved(session, people):
    candidate = factories.make_candidate(session)
    for _ in range(4):
        _reviewed(session, candidate, people)
        _decide(session, candidate, Decision.GO, people["executive"])
    candidate = reloaded(session, candidate)
    assert (candidate.stage.key, candidate.status) == ("approved", Status.APPROVED)
    with pytest.raises(DecisionError, match="approved"):
        _decide(session, candidate, Decision.KILL, people["executive"])


def test_kill_then_recycle_brings_it_back_with_history_intact(session, people):
    candidate = factories.make_candidate(session)
    _reviewed(session, candidate, people)
    _decide(session, candidate, Decision.GO, people["executive"])
    _decide(session, candidate, Decision.KILL, people["executive"], rationale="No market")
    before = _event_count(session)
    with pytest.raises(DecisionError, match="killed"):
        _decide(session, candidate, Decision.GO, people["executive"])
    session.rollback()
    assert _event_count(session) == before
    first_stage = candidate.funnel.stages[0]
    _decide(
        session, candidate, Decision.RECYCLE, people["executive"], target_stage_id=first_stage.id
    )
    candidate = reloaded(session, candidate)
    assert (candidate.stage_id, candidate.status) == (first_stage.id, Status.ACTIVE)
    kinds = [e.kind for e in _events(session, candidate.id)]
    assert kinds == [EventKind.CREATED, EventKind.GO, EventKind.KILL, EventKind.RECYCLE]


def test_hold_and_resume(session, people):
    candidate = factories.make_candidate(session)
    _decide(session, candidate, Decision.HOLD, people["executive"])
    assert reloaded(session, candidate).status == Status.ON_HOLD
    with pytest.raises(DecisionError, match="on_hold"):
        _decide(session, candidate, Decision.GO, people["executive"])
    session.rollback()
    _decide(session, candidate, Decision.RESUME, people["executive"])
    assert reloaded(session, candidate).status == Status.ACTIVE


@pytest.mark.parametrize("offset", [2, 3])
def test_a_move_that_skips_a_gate_is_refused(session, people, offset):
    candidate = factories.make_candidate(session)
    _reviewed(session, candidate, people)
    target = candidate.funnel.stages[offset]
    with pytest.raises(DecisionError, match="skips_gate"):
        _decide(session, candidate, Decision.GO, people["executive"], target_stage_id=target.id)


def test_a_stage_of_another_funnel_is_unknown_here(session, people):
    candidate = factories.make_candidate(session)
    foreign = factories.seeded_funnel(session, "innovation").stages[0]
    with pytest.raises(DecisionError, match="bad_stage"):
        _decide(
            session, candidate, Decision.RECYCLE, people["executive"], target_stage_id=foreign.id
        )


def test_a_decision_needs_a_reason(session, people):
    candidate = factories.make_candidate(session)
    with pytest.raises(DecisionError, match="rationale_required"):
        _decide(session, candidate, Decision.HOLD, people["executive"], rationale="   ")


def test_a_decision_from_a_stale_page_is_refused(session, people):
    candidate = factories.make_candidate(session)
    stale = candidate.version
    _decide(session, candidate, Decision.HOLD, people["executive"])
    with pytest.raises(StaleVersionError):
        record_decision(
            session,
            candidate.id,
            Decision.KILL,
            expected_version=stale,
            actor_id=people["executive"].id,
            rationale="late",
        )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE stage_event SET rationale = 'rewritten'", "DELETE FROM stage_event"],
)
def test_the_history_refuses_updates_and_deletes(session, statement):
    factories.make_candidate(session)
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert _event_count(session) == 1
