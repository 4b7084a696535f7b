"""Plain words for consent: what each kind of information shows, why someone may not decide.

Translated at request time (gettext); the English text is the message id.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from webapp.consent.outlook import NotDecider
from webapp.consent.rules import Basis, Domain, InfoKind

# Families and their organisations are in the Netherlands: times are shown in Dutch time.
LOCAL_TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def kind_label(kind: InfoKind, child_name: str) -> str:
    """Short name of a kind of information, as a heading."""
    if kind is InfoKind.PLAN:
        return _("The plan and goals")
    if kind is InfoKind.EVALUATIONS:
        return _("Answers in evaluations")
    return _("What %(name)s writes", name=child_name)


def kind_description(kind: InfoKind, organisation: str, child_name: str) -> str:
    """What the organisation will see when this kind is shared."""
    if kind is InfoKind.PLAN:
        return _("%(organisation)s sees the goals and actions in the plan of %(name)s, "
                 "and when the evaluation moments are.", organisation=organisation, name=child_name)
    if kind is InfoKind.EVALUATIONS:
        return _("%(organisation)s sees the answers your family gives in evaluations: "
                 "how the goals are going and how satisfied you are.", organisation=organisation)
    return _("%(organisation)s sees what %(name)s writes in the plan.", organisation=organisation, name=child_name)


def domain_label(domain: Domain) -> str:
    return _("School") if domain is Domain.SCHOOL else _("Help and health")


def ground_label(ground: str) -> str:
    """The legal ground in plain words; an unknown ground is shown as stored."""
    labels = {
        "jeugdbescherming": _("a child protection measure (jeugdbescherming)"),
        "court_order": _("a decision of the court"),
        "legal_duty": _("a legal duty of the organisation"),
    }
    return labels.get(ground, ground)


def basis_label(basis: Basis | None) -> str:
    if basis is None:
        return _("shared before you stopped sharing; the school or help had not yet heard it")
    return {Basis.CONSENT: _("consent"), Basis.LEGAL: _("legal ground"), Basis.EMERGENCY: _("emergency")}[basis]


def not_decider_text(reason: NotDecider, child_name: str) -> str:
    """Why this person does not decide here, in one or two short sentences."""
    texts = {
        NotDecider.NO_GEZAG: _("Only parents with parental authority (gezag) decide about sharing."),
        NotDecider.OTHER_CHILD: _("You decide only about your own information."),
        NotDecider.YOUTH_DECIDES_ALONE: _("%(name)s is 16 or older and decides alone about sharing with "
                                          "help and health.", name=child_name),
        NotDecider.ADULT_DECIDES: _("%(name)s is 18 or older and decides about sharing with school.",
                                    name=child_name),
        NotDecider.PARENTS_DECIDE: _("Your parents decide about sharing with school until you are 18. "
                                     "You have the right to say what you think."),
        NotDecider.PARENTS_DECIDE_UNDER_12: _("Parents with parental authority decide until %(name)s is 12.",
                                              name=child_name),
    }
    return texts[reason]


def names_text(names: list[str]) -> str:
    """'Sam', 'Fatima or Daan', 'Fatima, Daan or Ayla'."""
    if not names:
        return _("a parent with parental authority")
    if len(names) == 1:
        return names[0]
    return _("%(names)s or %(last)s", names=", ".join(names[:-1]), last=names[-1])


def long_date(day: date) -> str:
    """A day as every page writes it: "3 december 2026" / "3 December 2026" (one style per language)."""
    return format_date(day, "d MMMM y")


def local_day(moment: datetime) -> date:
    """The day in the Netherlands of a moment stored in UTC."""
    return moment.astimezone(LOCAL_TIME_ZONE).date()


def local_time(moment: datetime) -> str:
    """A moment as a date and time in the Netherlands, in the reader's language."""
    return format_datetime(moment, "d MMMM y, HH:mm", tzinfo=LOCAL_TIME_ZONE, locale=get_locale())
