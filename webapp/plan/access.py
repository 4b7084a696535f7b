"""Access to a child's plan in the family space: who may open it, who may decide on it."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app
from flask_login import current_user

from webapp.consent.access import decider_role as consent_decider_role
from webapp.consent.rules import DeciderRole
from webapp.db import get_db
from webapp.family.members import Person, family_members
from webapp.plan.rules import may_agree
from webapp.records import node_key


def today() -> date:
    return current_app.config["ONSPLAN"].today()


def visible_children(members: list[Person]) -> list[Person]:
    """The children whose plan the signed-in person may open: all for a parent, only their own for a youth."""
    children = [p for p in members if p.is_child]
    if current_user.role == "youth":
        return [p for p in children if p.id == current_user.person_id]
    return children


def load_child(child_id: str) -> tuple[Person, Person | None]:
    """The child (and the signed-in person) for a plan page.

    Raises 404 when the child is not in this family, 403 when a youth opens a sibling's plan.
    """
    members = family_members(get_db(), node_key(), current_user.family_id)
    child = next((p for p in members if p.id == child_id and p.is_child), None)
    if child is None:
        abort(404)
    if child not in visible_children(members):
        abort(403)
    me = next((p for p in members if p.id == current_user.person_id), None)
    return child, me


def decider_role(me: Person | None, child: Person) -> DeciderRole | None:
    """The role in which the signed-in person speaks for this child, if any (the consent feature's rule)."""
    if me is None:
        return None
    return consent_decider_role(current_user.role, me.id, [me], child)


def may_agree_now(me: Person | None, child: Person, life_domain: str) -> bool:
    """May the signed-in person agree (or change the status of) a goal in this life domain today."""
    role = decider_role(me, child)
    return role is not None and child.birth_date is not None and may_agree(role, child.birth_date, life_domain, today())
