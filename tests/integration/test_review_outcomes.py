"""The outcome of an evaluation moment's review waits for the family: a yes changes the goal's
status (once, however often it is sent), a no is a comment that answers it, and an answer to an
outcome that no longer waits changes nothing."""
from __future__ import annotations

import re

from tests.conftest import csrf_token
from tests.integration.consent_helpers import ORG, family_id, person
from webapp.plan.queries import load_child_plan
from webapp.records import get_store


def _review(app, child, outcome: str) -> tuple[str, str]:
    """A review outcome as it arrives from the wijkteam; returns (goal id, review id)."""
    with app.app_context():
        store = get_store()
        goal = next(g for g in load_child_plan(store, family_id(app), child.id).goals
                    if g.current.status.value in ("agreed", "active"))
        note = store.write(family_id=family_id(app), kind="review_note", author=ORG["wijkteam"], subject=child.id,
                           body={"goal": goal.id, "text": "Besproken bij de evaluatie.", "outcome": outcome,
                                 "by": {"side": "professional", "id": ORG["wijkteam"], "name": "Karin Bos"}})
    return goal.id, note.id


def _goal(app, child, goal_id):
    with app.app_context():
        return load_child_plan(get_store(), family_id(app), child.id).goal(goal_id)


def _answer_form(page: str) -> dict:
    box = page[page.index('id="uitkomst"'):]
    return {"csrf_token": csrf_token(page), "review": re.search(r'name="review" value="([^"]+)"', box).group(1),
            "client_id": re.search(r'name="client_id" value="([^"]+)"', box).group(1)}


def test_a_parent_who_does_not_agree_answers_with_a_comment_and_the_goal_stays(family_app, parent):
    sam = person(family_app, "Sam")
    goal_id, review_id = _review(family_app, sam, "stop")
    before = _goal(family_app, sam, goal_id).current.status
    page = parent.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)
    assert "Karin Bos stelt na de evaluatie voor: stoppen met dit doel." in page
    form = {**_answer_form(page), "answer": "no", "text": "Sam wil hier nog even mee doorgaan."}
    assert form["review"] == review_id
    assert parent.post(f"/kind/{sam.id}/doel/{goal_id}/uitkomst", data=form).status_code == 303
    goal = _goal(family_app, sam, goal_id)
    assert goal.current.status is before and goal.open_review is None
    reply = next(c for c in goal.comments if c.reply_to == review_id)
    assert reply.text == "Sam wil hier nog even mee doorgaan."
    assert 'id="uitkomst"' not in parent.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)


def test_an_answer_to_an_outcome_that_no_longer_waits_changes_nothing(family_app, parent):
    sam = person(family_app, "Sam")
    goal_id, _review_id = _review(family_app, sam, "reached")
    page = parent.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)
    form = _answer_form(page)
    stale = parent.post(f"/kind/{sam.id}/doel/{goal_id}/uitkomst", data={**form, "review": "made-up", "answer": "yes"})
    assert stale.status_code == 409 and "wacht niet meer op een antwoord" in stale.get_data(as_text=True)
    damaged = parent.post(f"/kind/{sam.id}/doel/{goal_id}/uitkomst", data={**form, "client_id": "x", "answer": "yes"})
    assert damaged.status_code == 422
    assert _goal(family_app, sam, goal_id).open_review is not None


def test_adjusting_after_the_evaluation_leads_to_the_changed_goal(family_app, parent):
    sam = person(family_app, "Sam")
    goal_id, _review_id = _review(family_app, sam, "adjust")
    page = parent.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)
    assert "Ja, doel bijstellen" in page
    answer = parent.post(f"/kind/{sam.id}/doel/{goal_id}/uitkomst", data={**_answer_form(page), "answer": "yes"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/doel/{goal_id}/wijzigen")
