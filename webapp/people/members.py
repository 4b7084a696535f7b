"""Family members as records: a person record per parent or child; the store keeps the current version."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.people.ages import YOUTH_ACCOUNT_MIN_AGE, age_on
from webapp.records import RecordStore
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


def family_members(store: RecordStore, family_id: str) -> list[Person]:
    """Everyone in the family: parents first, then children from oldest to youngest.

    Raises LookupError for an unknown family."""
    people = [_person(record.item, record.body) for record in store.current(family_id, ["person"])
              if not record.body.get("removed")]
    return sorted(people, key=lambda p: (p.role != "parent", p.birth_date or date.min, p.name))


def find_member(store: RecordStore, family_id: str, person_id: str) -> Person | None:
    return next((p for p in family_members(store, family_id) if p.id == person_id), None)


def add_member(store: RecordStore, *, family_id: str, author: str, name: str, role: str,
               birth_date: date | None = None, has_gezag: bool = True, school_stage: str | None = None,
               record_id: str | None = None) -> Person:
    """Record a new parent or child; the record id becomes the person's id."""
    body = {"name": name, "role": role, "birth_date": birth_date.isoformat() if birth_date else None,
            "has_gezag": has_gezag, "school_stage": school_stage}
    record = store.write(family_id=family_id, kind="person", author=author, body=body, record_id=record_id)
    return _person(record.item, record.body)


def may_have_youth_account(person: Person, day: date) -> bool:
    """A youth account exists only from age 12."""
    age = person.age_on(day)
    return person.is_child and age is not None and age >= YOUTH_ACCOUNT_MIN_AGE
