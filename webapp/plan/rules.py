"""Goal lifecycle rules for OnsPlan: statuses, agreement and GAS levels.

Pure functions and value objects only: no storage, no web framework.
The source of truth is the section "What a plan holds" of DOMAIN.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Iterable

from webapp.consent.rules import DeciderRole, Domain, may_decide, who_decides


class GoalStatus(Enum):
    """Where a goal (doel) is in its lifecycle."""

    PROPOSED = "proposed"  # voorgesteld
    AGREED = "agreed"  # afgesproken
    ACTIVE = "active"  # bezig
    REACHED = "reached"  # bereikt
    ADJUSTED = "adjusted"  # bijgesteld: this version ends, a new version is made
    STOPPED = "stopped"  # gestopt


# Ordered as in DOMAIN.md: school en leren; thuis en opvoeden; gezondheid en
# welzijn; vrije tijd en vrienden; veiligheid; werk, geld en wonen.
LIFE_DOMAINS: tuple[str, ...] = (
    "school",
    "home",
    "health",
    "leisure",
    "safety",
    "work_money_housing",
)

GAS_LEVELS: tuple[int, ...] = (-2, -1, 0, 1, 2)

_ALLOWED_TRANSITIONS: dict[GoalStatus, frozenset[GoalStatus]] = {
    GoalStatus.PROPOSED: frozenset({GoalStatus.AGREED, GoalStatus.STOPPED}),
    GoalStatus.AGREED: frozenset({GoalStatus.ACTIVE, GoalStatus.STOPPED}),
    GoalStatus.ACTIVE: frozenset(
        {GoalStatus.REACHED, GoalStatus.ADJUSTED, GoalStatus.STOPPED}
    ),
    GoalStatus.REACHED: frozenset(),
    GoalStatus.ADJUSTED: frozenset(),
    GoalStatus.STOPPED: frozenset(),
}

_FAMILY = "family"
_REGISSEUR = "regisseur"


class TransitionRefused(ValueError):
    """A goal status change that the lifecycle does not allow."""


def consent_domain_for_life_domain(key: str) -> Domain:
    """Consent domain whose age rules apply to a goal in this life domain."""
    if key not in LIFE_DOMAINS:
        raise ValueError(f"unknown life domain {key!r}; expected one of {LIFE_DOMAINS}")
    # Only school goals (OPP) follow the education rules; every other
    # life domain is help, health or family life.
    return Domain.SCHOOL if key == "school" else Domain.HELP


def can_transition(current: GoalStatus, target: GoalStatus) -> bool:
    """Does the lifecycle have a step from `current` to `target`."""
    # PROPOSED -> AGREED is a step of the lifecycle, but transition() only
    # takes it with a complete agreement.
    return target in _ALLOWED_TRANSITIONS[current]


def _refusal_reason(current: GoalStatus, target: GoalStatus) -> str:
    """Plain-language reason why a step is not allowed."""
    if not _ALLOWED_TRANSITIONS[current]:
        return (
            f"a goal that is {current.value} is finished and cannot become "
            f"{target.value}; make a new goal or a new version instead"
        )
    if current is target:
        return f"the goal is already {current.value}"
    allowed = ", ".join(sorted(s.value for s in _ALLOWED_TRANSITIONS[current]))
    return (
        f"a goal that is {current.value} cannot become {target.value}; "
        f"it can only become: {allowed}"
    )


def transition(
    current: GoalStatus,
    target: GoalStatus,
    agreement: AgreementState | None = None,
) -> GoalStatus:
    """Return `target` if the goal may move there, else raise TransitionRefused."""
    if not can_transition(current, target):
        raise TransitionRefused(_refusal_reason(current, target))
    # "Afgesproken" means agreed by both sides: never by a status click alone.
    if target is GoalStatus.AGREED and (agreement is None or not agreement.complete):
        raise TransitionRefused(
            "a goal becomes agreed only when the family and the regisseur "
            "have both agreed to this version"
        )
    return target


@dataclass(frozen=True)
class Agreement:
    """Someone agreeing to one version of a goal; kept as history."""

    person_id: str
    side: str  # "family" or "regisseur"
    role: DeciderRole | None  # None for the regisseur
    agreed_on: date
    version: int

    def __post_init__(self) -> None:
        if self.side not in (_FAMILY, _REGISSEUR):
            raise ValueError(f"side must be 'family' or 'regisseur', not {self.side!r}")
        if self.side == _FAMILY and self.role is None:
            raise ValueError("a family agreement needs a role (parent or youth)")
        if self.side == _REGISSEUR and self.role is not None:
            raise ValueError("a regisseur agreement has no family role")
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise ValueError("a goal version is a whole number")
        if self.version < 1:
            raise ValueError("goal versions start at 1")


@dataclass(frozen=True)
class AgreementState:
    """Whether both sides agreed to a goal version, and who is still missing."""

    complete: bool
    missing: frozenset[str]  # of "parent", "youth", "regisseur"


def may_agree(
    role: DeciderRole, child_birth_date: date, life_domain: str, day: date
) -> bool:
    """May a family member in this role agree to a goal in this life domain on `day`."""
    domain = consent_domain_for_life_domain(life_domain)
    return may_decide(role, child_birth_date, domain, day)


def _family_agreement_counts(
    agreement: Agreement, child_birth_date: date, life_domain: str, day: date
) -> bool:
    """A family agreement counts if its maker may agree today and could back then."""
    # Same reasoning as consent: the age on the day of the decision matters,
    # and agreements dated before birth or in the future cannot be valid.
    if agreement.role is None or not child_birth_date <= agreement.agreed_on <= day:
        return False
    return may_agree(agreement.role, child_birth_date, life_domain, day) and may_agree(
        agreement.role, child_birth_date, life_domain, agreement.agreed_on
    )


def agreement_status(
    goal_version: int,
    life_domain: str,
    child_birth_date: date,
    day: date,
    agreements: Iterable[Agreement],
) -> AgreementState:
    """Is this goal version agreed by the family deciders and the regisseur."""
    domain = consent_domain_for_life_domain(life_domain)
    required = who_decides(child_birth_date, domain, day).required
    # Changing an agreed goal makes a new version: only this version counts.
    this_version = [a for a in agreements if a.version == goal_version]

    family_roles = frozenset(
        a.role
        for a in this_version
        if a.side == _FAMILY
        and _family_agreement_counts(a, child_birth_date, life_domain, day)
    )
    missing = {role.value for role in required - family_roles}
    if not any(a.side == _REGISSEUR and a.agreed_on <= day for a in this_version):
        missing.add(_REGISSEUR)
    return AgreementState(complete=not missing, missing=frozenset(missing))


def next_status_after_agreement(current: GoalStatus, agreement: AgreementState) -> GoalStatus:
    """The goal's status once this agreement state is known: PROPOSED becomes AGREED when complete."""
    if current is GoalStatus.PROPOSED and agreement.complete:
        return transition(current, GoalStatus.AGREED, agreement)
    return current


