"""Forms of the plan: propose or change a goal, comment, add an afspraak."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.dates import DayField
from webapp.plan.labels import GAS_LEVEL_LABELS, LIFE_DOMAIN_LABELS
from webapp.plan.rules import GAS_LEVELS


def _strip(value: str | None) -> str:
    return (value or "").strip()


def _valid_client_id(_form, field):
    """Forms carry an id made when the form was shown, so sending twice never stores twice."""
    if field.data:
        try:
            uuid.UUID(field.data)
        except ValueError:
            raise ValidationError(_l("This form is damaged. Reload the page and try again.")) from None


class GoalForm(FlaskForm):
    client_id = HiddenField(validators=[_valid_client_id])
    life_domain = SelectField(_l("Life domain"), choices=lambda: list(LIFE_DOMAIN_LABELS.items()),
                              validators=[DataRequired(_l("Choose a life domain."))])
    title = TextAreaField(_l("What should be reached?"), filters=[_strip],
                          description=_l("Describe it so that everyone can see when it is reached."),
                          validators=[DataRequired(_l("Describe what should be reached.")),
                                      Length(max=500, message=_l("Use at most %(n)s characters.", n=500))])
    strengths = TextAreaField(_l("Strengths to build on"), filters=[_strip],
                              description=_l("What already goes well? Who can help?"),
                              validators=[Length(max=1000, message=_l("Use at most %(n)s characters.", n=1000))])
    use_gas = BooleanField(_l("Describe five levels"))
    gas_levels = {level: f"gas_{'m' if level < 0 else 'p'}{abs(level)}" for level in GAS_LEVELS}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.use_gas.data:
            for level, name in self.gas_levels.items():
                field = getattr(self, name)
                if not field.data:
                    field.errors = list(field.errors) + [_l("Describe this level, or switch the five levels off.")]
                    ok = False
        return ok

    def gas_values(self) -> list[str] | None:
        return [getattr(self, name).data for name in self.gas_levels.values()] if self.use_gas.data else None


for _level, _name in GoalForm.gas_levels.items():
    setattr(GoalForm, _name, StringField(GAS_LEVEL_LABELS[_level], filters=[_strip],
                                         validators=[Length(max=300, message=_l("Use at most %(n)s characters.", n=300))]))


class CommentForm(FlaskForm):
    client_id = HiddenField(validators=[_valid_client_id])
    text = TextAreaField(_l("Your comment"), filters=[_strip],
                         validators=[DataRequired(_l("Write your comment first.")),
                                     Length(max=1000, message=_l("Use at most %(n)s characters.", n=1000))])
    question = HiddenField()


class AfspraakForm(FlaskForm):
    client_id = HiddenField(validators=[_valid_client_id])
    what = StringField(_l("What will be done?"), filters=[_strip],
                       validators=[DataRequired(_l("Describe what will be done.")),
                                   Length(max=300, message=_l("Use at most %(n)s characters.", n=300))])
    who = SelectField(_l("Who does it?"), validators=[DataRequired(_l("Choose who does it."))])
    due = DayField(_l("By when? (optional)"), validators=[Optional()])
    goal = SelectField(_l("For which goal? (optional)"), validators=[Optional()])

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = today or date.today()

    def validate_due(self, field):
        if field.data and field.data < self._today - timedelta(days=1):
            raise ValidationError(_l("Choose a date from today on."))
        if field.data and field.data > self._today + timedelta(days=3 * 365):
            raise ValidationError(_l("Choose a date within three years."))
