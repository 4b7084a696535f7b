"""Sign-in, join and invitation forms; every message is translated."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from sync.wire import normalise_code
from webapp.auth.passwords import MIN_PASSWORD_LENGTH

LOGIN_NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,39}$"


def normalise_login(value: str | None) -> str:
    return (value or "").strip().lower()


class LoginForm(FlaskForm):
    login = StringField(_l("Username"), filters=[normalise_login],
                        validators=[DataRequired(_l("Fill in your username."))],
                        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Fill in your password."))],
                             render_kw={"autocomplete": "current-password"})


class FamilyLoginForm(LoginForm):
    not_my_phone = BooleanField(
        _l("This is not my phone"),
        description=_l("Nothing is kept on this phone, and you are signed out when you close the browser."))


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"),
                       filters=[lambda v: re.sub(r"\s", "", v or "")],
                       validators=[DataRequired(_l("Fill in the 6-digit code.")),
                                   Regexp(r"^\d{6}$", message=_l("The code has 6 digits."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class InvitationCodeForm(FlaskForm):
    code = StringField(_l("Invitation code"), filters=[normalise_code],
                       validators=[DataRequired(_l("Fill in the code from your invitation.")),
                                   # A pattern, not Length: Length would give the input a maxlength that cuts off dashes.
                                   Regexp(r"^[A-Z0-9]{12}$", message=_l("An invitation code has 12 letters and digits, or 16 when it comes from a school or wijkteam."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class NewAccountForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[lambda v: (v or "").strip()],
                       validators=[Length(max=80, message=_l("Use at most 80 characters."))],
                       render_kw={"autocomplete": "name"})
    login = StringField(
        _l("Choose a username"), filters=[normalise_login],
        description=_l("3 to 40 characters: letters, digits, dot, dash or underscore."),
        validators=[DataRequired(_l("Choose a username.")),
                    Regexp(LOGIN_NAME_PATTERN, message=_l("Use 3 to 40 characters: letters, digits, dot, dash or underscore."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least %(n)s characters. A sentence you can remember works well.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("Choose a password.")),
                    Length(min=MIN_PASSWORD_LENGTH, max=200,
                           message=_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(_l("Fill in the password again.")),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, name_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._name_required = name_required

    def validate_name(self, field):
        if self._name_required and not field.data:
            raise ValidationError(_l("Fill in your name."))
