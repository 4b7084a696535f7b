"""Every hub route, for every professional and every consent state of the demo family: nothing of a
family leaks without a basis. The routes come from the app's url_map, so a new route cannot be
forgotten: a route this test does not know makes it fail.

Consent states in the demo after the fixture: shared by consent (wijkteam: all plans), not shared
(JGZ: Sam and Noor), withdrawn (JGZ: Noor's evaluations; the school: Sam's plan, withdrawn here),
legal basis (JGZ: Lotte's plan), an emergency that ended (wijkteam: Sam's evaluations), and an
organisation that is not involved at all (Bureau Leerplicht)."""
from __future__ import annotations

import pytest

from sync.record import SHARED_CATEGORIES
from tests.conftest import Actions, csrf_token
from tests.integration.sync_helpers import ORG, start_roles, withdraw
from webapp.consent.rules import InfoKind
from webapp.plan.queries import load_child_plan
from webapp.records import get_store

OUTSIDER = "9b1f3c2e-0009-4a55-8d0e-6f1c00000009"
PERSONAS = {"karin": ORG["wijkteam"], "tom": ORG["school"], "mehmet": ORG["jgz"], "lars": OUTSIDER}
CHILDREN = ("Lotte", "Sam", "Noor")
# Routes that hold no family data, or are tested elsewhere (sync endpoints: signed requests).
NO_FAMILY_DATA = {"static", "language.switch", "pwa.manifest", "pwa.service_worker", "pwa.offline", "pwa.favicon",
                  "auth.login", "auth.second_factor", "auth.logout", "home.root", "workplace.invite",
                  "workplace.withdraw_code"}  # the organisation's own codes: test_hub_workplace.py
SIGNED_SYNC = {"sync_hub.hub_keys", "sync_hub.directory", "sync_hub.enrol", "sync_hub.push", "sync_hub.keys",
               "sync_hub.pull", "sync_hub.wait", "sync_hub.objections"}
KNOWN_ARGUMENTS = {"family_id", "child_id", "goal_id", "moment_id"}


@pytest.fixture(scope="module")
def world(seeded, tmp_path_factory):
    roles = start_roles(seeded, tmp_path_factory.mktemp("authorization"))
    roles.sync()
    withdraw(roles, roles.child("Sam"), ORG["school"], InfoKind.PLAN)
    roles.sync()
    children = {name: roles.child(name) for name in CHILDREN}
    titles, ids = {}, {}
    with roles.family.app_context():
        for name, child in children.items():
            plan = load_child_plan(get_store(), roles.family_id, child.id)
            titles[name] = [g.current.title for g in plan.goals]
            none = "00000000-0000-4000-8000-000000000000"  # Noor has no evaluation moment yet
            ids[name] = {"goal_id": plan.goals[0].id if plan.goals else none,
                         "moment_id": plan.moments[0].id if plan.moments else none}
    allowed = {(login, name): {c for c in SHARED_CATEGORIES if roles.may_read(org, child.id, c)}
               for login, org in PERSONAS.items() for name, child in children.items()}
    clients = {}
    for login in PERSONAS:
        client = roles.hub.test_client()
        assert Actions(client).professional_login(roles.hub, login).status_code == 303
        clients[login] = client
    roles.ids = ids
    yield roles, children, titles, allowed, clients
    roles.stop()


def _routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in NO_FAMILY_DATA | SIGNED_SYNC]
    unknown = [r.rule for r in rules if set(r.arguments) - KNOWN_ARGUMENTS]
    assert not unknown, f"new hub routes need a place in this test: {unknown}"
    return rules


def _url(rule, roles, name, child) -> str:
    """The route filled in with real ids of this child (its first goal and first evaluation moment)."""
    url = rule.rule.replace("<family_id>", roles.family_id).replace("<child_id>", child.id)
    for argument, value in roles.ids[name].items():
        url = url.replace(f"<{argument}>", value)
    return url


def test_the_states_this_test_walks_are_the_ones_it_claims(world):
    _roles, _children, _titles, allowed, _clients = world
    assert allowed[("karin", "Sam")] >= {"plan"}
    assert allowed[("tom", "Sam")] == set()
    assert allowed[("tom", "Lotte")] >= {"plan"}
    assert allowed[("mehmet", "Lotte")] == {"plan"}
    assert allowed[("mehmet", "Noor")] == set() and allowed[("mehmet", "Sam")] == set()
    assert all(allowed[("lars", name)] == set() for name in CHILDREN)


