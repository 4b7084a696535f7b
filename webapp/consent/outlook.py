"""What one person sees and may do about one organisation and kind of information.

Pure functions on top of ``rules``: no storage, no web framework. ``rules`` answers
whether information flows; this module answers what the page shows and which buttons
a person gets, and why a request is refused. Callers pass only the decisions of one
child, organisation and kind, made by people who may still decide (parents with gezag
and the child); decisions of someone who lost gezag are left out before they get here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Iterable

from webapp.consent.rules import (
    ConsentDecision,
    DeciderRole,
    Domain,
    SharingStatus,
    current_decisions,
    latest_per_person,
    may_decide,
    sharing_state,
    who_decides,
)

_RULE_CHANGE_AGES = (18, 16, 12)  # the birthdays on which who decides can change


class Choice(Enum):
    """A button a decider gets on the consent page."""

    GRANT = "grant"  # say yes (again)
    DECLINE = "decline"  # say no while nothing is shared: nothing stops, so no confirmation
    WITHDRAW = "withdraw"  # say no while shared: asks for confirmation first


class NotDecider(Enum):
    """Why a person may not give or withdraw consent for this child and domain."""

    NO_GEZAG = "no_gezag"  # a parent without parental authority
    OTHER_CHILD = "other_child"  # a youth decides only about themself
    YOUTH_DECIDES_ALONE = "youth_decides_alone"  # help and health from 16
    ADULT_DECIDES = "adult_decides"  # school plan from 18
    PARENTS_DECIDE = "parents_decide"  # school plan before 18; the pupil is heard
    PARENTS_DECIDE_UNDER_12 = "parents_decide_under_12"  # help and health before 12


@dataclass(frozen=True)
class Outlook:
    """The state of one organisation and kind as one person sees it."""

    status: SharingStatus
    waiting_for: frozenset[DeciderRole]  # who still has to say yes (empty unless WAITING)
    stopped_by: str | None  # person id whose no keeps it from being shared
    choices: tuple[Choice, ...]
    my_yes: bool  # this person's yes counts now


def _happened(decisions: Iterable[ConsentDecision], birth_date: date, day: date) -> list[ConsentDecision]:
    return [d for d in decisions if birth_date <= d.decided_on <= day]


def _someone_wants_to_share(decisions: list[ConsentDecision]) -> bool:
    """True when somebody's latest decision is a yes, whether or not it still counts (the same
    rule as ``rules.latest_per_person``: among concurrent decisions a no wins)."""
    return any(d.granted for d in latest_per_person(decisions))


def display_state(
    birth_date: date, domain: Domain, decisions: Iterable[ConsentDecision], day: date
) -> tuple[SharingStatus, frozenset[DeciderRole], str | None]:
    """Status, who it waits for and who stopped it, as the family sees it on `day`.

    Same as ``rules.sharing_state``, except that a yes that stopped counting because of a
    birthday shows as waiting for the new decider: it is paused, not silently dropped.
    """
    happened = _happened(decisions, birth_date, day)
    state = sharing_state(birth_date, domain, happened, day)
    if state.status is SharingStatus.NOT_SHARED and state.withdrawn_by is None and _someone_wants_to_share(happened):
        required = who_decides(birth_date, domain, day).required
        said_yes = {d.role for d in current_decisions(birth_date, domain, happened, day) if d.granted}
        return SharingStatus.WAITING, frozenset(required - said_yes), None
    return state.status, state.waiting_for, state.withdrawn_by


def others_no(person_id: str, birth_date: date, domain: Domain, decisions: Iterable[ConsentDecision],
              day: date) -> str | None:
    """The person whose standing no blocks sharing, other than `person_id` (earliest no first)."""
    standing = [d for d in current_decisions(birth_date, domain, decisions, day)
                if not d.granted and d.person_id != person_id]
    return min(standing, key=lambda d: (d.clock, d.person_id)).person_id if standing else None


def outlook(
    person_id: str,
    role: DeciderRole | None,
    birth_date: date,
    domain: Domain,
    decisions: Iterable[ConsentDecision],
    day: date,
) -> Outlook:
    """What `person_id` (deciding as `role`, or None for no right at all) sees and may do on `day`."""
    decisions = _happened(decisions, birth_date, day)
    status, waiting_for, stopped_by = display_state(birth_date, domain, decisions, day)
    current = current_decisions(birth_date, domain, decisions, day)
    my_yes = any(d.person_id == person_id and d.granted for d in current)
    choices: tuple[Choice, ...] = ()
    if role is not None and may_decide(role, birth_date, domain, day):
        if status is SharingStatus.SHARED:
            choices = (Choice.WITHDRAW,)
        elif my_yes:
            choices = (Choice.DECLINE,)  # take back a yes that waits or is blocked
        elif others_no(person_id, birth_date, domain, decisions, day):
            choices = ()  # only the person who said no can undo it
        elif status is SharingStatus.WAITING:
            # Asked to agree; or my role's yes came from the other parent and I may still say no.
            choices = (Choice.GRANT, Choice.DECLINE) if role in waiting_for else (Choice.DECLINE,)
        else:
            choices = (Choice.GRANT,)
    return Outlook(status, waiting_for, stopped_by, choices, my_yes)


def refusal_of_grant(person_id: str, birth_date: date, domain: Domain, decisions: Iterable[ConsentDecision],
                     day: date) -> str | None:
    """The person whose no stands in the way of this person's yes, or None when a yes may be stored.

    A no is never refused: a withdrawal never waits for anyone.
    """
    return others_no(person_id, birth_date, domain, _happened(decisions, birth_date, day), day)


def why_not_decider(role: DeciderRole | None, birth_date: date, domain: Domain, day: date) -> NotDecider | None:
    """Why this role may not decide on `day`, or None when it may. `None` as role means no gezag."""
    if role is None:
        return NotDecider.NO_GEZAG
    if may_decide(role, birth_date, domain, day):
        return None
    if role is DeciderRole.PARENT:
        return NotDecider.YOUTH_DECIDES_ALONE if domain is Domain.HELP else NotDecider.ADULT_DECIDES
    if domain is Domain.SCHOOL:
        return NotDecider.PARENTS_DECIDE
    return NotDecider.PARENTS_DECIDE_UNDER_12


def birthday_on(birth_date: date, age: int) -> date:
    """The day a child turns `age`; a 29 February child turns a year older on 1 March."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return date(birth_date.year + age, 3, 1)


