"""Forms of the hub's workplace: a legal basis and a request to open information in an emergency."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.consent.store import LEGAL_GROUNDS
from webapp.dates import DayField
from webapp.plan.forms import AfspraakForm

DATE_HINT = _l("Day, month, year, for example 31-03-2026.")
MAX_LEGAL_YEARS = 5


def add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
KIND_CHOICES = [("plan", _l("Plan and goals")), ("evaluations", _l("Evaluation answers")),
                ("youth_comments", _l("Comments of the youth"))]
GROUND_CHOICES = [("jeugdbescherming", _l("a child protection measure (jeugdbescherming)")),
                  ("court_order", _l("a decision of the court")),
                  ("legal_duty", _l("a legal duty of the organisation"))]
assert {value for value, _label in GROUND_CHOICES} == set(LEGAL_GROUNDS)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LegalBasisForm(FlaskForm):
    client_id = HiddenField()
    kind = SelectField(_l("Which information"), choices=lambda: KIND_CHOICES)
    ground = SelectField(_l("Legal ground"), choices=lambda: GROUND_CHOICES)
    source = StringField(_l("Source"), filters=[_strip],
                         description=_l("For example the number and date of the decision."),
                         validators=[DataRequired(_l("Say where the legal ground comes from.")),
                                     Length(max=300, message=_l("Use at most %(n)s characters.", n=300))])
    starts_on = DayField(_l("From"), validators=[DataRequired(_l("Fill in a date like 31-03-2026."))],
                         description=DATE_HINT)
    ends_on = DayField(_l("Until (optional)"), validators=[Optional()], description=DATE_HINT)

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end cannot be before the start."))
        if field.data and self.starts_on.data and field.data > add_years(self.starts_on.data, MAX_LEGAL_YEARS):
            raise ValidationError(_l("A legal ground is recorded for at most %(years)s years. Record it again when "
                                     "it is renewed.", years=MAX_LEGAL_YEARS))

    def validate_source(self, field):
        if field.data and len(field.data) < 8:
            raise ValidationError(_l("Say where the legal ground comes from, for example the number and date of "
                                     "the decision."))


class EmergencyForm(FlaskForm):
    client_id = HiddenField()
    kind = SelectField(_l("Which information"), choices=lambda: KIND_CHOICES)
    reason = TextAreaField(_l("Why is this needed now?"), filters=[_strip],
                           description=_l("Describe the serious concern about safety. The family sees this reason."),
                           validators=[DataRequired(_l("Write the reason first.")),
                                       Length(min=20, max=1000, message=_l("Write between %(min)s and %(max)s characters.",
                                                                           min=20, max=1000))])
    ends_on = DayField(_l("Until (optional; without a date only for today)"), validators=[Optional()],
                       description=DATE_HINT)


class ReviewNoteForm(FlaskForm):
    """Terugkoppeling to the family, about one goal or the whole plan."""

    client_id = HiddenField()
    goal = SelectField(_l("About which goal?"), validators=[Optional()])
    text = TextAreaField(_l("Your feedback to the family"), filters=[_strip],
                         validators=[DataRequired(_l("Write your feedback first.")),
                                     Length(max=1000, message=_l("Use at most %(n)s characters.", n=1000))])


class HubAfspraakForm(AfspraakForm):
    """An afspraak your organisation proposes to do: the family's afspraak form (the same fields,
    limits and date rule), where who does it is always the organisation."""

    who = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.due.description = DATE_HINT


class MomentForm(FlaskForm):
    """The next evaluation moment: when, what it is called, which goals it looks at."""

    client_id = HiddenField()
    on = DayField(_l("Date"), validators=[DataRequired(_l("Fill in a date like 31-03-2026."))], description=DATE_HINT)
    title = StringField(_l("Name of the moment"), filters=[_strip],
                        validators=[DataRequired(_l("Give the moment a name, for example 'Evaluation of the plan'.")),
                                    Length(max=120, message=_l("Use at most %(n)s characters.", n=120))])
    goals = SelectMultipleField(_l("Which goals are evaluated?"), validators=[Optional()])


OUTCOME_CHOICES = [("continue", _l("Continue")), ("adjust", _l("Adjust")), ("reached", _l("Reached")),
                   ("stop", _l("Stop"))]


class GoalReviewForm(FlaskForm):
    """The joint review of one goal at an evaluation moment."""

    client_id = HiddenField()
    goal = HiddenField()
    outcome = SelectField(_l("Outcome"), choices=lambda: OUTCOME_CHOICES)
    text = TextAreaField(_l("What did you agree together?"), filters=[_strip],
                         validators=[DataRequired(_l("Write down what you agreed.")),
                                     Length(max=1000, message=_l("Use at most %(n)s characters.", n=1000))])


class CloseMomentForm(FlaskForm):
    closing = BooleanField(_l("This was the closing evaluation of the help"))


class InviteFamilyForm(FlaskForm):
    client_id = HiddenField()
    label = StringField(_l("Which family is this code for?"), filters=[_strip],
                        description=_l("Only for you and your colleagues, to keep track. For example: family Bakker, Mila."),
                        validators=[Optional(), Length(max=80, message=_l("Use at most %(n)s characters.", n=80))])
