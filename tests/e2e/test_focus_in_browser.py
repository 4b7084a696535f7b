"""After a change made in place, focus goes to the sentence that says what happened, not to the page top."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_adding_an_afspraak_and_saving_a_draft_keep_the_place(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Lotte").click()
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill("Zwemspullen klaarleggen")
    page.get_by_label("Wie doet het?").select_option(index=1)
    page.get_by_role("button", name="Afspraak toevoegen").click()
    confirmation = page.get_by_role("status").filter(has_text="De afspraak is toegevoegd: Zwemspullen klaarleggen")
    expect(confirmation).to_be_focused()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Start").click()
    page.locator("li.card", has=page.get_by_role("link", name="Plan van Sam")).get_by_role(
        "link", name=re.compile("Geef je antwoorden voor de evaluatie")).click()
    page.locator("li.card", has_text="Je eigen antwoorden").get_by_role("link", name=re.compile("invullen")).click()
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.get_by_role("status").filter(has_text="bewaard als concept")).to_be_focused()
