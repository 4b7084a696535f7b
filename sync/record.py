"""The record: one change made by one author, as it is stored and as it will travel."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

# Kinds of record and the category of information each belongs to. The category is
# what consent is given for; the sync client wraps keys per category.
CATEGORY_PLAN = "plan"
CATEGORY_EVALUATIONS = "evaluations"
CATEGORY_YOUTH_COMMENTS = "youth_comments"
CATEGORY_FAMILY = "family"  # who is in the family: never leaves the family space by consent alone
CATEGORY_CARD = "card"  # the minimal child card an organisation gets while it may read something of the child
# The categories consent is given for, per child; each has its own content keys per epoch.
SHARED_CATEGORIES = (CATEGORY_PLAN, CATEGORY_EVALUATIONS, CATEGORY_YOUTH_COMMENTS)
CATEGORIES = frozenset({*SHARED_CATEGORIES, CATEGORY_FAMILY, CATEGORY_CARD})

KINDS: dict[str, str] = {
    "person": CATEGORY_FAMILY,
    "involved": CATEGORY_PLAN,
    "goal": CATEGORY_PLAN,
    "goal_agreement": CATEGORY_PLAN,
    "agreement_item": CATEGORY_PLAN,
    "evaluation_moment": CATEGORY_PLAN,
    "comment": CATEGORY_PLAN,
    "review_note": CATEGORY_PLAN,
    "consent_decision": CATEGORY_FAMILY,
    "legal_basis": CATEGORY_FAMILY,
    "emergency_access": CATEGORY_FAMILY,
    "access_event": CATEGORY_FAMILY,
    # The family says it does not agree with an emergency: kept here, and sealed for the organisation
    # that recorded it in its own request (sync.family, /sync/v1/objections).
    "emergency_objection": CATEGORY_FAMILY,
    "evaluation_response": CATEGORY_EVALUATIONS,
    "child_card": CATEGORY_CARD,  # made at sync time from the child's person record; never stored as a record
}


# Statuses that end an item: a finished item stays in history and on the plan page, but
# lists of what still needs doing (Start) can leave it out without opening it.
FINISHED_STATUSES: dict[str, frozenset[str]] = {
    "agreement_item": frozenset({"done", "cancelled"}),
    "goal": frozenset({"reached", "stopped", "adjusted"}),
}


def new_record_id() -> str:
    """Record ids are made where the record is made (phone, family space or hub)."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Record:
    """Header fields travel in the clear inside an envelope; ``body`` is always encrypted.

    ``item`` is the logical thing the record is a version of (a goal, an afspraak, a person):
    ``body['item']`` when the body names one, else the record's own id. ``replaces`` is the
    record the author saw as current when making this one (for consent decisions: the
    person's previous decision), or None.
    """

    id: str
    family_id: str
    kind: str
    author: str
    clock: str
    subject: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    replaces: str | None = None

    @property
    def category(self) -> str:
        return category_of(self.kind, self.body)

    @property
    def item(self) -> str:
        item = self.body.get("item")
        return item if isinstance(item, str) and item else self.id

    @property
    def finished(self) -> bool:
        """Does this version end its item (an afspraak done or cancelled, a goal reached, stopped or replaced)?"""
        return self.body.get("status") in FINISHED_STATUSES.get(self.kind, frozenset())

    @property
    def about(self) -> str | None:
        """The goal this record is about (an agreement, comment, review note or afspraak), if any."""
        goal = self.body.get("goal")
        return goal if isinstance(goal, str) and goal else None

    def header_bytes(self) -> bytes:
        """Canonical bytes of every header field: bound as associated data to the encrypted body,
        so changing any of them in the database makes the record fail to open."""
        return header_bytes(id=self.id, family=self.family_id, kind=self.kind, category=self.category,
                            author=self.author, clock=self.clock, subject=self.subject, item=self.item,
                            about=self.about, replaces=self.replaces, finished=self.finished)


def header_bytes(*, id: str, family: str, kind: str, category: str, author: str, clock: str,  # noqa: A002
                 subject: str | None, item: str, about: str | None, replaces: str | None,
                 finished: bool) -> bytes:
    """Canonical JSON of a record header (also built from stored columns before the body is opened)."""
    header = {"v": 1, "id": id, "family": family, "kind": kind, "category": category, "author": author,
              "clock": clock, "subject": subject, "item": item, "about": about, "replaces": replaces,
              "finished": finished}
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def order_key(record: Record) -> tuple[str, str]:
    """The one order of versions of an item, the same on every node: clock, then author id."""
    return (record.clock, record.author)


def supersedes(candidate: Record, current: Record) -> bool:
    """Does `candidate` replace `current` as the current version of their item?"""
    return order_key(candidate) > order_key(current)


def current_versions(records: Iterable[Record]) -> dict[str, Record]:
    """Per item, the current version by ``supersedes``: what the record store keeps in its
    ``is_current`` column, for code that holds records in memory (pure folds and their tests)."""
    current: dict[str, Record] = {}
    for record in records:
        held = current.get(record.item)
        if held is None or supersedes(record, held):
            current[record.item] = record
    return current


def category_of(kind: str, body: dict[str, Any] | None = None) -> str:
    """The category of information a record belongs to; raises KeyError for an unknown kind."""
    if kind == "comment" and body and body.get("by_youth"):
        return CATEGORY_YOUTH_COMMENTS
    return KINDS[kind]
