"""A parent and a professional use OnsPlan in a real browser: pages, language, keyboard, offline."""
from __future__ import annotations

import re
from datetime import date

import pyotp
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, controlled_by_the_worker, sign_in
from webapp.demo import DEMO_PASSWORDS


def test_parent_signs_in_and_sees_her_children_in_dutch(page, family_server):
    sign_in(page, family_server, "fatima")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Fatima de Vries")
    expect(page.get_by_role("heading", name="Lotte")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "nl"


def test_language_switch_to_english_is_remembered_and_switches_back(page, family_server):
    sign_in(page, family_server, "fatima")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Fatima de Vries")
    page.goto(family_server.url + "/gezin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Our family")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ons gezin")


def test_every_family_page_has_no_accessibility_violations(page, family_server):
    for path in ("/inloggen", "/aanmelden", "/offline", "/bestaat-niet"):
        page.goto(family_server.url + path)
        assert_accessible(page)
    page.goto(family_server.url + "/inloggen")
    page.get_by_role("button", name="Inloggen").click()  # the form with its error messages
    expect(page.get_by_text("Vul je gebruikersnaam in.")).to_be_visible()
    assert_accessible(page)
    sign_in(page, family_server, "fatima")
    for path in ("/home", "/gezin"):
        page.goto(family_server.url + path)
        assert_accessible(page)
    page.get_by_role("button", name="Kind toevoegen").click()  # errors on the family page
    expect(page.get_by_text("Vul de voornaam in.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Voornaam").fill("Mees")
    page.get_by_label("Geboortedatum").fill(f"{date.today().year - 13}-01-01")
    page.get_by_role("button", name="Kind toevoegen").click()
    expect(page.get_by_text("Mees is toegevoegd aan je gezin.")).to_be_visible()
    page.get_by_label("Wie wil je uitnodigen?").select_option(label="Mees")
    page.get_by_role("button", name="Uitnodigingscode maken").click()
    expect(page.get_by_text("Uitnodigingscode voor Mees:")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    assert_accessible(page)


def test_second_parent_joins_with_an_invitation_code(page, family_server):
    code = next(code for who, code in family_server.app.demo_logins.invitations if who.startswith("Daan"))
    page.goto(family_server.url + "/inloggen")
    page.get_by_role("link", name="Ik heb een uitnodigingscode").click()
    page.get_by_label("Uitnodigingscode").fill(code.lower())
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_text("Deze uitnodiging is voor Daan de Vries.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kies een gebruikersnaam").fill("daan")
    page.get_by_label("Kies een wachtwoord").fill("daan zijn lange zin")
    page.get_by_label("Wachtwoord nog een keer").fill("daan zijn lange zin")
    page.get_by_role("button", name="Mijn account maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Daan de Vries")


def test_keyboard_user_skips_to_the_content_and_reaches_the_form(page, family_server):
    page.goto(family_server.url + "/inloggen")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
    page.keyboard.type("fatima")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORDS["fatima"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/home")


def test_pages_fit_a_320_pixel_wide_phone(context, family_server):
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, family_server, "fatima")
    for path in ("/home", "/gezin"):
        page.goto(family_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_signing_in_works_without_javascript(browser, family_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, family_server, "sam")
    expect(page.get_by_role("heading", name="Jouw plan")).to_be_visible()
    context.close()


def test_offline_page_is_shown_when_the_network_is_gone(page, context, family_server):
    sign_in(page, family_server, "fatima")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # a new worker controls pages from the next navigation on
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.goto(family_server.url + "/gezin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen verbinding")
    context.set_offline(False)


def test_chromium_considers_the_app_installable(playwright, tmp_path, family_server):
    from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path

    # Installability is judged only outside incognito, so this test uses a real profile folder.
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path(), args=CHROMIUM_ARGS)
    page = context.new_page()
    page.goto(family_server.url + "/inloggen")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = session.send("Page.getAppManifest")
    context.close()
    assert errors == []
    assert not manifest.get("errors")


def test_professional_signs_in_with_a_second_factor(page, hub_server):
    secret = next(row[3] for row in hub_server.app.demo_logins.hub if row[1] == "karin")
    page.goto(hub_server.url + "/")
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill("karin")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS["karin"])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig dat jij het bent")
    assert_accessible(page)
    page.get_by_label("Code uit je authenticator-app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Je bent ingelogd voor Wijkteam Oost.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("You are signed in for Wijkteam Oost.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen$"))


def test_pages_seen_before_stay_readable_offline_until_sign_out(page, context, family_server):
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.get_by_role("link", name="Plan van Lotte").click()
    page.wait_for_url(re.compile(r"/kind/[^/?#]+$"))  # the plan page, not the page the click left
    plan_url = page.url
    page.wait_for_function("caches.open('onsplan-pages-v1').then(c => c.keys()).then(k => k.length >= 2)")
    context.set_offline(True)
    page.goto(plan_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan van Lotte")
    expect(page.get_by_text("Je bent offline.")).to_be_visible()
    # ... and says since when: the day and time the kept copy was made.
    expect(page.get_by_text(re.compile(r"Je ziet deze pagina zoals hij was op \d{1,2} \w+"))).to_be_visible()
    page.goto(family_server.url + "/gezin")  # never opened: not on the phone
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen verbinding")
    expect(page.get_by_text("Je ziet deze pagina zoals hij was")).to_be_hidden()  # no contradicting banner
    page.wait_for_timeout(300)  # the offline page's own script has run
    page.goto(plan_url)  # seeing the offline page did not remove the kept pages
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan van Lotte")
    context.set_offline(False)
    page.goto(family_server.url + "/home")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen")
    page.wait_for_function("caches.keys().then(k => !k.some(n => n.startsWith('onsplan-pages-')))")
    context.set_offline(True)
    page.goto(plan_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen verbinding")
    context.set_offline(False)
