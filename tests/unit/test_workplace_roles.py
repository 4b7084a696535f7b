"""Who may do what in the workplace follows the professional's role."""
from __future__ import annotations

import pytest

from webapp.workplace.roles import Action, allowed, may


@pytest.mark.parametrize("role, actions", [
    ("regisseur", set(Action)),
    ("Regisseur ", set(Action)),  # as typed in the admin's form
    ("mentor", set()),
    ("intern  begeleider", {Action.PLAN_MOMENT}),
    ("zorgcoördinator", {Action.PLAN_MOMENT, Action.EMERGENCY}),
    ("jeugdverpleegkundige", {Action.EMERGENCY, Action.LEGAL_GROUND}),
    ("jeugdhulpverlener", {Action.EMERGENCY}),
    ("leerplichtambtenaar", {Action.LEGAL_GROUND}),
    ("stagiair", set()),  # a role the lists do not know: only what every professional does
])
def test_each_role_takes_the_actions_of_its_task(role, actions):
    assert allowed(role) == actions


def test_only_the_regisseur_agrees_as_regisseur_and_invites():
    for role in ("mentor", "jeugdarts", "intern begeleider", "zorgcoördinator"):
        assert not may(role, Action.AGREE_AS_REGISSEUR) and not may(role, Action.INVITE)
