"""Consent records of a family: decisions, legal bases, emergency exceptions and access events.

Every one is a family record (see ``webapp.records``): encrypted with the family's key,
never deleted; the list of records is the history. The subject of each is the child.

Record kinds and their bodies:

- ``consent_decision`` (author: the deciding person's id; ``replaces`` in the header: the same
  person's decision about this child, organisation and kind that they saw when deciding, so two
  decisions based on the same one are concurrent):
  ``{organisation_id, organisation, kind, granted, role, decided_on}``
- ``legal_basis`` (author: who recorded it, e.g. a professional id on the hub):
  ``{item, organisation_id, organisation, kind, ground, starts_on, ends_on}``
- ``emergency_access`` (author: the professional's id):
  ``{item, organisation_id, organisation, kind, reason, professional, role, recorded_on, ends_on}``
- ``access_event`` (author: the hub or professional that read):
  ``{organisation_id, organisation, professional, role, kind, basis, at}``

``kind`` is an ``InfoKind`` value, ``role`` of a decision a ``DeciderRole`` value, ``basis`` a
``Basis`` value; dates are ISO dates and ``at`` an ISO timestamp in UTC. A legal basis or
emergency exception can get a new version later (same ``item``), for example to end it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sync.record import Record
from webapp.consent.rules import (
    Basis,
    ConsentDecision,
    DeciderRole,
    EmergencyException,
    InfoKind,
    LegalBasis,
    latest_per_person,
)
from webapp.records import RecordStore

LEGAL_GROUNDS = ("jeugdbescherming", "court_order", "legal_duty")
_FACT_KINDS = ("consent_decision", "legal_basis", "emergency_access")


@dataclass(frozen=True)
class StoredDecision:
    """A consent decision with what it is about."""

    child_id: str
    organisation_id: str
    organisation: str  # the name when the decision was taken
    kind: InfoKind
    decision: ConsentDecision


@dataclass(frozen=True)
class StoredLegalBasis:
    basis: LegalBasis
    organisation: str


@dataclass(frozen=True)
class StoredEmergency:
    exception: EmergencyException
    organisation: str
    professional: str
    role: str
    item: str = ""  # the emergency's id (the hub's record of it)


@dataclass(frozen=True)
class AccessEvent:
    """One time a professional looked at a child's information."""

    id: str
    child_id: str
    organisation_id: str
    organisation: str
    professional: str
    role: str
    kind: InfoKind
    basis: Basis | None  # None: read while sharing had already stopped here, before the hub heard it
    at: datetime


@dataclass(frozen=True)
class ConsentFacts:
    """Everything that decides who may read what, for one family."""

    decisions: tuple[StoredDecision, ...]
    legal_bases: tuple[StoredLegalBasis, ...]
    emergencies: tuple[StoredEmergency, ...]

    def decisions_about(self, child_id: str, organisation_id: str, kind: InfoKind) -> list[StoredDecision]:
        """The decisions of one child, organisation and kind, oldest first."""
        return [d for d in self.decisions
                if (d.child_id, d.organisation_id, d.kind) == (child_id, organisation_id, kind)]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _decision(record: Record) -> StoredDecision:
    body = record.body
    return StoredDecision(
        child_id=record.subject or "", organisation_id=body["organisation_id"],
        organisation=body.get("organisation", ""), kind=InfoKind(body["kind"]),
        decision=ConsentDecision(decision_id=record.id, person_id=record.author, role=DeciderRole(body["role"]),
                                 granted=bool(body["granted"]), decided_on=date.fromisoformat(body["decided_on"]),
                                 clock=record.clock, based_on=record.replaces),
    )


def _legal_basis(record: Record) -> StoredLegalBasis:
    body = record.body
    basis = LegalBasis(organisation_id=body["organisation_id"], child_id=record.subject or "",
                       kind=InfoKind(body["kind"]), ground=body["ground"],
                       starts_on=date.fromisoformat(body["starts_on"]), ends_on=_day(body.get("ends_on")))
    return StoredLegalBasis(basis, body.get("organisation", ""))


