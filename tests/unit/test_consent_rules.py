"""Unit tests for webapp.consent.rules (see DOMAIN.md, "Consent (toestemming)")."""
from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.clock import HybridClock, Stamp
from webapp.consent.rules import (
    Basis,
    ConsentDecision,
    DeciderRole,
    DeciderRule,
    Domain,
    EmergencyException,
    InfoKind,
    LegalBasis,
    ReadDecision,
    SharingState,
    SharingStatus,
    age_on,
    birthday_changes,
    domain_for_sector,
    may_decide,
    may_read,
    sharing_state,
    who_decides,
)

P = DeciderRole.PARENT
Y = DeciderRole.YOUTH
HELP = Domain.HELP
SCHOOL = Domain.SCHOOL
SHARED = SharingStatus.SHARED
NOT_SHARED = SharingStatus.NOT_SHARED
WAITING = SharingStatus.WAITING
ONE_DAY = timedelta(days=1)

PARENTS = frozenset({P})
YOUTH = frozenset({Y})
BOTH = frozenset({P, Y})
NOBODY: frozenset[DeciderRole] = frozenset()

BORN = date(2010, 6, 15)


def birthday(n: int, born: date = BORN) -> date:
    """The n-th birthday of a child not born on 29 February."""
    return born.replace(year=born.year + n)


def at_age(n: int) -> date:
    """A day well inside year n of BORN's life (not near a birthday)."""
    return birthday(n) + timedelta(days=100)


_ids = itertools.count(1)


def decision(person: str, role: DeciderRole, granted: bool, on: date, clock: str,
             based_on: ConsentDecision | None = None) -> ConsentDecision:
    return ConsentDecision(f"d{next(_ids)}", person, role, granted, on, clock,
                           based_on.decision_id if based_on else None)


def two_nodes(start_ms: int = 1_767_225_600_000):
    """Real clocks of two nodes (a phone and the family space) whose walls differ by 3 seconds."""
    phone = HybridClock("p4c1e2a9", wall_ms=lambda: start_ms + 3_000)
    space = HybridClock("f8d0b7c3", wall_ms=lambda: start_ms)
    return phone, space


# --- age_on -----------------------------------------------------------------

@pytest.mark.parametrize(
    "born, day, expected",
    [
        (date(2010, 6, 15), date(2010, 6, 15), 0),
        (date(2010, 6, 15), date(2011, 6, 14), 0),
        (date(2010, 6, 15), date(2011, 6, 15), 1),
        (date(2010, 6, 15), date(2022, 6, 14), 11),
        (date(2010, 6, 15), date(2022, 6, 15), 12),
        (date(2010, 12, 31), date(2011, 1, 1), 0),
        (date(2010, 1, 1), date(2010, 12, 31), 0),
        (date(2010, 1, 1), date(2011, 1, 1), 1),
        # 29 February: in non-leap years the birthday is 1 March.
        (date(2008, 2, 29), date(2009, 2, 28), 0),
        (date(2008, 2, 29), date(2009, 3, 1), 1),
        (date(2008, 2, 29), date(2012, 2, 28), 3),
        (date(2008, 2, 29), date(2012, 2, 29), 4),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2088, 2, 29), date(2100, 2, 28), 11),  # 2100 is not a leap year
        (date(2088, 2, 29), date(2100, 3, 1), 12),
        # Born on 1 March: 29 February of a leap year is still before it.
        (date(2011, 3, 1), date(2024, 2, 29), 12),
        (date(2011, 3, 1), date(2024, 3, 1), 13),
    ],
)
def test_age_is_counted_in_full_years(born, day, expected):
    assert age_on(born, day) == expected


def test_age_before_birth_is_refused():
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(date(2010, 6, 15), date(2010, 6, 14))


@given(born=st.dates(date(1990, 1, 1), date(2030, 12, 31)), years=st.integers(0, 25))
def test_age_goes_up_by_one_exactly_on_the_birthday(born, years):
    try:
        anniversary = born.replace(year=born.year + years)
    except ValueError:  # 29 February in a non-leap year: ages on 1 March
        anniversary = date(born.year + years, 3, 1)
    assert age_on(born, anniversary) == years
    if years > 0:
        assert age_on(born, anniversary - ONE_DAY) == years - 1


@given(born=st.dates(date(1990, 1, 1), date(2030, 12, 31)), days=st.integers(0, 9000))
def test_age_never_drops_and_rises_at_most_one_per_day(born, days):
    day = born + timedelta(days=days)
    step = age_on(born, day + ONE_DAY) - age_on(born, day)
    assert step in (0, 1)