def validate_gas_level(level: object) -> int:
    """Return a Goal Attainment Scale level (-2 … +2) or raise ValueError."""
    # bool is a subclass of int, but True is not a GAS level.
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError(f"a GAS level is a whole number from -2 to 2, not {level!r}")
    if level not in GAS_LEVELS:
        raise ValueError(f"a GAS level is from -2 to 2, not {level}")
    return level


# A review outcome of an evaluation moment proposes a change of the goal; the family agrees (or
# not). These are the lifecycle steps that carry out each outcome from the goal's status now.
_OUTCOME_STEPS: dict[str, dict[GoalStatus, tuple[GoalStatus, ...]]] = {
    "reached": {GoalStatus.AGREED: (GoalStatus.ACTIVE, GoalStatus.REACHED), GoalStatus.ACTIVE: (GoalStatus.REACHED,)},
    "stop": {GoalStatus.PROPOSED: (GoalStatus.STOPPED,), GoalStatus.AGREED: (GoalStatus.STOPPED,),
             GoalStatus.ACTIVE: (GoalStatus.STOPPED,)},
    "continue": {GoalStatus.AGREED: (GoalStatus.ACTIVE,)},
    # Adjusting means a changed goal: the family writes the new version (which is then agreed as usual).
    "adjust": {GoalStatus.PROPOSED: (), GoalStatus.AGREED: (), GoalStatus.ACTIVE: ()},
}


def outcome_steps(outcome: str, current: GoalStatus) -> tuple[GoalStatus, ...] | None:
    """The status steps that carry out a review outcome from `current`: empty for "adjust" (the
    family changes the goal itself), None when the outcome changes nothing (any more)."""
    return _OUTCOME_STEPS.get(outcome, {}).get(current)
