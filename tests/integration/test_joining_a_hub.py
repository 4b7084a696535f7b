"""A new family joins a hub with the invitation a regisseur made there: a short code that names
the hub among those the family space knows, or a long signed code made before short codes; the
family space pins the hub's key and enrols. A damaged, foreign, used or unreachable code gets a
clear message and leaves nothing behind. The family sees its sync state in plain words."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sync.hub import make_invitation
from sync.keyring import KeyRing
from sync.keyring import NODE
from sync.keys import KeyPair
from sync.wire import Invitation, hub_tag
from tests.conftest import Actions, copy_of
from tests.integration.sync_helpers import ORG, start_roles
from tests.loopback import LoopbackServer
from webapp.crypto import token_hash
from webapp.db import get_db, utcnow


@pytest.fixture
def roles(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    yield roles
    roles.stop()


def _invitation(roles, hub_url=None) -> str:
    with roles.hub.app_context():
        db = get_db()
        return make_invitation(db, KeyRing(db, roles.hub.extensions["onsplan.node_key"]),
                               organisation_id=ORG["wijkteam"], created_by="karin",
                               hub_url=hub_url or roles.server.url, days=7)


def _long_invitation(roles, hub_url=None, secret="a-secret-the-hub-made") -> str:
    """A code of the kind made before short codes: the hub's address and key inside, signed by it."""
    with roles.hub.app_context():
        db = get_db()
        ring = KeyRing(db, roles.hub.extensions["onsplan.node_key"])
        db.execute("INSERT INTO enrolment_invitations (id, code_hash, organisation_id, created_by, created_at,"
                   " expires_at) VALUES (?, ?, ?, 'karin', ?, '2999-01-01T00:00:00+00:00')",
                   [secret, token_hash(secret), ORG["wijkteam"], utcnow()])
        return Invitation(hub_url or roles.server.url, ring.public(NODE).key_id, secret,
                          "2999-01-01T00:00:00+00:00").encode(ring.current(NODE))


def _families(roles) -> int:
    return roles.family_db().execute("SELECT COUNT(*) FROM families").fetchone()[0]


def _refused_leaving_nothing_behind(roles, code: str) -> str:
    """Fill in a code that must not work: a 422 page (returned), and no new family or hub link."""
    before = _families(roles)
    _actions, response = _join(roles, code)
    assert response.status_code == 422
    assert _families(roles) == before
    assert roles.family_db().execute("SELECT COUNT(*) FROM hub_links").fetchone()[0] == 1
    return response.get_data(as_text=True)


def _join(roles, code: str):
    actions = Actions(roles.family.test_client())
    return actions, actions.post_form("/aanmelden", code=code)


def test_a_new_family_joins_the_hub_and_its_first_parent_makes_an_account(roles):
    code = _invitation(roles)
    actions, response = _join(roles, code)
    assert response.status_code == 303 and response.headers["Location"].endswith("/aanmelden/account")
    account = actions.post_form("/aanmelden/account", name="Yara Bakker", login="yara",
                                password="een lang wachtwoord voor yara", password_again="een lang wachtwoord voor yara")
    assert account.status_code == 303
    hub_db = roles.hub_db()
    enrolled = {row[0] for row in hub_db.execute("SELECT family_id FROM enrolled_families").fetchall()}
    family_db = roles.family_db()
    links = family_db.execute("SELECT family_id, hub_url FROM hub_links").fetchall()
    new_family = next(family_id for family_id, _url in links if family_id != roles.family_id)
    assert new_family in enrolled
    pinned = json.loads(family_db.execute("SELECT hub_keys FROM hub_links WHERE family_id = ?",
                                          [new_family]).fetchone()[0])
    assert pinned["sign"]
    page = actions.client.get("/toestemming").get_data(as_text=True)
    assert "Jullie plan is verbonden met Wijkteam Oost en partners" in page
    # The code works once.
    again, second = _join(roles, code)
    assert second.status_code == 422
    assert "al gebruikt of verlopen" in second.get_data(as_text=True)


def test_a_long_signed_code_made_before_short_codes_still_works(roles):
    actions, response = _join(roles, _long_invitation(roles))
    assert response.status_code == 303 and response.headers["Location"].endswith("/aanmelden/account")