# --- sector -> domain ---------------------------------------------------------

@pytest.mark.parametrize(
    "sector, expected",
    [
        ("school", SCHOOL),
        ("samenwerkingsverband", SCHOOL),
        ("  School ", SCHOOL),
        ("wijkteam", HELP),
        ("jgz", HELP),
        ("jeugd-ggz", HELP),
        ("smw", HELP),
        ("leerplicht", HELP),
        ("huisarts", HELP),
        ("cjg", HELP),
        ("", HELP),
    ],
)
def test_organisation_sector_maps_to_consent_domain(sector, expected):
    assert domain_for_sector(sector) is expected


def test_info_kinds_have_stable_storage_values():
    assert [k.value for k in InfoKind] == ["plan", "evaluations", "youth_comments"]


# --- who_decides --------------------------------------------------------------

# age, HELP deciders, SCHOOL deciders, pupil heard in SCHOOL
AGE_TABLE = [
    (0, PARENTS, PARENTS, False),
    (1, PARENTS, PARENTS, False),
    (2, PARENTS, PARENTS, False),
    (3, PARENTS, PARENTS, False),
    (4, PARENTS, PARENTS, False),
    (5, PARENTS, PARENTS, False),
    (6, PARENTS, PARENTS, False),
    (7, PARENTS, PARENTS, False),
    (8, PARENTS, PARENTS, False),
    (9, PARENTS, PARENTS, False),
    (10, PARENTS, PARENTS, False),
    (11, PARENTS, PARENTS, False),
    (12, BOTH, PARENTS, True),
    (13, BOTH, PARENTS, True),
    (14, BOTH, PARENTS, True),
    (15, BOTH, PARENTS, True),
    (16, YOUTH, PARENTS, True),
    (17, YOUTH, PARENTS, True),
    (18, YOUTH, YOUTH, False),
    (19, YOUTH, YOUTH, False),
]


@pytest.mark.parametrize("age, help_deciders, school_deciders, school_heard", AGE_TABLE)
def test_deciders_for_every_age_from_0_to_19(age, help_deciders, school_deciders, school_heard):
    day = at_age(age)
    assert age_on(BORN, day) == age
    assert who_decides(BORN, HELP, day) == DeciderRule(help_deciders, youth_heard=False)
    assert who_decides(BORN, SCHOOL, day) == DeciderRule(school_deciders, youth_heard=school_heard)


# n-th birthday, days from it, domain, deciders, pupil heard
BIRTHDAY_TABLE = [
    (12, -1, HELP, PARENTS, False),
    (12, 0, HELP, BOTH, False),
    (12, 1, HELP, BOTH, False),
    (12, -1, SCHOOL, PARENTS, False),
    (12, 0, SCHOOL, PARENTS, True),
    (12, 1, SCHOOL, PARENTS, True),
    (16, -1, HELP, BOTH, False),
    (16, 0, HELP, YOUTH, False),
    (16, 1, HELP, YOUTH, False),
    (16, -1, SCHOOL, PARENTS, True),
    (16, 0, SCHOOL, PARENTS, True),
    (16, 1, SCHOOL, PARENTS, True),
    (18, -1, HELP, YOUTH, False),
    (18, 0, HELP, YOUTH, False),
    (18, 1, HELP, YOUTH, False),
    (18, -1, SCHOOL, PARENTS, True),
    (18, 0, SCHOOL, YOUTH, False),
    (18, 1, SCHOOL, YOUTH, False),
]


@pytest.mark.parametrize("n, offset, domain, deciders, heard", BIRTHDAY_TABLE)
def test_deciders_change_exactly_on_the_12th_16th_and_18th_birthday(n, offset, domain, deciders, heard):
    day = birthday(n) + timedelta(days=offset)
    assert who_decides(BORN, domain, day) == DeciderRule(deciders, youth_heard=heard)


