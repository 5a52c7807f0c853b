"""Assessment use cases on a real database: campaigns, answers, closing, roadmap, history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.roles import Role
from assessments import answers, campaigns, questionnaires, results
from assessments.answers import AnswerEntry
from assessments.errors import AnswerError, CampaignError, QuestionnaireError
from assessments.model import ModelError, load_model
from assessments.models import (
    ActionStatus,
    AssessmentStatus,
    Evidence,
    Questionnaire,
    RespondentRole,
)
from assessments.scoring import score
from persistence import StaleVersionError
from tests import factories
from tests.conftest import reloaded

HASH = "pbkdf2:sha256:1000"
PM, EXEC = RespondentRole.PROJECT_MANAGER, RespondentRole.EXECUTIVE


@pytest.fixture
def people(session):
    return [factories.make_user(session, hash_method=HASH, role=Role.VIEWER) for _ in range(3)]


def _by_level(levels):
    """An answer function: `levels[L]` for every question of level L."""
    return lambda question: levels[question.level]


def test_default_questionnaire_installs_once_and_is_complete(session):
    assert questionnaires.install_default_questionnaire(session) is not None
    assert questionnaires.install_default_questionnaire(session) is None
    installed = session.scalars(select(Questionnaire)).one()
    model = load_model(installed.content)
    assert installed.question_count == len(model.questions) >= 80
    assert len(model.areas) >= 12
    for area in model.areas:
        for level in (2, 3, 4, 5):
            assert model.questions_of(area.key, level), (area.key, level)


def test_an_invalid_upload_names_every_problem_and_saves_nothing(session):
    text = """
key: broken
version: "1"
name: {en: Broken, zh: 坏的}
levels:
  - {level: 1, name: {en: A, zh: 甲}, focus: {en: a, zh: 甲}}
  - {level: 2, name: {en: B, zh: 乙}, focus: {en: b, zh: 乙}}
  - {level: 3, name: {en: C, zh: 丙}, focus: {en: c, zh: 丙}}
  - {level: 4, name: {en: D, zh: 丁}, focus: {en: d, zh: 丁}}
  - {level: 5, name: {en: E, zh: 戊}, focus: {en: e, zh: 戊}}
areas:
  - {key: risk, name: {en: Risk, zh: 风险}}
questions:
  - {id: q1, area: riks, level: 2, text: {en: "One?", zh: "一？"}}
  - {id: q1, area: risk, level: 7, text: {en: "Two?", zh: "二？"}}
  - {id: q3, area: risk, level: 3, text: {en: "Three?"}}
