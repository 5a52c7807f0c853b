"""Forms of the load-oriented release page: what to propose (query string) and accepting it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput, NumberInput

from app.forms import hidden_id_field, optional_int
from portfolio.release_plan import DEFAULT_ANTICIPATION_DAYS, MAX_ANTICIPATION_DAYS

# "12:3,15:1": candidate id and version of each released candidate, as the page showed them.
OFFERED_PATTERN = r"^\d{1,12}:\d{1,12}(,\d{1,12}:\d{1,12}){0,999}$"


class ReleaseQueryForm(FlaskForm):
    """Read from the query string: a link reproduces the proposal, and reading changes
    nothing, so there is no CSRF token. Funnel and stage are checked by the view against
    the funnels that exist."""

    class Meta:
        csrf = False

    funnel = SelectField(_l("Funnel"), coerce=optional_int, validate_choice=False)
    stage = SelectField(
        _l("Release into stage"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("Candidates wait at the gate of the stage before it."),
    )
    days = IntegerField(
        _l("Anticipation horizon (days)"),
        default=DEFAULT_ANTICIPATION_DAYS,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_ANTICIPATION_DAYS,
                message=_l(
                    "Use an anticipation horizon from 0 to %(days)d days.",
                    days=MAX_ANTICIPATION_DAYS,
                ),
            ),
        ],
        widget=NumberInput(min=0, max=MAX_ANTICIPATION_DAYS),
        description=_l("Candidates due within this many days are urgent."),
    )

    @property
    def anticipation_days(self) -> int:
        return DEFAULT_ANTICIPATION_DAYS if self.days.data is None else self.days.data


class AcceptReleaseForm(FlaskForm):
    """The proposal as the executive saw it; the service refuses it if it has changed."""

    funnel = hidden_id_field()
    stage = hidden_id_field()
    days = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_ANTICIPATION_DAYS)],
    )
    offered = HiddenField(validators=[InputRequired(), Regexp(OFFERED_PATTERN)])
    submit = SubmitField(_l("Accept: record go for these candidates"))

    def fill(self, funnel_id: int, stage_id: int, days: int, offered: Any) -> None:
        self.funnel.data = funnel_id
        self.stage.data = stage_id
        self.days.data = days
        self.offered.data = ",".join(f"{c.id}:{c.version}" for c in offered)

    def pairs(self) -> list[tuple[int, int]]:
        return [
            (int(cid), int(version))
            for cid, version in (item.split(":") for item in self.offered.data.split(","))
        ]