# born on 29 February; day; HELP deciders; SCHOOL deciders
LEAP_TABLE = [
    (date(2008, 2, 29), date(2020, 2, 28), PARENTS, PARENTS),  # 12th birthday in a leap year
    (date(2008, 2, 29), date(2020, 2, 29), BOTH, PARENTS),
    (date(2008, 2, 29), date(2020, 3, 1), BOTH, PARENTS),
    (date(2008, 2, 29), date(2024, 2, 28), BOTH, PARENTS),  # 16th birthday in a leap year
    (date(2008, 2, 29), date(2024, 2, 29), YOUTH, PARENTS),
    (date(2008, 2, 29), date(2026, 2, 28), YOUTH, PARENTS),  # 18th birthday in a non-leap year
    (date(2008, 2, 29), date(2026, 3, 1), YOUTH, YOUTH),
    (date(2088, 2, 29), date(2100, 2, 28), PARENTS, PARENTS),  # 12th birthday, 2100 not leap
    (date(2088, 2, 29), date(2100, 3, 1), BOTH, PARENTS),
    (date(2084, 2, 29), date(2100, 2, 28), BOTH, PARENTS),  # 16th birthday, 2100 not leap
    (date(2084, 2, 29), date(2100, 3, 1), YOUTH, PARENTS),
]


@pytest.mark.parametrize("born, day, help_deciders, school_deciders", LEAP_TABLE)
def test_child_born_on_29_february_changes_deciders_on_29_february_or_1_march(
    born, day, help_deciders, school_deciders
):
    assert who_decides(born, HELP, day).required == help_deciders
    assert who_decides(born, SCHOOL, day).required == school_deciders


@given(
    born=st.dates(date(1995, 1, 1), date(2030, 12, 31)),
    days=st.integers(0, 25 * 366),
    domain=st.sampled_from(Domain),
)
def test_someone_always_decides_and_a_child_under_12_never_does(born, days, domain):
    day = born + timedelta(days=days)
    rule = who_decides(born, domain, day)
    assert rule.required  # never a moment where nobody may decide
    if age_on(born, day) < 12:
        assert not may_decide(Y, born, domain, day)
        assert not rule.youth_heard
    assert may_decide(P, born, domain, day) == (P in rule.required)
    assert may_decide(Y, born, domain, day) == (Y in rule.required)


# --- may_decide ---------------------------------------------------------------

@pytest.mark.parametrize(
    "role, age, domain, expected",
    [
        (Y, 0, HELP, False),
        (Y, 11, HELP, False),
        (Y, 11, SCHOOL, False),
        (Y, 12, HELP, True),
        (Y, 12, SCHOOL, False),
        (Y, 15, HELP, True),
        (Y, 16, HELP, True),
        (Y, 17, SCHOOL, False),
        (Y, 18, SCHOOL, True),
        (P, 0, HELP, True),
        (P, 11, SCHOOL, True),
        (P, 15, HELP, True),
        (P, 16, HELP, False),
        (P, 17, SCHOOL, True),
        (P, 18, SCHOOL, False),
        (P, 19, HELP, False),
    ],
)
def test_who_may_give_or_withdraw_consent(role, age, domain, expected):
    assert may_decide(role, BORN, domain, at_age(age)) is expected


# --- sharing_state: every dual-consent combination at 14 in HELP ---------------

AGE_14 = at_age(14)
MOTHER, FATHER, KID = "mother", "father", "kid"


def choices(mother: str, father: str, kid: str, on: date) -> list[ConsentDecision]:
    """Decisions of two parents and the youth; 'none' means not decided."""
    made = []
    for person, role, choice, clock in (
        (MOTHER, P, mother, "0001"),
        (FATHER, P, father, "0002"),
        (KID, Y, kid, "0003"),
    ):
        if choice != "none":
            made.append(decision(person, role, choice == "yes", on, clock))
    return made


DUAL_TABLE = [
    # mother, father, youth -> status, waiting for, withdrawn by
    ("none", "none", "none", NOT_SHARED, NOBODY, None),
    ("none", "none", "yes", WAITING, PARENTS, None),
    ("none", "none", "no", NOT_SHARED, NOBODY, KID),
    ("none", "yes", "none", WAITING, YOUTH, None),
    ("none", "yes", "yes", SHARED, NOBODY, None),
    ("none", "yes", "no", NOT_SHARED, NOBODY, KID),
    ("none", "no", "none", NOT_SHARED, NOBODY, FATHER),
    ("none", "no", "yes", NOT_SHARED, NOBODY, FATHER),
    ("none", "no", "no", NOT_SHARED, NOBODY, FATHER),
    ("yes", "none", "none", WAITING, YOUTH, None),
    ("yes", "none", "yes", SHARED, NOBODY, None),
    ("yes", "none", "no", NOT_SHARED, NOBODY, KID),
    ("yes", "yes", "none", WAITING, YOUTH, None),
    ("yes", "yes", "yes", SHARED, NOBODY, None),
    ("yes", "yes", "no", NOT_SHARED, NOBODY, KID),
    ("yes", "no", "none", NOT_SHARED, NOBODY, FATHER),
    ("yes", "no", "yes", NOT_SHARED, NOBODY, FATHER),
    ("yes", "no", "no", NOT_SHARED, NOBODY, FATHER),
    ("no", "none", "none", NOT_SHARED, NOBODY, MOTHER),
    ("no", "none", "yes", NOT_SHARED, NOBODY, MOTHER),
    ("no", "none", "no", NOT_SHARED, NOBODY, MOTHER),
    ("no", "yes", "none", NOT_SHARED, NOBODY, MOTHER),
    ("no", "yes", "yes", NOT_SHARED, NOBODY, MOTHER),
    ("no", "yes", "no", NOT_SHARED, NOBODY, MOTHER),
    ("no", "no", "none", NOT_SHARED, NOBODY, MOTHER),
    ("no", "no", "yes", NOT_SHARED, NOBODY, MOTHER),
    ("no", "no", "no", NOT_SHARED, NOBODY, MOTHER),
]


