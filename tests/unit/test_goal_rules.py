"""Unit tests for webapp.plan.rules (see DOMAIN.md, "What a plan holds")."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.consent.rules import DeciderRole, Domain
from webapp.plan.rules import (
    GAS_LEVELS,
    LIFE_DOMAINS,
    Agreement,
    AgreementState,
    GoalStatus,
    TransitionRefused,
    agreement_status,
    can_transition,
    consent_domain_for_life_domain,
    may_agree,
    next_status_after_agreement,
    outcome_steps,
    transition,
    validate_gas_level,
)

P = DeciderRole.PARENT
Y = DeciderRole.YOUTH
ONE_DAY = timedelta(days=1)

PROPOSED = GoalStatus.PROPOSED
AGREED = GoalStatus.AGREED
ACTIVE = GoalStatus.ACTIVE
REACHED = GoalStatus.REACHED
ADJUSTED = GoalStatus.ADJUSTED
STOPPED = GoalStatus.STOPPED

COMPLETE = AgreementState(complete=True, missing=frozenset())
INCOMPLETE = AgreementState(complete=False, missing=frozenset({"youth"}))


# --- statuses and life domains --------------------------------------------------

def test_goal_statuses_have_stable_storage_values():
    assert [s.value for s in GoalStatus] == ["proposed", "agreed", "active", "reached", "adjusted", "stopped"]


def test_life_domains_are_in_the_order_of_the_plan():
    assert LIFE_DOMAINS == ("school", "home", "health", "leisure", "safety", "work_money_housing")


@pytest.mark.parametrize(
    "life_domain, expected",
    [
        ("school", Domain.SCHOOL),
        ("home", Domain.HELP),
        ("health", Domain.HELP),
        ("leisure", Domain.HELP),
        ("safety", Domain.HELP),
        ("work_money_housing", Domain.HELP),
    ],
)
def test_only_school_goals_follow_the_school_consent_rules(life_domain, expected):
    assert consent_domain_for_life_domain(life_domain) is expected


@pytest.mark.parametrize("key", ["School", "thuis", "", "work"])
def test_unknown_life_domain_is_refused(key):
    with pytest.raises(ValueError, match="unknown life domain"):
        consent_domain_for_life_domain(key)


# --- transitions: the full 6 x 6 table --------------------------------------------

# "y": allowed; "-": refused; "a": allowed only with a complete agreement.
TRANSITION_MATRIX = {
    #            proposed agreed active reached adjusted stopped
    PROPOSED: ("-", "a", "-", "-", "-", "y"),
    AGREED:   ("-", "-", "y", "-", "-", "y"),
    ACTIVE:   ("-", "-", "-", "y", "y", "y"),
    REACHED:  ("-", "-", "-", "-", "-", "-"),
    ADJUSTED: ("-", "-", "-", "-", "-", "-"),
    STOPPED:  ("-", "-", "-", "-", "-", "-"),
}
TARGET_ORDER = (PROPOSED, AGREED, ACTIVE, REACHED, ADJUSTED, STOPPED)
ALL_PAIRS = [
    (current, target, TRANSITION_MATRIX[current][column])
    for current in TARGET_ORDER
    for column, target in enumerate(TARGET_ORDER)
]


def test_transition_table_covers_every_pair_of_statuses():
    assert {(c, t) for c, t, _ in ALL_PAIRS} == {(c, t) for c in GoalStatus for t in GoalStatus}


@pytest.mark.parametrize(
    "current, target, rule", ALL_PAIRS, ids=[f"{c.value}->{t.value}" for c, t, _ in ALL_PAIRS]
)
def test_can_transition_for_every_pair(current, target, rule):
    assert can_transition(current, target) is (rule != "-")


@pytest.mark.parametrize(
    "current, target, rule", ALL_PAIRS, ids=[f"{c.value}->{t.value}" for c, t, _ in ALL_PAIRS]
)
def test_transition_for_every_pair_without_agreement(current, target, rule):
    if rule == "y":
        assert transition(current, target) is target
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition(current, target)
        assert current.value in str(refused.value) or "agreed" in str(refused.value)


@pytest.mark.parametrize(
    "current, target, rule", ALL_PAIRS, ids=[f"{c.value}->{t.value}" for c, t, _ in ALL_PAIRS]
)
def test_a_complete_agreement_opens_only_the_step_to_agreed(current, target, rule):
    if rule == "-":
        with pytest.raises(TransitionRefused):
            transition(current, target, COMPLETE)
    else:
        assert transition(current, target, COMPLETE) is target


def test_proposed_goal_is_not_agreed_with_an_incomplete_agreement():
    with pytest.raises(TransitionRefused, match="both agreed"):
        transition(PROPOSED, AGREED, INCOMPLETE)


@pytest.mark.parametrize(
    "current, target, words",
    [
        (REACHED, ACTIVE, "finished"),
        (ADJUSTED, ACTIVE, "new version"),
        (STOPPED, PROPOSED, "finished"),
        (ACTIVE, ACTIVE, "already active"),
        (AGREED, REACHED, "can only become: active, stopped"),
    ],
)
def test_refusal_gives_a_plain_reason(current, target, words):
    with pytest.raises(TransitionRefused, match=words):
        transition(current, target)


def test_transition_refused_is_a_value_error():
    assert issubclass(TransitionRefused, ValueError)


@given(st.lists(st.sampled_from(GoalStatus), max_size=20))
def test_lifecycle_has_no_loops_and_ends_in_a_final_status(targets):
    status, steps = PROPOSED, 0
    for target in targets:
        try:
            status = transition(status, target, COMPLETE)
            steps += 1
        except TransitionRefused:
            pass
    # proposed -> agreed -> active -> final is the longest possible path.
    assert steps <= 3
    if status in (REACHED, ADJUSTED, STOPPED):
        assert not any(can_transition(status, t) for t in GoalStatus)


# --- agreement ----------------------------------------------------------------------

BORN = date(2010, 6, 15)


def birthday(n: int) -> date:
    return BORN.replace(year=BORN.year + n)


def agreements_by(who: str, on: date, version: int = 1) -> list[Agreement]:
    """Agreements for the letters in `who`: p = parent, y = youth, r = regisseur."""
    made = []
    if "p" in who:
        made.append(Agreement("mother", "family", P, on, version))
    if "y" in who:
        made.append(Agreement("kid", "family", Y, on, version))
    if "r" in who:
        made.append(Agreement("coordinator", "regisseur", None, on, version))
    return made


NONE: frozenset[str] = frozenset()


def missing(*names: str) -> frozenset[str]:
    return frozenset(names)


# age label, day, life domain, who agreed, what is still missing
AGREEMENT_TABLE = [
    # home goal (help rules)
    ("11", birthday(12) - ONE_DAY, "home", "pr", NONE),
    ("11", birthday(12) - ONE_DAY, "home", "yr", missing("parent")),  # youth of 11 does not count
    ("11", birthday(12) - ONE_DAY, "home", "pyr", NONE),
    ("12", birthday(12), "home", "pr", missing("youth")),
    ("12", birthday(12), "home", "yr", missing("parent")),
    ("12", birthday(12), "home", "pyr", NONE),
    ("15", birthday(16) - ONE_DAY, "home", "pr", missing("youth")),
    ("15", birthday(16) - ONE_DAY, "home", "pyr", NONE),
    ("16", birthday(16), "home", "pr", missing("youth")),
    ("16", birthday(16), "home", "yr", NONE),
    ("16", birthday(16), "home", "pyr", NONE),
    ("17", birthday(18) - ONE_DAY, "home", "pr", missing("youth")),
    ("17", birthday(18) - ONE_DAY, "home", "yr", NONE),
    ("18", birthday(18), "home", "pr", missing("youth")),
    ("18", birthday(18), "home", "yr", NONE),
    # school goal (school rules)
    ("11", birthday(12) - ONE_DAY, "school", "pr", NONE),
    ("11", birthday(12) - ONE_DAY, "school", "yr", missing("parent")),
    ("12", birthday(12), "school", "pr", NONE),
    ("12", birthday(12), "school", "yr", missing("parent")),  # pupil is heard, does not decide
    ("15", birthday(16) - ONE_DAY, "school", "pr", NONE),
    ("16", birthday(16), "school", "pr", NONE),
    ("16", birthday(16), "school", "yr", missing("parent")),
    ("17", birthday(18) - ONE_DAY, "school", "pr", NONE),
    ("17", birthday(18) - ONE_DAY, "school", "yr", missing("parent")),
    ("18", birthday(18), "school", "pr", missing("youth")),
    ("18", birthday(18), "school", "yr", NONE),
    ("18", birthday(18), "school", "pyr", NONE),
    # the regisseur side is always needed
    ("11", birthday(12) - ONE_DAY, "home", "p", missing("regisseur")),
    ("14", birthday(14), "home", "", missing("parent", "youth", "regisseur")),
    ("14", birthday(14), "school", "r", missing("parent")),
    ("18", birthday(18), "school", "", missing("youth", "regisseur")),
]


@pytest.mark.parametrize(
    "age, day, life_domain, who, expected_missing",
    AGREEMENT_TABLE,
    ids=[f"{a}-{d}-{w or 'nobody'}" for a, _, d, w, _ in AGREEMENT_TABLE],
)
def test_agreement_needs_the_family_deciders_and_the_regisseur(age, day, life_domain, who, expected_missing):
    state = agreement_status(1, life_domain, BORN, day, agreements_by(who, day))
    assert state == AgreementState(complete=not expected_missing, missing=expected_missing)


def test_one_parent_is_enough_for_the_parent_side():
    day = birthday(9)
    made = [Agreement("father", "family", P, day, 1), Agreement("coordinator", "regisseur", None, day, 1)]
    assert agreement_status(1, "home", BORN, day, made).complete


def test_agreements_for_an_older_version_do_not_count():
    day = birthday(14)
    old = agreements_by("pyr", day - ONE_DAY * 60, version=1)
    assert agreement_status(1, "home", BORN, day, old).complete
    state = agreement_status(2, "home", BORN, day, old)
    assert state == AgreementState(False, missing("parent", "youth", "regisseur"))
    partly_new = old + agreements_by("pr", day, version=2)
    assert agreement_status(2, "home", BORN, day, partly_new) == AgreementState(False, missing("youth"))


def test_agreements_for_a_newer_version_do_not_count_for_this_one():
    day = birthday(9)
    assert not agreement_status(1, "home", BORN, day, agreements_by("pr", day, version=2)).complete


def test_parent_agreement_from_age_15_no_longer_counts_once_the_youth_is_16():
    parent_agreed = agreements_by("pr", birthday(16) - ONE_DAY * 10)
    assert agreement_status(1, "health", BORN, birthday(16) - ONE_DAY, parent_agreed) == AgreementState(
        False, missing("youth")
    )
    assert agreement_status(1, "health", BORN, birthday(16), parent_agreed) == AgreementState(False, missing("youth"))


def test_youth_agreement_given_at_11_does_not_count_after_turning_12():
    made = agreements_by("yr", birthday(12) - ONE_DAY) + agreements_by("p", birthday(12))
    assert agreement_status(1, "home", BORN, birthday(12), made) == AgreementState(False, missing("youth"))


def test_youth_agreement_at_15_still_counts_at_16():
    made = agreements_by("pyr", birthday(16) - ONE_DAY)
    assert agreement_status(1, "home", BORN, birthday(16), made).complete


def test_agreement_dated_after_the_day_asked_about_does_not_count_yet():
    day = birthday(9)
    made = agreements_by("pr", day + ONE_DAY)
    assert agreement_status(1, "home", BORN, day, made) == AgreementState(False, missing("parent", "regisseur"))


@pytest.mark.parametrize(
    "person, side, role, version, words",
    [
        ("x", "school", P, 1, "side must be"),
        ("x", "family", None, 1, "needs a role"),
        ("x", "regisseur", P, 1, "no family role"),
        ("x", "family", Y, 0, "start at 1"),
        ("x", "family", Y, True, "whole number"),
    ],
)
def test_invalid_agreements_are_refused(person, side, role, version, words):
    with pytest.raises(ValueError, match=words):
        Agreement(person, side, role, birthday(9), version)


@pytest.mark.parametrize(
    "role, day, life_domain, expected",
    [
        (Y, birthday(12) - ONE_DAY, "home", False),
        (Y, birthday(12), "home", True),
        (Y, birthday(12), "school", False),
        (Y, birthday(18) - ONE_DAY, "school", False),
        (Y, birthday(18), "school", True),
        (P, birthday(16) - ONE_DAY, "safety", True),
        (P, birthday(16), "safety", False),
        (P, birthday(17), "school", True),
        (P, birthday(18), "school", False),
    ],
)
def test_who_may_agree_to_a_goal(role, day, life_domain, expected):
    assert may_agree(role, BORN, life_domain, day) is expected


@pytest.mark.parametrize(
    "current, agreement, expected",
    [
        (PROPOSED, COMPLETE, AGREED),
        (PROPOSED, INCOMPLETE, PROPOSED),
        (AGREED, COMPLETE, AGREED),
        (ACTIVE, COMPLETE, ACTIVE),
        (STOPPED, COMPLETE, STOPPED),
    ],
)
def test_proposed_goal_becomes_agreed_when_agreement_is_complete(current, agreement, expected):
    assert next_status_after_agreement(current, agreement) is expected


# --- Goal Attainment Scale ------------------------------------------------------------

def test_gas_has_five_levels_from_minus_two_to_two():
    assert GAS_LEVELS == (-2, -1, 0, 1, 2)


@pytest.mark.parametrize("level", [-2, -1, 0, 1, 2])
def test_valid_gas_levels_are_accepted(level):
    assert validate_gas_level(level) == level


@pytest.mark.parametrize("level", [-3, 3, 10, True, False, 1.0, 0.5, "1", None, [0]])
def test_invalid_gas_levels_are_refused(level):
    with pytest.raises(ValueError, match="GAS level"):
        validate_gas_level(level)


@given(st.integers())
def test_gas_accepts_exactly_the_integers_from_minus_two_to_two(level):
    if -2 <= level <= 2:
        assert validate_gas_level(level) == level
    else:
        with pytest.raises(ValueError):
            validate_gas_level(level)



@pytest.mark.parametrize("outcome, current, steps", [
    ("reached", GoalStatus.ACTIVE, (GoalStatus.REACHED,)),
    ("reached", GoalStatus.AGREED, (GoalStatus.ACTIVE, GoalStatus.REACHED)),
    ("reached", GoalStatus.PROPOSED, None),
    ("stop", GoalStatus.PROPOSED, (GoalStatus.STOPPED,)),
    ("stop", GoalStatus.ACTIVE, (GoalStatus.STOPPED,)),
    ("stop", GoalStatus.REACHED, None),
    ("continue", GoalStatus.AGREED, (GoalStatus.ACTIVE,)),
    ("continue", GoalStatus.ACTIVE, None),
    ("adjust", GoalStatus.ACTIVE, ()),
    ("adjust", GoalStatus.STOPPED, None),
    ("made-up", GoalStatus.ACTIVE, None),
])
def test_a_review_outcome_becomes_the_lifecycle_steps_that_carry_it_out(outcome, current, steps):
    assert outcome_steps(outcome, current) == steps


@given(st.sampled_from(["reached", "stop", "continue", "adjust"]), st.sampled_from(list(GoalStatus)))
def test_every_step_of_an_outcome_is_a_step_of_the_lifecycle(outcome, current):
    status = current
    for step in outcome_steps(outcome, current) or ():
        assert can_transition(status, step)
        status = step