def _emergency(record: Record) -> StoredEmergency:
    body = record.body
    exception = EmergencyException(organisation_id=body["organisation_id"], child_id=record.subject or "",
                                   kind=InfoKind(body["kind"]), reason=body["reason"],
                                   recorded_on=date.fromisoformat(body["recorded_on"]),
                                   ends_on=date.fromisoformat(body["ends_on"]))
    return StoredEmergency(exception, body.get("organisation", ""), body.get("professional", ""),
                           body.get("role", ""), record.item)


def load_consent_facts(store: RecordStore, family_id: str) -> ConsentFacts:
    """All consent decisions (the history they are judged from), and the current version of every
    legal basis and emergency exception of a family."""
    return ConsentFacts(
        decisions=tuple(_decision(r) for r in store.history(family_id, ["consent_decision"])),
        legal_bases=tuple(_legal_basis(r) for r in store.current(family_id, ["legal_basis"])),
        emergencies=tuple(_emergency(r) for r in store.current(family_id, ["emergency_access"])),
    )


def latest_decision_id(facts: ConsentFacts, child_id: str, organisation_id: str, kind: InfoKind,
                       person_id: str) -> str | None:
    """The id of this person's current decision about this child, organisation and kind (by the
    rule of ``latest_per_person``: what a decision made now is based on), or None when they
    never decided."""
    mine = [d.decision for d in facts.decisions_about(child_id, organisation_id, kind)
            if d.decision.person_id == person_id]
    current = latest_per_person(mine)
    return max(current, key=lambda d: (d.clock, d.decision_id)).decision_id if current else None


def record_decision(
    store: RecordStore, *, family_id: str, child_id: str, organisation_id: str, organisation: str,
    kind: InfoKind, person_id: str, role: DeciderRole, granted: bool, decided_on: date, based_on: str | None,
    record_id: str | None = None,
) -> Record:
    """Store one yes or no, based on the person's decision they saw (`based_on`, None for a first one).
    The caller checked that this person may decide on `decided_on`."""
    body = {"organisation_id": organisation_id, "organisation": organisation, "kind": kind.value,
            "granted": granted, "role": role.value, "decided_on": decided_on.isoformat()}
    return store.write(family_id=family_id, kind="consent_decision", author=person_id, subject=child_id, body=body,
                       record_id=record_id, replaces=based_on)