@pytest.mark.parametrize("mother, father, kid, status, waiting_for, withdrawn_by", DUAL_TABLE)
def test_youth_of_14_needs_parent_and_own_consent_in_help(mother, father, kid, status, waiting_for, withdrawn_by):
    state = sharing_state(BORN, HELP, choices(mother, father, kid, AGE_14), AGE_14)
    assert state == SharingState(status, waiting_for, withdrawn_by)


# Where only parents decide, the youth's choice must not change anything.
PARENTS_ONLY_TABLE = [
    ("none", "none", NOT_SHARED, None),
    ("none", "yes", SHARED, None),
    ("none", "no", NOT_SHARED, FATHER),
    ("yes", "none", SHARED, None),
    ("yes", "yes", SHARED, None),
    ("yes", "no", NOT_SHARED, FATHER),
    ("no", "none", NOT_SHARED, MOTHER),
    ("no", "yes", NOT_SHARED, MOTHER),
    ("no", "no", NOT_SHARED, MOTHER),
]


@pytest.mark.parametrize("kid", ["none", "yes", "no"])
@pytest.mark.parametrize("mother, father, status, withdrawn_by", PARENTS_ONLY_TABLE)
@pytest.mark.parametrize("domain, age", [(HELP, 10), (HELP, 11), (SCHOOL, 12), (SCHOOL, 14), (SCHOOL, 17)])
def test_one_parent_yes_is_enough_and_either_parent_no_stops_where_parents_decide(
    domain, age, mother, father, status, withdrawn_by, kid
):
    day = at_age(age)
    state = sharing_state(BORN, domain, choices(mother, father, kid, day), day)
    assert state == SharingState(status, NOBODY, withdrawn_by)


YOUTH_ONLY_TABLE = [
    ("none", NOT_SHARED, None),
    ("yes", SHARED, None),
    ("no", NOT_SHARED, KID),
]


@pytest.mark.parametrize("mother, father", list(itertools.product(["none", "yes", "no"], repeat=2)))
@pytest.mark.parametrize("kid, status, withdrawn_by", YOUTH_ONLY_TABLE)
@pytest.mark.parametrize("domain, age", [(HELP, 16), (HELP, 17), (HELP, 19), (SCHOOL, 18), (SCHOOL, 19)])
def test_youth_decides_alone_from_16_in_help_and_18_in_school(domain, age, kid, status, withdrawn_by, mother, father):
    day = at_age(age)
    state = sharing_state(BORN, domain, choices(mother, father, kid, day), day)
    assert state == SharingState(status, NOBODY, withdrawn_by)


def test_17_year_old_decides_alone_in_help_even_against_both_parents():
    day = at_age(17)
    assert sharing_state(BORN, HELP, choices("no", "no", "yes", day), day).status is SHARED
    assert sharing_state(BORN, HELP, choices("yes", "yes", "no", day), day).status is NOT_SHARED


def test_parent_still_decides_school_at_17_and_the_pupil_is_only_heard():
    day = birthday(18) - ONE_DAY
    assert who_decides(BORN, SCHOOL, day).youth_heard
    assert sharing_state(BORN, SCHOOL, choices("yes", "none", "no", day), day).status is SHARED
    assert sharing_state(BORN, SCHOOL, choices("no", "none", "yes", day), day).status is NOT_SHARED


