"""Journey 1, in Chromium with both roles as real servers and a family space that starts from
nothing: the regisseur makes a code on the workplace, a parent joins with it on a 390 px phone using
only the keyboard, adds a child (born 31 March 2017), shares the plan with the
wijkteam, and the child appears on the regisseur's workplace. Every page passes axe-core, in
Dutch and in English."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sync.family import FamilySync, Transport
from sync.keyring import KeyRing
from tests.conftest import make_app
from tests.e2e.conftest import Server, assert_accessible, professional_sign_in
from webapp.db import get_db
from webapp.demo import seed_hub
from webapp.records import get_store

PASSWORD = "een lange zin voor yara bakker"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A seeded hub and a family space with no family at all, which knows that hub."""
    root = tmp_path_factory.mktemp("fresh")
    hub_app = make_app("hub", root / "hub")
    hub_app.demo_logins = seed_hub(hub_app)
    hub = Server(hub_app)
    family = Server(make_app("family", root / "family", hubs=(hub.url,)))

    def sync_all():
        with family.app.app_context():
            store = get_store()
            for (family_id,) in store.db.execute("SELECT family_id FROM hub_links").fetchall():
                FamilySync(store, KeyRing(store.db, store.keys), Transport).run(family_id)

    yield hub, family, sync_all
    family.stop()
    hub.stop()


def tab_to(page, target, limit: int = 80) -> None:
    """Press Tab until the target has the focus, as a keyboard user does."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never reached by Tab: {target}")


def type_into(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def press(page, target) -> None:
    tab_to(page, target)
    page.keyboard.press("Enter")


def test_a_family_invited_by_the_regisseur_joins_shares_and_appears_on_the_workplace(browser, fresh):
    hub, family, sync_all = fresh
    regisseur = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
    professional_sign_in(regisseur, hub)
    regisseur.get_by_role("link", name="Een nieuw gezin uitnodigen").click()
    regisseur.get_by_label("Voor welk gezin is deze code?").fill("Gezin Bakker")
    regisseur.get_by_role("button", name="Code maken").click()
    code = regisseur.locator("#invitation-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    expect(regisseur.get_by_role("heading", name="De code voor Gezin Bakker")).to_be_visible()
    expect(regisseur.get_by_role("button", name="Code kopiëren")).to_be_visible()
    assert_accessible(regisseur)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    phone.set_default_timeout(10_000)
    phone.goto(family.url + "/inloggen")
    press(phone, phone.get_by_role("link", name="Ik heb een uitnodigingscode"))
    phone.wait_for_url("**/aanmelden")
    assert_accessible(phone)
    type_into(phone, phone.get_by_label("Uitnodigingscode"), code.lower().replace("-", " "))  # as read out
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/aanmelden/account")
    type_into(phone, phone.get_by_label("Je naam"), "Yara Bakker")
    type_into(phone, phone.get_by_label("Kies een gebruikersnaam"), "yara")
    type_into(phone, phone.get_by_label("Kies een wachtwoord"), PASSWORD)
    type_into(phone, phone.get_by_label("Wachtwoord nog een keer"), PASSWORD)
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/home")
    assert_accessible(phone)

    # The regisseur sees that the family joined, before it shares anything.
    regisseur.goto(hub.url + "/werkplek")
    expect(regisseur.get_by_text(re.compile(r"Gezin Bakker heeft zich aangemeld op \d+ december|Gezin Bakker heeft zich aangemeld op"))).to_be_visible()

    press(phone, phone.get_by_role("link", name="Ons gezin", exact=True))
    phone.wait_for_url("**/gezin")
    type_into(phone, phone.get_by_label("Voornaam"), "Mila")
    # The date picker of this headless Chromium takes month, day, year whatever the page's language;
    # the Dutch way of typing (31-03-2017) is what the server reads without a picker
    # (tests/integration/test_a_real_family_joins.py).
    type_into(phone, phone.get_by_label("Geboortedatum"), "03312017")
    expect(phone.get_by_label("Geboortedatum")).to_have_value("2017-03-31")
    press(phone, phone.get_by_role("button", name="Kind toevoegen"))
    expect(phone.get_by_text("Mila is toegevoegd aan je gezin.")).to_be_visible()

    press(phone, phone.get_by_role("link", name="Wie werkt met ons mee: school, wijkteam en andere organisaties"))
    phone.wait_for_url("**/betrokkenen")
    expect(phone.get_by_text("Jullie plan is verbonden met Wijkteam Oost en partners.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Wijkteam Oost")).to_be_visible()
    expect(phone.get_by_text("Regisseur: houdt het overzicht over het plan")).to_be_visible()
    assert_accessible(phone)

    press(phone, phone.get_by_role("link", name="Start", exact=True))
    phone.wait_for_url("**/home")
    expect(phone.get_by_text("Karin Bos, Wijkteam Oost")).to_be_visible()
    press(phone, phone.get_by_role("link", name="Toestemming", exact=True))
    press(phone, phone.get_by_role("link", name=re.compile("Mila")).first)
    phone.wait_for_url(re.compile(r".*/toestemming/[^/]+$"))
    share = phone.get_by_role("button", name=re.compile(r"^Delen\W+Wijkteam Oost, Het plan"))
    press(phone, share)
    expect(phone.get_by_role("button", name=re.compile(r"^Delen\W+Wijkteam Oost, Het plan"))).to_have_count(0)
    # The result of what she did lands below the sticky "Snel weg" bar, not under it.
    phone.wait_for_url(re.compile(r".*#org-.+$"))
    anchor = phone.url.split("#", 1)[1]
    bar_bottom = phone.locator(".leave-bar").bounding_box()
    card_top = phone.locator(f"[id='{anchor}']").bounding_box()["y"]
    assert card_top >= bar_bottom["y"] + bar_bottom["height"] - 1, (card_top, bar_bottom)
    assert_accessible(phone)

    sync_all()
    regisseur.goto(hub.url + "/werkplek")
    expect(regisseur.get_by_role("link", name="Mila")).to_be_visible()
    expect(regisseur.get_by_text("Gezin Bakker heeft zich aangemeld op")).to_have_count(0)
    regisseur.goto(hub.url + "/werkplek/uitnodigen")
    expect(regisseur.get_by_text("Het gezin deelt met jullie organisatie.")).to_be_visible()

    # The same pages in English, with zero violations too.
    phone.get_by_role("button", name="English").click()
    for path in ("/betrokkenen", "/toestemming", "/home"):
        phone.goto(family.url + path)
        expect(phone.locator("html")).to_have_attribute("lang", "en")
        assert_accessible(phone)
    expect(phone.get_by_text("Karin Bos, Wijkteam Oost")).to_be_visible()
    regisseur.get_by_role("button", name="English").click()
    regisseur.goto(hub.url + "/werkplek/uitnodigen")
    expect(regisseur.get_by_role("heading", name="Codes of your organisation")).to_be_visible()
    assert_accessible(regisseur)
