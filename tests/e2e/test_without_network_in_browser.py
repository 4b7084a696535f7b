"""A form sent without network says so at the form and keeps what was typed (the outbox comes later)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

NOT_SENT = "Er is geen verbinding. Daarom is dit niet verstuurd."


def test_an_afspraak_a_draft_and_a_consent_button_say_not_sent_and_keep_the_input(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Sam").click()
    plan = page.url
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill("Bellen met de huisarts")
    page.get_by_label("Wie doet het?").select_option(index=1)
    context.set_offline(True)
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.get_by_role("alert").filter(has_text=NOT_SENT)).to_be_visible()
    expect(page.get_by_label("Wat wordt er gedaan?")).to_have_value("Bellen met de huisarts")
    assert page.url == plan
    assert_accessible(page)

    context.set_offline(False)
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.get_by_role("heading", name="Bellen met de huisarts")).to_be_visible()
    expect(page.get_by_text(NOT_SENT)).to_have_count(0)

    page.goto(family_server.url + "/toestemming")
    page.get_by_role("link", name="Delen voor Lotte").click()
    consent = page.url
    context.set_offline(True)
    page.get_by_role("button", name=re.compile("^Delen")).first.click()
    expect(page.get_by_role("alert").filter(has_text=NOT_SENT)).to_be_visible()
    assert page.url == consent
    context.set_offline(False)


def test_an_evaluation_draft_and_sending_say_not_sent_and_keep_the_answers(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.locator("li.card", has=page.get_by_role("link", name="Plan van Sam")).get_by_role(
        "link", name=re.compile("Geef je antwoorden voor de evaluatie")).click()
    page.locator("li.card", has_text="Je eigen antwoorden").get_by_role("link", name=re.compile("invullen")).click()
    page.get_by_label("Wat ging goed? (niet verplicht)").fill("Sam slaapt beter.")
    context.set_offline(True)
    for button in ("Bewaren als concept", "Mijn antwoorden versturen"):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("alert").filter(has_text=NOT_SENT)).to_be_visible()
        expect(page.get_by_label("Wat ging goed? (niet verplicht)")).to_have_value("Sam slaapt beter.")
    context.set_offline(False)
