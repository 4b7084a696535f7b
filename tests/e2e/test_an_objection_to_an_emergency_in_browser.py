"""End to end in Chromium with both roles as real servers: the regisseur records an emergency for
Noor, Fatima sees it on the consent page with who and why and objects in one step (on a 320 px
phone), and after the next sync the wijkteam's admin reads her objection on the workplace."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, both_roles, professional_sign_in, sign_in


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    yield from both_roles(tmp_path_factory.mktemp("objection"))


def test_a_parent_objects_to_an_emergency_in_one_step_and_the_admin_reads_it(browser, both):
    hub, family, sync = both
    regisseur = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
    professional_sign_in(regisseur, hub)
    regisseur.get_by_role("link", name=re.compile(r"^Noor, ")).click()
    regisseur.get_by_text("Informatie openen in een noodsituatie").click()
    regisseur.get_by_label("Welke informatie").last.select_option("evaluations")
    regisseur.get_by_label("Waarom is dit nu nodig?").fill(
        "Noor vertelde op school over geweld thuis; overleg met Veilig Thuis is nodig.")
    regisseur.get_by_role("button", name="Noodsituatie vastleggen").click()
    sync()

    parent = browser.new_context(viewport={"width": 320, "height": 700}, locale="nl-NL").new_page()
    sign_in(parent, family, "fatima")
    parent.goto(family.url + "/toestemming")
    parent.get_by_role("link", name="Delen voor Noor").click()
    card = parent.locator("section.consent-card", has_text="Wijkteam Oost")
    expect(card).to_contain_text("Reden van Karin Bos: Noor vertelde op school over geweld thuis")
    card.get_by_text("Ik ben het hier niet mee eens").click()
    card.get_by_label("Waarom niet? (niet verplicht)").fill(
        "Er is geen geweld bij ons thuis. Dit is een misverstand; bel ons eerst.")
    assert_accessible(parent)
    card.get_by_role("button", name="Mijn bezwaar versturen").click()
    expect(parent.get_by_text(
        "Je bezwaar is bewaard. Met de volgende update gaat het naar de beheerder van Wijkteam Oost.")).to_be_visible()
    expect(parent.locator("section.consent-card", has_text="Wijkteam Oost")).to_contain_text(
        "Het gaat met de volgende update naar de beheerder van Wijkteam Oost.")
    assert parent.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(parent)
    sync()

    regisseur.goto(hub.url + "/werkplek")
    alerts = regisseur.locator("section", has=regisseur.get_by_role("heading", name=re.compile("Voor de beheerder")))
    expect(alerts).to_contain_text("Het gezin maakt bezwaar")
    expect(alerts).to_contain_text("Er is geen geweld bij ons thuis. Dit is een misverstand; bel ons eerst.")
    assert_accessible(regisseur)
    parent.reload()
    expect(parent.locator("section.consent-card", has_text="Wijkteam Oost")).to_contain_text(
        "De beheerder van Wijkteam Oost kan het lezen.")
