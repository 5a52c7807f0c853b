"""Maturity assessments through their pages: set up, answer in both languages, close,
read the result and the roadmap, upload a questionnaire, export data."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from sqlalchemy import func, select

from accounts.roles import Role
from assessments import campaigns, questionnaires
from assessments.model import load_model
from assessments.models import Answer, Assessment, AssessmentStatus, Questionnaire, RespondentRole
from tests import factories
from tests.conftest import reloaded, sign_in

PM = RespondentRole.PROJECT_MANAGER


@pytest.fixture
def crew(app, make_user):
    """A PMO organiser and two respondents, each with a signed-in browser."""
    return {
        name: (user, sign_in(app.test_client(), user))
        for name, user in (
            ("pmo", make_user(role=Role.PMO, display_name="Organiser")),
            ("anna", make_user(role=Role.VIEWER, display_name="Anna")),
            ("bo", make_user(role=Role.EXECUTIVE, display_name="Bo")),
        )
    }


def _answer_area(browser, assessment, area_key, value_of, *, next_area=True):
    model = load_model(assessment.model)
    data = {}
    for q in model.questions_of(area_key):
        key = q.id.replace("-", "_")
        data[f"value_{key}"] = value_of(q)
        data[f"evidence_{key}"] = "documented"
        data[f"comment_{key}"] = ""
    data["save_next" if next_area else "save"] = "y"
    return browser.post(f"/assessments/{assessment.id}/answer/{area_key}", data=data)


def _answer_all(browser, assessment, value_of):
    for area in load_model(assessment.model).areas:
        assert _answer_area(browser, assessment, area.key, value_of).status_code == 302
    response = browser.post(f"/assessments/{assessment.id}/my-answers", data={"submit": "y"})
    assert response.status_code == 302


def test_an_assessment_from_setup_to_roadmap(session, crew):
    _organiser, pmo = crew["pmo"]
    anna, anna_browser = crew["anna"]
    bo, bo_browser = crew["bo"]
    unit = factories.make_org_unit(session, name="East China")
    questionnaire = factories.default_questionnaire(session)

    response = pmo.post(
        "/assessments/new",
        data={
            "title": "East China 2026",
            "questionnaire_id": questionnaire.id,
            "org_unit_id": unit.id,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "target_level": "3",
        },
    )
    assert response.status_code == 302
    assessment = session.scalars(select(Assessment)).one()
    for user, role in ((anna, "project_manager"), (bo, "executive")):
        response = pmo.post(
            f"/assessments/{assessment.id}/respondents",
            data={
                "user_id": user.id,
                "role": role,
                "version": reloaded(session, assessment).version,
            },
        )
        assert response.status_code == 302
    assert (
        pmo.post(
            f"/assessments/{assessment.id}/open",
            data={"version": reloaded(session, assessment).version},
        ).status_code
        == 302
    )
    assert reloaded(session, assessment).status == AssessmentStatus.OPEN

    # Anna answers in English, Bo in Chinese; level 2 is weak everywhere for Anna.
    _answer_all(anna_browser, assessment, lambda q: "1" if q.level == 2 else "4")
    bo_browser.post("/language", data={"language": "zh_Hans"})
    page = bo_browser.get(f"/assessments/{assessment.id}/answer/risk").get_data(as_text=True)
    assert "风险" in page
    _answer_all(bo_browser, assessment, lambda q: "na" if q.id.endswith("-2") else "3")

    response = pmo.post(
        f"/assessments/{assessment.id}/close",
        data={"version": reloaded(session, assessment).version},
    )
    assert response.status_code == 302
    closed = reloaded(session, assessment)
    assert closed.status == AssessmentStatus.CLOSED

    page = pmo.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    assert "Maturity level" in page
    assert "Maturity index" in page
    figures = [json.loads(html.unescape(m)) for m in re.findall(r'data-figure="([^"]+)"', page)]
    assert any(trace["type"] == "scatterpolar" for f in figures for trace in f["data"])
    assert any(trace["type"] == "heatmap" for f in figures for trace in f["data"])
    assert "What blocks the next level" in page
    roadmap = page[page.index('id="roadmap"') :]
    levels = [int(n) for n in re.findall(r"→ (\d) · ", roadmap)]
    assert levels
    assert levels == sorted(levels)
    assert levels[0] == closed.result["level"] + 1


def test_a_bad_answer_is_refused_and_keeps_what_was_typed(session, crew):
    anna, browser = crew["anna"]
    assessment = factories.make_assessment(session, respondents=[(anna.id, PM)], open_it=True)
    model = load_model(assessment.model)
    first, second = model.questions_of("risk")[:2]
    data = {
        f"value_{first.id.replace('-', '_')}": "7",
        f"value_{second.id.replace('-', '_')}": "2",
        f"comment_{second.id.replace('-', '_')}": "kept comment",
        "save": "y",
    }
    response = browser.post(f"/assessments/{assessment.id}/answer/risk", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not a valid choice" in page
    assert "kept comment" in page
    assert re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', page)
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_answers_are_kept_between_visits(session, crew):
    anna, browser = crew["anna"]
    assessment = factories.make_assessment(session, respondents=[(anna.id, PM)], open_it=True)
    _answer_area(browser, assessment, "risk", lambda q: "3", next_area=False)
    page = browser.get(f"/assessments/{assessment.id}/answer/risk").get_data(as_text=True)
    assert page.count("checked") >= len(load_model(assessment.model).questions_of("risk"))
    summary = browser.get(f"/assessments/{assessment.id}/my-answers").get_data(as_text=True)
    count = len(load_model(assessment.model).questions_of("risk"))
    assert f"{count} / {count}" in summary


def test_only_invited_people_answer(session, crew):
    anna, _ = crew["anna"]
    _, outsider = crew["bo"]
    assessment = factories.make_assessment(session, respondents=[(anna.id, PM)], open_it=True)
    assert outsider.get(f"/assessments/{assessment.id}/answer/risk").status_code == 403
    assert outsider.post(f"/assessments/{assessment.id}/my-answers").status_code == 403


def test_respondents_cannot_run_the_campaign(session, crew):
    anna, browser = crew["anna"]
    assessment = factories.make_assessment(session, respondents=[(anna.id, PM)])
    version = {"version": assessment.version}
    assert browser.post(f"/assessments/{assessment.id}/open", data=version).status_code == 403
    assert browser.get("/assessments/new").status_code == 403
    assert browser.get("/assessments/").status_code == 200


def test_uploading_a_file_with_three_errors_names_all_three(admin_client, session):
    text = (
        'key: broken\nversion: "2"\nname: {en: Broken, zh: 坏}\n'
        "levels:\n"
        + "".join(
            f"  - {{level: {n}, name: {{en: L{n}, zh: 级{n}}}, focus: {{en: f, zh: 焦}}}}\n"
            for n in range(1, 6)
        )
        + "areas:\n  - {key: risk, name: {en: Risk, zh: 风险}}\n"
        "questions:\n"
        '  - {id: a, area: nowhere, level: 2, text: {en: "A?", zh: "甲？"}}\n'
        '  - {id: b, area: risk, level: 9, text: {en: "B?", zh: "乙？"}}\n'
        '  - {id: c, area: risk, level: 3, text: {en: "C?"}}\n'
    )
    response = admin_client.post(
        "/admin/questionnaires",
        data={"file": (io_bytes(text), "broken.yaml")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "3 problems" in page
    for fragment in ("nowhere", "levels 2 to 5", "English or Chinese text is missing"):
        assert fragment in page
    assert session.scalar(select(func.count()).select_from(Questionnaire)) == 0


def io_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_a_valid_upload_installs_a_new_version(admin_client, session):
    factories.default_questionnaire(session)
    text = questionnaires.DEFAULT_FILE.read_text(encoding="utf-8").replace(
        'version: "1.0"', 'version: "1.1"'
    )
    response = admin_client.post(
        "/admin/questionnaires",
        data={"file": (io_bytes(text), "pmmm-1.1.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    versions = session.scalars(select(Questionnaire.version).order_by(Questionnaire.id)).all()
    assert versions == ["1.0", "1.1"]


def _closed_with(session, people, value_of=lambda q: 3):
    assessment = factories.make_assessment(
        session, respondents=[(p.id, PM) for p in people], open_it=True
    )
    for person in people:
        factories.answer_everything(session, assessment, person.id, value_of)
    return campaigns.close_assessment(
        session, assessment.id, expected_version=reloaded(session, assessment).version
    )


def test_results_page_queries_do_not_grow_with_respondents(
    session, make_user, viewer_client, query_counter
):
    few = _closed_with(session, [make_user() for _ in range(2)])
    many = _closed_with(session, [make_user() for _ in range(10)])
    assert len(load_model(many.model).questions) >= 80
    with query_counter() as small:
        assert viewer_client.get(f"/assessments/{few.id}/results").status_code == 200
    with query_counter() as large:
        assert viewer_client.get(f"/assessments/{many.id}/results").status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 10


def test_roadmap_action_is_edited_on_the_results_page(session, make_user, crew):
    organiser, pmo = crew["pmo"]
    closed = _closed_with(session, [make_user()], lambda q: 1)
    action = closed.actions[0]
    prefix = f"a{action.id}-"
    response = pmo.post(
        f"/assessments/actions/{action.id}",
        data={
            prefix + "owner_id": organiser.id,
            prefix + "due_date": "2027-02-28",
            prefix + "status": "in_progress",
            prefix + "note": "Start with templates",
            prefix + "version": action.version,
        },
    )
    assert response.status_code == 302
    action = reloaded(session, action)
    assert (action.owner_id, action.status.value, action.note) == (
        organiser.id,
        "in_progress",
        "Start with templates",
    )


def test_exports_neutralise_spreadsheet_formulas(session, make_user, viewer_client):
    unit = factories.make_org_unit(session)
    user = make_user()
    assessment = factories.make_assessment(
        session,
        respondents=[(user.id, PM)],
        open_it=True,
        org_unit_id=unit.id,
        title='=HYPERLINK("http://evil.example")',
    )
    factories.answer_everything(session, assessment, user.id)
    campaigns.close_assessment(
        session, assessment.id, expected_version=reloaded(session, assessment).version
    )
    with viewer_client.get(f"/assessments/units/{unit.id}/trend.csv") as response:
        body = response.get_data(as_text=True)
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.mimetype == "text/csv"
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body


def test_every_result_chart_has_its_csv(session, make_user, viewer_client):
    closed = _closed_with(session, [make_user(), make_user()])
    page = viewer_client.get(f"/assessments/{closed.id}/results").get_data(as_text=True)
    keys = re.findall(r'class="chart" id="(\w+)"', page)
    assert set(keys) >= {"profile", "achievement", "roles", "evidence"}
    for key in keys:
        with viewer_client.get(f"/assessments/{closed.id}/results/{key}.csv") as response:
            assert response.status_code == 200
            assert len(response.get_data(as_text=True).splitlines()) >= 2
