"""The consent page of one child, as one family member sees it: a card per organisation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.consent import texts
from webapp.consent.access import counting_decisions, domain_of, read_decision
from webapp.consent.outlook import Outlook, outlook, why_not_decider
from webapp.consent.rules import Basis, DeciderRole, Domain, InfoKind, ReadDecision, SharingStatus, who_decides
from webapp.consent.store import (
    ConsentFacts, StoredDecision, StoredEmergency, StoredLegalBasis, latest_decision_id,
)
from webapp.people.ages import YOUTH_ACCOUNT_MIN_AGE
from webapp.people.involved import Involved
from webapp.people.members import Person

# Dutch path segments for the kinds of information (the stored values stay English).
KIND_SLUGS = {InfoKind.PLAN: "plan", InfoKind.EVALUATIONS: "evaluaties", InfoKind.YOUTH_COMMENTS: "eigen-tekst"}


def kind_from_slug(slug: str) -> InfoKind | None:
    return next((kind for kind, s in KIND_SLUGS.items() if s == slug), None)


def kinds_for(child: Person, day: date) -> tuple[InfoKind, ...]:
    """The kinds of information a child has: own comments only from the age of an own account."""
    age = child.age_on(day)
    if age is not None and age >= YOUTH_ACCOUNT_MIN_AGE:
        return tuple(InfoKind)
    return (InfoKind.PLAN, InfoKind.EVALUATIONS)


@dataclass(frozen=True)
class Viewer:
    """The signed-in family member looking at the page, and the role they decide in (if any)."""

    person_id: str
    role: DeciderRole | None


@dataclass(frozen=True)
class KindCard:
    """One kind of information within an organisation's card."""

    kind: InfoKind
    slug: str
    label: str
    description: str
    status: str  # "shared", "not_shared", "waiting", "legal" or "emergency"
    read: ReadDecision
    outlook: Outlook
    waiting_text: str  # names of who still has to say yes ("" unless waiting)
    waiting_for_me: bool
    stopped_by: str | None  # name of the person whose no stands (shown to deciders only)
    legal: StoredLegalBasis | None
    emergency: StoredEmergency | None
    last_decision: StoredDecision | None
    my_latest: str | None  # the viewer's current decision: what a new decision of theirs is based on
    last_by: str  # name of who took the last decision ("" when it was the viewer)
    stopper_said_yes_before: bool = False  # the person whose no stands agreed earlier (took it back)


@dataclass(frozen=True)
class OrganisationCard:
    involved: Involved
    domain: Domain
    domain_label: str
    youth_heard: bool  # school plan 12–17: the pupil is heard, the parents decide
    not_decider: str | None  # why the viewer does not decide for this organisation
    kinds: tuple[KindCard, ...]


def _status(read: ReadDecision, view: Outlook) -> str:
    if read.basis is Basis.LEGAL:
        return "legal"
    if read.basis is Basis.CONSENT:
        return "shared"
    if read.basis is Basis.EMERGENCY:
        return "emergency"
    return "waiting" if view.status is SharingStatus.WAITING else "not_shared"


def youth_decides_alone(child: Person, domain: Domain, day: date) -> bool:
    """True when only the youth decides in this domain on `day` (help from 16, school from 18)."""
    assert child.birth_date is not None
    return who_decides(child.birth_date, domain, day).required == frozenset({DeciderRole.YOUTH})


def private_to_youth(viewer: Viewer, child: Person, domain: Domain, day: date) -> bool:
    """Someone other than the youth looks where the youth decides alone: they see that the youth
    decides, never what the youth decided."""
    return viewer.person_id != child.id and youth_decides_alone(child, domain, day)


def _domain_of_organisation(organisation_id: str, involved: list[Involved]) -> Domain | None:
    return next((domain_of(i) for i in involved if i.organisation_id == organisation_id), None)


def _youth_alone(child: Person, domain: Domain | None, day: date) -> bool:
    # An organisation no longer involved has no known domain: then from 16 count it as the youth's own.
    if domain is None:
        return child.age_on(day) is not None and child.age_on(day) >= 16
    return youth_decides_alone(child, domain, day)


def decision_visible(decision: StoredDecision, viewer: Viewer, child: Person, involved: list[Involved]) -> bool:
    """A youth's own decision, taken where the youth decided alone, is shown only to the youth."""
    if viewer.person_id == child.id or decision.decision.person_id != child.id:
        return True
    domain = _domain_of_organisation(decision.organisation_id, involved)
    return not _youth_alone(child, domain, decision.decision.decided_on)


