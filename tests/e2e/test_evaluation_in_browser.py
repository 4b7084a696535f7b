"""Evaluations in a real browser: drafts, private youth answers, the picture version by keyboard, results."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

YOUTH_SECRET = "Ik wil niet dat mama dit leest 2468"


def _card(page, name, plan_of="Plan van"):
    """The child's card on Start; a youth's own card is "Je plan bekijken"."""
    return page.locator("li.card", has=page.get_by_role(
        "link", name=re.compile(f"^({re.escape(plan_of)} {re.escape(name)}|Je plan bekijken)$")))


def _open_evaluation_from_home(page, name):
    _card(page, name).get_by_role("link", name=re.compile("Geef je antwoorden voor de evaluatie|Bekijk de evaluatie van")
                                  ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluatie van")


def _group(page, text):
    return page.get_by_role("group", name=re.compile(re.escape(text)))


# The closed questions of the regular questionnaire after the school goal, in order.
REGULAR_QUESTIONS = ("Sam slaapt door de week", "Zijn de problemen kleiner geworden", "weer zelf kunnen",
                     "luisteren naar mij", "duidelijke informatie", "passen goed bij elkaar", "Weet je wie de regisseur")


# The same questions in the version written to a youth.
YOUTH_QUESTIONS = ("Sam slaapt door de week", "Gaat het beter met je", "meer zelf kunt", "luisteren naar mij",
                   "Ik snap wat er in mijn plan staat", "passen goed bij mij", "Weet je wie de regisseur van je plan")


def _choose(page, labels, questions=REGULAR_QUESTIONS):
    """Choose one answer per question of `questions`, by the answer's label."""
    for question, label in zip(questions, labels, strict=True):
        _group(page, question).get_by_label(label, exact=True).check()


def test_parent_saves_a_draft_comes_back_and_sends(page, family_server):
    sign_in(page, family_server, "fatima")
    expect(_card(page, "Sam").get_by_text("Evaluatie staat open")).to_be_visible()
    _open_evaluation_from_home(page, "Sam")
    page.locator("li.card", has_text="Je eigen antwoorden").get_by_role("link", name="Begin met invullen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluatie van het plan")
    _group(page, "Sam gaat elke schooldag").get_by_label(re.compile("^0: het verwachte resultaat")).check()
    page.get_by_label("Wat ging goed? (niet verplicht)").fill("Tom belt Sam elke vrijdag.")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.get_by_text("Je antwoorden zijn bewaard als concept.")).to_be_visible()
    assert page.evaluate("window.__samePage") is True  # htmx saved without leaving the page

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Start").click()
    _open_evaluation_from_home(page, "Sam")
    expect(page.locator("li.card", has_text="Je eigen antwoorden")).to_contain_text("Concept")
    page.get_by_role("link", name="Verder met invullen").click()
    expect(_group(page, "Sam gaat elke schooldag").get_by_label(re.compile("^0: het verwachte"))).to_be_checked()
    expect(page.get_by_label("Wat ging goed? (niet verplicht)")).to_have_value("Tom belt Sam elke vrijdag.")

    page.get_by_role("button", name="Mijn antwoorden versturen").click()  # not complete yet
    expect(page.get_by_text("Bij sommige vragen gaat iets mis.")).to_be_visible()
    expect(page.get_by_text("Beantwoord deze vraag.").first).to_be_visible()
    assert_accessible(page)
    _choose(page, ["Bijna", "Ja, een beetje kleiner", "Grotendeels", "Meestal waar", "Deels waar",
                   "Meestal niet waar", "Ja"])
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_text("Dank je wel. Je antwoorden zijn verstuurd.")).to_be_visible()
    expect(page.get_by_text(re.compile("Versie 1, verstuurd op"))).to_be_visible()
    expect(page.get_by_text("Tom belt Sam elke vrijdag.")).to_be_visible()
    assert_accessible(page)


