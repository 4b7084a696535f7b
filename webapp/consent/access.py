"""May organisation O read kind K of child C now? The one place that decides it.

``may_organisation_read`` loads what it needs and asks ``rules.may_read``; the consent page
shows the same answer through ``read_decision``. Sync recipients and every hub read use
``may_organisation_read``; nothing else decides who may read.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from webapp.consent.rules import (
    ConsentDecision, DeciderRole, Domain, InfoKind, ReadDecision, domain_for_sector, may_read,
)
from webapp.consent.store import ConsentFacts, StoredDecision, load_consent_facts
from webapp.people.involved import Involved, involved_for_child
from webapp.people.members import Person, family_members
from webapp.records import RecordStore

NOBODY_MAY_READ = ReadDecision(False, None)


def counting_decisions(stored: Iterable[StoredDecision], members: Iterable[Person],
                       child: Person) -> list[ConsentDecision]:
    """The decisions made by people who may still decide: parents with gezag as parent, the child as youth."""
    parents = {p.id for p in members if p.role == "parent" and p.has_gezag}
    return [s.decision for s in stored
            if (s.decision.role is DeciderRole.PARENT and s.decision.person_id in parents)
            or (s.decision.role is DeciderRole.YOUTH and s.decision.person_id == child.id)]


def domain_of(involved: Involved) -> Domain:
    return domain_for_sector(involved.sector)


def read_decision(facts: ConsentFacts, members: list[Person], child: Person, organisation_id: str,
                  involved: Involved | None, kind: InfoKind, day: date) -> ReadDecision:
    """May the organisation read this on `day`, and on which basis; `involved` None: not involved.

    An organisation that is not (or no longer) involved with the child never reads by
    consent; a legal basis or emergency exception still counts.
    """
    if child.birth_date is None or day < child.birth_date:
        return NOBODY_MAY_READ
    decisions: list[ConsentDecision] = []
    domain = Domain.HELP
    if involved is not None:
        domain = domain_of(involved)
        decisions = counting_decisions(facts.decisions_about(child.id, organisation_id, kind), members, child)
    return may_read(organisation_id, kind, child.birth_date, domain, day, decisions,
                    [b.basis for b in facts.legal_bases], [e.exception for e in facts.emergencies], child.id)


def may_organisation_read(store: RecordStore, family_id: str, organisation_id: str,
                          child_id: str, kind: InfoKind, day: date) -> ReadDecision:
    """May organisation O read kind K of child C on `day`; an unknown child or family: no."""
    try:
        members = family_members(store, family_id)
    except LookupError:
        return NOBODY_MAY_READ
    child = next((p for p in members if p.id == child_id and p.is_child), None)
    if child is None:
        return NOBODY_MAY_READ
    involved = next((i for i in involved_for_child(store, family_id, child_id)
                     if i.organisation_id == organisation_id), None)
    return read_decision(load_consent_facts(store, family_id), members, child, organisation_id, involved,
                         kind, day)
