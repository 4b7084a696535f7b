"""What a professional sees, read only through ``sync.hub.open_for_organisation`` (the one helper
that opens what is wrapped for their organisation and logs each read)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from sync.clock import HybridClock
from sync.hub import NotShared, Reader, open_for_organisation
from sync.keyring import KeyRing
from sync.record import SHARED_CATEGORIES
from webapp.evaluation.responses import Response, fold_responses
from webapp.plan.model import GOAL_KINDS, ChildPlan, fold_child_plan


@dataclass(frozen=True)
class ChildCard:
    family_id: str
    child_id: str
    first_name: str
    birth_year: int | None
    school_stage: str | None


def caseload(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader) -> list[ChildCard]:
    """The children whose families share anything with the reader's organisation: their latest card.
    A family that shares nothing with the organisation has no card wrapped for it and is not listed."""
    rows = db.execute(
        "SELECT e.id, e.family_id, e.subject FROM envelopes e JOIN key_wraps w"
        " ON w.key_ref = e.key_ref AND w.recipient = ?"
        " WHERE e.category = 'card' AND e.seq = (SELECT MAX(seq) FROM envelopes c"
        " WHERE c.family_id = e.family_id AND c.subject = e.subject AND c.category = 'card')",
        [reader.organisation_id]).fetchall()
    cards = []
    for envelope_id, family_id, child_id in rows:
        try:
            body = open_for_organisation(db, ring, hlc, reader, envelope_id).body
        except NotShared:
            continue
        cards.append(ChildCard(family_id, child_id, str(body.get("first_name") or ""),
                               body.get("birth_year") if isinstance(body.get("birth_year"), int) else None,
                               body.get("school_stage") if isinstance(body.get("school_stage"), str) else None))
    return sorted(cards, key=lambda c: (c.first_name.lower(), c.child_id))


def card_of(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader, family_id: str,
            child_id: str) -> ChildCard | None:
    return next((c for c in caseload(db, ring, hlc, reader) if (c.family_id, c.child_id) == (family_id, child_id)),
                None)


@dataclass(frozen=True)
class SharedPlan:
    plan: ChildPlan | None            # None: the plan is not shared with this organisation
    shared: dict[str, bool]           # per category: does the organisation hold anything of it
    moment_authors: dict[str, str] = field(default_factory=dict)  # moment id -> who made it


def shared_plan(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader, family_id: str,
                child_id: str) -> SharedPlan:
    """The child's plan as far as it is wrapped for the reader's organisation; each record opened is a read."""
    held = db.execute(
        "SELECT e.id, e.kind, e.category FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref"
        " AND w.recipient = ? WHERE e.family_id = ? AND e.subject = ? ORDER BY e.clock",
        [reader.organisation_id, family_id, child_id]).fetchall()
    shared = {category: any(row[2] == category for row in held) for category in SHARED_CATEGORIES}
    if not shared["plan"]:
        return SharedPlan(None, shared)
    records = []
    for envelope_id, kind, category in held:
        if category == "plan" and kind in GOAL_KINDS:
            try:
                records.append(open_for_organisation(db, ring, hlc, reader, envelope_id))
            except NotShared:
                continue
    made_by: dict[str, str] = {}
    for r in sorted((r for r in records if r.kind == "evaluation_moment"), key=lambda r: (r.clock, r.author)):
        made_by.setdefault(r.item, r.author)  # the author of the first version made the moment
    return SharedPlan(fold_child_plan(child_id, records), shared, made_by)


def shared_responses(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader, family_id: str,
                     child_id: str) -> list[Response] | None:
    """The child's evaluation answers as far as they are wrapped for the reader's organisation (None:
    evaluation answers are not shared); each record opened is a read."""
    rows = db.execute(
        "SELECT e.id FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref AND w.recipient = ?"
        " WHERE e.family_id = ? AND e.subject = ? AND e.category = 'evaluations' ORDER BY e.clock",
        [reader.organisation_id, family_id, child_id]).fetchall()
    if not rows:
        return None
    records = []
    for (envelope_id,) in rows:
        try:
            records.append(open_for_organisation(db, ring, hlc, reader, envelope_id))
        except NotShared:
            continue
    return fold_responses(child_id, records)
