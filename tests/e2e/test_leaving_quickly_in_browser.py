""""Snel weg": on every family page a button that at once leaves for a neutral site, signs out and
leaves nothing of OnsPlan readable on the phone; also by pressing Escape three times, and without
JavaScript."""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, controlled_by_the_worker, sign_in
from webapp.records import get_meta, get_store

NEUTRAL = b"<!doctype html><html lang='nl'><head><title>Het weer</title></head><body><h1>Het weer vandaag</h1></body></html>"


@pytest.fixture(scope="module")
def neutral_site(family_server):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(NEUTRAL)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    original = family_server.app.config["ONSPLAN"]
    family_server.app.config["ONSPLAN"] = replace(original, leave_url=url)
    yield url
    family_server.app.config["ONSPLAN"] = original
    server.shutdown()


def _signed_out_and_nothing_kept(context, family_server) -> None:
    page = context.new_page()
    page.goto(family_server.url + "/")  # the way back in (the installed app's start address)
    expect(page).to_have_url(re.compile(r"/inloggen"))
    # The sign-in page may install the app shell again; nothing of the family is kept.
    assert not [k for k in page.evaluate("caches.keys()") if k.startswith("onsplan-pages-")]
    assert page.evaluate("indexedDB.databases().then(d => d.filter(x => x.name === 'onsplan-outbox').length)") == 0


def test_leave_quickly_from_the_plan_goes_to_a_neutral_site_and_leaves_nothing(context, family_server, neutral_site):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_function("caches.keys().then(k => k.some(n => n.startsWith('onsplan-pages-')))")
    assert_accessible(page)
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url(neutral_site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Het weer vandaag")
    page.go_back()  # the plan page was replaced: back never shows family data
    assert "Plan van Sam" not in page.content()
    _signed_out_and_nothing_kept(context, family_server)


def test_escape_three_times_leaves_from_the_consent_page(context, family_server, neutral_site):
    page = context.new_page()
    sign_in(page, family_server, "noor")
    page.goto(family_server.url + "/toestemming")
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(neutral_site)
    _signed_out_and_nothing_kept(context, family_server)


def test_a_waiting_evaluation_is_sent_before_leaving_when_it_can_be(context, family_server, neutral_site):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.locator("li.card", has=page.get_by_role("link", name="Plan van Sam")).get_by_role(
        "link", name=re.compile("Geef je antwoorden voor de evaluatie")).click()
    page.locator("li.card", has_text="Je eigen antwoorden").get_by_role("link", name=re.compile("invullen")).click()
    page.get_by_label("Wat ging goed? (niet verplicht)").fill("Half ingevuld, maar bewaard.")
    with family_server.app.app_context():
        store = get_store()
        before = len(store.history(get_meta(store.db, "demo_family"), ["evaluation_response"]))
    context.set_offline(True)
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.get_by_role("status").filter(has_text="Bewaard op deze telefoon")).to_be_visible()
    page.route("**/sessie", lambda route: route.abort())  # not sent by itself: only when leaving
    context.set_offline(False)
    page.unroute("**/sessie")
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url(neutral_site)
    with family_server.app.app_context():
        store = get_store()
        after = len(store.history(get_meta(store.db, "demo_family"), ["evaluation_response"]))
    assert after == before + 1  # the half-filled answers were saved on the server, not lost
    _signed_out_and_nothing_kept(context, family_server)


def test_leave_quickly_works_without_javascript(browser, family_server, neutral_site):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url(neutral_site)
    page.go_back()  # the home page was before: it leads to the neutral site again
    page.wait_for_url(neutral_site)
    page.goto(family_server.url + "/")
    assert "/inloggen" in page.url
    context.close()


def test_going_back_after_leaving_quickly_never_returns_to_onsplan(context, family_server, neutral_site):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_url("**/kind/**")
    page.get_by_role("link", name="Toestemming").click()
    page.wait_for_url("**/toestemming")
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url(neutral_site)
    # Back through everything opened before: consent, plan, home, sign-in page, ... never OnsPlan.
    steps_back = 0
    for _ in range(6):
        page.go_back()
        page.wait_for_load_state()
        if page.url == "about:blank":
            break
        assert page.url == neutral_site, page.url
        assert "OnsPlan" not in page.content() and "Het weer vandaag" in page.content()
        steps_back += 1
    assert steps_back == 3  # the plan, home and the sign-in page
    assert page.evaluate("history.length") >= 4  # the addresses are there; they lead to the neutral site
    # Who really wants to come back opens the app (its start address is "/") and signs in.
    page.goto(family_server.url + "/")
    expect(page).to_have_url(re.compile(r"/inloggen"))
    page.get_by_label("Gebruikersnaam").fill("fatima")
    page.get_by_label("Wachtwoord").fill("demo-ouder-fatima")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/home")
