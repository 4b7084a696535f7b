"""What a professional sees, read only through ``sync.hub.open_many_for_organisation`` (the one
helper that opens what is wrapped for their organisation and logs each read)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import sqlite_utils

from sync.cache import HubCache
from sync.clock import HybridClock
from sync.hub import Reader, open_many_for_organisation
from sync.keyring import KeyRing
from sync.record import SHARED_CATEGORIES
from webapp.db import transaction, utcnow_precise
from webapp.evaluation.responses import Response, fold_responses
from webapp.paging import Page, page_of
from webapp.plan.model import GOAL_KINDS, ChildPlan, EvaluationMoment, fold_child_plan
from webapp.plan.rules import GoalStatus


@dataclass(frozen=True)
class ChildCard:
    family_id: str
    child_id: str
    first_name: str
    birth_year: int | None
    school_stage: str | None
    new: int = 0  # records that arrived since the reader last opened the child's page
    next_moment: EvaluationMoment | None = None  # the next open evaluation moment (if the plan is shared)
    waiting: int = 0  # goals a professional proposed that wait for the family's agreement


@dataclass(frozen=True)
class Hub:
    """What every workplace query needs: the database, the key ring, the clock and this process's cache."""

    db: sqlite_utils.Database
    ring: KeyRing
    hlc: HybridClock
    cache: HubCache | None = None

    def open(self, reader: Reader, envelope_ids: list[str], choose=None):
        return open_many_for_organisation(self.db, self.ring, self.hlc, reader, envelope_ids, self.cache, choose)


# Starts from the organisation's own wraps (CROSS JOIN keeps that order), so the cost grows with
# what is shared with the organisation, not with the number of children on the hub.
_LATEST_CARDS = (
    "SELECT e.id, e.family_id, e.subject FROM key_wraps w CROSS JOIN envelopes e"
    " ON e.key_ref = w.key_ref WHERE w.recipient = ? AND w.category = 'card'"
    " AND e.seq = (SELECT MAX(seq) FROM envelopes c"
    " WHERE c.family_id = e.family_id AND c.subject = e.subject AND c.category = 'card')")


def _card(family_id: str, child_id: str, record) -> ChildCard:
    body = record.body
    return ChildCard(family_id, child_id, str(body.get("first_name") or ""),
                     body.get("birth_year") if isinstance(body.get("birth_year"), int) else None,
                     body.get("school_stage") if isinstance(body.get("school_stage"), str) else None)


def _first_name(record) -> str:
    return str(record.body.get("first_name") or "")


CASELOAD_PAGE_SIZE = 50


def caseload(hub: Hub, reader: Reader, today: date, search: str = "", page: int = 1) -> Page[ChildCard]:
    """A page of the children whose families share anything with the reader's organisation (their
    latest card), sorted by first name; optionally only first names that contain `search`. For each:
    what is new since the reader's last visit and, where the plan is shared, the next evaluation
    moment and the proposals that wait for the family.

    A family that shares nothing with the organisation has no card wrapped for it and is not
    listed. Sorting and searching choose inside the read helper, so only the cards on the page are
    handed over and logged as read."""
    with transaction(hub.db):  # the reads of the cards and of the plans are logged in one commit
        return _caseload(hub, reader, today, search, page)


def _caseload(hub: Hub, reader: Reader, today: date, search: str, page: int) -> Page[ChildCard]:
    rows = hub.db.execute(_LATEST_CARDS, [reader.organisation_id]).fetchall()
    where = {envelope_id: (family_id, child_id) for envelope_id, family_id, child_id in rows}
    needle = search.strip().casefold()
    chosen: list[Page] = []

    def choose(opened: dict) -> list[str]:
        matching = sorted((envelope_id for envelope_id, record in opened.items()
                           if needle in _first_name(record).casefold()),
                          key=lambda envelope_id: (_first_name(opened[envelope_id]).casefold(), where[envelope_id]))
        chosen.append(page_of(matching, page, CASELOAD_PAGE_SIZE))
        return list(chosen[0].items)

    opened = hub.open(reader, list(where), choose=choose)
    cards = [_card(*where[envelope_id], opened[envelope_id]) for envelope_id in chosen[0].items]
    children = [(c.family_id, c.child_id) for c in cards]
    new = _new_since_visit(hub, reader, children)
    plans = _plan_summaries(hub, reader, children, today)
    cards = [replace(c, new=new.get((c.family_id, c.child_id), 0), **plans.get((c.family_id, c.child_id), {}))
             for c in cards]
    return Page(cards, chosen[0].number, chosen[0].pages, chosen[0].total)