def test_youth_answers_without_javascript_keeps_the_answers_private_and_can_show_them(browser, page, family_server):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    youth = context.new_page()
    sign_in(youth, family_server, "sam")
    _open_evaluation_from_home(youth, "Sam")
    youth.get_by_role("link", name="Begin met invullen").click()
    expect(youth.get_by_text("Dit zijn jouw eigen antwoorden.")).to_be_visible()
    youth.get_by_label("Wat moet er volgens jou anders? (niet verplicht)").fill(YOUTH_SECRET)
    youth.get_by_role("button", name="Bewaren als concept").click()
    expect(youth.get_by_text("Je antwoorden zijn bewaard als concept.")).to_be_visible()
    _group(youth, "Sam gaat elke schooldag").get_by_label(re.compile("^\\+1: meer dan verwacht")).check()
    _choose(youth, ["Helemaal bereikt", "Ja, veel beter", "Voor een deel", "Helemaal waar", "Meestal waar",
                    "Deels waar", "Ja"], YOUTH_QUESTIONS)
    expect(youth.get_by_label("Mijn verstuurde antwoorden aan mijn ouders laten zien")).not_to_be_checked()
    youth.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(youth.get_by_text("In je gezin: alleen jij. Je ouders zien je antwoorden niet.")).to_be_visible()
    expect(youth.get_by_text(YOUTH_SECRET)).to_be_visible()
    context.close()

    sign_in(page, family_server, "fatima")
    _open_evaluation_from_home(page, "Sam")
    expect(page.get_by_text("De antwoorden van Sam zijn van Sam.")).to_be_visible()
    expect(page.get_by_role("link", name="Sam", exact=True)).to_have_count(0)
    expect(page.get_by_text(YOUTH_SECRET)).to_have_count(0)
    page.get_by_role("link", name="Bekijk de uitkomsten door de tijd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uitkomsten van de evaluaties van Sam")
    expect(page.get_by_text("+1: meer dan verwacht")).to_have_count(0)  # Sam's new answer stays hidden

    # Sam changes his mind and shows his answers (with JavaScript: the choice is saved in place).
    context = browser.new_context(locale="nl-NL")
    youth = context.new_page()
    sign_in(youth, family_server, "sam")
    _open_evaluation_from_home(youth, "Sam")
    youth.get_by_role("link", name="Bekijk je antwoorden").click()
    youth.get_by_role("button", name="Mijn antwoorden aan mijn ouders laten zien").click()
    expect(youth.get_by_text("Je keuze is bewaard.")).to_be_visible()
    expect(youth.get_by_text("In je gezin: jij en je ouders. Zij zien de antwoorden die je hebt verstuurd.")).to_be_visible()
    assert_accessible(youth)
    context.close()
    page.reload()
    expect(page.get_by_text("+1: meer dan verwacht").first).to_be_visible()
    page.get_by_role("link", name="Plan van Sam").click()
    page.get_by_role("link", name="Evaluatie staat open: geef je antwoorden").click()
    page.get_by_role("link", name="Sam", exact=True).click()
    expect(page.get_by_text(YOUTH_SECRET)).to_be_visible()


