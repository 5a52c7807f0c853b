"""Forms of the assessment pages: setup, respondents, answers, roadmap actions, uploads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import optional_int, strip_text, version_field
from app.labels import ACTION_STATUS_LABELS, EVIDENCE_LABELS, RESPONDENT_ROLE_LABELS
from assessments.answers import AnswerEntry
from assessments.campaigns import ActionChanges, Setup
from assessments.model import Question
from assessments.models import ActionStatus, Evidence, RespondentRole

Choices = list[tuple[str, str]]

LEVEL_CHOICES = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]

# The answer scale (BRIEF §4); "na" is not applicable.
NOT_APPLICABLE = "na"
SCALE = (
    ("0", _l("0 · Not at all")),
    ("1", _l("1 · Ad hoc")),
    ("2", _l("2 · Partly")),
    ("3", _l("3 · Largely")),
    ("4", _l("4 · Fully, with evidence")),
    (NOT_APPLICABLE, _l("N/A")),
)


class SetupForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    questionnaire_id = SelectField(_l("Questionnaire"), coerce=int)
    org_unit_id = SelectField(_l("Org unit"), coerce=int)
    period_start = DateField(_l("Period from"), validators=[InputRequired()])
    period_end = DateField(_l("Period to"), validators=[InputRequired()])
    target_level = SelectField(
        _l("Target level"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("The level every area should reach; set areas apart below if needed."),
    )
    submit = SubmitField(_l("Save"))
    area_keys: list[str]

    def area_fields(self) -> list[Any]:
        return [self[f"target_{key}"] for key in self.area_keys]

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.period_start.data, self.period_end.data
        if start and end and end < start:
            self.period_end.errors.append(str(_l("The period ends before it starts.")))
            ok = False
        return ok

    def setup(self) -> Setup:
        overall = self.target_level.data
        per_area = {key: self[f"target_{key}"].data for key in self.area_keys}
        area_targets = None
        if any(per_area.values()):
            # Areas set apart keep their own level; the others take the overall target.
            area_targets = {
                key: level or overall for key, level in per_area.items() if level or overall
            }
        return Setup(
            title=self.title.data,
            org_unit_id=self.org_unit_id.data,
            period_start=self.period_start.data,
            period_end=self.period_end.data,
            target_level=overall,
            area_targets=area_targets,
        )

    def show_targets(self, overall: int | None, area_targets: dict[str, int] | None) -> None:
        self.target_level.data = overall
        for key in self.area_keys:
            level = (area_targets or {}).get(key)
            self[f"target_{key}"].data = level if level != overall else None


def setup_form(
    *,
    questionnaires: Choices,
    org_units: Choices,
    areas: Sequence[tuple[str, str]],
    editing: bool = False,
    **kwargs: Any,
) -> SetupForm:
    """The setup form with one target select per key process area of the model (and the
    record's version when editing)."""

    class AreaTargets(SetupForm):
        pass

    if editing:
        AreaTargets.version = version_field()

    for key, name in areas:
        setattr(
            AreaTargets,
            f"target_{key}",
            SelectField(name, coerce=optional_int, validators=[Optional()]),
        )
    form = AreaTargets(**kwargs)
    form.area_keys = [key for key, _ in areas]
    form.questionnaire_id.choices = questionnaires
    form.org_unit_id.choices = org_units
    for field in (form.target_level, *form.area_fields()):
        field.choices = LEVEL_CHOICES
    return form


class AddRespondentForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int)
    role = SelectField(_l("Respondent role"), coerce=RespondentRole)
    version = version_field()
    submit = SubmitField(_l("Invite"))

    def __init__(self, *, users: Choices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user_id.choices = users
        self.role.choices = [(r.value, str(label)) for r, label in RESPONDENT_ROLE_LABELS.items()]


class SubmitAnswersForm(FlaskForm):
    submit = SubmitField(_l("Submit my answers"))


class VersionForm(FlaskForm):
    """A button that changes an assessment (open, close, remove a respondent)."""

    version = version_field()


def answer_form(questions: Sequence[Question], language: str, formdata: Any = None) -> FlaskForm:
    """One answer (0-4 or N/A), evidence tag and comment per question of one area."""

    class AreaForm(FlaskForm):
        save = SubmitField(_l("Save"))
        save_next = SubmitField(_l("Save and go to the next area"))

    evidence = [("", "—"), *((e.value, str(label)) for e, label in EVIDENCE_LABELS.items())]
    for question in questions:
        key = question.id.replace("-", "_")
        setattr(
            AreaForm,
            f"value_{key}",
            RadioField(
                question.text.get(language),
                choices=[SelectChoice(value, label) for value, label in SCALE],
                validators=[Optional()],
                description=question.help.get(language) if question.help else "",
            ),
        )
        setattr(
            AreaForm,
            f"evidence_{key}",
            SelectField(
                _l("Evidence"),
                choices=[SelectChoice(v, lbl) for v, lbl in evidence],
                validators=[Optional()],
            ),
        )
        setattr(
            AreaForm,
            f"comment_{key}",
            TextAreaField(_l("Comment"), validators=[Length(max=2000)], render_kw={"rows": 1}),
        )
    return AreaForm(formdata=formdata) if formdata is not None else AreaForm()


def answer_entries(form: FlaskForm, questions: Sequence[Question]) -> dict[str, AnswerEntry]:
    """The answers the respondent gave on this page; untouched questions are left out."""
    entries = {}
    for question in questions:
        key = question.id.replace("-", "_")
        value = form[f"value_{key}"].data
        if not value:
            continue
        evidence = form[f"evidence_{key}"].data
        entries[question.id] = AnswerEntry(
            value=None if value == NOT_APPLICABLE else int(value),
            comment=form[f"comment_{key}"].data or "",
            evidence=Evidence(evidence) if evidence else None,
        )
    return entries


def show_answers(form: FlaskForm, saved: dict[str, Any]) -> None:
    """Fill the page with what the respondent saved before (Answer rows by question id)."""
    for question_id, answer in saved.items():
        key = question_id.replace("-", "_")
        if f"value_{key}" not in form:
            continue
        form[f"value_{key}"].data = NOT_APPLICABLE if answer.value is None else str(answer.value)
        form[f"evidence_{key}"].data = answer.evidence.value if answer.evidence else ""
        form[f"comment_{key}"].data = answer.comment


class ActionForm(FlaskForm):
    owner_id = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"), coerce=ActionStatus)
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)], render_kw={"rows": 2})
    version = version_field()
    submit = SubmitField(_l("Save"))

    def __init__(self, *, owners: Choices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owner_id.choices = [("", str(_l("Nobody"))), *owners]
        self.status.choices = [(s.value, str(label)) for s, label in ACTION_STATUS_LABELS.items()]

    def changes(self) -> ActionChanges:
        return ActionChanges(
            owner_id=self.owner_id.data,
            due_date=self.due_date.data,
            status=self.status.data,
            note=self.note.data or "",
        )


class QuestionnaireUploadForm(FlaskForm):
    file = FileField(
        _l("Model file (YAML)"),
        validators=[
            FileRequired(),
            FileAllowed(["yaml", "yml"], _l("Upload a .yaml or .yml file.")),
        ],
    )
    submit = SubmitField(_l("Check and install"))