def event_visible(basis: Basis | None, organisation_id: str, viewer: Viewer, child: Person, involved: list[Involved],
                  day: date) -> bool:
    """That an organisation looked by consent where the youth decides alone would tell what the
    youth decided: only the youth sees it. Legal grounds and emergencies are shown to the family."""
    if viewer.person_id == child.id or basis not in (Basis.CONSENT, None):  # None: shared by consent earlier
        return True
    return not _youth_alone(child, _domain_of_organisation(organisation_id, involved), day)


def _waiting_names(roles: frozenset[DeciderRole], members: list[Person], child: Person) -> list[str]:
    names = [child.name] if DeciderRole.YOUTH in roles else []
    if DeciderRole.PARENT in roles:
        names += [p.name for p in members if p.role == "parent" and p.has_gezag]
    return names


def kind_card(facts: ConsentFacts, members: list[Person], child: Person, involved: Involved, kind: InfoKind,
              viewer: Viewer, day: date) -> KindCard:
    """Everything the page shows about one organisation and kind, for this viewer on `day`."""
    assert child.birth_date is not None
    domain = domain_of(involved)
    stored = facts.decisions_about(child.id, involved.organisation_id, kind)
    view = outlook(viewer.person_id, viewer.role, child.birth_date, domain,
                   counting_decisions(stored, members, child), day)
    decides = why_not_decider(viewer.role, child.birth_date, domain, day) is None
    read = read_decision(facts, members, child, involved.organisation_id, involved, kind, day)
    names = {p.id: p.name for p in members}
    last = stored[-1] if stored else None
    waiting_for_me = viewer.role in view.waiting_for
    legal = next((b for b in facts.legal_bases
                  if _concerns(b.basis, child, involved, kind) and b.basis.in_force_on(day)), None)
    emergency = next((e for e in facts.emergencies
                      if _concerns(e.exception, child, involved, kind) and e.exception.in_force_on(day)), None)
    status = _status(read, view)
    if private_to_youth(viewer, child, domain, day) and status not in ("legal", "emergency"):
        return KindCard(
            kind=kind, slug=KIND_SLUGS[kind], label=texts.kind_label(kind, child.name),
            description=texts.kind_description(kind, involved.organisation, child.name),
            status="youth_decides", read=read, outlook=Outlook(view.status, frozenset(), None, (), False),
            waiting_text="", waiting_for_me=False, stopped_by=None, legal=None, emergency=None, last_decision=None,
            my_latest=None, last_by="")
    return KindCard(
        kind=kind, slug=KIND_SLUGS[kind], label=texts.kind_label(kind, child.name),
        description=texts.kind_description(kind, involved.organisation, child.name),
        status=status, read=read, outlook=view,
        waiting_text=texts.names_text(_waiting_names(view.waiting_for, members, child)) if view.waiting_for else "",
        waiting_for_me=waiting_for_me,
        stopped_by=names.get(view.stopped_by, "?") if decides and view.stopped_by not in (None, viewer.person_id)
        else None,
        legal=legal, emergency=emergency, last_decision=last,
        my_latest=latest_decision_id(facts, child.id, involved.organisation_id, kind, viewer.person_id),
        stopper_said_yes_before=view.stopped_by is not None and any(
            d.decision.granted and d.decision.person_id == view.stopped_by for d in stored),
        last_by="" if last is None or last.decision.person_id == viewer.person_id
        else names.get(last.decision.person_id, "?"),
    )


def _concerns(item, child: Person, involved: Involved, kind: InfoKind) -> bool:
    return (item.child_id, item.organisation_id, item.kind) == (child.id, involved.organisation_id, kind)


def organisation_cards(facts: ConsentFacts, members: list[Person], child: Person, involved: list[Involved],
                       viewer: Viewer, day: date) -> list[OrganisationCard]:
    """One card per organisation involved with the child, each with a line per kind of information."""
    assert child.birth_date is not None
    cards = []
    for organisation in involved:
        domain = domain_of(organisation)
        reason = why_not_decider(viewer.role, child.birth_date, domain, day)
        cards.append(OrganisationCard(
            involved=organisation, domain=domain, domain_label=texts.domain_label(domain),
            youth_heard=who_decides(child.birth_date, domain, day).youth_heard,
            not_decider=texts.not_decider_text(reason, child.name) if reason is not None else None,
            kinds=tuple(kind_card(facts, members, child, organisation, kind, viewer, day)
                        for kind in kinds_for(child, day)),
        ))
    return cards

