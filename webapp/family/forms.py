"""Forms to add a child, add the other parent and invite someone."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.dates import DayField
from webapp.people.members import SCHOOL_STAGES


def _strip(value: str | None) -> str:
    return (value or "").strip()


def school_stage_choices():
    labels = {"po": _l("Primary school"), "vo": _l("Secondary school"),
              "vso": _l("Special (secondary) education"), "mbo": _l("MBO"), "none": _l("No school at the moment")}
    return [(stage, labels[stage]) for stage in SCHOOL_STAGES]


class ChildForm(FlaskForm):
    name = StringField(_l("First name"), filters=[_strip],
                       validators=[DataRequired(_l("Fill in the first name.")),
                                   Length(max=80, message=_l("Use at most 80 characters."))])
    birth_date = DayField(_l("Date of birth"), message=_l("Fill in a date of birth, for example 31-03-2014."),
                          validators=[InputRequired(_l("Fill in a date of birth, for example 31-03-2014."))])
    school_stage = SelectField(_l("School"), choices=school_stage_choices)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = today or date.today()

    def validate_birth_date(self, field):
        if field.data > self._today:
            raise ValidationError(_l("The date of birth cannot be in the future."))
        if field.data.year < self._today.year - 27:
            raise ValidationError(_l("OnsPlan is for children and young people up to 27."))


class ParentForm(FlaskForm):
    name = StringField(_l("Name of the other parent"), filters=[_strip],
                       validators=[DataRequired(_l("Fill in the name.")),
                                   Length(max=80, message=_l("Use at most 80 characters."))])
    has_gezag = BooleanField(_l("Has parental authority (gezag)"), default=True)


class InviteForm(FlaskForm):
    person_id = SelectField(_l("Who do you want to invite?"),
                            validators=[DataRequired(_l("Choose who you want to invite."))])


class HubCodeForm(FlaskForm):
    """A school's or wijkteam's code for a family that already uses OnsPlan."""

    code = StringField(_l("Code from the school or wijkteam"), filters=[_strip],
                       description=_l("16 letters and digits, for example ABCD-EFGH-JKLM-NPQR."),
                       validators=[DataRequired(_l("Fill in the code you got from the school or wijkteam."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class InvolvementForm(FlaskForm):
    """Which children an organisation works with."""

    children = SelectMultipleField(_l("Works with"), validate_choice=False)

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children.choices = list(children)

    def validate_children(self, field):
        known = {value for value, _label in field.choices}
        if not field.data or any(child not in known for child in field.data):
            raise ValidationError(_l("Choose at least one child."))


class AddInvolvedForm(InvolvementForm):
    """An organisation of the hub's directory that starts working with one or more children."""

    organisation_id = SelectField(_l("Organisation"), validate_choice=False)
    professional = StringField(_l("Name of the professional (if you know it)"), filters=[_strip],
                               validators=[Length(max=80, message=_l("Use at most 80 characters."))])
    contact = StringField(_l("How to reach them (if you know it)"), filters=[_strip],
                          description=_l("A phone number or e-mail address."),
                          validators=[Length(max=200, message=_l("Use at most 200 characters."))])

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", _l("Choose an organisation"))] + list(organisations)

    def validate_organisation_id(self, field):
        if field.data not in {value for value, _label in field.choices if value}:
            raise ValidationError(_l("Choose an organisation from the list."))
