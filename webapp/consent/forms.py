"""Forms of the consent pages: a yes or no, and the period of the access overview."""
from __future__ import annotations


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf, InputRequired, Optional, Regexp, ValidationError

from webapp.consent.period import Period
from webapp.dates import parse_day

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _strip(value: str | None) -> str:
    return (value or "").strip()


class DecisionForm(FlaskForm):
    """One yes or no. ``decision_id`` is made when the page is shown: a replay stores nothing twice."""

    answer = StringField(validators=[InputRequired(_l("Choose yes or no.")),
                                     AnyOf(("yes", "no"), message=_l("Choose yes or no."))])
    decision_id = StringField(filters=[_strip], validators=[
        Optional(), Regexp(UUID_PATTERN, message=_l("This form is not complete. Reload the page and try again."))])
    # The person's own decision the page showed ("" when they had none): a decision is based on it.
    based_on = StringField(filters=[_strip], validators=[
        Optional(), Regexp(UUID_PATTERN, message=_l("This form is not complete. Reload the page and try again."))])


class PeriodForm(FlaskForm):
    """The period of the access overview, sent as a GET query: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    van = StringField(_l("From"), filters=[_strip], description=_l("For example 01-03-2026."),
                      validators=[Optional()])
    tot = StringField(_l("Up to and including"), filters=[_strip], description=_l("For example 31-03-2026."),
                      validators=[Optional()])

    def validate_van(self, field):
        if parse_day(field.data) is None:
            raise ValidationError(_l("Fill in a date like 31-03-2026."))

    def validate_tot(self, field):
        end = parse_day(field.data)
        if end is None:
            raise ValidationError(_l("Fill in a date like 31-03-2026."))
        start = parse_day(self.van.data or "")
        if start is not None and end < start:
            raise ValidationError(_l("This date is before the start date. Choose a later date."))

    @property
    def period(self) -> Period:
        """The chosen period after a successful validate(); an empty field is an open end."""
        return Period(parse_day(self.van.data or ""), parse_day(self.tot.data or ""))
