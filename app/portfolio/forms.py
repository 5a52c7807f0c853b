"""Forms of the funnel pages: candidates, gate reviews, scorecards and decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from app.forms import optional_int, strip_text, version_field
from app.labels import CANDIDATE_KIND_LABELS, DECISION_LABELS, RISK_LABELS
from portfolio.candidates import CandidateFields
from portfolio.defaults import CURRENCIES
from portfolio.lifecycle import DECISION_ORDER, Decision
from portfolio.models import CandidateKind, RiskLevel
from portfolio.reviews import Entry, is_must

Choices = list[tuple[str, str]]


def _percent(label: Any, description: Any = None) -> IntegerField:
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=0, max=100)],
        widget=NumberInput(min=0, max=100),
        description=description,
    )


def _fraction(percent: int | None) -> float | None:
    return None if percent is None else percent / 100


def _percent_of(fraction: float | None) -> int | None:
    return None if fraction is None else round(fraction * 100)


class CandidateForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    kind = SelectField(_l("Kind"), coerce=CandidateKind)
    funnel_id = SelectField(_l("Funnel"), coerce=int)
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 4}
    )
    org_unit_id = SelectField(_l("Org unit"), coerce=optional_int, validators=[Optional()])
    sponsor = StringField(_l("Sponsor"), filters=[strip_text], validators=[Length(max=120)])
    theme = StringField(
        _l("Strategic theme"),
        filters=[strip_text],
        validators=[Length(max=80)],
        render_kw={"list": "theme-suggestions"},
    )
    currency = SelectField(_l("Currency"), choices=[SelectChoice(c) for c in CURRENCIES])
    estimated_cost = DecimalField(
        _l("Estimated cost"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("Must not be negative."))],
        widget=NumberInput(step="0.01", min=0),
    )
    expected_value = DecimalField(
        _l("Expected value (NPV)"),
        places=2,
        validators=[Optional()],
        widget=NumberInput(step="0.01"),
        description=_l("May be negative."),
    )
    p_technical = _percent(_l("Probability of technical success (%)"))
    p_commercial = _percent(_l("Probability of commercial success (%)"))
    probability_override = _percent(
        _l("Probability override (%)"),
        _l("Leave empty to use the stage's probability in the weighted pipeline."),
    )
    expected_decision_date = DateField(_l("Expected decision date"), validators=[Optional()])
    risk_level = SelectField(_l("Risk level"), coerce=RiskLevel)
    tags = StringField(
        _l("Tags"),
        filters=[strip_text],
        validators=[Length(max=400)],
        description=_l("Separate tags with commas."),
    )
    submit = SubmitField(_l("Save candidate"))

    def __init__(self, *, funnels: Choices, org_units: Choices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.funnel_id.choices = funnels
        self.kind.choices = [(k.value, str(label)) for k, label in CANDIDATE_KIND_LABELS.items()]
        self.org_unit_id.choices = [("", str(_l("None"))), *org_units]
        self.risk_level.choices = [(r.value, str(label)) for r, label in RISK_LABELS.items()]

    def fields(self) -> CandidateFields:
        return CandidateFields(
            title=self.title.data,
            kind=self.kind.data,
            description=self.description.data or "",
            org_unit_id=self.org_unit_id.data,
            sponsor=self.sponsor.data or "",
            theme=self.theme.data or "",
            currency=self.currency.data,
            estimated_cost=self.estimated_cost.data,
            expected_value=self.expected_value.data,
            p_technical=_fraction(self.p_technical.data),
            p_commercial=_fraction(self.p_commercial.data),
            probability_override=_fraction(self.probability_override.data),
            expected_decision_date=self.expected_decision_date.data,
            risk_level=self.risk_level.data,
            tags=self.tags.data or "",
        )

    def show_percentages(self, candidate: Any) -> None:
        """Fill the percentage fields from a candidate's fractions (on first display)."""
        for name in ("p_technical", "p_commercial", "probability_override"):
            getattr(self, name).data = _percent_of(getattr(candidate, name))


