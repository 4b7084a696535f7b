"""Which children a signed-in family member may see, and in which role they speak for a child.

``visible_children`` is the one rule for "a youth sees only their own plan"; every family page
(plan, consent, evaluation, home) asks it through ``load_child`` or ``children_of``.
"""
from __future__ import annotations

from typing import Iterable

from flask import abort
from flask_login import current_user

from webapp.consent.rules import DeciderRole
from webapp.people.members import Person, family_members
from webapp.records import get_store


class SiblingRefused(PermissionError):
    """A youth asked for a sibling's information (403)."""


def visible_children(members: Iterable[Person], account_role: str, person_id: str) -> list[Person]:
    """The children this person may see: all for a parent, only themself for a youth."""
    children = [p for p in members if p.is_child]
    if account_role == "youth":
        return [p for p in children if p.id == person_id]
    return children


def find_child(members: list[Person], child_id: str, account_role: str, person_id: str) -> Person:
    """The child with this id; raises LookupError when it is no child of this family and
    SiblingRefused when this person may not see it."""
    child = next((p for p in members if p.id == child_id and p.is_child), None)
    if child is None:
        raise LookupError("no such child in this family")
    if child not in visible_children(members, account_role, person_id):
        raise SiblingRefused("a youth sees only their own plan")
    return child


def current_members() -> list[Person]:
    """The signed-in person's family, read once per request."""
    return family_members(get_store(), current_user.family_id)


def children_of_current_user(members: list[Person] | None = None) -> list[Person]:
    """The children the signed-in person may see."""
    members = current_members() if members is None else members
    return visible_children(members, current_user.role, current_user.person_id)


def load_child(child_id: str) -> tuple[Person, Person | None]:
    """The child (and the signed-in person) for a family page.

    Raises 404 when the child is not in this family, 403 when a youth opens a sibling's page.
    """
    members = current_members()
    try:
        child = find_child(members, child_id, current_user.role, current_user.person_id)
    except SiblingRefused:
        abort(403)
    except LookupError:
        abort(404)
    return child, next((p for p in members if p.id == current_user.person_id), None)


def decider_role(account_role: str, person_id: str, members: Iterable[Person], child: Person) -> DeciderRole | None:
    """The role in which this person speaks for `child`, or None (no gezag, or a sibling)."""
    if account_role == "youth":
        return DeciderRole.YOUTH if person_id == child.id else None
    me = next((p for p in members if p.id == person_id), None)
    if account_role == "parent" and me is not None and me.role == "parent" and me.has_gezag:
        return DeciderRole.PARENT
    return None