def test_withdrawal_by_the_youth_cannot_be_overridden_by_a_parent_at_14():
    decisions = [
        decision(MOTHER, P, True, AGE_14, "0001"),
        decision(KID, Y, True, AGE_14, "0002"),
        decision(KID, Y, False, AGE_14, "0003"),
        decision(MOTHER, P, True, AGE_14, "0004"),  # later parent yes
        decision(FATHER, P, True, AGE_14, "0005"),
    ]
    assert sharing_state(BORN, HELP, decisions, AGE_14) == SharingState(NOT_SHARED, NOBODY, KID)


def test_a_person_who_said_no_can_later_say_yes_again():
    phone, space = two_nodes()
    mother_yes = decision(MOTHER, P, True, AGE_14, str(space.now()))
    kid_no = decision(KID, Y, False, AGE_14, str(space.now()))
    kid_yes = decision(KID, Y, True, AGE_14, str(space.now()), based_on=kid_no)
    assert sharing_state(BORN, HELP, [mother_yes, kid_no, kid_yes], AGE_14).status is SHARED


def test_a_decision_based_on_an_earlier_one_replaces_it_in_any_list_order():
    day = at_age(10)
    phone, space = two_nodes()
    no_on_phone = decision(MOTHER, P, False, day, str(phone.now()))
    space.observe(Stamp.parse(no_on_phone.clock))  # the phone's no reached the family space first
    yes_later = decision(MOTHER, P, True, day, str(space.now()), based_on=no_on_phone)
    assert yes_later.clock > no_on_phone.clock
    assert sharing_state(BORN, HELP, [no_on_phone, yes_later], day).status is SHARED
    assert sharing_state(BORN, HELP, [yes_later, no_on_phone], day).status is SHARED


# --- concurrent decisions -----------------------------------------------------

@pytest.mark.parametrize("no_on", ["phone", "space"])
@pytest.mark.parametrize("reverse", [False, True])
def test_withdrawal_concurrent_with_grant_of_the_same_person_wins(no_on, reverse):
    # The mother said yes; later, without knowing of each other, she said no on her phone
    # (offline) and yes again on the family space. Both are based on her first yes.
    phone, space = two_nodes()
    first_yes = decision(MOTHER, P, True, AGE_14, str(space.now()))
    kid_yes = decision(KID, Y, True, AGE_14, str(space.now()))
    no_clock, yes_clock = (phone.now(), space.now()) if no_on == "phone" else (space.now(), phone.now())
    assert no_clock.node != yes_clock.node and str(no_clock) != str(yes_clock)
    concurrent = [decision(MOTHER, P, False, AGE_14, str(no_clock), based_on=first_yes),
                  decision(MOTHER, P, True, AGE_14, str(yes_clock), based_on=first_yes)]
    if reverse:
        concurrent.reverse()
    assert sharing_state(BORN, HELP, [first_yes, kid_yes], AGE_14).status is SHARED
    state = sharing_state(BORN, HELP, [first_yes, kid_yes, *concurrent], AGE_14)
    assert state == SharingState(NOT_SHARED, NOBODY, MOTHER)


def test_a_yes_made_after_seeing_the_concurrent_no_counts_again():
    phone, space = two_nodes()
    first_yes = decision(MOTHER, P, True, AGE_14, str(space.now()))
    kid_yes = decision(KID, Y, True, AGE_14, str(space.now()))
    no = decision(MOTHER, P, False, AGE_14, str(phone.now()), based_on=first_yes)
    yes = decision(MOTHER, P, True, AGE_14, str(space.now()), based_on=first_yes)
    again = decision(MOTHER, P, True, AGE_14, str(space.now()), based_on=no)
    assert sharing_state(BORN, HELP, [first_yes, kid_yes, no, yes, again], AGE_14).status is SHARED


CONCURRENT_TABLE = [
    # (description, decisions as (person, role, granted), expected withdrawn_by); made on two nodes
    ("other parent", [(MOTHER, P, True), (FATHER, P, False)], FATHER),
    ("youth against parent", [(MOTHER, P, True), (KID, Y, False)], KID),
    ("parent against youth", [(KID, Y, True), (MOTHER, P, False)], MOTHER),
]


