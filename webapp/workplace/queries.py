"""What a professional sees, read only through ``sync.hub.open_many_for_organisation`` (the one
helper that opens what is wrapped for their organisation and logs each read)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from sync.cache import HubCache
from sync.clock import HybridClock
from sync.hub import Reader, open_many_for_organisation
from sync.keyring import KeyRing
from sync.record import SHARED_CATEGORIES
from webapp.db import utcnow_precise
from webapp.evaluation.responses import Response, fold_responses
from webapp.plan.model import GOAL_KINDS, ChildPlan, fold_child_plan


@dataclass(frozen=True)
class ChildCard:
    family_id: str
    child_id: str
    first_name: str
    birth_year: int | None
    school_stage: str | None
    new: int = 0  # records that arrived since the reader last opened the child's page


@dataclass(frozen=True)
class Hub:
    """What every workplace query needs: the database, the key ring, the clock and this process's cache."""

    db: sqlite_utils.Database
    ring: KeyRing
    hlc: HybridClock
    cache: HubCache | None = None

    def open(self, reader: Reader, envelope_ids: list[str]):
        return open_many_for_organisation(self.db, self.ring, self.hlc, reader, envelope_ids, self.cache)


# Starts from the organisation's own wraps (CROSS JOIN keeps that order), so the cost grows with
# what is shared with the organisation, not with the number of children on the hub.
_LATEST_CARDS = (
    "SELECT e.id, e.family_id, e.subject FROM key_wraps w CROSS JOIN envelopes e"
    " ON e.key_ref = w.key_ref WHERE w.recipient = ? AND w.category = 'card'"
    " AND e.seq = (SELECT MAX(seq) FROM envelopes c"
    " WHERE c.family_id = e.family_id AND c.subject = e.subject AND c.category = 'card')")


def _cards(hub: Hub, reader: Reader, rows) -> list[ChildCard]:
    opened = hub.open(reader, [row[0] for row in rows])
    cards = []
    for envelope_id, family_id, child_id in rows:
        record = opened.get(envelope_id)
        if record is None:
            continue
        body = record.body
        cards.append(ChildCard(family_id, child_id, str(body.get("first_name") or ""),
                               body.get("birth_year") if isinstance(body.get("birth_year"), int) else None,
                               body.get("school_stage") if isinstance(body.get("school_stage"), str) else None))
    return cards


def caseload(hub: Hub, reader: Reader, search: str = "") -> list[ChildCard]:
    """The children whose families share anything with the reader's organisation (their latest card),
    with what is new since the reader's last visit; optionally only first names that start with or
    contain `search`. A family that shares nothing with the organisation has no card wrapped for it
    and is not listed."""
    rows = hub.db.execute(_LATEST_CARDS, [reader.organisation_id]).fetchall()
    cards = _cards(hub, reader, rows)
    needle = search.strip().casefold()
    if needle:
        cards = [c for c in cards if needle in c.first_name.casefold()]
    new = dict(((family, child), count) for family, child, count in hub.db.execute(
        "SELECT e.family_id, e.subject, COUNT(*) FROM key_wraps w CROSS JOIN envelopes e ON e.key_ref = w.key_ref"
        " AND w.recipient = ? LEFT JOIN workplace_visits v ON v.professional_id = ? AND v.family_id = e.family_id"
        " AND v.child_id = e.subject WHERE e.origin = 'family' AND e.category != 'card'"
        " AND e.received_at > COALESCE(v.visited_at, '') GROUP BY e.family_id, e.subject",
        [reader.organisation_id, reader.professional_id]).fetchall())
    cards = [ChildCard(c.family_id, c.child_id, c.first_name, c.birth_year, c.school_stage,
                       new.get((c.family_id, c.child_id), 0)) for c in cards]
    return sorted(cards, key=lambda c: (c.first_name.casefold(), c.child_id))


def card_of(hub: Hub, reader: Reader, family_id: str, child_id: str) -> ChildCard | None:
    """The child's card, if the family shares anything of the child with the reader's organisation."""
    rows = hub.db.execute(_LATEST_CARDS + " AND w.family_id = ? AND w.subject = ?",
                          [reader.organisation_id, family_id, child_id]).fetchall()
    cards = _cards(hub, reader, rows)
    return cards[0] if cards else None


def mark_visited(hub: Hub, reader: Reader, family_id: str, child_id: str) -> None:
    hub.db.execute("INSERT INTO workplace_visits (professional_id, family_id, child_id, visited_at)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT (professional_id, family_id, child_id)"
                   " DO UPDATE SET visited_at = excluded.visited_at",
                   [reader.professional_id, family_id, child_id, utcnow_precise()])


@dataclass(frozen=True)
class SharedPlan:
    plan: ChildPlan | None            # None: the plan is not shared with this organisation
    shared: dict[str, bool]           # per category: does the organisation hold anything of it
    moment_authors: dict[str, str] = field(default_factory=dict)  # moment id -> who made it


def shared_plan(hub: Hub, reader: Reader, family_id: str, child_id: str) -> SharedPlan:
    """The child's plan as far as it is wrapped for the reader's organisation; each record opened is a read."""
    held = hub.db.execute(
        "SELECT e.id, e.kind, e.category FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref"
        " AND w.recipient = ? WHERE e.family_id = ? AND e.subject = ? ORDER BY e.clock",
        [reader.organisation_id, family_id, child_id]).fetchall()
    shared = {category: any(row[2] == category for row in held) for category in SHARED_CATEGORIES}
    if not shared["plan"]:
        return SharedPlan(None, shared)
    opened = hub.open(reader, [envelope_id for envelope_id, kind, category in held
                               if category == "plan" and kind in GOAL_KINDS])
    records = list(opened.values())
    made_by: dict[str, str] = {}
    for r in sorted((r for r in records if r.kind == "evaluation_moment"), key=lambda r: (r.clock, r.author)):
        made_by.setdefault(r.item, r.author)  # the author of the first version made the moment
    return SharedPlan(fold_child_plan(child_id, records), shared, made_by)


def shared_responses(hub: Hub, reader: Reader, family_id: str, child_id: str) -> list[Response] | None:
    """The child's evaluation answers as far as they are wrapped for the reader's organisation (None:
    evaluation answers are not shared); each record opened is a read."""
    rows = hub.db.execute(
        "SELECT e.id FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref AND w.recipient = ?"
        " WHERE e.family_id = ? AND e.subject = ? AND e.category = 'evaluations' ORDER BY e.clock",
        [reader.organisation_id, family_id, child_id]).fetchall()
    if not rows:
        return None
    return fold_responses(child_id, hub.open(reader, [row[0] for row in rows]).values())
