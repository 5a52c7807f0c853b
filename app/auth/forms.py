"""Sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from accounts.passwords import MAX_LENGTH, MIN_LENGTH
from app.forms import strip_text


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[strip_text],
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation, as used by every form that sets one."""
    return (
        PasswordField(
            _l("New password"),
            validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
            description=_l(
                "At least %(count)d characters; a long passphrase is best.", count=MIN_LENGTH
            ),
            render_kw={"autocomplete": "new-password"},
        ),
        PasswordField(
            _l("Repeat the new password"),
            validators=[DataRequired(), EqualTo("new_password", _l("The passwords differ."))],
            render_kw={"autocomplete": "new-password"},
        ),
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, confirm_password = new_password_fields()
    submit = SubmitField(_l("Change password"))