@pytest.mark.parametrize("description, made, withdrawn_by", CONCURRENT_TABLE, ids=[c[0] for c in CONCURRENT_TABLE])
@pytest.mark.parametrize("reverse", [False, True])
def test_a_no_of_another_decider_at_the_same_time_stops_sharing(description, made, withdrawn_by, reverse):
    phone, space = two_nodes()
    earlier = [decision(MOTHER, P, True, AGE_14, str(space.now())), decision(KID, Y, True, AGE_14, str(space.now()))]
    mine = {d.person_id: d for d in earlier}
    concurrent = [decision(person, role, granted, AGE_14, str(node.now()), based_on=mine.get(person))
                  for (person, role, granted), node in zip(made, (phone, space))]
    if reverse:
        concurrent.reverse()
    assert sharing_state(BORN, HELP, earlier, AGE_14).status is SHARED
    state = sharing_state(BORN, HELP, earlier + concurrent, AGE_14)
    assert state == SharingState(NOT_SHARED, NOBODY, withdrawn_by)


# --- birthdays: what happens to earlier decisions ------------------------------

def test_turning_12_stops_sharing_until_the_youth_decides_and_a_later_no_sticks():
    born = date(2012, 5, 10)
    decisions = [decision(MOTHER, P, True, date(2023, 9, 1), "0010")]  # child is 11
    assert sharing_state(born, HELP, decisions, date(2024, 5, 9)).status is SHARED
    assert sharing_state(born, HELP, decisions, date(2024, 5, 10)) == SharingState(WAITING, YOUTH, None)

    decisions.append(decision(KID, Y, True, date(2024, 6, 1), "0020"))
    assert sharing_state(born, HELP, decisions, date(2024, 6, 1)).status is SHARED

    decisions.append(decision(KID, Y, False, date(2025, 1, 10), "0030"))
    decisions.append(decision(MOTHER, P, True, date(2025, 2, 1), "0040"))
    assert sharing_state(born, HELP, decisions, date(2025, 2, 1)) == SharingState(NOT_SHARED, NOBODY, KID)


def test_at_16_the_youth_yes_from_14_still_counts_and_parents_no_longer_matter():
    born = date(2012, 5, 10)
    decisions = [
        decision(MOTHER, P, True, date(2026, 7, 1), "0050"),
        decision(KID, Y, True, date(2026, 7, 1), "0051"),  # youth is 14
        decision(MOTHER, P, False, date(2027, 6, 1), "0060"),  # youth is 15
    ]
    assert sharing_state(born, HELP, decisions, date(2028, 5, 9)) == SharingState(NOT_SHARED, NOBODY, MOTHER)
    assert sharing_state(born, HELP, decisions, date(2028, 5, 10)).status is SHARED


def test_at_16_a_youth_who_never_decided_is_asked_again_and_nothing_is_shared():
    born = date(2012, 5, 10)
    decisions = [decision(MOTHER, P, True, date(2027, 6, 1), "0060")]  # youth is 15
    assert sharing_state(born, HELP, decisions, date(2028, 5, 9)) == SharingState(WAITING, YOUTH, None)
    assert sharing_state(born, HELP, decisions, date(2028, 5, 10)) == SharingState(NOT_SHARED, NOBODY, None)


def test_at_18_parents_yes_for_school_stops_counting_until_the_student_decides():
    decisions = [decision(MOTHER, P, True, at_age(17), "0001"), decision(KID, Y, True, at_age(15), "0002")]
    assert sharing_state(BORN, SCHOOL, decisions, birthday(18) - ONE_DAY).status is SHARED
    # The pupil's yes at 15 was only "being heard"; it does not count at 18.
    assert sharing_state(BORN, SCHOOL, decisions, birthday(18)) == SharingState(NOT_SHARED, NOBODY, None)
    decisions.append(decision(KID, Y, True, birthday(18), "0003"))
    assert sharing_state(BORN, SCHOOL, decisions, birthday(18)).status is SHARED


@pytest.mark.parametrize("granted", [True, False])
def test_an_opinion_given_at_10_never_counts_later(granted):
    decisions = [
        decision(KID, Y, granted, at_age(10), "0001"),
        decision(MOTHER, P, True, at_age(12), "0002"),
    ]
    assert sharing_state(BORN, HELP, decisions, at_age(12)) == SharingState(WAITING, YOUTH, None)


def test_decisions_dated_after_the_day_asked_about_do_not_count_yet():
    decisions = [decision(MOTHER, P, True, at_age(10) + ONE_DAY, "0001")]
    assert sharing_state(BORN, HELP, decisions, at_age(10)).status is NOT_SHARED
    assert sharing_state(BORN, HELP, decisions, at_age(10) + ONE_DAY).status is SHARED


# --- properties over many random decision sets ---------------------------------

