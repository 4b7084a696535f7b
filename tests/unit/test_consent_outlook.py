"""Unit tests for webapp.consent.outlook: what a person sees and may do, birthdays that pause sharing."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from webapp.consent.outlook import (
    Choice,
    NotDecider,
    birthday_on,
    display_state,
    last_rule_change,
    outlook,
    paused_by_birthday,
    refusal_of_grant,
    why_not_decider,
)
from sync.clock import HybridClock
from webapp.consent.period import Period
from webapp.consent.rules import ConsentDecision, DeciderRole, Domain, SharingStatus, current_decisions

P, Y = DeciderRole.PARENT, DeciderRole.YOUTH
HELP, SCHOOL = Domain.HELP, Domain.SCHOOL
SHARED, NOT_SHARED, WAITING = SharingStatus.SHARED, SharingStatus.NOT_SHARED, SharingStatus.WAITING
GRANT, DECLINE, WITHDRAW = Choice.GRANT, Choice.DECLINE, Choice.WITHDRAW
ONE_DAY = timedelta(days=1)

BORN = date(2010, 6, 15)
MUM, DAD, KID = "fatima", "daan", "sam"
_clock = itertools.count(1)


def at_age(age: int) -> date:
    return BORN.replace(year=BORN.year + age) + timedelta(days=100)


def said(person: str, role: DeciderRole, granted: bool, on: date, clock: int | None = None) -> ConsentDecision:
    tick = next(_clock) if clock is None else clock
    return ConsentDecision(f"d{tick}-{person}", person, role, granted, on, f"{tick:013d}-000000-n")


# person, role, age, domain, decisions (person, role, yes?), expected status, waiting for, choices
CASES = [
    # under 12: parents decide alone
    (MUM, P, 9, HELP, [], NOT_SHARED, set(), (GRANT,)),
    (MUM, P, 9, HELP, [(MUM, P, True)], SHARED, set(), (WITHDRAW,)),
    (DAD, P, 9, HELP, [(MUM, P, True)], SHARED, set(), (WITHDRAW,)),  # a no from either parent stops it
    (MUM, P, 9, HELP, [(MUM, P, True), (MUM, P, False)], NOT_SHARED, set(), (GRANT,)),
    (MUM, P, 9, HELP, [(MUM, P, True), (DAD, P, False)], NOT_SHARED, set(), (DECLINE,)),  # her yes waits
    (MUM, P, 9, HELP, [(DAD, P, False)], NOT_SHARED, set(), ()),  # only Daan can undo his no
    # 12 to 15 in help and health: youth and parents both
    (MUM, P, 14, HELP, [(MUM, P, True)], WAITING, {Y}, (DECLINE,)),
    (KID, Y, 14, HELP, [(MUM, P, True)], WAITING, {Y}, (GRANT, DECLINE)),
    (DAD, P, 14, HELP, [(MUM, P, True)], WAITING, {Y}, (DECLINE,)),
    (MUM, P, 14, HELP, [(KID, Y, True)], WAITING, {P}, (GRANT, DECLINE)),
    (KID, Y, 14, HELP, [(MUM, P, True), (KID, Y, True)], SHARED, set(), (WITHDRAW,)),
    (MUM, P, 14, HELP, [(MUM, P, True), (KID, Y, True)], SHARED, set(), (WITHDRAW,)),
    (MUM, P, 14, HELP, [(MUM, P, True), (KID, Y, True), (KID, Y, False)], NOT_SHARED, set(), (DECLINE,)),
    (DAD, P, 14, HELP, [(MUM, P, True), (KID, Y, True), (KID, Y, False)], NOT_SHARED, set(), ()),
    (KID, Y, 14, HELP, [(MUM, P, True), (KID, Y, True), (KID, Y, False)], NOT_SHARED, set(), (GRANT,)),
    (KID, Y, 14, HELP, [(KID, Y, True), (MUM, P, False)], NOT_SHARED, set(), (DECLINE,)),
    # 12 to 17 for school: parents decide, the pupil is heard
    (KID, Y, 14, SCHOOL, [(MUM, P, True)], SHARED, set(), ()),
    (MUM, P, 17, SCHOOL, [], NOT_SHARED, set(), (GRANT,)),
    # 16 and older in help and health: the youth alone
    (KID, Y, 17, HELP, [], NOT_SHARED, set(), (GRANT,)),
    (KID, Y, 17, HELP, [(KID, Y, True)], SHARED, set(), (WITHDRAW,)),
    (MUM, P, 17, HELP, [(KID, Y, True)], SHARED, set(), ()),
    # 18: the student decides about school
    (KID, Y, 18, SCHOOL, [], NOT_SHARED, set(), (GRANT,)),
    (MUM, P, 18, SCHOOL, [], NOT_SHARED, set(), ()),
]


@pytest.mark.parametrize("person, role, age, domain, made, status, waiting, choices", CASES)
def test_each_person_gets_the_buttons_the_rules_allow(person, role, age, domain, made, status, waiting, choices):
    day = at_age(age)
    decisions = [said(who, r, yes, day - timedelta(days=10)) for who, r, yes in made]
    view = outlook(person, role, BORN, domain, decisions, day)
    assert view.status is status
    assert view.waiting_for == frozenset(waiting)
    assert view.choices == choices


def test_a_person_without_gezag_gets_no_buttons_but_sees_the_state():
    day = at_age(9)
    view = outlook("ayla", None, BORN, HELP, [said(MUM, P, True, day)], day)
    assert view.status is SHARED and view.choices == ()


def test_current_decisions_are_each_deciders_latest_that_still_counts():
    day = at_age(16)
    parent_at_15 = said(MUM, P, True, at_age(15))
    first, last = said(KID, Y, True, at_age(15)), said(KID, Y, False, day)
    assert current_decisions(BORN, HELP, [parent_at_15, first, last], day) == [last]


def test_a_withdrawal_concurrent_with_a_grant_wins():
    day = at_age(14)
    phone = HybridClock("p4c1e2a9", wall_ms=lambda: 1_767_225_603_000)
    space = HybridClock("f8d0b7c3", wall_ms=lambda: 1_767_225_600_000)
    mum = ConsentDecision("d-mum", MUM, P, True, day, str(space.now()))
    kid = ConsentDecision("d-kid", KID, Y, True, day, str(space.now()))
    # Sam says no on the family space and yes on the phone, both based on his first yes:
    # the yes has the later clock, the no still wins.
    no = ConsentDecision("d-no", KID, Y, False, day, str(space.now()), based_on="d-kid")
    yes = ConsentDecision("d-yes", KID, Y, True, day, str(phone.now()), based_on="d-kid")
    assert yes.clock > no.clock
    for decisions in ([mum, kid, no, yes], [mum, kid, yes, no]):
        view = outlook(MUM, P, BORN, HELP, decisions, day)
        assert view.status is NOT_SHARED and view.stopped_by == KID


def test_who_stopped_sharing_is_named():
    day = at_age(14)
    decisions = [said(MUM, P, True, day), said(KID, Y, False, day)]
    assert outlook(MUM, P, BORN, HELP, decisions, day).stopped_by == KID


def test_a_yes_is_refused_while_another_persons_no_stands():
    day = at_age(14)
    decisions = [said(MUM, P, True, day), said(KID, Y, True, day), said(KID, Y, False, day)]
    assert refusal_of_grant(MUM, BORN, HELP, decisions, day) == KID
    assert refusal_of_grant(KID, BORN, HELP, decisions, day) is None  # the youth may change their own no


def test_a_yes_is_not_refused_after_the_own_no_or_without_decisions():
    day = at_age(9)
    assert refusal_of_grant(MUM, BORN, HELP, [], day) is None
    assert refusal_of_grant(MUM, BORN, HELP, [said(MUM, P, False, day)], day) is None


def test_a_decision_dated_after_the_day_is_not_yet_seen():
    day = at_age(9)
    assert outlook(MUM, P, BORN, HELP, [said(MUM, P, True, day + ONE_DAY)], day).status is NOT_SHARED


@pytest.mark.parametrize("role, age, domain, expected", [
    (P, 11, HELP, None),
    (P, 14, HELP, None),
    (P, 16, HELP, NotDecider.YOUTH_DECIDES_ALONE),
    (P, 17, SCHOOL, None),
    (P, 18, SCHOOL, NotDecider.ADULT_DECIDES),
    (Y, 11, HELP, NotDecider.PARENTS_DECIDE_UNDER_12),
    (Y, 12, HELP, None),
    (Y, 14, SCHOOL, NotDecider.PARENTS_DECIDE),
    (Y, 17, SCHOOL, NotDecider.PARENTS_DECIDE),
    (Y, 18, SCHOOL, None),
    (None, 9, HELP, NotDecider.NO_GEZAG),
    (None, 17, SCHOOL, NotDecider.NO_GEZAG),
])
def test_why_someone_may_not_decide(role, age, domain, expected):
    assert why_not_decider(role, BORN, domain, at_age(age)) is expected


@pytest.mark.parametrize("born, age, expected", [
    (date(2010, 6, 15), 12, date(2022, 6, 15)),
    (date(2012, 2, 29), 12, date(2024, 2, 29)),  # a leap year
    (date(2012, 2, 29), 16, date(2028, 2, 29)),
    (date(2008, 2, 29), 18, date(2026, 3, 1)),  # 2026 has no 29 February
])
def test_birthdays_fall_on_1_march_for_a_29_february_child_in_other_years(born, age, expected):
    assert birthday_on(born, age) == expected


@pytest.mark.parametrize("age, domain, expected_birthday", [
    (11, HELP, None),
    (12, HELP, 12),
    (15, HELP, 12),
    (16, HELP, 16),
    (19, HELP, 16),
    (17, SCHOOL, None),  # at 12 the pupil is heard, but the parents still decide
    (18, SCHOOL, 18),
])
def test_last_birthday_that_changed_who_decides(age, domain, expected_birthday):
    expected = None if expected_birthday is None else birthday_on(BORN, expected_birthday)
    assert last_rule_change(BORN, domain, at_age(age)) == expected


def test_turning_12_pauses_what_the_parent_shared_until_the_youth_decides():
    twelve = birthday_on(BORN, 12)
    parent_yes = said(MUM, P, True, twelve - timedelta(days=30))
    assert display_state(BORN, HELP, [parent_yes], twelve - ONE_DAY)[0] is SHARED
    assert display_state(BORN, HELP, [parent_yes], twelve) == (WAITING, frozenset({Y}), None)
    assert paused_by_birthday(KID, BORN, HELP, [parent_yes], twelve)
    assert outlook(KID, Y, BORN, HELP, [parent_yes], twelve).choices == (GRANT, DECLINE)
    youth_no = said(KID, Y, False, twelve + ONE_DAY)
    assert not paused_by_birthday(KID, BORN, HELP, [parent_yes, youth_no], twelve + ONE_DAY)
    youth_yes = said(KID, Y, True, twelve + ONE_DAY)
    assert display_state(BORN, HELP, [parent_yes, youth_yes], twelve + ONE_DAY)[0] is SHARED


def test_turning_12_does_not_pause_the_school_plan():
    twelve = birthday_on(BORN, 12)
    parent_yes = said(MUM, P, True, twelve - timedelta(days=30))
    assert display_state(BORN, SCHOOL, [parent_yes], twelve)[0] is SHARED
    assert not paused_by_birthday(KID, BORN, SCHOOL, [parent_yes], twelve)


def test_turning_16_pauses_what_only_the_parent_agreed_to():
    sixteen = birthday_on(BORN, 16)
    before = sixteen - timedelta(days=30)
    both = [said(MUM, P, True, before), said(KID, Y, True, before)]
    assert display_state(BORN, HELP, both, sixteen)[0] is SHARED  # the youth's own yes still counts
    assert not paused_by_birthday(KID, BORN, HELP, both, sixteen)
    parent_only_at_11 = [said(MUM, P, True, birthday_on(BORN, 11))]
    assert display_state(BORN, HELP, parent_only_at_11, sixteen) == (WAITING, frozenset({Y}), None)


def test_turning_18_hands_the_school_plan_to_the_student():
    eighteen = birthday_on(BORN, 18)
    parent_yes = [said(MUM, P, True, eighteen - timedelta(days=30))]
    assert display_state(BORN, SCHOOL, parent_yes, eighteen)[0] is WAITING
    assert paused_by_birthday(KID, BORN, SCHOOL, parent_yes, eighteen)
    assert outlook(MUM, P, BORN, SCHOOL, parent_yes, eighteen).choices == ()


def test_a_29_february_child_is_paused_on_1_march_in_a_year_without_29_february():
    leapling = date(2008, 2, 29)  # 12 on 29 February 2020 (a leap year), 18 on 1 March 2026
    parent_yes = [said(MUM, P, True, date(2019, 12, 1))]
    assert display_state(leapling, HELP, parent_yes, date(2020, 2, 28))[0] is SHARED
    assert paused_by_birthday(KID, leapling, HELP, parent_yes, date(2020, 2, 29))
    school_yes = [said(MUM, P, True, date(2026, 1, 10))]  # 2026 has no 29 February: 18 on 1 March
    assert display_state(leapling, SCHOOL, school_yes, date(2026, 2, 28))[0] is SHARED
    assert not paused_by_birthday(KID, leapling, SCHOOL, school_yes, date(2026, 2, 28))
    assert paused_by_birthday(KID, leapling, SCHOOL, school_yes, date(2026, 3, 1))


def test_a_parent_no_after_the_birthday_is_not_called_a_pause():
    twelve = birthday_on(BORN, 12)
    decisions = [said(MUM, P, True, twelve - timedelta(days=30)), said(MUM, P, False, twelve + ONE_DAY)]
    assert not paused_by_birthday(KID, BORN, HELP, decisions, twelve + ONE_DAY)


@pytest.mark.parametrize("start, end, day, inside", [
    (None, None, date(2026, 1, 1), True),
    (date(2026, 1, 1), None, date(2025, 12, 31), False),
    (date(2026, 1, 1), None, date(2026, 1, 1), True),
    (None, date(2026, 1, 31), date(2026, 1, 31), True),
    (None, date(2026, 1, 31), date(2026, 2, 1), False),
])
def test_a_period_includes_both_ends(start, end, day, inside):
    assert Period(start, end).contains(day) is inside


def test_an_emergency_overlapping_the_period_is_included():
    period = Period(date(2026, 1, 10), date(2026, 1, 20))
    assert period.overlaps(date(2026, 1, 1), date(2026, 1, 10))
    assert period.overlaps(date(2026, 1, 20), date(2026, 2, 1))
    assert not period.overlaps(date(2026, 1, 1), date(2026, 1, 9))
    assert not period.overlaps(date(2026, 1, 21), date(2026, 1, 22))
