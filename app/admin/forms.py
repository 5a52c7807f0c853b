"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from accounts.orgtree import OrgUnitKind
from accounts.roles import Role
from app.auth.forms import new_password_fields
from app.forms import optional_int, strip_text, version_field
from app.labels import LANGUAGE_NAMES, ORG_KIND_LABELS, ROLE_LABELS


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
