"""Form pieces shared by several blueprints."""

from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput

from app.lookup import MAX_ID


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an int, with the empty choice meaning None."""
    if value in (None, "", "None"):
        return None
    return int(str(value))


def version_field() -> IntegerField:
    """The version of the record the form was rendered from, for optimistic locking."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def hidden_id_field() -> IntegerField:
    """A record id the form carries back, bounded so that an edited one is a field error."""
    return IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)]
    )


def strip_text(value: object) -> object:
    """Field filter: ignore spaces typed or pasted around a value."""
    return value.strip() if isinstance(value, str) else value
