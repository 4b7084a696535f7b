"""Who outside the family may read something now: every sentence on a family page that says who
sees what is made from this list, and the list comes from the one decider, read_decision (the
same answer as may_organisation_read, with the family's facts loaded once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from sync.status import family_sync_status
from webapp.consent.access import read_decision
from webapp.consent.rules import Basis, InfoKind
from webapp.consent.store import load_consent_facts
from webapp.people.involved import involved_for_child, involved_for_family
from webapp.people.members import Person
from webapp.records import RecordStore


@dataclass(frozen=True)
class OrganisationReader:
    """An organisation that may read this kind of information of the child today, and why."""

    organisation_id: str
    name: str
    basis: Basis


def organisations_reading(store: RecordStore, family_id: str, members: list[Person], child: Person,
                          kind: InfoKind, day: date) -> list[OrganisationReader]:
    """Every organisation that may read `kind` of `child` on `day`, by name, with its basis.

    Nothing leaves a family space that has not joined a hub, so then the list is empty. An
    organisation that is not involved can still read on a legal ground or in an emergency."""
    if not family_sync_status(store.db, family_id).joined:
        return []
    facts = load_consent_facts(store, family_id)
    involved = {i.organisation_id: i for i in involved_for_child(store, family_id, child.id)}
    names = {i.organisation_id: i.organisation for i in involved_for_family(store, family_id)}
    for stored in facts.legal_bases:
        names.setdefault(stored.basis.organisation_id, stored.organisation)
    for stored in facts.emergencies:
        names.setdefault(stored.exception.organisation_id, stored.organisation)
    candidates = set(involved) | {b.basis.organisation_id for b in facts.legal_bases if b.basis.child_id == child.id} \
        | {e.exception.organisation_id for e in facts.emergencies if e.exception.child_id == child.id}
    readers = []
    for organisation_id in candidates:
        decision = read_decision(facts, members, child, organisation_id, involved.get(organisation_id), kind, day)
        if decision.allowed and decision.basis is not None:
            readers.append(OrganisationReader(organisation_id, names.get(organisation_id) or organisation_id,
                                              decision.basis))
    return sorted(readers, key=lambda r: r.name)


YOUTH_OWN_PLAN_AGE = 12  # from 12 a youth has an account and sees their own plan


def who_sees_plan(store: RecordStore, family_id: str, members: list[Person], child: Person, viewer_id: str,
                  kind: InfoKind, day: date) -> dict:
    """Who can read the child's plan, or what is written in it (comments, the youth's own words):
    the family members who see the plan, named, and each organisation outside the family."""
    others = [p.name for p in members if p.role == "parent" and p.id != viewer_id]
    if child.id != viewer_id and (child.age_on(day) or 0) >= YOUTH_OWN_PLAN_AGE:
        others.append(child.name)
    if child.id == viewer_id:
        family = _("In your family: you and your parents.")
    elif others:
        you = _("you")
        family = _("In your family: %(names)s.", names=format_list([you, *others], locale=str(get_locale())))
    else:
        family = _("In your family: only you.")
    return {"family": family, "readers": organisations_reading(store, family_id, members, child, kind, day)}


def what_organisation_reads(store: RecordStore, family_id: str, members: list[Person], organisation_id: str,
                            day: date) -> list[tuple[Person, InfoKind, Basis]]:
    """Every (child, kind of information, basis) this organisation may read today: what a page says
    before and after a parent changes who works with the family."""
    return [(child, kind, reader.basis)
            for child in members if child.is_child for kind in InfoKind
            for reader in organisations_reading(store, family_id, members, child, kind, day)
            if reader.organisation_id == organisation_id]
