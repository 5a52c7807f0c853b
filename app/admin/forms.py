"""Forms of the administration pages."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import NumberInput

from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from app.auth.forms import new_password_fields
from app.forms import optional_int, strip_text, version_field
from app.labels import (
    CRITERION_KIND_LABELS,
    LANGUAGE_NAMES,
    ORG_KIND_LABELS,
    PORTFOLIO_PROBLEMS,
    ROLE_LABELS,
)
from portfolio.funnels import MAX_CAPACITY, MAX_LOAD_PERCENT, CriterionFields, StageFields
from portfolio.models import CriterionKind


def _language_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Follow the browser"))), *LANGUAGE_NAMES.items()]


class _UserFields(FlaskForm):
    display_name = StringField(
        _l("Display name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)]
    )
    role = SelectField(_l("Role"), coerce=Role)
    org_unit_id = SelectField(_l("Org unit"), coerce=optional_int, validators=[Optional()])
    preferred_language = SelectField(_l("Language"), validators=[Optional()])

    def __init__(self, org_unit_choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.role.choices = [(role.value, str(label)) for role, label in ROLE_LABELS.items()]
        self.org_unit_id.choices = [("", str(_l("None"))), *org_unit_choices]
        self.preferred_language.choices = _language_choices()


class UserCreateForm(_UserFields):
    email = EmailField(
        _l("Email"), filters=[strip_text], validators=[DataRequired(), Email(), Length(max=254)]
    )
    new_password, confirm_password = new_password_fields()
    submit = SubmitField(_l("Create user"))


class UserEditForm(_UserFields):
    active = BooleanField(_l("Active (may sign in)"))
    version = version_field()
    submit = SubmitField(_l("Save changes"))


class PasswordResetForm(FlaskForm):
    new_password, confirm_password = new_password_fields()
    submit = SubmitField(_l("Set password"))


class OrgUnitCreateForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip_text],
        validators=[
            DataRequired(),
            Length(max=32),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use letters, digits, - and _ only.")),
        ],
        description=_l("A short unique key such as EAST-MFG."),
    )
    name = StringField(
        _l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)]
    )
    name_zh = StringField(_l("Chinese name"), validators=[Optional(), Length(max=120)])
    kind = SelectField(_l("Kind"), coerce=OrgUnitKind)
    parent_id = SelectField(_l("Parent"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, parent_choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.kind.choices = [(kind.value, str(label)) for kind, label in ORG_KIND_LABELS.items()]
        self.parent_id.choices = [("", str(_l("None (top of the tree)"))), *parent_choices]


class OrgUnitEditForm(OrgUnitCreateForm):
    active = BooleanField(_l("Active"))
    version = version_field()


def key_field() -> StringField:
    """The fixed identifier of a new stage or criterion (it never changes afterwards)."""
    return StringField(
        _l("Key"),
        filters=[strip_text],
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Use lower-case letters, digits and _.")),
        ],
    )


def _finite(_form: FlaskForm, field: Field) -> None:
    """FloatField reads "nan" and "inf" as numbers; no capacity is either."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Enter a number."))


def _release_setting(
    label: Any, *, low: float, high: float, problems: tuple[str, str], description: Any
) -> FloatField:
    """A stage's capacity or load percentage: empty, or a number from `low` to `high`, with
    the domain's words (`problems`: the codes for too low and too high) when it is not."""
    too_low, too_high = (PORTFOLIO_PROBLEMS[code] for code in problems)
    return FloatField(
        label,
        validators=[
            Optional(),
            _finite,
            NumberRange(min=low, message=too_low),
            NumberRange(max=high, message=too_high),
        ],
        widget=NumberInput(min=low, max=high, step="any"),
        description=description,
    )


class StageForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)]
    )
    name_zh = StringField(_l("Chinese name"), filters=[strip_text], validators=[Length(max=120)])
    probability = IntegerField(
        _l("Probability (%)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        widget=NumberInput(min=0, max=100),
        description=_l("Default chance that a candidate in this stage is finally approved."),
    )
    wip_limit = IntegerField(
        _l("WIP limit"), validators=[Optional(), NumberRange(min=1)], widget=NumberInput(min=1)
    )
    target_dwell_days = IntegerField(
        _l("Target days in stage"),
        validators=[Optional(), NumberRange(min=1)],
        widget=NumberInput(min=1),
    )
    capacity = _release_setting(
        _l("Capacity per month"),
        low=0,
        high=MAX_CAPACITY,
        problems=("negative", "capacity_max"),
        description=_l(
            "Gate reviews the stage's team completes in a month, for load-oriented release. "
            "Leave it and the load percentage empty when nothing limits the stage."
        ),
    )
    load_percent = _release_setting(
        _l("Load percentage"),
        low=100,
        high=MAX_LOAD_PERCENT,
        problems=("load_percent_min", "load_percent_max"),
        description=_l(
            "Load limit = capacity × load percentage / 100. 200 is a common start; "
            "lower keeps queues and lead times shorter."
        ),
    )
    entry_checklist = TextAreaField(
        _l("Entry checklist"),
        validators=[Length(max=4000)],
        description=_l("One item a line."),
        render_kw={"rows": 3},
    )
    responsible_role = SelectField(_l("Responsible role"), validators=[Optional()])
    submit = SubmitField(_l("Save stage"))

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        roles = [(role.value, str(label)) for role, label in ROLE_LABELS.items()]
        self.responsible_role.choices = [("", str(_l("None"))), *roles]

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        capacity, percent = self.capacity, self.load_percent
        own_errors = capacity.errors or percent.errors
        if not own_errors and (capacity.data is None) != (percent.data is None):
            empty = capacity if capacity.data is None else percent
            empty.errors.append(str(_l("Set both capacity and load percentage, or neither.")))
            ok = False
        return ok

    def fields(self) -> StageFields:
        return StageFields(
            name=self.name.data,
            name_zh=self.name_zh.data,
            probability=self.probability.data / 100,
            wip_limit=self.wip_limit.data,
            target_dwell_days=self.target_dwell_days.data,
            entry_checklist=self.entry_checklist.data or "",
            responsible_role=Role(self.responsible_role.data)
            if self.responsible_role.data
            else None,
            capacity=self.capacity.data,
            load_percent=self.load_percent.data,
        )


class StageEditForm(StageForm):
    version = version_field()


class NewStageForm(StageForm):
    key = key_field()
    before_position = SelectField(_l("Insert before"), coerce=int)


class CriterionForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=160)]
    )
    name_zh = StringField(_l("Chinese name"), filters=[strip_text], validators=[Length(max=160)])
    kind = SelectField(_l("Kind"), coerce=CriterionKind)
    weight = DecimalField(
        _l("Weight"),
        places=2,
        default=1,
        validators=[InputRequired(), NumberRange(min=0)],
        widget=NumberInput(step="0.5", min=0),
        description=_l("Relative weight of a should-meet criterion; ignored for must-meet."),
    )
    guidance = TextAreaField(_l("Guidance"), validators=[Length(max=2000)], render_kw={"rows": 2})
    guidance_zh = TextAreaField(
        _l("Chinese guidance"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Save criterion"))

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.kind.choices = [(k.value, str(v)) for k, v in CRITERION_KIND_LABELS.items()]

    def fields(self, active: bool = True) -> CriterionFields:
        return CriterionFields(
            name=self.name.data,
            name_zh=self.name_zh.data,
            kind=self.kind.data,
            weight=float(self.weight.data),
            guidance=self.guidance.data or "",
            guidance_zh=self.guidance_zh.data or "",
            active=active,
        )


class NewCriterionForm(CriterionForm):
    key = key_field()


class CriterionEditForm(CriterionForm):
    active = BooleanField(_l("In use (new reviews include it)"))
    version = version_field()