def _new_since_visit(hub: Hub, reader: Reader, children: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Per child: the family's records that arrived since the reader last opened the child's page."""
    if not children:
        return {}
    return dict(((family, child), count) for family, child, count in hub.db.execute(
        f"WITH k (f, s) AS (VALUES {', '.join('(?, ?)' for _ in children)})"  # nosec B608: placeholders only
        " SELECT w.family_id, w.subject, COUNT(*) FROM k CROSS JOIN key_wraps w ON w.recipient = ?"
        " AND w.family_id = k.f AND w.subject = k.s CROSS JOIN envelopes e ON e.key_ref = w.key_ref"
        " LEFT JOIN workplace_visits v ON v.professional_id = ? AND v.family_id = w.family_id"
        " AND v.child_id = w.subject WHERE e.origin = 'family' AND e.category != 'card'"
        " AND e.received_at > COALESCE(v.visited_at, '') GROUP BY w.family_id, w.subject",
        [*(value for child in children for value in child), reader.organisation_id,
         reader.professional_id]).fetchall())


def _plan_summaries(hub: Hub, reader: Reader, children: list[tuple[str, str]], today: date) -> dict:
    """Per child whose plan is shared: the next open evaluation moment and how many goals a
    professional proposed that the family has not agreed to yet (a read of the plan, logged)."""
    if not children:
        return {}
    refs = dict(hub.db.execute(
        f"WITH k (f, s) AS (VALUES {', '.join('(?, ?)' for _ in children)})"  # nosec B608: placeholders only
        " SELECT e.id, e.key_ref FROM k CROSS JOIN key_wraps w ON w.recipient = ? AND w.family_id = k.f"
        " AND w.subject = k.s AND w.category = 'plan' CROSS JOIN envelopes e ON e.key_ref = w.key_ref"
        " WHERE e.kind IN ('goal', 'goal_agreement', 'evaluation_moment')",
        [*(value for child in children for value in child), reader.organisation_id]).fetchall())
    by_child: dict[tuple[str, str], list] = {}
    for record in hub.open(reader, list(refs)).values():
        by_child.setdefault((record.family_id, record.subject), []).append(record)
    summaries = {}
    for (family_id, child_id), records in by_child.items():
        # Worked out again only when the records read differ (envelopes never change once stored).
        key = ("caseload", family_id, child_id, today, frozenset(r.id for r in records))
        summary = hub.cache.derived(reader.organisation_id, key) if hub.cache is not None else None
        if summary is None:
            summary = _plan_summary(child_id, records, today)
            if hub.cache is not None:
                hub.cache.keep_derived(reader.organisation_id, key, frozenset(refs[r.id] for r in records), summary)
        summaries[(family_id, child_id)] = summary
    return summaries


def _plan_summary(child_id: str, records: list, today: date) -> dict:
    plan = fold_child_plan(child_id, records)
    return {"next_moment": next((m for m in plan.moments if not m.closed and m.on >= today), None),
            "waiting": sum(1 for g in plan.goals if g.current.status is GoalStatus.PROPOSED
                           and g.proposed_by.side == "professional"
                           and not any(a.agreement.side == "family" for a in g.agreements_for()))}


def card_of(hub: Hub, reader: Reader, family_id: str, child_id: str) -> ChildCard | None:
    """The child's card, if the family shares anything of the child with the reader's organisation."""
    rows = hub.db.execute(_LATEST_CARDS + " AND w.family_id = ? AND w.subject = ?",
                          [reader.organisation_id, family_id, child_id]).fetchall()
    opened = hub.open(reader, [row[0] for row in rows])
    return next((_card(family_id, child_id, opened[row[0]]) for row in rows if row[0] in opened), None)


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
    """The child's plan as far as it is wrapped for the reader's organisation, with the youth's
    comments where those are shared too; each record opened is a read."""
    held = hub.db.execute(
        "SELECT e.id, e.kind, e.category FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref"
        " AND w.recipient = ? WHERE e.family_id = ? AND e.subject = ? ORDER BY e.clock",
        [reader.organisation_id, family_id, child_id]).fetchall()
    shared = {category: any(row[2] == category for row in held) for category in SHARED_CATEGORIES}
    if not shared["plan"]:
        return SharedPlan(None, shared)
    opened = hub.open(reader, [envelope_id for envelope_id, kind, category in held
                               if category in ("plan", "youth_comments") and kind in GOAL_KINDS])
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
