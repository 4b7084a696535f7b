"""Dates as people type them: the Dutch way (31-03-2014, also with / or .) and ISO (2014-03-31).

One parser for every date field, so a date that cannot be read is a message at the field,
never a server error.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

_DUTCH = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
MAX_DATE_TEXT = 40  # nobody types a longer date; longer input is refused before parsing


def parse_day(text: str | None) -> date | None:
    """The date in `text` (dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj, dd.mm.jjjj or jjjj-mm-dd), or None."""
    text = (text or "").strip()
    if len(text) > MAX_DATE_TEXT:
        return None
    try:
        if match := _DUTCH.fullmatch(text):
            day, _sep, month, year = match.groups()
            return date(int(year), int(month), int(day))
        if match := _ISO.fullmatch(text):
            return date(*(int(part) for part in match.groups()))
    except ValueError:  # 30 February, month 13, year 0
        return None
    return None


def dutch(day: date) -> str:
    """31-03-2014."""
    return day.strftime("%d-%m-%Y") if day.year >= 1000 else ""


class DayField(StringField):
    """A date typed as people do; a text that is no date stops validation with `message`.

    Rendered with type="date" the browser sends ISO; typed by hand (or without a date picker)
    the Dutch way works too. What was typed is shown again after an error."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Fill in a date like 31-03-2026.")

    def process_formdata(self, valuelist):
        self.raw_text = ((valuelist[0] if valuelist else "") or "").strip()
        if valuelist:
            self.raw_data = [self.raw_text]  # only spaces counts as empty for InputRequired and Optional
        self.data = parse_day(self.raw_text)

    def pre_validate(self, form):
        if getattr(self, "raw_text", "") and self.data is None:
            self.errors[:] = []
            raise StopValidation(self.message)

    def _value(self):
        if self.data is not None:
            return self.data.isoformat() if isinstance(self.data, (date, datetime)) else str(self.data)
        return getattr(self, "raw_text", "") or ""
