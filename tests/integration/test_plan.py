"""Ons plan in the family space: goals, agreement, status, afspraken, comments, print."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import Actions, csrf_token
from webapp.db import get_db
from webapp.people.members import family_members
from webapp.plan.queries import load_child_plan
from webapp.records import get_meta, get_store


def _ids(app):
    with app.app_context():
        db = get_db()
        family_id = get_meta(db, "demo_family")
        people = {p.name: p.id for p in family_members(get_store(), family_id)}
    return family_id, people


def _plan(app, child_name):
    family_id, people = _ids(app)
    with app.app_context():
        return load_child_plan(get_store(), family_id, people[child_name])


def _goal_id(app, child_name, title_start):
    return next(g.id for g in _plan(app, child_name).goals if g.current.title.startswith(title_start))


def _post(client, page_url, action, **data):
    return client.post(action, data={"csrf_token": csrf_token(client.get(page_url).get_data(as_text=True)), **data})


def test_home_shows_regisseur_next_moment_goals_and_new_proposal(family_app, parent):
    page = parent.get("/home").get_data(as_text=True)
    assert "Karin Bos, Wijkteam Oost" in page
    assert "Evaluatie van het plan" in page
    assert "Sam slaapt door de week vóór 23.00 uur." in page and "Bezig" in page
    assert "Voorstel dat wacht op jouw akkoord:" in page  # the regisseur's proposal for Sam
    assert "Te laat:" in page and "Afspraak maken met de huisarts over slapen." in page


def test_parent_agreeing_to_the_regisseurs_school_goal_makes_it_agreed(family_app, parent):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Sam", "Sam gaat elke schooldag")
    url = f"/kind/{people['Sam']}/doel/{goal_id}"
    assert "We wachten nog op:" in parent.get(url).get_data(as_text=True)
    response = _post(parent, url, url + "/akkoord")
    assert response.status_code == 303
    page = parent.get(url).get_data(as_text=True)
    assert "Het doel is nu afgesproken." in page and "Afgesproken" in page
    agreement = _plan(family_app, "Sam").goal(goal_id).agreements_for()
    assert {a.name for a in agreement} == {"Fatima de Vries", "Karin Bos (Wijkteam Oost)"}


def test_youth_of_14_cannot_agree_to_a_school_goal_and_nothing_is_stored(family_app, youth):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Sam", "Sam gaat elke schooldag")
    url = f"/kind/{people['Sam']}/doel/{goal_id}"
    assert "Ik ben akkoord met dit doel" not in youth.get(url).get_data(as_text=True)
    response = _post(youth, url, url + "/akkoord")
    assert response.status_code == 403
    assert "Wie beslist, hangt af van de leeftijd" in response.get_data(as_text=True)
    assert len(_plan(family_app, "Sam").goal(goal_id).agreements_for()) == 1  # only the regisseur's


def test_parent_of_17_year_old_cannot_agree_to_her_work_goal(family_app, parent):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Noor", "Noor vindt")
    url = f"/kind/{people['Noor']}/doel/{goal_id}"
    assert _post(parent, url, url + "/akkoord").status_code == 403


def test_youth_cannot_open_a_siblings_plan_and_unknown_children_are_not_found(family_app, youth):
    _, people = _ids(family_app)
    assert youth.get(f"/kind/{people['Sam']}").status_code == 200
    assert youth.get(f"/kind/{people['Noor']}").status_code == 403
    assert youth.get(f"/kind/{people['Noor']}/afdrukken").status_code == 403
    assert youth.get(f"/kind/{uuid.uuid4()}").status_code == 404
    home = youth.get("/home").get_data(as_text=True)
    assert "Je plan bekijken" in home and "Plan van Noor" not in home and "Plan van Lotte" not in home


def test_youth_proposes_a_goal_and_comments_in_her_own_voice(family_app):
    client = family_app.test_client()
    Actions(client).login("noor")
    _, people = _ids(family_app)
    url = f"/kind/{people['Noor']}/doel/nieuw"
    response = _post(client, url, url, life_domain="leisure", title="Ik ga weer hockeyen.",
                     strengths="Ik ben sportief.")
    assert response.status_code == 303
    goal_url = response.headers["Location"]
    _post(client, goal_url, goal_url + "/reactie", text="Het liefst op zaterdag.", question="0")
    page = client.get(goal_url).get_data(as_text=True)
    assert "Voorgesteld" in page and "Voorgesteld door Noor." in page
    assert "Het liefst op zaterdag." in page and "eigen stem" in page


@pytest.mark.parametrize("data, message", [
    ({"life_domain": "school", "title": ""}, "Beschrijf wat er bereikt moet worden."),
    ({"life_domain": "nonsense", "title": "Iets"}, "Ongeldige keuze."),
    ({"life_domain": "school", "title": "x" * 501}, "Gebruik hoogstens 500 tekens."),
    ({"life_domain": "school", "title": "Rekenen", "use_gas": "y", "gas_m2": "a"}, "Beschrijf dit niveau"),
])
def test_a_goal_with_bad_input_comes_back_with_values_kept(family_app, parent, data, message):
    _, people = _ids(family_app)
    url = f"/kind/{people['Lotte']}/doel/nieuw"
    before = len(_plan(family_app, "Lotte").goals)
    response = _post(parent, url, url, strengths="Lotte leest graag", **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Lotte leest graag" in page
    assert len(_plan(family_app, "Lotte").goals) == before


def test_sending_the_same_proposal_twice_stores_it_once(family_app, parent):
    _, people = _ids(family_app)
    url = f"/kind/{people['Lotte']}/doel/nieuw"
    client_id = str(uuid.uuid4())
    for _ in range(2):
        assert _post(parent, url, url, client_id=client_id, life_domain="school",
                     title="Lotte leest elke dag 15 minuten.").status_code == 303
    titles = [g.current.title for g in _plan(family_app, "Lotte").goals]
    assert titles.count("Lotte leest elke dag 15 minuten.") == 1


def test_status_moves_along_the_lifecycle_and_refuses_a_skip(family_app, parent):
    _, people = _ids(family_app)
    lotte = people["Lotte"]
    url = f"/kind/{lotte}/doel/nieuw"
    goal_url = _post(parent, url, url, life_domain="school", title="Lotte fietst zelf naar school.").headers["Location"]
    skip = _post(parent, goal_url, goal_url + "/status", status="reached")
    assert skip.status_code == 422 and "Deze status kan nu niet" in skip.get_data(as_text=True)
    goal_id = goal_url.rsplit("/", 1)[1]
    sleep_goal = _goal_id(family_app, "Lotte", "Lotte speelt")
    done = _post(parent, f"/kind/{lotte}/doel/{sleep_goal}", f"/kind/{lotte}/doel/{sleep_goal}/status", status="reached")
    assert done.status_code == 303
    assert _plan(family_app, "Lotte").goal(sleep_goal).current.status.value == "reached"
    assert _plan(family_app, "Lotte").goal(goal_id).current.status.value == "proposed"


def test_status_change_by_htmx_returns_only_the_status_box(family_app, parent):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Lotte", "Lotte speelt")
    url = f"/kind/{people['Lotte']}/doel/{goal_id}"
    token = csrf_token(parent.get(url).get_data(as_text=True))
    # Stopping is asked first: the status box comes back with the question, and nothing changed.
    asked = parent.post(url + "/status", data={"status": "stopped"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Wil je echt stoppen met dit doel?" in body
    assert _plan(family_app, "Lotte").goal(goal_id).current.status.value != "stopped"
    response = parent.post(url + "/status", data={"status": "stopped", "confirm": "1"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<div class="status-box" id="goal-status">') and "Gestopt" in body


def test_stopping_a_goal_without_javascript_asks_first_on_the_page(family_app, parent):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Lotte", "Lotte speelt")
    url = f"/kind/{people['Lotte']}/doel/{goal_id}"
    asked = _post(parent, url, url + "/status", status="stopped")
    assert asked.status_code == 200 and "Ja, stoppen met dit doel" in asked.get_data(as_text=True)
    assert _plan(family_app, "Lotte").goal(goal_id).current.status.value != "stopped"
    assert _post(parent, url, url + "/status", status="stopped", confirm="1").status_code == 303
    assert _plan(family_app, "Lotte").goal(goal_id).current.status.value == "stopped"


def test_a_stop_made_by_mistake_can_be_taken_back_once_and_the_goal_goes_on_as_before(family_app, parent):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Lotte", "Lotte speelt")
    before = _plan(family_app, "Lotte").goal(goal_id).current.status.value
    url = f"/kind/{people['Lotte']}/doel/{goal_id}"
    assert _post(parent, url, url + "/status", status="stopped", confirm="1").status_code == 303
    page = parent.get(url).get_data(as_text=True)
    assert "Per ongeluk gestopt?" in page and "Toch doorgaan met dit doel" in page
    token = csrf_token(page)
    assert parent.post(url + "/toch-doorgaan", data={"csrf_token": token}).status_code == 303
    assert parent.post(url + "/toch-doorgaan", data={"csrf_token": token}).status_code == 303  # sent twice
    goal = _plan(family_app, "Lotte").goal(goal_id)
    assert goal.current.status.value == before and goal.current.undoes == goal.versions[-2].record_id
    assert [v.status.value for v in goal.versions].count("stopped") == 1 and len(goal.versions) >= 3
    page = parent.get(url).get_data(as_text=True)
    assert "Het doel gaat weer door." in page and "stoppen teruggedraaid" in page
    assert "Toch doorgaan met dit doel" not in page


def test_a_stop_cannot_be_taken_back_after_someone_outside_the_family_responded(family_app, parent):
    from webapp.plan.queries import PlanWriter

    family_id, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Lotte", "Lotte speelt")
    url = f"/kind/{people['Lotte']}/doel/{goal_id}"
    assert _post(parent, url, url + "/status", status="stopped", confirm="1").status_code == 303
    with family_app.app_context():
        PlanWriter(get_store(), family_id, {"side": "professional", "id": "9b1f3c2e-0001-4a55-8d0e-6f1c00000001",
                                             "name": "Karin Bos (Wijkteam Oost)"}).comment(
            people["Lotte"], goal_id=goal_id, text="Jammer, laten we het bij de evaluatie bespreken.",
            by_youth=False, question=False)
    page = parent.get(url).get_data(as_text=True)
    assert "Toch doorgaan met dit doel" not in page
    refused = parent.post(url + "/toch-doorgaan", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 409
    assert "iemand buiten het gezin heeft er al op gereageerd" in refused.get_data(as_text=True)
    assert _plan(family_app, "Lotte").goal(goal_id).current.status.value == "stopped"


def test_changing_an_agreed_goal_makes_a_new_version_that_needs_agreement(family_app, parent):
    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Sam", "Sam slaapt")
    url = f"/kind/{people['Sam']}/doel/{goal_id}/wijzigen"
    assert _post(parent, url, url, life_domain="health", title="Sam slaapt door de week vóór 22.30 uur.").status_code == 303
    goal = _plan(family_app, "Sam").goal(goal_id)
    assert goal.current.version == 2 and goal.current.status.value == "proposed"
    assert [v.status.value for v in goal.versions][-2:] == ["adjusted", "proposed"]
    # Agreements of version 1 do not carry over; who changed it agrees by changing it, and is not asked again.
    assert [a.name for a in goal.agreements_for()] == ["Fatima de Vries"]
    page = parent.get(f"/kind/{people['Sam']}/doel/{goal_id}").get_data(as_text=True)
    assert "Versie 1" in page and "Versie 2" in page
    assert "Ik ben akkoord met dit doel" not in page and "Je bent akkoord met deze versie." in page


def test_who_proposes_a_goal_agrees_with_it_and_agreeing_twice_counts_once(family_app, parent):
    _, people = _ids(family_app)
    url = f"/kind/{people['Sam']}/doel/nieuw"
    made = _post(parent, url, url, life_domain="school", title="Sam maakt elke week een planning voor school.")
    assert made.status_code == 303
    goal_id = made.headers["Location"].rsplit("/", 1)[-1]
    goal = _plan(family_app, "Sam").goal(goal_id)
    assert [a.name for a in goal.agreements_for()] == ["Fatima de Vries"]
    page = parent.get(made.headers["Location"]).get_data(as_text=True)
    assert "Ik ben akkoord met dit doel" not in page
    token = csrf_token(page)
    for _ in range(2):  # a double tap on the agree button of an older page
        assert parent.post(f"/kind/{people['Sam']}/doel/{goal_id}/akkoord", data={"csrf_token": token}).status_code == 303
    assert len(_plan(family_app, "Sam").goal(goal_id).agreements_for()) == 1


def test_afspraken_list_mine_first_and_mark_overdue(family_app, parent):
    _, people = _ids(family_app)
    page = parent.get(f"/kind/{people['Sam']}").get_data(as_text=True)
    section = page[page.index('id="afspraken"'):]
    first_card = section[section.index('<li class="card'):section.index("</li>")]
    assert "Mijn afspraak" in first_card and "Te laat" in first_card


def test_adding_an_afspraak_with_htmx_returns_the_refreshed_list(family_app, parent):
    _, people = _ids(family_app)
    url = f"/kind/{people['Sam']}"
    token = csrf_token(parent.get(url).get_data(as_text=True))
    response = parent.post(url + "/afspraken", headers={"HX-Request": "true", "X-CSRFToken": token},
                           data={"what": "Samen een rooster maken", "who": f"person:{people['Sam']}",
                                 "due": "", "goal": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="afspraken"')
    assert "Samen een rooster maken" in body and "<html" not in body


def test_an_afspraak_with_bad_input_keeps_what_was_typed(family_app, parent):
    _, people = _ids(family_app)
    url = f"/kind/{people['Sam']}"
    response = _post(parent, url, url + "/afspraken", what="Rooster maken", who="", due="2001-01-01", goal="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kies wie het doet." in page and "Kies een datum vanaf vandaag." in page
    assert 'value="Rooster maken"' in page


def test_goal_texts_are_not_stored_in_plaintext(family_app, parent):
    _, people = _ids(family_app)
    url = f"/kind/{people['Lotte']}/doel/nieuw"
    _post(parent, url, url, life_domain="home", title="Lotte ruimt zelf haar kamer op.")
    disk = b"".join(p.read_bytes() for p in family_app.config["ONSPLAN"].data_dir.rglob("*.sqlite3*"))
    assert "Lotte ruimt zelf haar kamer op.".encode() not in disk
    assert "slaapdagboek".encode() not in disk


def test_print_view_holds_the_whole_plan(family_app, parent):
    _, people = _ids(family_app)
    page = parent.get(f"/kind/{people['Sam']}/afdrukken").get_data(as_text=True)
    for text in ("Plan van Sam", "Sam gaat elke schooldag", "Een week lang een slaapdagboek bijhouden.",
                 "Regisseur:", "Karin Bos", "Evaluatie van het plan"):
        assert text in page, text
    assert re.search(r'<button[^>]*data-print[^>]*hidden', page)


def test_a_refused_status_change_by_htmx_explains_itself_inside_the_status_box(family_app, parent):
    _, people = _ids(family_app)
    lotte = people["Lotte"]
    url = f"/kind/{lotte}/doel/nieuw"
    goal_url = _post(parent, url, url, life_domain="school", title="Lotte leert klokkijken.").headers["Location"]
    token = csrf_token(parent.get(goal_url).get_data(as_text=True))
    response = parent.post(goal_url + "/status", data={"status": "reached"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert body.lstrip().startswith('<div class="status-box"') and "Deze status kan nu niet" in body


def test_a_form_id_that_belongs_to_another_record_is_refused_and_stores_nothing(family_app, parent):
    _, people = _ids(family_app)
    taken = _goal_id(family_app, "Sam", "Sam slaapt")  # the id of an existing goal record
    url = f"/kind/{people['Sam']}"
    before = len(_plan(family_app, "Sam").afspraken)
    response = _post(parent, url, url + "/afspraken", client_id=taken, what="Iets", who=f"person:{people['Sam']}",
                     due="", goal="")
    assert response.status_code == 422 and "Dit formulier is beschadigd" in response.get_data(as_text=True)
    assert len(_plan(family_app, "Sam").afspraken) == before


def test_a_long_list_of_finished_afspraken_points_to_the_printed_plan(family_app, parent):
    from webapp.plan.queries import NO_COMMENTS, PlanWriter
    from webapp.records import get_meta, get_store

    with family_app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        sam = next(p for p in family_members(store, family_id) if p.name == "Sam")
        writer = PlanWriter(store, family_id, {"side": "family", "id": sam.id, "name": "Sam"})
        for n in range(15):
            item = writer.add_afspraak(sam.id, goal_id=None, who={"kind": "person", "id": sam.id, "label": "Sam"},
                                       what=f"Klus nummer {n:02d} gedaan", due=None)
            afspraak = next(a for a in load_child_plan(store, family_id, sam.id, NO_COMMENTS).afspraken if a.id == item)
            writer.change_afspraak_status(sam.id, afspraak, "done")
    page = parent.get(f"/kind/{sam.id}").get_data(as_text=True)
    shown = sum(f"Klus nummer {n:02d} gedaan" in page for n in range(15))
    assert shown < 15
    assert f"Afgeronde afspraken die hier niet staan: {15 - shown}." in page
    assert "Een week lang een slaapdagboek bijhouden." in page  # open afspraken are always shown
    printed = parent.get(f"/kind/{sam.id}/afdrukken").get_data(as_text=True)
    assert all(f"Klus nummer {n:02d} gedaan" in printed for n in range(15))


def test_start_lists_ongoing_goals_and_counts_finished_ones(family_app, parent):
    from webapp.plan.queries import NO_COMMENTS, PlanWriter
    from webapp.plan.rules import GoalStatus

    with family_app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        lotte = next(p for p in family_members(store, family_id) if p.name == "Lotte")
        writer = PlanWriter(store, family_id, {"side": "family", "id": "x", "name": "Fatima de Vries"})
        done = writer.propose_goal(lotte.id, life_domain="leisure", title="Lotte leert zwemmen voor haar A-diploma",
                                   strengths="Durft veel", gas=None)
        goal = load_child_plan(store, family_id, lotte.id, NO_COMMENTS).goal(done)
        writer.change_status(goal, GoalStatus.STOPPED)
    home = parent.get("/home").get_data(as_text=True)
    assert "Lotte speelt elke week met een vriendje of vriendinnetje." in home
    assert "Lotte leert zwemmen" not in home
    assert "Afgeronde doelen: 1. Je ziet ze in het plan." in home
    assert "Lotte leert zwemmen" in parent.get(f"/kind/{lotte.id}").get_data(as_text=True)


def test_a_proposal_waiting_for_me_stays_on_start_on_every_visit_until_i_agree(family_app):
    from tests.conftest import Actions

    for visit in range(3):  # each sign-in makes the previous one "the last visit"
        client = family_app.test_client()
        Actions(client).login("fatima")
        home = client.get("/home").get_data(as_text=True)
        assert "Dit wacht op jou" in home, visit
        assert "Sam gaat elke schooldag naar school" in home.split("Dit wacht op jou")[1].split("</ul>")[0]
    sam = _ids(family_app)[1]["Sam"]
    goal_id = _goal_id(family_app, "Sam", "Sam gaat elke schooldag")
    page = client.get(f"/kind/{sam}/doel/{goal_id}").get_data(as_text=True)
    assert client.post(f"/kind/{sam}/doel/{goal_id}/akkoord", data={"csrf_token": csrf_token(page)}).status_code == 303
    assert "Dit wacht op jou" not in client.get("/home").get_data(as_text=True)


def test_adding_an_afspraak_without_javascript_says_it_was_added(family_app, parent):
    sam = _ids(family_app)[1]["Sam"]
    page = parent.get(f"/kind/{sam}").get_data(as_text=True)
    who = re.search(r'<option value="(person:[^"]+)"', page).group(1)
    response = parent.post(f"/kind/{sam}/afspraken", data={"csrf_token": csrf_token(page), "what": "Zwemtas inpakken",
                                                          "who": who, "client_id": str(uuid.uuid4())})
    assert response.status_code == 303
    assert "De afspraak is toegevoegd: Zwemtas inpakken" in parent.get(response.headers["Location"]).get_data(as_text=True)


def test_a_moments_goals_are_a_list_without_doubled_punctuation(family_app, parent):
    _, people = _ids(family_app)
    page = parent.get(f"/kind/{people['Sam']}").get_data(as_text=True)
    assert ".;" not in page and ".," not in page
    assert "<li>Sam slaapt door de week vóór 23.00 uur.</li>" in page


def test_english_pages_have_no_dutch_afspraak_and_one_date_style(family_app, parent):
    _, people = _ids(family_app)
    token = csrf_token(parent.get("/home").get_data(as_text=True))
    assert parent.post("/taal", data={"csrf_token": token, "language": "en"}).status_code == 303
    sam = people["Sam"]
    for path in ("/home", f"/kind/{sam}", f"/toestemming/{sam}", f"/toestemming/{sam}/geschiedenis",
                 "/wie-keek-mee", f"/kind/{sam}/evaluatie", f"/kind/{sam}/afdrukken"):
        page = parent.get(path).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
        text = text.replace("Afspraak maken met de huisarts over slapen.", "")  # the family's own words
        assert "afspra" not in text.lower(), path
        assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November"
                             r"|December) \d{1,2}, \d{4}", text), path  # "3 December 2026", never "December 3, 2026"
        assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October"
                         r"|November|December) \d{4}", text) or path == "/wie-keek-mee", path


def test_a_status_change_and_an_afspraak_done_sent_twice_are_stored_once(family_app, parent):
    from tests.integration.consent_helpers import count

    _, people = _ids(family_app)
    goal_id = _goal_id(family_app, "Lotte", "Lotte speelt")
    url = f"/kind/{people['Lotte']}/doel/{goal_id}"
    token = csrf_token(parent.get(url).get_data(as_text=True))
    before = count(family_app, "goal")
    for _ in range(2):  # a double tap on a slow connection
        response = parent.post(url + "/status", data={"csrf_token": token, "status": "reached"})
        assert response.status_code == 303
    assert count(family_app, "goal") == before + 1
    assert _plan(family_app, "Lotte").goal(goal_id).current.status.value == "reached"

    sam = people["Sam"]
    afspraak = next(a for a in _plan(family_app, "Sam").afspraken if a.status == "open")
    before = count(family_app, "agreement_item")
    for _ in range(2):
        assert parent.post(f"/kind/{sam}/afspraak/{afspraak.id}/status",
                           data={"csrf_token": token, "status": "done"}).status_code == 303
    assert count(family_app, "agreement_item") == before + 1