PEOPLE = {MOTHER: P, FATHER: P, KID: Y}


@st.composite
def decision_sets(draw):
    born = draw(st.dates(date(2000, 1, 1), date(2015, 12, 31)))
    day = born + timedelta(days=draw(st.integers(0, 20 * 366)))
    made = []
    for _ in range(draw(st.integers(0, 8))):
        person = draw(st.sampled_from(sorted(PEOPLE)))
        on = born + timedelta(days=draw(st.integers(0, (day - born).days)))
        clock = f"{draw(st.integers(0, 12)):04d}"
        made.append(decision(person, PEOPLE[person], draw(st.booleans()), on, clock))
    return born, day, made


@settings(max_examples=300)
@given(case=decision_sets(), domain=st.sampled_from(Domain), seed=st.integers(0, 2**32))
def test_order_of_the_decision_list_does_not_matter(case, domain, seed):
    born, day, made = case
    shuffled = list(made)
    random.Random(seed).shuffle(shuffled)
    assert sharing_state(born, domain, made, day) == sharing_state(born, domain, shuffled, day)


@settings(max_examples=300)
@given(case=decision_sets(), domain=st.sampled_from(Domain))
def test_a_withdrawal_by_a_current_decider_is_never_blocked(case, domain):
    born, day, made = case
    for role in who_decides(born, domain, day).required:
        person = KID if role is Y else FATHER
        withdrawal = decision(person, role, False, day, "9999")  # later than everything
        state = sharing_state(born, domain, made + [withdrawal], day)
        assert state.status is NOT_SHARED
        assert state.withdrawn_by is not None


@settings(max_examples=300)
@given(case=decision_sets(), domain=st.sampled_from(Domain))
def test_sharing_state_fields_are_consistent(case, domain):
    born, day, made = case
    state = sharing_state(born, domain, made, day)
    required = who_decides(born, domain, day).required
    if state.status is WAITING:
        assert state.waiting_for and state.waiting_for < required
        assert state.withdrawn_by is None
    else:
        assert state.waiting_for == NOBODY
    if state.status is SHARED:
        assert state.withdrawn_by is None


# --- legal basis, emergency, may_read ----------------------------------------

ORG, CHILD, KIND = "org-wijkteam", "child-1", InfoKind.PLAN
TODAY = at_age(14)


def legal(org=ORG, child=CHILD, kind=KIND, starts_on=TODAY - ONE_DAY * 30, ends_on=None):
    return LegalBasis(org, child, kind, "jeugdbescherming", starts_on, ends_on)


def emergency(org=ORG, child=CHILD, kind=KIND, recorded_on=TODAY - ONE_DAY, ends_on=TODAY + ONE_DAY * 7):
    return EmergencyException.create(org, child, kind, "acute zorg om veiligheid", recorded_on, ends_on)


def read(decisions=(), legal_bases=(), emergencies=(), day=TODAY):
    return may_read(ORG, KIND, BORN, HELP, day, decisions, legal_bases, emergencies, CHILD)


FULL_CONSENT = choices("yes", "none", "yes", TODAY)


@pytest.mark.parametrize(
    "has_legal, has_consent, has_emergency, expected",
    [
        (False, False, False, ReadDecision(False, None)),
        (False, False, True, ReadDecision(True, Basis.EMERGENCY)),
        (False, True, False, ReadDecision(True, Basis.CONSENT)),
        (False, True, True, ReadDecision(True, Basis.CONSENT)),
        (True, False, False, ReadDecision(True, Basis.LEGAL)),
        (True, False, True, ReadDecision(True, Basis.LEGAL)),
        (True, True, False, ReadDecision(True, Basis.LEGAL)),
        (True, True, True, ReadDecision(True, Basis.LEGAL)),
    ],
)
def test_may_read_prefers_legal_basis_then_consent_then_emergency(has_legal, has_consent, has_emergency, expected):
    result = read(
        decisions=FULL_CONSENT if has_consent else [],
        legal_bases=[legal()] if has_legal else [],
        emergencies=[emergency()] if has_emergency else [],
    )
    assert result == expected


def test_legal_basis_is_shown_even_after_the_family_withdrew_consent():
    withdrawn = choices("no", "none", "yes", TODAY)
    assert read(decisions=withdrawn) == ReadDecision(False, None)
    assert read(decisions=withdrawn, legal_bases=[legal()]) == ReadDecision(True, Basis.LEGAL)


def test_waiting_for_the_youth_is_not_enough_to_read():
    assert read(decisions=choices("yes", "yes", "none", TODAY)) == ReadDecision(False, None)


