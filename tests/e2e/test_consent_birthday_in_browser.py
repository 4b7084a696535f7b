"""A child turns 12: what needed only the parents now also needs the child, and the child is asked.

This module moves the server's clock, so it has its own server (fixtures are per module)."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.consent_steps import kind, open_consent, state
from webapp.consent.outlook import birthday_on
from webapp.db import get_db
from webapp.people.members import family_members
from webapp.records import get_meta, get_store

EVALUATIONS = "Antwoorden bij evaluaties"


def _lotte(server):
    with server.app.app_context():
        db = get_db()
        return next(p for p in family_members(get_store(), get_meta(db, "demo_family")) if p.name == "Lotte")


def test_consents_needing_the_youth_pause_on_the_12th_birthday_until_the_youth_decides(
        page, browser, family_server, clock):
    twelfth = birthday_on(_lotte(family_server).birth_date, 12)
    clock.today = twelfth - timedelta(days=1)  # Lotte turns 12 tomorrow
    open_consent(page, family_server, "fatima", "Lotte")
    for organisation in ("JGZ Regio Midden", "Het Baken College"):
        kind(page, organisation, EVALUATIONS).get_by_role("button", name=re.compile("^Delen")).click()
        expect(state(page, organisation, EVALUATIONS)).to_have_text("Gedeeld")

    clock.today = twelfth
    page.reload()
    expect(state(page, "JGZ Regio Midden", EVALUATIONS)).to_have_text("Wacht op toestemming van Lotte")
    expect(state(page, "Het Baken College", EVALUATIONS)).to_have_text("Gedeeld")  # parents decide for school
    expect(page.get_by_role("heading", name="Wat Lotte zelf schrijft").first).to_be_visible()
    page.goto(family_server.url + "/toestemming")
    notice = page.locator(".consent-notice", has_text="Lotte is 12 jaar geworden.")  # Noor is 18 by now too
    expect(notice).to_contain_text("JGZ Regio Midden: Antwoorden bij evaluaties")
    assert_accessible(page)

    page.goto(family_server.url + "/gezin")  # Lotte may have an own account now
    page.get_by_label("Wie wil je uitnodigen?").select_option(label="Lotte")
    page.get_by_role("button", name="Uitnodigingscode maken").click()
    code = page.locator("p.code").inner_text()

    lotte_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    lotte = lotte_context.new_page()
    lotte.goto(family_server.url + "/aanmelden")
    lotte.get_by_label("Uitnodigingscode").fill(code)
    lotte.get_by_role("button", name="Verder").click()
    lotte.get_by_label("Kies een gebruikersnaam").fill("lotte")
    lotte.get_by_label("Kies een wachtwoord").fill("lotte haar lange zin")
    lotte.get_by_label("Wachtwoord nog een keer").fill("lotte haar lange zin")
    lotte.get_by_role("button", name="Mijn account maken").click()
    lotte.wait_for_url("**/home")
    lotte.get_by_role("navigation").get_by_role("link", name="Toestemming").click()
    notice = lotte.locator(".consent-notice")
    expect(notice).to_contain_text("Je bent 12 jaar geworden.")
    expect(notice).to_contain_text("Het delen hiervan is gestopt tot jij beslist:")
    assert_accessible(lotte)
    notice.get_by_role("link", name=re.compile("^Beslis over delen")).click()
    expect(state(lotte, "JGZ Regio Midden", EVALUATIONS)).to_have_text("Wacht op jouw toestemming")
    kind(lotte, "JGZ Regio Midden", EVALUATIONS).get_by_role("button", name=re.compile("^Delen")).click()
    expect(state(lotte, "JGZ Regio Midden", EVALUATIONS)).to_have_text("Gedeeld")
    lotte_context.close()