def test_every_route_refuses_or_hides_what_the_organisation_may_not_read(world):
    roles, children, titles, allowed, clients = world
    hub_db = roles.hub_db()
    for rule in _routes(roles.hub):
        for login, client in clients.items():
            for name, child in children.items():
                may = allowed[(login, name)]
                url = _url(rule, roles, name, child)
                if "GET" in rule.methods:
                    response = client.get(url)
                    body = response.get_data(as_text=True)
                    if "<child_id>" in rule.rule and not may:
                        assert response.status_code == 404, (login, name, rule.rule)
                    if "plan" not in may:
                        leaked = [t for t in titles[name] if t in body]
                        assert not leaked, (login, name, rule.rule, leaked)
                    if "evaluations" not in may:
                        assert "Antwoorden van" not in body, (login, name, rule.rule)
                    if rule.endpoint == "home.workplace":
                        assert (f">{name}</a>" in body) == bool(may), (login, name)
                if "POST" in rule.methods and "<child_id>" in rule.rule and not may:
                    page = client.get("/werkplek").get_data(as_text=True)  # its reads may tell the family
                    before = hub_db.execute("SELECT COUNT(*) FROM envelopes").fetchone()[0]
                    response = client.post(url, data={"csrf_token": csrf_token(page)})
                    assert response.status_code in (403, 404), (login, name, rule.rule, response.status_code)
                    assert hub_db.execute("SELECT COUNT(*) FROM envelopes").fetchone()[0] == before


def test_without_signing_in_every_route_sends_to_the_sign_in_page(world):
    roles, children, _titles, _allowed, _clients = world
    anonymous = roles.hub.test_client()
    for rule in _routes(roles.hub):
        url = _url(rule, roles, "Sam", children["Sam"])
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = anonymous.open(url, method=method)
            assert response.status_code in (302, 303, 400), (method, rule.rule, response.status_code)
            assert "Sam" not in response.get_data(as_text=True)
            if response.status_code in (302, 303):
                assert "/inloggen" in response.headers["Location"]


def test_only_a_regisseur_agrees_on_the_regisseurs_side(world):
    roles, children, _titles, allowed, clients = world
    for login in ("tom", "mehmet"):
        for name, child in children.items():
            if not allowed[(login, name)]:
                continue
            page = clients[login].get(f"/werkplek/kind/{roles.family_id}/{child.id}").get_data(as_text=True)
            assert "Akkoord geven als regisseur" not in page
            response = clients[login].post(f"/werkplek/kind/{roles.family_id}/{child.id}/doel/x/akkoord",
                                           data={"csrf_token": csrf_token(page), "version": "1"})
            assert response.status_code == 403


def test_a_write_naming_a_goal_or_moment_of_another_child_or_of_nobody_is_not_found_and_sends_nothing(world):
    roles, children, _titles, allowed, clients = world
    karin, hub_db = clients["karin"], roles.hub_db()
    assert allowed[("karin", "Sam")] >= {"plan"} and allowed[("karin", "Lotte")] >= {"plan"}
    writes = [r for r in _routes(roles.hub) if "POST" in r.methods and {"goal_id", "moment_id"} & set(r.arguments)]
    assert writes, "the routes that name a goal or a moment"
    page = karin.get("/werkplek").get_data(as_text=True)
    for rule in writes:
        for wrong in (roles.ids["Lotte"], {"goal_id": "00000000-0000-4000-8000-00000000abcd",
                                           "moment_id": "00000000-0000-4000-8000-00000000abcd"}):
            url = rule.rule.replace("<family_id>", roles.family_id).replace("<child_id>", children["Sam"].id)
            for argument, value in wrong.items():
                url = url.replace(f"<{argument}>", value)
            before = hub_db.execute("SELECT COUNT(*) FROM envelopes").fetchone()[0]
            prefix = f"review-{wrong['goal_id'][:8]}"
            response = karin.post(url, data={"csrf_token": csrf_token(page), "version": "1",
                                             f"{prefix}-csrf_token": csrf_token(page), f"{prefix}-goal": wrong["goal_id"],
                                             f"{prefix}-outcome": "reached", f"{prefix}-text": "Besproken."})
            assert response.status_code == 404, (rule.rule, wrong, response.status_code)
            assert hub_db.execute("SELECT COUNT(*) FROM envelopes").fetchone()[0] == before, rule.rule