@pytest.mark.parametrize(
    "other",
    [{"org": "org-school"}, {"child": "child-2"}, {"kind": InfoKind.EVALUATIONS}],
    ids=["other organisation", "other child", "other kind"],
)
def test_legal_bases_and_emergencies_for_something_else_are_ignored(other):
    assert read(legal_bases=[legal(**other)]) == ReadDecision(False, None)
    assert read(emergencies=[emergency(**other)]) == ReadDecision(False, None)


@pytest.mark.parametrize(
    "starts_on, ends_on, allowed",
    [
        (TODAY + ONE_DAY, None, False),  # not started yet
        (TODAY, None, True),  # starts today
        (TODAY - ONE_DAY * 400, None, True),  # until further notice
        (TODAY - ONE_DAY * 30, TODAY, True),  # last day
        (TODAY - ONE_DAY * 30, TODAY - ONE_DAY, False),  # ended
    ],
)
def test_legal_basis_counts_only_while_in_force(starts_on, ends_on, allowed):
    assert read(legal_bases=[legal(starts_on=starts_on, ends_on=ends_on)]).allowed is allowed


@pytest.mark.parametrize(
    "recorded_on, ends_on, allowed",
    [
        (TODAY + ONE_DAY, TODAY + ONE_DAY * 5, False),
        (TODAY, TODAY, True),
        (TODAY - ONE_DAY * 5, TODAY, True),
        (TODAY - ONE_DAY * 5, TODAY - ONE_DAY, False),
    ],
)
def test_emergency_exception_counts_only_while_in_force(recorded_on, ends_on, allowed):
    assert read(emergencies=[emergency(recorded_on=recorded_on, ends_on=ends_on)]).allowed is allowed


@pytest.mark.parametrize("reason", ["", "   ", "\n\t ", None])
def test_emergency_needs_a_reason(reason):
    with pytest.raises(ValueError, match="needs a reason"):
        EmergencyException.create(ORG, CHILD, KIND, reason, TODAY, TODAY)
    with pytest.raises(ValueError, match="needs a reason"):
        EmergencyException(ORG, CHILD, KIND, reason, TODAY, TODAY)


def test_emergency_reason_is_kept_without_surrounding_spaces():
    made = EmergencyException.create(ORG, CHILD, KIND, "  zorg om veiligheid \n", TODAY, TODAY)
    assert made.reason == "zorg om veiligheid"


def test_emergency_cannot_end_before_it_is_recorded():
    with pytest.raises(ValueError, match="end before"):
        EmergencyException.create(ORG, CHILD, KIND, "reden", TODAY, TODAY - ONE_DAY)


@pytest.mark.parametrize("ground", ["", "  "])
def test_legal_basis_needs_a_ground(ground):
    with pytest.raises(ValueError, match="needs a ground"):
        LegalBasis(ORG, CHILD, KIND, ground, TODAY, None)


def test_legal_basis_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="end before"):
        LegalBasis(ORG, CHILD, KIND, "court_order", TODAY, TODAY - ONE_DAY)


# --- birthday_changes -----------------------------------------------------------

@pytest.mark.parametrize(
    "born, day_before, day, expected",
    [
        (BORN, birthday(12) - ONE_DAY, birthday(12), True),
        (BORN, birthday(16) - ONE_DAY, birthday(16), True),
        (BORN, birthday(18) - ONE_DAY, birthday(18), True),
        (BORN, birthday(11) - ONE_DAY, birthday(11), False),
        (BORN, birthday(13) - ONE_DAY, birthday(13), False),
        (BORN, birthday(17) - ONE_DAY, birthday(17), False),
        (BORN, birthday(19) - ONE_DAY, birthday(19), False),
        (BORN, birthday(12), birthday(12) + ONE_DAY, False),
        (BORN, birthday(12) - ONE_DAY * 30, birthday(12) + ONE_DAY * 30, True),  # signed in after a gap
        (BORN, birthday(13), birthday(15), False),
        (date(2008, 2, 29), date(2026, 2, 27), date(2026, 2, 28), False),
        (date(2008, 2, 29), date(2026, 2, 28), date(2026, 3, 1), True),
        (date(2008, 2, 29), date(2020, 2, 28), date(2020, 2, 29), True),
    ],
)
def test_birthday_changes_when_deciders_change_in_either_domain(born, day_before, day, expected):
    assert birthday_changes(born, day_before, day) is expected