def test_parent_fills_in_the_picture_version_with_lotte_by_keyboard(page, family_server):
    sign_in(page, family_server, "fatima")
    _open_evaluation_from_home(page, "Lotte")
    card = page.locator("li.card", has_text="Samen met Lotte (versie met plaatjes)")
    card.get_by_role("link", name="Begin met invullen").click()
    expect(page.get_by_text("Vul dit samen met Lotte in.")).to_be_visible()
    assert_accessible(page)

    groups = [_group(page, text) for text in ("Lotte speelt elke week", "Vind je de hulp fijn?",
                                              "Luisteren de grote mensen naar jou?", "Gaat het beter dan eerst?")]
    groups[0].get_by_role("radio", name="niet blij").focus()  # the first face of the first question
    page.keyboard.press("ArrowRight")                          # gaat wel
    page.keyboard.press("ArrowRight")                          # blij
    expect(groups[0].get_by_role("radio", name="blij", exact=True)).to_be_checked()
    page.keyboard.press("Tab")                                 # the next question, nothing chosen yet
    expect(groups[1].get_by_role("radio", name="niet blij")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(groups[1].get_by_role("radio", name="blij", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(groups[2].get_by_role("radio", name="gaat wel")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(groups[3].get_by_role("radio", name="niet blij")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wil je nog iets vertellen? (niet verplicht)")).to_be_focused()
    page.keyboard.type("Ik heb een nieuwe vriendin op zwemles.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Mijn antwoorden versturen")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Dank je wel. Je antwoorden zijn verstuurd.")).to_be_visible()
    answers = page.locator("dl.answers")
    expect(answers).to_contain_text("Vind je de hulp fijn?")
    expect(answers.locator("dd").nth(1)).to_have_text("blij")
    expect(answers.locator("dd").nth(2)).to_have_text("gaat wel")
    expect(answers.locator("dd").nth(3)).to_have_text("niet blij")
    expect(answers).to_contain_text("Ik heb een nieuwe vriendin op zwemles.")


def test_the_chart_and_its_table_show_the_same_values(page, family_server):
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Sam").click()
    page.get_by_role("link", name="Uitkomsten van de evaluaties door de tijd").click()
    charts = page.get_by_role("img", name=re.compile("Voortgang door de tijd"))
    expect(charts).to_have_count(2)
    school = page.locator("section.result", has=page.get_by_role("heading", name=re.compile("Sam gaat elke schooldag")))
    def values(name):
        markers = school.locator(f'svg.chart__svg g[data-name="{name}"] [data-value]')
        return [markers.nth(i).get_attribute("data-value") for i in range(2)], markers

    # The two earlier moments: Fatima -2 then -1, Sam -1 then 0 (the seeded answers; Sam shared them).
    fatima, fatima_markers = values("Fatima de Vries")
    sam, _ = values("Sam")
    assert (fatima, sam) == (["-2", "-1"], ["-1", "0"])
    # Higher values are drawn higher: Fatima's second point is above her first.
    first, second = (float(fatima_markers.nth(i).get_attribute("cy")) for i in (0, 1))
    assert second < first
    rows = school.locator("table tbody tr")
    expect(rows.nth(0).locator("td")).to_have_text(["-2: veel minder dan verwacht", "-1: minder dan verwacht"])
    expect(rows.nth(1).locator("td")).to_have_text(["-1: minder dan verwacht", "0: het verwachte resultaat"])
    expect(school.locator("thead th")).to_have_text(["Datum", "Fatima de Vries", "Sam"])
    expect(page.locator("caption", has_text="T = 30,0")).to_contain_text("Fatima de Vries")
    assert_accessible(page)


def test_evaluation_pages_have_no_accessibility_violations_in_english(page, family_server):
    page.set_viewport_size({"width": 320, "height": 700})
    sign_in(page, family_server, "fatima")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=2, name="Your children")).to_be_visible()
    assert_accessible(page)  # home with "Evaluation open"
    _card(page, "Lotte", "Plan of").get_by_role("link", name="Plan of Lotte").click()
    page.get_by_role("link", name="Evaluation open: give your answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluation of")
    assert_accessible(page)  # the moment page
    page.locator("li.card", has_text="Your own answers").get_by_role("link", name="Start answering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation of the plan")
    assert_accessible(page)  # the regular form
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Answer this question.").first).to_be_visible()
    assert_accessible(page)  # the form with messages
    _assert_fits(page)
    page.get_by_role("link", name="Back to the evaluation moment").click()
    page.locator("li.card", has_text="picture version").get_by_role("link").first.click()
    assert_accessible(page)  # the picture version (sent in the test above, or the form)
    _assert_fits(page)
    page.get_by_role("link", name="Back to the evaluation moment").click()
    page.get_by_role("link", name="See the results over time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation results of Lotte")
    assert_accessible(page)
    page.goto(f"{family_server.url}/kind/{_child_id(family_server, 'Sam')}/evaluatie")
    expect(page.get_by_role("img", name=re.compile("Progress over time"))).to_have_count(2)
    assert_accessible(page)  # results with charts, tables and T-scores
    _assert_fits(page)
    page.get_by_role("link", name="Plan of Sam").click()
    page.get_by_role("link", name=re.compile("Tussenevaluatie")).click()
    expect(page.get_by_role("heading", level=2, name="Answers of your family")).to_be_visible()
    assert_accessible(page)  # a closed moment with answers
    page.get_by_role("link", name="Sam", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers of Sam")
    assert_accessible(page)  # one stored version
    page.get_by_role("button", name="Nederlands").click()


def _assert_fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url


def _child_id(server, name):
    from webapp.db import get_db
    from webapp.people.members import family_members
    from webapp.records import get_meta, get_store
    with server.app.app_context():
        db = get_db()
        return next(p.id for p in family_members(get_store(), get_meta(db, "demo_family")) if p.name == name)
