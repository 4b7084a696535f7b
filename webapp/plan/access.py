"""Access to a child's plan in the family space: who may decide on it (who may open it is
``webapp.people.access.load_child``)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_login import current_user

from webapp.consent.rules import DeciderRole
from webapp.people.access import decider_role as people_decider_role
from webapp.people.members import Person
from webapp.plan.rules import may_agree


def today() -> date:
    return current_app.config["ONSPLAN"].today()


def decider_role(me: Person | None, child: Person) -> DeciderRole | None:
    """The role in which the signed-in person speaks for this child, if any."""
    if me is None:
        return None
    return people_decider_role(current_user.role, me.id, [me], child)


def may_agree_now(me: Person | None, child: Person, life_domain: str) -> bool:
    """May the signed-in person agree (or change the status of) a goal in this life domain today."""
    role = decider_role(me, child)
    return role is not None and child.birth_date is not None and may_agree(role, child.birth_date, life_domain, today())
