"""Parents and youths work on the plan in a real browser."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in


def _open_plan(page, name, own=False):
    """Open a child's plan from Start; a youth's own plan is "Jouw plan"."""
    page.get_by_role("link", name="Je plan bekijken" if own else f"Plan van {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw plan" if own else f"Plan van {name}")


def test_parent_agrees_to_a_proposed_goal(page, family_server):
    sign_in(page, family_server, "fatima")
    _open_plan(page, "Sam")
    page.get_by_role("link", name="Sam gaat elke schooldag naar school en is op tijd in de eerste les.").click()
    expect(page.get_by_text("We wachten nog op: een ouder.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ik ben akkoord met dit doel").click()
    expect(page.get_by_text("Het doel is nu afgesproken.")).to_be_visible()
    expect(page.locator("#goal-status")).to_contain_text("Afgesproken")


def test_parent_adds_an_afspraak_without_a_page_reload(page, family_server):
    sign_in(page, family_server, "fatima")
    _open_plan(page, "Lotte")
    page.evaluate("window.__samePage = true")
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_role("button", name="Afspraak toevoegen").click()  # empty: explained in place
    expect(page.get_by_text("Beschrijf wat er gedaan wordt.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Wat wordt er gedaan?").fill("Samen naar de bibliotheek")
    page.get_by_label("Wie doet het?").select_option(label="Fatima de Vries")
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.locator("#afspraken")).to_contain_text("Samen naar de bibliotheek")
    assert page.evaluate("window.__samePage") is True


def test_parent_changes_a_status_inline(page, family_server):
    sign_in(page, family_server, "fatima")
    _open_plan(page, "Lotte")
    page.get_by_role("link", name="Lotte speelt elke week met een vriendje of vriendinnetje.").click()
    page.wait_for_url(re.compile(r"/doel/[^/?#]+$"))
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Doel bereikt").click()
    expect(page.locator("#goal-status")).to_contain_text("Bereikt")
    expect(page.get_by_text("De status is veranderd.")).to_be_visible()
    assert page.evaluate("window.__samePage") is True
    assert_accessible(page)


def test_parent_prints_the_plan(page, family_server):
    sign_in(page, family_server, "fatima")
    _open_plan(page, "Sam")
    page.get_by_role("link", name="Afdrukken").click()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()  # shown once the script runs
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".page-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    expect(page.get_by_role("heading", name="Sam slaapt door de week vóór 23.00 uur.")).to_be_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def test_youth_of_14_proposes_a_goal_and_cannot_open_a_siblings_plan(page, family_server):
    sign_in(page, family_server, "sam")
    expect(page.get_by_role("link", name="Plan van Noor")).to_have_count(0)
    _open_plan(page, "Sam", own=True)
    sibling = page.url.replace(page.url.rsplit("/", 1)[1], "")  # /kind/ + another child's id below
    page.get_by_role("link", name="Doel voorstellen").click()
    page.get_by_role("button", name="Doel voorstellen").click()
    expect(page.get_by_text("Beschrijf wat er bereikt moet worden.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Leefgebied").select_option(label="Vrije tijd en vrienden")
    page.get_by_label("Wat moet er bereikt worden?").fill("Ik ga weer naar voetbaltraining.")
    page.get_by_role("button", name="Doel voorstellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ik ga weer naar voetbaltraining.")
    expect(page.get_by_text("Voorgesteld door Sam.")).to_be_visible()
    from webapp.db import get_db
    from webapp.people.members import family_members
    from webapp.records import get_meta, get_store
    with family_server.app.app_context():
        db = get_db()
        noor = next(p.id for p in family_members(get_store(), get_meta(db, "demo_family")) if p.name == "Noor")
    response = page.goto(sibling + noor)
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Je mag deze pagina niet zien")


def test_plan_pages_have_no_accessibility_violations_in_english(page, family_server):
    sign_in(page, family_server, "fatima")
    page.get_by_role("button", name="English").click()
    assert_accessible(page)  # home with child cards
    page.get_by_role("link", name="Plan of Sam").click()
    assert_accessible(page)
    page.get_by_role("link", name="Propose a goal").click()
    page.get_by_label("Describe five levels").check()
    page.get_by_role("button", name="Propose goal").click()
    expect(page.get_by_text("Describe this level, or switch the five levels off.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()


def test_adding_an_afspraak_works_without_javascript(browser, family_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, family_server, "noor")
    _open_plan(page, "Noor", own=True)
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill("Cv bijwerken")
    page.get_by_label("Wie doet het?").select_option(label="Noor")
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.locator("#afspraken")).to_contain_text("Cv bijwerken")
    context.close()
