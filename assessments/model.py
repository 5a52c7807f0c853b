"""Questionnaire models: a maturity model file (YAML) read into frozen dataclasses.

A questionnaire is data, not code (BRIEF §4): an organisation loads its own PMMM-, P3M3- or
SAMM-style model without a code change. This module reads such a file, checks it and returns
a `Model` that scoring, roadmaps and pages share. Checking collects every problem before it
raises, so whoever uploads a file with three mistakes learns of all three at once instead of
fixing them one upload at a time. Problems carry machine codes; the web layer translates them.

Pure: standard library and PyYAML only.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

# BRIEF §4: an area reaches a level when its achievement there is at least 75 %.
DEFAULT_THRESHOLD = 0.75
LEVELS = (1, 2, 3, 4, 5)
# Level 1 is where every organisation starts, so no question can be needed to reach it.
QUESTION_LEVELS = (2, 3, 4, 5)
LANGUAGES = ("en", "zh")

ModelProblemCode = Literal[
    "yaml",
    "not_mapping",
    "missing",
    "bad_type",
    "bad_threshold",
    "bad_levels",
    "duplicate_area",
    "duplicate_id",
    "unknown_area",
    "bad_level",
    "bad_weight",
    "missing_translation",
    "no_questions",
]

# English for logs, the CLI and tests; pages translate the code instead.
_ENGLISH: dict[ModelProblemCode, str] = {
    "yaml": "not valid YAML",
    "not_mapping": "expected a mapping of fields",
    "missing": "required field is missing",
    "bad_type": "wrong type",
    "bad_threshold": "threshold must be above 0 and at most 1",
    "bad_levels": "levels must be exactly 1 to 5, each once",
    "duplicate_area": "area key used twice",
    "duplicate_id": "question id used twice",
    "unknown_area": "question names an area the model does not define",
    "bad_level": "question level must be 2 to 5",
    "bad_weight": "weight must be a number above 0",
    "missing_translation": "text needs both English and Chinese",
    "no_questions": "the model has no questions",
}


@dataclass(frozen=True, slots=True)
class ModelProblem:
    """One thing wrong with a model file: `code` for machines, `where` and `detail` for people."""

    code: ModelProblemCode
    where: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {_ENGLISH[self.code]}" + (f" ({self.detail})" if self.detail else "")


class ModelError(ValueError):
    """A model file that cannot be used; `problems` lists every reason, in file order."""

    def __init__(self, problems: Iterable[ModelProblem]) -> None:
        self.problems: tuple[ModelProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True, slots=True)
class Text:
    """A piece of text in both languages the app speaks."""

    en: str
    zh: str

    def get(self, language: str) -> str:
        """The text for a locale such as "zh_Hans" or "en"; English for anything not Chinese."""
        return self.zh if language.lower().startswith("zh") else self.en


@dataclass(frozen=True, slots=True)
class Level:
    level: int
    name: Text
    focus: Text  # what to improve when this is an area's next level (roadmap)


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    name: Text


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    area: str
    level: int
    weight: float
    text: Text
    help: Text | None


@dataclass(frozen=True, slots=True)
class Model:
    """A checked questionnaire: levels 1..5 in order, areas and questions in file order.

    Look-ups scan the tuples: a questionnaire has tens to a few hundred questions, and plain
    tuples keep the model hashable, comparable and free of a second copy to keep in step.
    """

    key: str
    version: str
    name: Text
    threshold: float
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]

    def area(self, key: str) -> Area:
        for area in self.areas:
            if area.key == key:
                return area
        raise KeyError(key)

    def level(self, number: int) -> Level:
        for level in self.levels:
            if level.level == number:
                return level
        raise KeyError(number)

    def question(self, id: str) -> Question:
        for question in self.questions:
            if question.id == id:
                return question
        raise KeyError(id)

    def questions_of(self, area_key: str, level: int | None = None) -> tuple[Question, ...]:
        """The questions of one area (at one level when given), in model order."""
        return tuple(
            question
            for question in self.questions
            if question.area == area_key and (level is None or question.level == level)
        )

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data in the file's shape: JSON-storable, `load_model` reloads it."""
        return {
            "key": self.key,
            "version": self.version,
            "name": _text_dict(self.name),
            "threshold": self.threshold,
            "levels": [
                {"level": lv.level, "name": _text_dict(lv.name), "focus": _text_dict(lv.focus)}
                for lv in self.levels
            ],
            "areas": [{"key": area.key, "name": _text_dict(area.name)} for area in self.areas],
            "questions": [_question_dict(question) for question in self.questions],
        }


