"""End to end in Chromium with both roles as real servers: the regisseur proposes a goal in the
hub's workplace, it arrives on the family's home as new, the parent agrees, and the regisseur
sees the agreement on the hub; and the regisseur runs an evaluation moment from start to end, the
family sees the review, changes the goal and agrees, and the regisseur sees it and agrees too."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, both_roles, fresh_code, professional_sign_in, sign_in
from webapp.demo import DEMO_PASSWORDS


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    yield from both_roles(tmp_path_factory.mktemp("both"))


def test_a_proposal_from_the_hub_reaches_the_family_and_their_agreement_comes_back(browser, both):
    hub, family, sync = both
    title = "Sam leert zijn huiswerk plannen met een weekrooster."
    regisseur = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    professional_sign_in(regisseur, hub)
    assert_accessible(regisseur)
    regisseur.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    expect(regisseur.get_by_text("Plan en doelen: gedeeld")).to_be_visible()
    regisseur.get_by_text("Een wettelijke grond vastleggen").click()
    regisseur.get_by_text("Informatie openen in een noodsituatie").click()
    expect(regisseur.get_by_label("Waarom is dit nu nodig?")).to_be_visible()
    assert_accessible(regisseur)
    regisseur.get_by_label("Leefgebied").select_option("school")
    regisseur.get_by_label("Wat moet er bereikt worden?").fill(title)
    regisseur.get_by_role("button", name="Doel voorstellen").click()
    expect(regisseur.get_by_text("Je voorstel is naar het gezin gestuurd.")).to_be_visible()
    regisseur.get_by_role("navigation", name="Je bent hier").get_by_role("link", name="Werkplek").click()
    sam_card = regisseur.locator(".card", has=regisseur.get_by_role("link", name=re.compile(r"^Sam, ")))
    expect(sam_card).to_contain_text("Voorstellen die wachten op het gezin:")
    expect(sam_card).to_contain_text("Volgende evaluatie:")
    assert_accessible(regisseur)
    sam_card.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    expect(regisseur.get_by_text("Plan en doelen: gedeeld")).to_be_visible()

    sync()
    parent = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    sign_in(parent, family, "fatima")
    waiting = parent.locator(".compact-list li", has_text="Voorstel dat wacht op jouw akkoord:").filter(has_text=title)
    expect(waiting).to_be_visible()
    waiting.get_by_role("link", name=title).click()
    expect(parent.get_by_text("Voorgesteld door Karin Bos (Wijkteam Oost).")).to_be_visible()
    assert_accessible(parent)
    parent.get_by_role("button", name="Ik ben akkoord met dit doel").click()
    # The regisseur's own proposal needed no second click: with Fatima's yes the goal is agreed.
    expect(parent.get_by_text("Het doel is nu afgesproken.")).to_be_visible()

    sync()
    regisseur.reload()
    goal = regisseur.locator("#goals li", has_text=title)
    expect(goal).to_contain_text("Fatima de Vries")
    assert_accessible(regisseur)


def test_the_regisseur_runs_an_evaluation_moment_and_the_family_agrees_to_the_changed_goal(browser, both):
    hub, family, sync = both
    school_goal = "Sam gaat elke schooldag naar school en is op tijd in de eerste les."
    regisseur = browser.new_context(viewport={"width": 320, "height": 720}, locale="nl-NL").new_page()
    professional_sign_in(regisseur, hub)
    regisseur.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    regisseur.get_by_role("link", name=re.compile("Evaluatie van het plan")).click()
    expect(regisseur.get_by_role("heading", level=1)).to_contain_text("Evaluatie van")
    assert_accessible(regisseur)
    goal = regisseur.locator("section", has=regisseur.get_by_role("heading", name=school_goal))
    goal.get_by_label("Uitkomst").select_option("adjust")
    goal.get_by_label("Wat hebben jullie samen afgesproken?").fill(
        "Sam is nog vaak te laat. We maken het doel kleiner: eerst op maandag en dinsdag op tijd.")
    goal.get_by_role("button", name="Bespreking van dit doel vastleggen").click()
    expect(regisseur.get_by_text("De bespreking van dit doel is naar het gezin gestuurd.")).to_be_visible()
    regisseur.get_by_role("button", name="Moment afsluiten").click()
    expect(regisseur.get_by_text("Dit moment is afgesloten")).to_be_visible()
    assert regisseur.evaluate("document.documentElement.scrollWidth") <= 320

    sync()
    parent = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    sign_in(parent, family, "fatima")
    parent.get_by_role("link", name="Plan van Sam").click()
    parent.get_by_role("link", name=school_goal).first.click()
    expect(parent.get_by_text("Uitkomst van de evaluatie: Bijstellen")).to_be_visible()
    outcome = parent.locator("#uitkomst")
    expect(outcome).to_contain_text("Karin Bos (Wijkteam Oost) stelt na de evaluatie voor: dit doel bijstellen.")
    expect(outcome).to_contain_text("We maken het doel kleiner")
    assert_accessible(parent)
    outcome.get_by_role("button", name="Ja, doel bijstellen").click()
    changed = "Sam is op maandag en dinsdag op tijd in de eerste les."
    parent.get_by_label("Wat moet er bereikt worden?").fill(changed)
    parent.get_by_role("button", name="Wijziging opslaan").click()
    # Who changed the goal agrees by changing it: Fatima is not asked again.
    expect(parent.get_by_text("Je bent akkoord met deze versie.")).to_be_visible()
    expect(parent.get_by_role("button", name="Ik ben akkoord met dit doel")).to_have_count(0)

    sync()
    regisseur.goto(hub.url + "/werkplek")
    regisseur.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    card = regisseur.locator("#goals li", has_text=changed)
    expect(card).to_contain_text("Fatima de Vries")
    card.get_by_role("button", name="Akkoord geven als regisseur").click()
    expect(regisseur.get_by_text("Je akkoord is naar het gezin gestuurd.")).to_be_visible()
    assert_accessible(regisseur)


def _tab_to(page, matches, limit: int = 120) -> None:
    """Press Tab until the focused element is the one wanted, as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(matches):
            return
    raise AssertionError("not reachable by keyboard")