def last_rule_change(birth_date: date, domain: Domain, day: date) -> date | None:
    """The latest birthday on or before `day` on which who decides in `domain` changed (12, 16 or 18)."""
    for age in _RULE_CHANGE_AGES:
        birthday = birthday_on(birth_date, age)
        if birthday <= day and (who_decides(birth_date, domain, birthday - timedelta(days=1)).required
                                != who_decides(birth_date, domain, birthday).required):
            return birthday
    return None


def paused_by_birthday(
    youth_id: str, birth_date: date, domain: Domain, decisions: Iterable[ConsentDecision], day: date
) -> bool:
    """True when sharing stopped at the last rule-changing birthday and now waits for the youth,
    who has not decided since that birthday."""
    birthday = last_rule_change(birth_date, domain, day)
    if birthday is None:
        return False
    decisions = list(decisions)
    if any(d.person_id == youth_id and birthday <= d.decided_on <= day for d in decisions):
        return False
    before = [d for d in decisions if d.decided_on < birthday]
    shared_before = sharing_state(birth_date, domain, before, birthday - timedelta(days=1)).status
    status, waiting_for, _stopped_by = display_state(birth_date, domain, decisions, day)
    return (shared_before is SharingStatus.SHARED and status is SharingStatus.WAITING
            and DeciderRole.YOUTH in waiting_for)
