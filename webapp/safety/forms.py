"""The safety settings form: lock time and discreet mode."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import ValidationError

from webapp.safety import LOCK_CHOICES_MINUTES


def lock_choices():
    return [(str(m), _l("After %(n)s minutes", n=m)) for m in LOCK_CHOICES_MINUTES]


class SafetySettingsForm(FlaskForm):
    lock_minutes = SelectField(
        _l("When should OnsPlan lock if you do not use it?"), choices=lock_choices, validate_choice=False,
        description=_l("Then you sign in again. What you were typing is kept for you on this phone."))
    discreet = BooleanField(
        _l("Discreet mode"),
        description=_l("The app is called \"Notes\" with a plain icon. Page titles show no names or goals."))

    def validate_lock_minutes(self, field):
        if field.data not in {str(m) for m in LOCK_CHOICES_MINUTES}:
            raise ValidationError(_l("Choose one of the times in the list."))