"""
    with pytest.raises(ModelError) as caught:
        questionnaires.upload_questionnaire(session, text, actor_id=None)
    codes = {problem.code for problem in caught.value.problems}
    assert {"unknown_area", "duplicate_id", "bad_level", "missing_translation"} <= codes
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Questionnaire)) == 0


def test_the_same_version_cannot_be_installed_twice(session):
    factories.default_questionnaire(session)
    text = questionnaires.DEFAULT_FILE.read_text(encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="version_exists"):
        questionnaires.upload_questionnaire(session, text, actor_id=None)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": " "}, "title_required"),
        ({"period_end": date(2025, 1, 1)}, "period"),
        ({"target_level": 6}, "bad_target"),
        ({"area_targets": {"astrology": 3}}, "bad_target"),
    ],
)
def test_bad_setup_is_refused(session, overrides, code):
    with pytest.raises(CampaignError) as caught:
        factories.make_assessment(session, **overrides)
    assert caught.value.code == code


def test_respondents_and_opening(session, people):
    assessment = factories.make_assessment(session)
    with pytest.raises(CampaignError, match="no_respondents"):
        campaigns.open_assessment(session, assessment.id, expected_version=assessment.version)
    with pytest.raises(CampaignError, match="duplicate_respondent"):
        campaigns.set_respondents(
            session,
            assessment.id,
            [(people[0].id, PM), (people[0].id, EXEC)],
            expected_version=assessment.version,
        )
    campaigns.set_respondents(
        session,
        assessment.id,
        [(people[0].id, PM), (people[1].id, EXEC)],
        expected_version=assessment.version,
    )
    campaigns.open_assessment(session, assessment.id, expected_version=assessment.version)
    assert reloaded(session, assessment).status == AssessmentStatus.OPEN


def test_invitations_move_the_version_so_concurrent_edits_conflict(session, people):
    assessment = factories.make_assessment(session)
    seen = assessment.version
    campaigns.set_respondents(session, assessment.id, [(people[0].id, PM)], expected_version=seen)
    with pytest.raises(StaleVersionError):
        campaigns.set_respondents(
            session, assessment.id, [(people[1].id, PM)], expected_version=seen
        )


def test_someone_who_answered_cannot_be_removed(session, people):
    assessment = factories.make_assessment(session, respondents=[(people[0].id, PM)], open_it=True)
    answers.save_answers(session, assessment.id, people[0].id, {"risk-2-1": AnswerEntry(3)})
    with pytest.raises(CampaignError, match="has_answers"):
        campaigns.set_respondents(
            session, assessment.id, [], expected_version=reloaded(session, assessment).version
        )


def test_saving_keeps_earlier_pages_and_validates(session, people):
    user = people[0]
    assessment = factories.make_assessment(session, respondents=[(user.id, PM)], open_it=True)
    answers.save_answers(session, assessment.id, user.id, {"risk-2-1": AnswerEntry(2, "partly")})
    answers.save_answers(
        session,
        assessment.id,
        user.id,
        {"cost-2-1": AnswerEntry(None), "risk-2-1": AnswerEntry(4, "", Evidence.DOCUMENTED)},
    )
    respondent = answers.respondent_of(session, assessment.id, user.id)
    assert respondent.responses() == {"risk-2-1": 4, "cost-2-1": None}
    for entries, code in (
        ({"nope": AnswerEntry(1)}, "unknown_question"),
        ({"risk-2-1": AnswerEntry(5)}, "bad_answer"),
        ({"risk-2-1": AnswerEntry(True)}, "bad_answer"),
    ):
        with pytest.raises(AnswerError) as caught:
            answers.save_answers(session, assessment.id, user.id, entries)
        assert caught.value.code == code
    session.rollback()
    with pytest.raises(AnswerError, match="not_invited"):
        answers.save_answers(session, assessment.id, people[1].id, {"risk-2-1": AnswerEntry(1)})


def test_submitting_needs_every_answer_and_is_final(session, people):
    user = people[0]
    assessment = factories.make_assessment(session, respondents=[(user.id, PM)], open_it=True)
    answers.save_answers(session, assessment.id, user.id, {"risk-2-1": AnswerEntry(2)})
    with pytest.raises(AnswerError, match="unanswered"):
        answers.submit_answers(session, assessment.id, user.id)
    session.rollback()
    factories.answer_everything(session, assessment, user.id)
    with pytest.raises(AnswerError, match="submitted"):
        answers.save_answers(session, assessment.id, user.id, {"risk-2-1": AnswerEntry(0)})


def test_closing_freezes_the_result_and_drafts_the_roadmap(session, people):
    pm, executive, late = people
    assessment = factories.make_assessment(
        session,
        respondents=[(pm.id, PM), (executive.id, EXEC), (late.id, PM)],
        open_it=True,
        target_level=4,
    )
    with pytest.raises(CampaignError, match="no_submissions"):
        campaigns.close_assessment(session, assessment.id, expected_version=assessment.version)
    session.rollback()
    # Level 2 and 3 practices in place, level 4 and 5 barely: every area at capability 3.
    factories.answer_everything(session, assessment, pm.id, _by_level({2: 4, 3: 3, 4: 1, 5: 0}))
    factories.answer_everything(
        session, assessment, executive.id, _by_level({2: 4, 3: 4, 4: 3, 5: 1})
    )
    factories.answer_everything(session, assessment, late.id, submit=False)  # not counted
    closed = campaigns.close_assessment(
        session, assessment.id, expected_version=reloaded(session, assessment).version
    )
    snap = closed.result
    model = load_model(closed.model)
    expected = score(
        model,
        [answers.respondent_of(session, assessment.id, u.id).responses() for u in (pm, executive)],
        4,
    )
    assert (snap["level"], snap["index"]) == (expected.level, expected.index)
    assert snap["level"] == 3
    assert snap["respondents"] == 2
    assert set(snap["by_role"]) == {"project_manager", "executive"}
    assert snap["by_role"]["executive"]["level"] > snap["by_role"]["project_manager"]["level"]
    # Level-4 questions split 1 vs 3: every one of them is a disagreement.
    assert set(snap["disagreements"]) >= {q.id for q in model.questions if q.level == 4}
    assert snap["gaps"] == {area.key: 1 for area in model.areas}
    assert [action.level for action in closed.actions] == [4] * len(model.areas)
    assert all(action.status == ActionStatus.PLANNED for action in closed.actions)


def test_a_closed_result_survives_later_model_edits(session, people):
    user = people[0]
    assessment = factories.make_assessment(session, respondents=[(user.id, PM)], open_it=True)
    factories.answer_everything(session, assessment, user.id)
    closed = campaigns.close_assessment(
        session, assessment.id, expected_version=reloaded(session, assessment).version
    )
    frozen = dict(closed.result)
    installed = session.get(Questionnaire, closed.questionnaire_id)
    edited = dict(installed.content, threshold=0.1, questions=installed.content["questions"][:5])
    installed.content = edited
    session.commit()
    closed = campaigns.get_assessment(session, assessment.id)
    assert closed.result == frozen
    assert len(load_model(closed.model).questions) > 5


def test_roadmap_actions_are_edited_with_a_version_check(session, people):
    user = people[0]
    assessment = factories.make_assessment(session, respondents=[(user.id, PM)], open_it=True)
    factories.answer_everything(session, assessment, user.id, _by_level({2: 1, 3: 0, 4: 0, 5: 0}))
    closed = campaigns.close_assessment(
        session, assessment.id, expected_version=reloaded(session, assessment).version
    )
    action = closed.actions[0]
    assert action.level == 2  # lowest level first
    seen = action.version
    changes = campaigns.ActionChanges(user.id, date(2027, 1, 31), ActionStatus.IN_PROGRESS)
    campaigns.update_action(session, action.id, changes, expected_version=seen)
    with pytest.raises(StaleVersionError):
        campaigns.update_action(session, action.id, changes, expected_version=seen)


def test_history_and_latest_by_unit(session, people):
    user = people[0]
    unit = factories.make_org_unit(session)
    for period_end, value in ((date(2025, 6, 30), 1), (date(2026, 6, 30), 3)):
        assessment = factories.make_assessment(
            session,
            respondents=[(user.id, PM)],
            open_it=True,
            org_unit_id=unit.id,
            period_start=date(2025, 1, 1),
            period_end=period_end,
        )
        factories.answer_everything(session, assessment, user.id, lambda _q, v=value: v)
        campaigns.close_assessment(
            session, assessment.id, expected_version=reloaded(session, assessment).version
        )
    points = results.history(session, unit.id)
    assert [p.period_end for p in points] == [date(2025, 6, 30), date(2026, 6, 30)]
    assert points[0].index < points[1].index
    (latest,) = results.latest_by_unit(session)
    assert latest.period_end == date(2026, 6, 30)
