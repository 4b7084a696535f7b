"""Consent (toestemming) rules for OnsPlan.

Pure functions and value objects only: no storage, no web framework.
The source of truth is the section "Consent (toestemming)" of DOMAIN.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache
from typing import Iterable

from webapp.people.ages import age_on  # noqa: F401  (the rules are stated in ages)


class Domain(Enum):
    """Which set of rules decides who gives consent."""

    HELP = "help"  # youth help and health (Jeugdwet, WGBO-like rules)
    SCHOOL = "school"  # school plan / OPP (onderwijs)


class InfoKind(Enum):
    """Kind of information consent is given for; never all-or-nothing."""

    PLAN = "plan"  # plan and goals
    EVALUATIONS = "evaluations"  # evaluation answers
    YOUTH_COMMENTS = "youth_comments"  # the youth's own comments


class DeciderRole(Enum):
    """Who may take a consent decision."""

    PARENT = "parent"  # a parent / verzorger with gezag
    YOUTH = "youth"  # the child themself


class SharingStatus(Enum):
    """Outcome of all consent decisions for one organisation and kind."""

    SHARED = "shared"
    NOT_SHARED = "not_shared"
    WAITING = "waiting"  # someone said yes, another required yes is missing


class Basis(Enum):
    """Why an organisation may read something, as shown to the family."""

    CONSENT = "consent"  # toestemming
    LEGAL = "legal"  # wettelijke grond
    EMERGENCY = "emergency"  # noodsituatie


_SCHOOL_SECTORS = frozenset({"school", "samenwerkingsverband"})

# Age thresholds from the table in DOMAIN.md.
_YOUTH_HAS_A_VOICE = 12
_YOUTH_DECIDES_ALONE_IN_HELP = 16
_ADULT = 18


def domain_for_sector(sector: str) -> Domain:
    """Consent domain that applies to an organisation of the given sector."""
    # Everything that is not education (wijkteam, jgz, jeugd-ggz, smw,
    # leerplicht, huisarts, unknown) follows the stricter help/health rules.
    return Domain.SCHOOL if sector.strip().lower() in _SCHOOL_SECTORS else Domain.HELP


@dataclass(frozen=True)
class DeciderRule:
    """Who must say yes, and whether the pupil is heard without deciding."""

    required: frozenset[DeciderRole]
    youth_heard: bool


@lru_cache(maxsize=4096)  # pure and asked many times per page (every card, notice and birthday check)
def who_decides(birth_date: date, domain: Domain, day: date) -> DeciderRule:
    """The deciders for a child of this birth date in this domain on `day`."""
    age = age_on(birth_date, day)
    parents = frozenset({DeciderRole.PARENT})
    youth = frozenset({DeciderRole.YOUTH})
    if domain is Domain.HELP:
        if age < _YOUTH_HAS_A_VOICE:
            return DeciderRule(parents, youth_heard=False)
        if age < _YOUTH_DECIDES_ALONE_IN_HELP:
            return DeciderRule(parents | youth, youth_heard=False)
        return DeciderRule(youth, youth_heard=False)
    if age < _ADULT:
        return DeciderRule(parents, youth_heard=age >= _YOUTH_HAS_A_VOICE)
    return DeciderRule(youth, youth_heard=False)


def may_decide(role: DeciderRole, birth_date: date, domain: Domain, day: date) -> bool:
    """May a person in this role give or withdraw consent on `day`."""
    # Giving and withdrawing are the same right: a decider never needs a
    # second person to withdraw (see sharing_state), so no `granted` flag.
    return role in who_decides(birth_date, domain, day).required


@dataclass(frozen=True)
class ConsentDecision:
    """One yes or no, kept forever as history."""

    decision_id: str
    person_id: str
    role: DeciderRole
    granted: bool
    decided_on: date
    # Hybrid-logical-clock value of when it was made (orders one person's decisions in turn).
    clock: str
    # The same person's earlier decision this one was made on (what they saw as their
    # current decision), or None for their first. Two decisions based on the same earlier
    # one were made without knowing of each other: they are concurrent.
    based_on: str | None = None


@dataclass(frozen=True)
class SharingState:
    """Whether information flows, and why not."""

    status: SharingStatus
    waiting_for: frozenset[DeciderRole]
    withdrawn_by: str | None


def _counts(decision: ConsentDecision, birth_date: date, domain: Domain, day: date) -> bool:
    """A decision counts when its maker is a decider today and was one back then."""
    # Decisions dated before birth or after `day` cannot be valid for `day`
    # (data error or not yet happened); ignoring them is the safe choice.
    if not birth_date <= decision.decided_on <= day:
        return False
    return may_decide(decision.role, birth_date, domain, day) and may_decide(
        decision.role, birth_date, domain, decision.decided_on
    )


def latest_per_person(decisions: Iterable[ConsentDecision]) -> list[ConsentDecision]:
    """Each person's current decision: the newest of those no later decision was based on.

    A decision made on another (based on) replaces it. When a person made two decisions
    based on the same earlier one (on two devices, one of them offline), neither knew of the
    other: then a withdrawal wins over a grant, whatever their clocks say."""
    by_person: dict[tuple[DeciderRole, str], list[ConsentDecision]] = {}
    for decision in decisions:
        by_person.setdefault((decision.role, decision.person_id), []).append(decision)
    latest = []
    for own in by_person.values():
        replaced = {d.based_on for d in own if d.based_on}
        heads = [d for d in own if d.decision_id not in replaced]
        noes = [d for d in heads if not d.granted]
        latest.append(max(noes or heads, key=lambda d: (d.clock, d.decision_id)))
    return latest


def current_decisions(
    birth_date: date,
    domain: Domain,
    decisions: Iterable[ConsentDecision],
    day: date,
) -> list[ConsentDecision]:
    """Each decider's latest decision that counts on `day` (a no wins among concurrent ones)."""
    return latest_per_person(d for d in decisions if _counts(d, birth_date, domain, day))


