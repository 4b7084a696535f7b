"""Auto-lock: after the lock time without activity the open page locks by itself, the session ends,
and what was typed comes back only for the same person after signing in again. The lock time is
shortened to a few seconds for these tests (the setting auto_lock_seconds)."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, controlled_by_the_worker, sign_in
from webapp.demo import DEMO_PASSWORDS

LOCK_SECONDS = 8
TYPED = "Sam slaapt beter sinds hij om negen uur naar bed gaat."


@pytest.fixture(scope="module", autouse=True)
def short_lock(family_server):
    original = family_server.app.config["ONSPLAN"]
    family_server.app.config["ONSPLAN"] = replace(original, auto_lock_seconds=LOCK_SECONDS)
    yield
    family_server.app.config["ONSPLAN"] = original


def _sign_in_here(page, login: str) -> None:
    """Sign in on the sign-in page that is open now (it goes back to the page that locked)."""
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS[login])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)


def _comment_box(page):
    return page.get_by_label("Je reactie")


def _open_a_goal_of_sam(page, family_server) -> str:
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_url("**/kind/**")
    page.locator("#doelen a[href*='/doel/']:not([href$='/nieuw'])").first.click()
    page.wait_for_url("**/doel/**")
    return page.url


def test_an_idle_page_locks_and_keeps_the_typed_text_for_the_same_person_only(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    goal_url = _open_a_goal_of_sam(page, family_server)
    expect(page.locator("body")).to_have_attribute("data-drafts-checked", "1")
    _comment_box(page).fill(TYPED)
    # Nothing is touched now: the page locks by itself and the sign-in page opens.
    page.wait_for_url(re.compile(r"/inloggen\?next="), timeout=LOCK_SECONDS * 1000 + 5000)
    assert TYPED not in page.content()
    assert_accessible(page)
    # The session ended on the server too.
    assert page.evaluate("fetch('/sessie').then(r => r.json()).then(s => s.person)") is None
    kept = page.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open('onsplan-drafts');
        open.onsuccess = () => open.result.transaction('drafts').objectStore('drafts').getAll().onsuccess =
            e => resolve(e.target.result.map(d => new TextDecoder().decode(d.data)).join('|'));
    })""")
    assert kept and TYPED not in kept  # kept on the phone, but only encrypted

    # Someone else signs in on this phone: the text is not shown to them.
    _sign_in_here(page, "sam")
    page.goto(goal_url)
    expect(page.locator("body")).to_have_attribute("data-drafts-checked", "1")
    assert _comment_box(page).input_value() == ""
    assert TYPED not in page.content()
    expect(page.get_by_text("staat er weer")).to_have_count(0)
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen")

    # The same person signs in again: the text is back in the same form on the same page.
    page.goto(goal_url)
    page.wait_for_url(re.compile(r"/inloggen"))
    _sign_in_here(page, "fatima")
    assert page.url == goal_url
    expect(_comment_box(page)).to_have_value(TYPED)
    expect(page.get_by_role("status").filter(has_text="staat er weer")).to_be_visible()
    assert_accessible(page)


def test_activity_keeps_the_page_open(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "noor")
    for _ in range(LOCK_SECONDS + 3):  # longer than the lock time, but typing all along
        page.keyboard.press("Tab")
        page.wait_for_timeout(1000)
    assert "/home" in page.url
    expect(page.get_by_role("heading", name="Op slot")).to_have_count(0)
    assert page.evaluate("fetch('/sessie').then(r => r.json()).then(s => s.person)") is not None


def test_without_a_connection_the_page_locks_by_itself(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    _open_a_goal_of_sam(page, family_server)
    expect(page.locator("body")).to_have_attribute("data-drafts-checked", "1")
    _comment_box(page).fill(TYPED)
    context.set_offline(True)
    expect(page.get_by_role("heading", name="Op slot")).to_be_visible(timeout=LOCK_SECONDS * 1000 + 4000)
    assert TYPED not in page.content() and "Plan van Sam" not in page.content()
    assert page.title() == "Op slot"
    expect(page.get_by_text("Wat je aan het typen was, is voor jou bewaard")).to_be_visible()
    assert "/inloggen?next=" in page.get_by_role("link", name="Inloggen").get_attribute("href")
    assert_accessible(page)
    # Kept pages are gone: the locked person's pages are not shown from the phone.
    assert not [k for k in page.evaluate("caches.keys()") if k.startswith("onsplan-pages-")]
    context.set_offline(False)


def test_kept_pages_are_not_shown_once_the_lock_time_has_passed(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.wait_for_function("caches.keys().then(k => k.some(n => n.startsWith('onsplan-pages-')))")
    context.set_offline(True)
    page.reload()  # within the lock time the kept page is there to read offline
    expect(page.get_by_role("link", name="Plan van Sam")).to_be_visible()
    page.close()  # the app is closed: no page runs a timer now
    second = context.new_page()
    second.goto("about:blank")
    second.wait_for_timeout(LOCK_SECONDS * 1000 + 1000)
    second.goto(family_server.url + "/home")
    expect(second.get_by_role("heading", level=1)).to_have_text("Geen verbinding")
    assert "Plan van Sam" not in second.content()
    context.set_offline(False)
