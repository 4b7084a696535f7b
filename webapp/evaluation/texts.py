"""Words the family sees in evaluations (translated): respondents, statuses, messages per problem."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from webapp.evaluation import answers, rules
from webapp.evaluation.questionnaires import GAS, TEXT_MAX_LENGTH

STATUS_LABELS = {rules.DRAFT: _l("Draft"), rules.SUBMITTED: _l("Sent")}

ERRORS = {
    answers.MISSING: _l("Answer this question."),
    answers.INVALID: _l("This answer is not possible. Choose one of the answers."),
}

QUESTIONNAIRE_CHANGED = _l("The questions have changed since you opened this page. "
                           "Check your answers and send them again.")
FORM_DAMAGED = _l("This form is damaged. Reload the page and try again.")
ALREADY_SENT = _l("You already sent these answers. Choose “Change my answers” to make a new version.")
STALE = _l("Your answers were changed on another page or phone. Look at them again below.")
CLOSED = _l("This evaluation moment is closed. You can no longer give answers.")
UNKNOWN_QUESTIONNAIRE = _l("These answers belong to a list of questions that no longer exists.")


def error_message(code: str) -> str:
    if code == answers.TOO_LONG:
        return _("Use at most %(n)s characters.", n=TEXT_MAX_LENGTH)
    return str(ERRORS[code])


def respondent_name(respondent: str, author_name: str, child_name: str) -> str:
    """How an answer is named in results: the person, or the child for the picture version."""
    if respondent == rules.CHILD:
        return _("%(name)s (picture version)", name=child_name)
    return author_name


def my_respondent_title(respondent: str, child_name: str) -> str:
    """Heading on the moment page for one of the signed-in person's own answers."""
    if respondent == rules.CHILD:
        return _("Together with %(name)s (picture version)", name=child_name)
    return _("Your own answers")


def names(people) -> str:
    people = list(people)
    return people[0] if len(people) == 1 else _("%(some)s and %(last)s", some=", ".join(people[:-1]), last=people[-1])


def trend_sentence(trend, me: str | None = None) -> str:
    """One plain sentence per goal about how it went since the evaluation before; the reader's own
    answers (`me`, their name in the results) are "jij" and "jou", not their name."""

    def subject(people):
        return names([pgettext("the reader, as subject", "you") if p == me else p for p in people])

    def after_for(people):
        return names([pgettext("the reader, after 'for'", "you") if p == me else p for p in people])

    if trend.first_only:
        return _("There is one evaluation so far. After the next one you see here whether it goes better.")
    parts = []
    if trend.better == (me,) and me:
        parts.append(_("you see progress since the evaluation before"))
    elif trend.better:
        parts.append(_("%(names)s see progress since the evaluation before", names=subject(trend.better))
                     if len(trend.better) > 1 else
                     _("%(names)s sees progress since the evaluation before", names=subject(trend.better)))
    if trend.same:
        parts.append(_("for %(names)s it stayed the same", names=after_for(trend.same)))
    if trend.worse:
        parts.append(_("for %(names)s it went less well", names=after_for(trend.worse)))
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def scale_range(kind: str, options) -> str:
    """What the lowest and highest value of a chart mean."""
    if kind == GAS:
        return _("From −2 (much less than expected) to +2 (much more than expected).")
    low, high = options[0], options[-1]
    return _("From %(low)s (%(low_label)s) to %(high)s (%(high_label)s).", low=low.value, high=high.value,
             low_label=low.label, high_label=high.label)


def respondent_intro(respondent: str, child_name: str) -> str:
    if respondent == rules.YOUTH:
        return _("These are your own answers. Your parents only see them if you choose to show them. "
                 "Below it says who else can read them.")
    if respondent == rules.CHILD:
        return _("Fill this in together with %(name)s. Read each question aloud and let %(name)s choose a face.",
                 name=child_name)
    return _("Answer for yourself. Other family members give their own answers.")


def scale_tick(kind: str, value: int) -> str:
    """A short label on the chart's axis: GAS levels with their sign."""
    if kind == GAS:
        return f"{value:+d}".replace("-", "−") if value else "0"
    return str(value)
