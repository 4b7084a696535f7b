"""No input makes OnsPlan fail: every form field and query parameter of both roles, fuzzed.

Each example posts (or gets) a real route of the signed-in persona with fields that pages
really have, filled with random text, control characters, huge values, missing and repeated
fields, and invalid UTF-8. The answer is a page or a 4xx, never a server error (5xx).
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from tests.integration.consent_helpers import ORG, person
from webapp.people.involved import involved_for_family
from webapp.plan.queries import load_child_plan
from webapp.records import get_meta, get_store

FIELD = re.compile(r'name="([^"]+)"')
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
    st.sampled_from(["", " ", "yes", "no", "1", "0", "-1", "31-03-2014", "2014-03-31", "2015-02-30", "-0005-01-01",
                     "x" * 20_000, "/\n/evil.example", "<script>", "'; DROP TABLE records; --", "\ud7ff", "٣"]),
)


def _routes(app) -> list[tuple[str, str]]:
    return [(method, rule.rule) for rule in app.url_map.iter_rules() if not rule.rule.startswith("/static")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def _path_values(app) -> dict[str, list[str]]:
    sam = person(app, "Sam")
    with app.app_context():
        store = get_store()
        plan = load_child_plan(store, get_meta(store.db, "demo_family"), sam.id)
        record = store.history(get_meta(store.db, "demo_family"), ["evaluation_response"])[0].id
    return {"child_id": [sam.id, person(app, "Noor").id, person(app, "Lotte").id],
            "goal_id": [g.id for g in plan.goals], "afspraak_id": [a.id for a in plan.afspraken],
            "moment_id": [m.id for m in plan.moments], "organisation_id": list(ORG.values()),
            "kind_slug": ["plan", "evaluaties", "eigen-tekst"], "slug": ["ouder", "jongere", "samen-met-kind"],
            "record_id": [record],
            "item_id": [i.id for i in involved_for_family(store, get_meta(store.db, "demo_family"))]}


FORM = re.compile(r'<form\b[^>]*\baction="([^"]*)"[^>]*>(.*?)</form>', re.S)
FAMILY_ROUTES = [("GET", "/"), ("GET", "/home"), ("GET", "/gezin"), ("POST", "/gezin/kind"), ("POST", "/gezin/ouder"),
                 ("POST", "/gezin/uitnodigen"), ("GET", "/kind/<child_id>"), ("GET", "/kind/<child_id>/doel/nieuw"),
                 ("POST", "/kind/<child_id>/doel/nieuw"), ("GET", "/kind/<child_id>/doel/<goal_id>"),
                 ("POST", "/kind/<child_id>/doel/<goal_id>/akkoord"), ("POST", "/kind/<child_id>/doel/<goal_id>/status"),
                 ("GET", "/kind/<child_id>/doel/<goal_id>/wijzigen"), ("POST", "/kind/<child_id>/doel/<goal_id>/wijzigen"),
                 ("POST", "/kind/<child_id>/doel/<goal_id>/reactie"), ("POST", "/kind/<child_id>/doel/<goal_id>/uitkomst"),
                 ("POST", "/kind/<child_id>/doel/<goal_id>/toch-doorgaan"),
                 ("POST", "/kind/<child_id>/afspraken"), ("POST", "/kind/<child_id>/afspraak/<afspraak_id>/status"),
                 ("GET", "/kind/<child_id>/afdrukken"), ("GET", "/toestemming"), ("GET", "/toestemming/<child_id>"),
                 ("POST", "/toestemming/<child_id>/<organisation_id>/<kind_slug>"),
                 ("GET", "/toestemming/<child_id>/<organisation_id>/<kind_slug>/stoppen"),
                 ("POST", "/toestemming/<child_id>/<organisation_id>/<kind_slug>/bezwaar"),
                 ("GET", "/toestemming/<child_id>/geschiedenis"), ("GET", "/wie-keek-mee"),
                 ("GET", "/kind/<child_id>/evaluatie"), ("GET", "/kind/<child_id>/evaluatie/<moment_id>"),
                 ("GET", "/kind/<child_id>/evaluatie/<moment_id>/<slug>"),
                 ("POST", "/kind/<child_id>/evaluatie/<moment_id>/<slug>"),
                 ("POST", "/kind/<child_id>/evaluatie/<moment_id>/<slug>/delen"),
                 ("GET", "/kind/<child_id>/evaluatie/antwoord/<record_id>"), ("POST", "/taal"),
                 ("GET", "/manifest.webmanifest"), ("GET", "/offline"), ("GET", "/sessie"), ("GET", "/wachtrij"),
                 ("GET", "/instellingen"), ("POST", "/instellingen"), ("GET", "/sessie/sleutel"),
                 ("GET", "/betrokkenen"), ("POST", "/betrokkenen/code"), ("POST", "/betrokkenen/toevoegen"),
                 ("POST", "/betrokkenen/<item_id>"), ("GET", "/betrokkenen/<item_id>/stoppen"),
                 ("POST", "/betrokkenen/<item_id>/stoppen")]


def test_the_fuzzed_routes_are_all_routes_of_the_family_space(family_app):
    left_out = {("POST", "/uitloggen"), ("GET", "/sw.js"), ("GET", "/favicon.ico"), ("GET", "/inloggen"),
                ("POST", "/inloggen"), ("GET", "/aanmelden"), ("POST", "/aanmelden"), ("GET", "/aanmelden/account"),
                ("POST", "/aanmelden/account"),  # sign-in and joining have their own test below
                ("GET", "/snel-weg"),  # signs out; tested in tests/integration/test_leaving_quickly.py
                ("POST", "/vergrendelen")}  # signs out (locks); tested in tests/integration/test_safety_settings.py
    assert set(_routes(family_app)) == set(FAMILY_ROUTES) | left_out


@pytest.fixture
def family_world(family_app, parent):
    """The signed-in parent, real ids for the URL parts, and per route the fields its forms have."""
    values = _path_values(family_app)
    adapter = family_app.url_map.bind("localhost")
    fields: dict[str, set[str]] = {}
    for method, rule in FAMILY_ROUTES:
        if method != "GET":
            continue
        for child in values["child_id"]:
            url = re.sub(r"<(\w+)>", lambda m: child if m.group(1) == "child_id" else values[m.group(1)][0], rule)
            html = parent.get(url).get_data().decode(errors="replace")
            for action, inner in FORM.findall(html):
                try:
                    endpoint_rule = adapter.match(action.split("?")[0], method="POST", return_rule=True)[0].rule
                except Exception:  # a GET form (the period filter) or another site
                    endpoint_rule = adapter.match(action.split("?")[0], method="GET", return_rule=True)[0].rule
                fields.setdefault(endpoint_rule, set()).update(FIELD.findall(inner))
    for rule in list(fields):
        fields[rule].discard("csrf_token")
    return parent, values, fields


def _fill(rule: str, values: dict[str, list[str]], draw) -> str:
    def one(match):
        name = match.group(1)
        real = values.get(name, [])
        return quote(draw(st.sampled_from(real) if real and draw(st.booleans()) else odd_text) or "x", safe="")
    return re.sub(r"<(?:\w+:)?(\w+)>", one, rule)


@pytest.mark.parametrize("method, rule", FAMILY_ROUTES, ids=[f"{m} {r}" for m, r in FAMILY_ROUTES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_family_space_route_fails_on_odd_input(family_world, method, rule, data):
    client, values, fields = family_world
    names = sorted(fields.get(rule, set()) | {"next", "status", "answer"})
    url = _fill(rule, values, data.draw)
    # Mostly the form's own fields, each sent or left out, sometimes twice.
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), odd_text), max_size=2 * len(names)))
    if method == "GET":
        response = client.get(url, query_string=MultiDict(pairs))
    else:
        token = csrf_token(client.get("/home").get_data(as_text=True))
        response = client.post(url, data=MultiDict([("csrf_token", token), *pairs]))
    assert response.status_code < 500, (method, url, pairs)


@FUZZ
@given(data=st.data())
def test_no_sign_in_or_joining_step_fails_on_odd_input(family_app, hub_app, data):
    app = data.draw(st.sampled_from([family_app, hub_app]))
    client = app.test_client()
    url = data.draw(st.sampled_from(["/inloggen", "/aanmelden", "/aanmelden/account", "/inloggen/code", "/taal"]))
    names = ["login", "password", "password_repeat", "code", "name", "next", "language"]
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), odd_text), max_size=6))
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post(url, data=MultiDict([("csrf_token", token), *pairs]),
                           query_string={"next": data.draw(odd_text)})
    assert response.status_code < 500, (url, pairs)


@pytest.mark.parametrize("body", [b"login=%FF%FE&password=%C0%AF", b"\xff\xfe\x00=\x80", b"%", b"a=" + b"%ZZ" * 50])
def test_invalid_utf8_in_a_form_is_refused_or_ignored_never_a_server_error(client, body):
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", data=b"csrf_token=" + token.encode() + b"&" + body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_a_body_that_is_too_large_gets_a_clear_413(parent):
    token = csrf_token(parent.get("/home").get_data(as_text=True))
    response = parent.post("/gezin/kind", data={"csrf_token": token, "child-name": "x" * 400_000})
    assert response.status_code == 413
    assert "Dat is te veel tegelijk" in response.get_data(as_text=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_hub_page_fails_on_odd_query_parameters(coordinator, data):
    url = data.draw(st.sampled_from(["/", "/werkplek", "/offline", "/manifest.webmanifest"]))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(["next", "pagina", "q", "lang"]), odd_text), max_size=4))
    assert coordinator.get(url, query_string=MultiDict(pairs)).status_code < 500