def load_model(source: str | os.PathLike[str] | Mapping[str, Any]) -> Model:
    """Read a model from a UTF-8 YAML file (a path) or check one given as a mapping."""
    if not isinstance(source, str | os.PathLike):
        # Anything else is taken as already-parsed data (e.g. JSON from the database) and
        # checked, so a list or None stored by mistake is a ModelError, not a crash.
        return _check(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ModelError([ModelProblem("yaml", str(path), "not UTF-8 text")]) from error
    return parse_model_text(text)


def parse_model_text(text: str) -> Model:
    """Read a model from the contents of a YAML file, e.g. an upload."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where, detail = "file", str(error)
        if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
            mark = error.problem_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}"
            detail = error.problem or detail
        # The parser's own traceback says nothing the problem does not.
        raise ModelError([ModelProblem("yaml", where, detail)]) from None
    return _check(data)


# --- checking --------------------------------------------------------------------------------
# Each reader appends what it finds wrong to `problems` and returns None for a part it could
# not build, so checking carries on and the caller sees every problem in one pass.


def _check(data: object) -> Model:
    if not isinstance(data, Mapping):
        raise ModelError([ModelProblem("not_mapping", "model", f"got {_describe(data)}")])
    # Fields the shape does not name are ignored, so a file may carry notes or later additions.
    problems: list[ModelProblem] = []
    key = _string(data, "key", "", problems)
    version = _version(data.get("version"), problems)
    name = _text(data.get("name"), "name", problems)
    threshold = _threshold(data.get("threshold"), problems)
    levels = _levels(data.get("levels"), problems)
    areas, area_keys = _areas(data.get("areas"), problems)
    questions = _questions(data.get("questions"), area_keys, problems)
    if problems or key is None or version is None or name is None or threshold is None:
        raise ModelError(problems)
    return Model(key, version, name, threshold, levels, areas, questions)


def _version(raw: object, problems: list[ModelProblem]) -> str | None:
    if raw is None or raw == "":
        problems.append(ModelProblem("missing", "version"))
        return None
    # YAML reads `version: 1.0` as a number; quoting is easy to forget, so take it as text.
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    if not isinstance(raw, str):
        problems.append(ModelProblem("bad_type", "version", f"expected text, got {_describe(raw)}"))
        return None
    return raw


def _threshold(raw: object, problems: list[ModelProblem]) -> float | None:
    if raw is None:
        return DEFAULT_THRESHOLD
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(ModelProblem("bad_type", "threshold", f"expected a number, got {raw!r}"))
        return None
    # Written so that NaN fails too. Above 1 no area could ever pass; 0 would pass everything.
    if not 0 < raw <= 1:
        problems.append(ModelProblem("bad_threshold", "threshold", f"got {raw!r}"))
        return None
    return float(raw)


def _levels(raw: object, problems: list[ModelProblem]) -> tuple[Level, ...]:
    entries = _entries(raw, "levels", problems)
    if entries is None:
        return ()
    levels: list[Level] = []
    numbers: list[int] = []
    for i, entry in enumerate(entries):
        where = f"levels[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(ModelProblem("not_mapping", where, f"got {_describe(entry)}"))
            continue
        number = _integer(entry, "level", where, problems)
        name = _text(entry.get("name"), f"{where}.name", problems)
        focus = _text(entry.get("focus"), f"{where}.focus", problems)
        if number is not None:
            numbers.append(number)
            if name is not None and focus is not None:
                levels.append(Level(number, name, focus))
    # Only judge the set of numbers when every entry gave one; otherwise the entry's own problem
    # already says what is wrong and a second report about the same entry is noise.
    if len(numbers) == len(entries) and sorted(numbers) != list(LEVELS):
        problems.append(ModelProblem("bad_levels", "levels", f"got {sorted(numbers)}"))
    return tuple(sorted(levels, key=lambda level: level.level))


def _areas(
    raw: object, problems: list[ModelProblem]
) -> tuple[tuple[Area, ...], frozenset[str] | None]:
    """The areas, and every area key (None when some key, or the whole list, is unreadable)."""
    entries = _entries(raw, "areas", problems)
    if entries is None:
        return (), None
    if not entries:
        problems.append(ModelProblem("missing", "areas", "no areas"))
        return (), None
    areas: list[Area] = []
    keys: set[str] = set()
    # With an entry whose key cannot be read, a question's area may be that one: calling it
    # unknown could be wrong, and the entry's own problem already points at the fix.
    every_key_read = True
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            problems.append(ModelProblem("not_mapping", f"areas[{i}]", f"got {_describe(entry)}"))
            every_key_read = False
            continue
        key = _string(entry, "key", f"areas[{i}]", problems)
        every_key_read = every_key_read and key is not None
        if key is not None and key in keys:
            problems.append(ModelProblem("duplicate_area", f"areas[{i}] ({key})"))
        name = _text(entry.get("name"), f"areas[{key or i}].name", problems)
        if key is not None:
            keys.add(key)
            if name is not None:
                areas.append(Area(key, name))
    return tuple(areas), frozenset(keys) if every_key_read else None


def _questions(
    raw: object, area_keys: frozenset[str] | None, problems: list[ModelProblem]
) -> tuple[Question, ...]:
    entries = _entries(raw, "questions", problems)
    if entries is None:
        return ()
    if not entries:
        problems.append(ModelProblem("no_questions", "questions"))
    questions: list[Question] = []
    ids: set[str] = set()
    for i, entry in enumerate(entries):
        path = f"questions[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(ModelProblem("not_mapping", path, f"got {_describe(entry)}"))
            continue
        question_id = _string(entry, "id", path, problems)
        label = f"{path} ({question_id})" if question_id is not None else path
        if question_id is not None:
            if question_id in ids:
                problems.append(ModelProblem("duplicate_id", label))
            ids.add(question_id)
        area = _string(entry, "area", path, problems)
        # Without every area key, "unknown" could be wrong; see _areas.
        if area is not None and area_keys is not None and area not in area_keys:
            problems.append(ModelProblem("unknown_area", label, f"area {area!r}"))
        level = _integer(entry, "level", path, problems)
        if level is not None and level not in QUESTION_LEVELS:
            problems.append(ModelProblem("bad_level", label, f"level {level}"))
        weight = _weight(entry.get("weight"), path, label, problems)
        text = _text(entry.get("text"), f"{path}.text", problems)
        help_text = _text(entry.get("help"), f"{path}.help", problems, required=False)
        if (
            question_id is not None
            and area is not None
            and level is not None
            and weight is not None
            and text is not None
        ):
            questions.append(Question(question_id, area, level, weight, text, help_text))
    return tuple(questions)


def _weight(raw: object, path: str, label: str, problems: list[ModelProblem]) -> float | None:
    if raw is None:
        return 1.0
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(
            ModelProblem("bad_type", f"{path}.weight", f"expected a number, got {raw!r}")
        )
        return None
    # A zero weight would divide by zero when it is an area-level's only question; an infinite
    # one would turn the weighted mean into NaN.
    if not math.isfinite(raw) or raw <= 0:
        problems.append(ModelProblem("bad_weight", label, f"weight {raw!r}"))
        return None
    return float(raw)


def _entries(raw: object, where: str, problems: list[ModelProblem]) -> list[object] | None:
    if raw is None:
        problems.append(ModelProblem("missing", where))
        return None
    if not isinstance(raw, list | tuple):
        problems.append(ModelProblem("bad_type", where, f"expected a list, got {_describe(raw)}"))
        return None
    return list(raw)


def _string(
    entry: Mapping[str, Any], field: str, where: str, problems: list[ModelProblem]
) -> str | None:
    """A required non-empty string field; blank counts as missing."""
    raw = entry.get(field)
    path = f"{where}.{field}" if where else field
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        problems.append(ModelProblem("missing", path))
        return None
    if not isinstance(raw, str):
        problems.append(ModelProblem("bad_type", path, f"expected text, got {raw!r}"))
        return None
    return raw


def _integer(
    entry: Mapping[str, Any], field: str, where: str, problems: list[ModelProblem]
) -> int | None:
    raw = entry.get(field)
    path = f"{where}.{field}"
    if raw is None:
        problems.append(ModelProblem("missing", path))
        return None
    # YAML reads `yes` as True, and True is an int to Python; a level is never a boolean.
    if isinstance(raw, bool) or not isinstance(raw, int):
        problems.append(ModelProblem("bad_type", path, f"expected a whole number, got {raw!r}"))
        return None
    return raw


def _text(
    raw: object, where: str, problems: list[ModelProblem], *, required: bool = True
) -> Text | None:
    if raw is None:
        if required:
            problems.append(ModelProblem("missing", where))
        return None
    if not isinstance(raw, Mapping):
        problems.append(
            ModelProblem("bad_type", where, f"expected en and zh texts, got {_describe(raw)}")
        )
        return None
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        value = raw.get(language)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(ModelProblem("missing_translation", f"{where}.{language}"))
        elif not isinstance(value, str):
            problems.append(
                ModelProblem("bad_type", f"{where}.{language}", f"expected text, got {value!r}")
            )
        else:
            texts[language] = value
    if len(texts) < len(LANGUAGES):
        return None
    return Text(en=texts["en"], zh=texts["zh"])


def _describe(raw: object) -> str:
    return "nothing" if raw is None else type(raw).__name__


def _text_dict(text: Text) -> dict[str, str]:
    return {"en": text.en, "zh": text.zh}


def _question_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "area": question.area,
        "level": question.level,
        "weight": question.weight,
        "text": _text_dict(question.text),
    }
    if question.help is not None:
        data["help"] = _text_dict(question.help)
    return data