class CandidateEditForm(CandidateForm):
    owner_id = SelectField(_l("Owner"), coerce=optional_int, validators=[Optional()])
    version = version_field()

    def __init__(self, *, owners: Choices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        del self.funnel_id  # a candidate stays in the funnel it entered
        self.owner_id.choices = [("", str(_l("Nobody"))), *owners]


class OpenReviewForm(FlaskForm):
    scorer_ids = SelectMultipleField(
        _l("Scorers"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Invite at least one scorer."))],
    )
    go_threshold = IntegerField(
        _l("Go threshold"),
        default=60,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        widget=NumberInput(min=0, max=100),
        description=_l("A gate score at or above this suggests go."),
    )
    kill_threshold = IntegerField(
        _l("Kill threshold"),
        default=40,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        widget=NumberInput(min=0, max=100),
        description=_l("Below this the gate suggests kill; between the two, hold."),
    )
    submit = SubmitField(_l("Open review"))


def scorecard_form(
    criteria: Sequence[Mapping[str, Any]], language: str, formdata: Any = None
) -> FlaskForm:
    """A form with one answer and one comment per criterion of a review's scorecard."""

    class ScorecardForm(FlaskForm):
        submit = SubmitField(_l("Save my scorecard"))

    for criterion in criteria:
        key = criterion["key"]
        label = (criterion.get("name_zh") if language == "zh_Hans" else None) or criterion["name"]
        guidance = (
            criterion.get("guidance_zh") if language == "zh_Hans" else None
        ) or criterion.get("guidance", "")
        answer: Field
        if is_must(criterion):
            answer = RadioField(
                label,
                choices=[SelectChoice("1", _l("Yes, met")), SelectChoice("0", _l("No, not met"))],
                validators=[InputRequired(message=_l("Answer yes or no."))],
                description=guidance,
            )
        else:
            answer = IntegerField(
                label,
                validators=[
                    InputRequired(message=_l("Give a score from 0 to 10.")),
                    NumberRange(min=0, max=10, message=_l("Give a score from 0 to 10.")),
                ],
                widget=NumberInput(min=0, max=10),
                description=guidance,
            )
        setattr(ScorecardForm, f"value_{key}", answer)
        setattr(
            ScorecardForm,
            f"comment_{key}",
            TextAreaField(
                _l("Comment on “%(name)s”", name=label),
                validators=[Optional(), Length(max=1000)],
                render_kw={"rows": 1},
            ),
        )
    return ScorecardForm(formdata=formdata) if formdata is not None else ScorecardForm()


def scorecard_entries(form: FlaskForm, criteria: Sequence[Mapping[str, Any]]) -> dict[str, Entry]:
    return {
        c["key"]: Entry(
            value=float(form[f"value_{c['key']}"].data),
            comment=form[f"comment_{c['key']}"].data or "",
        )
        for c in criteria
    }


def prefill_scorecard(form: FlaskForm, saved: Mapping[str, Any]) -> None:
    """Show what the scorer saved before (GateScore rows by criterion key)."""
    for key, score in saved.items():
        value = form[f"value_{key}"]
        value.data = str(int(score.value)) if isinstance(value, RadioField) else int(score.value)
        form[f"comment_{key}"].data = score.comment


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"))
    target_stage_id = SelectField(
        _l("Recycle to stage"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,  # the funnel's rules judge the stage (portfolio.decisions)
        description=_l("Only for recycle: the earlier stage the candidate goes back to."),
    )
    rationale = TextAreaField(
        _l("Rationale"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("Give the reason for the decision.")),
            Length(max=4000),
        ],
        render_kw={"rows": 3},
    )
    version = version_field()
    submit = SubmitField(_l("Record decision"))

    def __init__(self, *, stages: Choices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Every decision and every stage of the funnel is accepted here, so that a refused
        # move gets the rule's own explanation from the service; `offer` narrows what the
        # page shows to the moves that are allowed.
        self.offer(DECISION_ORDER, stages)

    def offer(self, decisions: Sequence[Decision], targets: Choices) -> None:
        self.decision.choices = [(d.value, str(DECISION_LABELS[d])) for d in decisions]
        self.target_stage_id.choices = [("", "—"), *targets]