def test_a_professional_proposes_a_goal_with_the_keyboard_only(browser, both):
    hub, _family, _sync = both
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    professional_sign_in(page, hub)
    _tab_to(page, "document.activeElement.tagName === 'A' && document.activeElement.textContent.trim() === 'Noor'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan van Noor")
    _tab_to(page, "document.activeElement.id === 'title'")
    page.keyboard.type("Noor oefent een sollicitatiegesprek met de mentor.")
    _tab_to(page, "document.activeElement.tagName === 'BUTTON' && document.activeElement.textContent.trim() === "
                  "'Doel voorstellen'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Je voorstel is naar het gezin gestuurd.")).to_be_visible()


def test_hub_pages_fit_a_320_px_phone_with_long_words_and_web_addresses(browser, both):
    from tests.e2e.test_long_text_in_browser import ADDRESS, LONG_WORD

    hub, _family, _sync = both
    page = browser.new_context(viewport={"width": 320, "height": 640}, locale="nl-NL").new_page()
    professional_sign_in(page, hub, "tom")  # the mentor of the school
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "caseload"
    page.get_by_role("link", name=re.compile(r"^Lotte, ")).click()
    page.get_by_label("Wat moet er bereikt worden?").fill(f"{LONG_WORD} {ADDRESS}")
    page.get_by_label("Eigen kracht: hierop bouwen we").fill(ADDRESS)
    page.get_by_role("button", name="Doel voorstellen").click()
    expect(page.get_by_text("Je voorstel is naar het gezin gestuurd.")).to_be_visible()
    page.locator("#feedback").get_by_label("Jouw terugkoppeling aan het gezin").fill(f"Zie {ADDRESS} {LONG_WORD}")
    page.get_by_role("button", name="Terugkoppeling sturen").click()
    expect(page.get_by_text("Je terugkoppeling is naar het gezin gestuurd.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "a child's page"
    assert_accessible(page)
    page.get_by_role("button", name="English").click()  # the hub speaks English too
    expect(page.get_by_role("heading", name="What the family shares with you")).to_be_visible()
    expect(page.get_by_role("heading", name="Legal ground or emergency")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()


def test_every_hub_page_passes_axe_in_dutch_and_in_english(browser, both):
    """Sign-in, second factor, the caseload with the admin's alerts, a child's plan, an evaluation
    moment and inviting a family: zero axe-core violations in both languages."""
    hub, _family, _sync = both
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL").new_page()
    page.goto(hub.url + "/inloggen")
    assert_accessible(page)
    from webapp.demo import seed_hub

    secret = next(row[3] for row in seed_hub(hub.app).hub if row[1] == "karin")
    page.get_by_label("Gebruikersnaam").fill("karin")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS["karin"])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_label("Code uit je authenticator-app")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code uit je authenticator-app").fill(fresh_code(secret, "karin"))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkplek")

    page.get_by_role("link", name=re.compile(r"^Noor, ")).click()
    page.get_by_text("Informatie openen in een noodsituatie").click()
    page.get_by_label("Waarom is dit nu nodig?").fill(
        "Noor belde de mentor vanmiddag in paniek; we moeten haar plan nu kunnen zien.")
    page.get_by_role("button", name="Noodsituatie vastleggen").click()
    expect(page.get_by_text("Wacht op de gezinsomgeving; nog niet van kracht.").first).to_be_visible()

    for language, workplace, invite, make in (("Nederlands", "Werkplek", "Een nieuw gezin uitnodigen", "Code maken"),
                                              ("English", "Workplace", "Invite a new family", "Make a code")):
        if language == "English":
            page.get_by_role("button", name="English").click()
        page.goto(hub.url + "/werkplek")
        expect(page.get_by_role("heading", level=1)).to_have_text(workplace)
        expect(page.locator("#alerts-title")).to_be_visible()  # Karin is the wijkteam's admin
        assert_accessible(page)
        page.get_by_role("link", name=re.compile(r"^Sam, ")).click()
        expect(page.locator("#goals")).to_be_visible()
        assert_accessible(page)
        page.locator("#moment li a").first.click()
        page.wait_for_url("**/evaluatie/**")
        assert_accessible(page)
        page.goto(hub.url + "/werkplek")
        page.get_by_role("link", name=invite).click()
        assert_accessible(page)
        page.get_by_role("button", name=make).click()
        expect(page.locator("#invitation-code")).to_be_visible()
        assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()