def sharing_state(
    birth_date: date,
    domain: Domain,
    decisions: Iterable[ConsentDecision],
    day: date,
) -> SharingState:
    """Combine consent decisions for one organisation and kind into a sharing state."""
    required = who_decides(birth_date, domain, day).required
    latest = current_decisions(birth_date, domain, decisions, day)

    standing_noes = [d for d in latest if not d.granted]
    if standing_noes:
        # The no that stopped sharing first is the decisive one; person_id
        # breaks ties so the answer does not depend on input order.
        decisive = min(standing_noes, key=lambda d: (d.clock, d.person_id))
        return SharingState(SharingStatus.NOT_SHARED, frozenset(), decisive.person_id)

    roles_with_yes = frozenset(d.role for d in latest if d.granted)
    if roles_with_yes >= required:
        return SharingState(SharingStatus.SHARED, frozenset(), None)
    if not roles_with_yes:
        # Nobody who decides has said anything yet: nothing to wait for.
        return SharingState(SharingStatus.NOT_SHARED, frozenset(), None)
    return SharingState(SharingStatus.WAITING, required - roles_with_yes, None)


@dataclass(frozen=True)
class LegalBasis:
    """Help that is not voluntary: shown as "wettelijke grond", not as consent."""

    organisation_id: str
    child_id: str
    kind: InfoKind
    ground: str  # e.g. "jeugdbescherming", "court_order", "legal_duty"
    starts_on: date
    ends_on: date | None  # None: until further notice

    def __post_init__(self) -> None:
        if not isinstance(self.ground, str) or not self.ground.strip():
            raise ValueError("a legal basis needs a ground, e.g. 'court_order'")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a legal basis cannot end before it starts")

    def in_force_on(self, day: date) -> bool:
        """True when the legal basis applies on `day` (both ends inclusive)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


MAX_EMERGENCY_DAYS = 7  # the longest an emergency lasts; after it, consent or a legal ground is needed


@dataclass(frozen=True)
class EmergencyException:
    """Sharing without consent in a serious safety concern; always has a reason."""

    organisation_id: str
    child_id: str
    kind: InfoKind
    reason: str
    recorded_on: date
    ends_on: date

    def __post_init__(self) -> None:
        # Validated on every construction, so an exception without a reason
        # can never exist, whichever way it is built.
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError(
                "an emergency exception needs a reason; "
                "the family will see it in their access overview"
            )
        if self.ends_on < self.recorded_on:
            raise ValueError("an emergency exception cannot end before it is recorded")

    @classmethod
    def create(
        cls,
        organisation_id: str,
        child_id: str,
        kind: InfoKind,
        reason: str,
        recorded_on: date,
        ends_on: date,
    ) -> EmergencyException:
        """Record an emergency exception with a trimmed, non-empty reason."""
        trimmed = reason.strip() if isinstance(reason, str) else reason
        return cls(organisation_id, child_id, kind, trimmed, recorded_on, ends_on)

    @property
    def last_day(self) -> date:
        """The exception's last day: its end, but never more than MAX_EMERGENCY_DAYS after it was
        recorded, whatever end the record gives (an emergency is for now, not for good)."""
        return min(self.ends_on, self.recorded_on + timedelta(days=MAX_EMERGENCY_DAYS))

    def in_force_on(self, day: date) -> bool:
        """True when the exception applies on `day` (both ends inclusive)."""
        return self.recorded_on <= day <= self.last_day


@dataclass(frozen=True)
class ReadDecision:
    """Answer to "may this organisation read this now", with its basis."""

    allowed: bool
    basis: Basis | None


def may_read(
    organisation_id: str,
    kind: InfoKind,
    child_birth_date: date,
    domain: Domain,
    day: date,
    decisions: Iterable[ConsentDecision],
    legal_bases: Iterable[LegalBasis],
    emergencies: Iterable[EmergencyException],
    child_id: str,
) -> ReadDecision:
    """May organisation O read kind K of child C on `day`, and on which basis.

    The caller passes only the consent decisions of this child, organisation
    and kind (decisions carry no such ids). Legal bases and emergencies are
    filtered here as well, so passing a wider list is safe.
    """

    def concerns_this(item: LegalBasis | EmergencyException) -> bool:
        return (item.organisation_id, item.child_id, item.kind) == (
            organisation_id,
            child_id,
            kind,
        )

    # A legal basis comes first: the family must see it as "wettelijke
    # grond", not as consent they could withdraw.
    if any(concerns_this(b) and b.in_force_on(day) for b in legal_bases):
        return ReadDecision(True, Basis.LEGAL)
    if sharing_state(child_birth_date, domain, decisions, day).status is SharingStatus.SHARED:
        return ReadDecision(True, Basis.CONSENT)
    if any(concerns_this(e) and e.in_force_on(day) for e in emergencies):
        return ReadDecision(True, Basis.EMERGENCY)
    return ReadDecision(False, None)


def birthday_changes(birth_date: date, day_before: date, day: date) -> bool:
    """True when who decides differs between the two days in either domain."""
    return any(
        who_decides(birth_date, domain, day_before).required
        != who_decides(birth_date, domain, day).required
        for domain in Domain
    )
