"""Questionnaire model files: loading, round trips, and every problem a file can have."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from assessments.model import (
    DEFAULT_THRESHOLD,
    Area,
    Level,
    Model,
    ModelError,
    ModelProblem,
    Question,
    Text,
    load_model,
    parse_model_text,
)


def text(en, zh):
    return {"en": en, "zh": zh}


LEVEL_NAMES = [
    ("Initial", "初始水平"),
    ("Quantifiable", "可量化水平"),
    ("Standardised", "可规范水平"),
    ("Actively managed", "积极管理水平"),
    ("Sustainable", "可持续水平"),
]


def valid_model():
    """A small but complete model: five levels, two areas, four questions."""
    return {
        "key": "pmmm",
        "version": "1.0",
        "name": text("Project management maturity", "项目管理成熟度"),
        "threshold": 0.8,
        "levels": [
            {
                "level": number,
                "name": text(en, zh),
                "focus": text(f"focus {number}", f"重点 {number}"),
            }
            for number, (en, zh) in enumerate(LEVEL_NAMES, start=1)
        ],
        "areas": [
            {"key": "risk", "name": text("Risk management", "风险管理")},
            {"key": "scope", "name": text("Scope", "范围管理")},
        ],
        "questions": [
            {
                "id": "risk-2-1",
                "area": "risk",
                "level": 2,
                "text": text("Are risks logged?", "是否记录风险？"),
                "help": text("A register counts.", "风险登记册即可。"),
            },
            {
                "id": "scope-2-1",
                "area": "scope",
                "level": 2,
                "weight": 2,
                "text": text("Is scope written down?", "范围是否成文？"),
            },
            {
                "id": "risk-3-1",
                "area": "risk",
                "level": 3,
                "weight": 0.5,
                "text": text("Is there a risk standard?", "是否有风险标准？"),
            },
            {
                "id": "risk-3-2",
                "area": "risk",
                "level": 3,
                "text": text("Is the standard used?", "标准是否被使用？"),
            },
        ],
    }


# --- loading a valid model -------------------------------------------------------------------


def test_a_valid_model_loads_into_dataclasses():
    model = load_model(valid_model())
    assert model.key == "pmmm"
    assert model.version == "1.0"
    assert model.name == Text("Project management maturity", "项目管理成熟度")
    assert model.threshold == 0.8
    assert [level.level for level in model.levels] == [1, 2, 3, 4, 5]
    assert model.levels[3] == Level(
        4, Text("Actively managed", "积极管理水平"), Text("focus 4", "重点 4")
    )
    assert model.areas == (
        Area("risk", Text("Risk management", "风险管理")),
        Area("scope", Text("Scope", "范围管理")),
    )
    assert [question.id for question in model.questions] == [
        "risk-2-1",
        "scope-2-1",
        "risk-3-1",
        "risk-3-2",
    ]
    assert model.questions[0] == Question(
        id="risk-2-1",
        area="risk",
        level=2,
        weight=1.0,  # the default
        text=Text("Are risks logged?", "是否记录风险？"),
        help=Text("A register counts.", "风险登记册即可。"),
    )
    assert model.questions[1].weight == 2.0
    assert model.questions[1].help is None


def test_the_threshold_defaults_to_three_quarters():
    data = valid_model()
    del data["threshold"]
    assert load_model(data).threshold == DEFAULT_THRESHOLD == 0.75


@pytest.mark.parametrize("threshold", [1, 0.01, 1.0])
def test_a_threshold_up_to_and_including_one_is_accepted(threshold):
    assert load_model({**valid_model(), "threshold": threshold}).threshold == threshold


@pytest.mark.parametrize(("version", "expected"), [(1.0, "1.0"), (2, "2"), ("2024-a", "2024-a")])
def test_a_numeric_version_is_read_as_text(version, expected):
    assert load_model({**valid_model(), "version": version}).version == expected


def test_a_null_help_is_no_help():
    data = valid_model()
    data["questions"][0]["help"] = None
    assert load_model(data).questions[0].help is None


def test_levels_are_kept_in_level_order_whatever_the_file_order():
    data = valid_model()
    data["levels"].reverse()
    assert [level.level for level in load_model(data).levels] == [1, 2, 3, 4, 5]


def test_fields_the_shape_does_not_name_are_ignored():
    data = {**valid_model(), "notes": "draft", "scale": [0, 1, 2, 3, 4]}
    assert load_model(data) == load_model(valid_model())


def test_look_ups_by_key_level_and_id():
    model = load_model(valid_model())
    assert model.area("scope").name.en == "Scope"
    assert model.level(3).name.zh == "可规范水平"
    assert model.question("risk-3-1").weight == 0.5
    assert [q.id for q in model.questions_of("risk")] == ["risk-2-1", "risk-3-1", "risk-3-2"]
    assert [q.id for q in model.questions_of("risk", 3)] == ["risk-3-1", "risk-3-2"]
    assert model.questions_of("scope", 5) == ()
    assert model.questions_of("nowhere") == ()


@pytest.mark.parametrize(
    "look_up",
    [
        lambda model: model.area("nowhere"),
        lambda model: model.level(6),
        lambda model: model.question("risk-9-9"),
    ],
)
def test_unknown_look_ups_raise_key_error(look_up):
    with pytest.raises(KeyError):
        look_up(load_model(valid_model()))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh", "中"), ("zh_Hans", "中"), ("zh-CN", "中"), ("ZH", "中"), ("en", "en"), ("fr", "en")],
)
def test_text_picks_chinese_for_any_chinese_locale_and_english_otherwise(language, expected):
    assert Text(en="en", zh="中").get(language) == expected


def test_the_model_is_frozen():
    model = load_model(valid_model())
    with pytest.raises(AttributeError):
        model.threshold = 0.5  # type: ignore[misc]


# --- round trips -----------------------------------------------------------------------------


def test_to_dict_round_trips_through_load_model():
    model = load_model(valid_model())
    assert load_model(model.to_dict()) == model


def test_to_dict_round_trips_through_json():
    model = load_model(valid_model())
    stored = json.dumps(model.to_dict(), ensure_ascii=False)
    assert load_model(json.loads(stored)) == model


def test_to_dict_has_the_file_shape():
    data = load_model(valid_model()).to_dict()
    assert set(data) == {"key", "version", "name", "threshold", "levels", "areas", "questions"}
    assert data["threshold"] == 0.8
    assert data["levels"][0] == {
        "level": 1,
        "name": {"en": "Initial", "zh": "初始水平"},
        "focus": {"en": "focus 1", "zh": "重点 1"},
    }
    assert data["areas"][1] == {"key": "scope", "name": {"en": "Scope", "zh": "范围管理"}}
    assert data["questions"][0]["help"] == {"en": "A register counts.", "zh": "风险登记册即可。"}
    assert "help" not in data["questions"][1]  # none given, none written back
    assert data["questions"][1]["weight"] == 2


def test_a_file_path_loads_as_utf8_yaml(tmp_path):
    path = tmp_path / "pmmm.yaml"
    path.write_text(yaml.safe_dump(valid_model(), allow_unicode=True), encoding="utf-8")
    expected = load_model(valid_model())
    assert load_model(path) == expected
    assert load_model(str(path)) == expected


def test_a_file_that_is_not_utf8_is_a_model_error(tmp_path):
    path = tmp_path / "pmmm.yaml"
    path.write_bytes(yaml.safe_dump(valid_model(), allow_unicode=True).encode("gb18030"))
    with pytest.raises(ModelError) as caught:
        load_model(path)
    assert [problem.code for problem in caught.value.problems] == ["yaml"]


def test_uploaded_text_parses():
    upload = """
