"""A family that is not the demo family joins the way a real one does: the regisseur makes a short
code on the workplace, a parent fills it in (typed as people type it), adds a child and shares with
the wijkteam, and the child appears on the regisseur's workplace. A family that started without a
hub connects later with a code; parents add and remove organisations of the hub's directory."""
from __future__ import annotations

import re

import pytest

from sync.family import FamilySync, Transport
from sync.keyring import KeyRing
from tests.conftest import Actions, add_family_account, csrf_token
from tests.integration.sync_helpers import ORG, start_roles
from webapp.consent.access import may_organisation_read
from webapp.consent.rules import InfoKind
from webapp.db import get_db
from webapp.people.involved import involved_for_family
from webapp.people.members import family_members
from webapp.records import get_store

CODE = re.compile(r'id="invitation-code"[^>]*>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})<')
PASSWORD = "een lange zin voor yara bakker"


@pytest.fixture
def roles(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    yield roles
    roles.stop()


def _karin(roles):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    return client


def _code_from_workplace(karin, label: str = "Gezin Bakker") -> str:
    page = Actions(karin).post_form("/werkplek/uitnodigen", label=label)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"De code voor {label}" in html
    assert re.search(r"Werkt tot \d{1,2} [a-z]+ 20\d\d\.", html)  # the expiry as a Dutch date
    return CODE.search(html).group(1)


def _sync(roles, family_id: str):
    with roles.family.app_context():
        store = get_store()
        return FamilySync(store, KeyRing(get_db(), store.keys), Transport,
                          roles.family.config["ONSPLAN"].today).run(family_id)


def _family_of(roles, client) -> str:
    with client.session_transaction():
        pass
    db = roles.family_db()
    return db.execute("SELECT family_id FROM accounts WHERE login_hash IS NOT NULL ORDER BY created_at DESC"
                      " LIMIT 1").fetchone()[0]


def _join_as_new_parent(roles, code: str):
    parent = Actions(roles.family.test_client())
    joined = parent.post_form("/aanmelden", code=code)
    assert joined.status_code == 303 and joined.headers["Location"].endswith("/aanmelden/account")
    account = parent.post_form("/aanmelden/account", name="Yara Bakker", login="yara", password=PASSWORD,
                               password_again=PASSWORD)
    assert account.status_code == 303
    return parent


def _add_child(parent, name: str, birth: str):
    response = parent.post_form("/gezin", "/gezin/kind", **{"child-name": name, "child-birth_date": birth,
                                                         "child-school_stage": "po"})
    assert response.status_code == 303


def _new_family_id(roles) -> str:
    return next(family_id for (family_id,) in roles.family_db().execute("SELECT family_id FROM hub_links")
                if family_id != roles.family_id)


def test_a_family_invited_by_the_regisseur_shares_with_the_wijkteam_and_appears_on_the_workplace(roles):
    karin = _karin(roles)
    code = _code_from_workplace(karin)
    # Read out and typed on a phone: small letters, spaces instead of dashes.
    parent = _join_as_new_parent(roles, "  " + code.lower().replace("-", " ") + " ")
    family_id = _new_family_id(roles)

    # The workplace knows the family joined, before it shares anything.
    workplace = karin.get("/werkplek").get_data(as_text=True)
    assert "Gezinnen die zich hebben aangemeld met jullie code" in workplace
    assert "Gezin Bakker heeft zich aangemeld op" in workplace
    assert "Mila" not in workplace

    _add_child(parent, "Mila", "31-03-2017")  # 9: her parents decide
    home = parent.client.get("/home").get_data(as_text=True)
    assert "Karin Bos, Wijkteam Oost" in home
    assert "Er werkt nog geen school" not in home
    with roles.family.app_context():
        mila = next(p for p in family_members(get_store(), family_id) if p.name == "Mila")
    consent = parent.client.get(f"/toestemming/{mila.id}").get_data(as_text=True)
    assert "Wijkteam Oost" in consent and "Er is nog geen organisatie" not in consent

    token = csrf_token(consent)
    shared = parent.client.post(f"/toestemming/{mila.id}/{ORG['wijkteam']}/plan",
                                data={"csrf_token": token, "answer": "yes"})
    assert shared.status_code == 303
    report = _sync(roles, family_id)
    assert report.wraps_added > 0

    workplace = karin.get("/werkplek").get_data(as_text=True)
    assert "Mila" in workplace
    assert "Gezin Bakker heeft zich aangemeld op" not in workplace  # it shares now: the card says it all
    invitations = karin.get("/werkplek/uitnodigen").get_data(as_text=True)
    assert "Het gezin deelt met jullie organisatie." in invitations


def test_a_child_added_later_is_involved_with_the_inviting_organisation_and_others_not(roles):
    code = _code_from_workplace(_karin(roles))
    parent = _join_as_new_parent(roles, code)
    family_id = _new_family_id(roles)
    _add_child(parent, "Mila", "31-03-2017")
    _add_child(parent, "Daan", "02-09-2019")
    with roles.family.app_context():
        involved = involved_for_family(get_store(), family_id)
    assert [(i.organisation_id, i.is_regisseur, i.professional, len(i.children)) for i in involved] == [
        (ORG["wijkteam"], True, "Karin Bos", 2)]


def test_the_consent_page_names_the_hub_and_the_family_is_not_asked_to_share_with_others(roles):
    parent = _join_as_new_parent(roles, _code_from_workplace(_karin(roles)))
    page = parent.client.get("/toestemming").get_data(as_text=True)
    assert "Jullie plan is verbonden met Wijkteam Oost en partners" in page
    assert "127.0.0.1" not in page


def test_a_family_without_a_hub_connects_later_with_the_wijkteams_code(roles):
    family_id = add_family_account(roles.family, login="eva", name="Eva Bakker", family_id="new",
                                   children=(("Jesse", "2016-04-02"),))
    eva = Actions(roles.family.test_client())
    eva.login("eva")
    start = eva.client.get("/home").get_data(as_text=True)
    assert "Er werkt nog geen school, wijkteam of jeugdgezondheidszorg met dit plan" in start
    assert "/betrokkenen" in start
    karin = _karin(roles)
    code = _code_from_workplace(karin, label="Gezin van Jesse")

    wrong = eva.post_form("/betrokkenen", "/betrokkenen/code", **{"hub-code": "ABCD-EFGH-JKLM-NPQR"})
    assert wrong.status_code == 422
    assert "hoort niet bij een school of wijkteam" in wrong.get_data(as_text=True)

    connected = eva.post_form("/betrokkenen", "/betrokkenen/code", **{"hub-code": code})
    assert connected.status_code == 303
    page = eva.client.get("/betrokkenen").get_data(as_text=True)
    assert "Jullie plan is verbonden met Wijkteam Oost en partners" in page
    assert "Karin Bos" in page
    with roles.family.app_context():
        jesse = next(p for p in family_members(get_store(), family_id) if p.is_child)
    assert "Wijkteam Oost" in eva.client.get(f"/toestemming/{jesse.id}").get_data(as_text=True)

    # One hub at a time: a second code gets a plain message and changes nothing.
    again = eva.post_form("/betrokkenen", "/betrokkenen/code", **{"hub-code": _code_from_workplace(karin)})
    assert again.status_code == 422
    assert "al verbonden" in again.get_data(as_text=True)
    assert roles.family_db().execute("SELECT COUNT(*) FROM hub_links WHERE family_id = ?",
                                     [family_id]).fetchone()[0] == 1


def test_a_youth_cannot_connect_the_plan_or_change_who_works_with_the_family(roles, seeded):
    sam = Actions(roles.family.test_client())
    sam.login("sam")
    page = sam.client.get("/betrokkenen")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    assert sam.client.post("/betrokkenen/code", data={"csrf_token": token, "hub-code": "x"}).status_code == 403
    assert sam.client.post("/betrokkenen/toevoegen", data={"csrf_token": token}).status_code == 403


def test_a_parent_adds_an_organisation_of_the_directory_and_takes_it_off_again(roles):
    parent = _join_as_new_parent(roles, _code_from_workplace(_karin(roles)))
    family_id = _new_family_id(roles)
    _add_child(parent, "Mila", "31-03-2017")
    with roles.family.app_context():
        mila = next(p for p in family_members(get_store(), family_id) if p.is_child)
    page = parent.client.get("/betrokkenen").get_data(as_text=True)
    assert "Het Baken College" in page  # offered from the hub's directory

    missing = parent.post_form("/betrokkenen", "/betrokkenen/toevoegen", **{"add-organisation_id": ORG["school"]})
    assert missing.status_code == 422 and "Kies ten minste één kind." in missing.get_data(as_text=True)
    unknown = parent.post_form("/betrokkenen", "/betrokkenen/toevoegen",
                               **{"add-organisation_id": "made-up", "add-children": mila.id})
    assert unknown.status_code == 422 and "Kies een organisatie uit de lijst." in unknown.get_data(as_text=True)

    added = parent.post_form("/betrokkenen", "/betrokkenen/toevoegen",
                             **{"add-organisation_id": ORG["school"], "add-children": mila.id,
                                "add-professional": "Tom Jansen", "add-contact": "mentor@hetbaken.example"})
    assert added.status_code == 303
    consent = parent.client.get(f"/toestemming/{mila.id}").get_data(as_text=True)
    assert "Het Baken College" in consent
    token = csrf_token(consent)
    assert parent.client.post(f"/toestemming/{mila.id}/{ORG['school']}/plan",
                              data={"csrf_token": token, "answer": "yes"}).status_code == 303

    def school_reads() -> bool:
        with roles.family.app_context():
            return may_organisation_read(get_store(), family_id, ORG["school"], mila.id, InfoKind.PLAN,
                                         roles.family.config["ONSPLAN"].today()).allowed

    assert school_reads()
    with roles.family.app_context():
        school = next(i for i in involved_for_family(get_store(), family_id) if i.organisation_id == ORG["school"])
    ask = parent.client.get(f"/betrokkenen/{school.id}/stoppen").get_data(as_text=True)
    assert "Werkt Het Baken College niet meer met jullie gezin?" in ask
    assert school_reads()  # asking changes nothing
    taken_off = parent.post_form(f"/betrokkenen/{school.id}/stoppen")
    assert taken_off.status_code == 303
    assert not school_reads()
    after = parent.client.get(taken_off.headers["Location"]).get_data(as_text=True)
    assert "Het Baken College werkt in OnsPlan niet meer met jullie gezin." in after
    assert '<option value="' + ORG["school"] + '">Het Baken College</option>' in after  # can be added again
    assert "Het Baken College" not in parent.client.get(f"/toestemming/{mila.id}").get_data(as_text=True)

    # Added again, the yes given before counts again: the page says so instead of "they see nothing".
    again = parent.post_form("/betrokkenen", "/betrokkenen/toevoegen",
                             **{"add-organisation_id": ORG["school"], "add-children": mila.id})
    assert again.status_code == 303
    told = parent.client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Het Baken College is toegevoegd. Zij mogen nu zien: Mila: Het plan en de doelen." in told
    assert school_reads()


def test_taking_off_an_organisation_with_a_legal_ground_says_what_it_may_still_see(roles):
    fatima = Actions(roles.family.test_client())
    fatima.login("fatima")
    with roles.family.app_context():
        jgz = next(i for i in involved_for_family(get_store(), roles.family_id) if i.organisation_id == ORG["jgz"])
    ask = fatima.client.get(f"/betrokkenen/{jgz.id}/stoppen").get_data(as_text=True)
    assert "Door een wettelijke grond of een noodsituatie mag JGZ Regio Midden nog zien:" in ask
    assert "Lotte: Het plan en de doelen" in ask
    assert "zien zij niets nieuws meer" not in ask
    taken_off = fatima.post_form(f"/betrokkenen/{jgz.id}/stoppen")
    told = fatima.client.get(taken_off.headers["Location"]).get_data(as_text=True)
    assert "mogen zij nog zien: Lotte: Het plan en de doelen." in told


def test_an_involvement_of_another_family_is_not_found(roles):
    parent = _join_as_new_parent(roles, _code_from_workplace(_karin(roles)))
    with roles.family.app_context():
        demo_item = involved_for_family(get_store(), roles.family_id)[0].id
    assert parent.client.get(f"/betrokkenen/{demo_item}/stoppen").status_code == 404
    assert parent.post_form("/betrokkenen", f"/betrokkenen/{demo_item}/stoppen").status_code == 404


def _send_twice_with_the_same_cookie(client, action: str, data: dict):
    """A double tap: both sends carry the cookie the page had, whatever the first answer set."""
    cookie = client.get_cookie("onsplan_family")
    first = client.post(action, data=data)
    client.set_cookie("onsplan_family", cookie.value if cookie else "")
    second = client.post(action, data=data)
    return first, second


def test_the_code_and_the_account_form_sent_twice_make_one_family_and_one_account(roles):
    code = _code_from_workplace(_karin(roles))
    links = roles.family_db().execute("SELECT COUNT(*) FROM hub_links").fetchone()[0]
    parent = roles.family.test_client()
    token = csrf_token(parent.get("/aanmelden").get_data(as_text=True))
    first, second = _send_twice_with_the_same_cookie(parent, "/aanmelden", {"csrf_token": token, "code": code})
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("/aanmelden/account")  # not "this code is used already"
    assert roles.family_db().execute("SELECT COUNT(*) FROM hub_links").fetchone()[0] == links + 1

    form = parent.get("/aanmelden/account").get_data(as_text=True)
    data = {"csrf_token": csrf_token(form), "name": "Yara Bakker", "login": "yara", "password": PASSWORD,
            "password_again": PASSWORD}
    first, second = _send_twice_with_the_same_cookie(parent, "/aanmelden/account", data)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("/home")  # signed in, not sent back to fill in a code
    assert "Hallo Yara" in parent.get("/home").get_data(as_text=True)
    family_id = _new_family_id(roles)
    with roles.family.app_context():
        assert [p.name for p in family_members(get_store(), family_id)] == ["Yara Bakker"]
    assert roles.family_db().execute("SELECT COUNT(*) FROM accounts WHERE family_id = ?",
                                     [family_id]).fetchone()[0] == 1

    # Someone else with the same session but without the password is not signed in by it.
    stranger = roles.family.test_client()
    first = stranger.post("/aanmelden", data={"csrf_token": csrf_token(stranger.get("/aanmelden").get_data(
        as_text=True)), "code": code})
    assert first.status_code == 422 and "gebruikt" in first.get_data(as_text=True)


def test_a_hub_code_sent_twice_by_a_family_connects_it_once_without_an_error(roles):
    family_id = add_family_account(roles.family, login="eva", name="Eva Bakker", family_id="new",
                                   children=(("Jesse", "2016-04-02"),))
    eva = Actions(roles.family.test_client())
    eva.login("eva")
    code = _code_from_workplace(_karin(roles), label="Gezin van Jesse")
    token = csrf_token(eva.client.get("/betrokkenen").get_data(as_text=True))
    for _ in range(2):
        response = eva.client.post("/betrokkenen/code", data={"csrf_token": token, "hub-code": code})
        assert response.status_code == 303
    assert roles.family_db().execute("SELECT COUNT(*) FROM hub_links WHERE family_id = ?",
                                     [family_id]).fetchone()[0] == 1
