"""Answering at an evaluation moment: drafts, sending, versions, validation, idempotency, storage."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from tests.integration.evaluation_helpers import Demo, answer, hidden_fields
from webapp.evaluation.questionnaires import REGISTRY, YES_NO, Option, Question


@pytest.fixture
def demo(family_app):
    return Demo(family_app)


def test_home_says_which_evaluation_is_open_and_links_to_it(demo, parent, youth):
    moment = demo.open_moment("Sam")
    for client in (parent, youth):
        home = client.get("/home").get_data(as_text=True)
        assert "Evaluatie staat open" in home
        assert f'href="{demo.url("Sam", moment.id)}"' in home
    assert demo.url("Lotte", demo.open_moment("Lotte").id) in parent.get("/home").get_data(as_text=True)


def test_the_plan_links_each_moment_to_its_evaluation(demo, parent):
    page = parent.get(f"/kind/{demo.id('Sam')}").get_data(as_text=True)
    assert "Evaluatie staat open: geef je antwoorden" in page
    assert f'href="/kind/{demo.id("Sam")}/evaluatie"' in page
    for moment in demo.plan("Sam").moments:
        assert demo.url("Sam", moment.id) in page


def test_a_parent_saves_a_draft_and_sends_it_later(demo, parent):
    moment = demo.open_moment("Sam")
    url = demo.url("Sam", moment.id, "ouder")
    response = answer(parent, url, "draft", heard="4", went_well="Tom belt elke week.")
    assert response.status_code == 303 and response.headers["Location"].endswith("?bewaard=1")
    page = parent.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je antwoorden zijn bewaard als concept." in page
    assert 'value="4" checked' in page and "Tom belt elke week." in page
    [saved] = demo.responses("Sam")[-1:]
    assert (saved.current.status, saved.current.version, saved.current.answers["heard"]) == ("draft", 1, 4)

    response = answer(parent, url, "submit", **demo.complete_answers(), went_well="Tom belt elke week.")
    assert response.status_code == 303
    page = parent.get(url).get_data(as_text=True)
    assert "Dank je wel. Je antwoorden zijn verstuurd." in page
    assert "Verstuurd" in page and "Versie 1, verstuurd op" in page and "Mijn antwoorden wijzigen" in page
    mine = next(r for r in demo.responses("Sam") if r.moment == moment.id)
    assert [(v.status, v.version) for v in mine.versions] == [("draft", 1), ("submitted", 1)]
    assert mine.current.questionnaire == "regular" and mine.current.questionnaire_version == 1


def test_a_youth_answers_the_version_written_to_them_and_a_parent_the_parents_version(demo, youth, parent):
    moment = demo.open_moment("Sam")
    sams = youth.get(demo.url("Sam", moment.id, "jongere")).get_data(as_text=True)
    fatimas = parent.get(demo.url("Sam", moment.id, "ouder")).get_data(as_text=True)
    assert "Hoe ver ben je nu met dit doel?" in sams and "Gaat het beter met je sinds de hulp begon?" in sams
    assert "jullie het als gezin" not in sams and "De mensen die ons helpen" not in sams
    assert "Heb je het gevoel dat jullie het als gezin weer zelf kunnen?" in fatimas
    assert hidden_fields(sams)["questionnaire"] == "youth" and hidden_fields(fatimas)["questionnaire"] == "regular"
    # The same questions and values: the youth sends the same kind of answer as a parent.
    assert answer(youth, demo.url("Sam", moment.id, "jongere"), "submit", **demo.complete_answers()).status_code == 303
    sent = next(r for r in demo.responses("Sam") if r.moment == moment.id and r.respondent == "youth")
    assert (sent.current.questionnaire, sent.current.status) == ("youth", "submitted")


def test_sending_locks_the_answers(demo, parent):
    url = demo.url("Sam", demo.open_moment("Sam").id, "ouder")
    form = parent.get(url).get_data(as_text=True)
    assert answer(parent, url, "submit", **demo.complete_answers()).status_code == 303
    before = demo.record_count()
    # The old form (version 1) sent again with a new client id: refused, nothing stored.
    stale = {**hidden_fields(form), "client_id": str(uuid.uuid4())}
    response = answer(parent, url, "draft", overrides=stale, heard="1")
    assert response.status_code == 409
    assert "Je hebt deze antwoorden al verstuurd." in response.get_data(as_text=True)
    assert demo.record_count() == before


def test_a_change_after_sending_makes_version_2_and_keeps_version_1(demo, parent):
    moment = demo.open_moment("Sam")
    url = demo.url("Sam", moment.id, "ouder")
    answer(parent, url, "submit", **demo.complete_answers())
    change = parent.get(url + "?wijzigen=1").get_data(as_text=True)
    assert hidden_fields(change)["version"] == "2" and 'value="bit_smaller" checked' in change
    assert answer(parent, url, "submit", form_page=url + "?wijzigen=1",
                  **{**demo.complete_answers(), "problems_smaller": "much_smaller"}).status_code == 303
    mine = next(r for r in demo.responses("Sam") if r.moment == moment.id)
    first, second = mine.submitted_versions
    assert (first.version, first.answers["problems_smaller"]) == (1, "bit_smaller")
    assert (second.version, second.answers["problems_smaller"]) == (2, "much_smaller")
    page = parent.get(url).get_data(as_text=True)
    assert "Versie 2, verstuurd op" in page and "Eerdere versies" in page
    old = parent.get(f"/kind/{demo.id('Sam')}/evaluatie/antwoord/{first.record_id}").get_data(as_text=True)
    assert "Ja, een beetje kleiner" in old and "Ja, veel kleiner" not in old


@pytest.mark.parametrize("action, given, message", [
    ("submit", {"heard": "4"}, "Beantwoord deze vraag."),                           # required questions left open
    ("draft", {"heard": "7"}, "Dit antwoord kan niet. Kies een van de antwoorden."),  # out of range, even in a draft
    ("submit", {"knows_regisseur": "misschien"}, "Dit antwoord kan niet."),
    ("draft", {"change": "x" * 2001}, "Gebruik hoogstens 2000 tekens."),
])
def test_bad_answers_come_back_with_a_message_per_question_and_nothing_is_stored(demo, parent, action, given, message):
    url = demo.url("Sam", demo.open_moment("Sam").id, "ouder")
    before = demo.record_count()
    response = answer(parent, url, action, problems_smaller="same", went_well="Fijne gesprekken", **given)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "Bij sommige vragen gaat iets mis." in page
    assert 'value="same" checked' in page and "Fijne gesprekken" in page  # what was given is kept
    assert 'aria-invalid="true"' in page or "form-field--invalid" in page
    assert demo.record_count() == before


def test_a_questionnaire_version_that_does_not_exist_is_refused_with_the_answers_kept(demo, parent):
    url = demo.url("Sam", demo.open_moment("Sam").id, "ouder")
    before = demo.record_count()
    response = answer(parent, url, "submit", overrides={"questionnaire_version": "99"}, **demo.complete_answers(),
                      went_well="Bewaar mij")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "De vragen zijn veranderd sinds je deze pagina opende." in page
    assert "Bewaar mij" in page and 'value="bit_smaller" checked' in page
    assert demo.record_count() == before
    other = answer(parent, url, "submit", overrides={"questionnaire": "picture"}, **demo.complete_answers())
    assert other.status_code == 422 and demo.record_count() == before


def test_an_old_answer_still_renders_after_the_questionnaire_got_a_new_version(demo, family_app, parent):
    moment = demo.open_moment("Sam")
    url = demo.url("Sam", moment.id, "ouder")
    old_form = parent.get(url).get_data(as_text=True)
    answer(parent, url, "submit", **demo.complete_answers())
    v1 = REGISTRY.current("regular")
    v2 = replace(v1, version=2, questions=tuple(q for q in v1.questions if q.key != "knows_regisseur") + (
        Question("school_talk", YES_NO, "Did the school talk with you about the plan?",
                 options=(Option("yes", "Yes"), Option("no", "No"))),))
    family_app.extensions["onsplan.questionnaires"] = REGISTRY.with_version(v2)

    sent = parent.get(url).get_data(as_text=True)  # version 1, shown with its own questions
    assert "Weet je wie de regisseur van het plan is?" in sent and "Did the school talk" not in sent
    change = parent.get(url + "?wijzigen=1").get_data(as_text=True)  # a change answers version 2
    assert "Did the school talk with you about the plan?" in change and "Weet je wie de regisseur" not in change
    assert hidden_fields(change)["questionnaire_version"] == "2"
    before = demo.record_count()
    stale = answer(parent, url, "submit", overrides={**hidden_fields(old_form), "client_id": str(uuid.uuid4()),
                                                     "version": "2"}, **demo.complete_answers())
    assert stale.status_code == 422 and "De vragen zijn veranderd" in stale.get_data(as_text=True)
    assert demo.record_count() == before


def test_sending_the_same_form_twice_stores_it_once(demo, parent):
    url = demo.url("Sam", demo.open_moment("Sam").id, "ouder")
    html = parent.get(url).get_data(as_text=True)
    fields = hidden_fields(html)
    before = demo.record_count()
    for _ in range(2):
        response = answer(parent, url, "submit", overrides=fields, **demo.complete_answers())
        assert response.status_code == 303
    assert demo.record_count() == before + 1


def test_saving_a_draft_with_htmx_returns_only_the_form_with_a_confirmation(demo, parent):
    url = demo.url("Sam", demo.open_moment("Sam").id, "ouder")
    response = answer(parent, url, "draft", headers={"HX-Request": "true"}, heard="2")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert page.lstrip().startswith('<div id="answer-form">') and "<html" not in page
    assert "Je antwoorden zijn bewaard als concept." in page and 'value="2" checked' in page
    second = answer(parent, url, "draft", headers={"HX-Request": "true"}, heard="3")  # a fresh client id each time
    assert second.status_code == 200
    mine = demo.responses("Sam")
    assert [v.answers.get("heard") for v in mine[-1].versions] == [2, 3]


def test_a_parent_fills_in_the_picture_version_with_a_child_under_12(demo, parent):
    moment = demo.open_moment("Lotte")
    moment_page = parent.get(demo.url("Lotte", moment.id)).get_data(as_text=True)
    assert "Samen met Lotte (versie met plaatjes)" in moment_page and "Je eigen antwoorden" in moment_page
    url = demo.url("Lotte", moment.id, "samen-met-kind")
    form = parent.get(url).get_data(as_text=True)
    assert "Vul dit samen met Lotte in." in form and "blij" in form and "gaat wel" in form
    assert form.count("Lees elke vraag voor") == 1  # the instruction is said once
    assert '<svg class="face"' in form and 'aria-hidden="true"' in form
    friends = demo.goal("Lotte", "Lotte speelt")
    response = answer(parent, url, "submit", **{f"progress:{friends}": "3", "help": "3", "listened": "2",
                                                "better": "3", "tell": "Ik heb een nieuwe vriendin."})
    assert response.status_code == 303
    [picture] = [r for r in demo.responses("Lotte") if r.respondent == "child"]
    assert picture.current.questionnaire == "picture" and picture.current.answers["help"] == 3
    assert picture.owner == demo.id("Lotte") and picture.current.author == demo.id("Fatima")
    results = parent.get(f"/kind/{demo.id('Lotte')}/evaluatie").get_data(as_text=True)
    assert "Lotte (versie met plaatjes)" in results and "blij" in results


def test_a_moment_that_is_not_open_yet_or_closed_takes_no_answers(demo, parent):
    later = demo.add_moment("Sam", 30)
    closed = demo.add_moment("Sam", 0, closed=True)
    assert "Je kunt je antwoorden geven vanaf" in parent.get(demo.url("Sam", later)).get_data(as_text=True)
    opened = {**hidden_fields(parent.get(demo.url("Sam", demo.open_moment("Sam").id, "ouder")).get_data(as_text=True))}
    before = demo.record_count()
    for moment_id in (later, closed):
        url = demo.url("Sam", moment_id, "ouder")
        page = parent.get(url).get_data(as_text=True)
        assert 'name="client_id"' not in page
        response = answer(parent, url, "submit", overrides=opened, **demo.complete_answers())
        assert response.status_code == 409
    assert "Dit evaluatiemoment is gesloten." in parent.get(demo.url("Sam", closed)).get_data(as_text=True)
    assert demo.record_count() == before


def test_a_closing_moment_asks_the_closing_evaluation(demo, parent, youth):
    closing = demo.add_moment("Sam", 3, closing=True)
    assert "Dit is de eindevaluatie." in parent.get(demo.url("Sam", closing)).get_data(as_text=True)
    page = parent.get(demo.url("Sam", closing, "ouder")).get_data(as_text=True)
    assert "Eindevaluatie" in page and "Wat is het resultaat voor dit doel?" in page
    assert "Denk je dat het resultaat blijft?" in page
    page = youth.get(demo.url("Sam", closing, "jongere")).get_data(as_text=True)
    assert "Jouw eindevaluatie" in page and "Hoe ver ben je gekomen met dit doel?" in page
    assert "Denk je dat het goed blijft gaan?" in page


def test_evaluation_answers_are_stored_encrypted_as_evaluations(demo, parent, family_app):
    secret = "Onze gesprekken met Karin over Sam waren fijn 4711"
    answer(parent, demo.url("Sam", demo.open_moment("Sam").id, "ouder"), "submit", **demo.complete_answers(),
           went_well=secret)
    config = family_app.config["ONSPLAN"]
    disk = b"".join(path.read_bytes() for path in config.data_dir.rglob("*.sqlite3*"))
    for plaintext in (secret, "Karin luistert goed naar ons.", "Sporten helpt me om beter te slapen.", "bit_smaller"):
        assert plaintext.encode() not in disk, plaintext
    from webapp.db import connect
    db = connect(config.database_path)
    categories = {row[0] for row in db.execute("SELECT category FROM records WHERE kind = 'evaluation_response'")}
    db.conn.close()
    assert categories == {"evaluations"}


def test_a_draft_saved_with_htmx_after_sending_is_refused_with_a_message(demo, parent):
    url = demo.url("Sam", demo.open_moment("Sam").id, "ouder")
    form = parent.get(url).get_data(as_text=True)
    answer(parent, url, "submit", **demo.complete_answers())
    before = demo.record_count()
    response = answer(parent, url, "draft", headers={"HX-Request": "true"},
                      overrides={**hidden_fields(form), "client_id": str(uuid.uuid4())}, heard="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "<html" not in page
    assert "Je hebt deze antwoorden al verstuurd." in page
    assert demo.record_count() == before


def test_give_your_answers_leaves_start_and_results_once_my_answers_are_sent(family_app, parent):
    from tests.integration.consent_helpers import person
    from webapp.evaluation.queries import sent_moments
    from webapp.records import get_meta, get_store

    sam = person(family_app, "Sam")
    home = parent.get("/home").get_data(as_text=True)
    assert "Geef je antwoorden voor de evaluatie" in next(c for c in home.split('<li class="card">') if "Plan van Sam" in c)
    with family_app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        moment = next(r for r in store.current(family_id, ["evaluation_moment"], subject=sam.id)
                      if r.body["title"] == "Evaluatie van het plan")
        fatima = person(family_app, "Fatima")
        store.write(family_id=family_id, kind="evaluation_response", author=fatima.id, subject=sam.id,
                    body={"item": "answer-1", "moment": moment.item, "respondent": "parent", "questionnaire": "family",
                          "questionnaire_version": 1, "version": 1, "status": "submitted", "answers": {},
                          "goals": [], "shared_with_parents": False, "by": {}, "saved_on": "2026-11-25"})
        assert moment.item in sent_moments(store, family_id, sam.id, fatima.id)
    home = parent.get("/home").get_data(as_text=True)
    sams_card = next(card for card in home.split('<li class="card">') if "Plan van Sam" in card)
    assert "Geef je antwoorden voor de evaluatie" not in sams_card
    assert "Je antwoorden zijn verstuurd." in sams_card and "Bekijk de evaluatie van" in sams_card
    results = parent.get(f"/kind/{sam.id}/evaluatie").get_data(as_text=True)
    assert "is open. Geef je antwoorden." not in results