@pytest.mark.parametrize("damage", ["cut", "foreign_hub", "other_secret"])
def test_a_damaged_or_foreign_long_code_is_refused_and_leaves_nothing_behind(roles, damage):
    code = _long_invitation(roles)
    if damage == "cut":
        code = code[:-10]
    elif damage == "foreign_hub":  # signed by a key that is not the hub's
        invitation, _payload, _signature = Invitation.decode(code)
        code = invitation.encode(KeyPair.generate())
    else:  # the hub's signature, but a secret the hub never made
        invitation, payload, signature = Invitation.decode(code)
        data = json.loads(payload)
        data["secret"] = "made-up"
        forged = Invitation(data["hub"], data["key"], data["secret"], data["expires"])
        code = forged.encode(KeyPair.generate())
    page = _refused_leaving_nothing_behind(roles, code)
    assert ("Deze code klopt niet" in page) or ("hoort niet bij de plek" in page)


def test_a_short_code_of_a_hub_this_family_space_does_not_know_is_never_sent_anywhere(roles):
    code = _invitation(roles)
    other_tag = next(t for t in ("AAAA", "BBBB") if t != code[:4])
    before = roles.hub_db().execute("SELECT COUNT(*) FROM enrolled_families").fetchone()[0]
    page = _refused_leaving_nothing_behind(roles, other_tag + code[4:])
    assert "hoort niet bij een school of wijkteam die met deze OnsPlan werkt" in page
    assert roles.hub_db().execute("SELECT COUNT(*) FROM enrolled_families").fetchone()[0] == before


def test_a_short_code_with_a_secret_the_hub_never_made_is_refused(roles):
    code = _invitation(roles)
    made_up = code[:4] + ("ABCDEFGHJKLM" if code[5:9] != "ABCD" else "MLKJHGFEDCBA")
    page = _refused_leaving_nothing_behind(roles, made_up)
    assert "al gebruikt of verlopen" in page


def test_a_cut_short_code_says_how_long_a_code_is(roles):
    page = _refused_leaving_nothing_behind(roles, _invitation(roles)[:-3])
    assert "Een code van een school of wijkteam heeft er 16." in page


def test_the_tag_of_a_short_code_comes_from_the_hubs_key(roles):
    with roles.hub.app_context():
        key_id = KeyRing(get_db(), roles.hub.extensions["onsplan.node_key"]).public(NODE).key_id
    assert _invitation(roles).startswith(hub_tag(key_id) + "-")


@pytest.mark.parametrize("address", ["http://hub.wijkteam-oost.example", "http://10.0.0.8:5001"])
def test_a_code_that_points_to_a_hub_without_https_is_refused(roles, address):
    page = _refused_leaving_nothing_behind(roles, _long_invitation(roles, hub_url=address))
    assert "adres zonder beveiligde verbinding" in page


def _gone_hub(seeded, tmp_path) -> str:
    """The address of a hub on loopback that has just stopped."""
    server = LoopbackServer(copy_of(seeded, "hub", tmp_path / "gone"))
    server.stop()
    return server.url


def test_a_hub_that_cannot_be_reached_gets_a_plain_message(roles, seeded, tmp_path):
    page = _refused_leaving_nothing_behind(roles, _long_invitation(roles, hub_url=_gone_hub(seeded, tmp_path)))
    assert "nu niet bereiken" in page


def test_a_configured_hub_that_cannot_be_reached_gets_a_plain_message_for_a_short_code(roles, seeded, tmp_path):
    roles.family.config["ONSPLAN"] = replace(roles.family.config["ONSPLAN"], hubs=(_gone_hub(seeded, tmp_path),))
    page = _refused_leaving_nothing_behind(roles, "AAAA-BBBB-CCCC-DDDD")
    assert "nu niet bereiken" in page


def test_the_consent_page_says_when_the_plan_was_last_sent_and_received(roles):
    client = roles.family.test_client()
    Actions(client).login("fatima")
    assert "Versturen naar school en hulp" in client.get("/toestemming").get_data(as_text=True)
    roles.sync()
    page = client.get("/toestemming").get_data(as_text=True)
    assert "Het laatst verstuurd:" in page and "Het laatst ontvangen:" in page
    roles.stop()  # the hub is gone: the next round fails and the family reads that it will be tried again
    roles.family_db().execute("UPDATE hub_links SET wanted_at = '2026-01-01'")
    with pytest.raises(Exception):
        roles.sync()
    page = client.get("/toestemming").get_data(as_text=True)
    assert "Het versturen lukte de vorige keer niet" in page and "Er gaat niets verloren" in page


def test_a_directory_not_signed_by_the_pinned_hub_key_is_refused(roles):
    roles.sync()
    family_db = roles.family_db()
    family_db.execute("UPDATE hub_links SET hub_keys = ?", [json.dumps(KeyPair.generate().public().to_json())])
    with pytest.raises(Exception, match="not signed by the hub"):
        roles.sync()
    assert "not signed" in family_db.execute("SELECT last_error FROM hub_links").fetchone()[0]
