"""Family members as records: a person record per parent or child, versions folded by clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from sync.clock import HybridClock
from webapp.consent.rules import age_on
from webapp.crypto import NodeKey
from webapp.records import add_record, family_records, latest_versions

YOUTH_ACCOUNT_MIN_AGE = 12
SCHOOL_STAGES = ("po", "vo", "vso", "mbo", "none")


@dataclass(frozen=True)
class Person:
    """A parent/verzorger or a child, as the family currently has them on record."""

    id: str
    name: str
    role: str  # "parent" or "child"
    birth_date: date | None = None
    has_gezag: bool = True
    school_stage: str | None = None

    @property
    def is_child(self) -> bool:
        return self.role == "child"

    def age_on(self, day: date) -> int | None:
        """Full years on ``day``; a 29 February birthday counts from 1 March in other years."""
        return None if self.birth_date is None else age_on(self.birth_date, day)


def _person(record_id: str, body: dict) -> Person:
    birth = body.get("birth_date")
    return Person(
        id=record_id,
        name=body["name"],
        role=body["role"],
        birth_date=date.fromisoformat(birth) if birth else None,
        has_gezag=bool(body.get("has_gezag", True)),
        school_stage=body.get("school_stage"),
    )


def family_members(db: sqlite_utils.Database, keys: NodeKey, family_id: str) -> list[Person]:
    """Everyone in the family: parents first, then children from oldest to youngest."""
    current = latest_versions(family_records(db, keys, family_id, kinds=["person"]))
    people = [_person(item, record.body) for item, record in current.items() if not record.body.get("removed")]
    return sorted(people, key=lambda p: (p.role != "parent", p.birth_date or date.min, p.name))


def find_member(db: sqlite_utils.Database, keys: NodeKey, family_id: str, person_id: str) -> Person | None:
    return next((p for p in family_members(db, keys, family_id) if p.id == person_id), None)


def add_member(db: sqlite_utils.Database, keys: NodeKey, hlc: HybridClock, *, family_id: str, author: str,
               name: str, role: str, birth_date: date | None = None, has_gezag: bool = True,
               school_stage: str | None = None, record_id: str | None = None) -> Person:
    """Record a new parent or child; the record id becomes the person's id."""
    body = {"name": name, "role": role, "birth_date": birth_date.isoformat() if birth_date else None,
            "has_gezag": has_gezag, "school_stage": school_stage}
    record = add_record(db, keys, hlc, family_id=family_id, kind="person", author=author,
                        body=body, record_id=record_id)
    body_with_item = dict(record.body)
    return _person(record.body.get("item", record.id), body_with_item)


def may_have_youth_account(person: Person, day: date) -> bool:
    """A youth account exists only from age 12."""
    age = person.age_on(day)
    return person.is_child and age is not None and age >= YOUTH_ACCOUNT_MIN_AGE