def record_legal_basis(
    store: RecordStore, *, family_id: str, child_id: str,
    organisation_id: str, organisation: str, kind: InfoKind, ground: str, starts_on: date,
    ends_on: date | None = None, author: str, item: str | None = None, record_id: str | None = None,
) -> Record:
    """Store (or with `item`, change) a legal basis; raises ValueError for an unknown ground or bad dates."""
    if ground not in LEGAL_GROUNDS:
        raise ValueError(f"a legal basis needs one of the grounds {', '.join(LEGAL_GROUNDS)}")
    LegalBasis(organisation_id, child_id, kind, ground, starts_on, ends_on)  # validates the dates
    body = {"organisation_id": organisation_id, "organisation": organisation, "kind": kind.value,
            "ground": ground, "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None}
    if item:
        body["item"] = item
    return store.write(family_id=family_id, kind="legal_basis", author=author, subject=child_id, body=body,
                       record_id=record_id)


def record_emergency(
    store: RecordStore, *, family_id: str, child_id: str,
    organisation_id: str, organisation: str, kind: InfoKind, reason: str, professional: str, role: str,
    recorded_on: date, ends_on: date | None = None, author: str, record_id: str | None = None,
) -> Record:
    """Store a professional's emergency exception; raises ValueError without a written reason.

    Without `ends_on` the exception holds for the day it was recorded only.
    """
    exception = EmergencyException.create(organisation_id, child_id, kind, reason, recorded_on,
                                          ends_on or recorded_on)
    body = {"organisation_id": organisation_id, "organisation": organisation, "kind": kind.value,
            "reason": exception.reason, "professional": professional, "role": role,
            "recorded_on": exception.recorded_on.isoformat(), "ends_on": exception.ends_on.isoformat()}
    return store.write(family_id=family_id, kind="emergency_access", author=author, subject=child_id, body=body,
                       record_id=record_id)


def record_access_event(
    store: RecordStore, *, family_id: str, child_id: str,
    organisation_id: str, organisation: str, professional: str, role: str, kind: InfoKind, basis: Basis,
    at: datetime, author: str, record_id: str | None = None,
) -> Record:
    """Store that a professional looked at a child's information; `at` must carry a time zone."""
    if at.tzinfo is None:
        raise ValueError("an access event needs a time with a time zone")
    body = {"organisation_id": organisation_id, "organisation": organisation, "professional": professional,
            "role": role, "kind": kind.value, "basis": basis.value,
            "at": at.astimezone(timezone.utc).isoformat(timespec="seconds")}
    return store.write(family_id=family_id, kind="access_event", author=author, subject=child_id, body=body,
                       record_id=record_id)


def access_events(store: RecordStore, family_id: str) -> list[AccessEvent]:
    """Every access event of the family, newest first.

    The hub does not know why an organisation may read (it keeps no copy of consent), so a read
    reported by the hub carries no basis: the family space names it with the one decider, for the
    day of the read."""
    from webapp.consent.access import may_organisation_read
    from webapp.consent.texts import local_day

    events = []
    for record in store.history(family_id, ["access_event"]):
        body = record.body
        at, kind = datetime.fromisoformat(body["at"]), InfoKind(body["kind"])
        if body.get("basis"):
            basis: Basis | None = Basis(body["basis"])
        else:
            basis = may_organisation_read(store, family_id, body["organisation_id"], record.subject or "", kind,
                                          local_day(at)).basis
        events.append(AccessEvent(
            id=record.id, child_id=record.subject or "", organisation_id=body["organisation_id"],
            organisation=body.get("organisation", ""), professional=body.get("professional", ""),
            role=body.get("role", ""), kind=kind, basis=basis, at=at))
    return sorted(events, key=lambda e: (e.at, e.id), reverse=True)


@dataclass(frozen=True)
class Objection:
    """A family member says they do not agree with an emergency; it goes to the organisation's admin."""

    record_id: str
    emergency: str       # the emergency's item id
    organisation_id: str
    text: str
    by: str              # the name of who objected
    author: str          # their person id
    on: date
    sent: bool           # the hub has received it


def record_objection(store: RecordStore, *, family_id: str, child_id: str, author: str, name: str,
                     emergency: StoredEmergency, text: str, on: date, record_id: str | None = None) -> None:
    """Store an objection to an emergency (the same id again stores nothing); the next sync round
    sends it, sealed for the organisation that recorded the emergency."""
    store.write(family_id=family_id, kind="emergency_objection", author=author, subject=child_id, body={
        "emergency": emergency.item, "organisation_id": emergency.exception.organisation_id, "text": text,
        "by": name, "on": on.isoformat()}, record_id=record_id)


def objections(store: RecordStore, family_id: str, child_id: str) -> dict[str, list[Objection]]:
    """The objections about the child's emergencies, by emergency, oldest first."""
    sent = {row[0] for row in store.db.execute("SELECT record_id FROM objections_sent WHERE family_id = ?",
                                                [family_id])}
    found: dict[str, list[Objection]] = {}
    for record in store.history(family_id, ["emergency_objection"], subject=child_id):
        body = record.body
        found.setdefault(body["emergency"], []).append(Objection(
            record.id, body["emergency"], body["organisation_id"], body.get("text", ""), body.get("by", ""),
            record.author, date.fromisoformat(body["on"]), record.id in sent))
    return found
