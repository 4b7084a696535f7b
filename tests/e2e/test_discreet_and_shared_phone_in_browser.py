"""Discreet mode makes the installed app's name, icon and the page titles neutral; signing in with
"Dit is niet mijn telefoon" keeps nothing on the phone and gives a cookie that ends with the browser."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, controlled_by_the_worker, sign_in
from webapp.demo import DEMO_PASSWORDS


def _manifest_as_the_browser_reads_it(context, page) -> dict:
    """The manifest Chromium itself fetched for this page (what an installed app would get)."""
    session = context.new_cdp_session(page)
    answer = session.send("Page.getAppManifest")
    session.detach()
    return json.loads(answer["data"])


def test_discreet_mode_changes_the_app_name_icon_and_title(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "noor")
    assert _manifest_as_the_browser_reads_it(context, page)["name"] == "OnsPlan"
    page.get_by_role("link", name="Instellingen").click()
    page.wait_for_url("**/instellingen")
    assert_accessible(page)
    page.get_by_label("Onopvallend").check()
    page.get_by_role("button", name="Instellingen bewaren").click()
    page.wait_for_url("**/instellingen")
    expect(page.get_by_role("status").filter(has_text="Je instellingen zijn bewaard.")).to_be_visible()
    assert page.title() == "Notities"
    manifest = _manifest_as_the_browser_reads_it(context, page)
    assert manifest["name"] == manifest["short_name"] == "Notities"
    assert all("/static/icons/neutral-" in icon["src"] for icon in manifest["icons"])
    assert "neutral-192.png" in page.locator("link[rel=icon]").get_attribute("href")
    page.goto(family_server.url + "/home")
    page.get_by_role("link", name="Mijn plan").or_(page.get_by_role("link", name="Je plan bekijken")).first.click()
    page.wait_for_url("**/kind/**")
    assert page.title() == "Notities"  # no names, goals or organisations in the title
    # Signed out, the phone stays discreet (the app on the home screen keeps its neutral name).
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen")
    assert page.title() == "Notities"
    assert _manifest_as_the_browser_reads_it(context, page)["name"] == "Notities"
    assert_accessible(page)


def test_the_settings_page_fits_a_small_phone_and_reads_in_english(browser, family_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nl-NL")
    page = context.new_page()
    sign_in(page, family_server, "sam")
    page.goto(family_server.url + "/instellingen")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    page.get_by_label("When should OnsPlan lock if you do not use it?").select_option("30")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Your settings are saved.")).to_be_visible()
    expect(page.get_by_label("When should OnsPlan lock if you do not use it?")).to_have_value("30")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    context.close()


def test_not_my_phone_keeps_nothing_and_the_cookie_ends_with_the_browser(context, family_server):
    page = context.new_page()
    page.goto(family_server.url + "/inloggen")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the sign-in page installs the shell
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill("fatima")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS["fatima"])
    page.get_by_label("Dit is niet mijn telefoon").check()
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/home")
    expect(page.locator("body")).to_have_attribute("data-nothing-kept", "1")
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_url("**/kind/**")
    expect(page.locator("body")).to_have_attribute("data-nothing-kept", "1")
    assert page.evaluate("caches.keys()") == []  # no kept pages, no app shell
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    cookie = next(c for c in context.cookies() if c["name"] == "onsplan_family")
    assert cookie["expires"] == -1  # a browser-session cookie: it ends when the browser closes
    # Offline, a comment is not kept on the phone to send later: the page says it was not sent.
    page.locator("#doelen a[href*='/doel/']:not([href$='/nieuw'])").first.click()
    page.wait_for_url("**/doel/**")
    page.get_by_label("Je reactie").fill("Niet bewaren op deze telefoon")
    context.set_offline(True)
    page.get_by_role("button", name="Reactie versturen").click()
    expect(page.get_by_role("alert").filter(has_text="niet verstuurd")).to_be_visible()
    assert page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))") == []
    context.set_offline(False)
    assert page.evaluate("caches.keys()") == []


def test_on_ones_own_phone_pages_are_kept_for_reading_offline(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.wait_for_function("caches.keys().then(k => k.some(n => n.startsWith('onsplan-pages-')))")


def test_the_safety_choices_work_with_the_keyboard_only(context, family_server):
    """"Dit is niet mijn telefoon" at sign-in, and the lock time and discreet mode on the settings
    page, chosen with Tab, Space, arrow keys and Enter only."""
    page = context.new_page()
    page.goto(family_server.url + "/inloggen")
    page.get_by_label("Gebruikersnaam").focus()
    page.keyboard.type("fatima")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORDS["fatima"])
    for _ in range(5):  # on to the checkbox, whatever lies between
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
        page.keyboard.press("Tab")
    expect(page.get_by_label("Dit is niet mijn telefoon")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Dit is niet mijn telefoon")).to_be_checked()
    page.keyboard.press("Enter")  # sends the sign-in form
    page.wait_for_url("**/home")
    page.goto(family_server.url + "/instellingen")
    expect(page.get_by_text("Je bent ingelogd op een telefoon die niet van jou is.")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Snel weg"  # the second stop
    lock = page.get_by_label("Wanneer gaat OnsPlan op slot als je het niet gebruikt?")
    lock.focus()
    before = lock.input_value()
    page.keyboard.press("ArrowDown")
    chosen = lock.input_value()
    assert chosen != before
    page.keyboard.press("Tab")
    expect(page.get_by_label("Onopvallend")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Instellingen bewaren")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Je instellingen zijn bewaard.")).to_be_visible()
    expect(lock).to_have_value(chosen)
    expect(page.get_by_label("Onopvallend")).to_be_checked()
    assert page.title() == "Notities"