key: pmmm
version: 1.0          # a number, read as "1.0"
name: {en: Maturity, zh: 成熟度}
levels:
  - {level: 1, name: {en: Initial, zh: 初始水平}, focus: {en: Build, zh: 建立}}
  - {level: 2, name: {en: Quantifiable, zh: 可量化水平}, focus: {en: Measure, zh: 度量}}
  - {level: 3, name: {en: Standardised, zh: 可规范水平}, focus: {en: Standardise, zh: 规范}}
  - {level: 4, name: {en: Actively managed, zh: 积极管理水平}, focus: {en: Train, zh: 培训}}
  - {level: 5, name: {en: Sustainable, zh: 可持续水平}, focus: {en: Improve, zh: 改进}}
areas:
  - {key: risk, name: {en: Risk management, zh: 风险管理}}
questions:
  - id: risk-3-1
    area: risk
    level: 3
    weight: 2
    text: {en: 'Is there a risk standard?', zh: 是否有风险标准？}
    help: {en: Written and approved., zh: 成文并经批准。}
"""
    model = parse_model_text(upload)
    assert model.version == "1.0"
    assert model.threshold == 0.75
    assert model.level(5).focus.zh == "改进"
    assert model.question("risk-3-1") == Question(
        "risk-3-1",
        "risk",
        3,
        2.0,
        Text("Is there a risk standard?", "是否有风险标准？"),
        Text("Written and approved.", "成文并经批准。"),
    )


# --- problems --------------------------------------------------------------------------------


def problems_of(data):
    with pytest.raises(ModelError) as caught:
        load_model(data)
    return caught.value


def test_three_different_errors_are_all_named_at_once():
    data = valid_model()
    data["threshold"] = 1.5
    data["areas"].append({"key": "risk", "name": text("Risk again", "风险")})
    data["questions"][2]["level"] = 7
    error = problems_of(data)
    assert [problem.code for problem in error.problems] == [
        "bad_threshold",
        "duplicate_area",
        "bad_level",
    ]
    lines = str(error).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("threshold: ")
    assert lines[1].startswith("areas[2] (risk): ")
    assert lines[2].startswith("questions[2] (risk-3-1): ")
    assert "1.5" in lines[0]
    assert "level 7" in lines[2]


def test_a_model_error_is_a_value_error_with_frozen_problems():
    error = problems_of({**valid_model(), "questions": []})
    assert isinstance(error, ValueError)
    assert error.problems == (ModelProblem("no_questions", "questions"),)
    assert str(error) == "questions: the model has no questions"


def change(path, value):
    """A mutation of valid_model(): set, append (index = length) or DELETE the item at `path`."""

    def mutate(data):
        *parents, last = path
        target = data
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        elif isinstance(target, list) and last == len(target):
            target.append(value)
        else:
            target[last] = value
        return data

    return mutate


DELETE = object()
DUPLICATE_AREA = {"key": "risk", "name": text("Risk again", "风险")}
DUPLICATE_QUESTION = {"id": "risk-2-1", "area": "scope", "level": 4, "text": text("a", "甲")}


@pytest.mark.parametrize(
    ("mutate", "code", "where"),
    [
        (change(["key"], DELETE), "missing", "key"),
        (change(["key"], "  "), "missing", "key"),
        (change(["key"], 7), "bad_type", "key"),
        (change(["version"], DELETE), "missing", "version"),
        (change(["version"], True), "bad_type", "version"),
        (change(["version"], ["1"]), "bad_type", "version"),
        (change(["name"], DELETE), "missing", "name"),
        (change(["name"], "Maturity"), "bad_type", "name"),
        (change(["name", "zh"], DELETE), "missing_translation", "name.zh"),
        (change(["name", "en"], 3), "bad_type", "name.en"),
        (change(["threshold"], 0), "bad_threshold", "threshold"),
        (change(["threshold"], 1.01), "bad_threshold", "threshold"),
        (change(["threshold"], -0.5), "bad_threshold", "threshold"),
        (change(["threshold"], float("nan")), "bad_threshold", "threshold"),
        (change(["threshold"], "0.75"), "bad_type", "threshold"),
        (change(["threshold"], True), "bad_type", "threshold"),
        (change(["levels"], DELETE), "missing", "levels"),
        (change(["levels"], "1..5"), "bad_type", "levels"),
        (change(["levels", 4], "five"), "not_mapping", "levels[4]"),
        (change(["levels", 4, "level"], 4), "bad_levels", "levels"),
        (change(["levels", 4, "level"], 6), "bad_levels", "levels"),
        (change(["levels", 0, "level"], 0), "bad_levels", "levels"),
        (change(["levels", 4, "level"], "5"), "bad_type", "levels[4].level"),
        (change(["levels", 4, "level"], DELETE), "missing", "levels[4].level"),
        (change(["levels", 1, "focus"], DELETE), "missing", "levels[1].focus"),
        (change(["levels", 1, "focus", "en"], ""), "missing_translation", "levels[1].focus.en"),
        (change(["levels", 2, "name", "zh"], None), "missing_translation", "levels[2].name.zh"),
        (change(["areas"], DELETE), "missing", "areas"),
        (change(["areas"], []), "missing", "areas"),
        (change(["areas"], {"risk": "Risk"}), "bad_type", "areas"),
        (change(["areas", 1], "scope"), "not_mapping", "areas[1]"),
        (change(["areas", 1, "key"], DELETE), "missing", "areas[1].key"),
        (change(["areas", 2], DUPLICATE_AREA), "duplicate_area", "areas[2] (risk)"),
        (change(["areas", 0, "name", "en"], " "), "missing_translation", "areas[risk].name.en"),
        (change(["areas", 1, "name"], DELETE), "missing", "areas[scope].name"),
        (change(["questions"], DELETE), "missing", "questions"),
        (change(["questions"], []), "no_questions", "questions"),
        (change(["questions"], "risk-2-1"), "bad_type", "questions"),
        (change(["questions", 3], ["risk-3-2"]), "not_mapping", "questions[3]"),
        (change(["questions", 3, "id"], DELETE), "missing", "questions[3].id"),
        (change(["questions", 3, "id"], 32), "bad_type", "questions[3].id"),
        (change(["questions", 4], DUPLICATE_QUESTION), "duplicate_id", "questions[4] (risk-2-1)"),
        (change(["questions", 3, "area"], "cost"), "unknown_area", "questions[3] (risk-3-2)"),
        (change(["questions", 3, "area"], DELETE), "missing", "questions[3].area"),
        (change(["questions", 3, "level"], 1), "bad_level", "questions[3] (risk-3-2)"),
        (change(["questions", 3, "level"], 6), "bad_level", "questions[3] (risk-3-2)"),
        (change(["questions", 3, "level"], True), "bad_type", "questions[3].level"),
        (change(["questions", 3, "level"], 3.0), "bad_type", "questions[3].level"),
        (change(["questions", 3, "level"], DELETE), "missing", "questions[3].level"),
        (change(["questions", 3, "weight"], 0), "bad_weight", "questions[3] (risk-3-2)"),
        (change(["questions", 3, "weight"], -1), "bad_weight", "questions[3] (risk-3-2)"),
        (
            change(["questions", 3, "weight"], float("inf")),
            "bad_weight",
            "questions[3] (risk-3-2)",
        ),
        (change(["questions", 3, "weight"], "2"), "bad_type", "questions[3].weight"),
        (change(["questions", 3, "text"], DELETE), "missing", "questions[3].text"),
        (change(["questions", 3, "text", "zh"], ""), "missing_translation", "questions[3].text.zh"),
        (
            change(["questions", 0, "help", "en"], None),
            "missing_translation",
            "questions[0].help.en",
        ),
        (change(["questions", 0, "help"], "see the guide"), "bad_type", "questions[0].help"),
    ],
)
def test_each_problem_has_its_code_and_location(mutate, code, where):
    error = problems_of(mutate(copy.deepcopy(valid_model())))
    assert [(problem.code, problem.where) for problem in error.problems] == [(code, where)]
    assert str(error).startswith(f"{where}: ")


@pytest.mark.parametrize("data", [["key", "pmmm"], None, 3])
def test_a_model_that_is_not_a_mapping_is_refused(data):
    error = problems_of(data)
    assert [(problem.code, problem.where) for problem in error.problems] == [
        ("not_mapping", "model")
    ]


@pytest.mark.parametrize("upload", ["", "- key: pmmm\n- version: 1\n", "just words"])
def test_uploaded_text_that_is_not_a_mapping_is_refused(upload):
    with pytest.raises(ModelError) as caught:
        parse_model_text(upload)
    assert [problem.code for problem in caught.value.problems] == ["not_mapping"]


def test_a_yaml_syntax_error_names_the_line():
    upload = "key: pmmm\nname: {en: Maturity, zh: 成熟度\nversion: 1\n"
    with pytest.raises(ModelError) as caught:
        parse_model_text(upload)
    (problem,) = caught.value.problems
    assert problem.code == "yaml"
    assert problem.where.startswith("line 3, column ")
    assert problem.detail
    assert str(caught.value).startswith("line 3, column ")


def test_a_tab_indented_file_is_a_yaml_problem(tmp_path):
    path = tmp_path / "pmmm.yaml"
    path.write_text("key: pmmm\nareas:\n\t- key: risk\n", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model(path)
    assert [problem.code for problem in caught.value.problems] == ["yaml"]


def test_an_entry_with_a_broken_level_does_not_also_report_the_level_set():
    # The broken entry's own problem says it all; "levels must be 1..5" would be noise.
    data = valid_model()
    data["levels"][2]["level"] = "three"
    error = problems_of(data)
    assert [problem.code for problem in error.problems] == ["bad_type"]


def test_questions_are_not_called_unknown_when_the_area_list_is_unusable():
    data = {**valid_model(), "areas": "risk, scope"}
    error = problems_of(data)
    assert [problem.code for problem in error.problems] == ["bad_type"]


def test_an_area_without_a_readable_key_silences_unknown_area():
    # The question's "cost" may well be the area whose key is broken; only the key is reported.
    data = valid_model()
    data["areas"].append({"name": text("Cost", "成本")})
    data["questions"][3]["area"] = "cost"
    error = problems_of(data)
    assert [(problem.code, problem.where) for problem in error.problems] == [
        ("missing", "areas[2].key")
    ]


def test_a_question_missing_everything_lists_each_field():
    data = valid_model()
    data["questions"][1] = {}
    error = problems_of(data)
    assert [(problem.code, problem.where) for problem in error.problems] == [
        ("missing", "questions[1].id"),
        ("missing", "questions[1].area"),
        ("missing", "questions[1].level"),
        ("missing", "questions[1].text"),
    ]


def test_a_direct_model_needs_no_file():
    # Services may build a model in code; scoring needs nothing the loader adds.
    model = Model(
        key="tiny",
        version="1",
        name=Text("Tiny", "小"),
        threshold=0.75,
        levels=(),
        areas=(Area("risk", Text("Risk", "风险")),),
        questions=(),
    )
    assert model.questions_of("risk") == ()
    assert model.to_dict()["areas"] == [{"key": "risk", "name": {"en": "Risk", "zh": "风险"}}]
