"""The record: one change made by one author, as it is stored and as it will travel."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

# Kinds of record and the category of information each belongs to. The category is
# what consent is given for; the sync client wraps keys per category.
CATEGORY_PLAN = "plan"
CATEGORY_EVALUATIONS = "evaluations"
CATEGORY_YOUTH_COMMENTS = "youth_comments"
CATEGORY_FAMILY = "family"  # who is in the family: never leaves the family space by consent alone

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
    "evaluation_response": CATEGORY_EVALUATIONS,
}


def new_record_id() -> str:
    """Record ids are made where the record is made (phone, family space or hub)."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Record:
    """Header fields travel in the clear inside an envelope; ``body`` is always encrypted."""

    id: str
    family_id: str
    kind: str
    author: str
    clock: str
    subject: str | None = None
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return category_of(self.kind, self.body)


def category_of(kind: str, body: dict[str, Any] | None = None) -> str:
    """The category of information a record belongs to; raises KeyError for an unknown kind."""
    if kind == "comment" and body and body.get("by_youth"):
        return CATEGORY_YOUTH_COMMENTS
    return KINDS[kind]
