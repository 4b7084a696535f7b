"""Journey 2, in Chromium with both roles as real servers from a fresh start: the regisseur plans an
evaluation moment, a parent and the youth answer, the regisseur reviews a goal as reached, the
parent and the youth agree (both decide about a health goal at 14), and the goal is reached on
both sides.

Journey 3: Sam's pages tell him exactly who reads his answers, in each state of his consent."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.consent_steps import kind
from tests.e2e.conftest import assert_accessible, both_roles, professional_sign_in, sign_in

SLEEP_GOAL = "Sam slaapt door de week vóór 23.00 uur."
MOMENT = "Evaluatie na zes weken"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    yield from both_roles(tmp_path_factory.mktemp("journey"))


def _group(page, text):
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def _answer(page, family, login, questions_and_answers, signed_in=False):
    """Sign in, open the new moment from the plan and send a complete answer."""
    if signed_in:
        page.goto(family.url + "/home")
    else:
        sign_in(page, family, login)
    page.get_by_role("link", name=re.compile("^(Plan van Sam|Je plan bekijken)$")).click()
    page.locator("li", has_text=MOMENT).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluatie van")
    page.get_by_role("link", name="Begin met invullen").click()
    for question, label in questions_and_answers:
        _group(page, question).get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_text("Dank je wel. Je antwoorden zijn verstuurd.")).to_be_visible()
    assert_accessible(page)


def test_the_regisseur_reviews_a_goal_as_reached_the_family_agrees_and_it_is_reached_on_both_sides(browser, both):
    hub, family, sync = both
    regisseur = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    professional_sign_in(regisseur, hub)
    regisseur.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    moment = regisseur.locator("#moment")
    moment.get_by_label("Datum").fill(date.today().strftime("%d-%m-%Y"))  # typed the Dutch way
    moment.get_by_label("Naam van het moment").fill(MOMENT)
    moment.get_by_role("group", name="Welke doelen worden geëvalueerd?").get_by_label(SLEEP_GOAL).check()
    assert_accessible(regisseur)
    moment.get_by_role("button", name="Moment plannen").click()
    expect(regisseur.get_by_text("Het evaluatiemoment is naar het gezin gestuurd.")).to_be_visible()

    sync()
    parent = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    _answer(parent, family, "fatima", [
        (SLEEP_GOAL, "Bijna"), ("Zijn de problemen kleiner geworden", "Ja, een beetje kleiner"),
        ("weer zelf kunnen", "Grotendeels"), ("luisteren naar mij", "Meestal waar"),
        ("duidelijke informatie", "Deels waar"), ("passen goed bij elkaar", "Meestal waar"),
        ("Weet je wie de regisseur", "Ja")])
    youth = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    # Sam shares his answers with the wijkteam (his mother said yes already): then Karin reads them.
    sign_in(youth, family, "sam")
    youth.get_by_role("navigation").get_by_role("link", name="Toestemming").click()
    youth.get_by_role("link", name="Wat je deelt").click()
    kind(youth, "Wijkteam Oost", "Antwoorden bij evaluaties").get_by_role("button", name=re.compile("^Delen")).click()
    expect(youth.get_by_role("status").filter(has_text="Wijkteam Oost kan dit nu zien: Antwoorden bij evaluaties.")).to_be_visible()
    _answer(youth, family, "sam", signed_in=True, questions_and_answers=[
        (SLEEP_GOAL, "Helemaal bereikt"), ("Gaat het beter met je", "Ja, veel beter"),
        ("meer zelf kunt", "Grotendeels"), ("luisteren naar mij", "Helemaal waar"),
        ("Ik snap wat er in mijn plan staat", "Meestal waar"), ("passen goed bij mij", "Meestal waar"),
        ("Weet je wie de regisseur van je plan", "Ja")])

    sync()
    regisseur.get_by_role("link", name=re.compile(MOMENT)).click()
    expect(regisseur.get_by_role("heading", level=1)).to_contain_text("Evaluatie van")
    goal = regisseur.locator("section", has=regisseur.get_by_role("heading", name=SLEEP_GOAL))
    expect(goal.locator(".result__sentence")).to_be_visible()  # the answers of Fatima and Sam arrived
    goal.get_by_label("Uitkomst").select_option("reached")
    goal.get_by_label("Wat hebben jullie samen afgesproken?").fill(
        "Sam slaapt al vier weken op tijd. Het doel is bereikt; we houden het slaapdagboek nog een maand aan.")
    goal.get_by_role("button", name="Bespreking van dit doel vastleggen").click()
    expect(regisseur.get_by_text("De bespreking van dit doel is naar het gezin gestuurd.")).to_be_visible()
    goal = regisseur.locator("section", has=regisseur.get_by_role("heading", name=SLEEP_GOAL))
    expect(goal).to_contain_text("Wacht op het gezin: een ouder of de jongere die over dit doel beslist")
    regisseur.get_by_role("button", name="Moment afsluiten").click()
    expect(regisseur.get_by_text("Dit moment is afgesloten")).to_be_visible()
    assert_accessible(regisseur)

    sync()
    parent.goto(family.url + "/home")
    expect(parent.locator(".compact-list li", has_text="Uitkomst van de evaluatie die wacht op je antwoord:")
           .filter(has_text=SLEEP_GOAL)).to_be_visible()  # Start says an outcome waits for the family
    parent.get_by_role("link", name="Plan van Sam").click()
    parent.get_by_role("link", name=SLEEP_GOAL).first.click()
    outcome = parent.locator("#uitkomst")
    expect(outcome).to_contain_text("Karin Bos (Wijkteam Oost) stelt na de evaluatie voor: dit doel is bereikt.")
    assert_accessible(parent)
    outcome.get_by_role("button", name="Ja, ik ben het eens").click()
    # Sam (14) decides about a health goal too: the goal changes with his yes.
    expect(parent.get_by_text("We wachten nog op: de jongere.")).to_be_visible()
    expect(parent.locator("#goal-status")).to_contain_text("Bezig")
    youth.goto(parent.url.split("#")[0])
    expect(youth.locator("#uitkomst")).to_contain_text("Fatima de Vries was akkoord op")
    youth.locator("#uitkomst").get_by_role("button", name="Ja, ik ben het eens").click()
    expect(youth.locator("#goal-status")).to_contain_text("Bereikt")
    expect(youth.locator("#uitkomst")).to_have_count(0)
    assert_accessible(youth)
    parent.reload()
    expect(parent.locator("#goal-status")).to_contain_text("Bereikt")

    sync()
    regisseur.goto(hub.url + "/werkplek")
    regisseur.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    expect(regisseur.locator("#goals li", has_text=SLEEP_GOAL)).to_contain_text("Bereikt")
    regisseur.get_by_role("link", name=re.compile(MOMENT)).click()
    goal = regisseur.locator("section", has=regisseur.get_by_role("heading", name=SLEEP_GOAL))
    expect(goal).to_contain_text("Het gezin ging akkoord")
    assert_accessible(regisseur)
    # In English too, on both sides.
    regisseur.get_by_role("button", name="English").click()
    expect(regisseur.get_by_text("The family agreed")).to_be_visible()
    assert_accessible(regisseur)
    parent.get_by_role("button", name="English").click()
    expect(parent.locator("#goal-status")).to_contain_text("Reached")
    assert_accessible(parent)


def _who_sees_answers(page) -> str:
    return re.sub(r"\s+", " ", page.locator(".who-sees").first.inner_text())


def test_sams_pages_tell_him_exactly_who_reads_his_answers_in_each_consent_state(browser, family_server):
    family = family_server
    sam = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    sign_in(sam, family, "sam")
    answers = sam.url.replace("/home", "")

    def open_my_answers():
        sam.goto(answers + "/home")
        sam.get_by_role("link", name="Je plan bekijken").click()
        sam.locator("li", has_text="Evaluatie van het plan").get_by_role("link").first.click()
        sam.get_by_role("link", name=re.compile("^(Begin met invullen|Verder met invullen|Bekijk je antwoorden)$")).click()
        expect(sam.locator(".who-sees").first).to_be_visible()
        return _who_sees_answers(sam)

    # Fatima said yes for the wijkteam, Sam did not yet: only he reads his answers.
    text = open_my_answers()
    assert "In je gezin: alleen jij." in text and "Niemand buiten het gezin" in text, text
    assert "Wijkteam Oost" not in text
    assert_accessible(sam)

    # Sam says yes for the wijkteam: it is named, with the basis.
    sam.goto(answers + "/toestemming")
    sam.get_by_role("link", name="Wat je deelt").click()
    kind(sam, "Wijkteam Oost", "Antwoorden bij evaluaties").get_by_role("button", name=re.compile("^Delen")).click()
    expect(sam.get_by_role("status").filter(has_text="Wijkteam Oost kan dit nu zien: Antwoorden bij evaluaties.")).to_be_visible()
    text = open_my_answers()
    assert "Wijkteam Oost, met toestemming" in text, text
    assert_accessible(sam)

    # He sends them without showing them to his parents, then shows them: his parents are named too.
    for question, label in [("Sam gaat elke schooldag", "0: het verwachte resultaat"), (SLEEP_GOAL, "Bijna"),
                            ("Gaat het beter met je", "Ja, een beetje beter"), ("meer zelf kunt", "Voor een deel"),
                            ("luisteren naar mij", "Meestal waar"), ("Ik snap wat er in mijn plan staat", "Deels waar"),
                            ("passen goed bij mij", "Meestal waar"), ("Weet je wie de regisseur van je plan", "Ja")]:
        _group(sam, question).get_by_label(re.compile("^" + re.escape(label))).first.check()
    sam.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(sam.get_by_text("Dank je wel. Je antwoorden zijn verstuurd.")).to_be_visible()
    text = _who_sees_answers(sam)
    assert "alleen jij" in text and "Wijkteam Oost, met toestemming" in text, text
    sam.get_by_role("button", name="Mijn antwoorden aan mijn ouders laten zien").click()
    expect(sam.get_by_text("Je keuze is bewaard.")).to_be_visible()
    text = _who_sees_answers(sam)
    assert "jij en je ouders" in text and "Wijkteam Oost, met toestemming" in text, text
    assert_accessible(sam)

    # He takes his yes back: the wijkteam is no longer named.
    sam.goto(answers + "/toestemming")
    sam.get_by_role("link", name="Wat je deelt").click()
    kind(sam, "Wijkteam Oost", "Antwoorden bij evaluaties").get_by_role(
        "link", name=re.compile("^Stoppen met delen")).click()
    sam.get_by_role("button", name="Ja, stop met delen").click()
    expect(kind(sam, "Wijkteam Oost", "Antwoorden bij evaluaties").locator(".consent-kind__state")).not_to_have_text(
        "Gedeeld")
    text = open_my_answers()
    assert "Wijkteam Oost" not in text, text
    # In English as well.
    sam.get_by_role("button", name="English").click()
    text = _who_sees_answers(sam)
    assert "Wijkteam Oost" not in text and ("Nobody outside the family" in text or "No one outside" in text), text
    assert_accessible(sam)
