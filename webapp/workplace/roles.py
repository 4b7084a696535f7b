"""Who may do what in the workplace, by the professional's role (pure: no Flask, no storage).

What a professional *reads* is decided by the family alone (key wraps per organisation); this
module only decides which *actions* a role takes. Every professional who reads a child's plan
may propose a goal, give feedback and propose an afspraak. The rest follows the role:

- planning an evaluation moment, recording the review of a goal at a moment and closing a moment:
  the roles that coordinate support (the regisseur, and at school the intern begeleider or
  zorgcoördinator, and the behavioural specialist);
- opening information in an emergency: the roles with a safety duty under the meldcode
  (the regisseur, youth care workers, the JGZ nurse and doctor, the aandachtsfunctionaris,
  the school's zorgcoördinator, the behavioural specialist, the child protection worker);
- recording a legal ground: the roles whose organisation holds one (JGZ, child protection,
  the regisseur, the behavioural specialist, the leerplichtambtenaar);
- agreeing as regisseur and inviting a family: the regisseur only.

A mentor therefore proposes and gives feedback within what the school may read, and asks the
zorgcoördinator or aandachtsfunctionaris for the rest. A role title the lists do not know gets
the actions every professional has. See docs/workplace.md.
"""
from __future__ import annotations

from enum import Enum


class Action(Enum):
    PLAN_MOMENT = "plan_moment"        # plan a moment, review goals at it, close it
    EMERGENCY = "emergency"
    LEGAL_GROUND = "legal_ground"
    AGREE_AS_REGISSEUR = "agree_as_regisseur"
    INVITE = "invite"


REGISSEUR = "regisseur"
COORDINATING = frozenset({REGISSEUR, "casemanager", "intern begeleider", "zorgcoördinator", "zorgcoordinator",
                          "gedragswetenschapper", "orthopedagoog"})
SAFETY_DUTY = frozenset({REGISSEUR, "casemanager", "jeugdhulpverlener", "jeugdverpleegkundige", "jeugdarts",
                         "aandachtsfunctionaris", "zorgcoördinator", "zorgcoordinator", "gedragswetenschapper",
                         "jeugdbeschermer"})
HOLDS_LEGAL_GROUNDS = frozenset({REGISSEUR, "casemanager", "jeugdverpleegkundige", "jeugdarts", "jeugdbeschermer",
                                 "gedragswetenschapper", "leerplichtambtenaar"})

_WHO = {Action.PLAN_MOMENT: COORDINATING, Action.EMERGENCY: SAFETY_DUTY, Action.LEGAL_GROUND: HOLDS_LEGAL_GROUNDS,
        Action.AGREE_AS_REGISSEUR: frozenset({REGISSEUR}), Action.INVITE: frozenset({REGISSEUR})}


def normal_role(role_title: str) -> str:
    return " ".join(role_title.strip().lower().split())


def may(role_title: str, action: Action) -> bool:
    """May a professional with this role title take this action."""
    return normal_role(role_title) in _WHO[action]


def allowed(role_title: str) -> frozenset[Action]:
    return frozenset(action for action in Action if may(role_title, action))
