"""A youth's answers are theirs; nobody answers for or looks into a sibling's evaluation."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import Actions, csrf_token
from tests.integration.evaluation_helpers import Demo, answer

SECRET = "Ik vind het lastig om over thuis te praten 0815"


@pytest.fixture
def demo(family_app):
    return Demo(family_app)


def _sams_answer(demo, youth, share=False):
    moment = demo.open_moment("Sam")
    extra = {"share": "1"} if share else {}
    response = answer(youth, demo.url("Sam", moment.id, "jongere"), "submit", overrides=extra,
                      **demo.complete_answers(), change=SECRET)
    assert response.status_code == 303
    return moment, next(r for r in demo.responses("Sam") if r.moment == moment.id and r.respondent == "youth")


def _share(youth, demo, moment, value: str):
    """Press the share button on the page of the sent answers (its own form and client id)."""
    url = demo.url("Sam", moment.id, "jongere")
    page = youth.get(url).get_data(as_text=True)
    share_form = page[page.index('<section id="share"'):]
    client_id = re.search(r'name="client_id" value="([^"]+)"', share_form).group(1)
    assert f'name="share" value="{value}"' in share_form  # the button offers this change
    return youth.post(url + "/delen", data={"csrf_token": csrf_token(page), "client_id": client_id, "share": value})


def test_a_youths_answers_are_private_by_default(demo, youth, parent):
    moment, sams = _sams_answer(demo, youth)
    assert sams.shared is False
    page = youth.get(demo.url("Sam", moment.id, "jongere")).get_data(as_text=True)
    assert SECRET in page and "In je gezin: alleen jij. Je ouders zien je antwoorden niet." in page
    for url in (demo.url("Sam", moment.id), f"/kind/{demo.id('Sam')}/evaluatie"):
        assert SECRET not in parent.get(url).get_data(as_text=True)
    assert sams.current.record_id not in parent.get(demo.url("Sam", moment.id)).get_data(as_text=True)
    version_url = f"/kind/{demo.id('Sam')}/evaluatie/antwoord/{sams.current.record_id}"
    assert parent.get(version_url).status_code == 404  # parents do not even learn that it exists
    assert youth.get(version_url).status_code == 200


def test_a_youth_chooses_to_show_answers_to_parents_and_can_stop_again(demo, youth, parent):
    moment, sams = _sams_answer(demo, youth)
    version_url = f"/kind/{demo.id('Sam')}/evaluatie/antwoord/{sams.current.record_id}"
    assert _share(youth, demo, moment, "1").status_code == 303
    assert "Zij zien de antwoorden die je hebt verstuurd." in youth.get(demo.url("Sam", moment.id, "jongere")).get_data(as_text=True)
    assert "Sam" in parent.get(demo.url("Sam", moment.id)).get_data(as_text=True)
    assert SECRET in parent.get(version_url).get_data(as_text=True)
    assert _share(youth, demo, moment, "0").status_code == 303
    assert parent.get(version_url).status_code == 404


def test_sharing_while_answering_shows_sent_answers_but_never_a_draft(demo, youth, parent):
    moment = demo.open_moment("Sam")
    url = demo.url("Sam", moment.id, "jongere")
    answer(youth, url, "draft", overrides={"share": "1"}, change=SECRET)
    [draft] = [r for r in demo.responses("Sam") if r.moment == moment.id and r.respondent == "youth"]
    assert draft.shared is True
    assert parent.get(f"/kind/{demo.id('Sam')}/evaluatie/antwoord/{draft.current.record_id}").status_code == 404
    assert SECRET not in parent.get(demo.url("Sam", moment.id)).get_data(as_text=True)
    answer(youth, url, "submit", overrides={"share": "1"}, **demo.complete_answers(), change=SECRET)
    sent = next(r for r in demo.responses("Sam") if r.moment == moment.id and r.respondent == "youth")
    assert SECRET in parent.get(f"/kind/{demo.id('Sam')}/evaluatie/antwoord/{sent.current.record_id}").get_data(
        as_text=True)


def test_a_parents_drafts_stay_with_the_parent_and_sent_answers_are_seen_by_the_youth(demo, youth, parent):
    moment = demo.open_moment("Sam")
    answer(parent, demo.url("Sam", moment.id, "ouder"), "draft", went_well="Nog niet af")
    [draft] = [r for r in demo.responses("Sam") if r.moment == moment.id]
    assert youth.get(f"/kind/{demo.id('Sam')}/evaluatie/antwoord/{draft.current.record_id}").status_code == 404
    answer(parent, demo.url("Sam", moment.id, "ouder"), "submit", **demo.complete_answers(), went_well="Klaar")
    page = youth.get(demo.url("Sam", moment.id)).get_data(as_text=True)
    assert "Fatima de Vries" in page


def test_a_youth_cannot_see_or_answer_a_siblings_evaluation(demo, youth):
    lotte_moment = demo.open_moment("Lotte")
    for url in (f"/kind/{demo.id('Noor')}/evaluatie", demo.url("Lotte", lotte_moment.id),
                demo.url("Lotte", lotte_moment.id, "samen-met-kind"), demo.url("Lotte", lotte_moment.id, "jongere")):
        assert youth.get(url).status_code == 403, url
    token = csrf_token(youth.get("/home").get_data(as_text=True))
    response = youth.post(demo.url("Lotte", lotte_moment.id, "ouder"),
                          data={"csrf_token": token, "client_id": str(uuid.uuid4()), "action": "submit"})
    assert response.status_code == 403
    assert "Lotte" not in youth.get("/home").get_data(as_text=True)


@pytest.mark.parametrize("who, child, slug, status", [
    ("sam", "Sam", "ouder", 403),            # a youth does not answer as a parent
    ("sam", "Sam", "samen-met-kind", 403),   # nor in the picture version
    ("fatima", "Sam", "jongere", 403),       # a parent does not answer as the youth
    ("fatima", "Sam", "samen-met-kind", 403),  # Sam is 14: he answers himself
    ("fatima", "Lotte", "samen-met-kind", 200),
    ("fatima", "Sam", "iemand", 404),
])
def test_each_person_answers_only_in_their_own_role(family_app, demo, who, child, slug, status):
    client = family_app.test_client()
    Actions(client).login(who)
    assert client.get(demo.url(child, demo.open_moment(child).id, slug)).status_code == status


def test_unknown_children_and_moments_are_not_found(demo, parent):
    assert parent.get(f"/kind/{uuid.uuid4()}/evaluatie").status_code == 404
    assert parent.get(demo.url("Sam", str(uuid.uuid4()))).status_code == 404
    lotte_moment = demo.open_moment("Lotte")
    assert parent.get(demo.url("Sam", lotte_moment.id)).status_code == 404  # a moment of another child


def test_evaluation_pages_need_a_signed_in_family_member(demo, client):
    response = client.get(f"/kind/{demo.id('Sam')}/evaluatie")
    assert response.status_code in (302, 303) and "/inloggen" in response.headers["Location"]
