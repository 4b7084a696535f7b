"""Page states added for a first evening on a phone pass axe-core and work by keyboard."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.consent_steps import kind, open_consent


def test_take_back_my_yes_confirmation_start_and_results_pass_axe(page, browser, family_server):
    open_consent(page, family_server, "sam", "Sam")
    kind(page, "JGZ Regio Midden", "Het plan en de doelen").get_by_role("button", name=re.compile("^Delen")).click()
    expect(page.get_by_role("status").filter(has_text="Je ja is bewaard.")).to_be_visible()
    assert_accessible(page)
    link = kind(page, "JGZ Regio Midden", "Het plan en de doelen").get_by_role("link", name=re.compile("^Mijn ja intrekken"))
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Je ja intrekken?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, trek mijn ja in").click()
    expect(page.get_by_role("status").filter(has_text="Je nee is bewaard.")).to_be_visible()

    other = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844}).new_page()
    sign_in(other, family_server, "fatima")
    expect(other.get_by_role("heading", name="Dit wacht op jou").first).to_be_visible()
    assert_accessible(other)
    other.get_by_role("link", name="Plan van Sam").click()
    other.wait_for_url(re.compile(r"/kind/[^/?#]+$"))
    other.goto(other.url + "/evaluatie")
    other.get_by_text("Hoe rekenen we dit uit?").click()
    expect(other.get_by_text("Kiresuk")).to_be_visible()
    assert_accessible(other)
    other.context.close()


def test_stopping_a_goal_asks_first_by_keyboard_and_passes_axe(page, family_server):
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Lotte").click()
    page.get_by_role("link", name=re.compile("^Lotte speelt")).first.click()
    stop = page.get_by_role("button", name="Stoppen met dit doel")
    stop.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Wil je echt stoppen met dit doel?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nee, doel houden").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Stoppen met dit doel")).to_be_visible()
    expect(page.get_by_text("Gestopt", exact=True)).to_have_count(0)
