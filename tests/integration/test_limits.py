"""One family cannot slow down everyone: limits per family and person, and long lists in pages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.conftest import csrf_token
from tests.integration.consent_helpers import ORG, count, person, text_of
from webapp.consent.rules import Basis, InfoKind
from webapp.consent.store import record_access_event
from webapp.limits import CHANGES_PER_HOUR, MAX_CHILDREN
from webapp.records import get_meta, get_store


def _family(app):
    with app.app_context():
        store = get_store()
        return store, get_meta(store.db, "demo_family")


def test_a_family_has_at_most_twenty_children(family_app, parent):
    for n in range(MAX_CHILDREN - 3):  # the demo family has three children
        page = parent.get("/gezin").get_data(as_text=True)
        assert parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": f"Kind {n}",
                                                "child-birth_date": "01-01-2015", "child-school_stage": "po"}
                           ).status_code == 303
    before = count(family_app, "person")
    page = parent.get("/gezin").get_data(as_text=True)
    response = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Nog een",
                                                "child-birth_date": "01-01-2015", "child-school_stage": "po"})
    assert response.status_code == 422
    assert "Een gezin in OnsPlan heeft ten hoogste 20 kinderen." in text_of(response)
    assert count(family_app, "person") == before


def test_a_person_who_changed_very_much_this_hour_is_asked_to_wait(family_app, parent, youth):
    sam = person(family_app, "Sam")
    fatima = person(family_app, "Fatima")
    with family_app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        for n in range(CHANGES_PER_HOUR):
            store.write(family_id=family_id, kind="comment", author=fatima.id, subject=sam.id,
                        body={"goal": None, "text": f"{n}", "by": {}})
    before = count(family_app, "comment")
    page = parent.get("/gezin").get_data(as_text=True)
    response = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mila",
                                                "child-birth_date": "01-01-2015", "child-school_stage": "po"})
    assert response.status_code == 429
    assert "Alles wat je hebt bewaard, blijft bewaard." in text_of(response)
    assert parent.get(f"/kind/{sam.id}").status_code == 200  # reading goes on
    assert count(family_app, "comment") == before
    token = csrf_token(youth.get("/gezin").get_data(as_text=True))  # another person is not limited
    assert youth.post("/taal", data={"csrf_token": token, "language": "nl"}).status_code == 303


def test_who_looked_is_shown_fifty_at_a_time_with_a_way_to_older_ones(family_app, parent):
    sam = person(family_app, "Sam")
    with family_app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        start = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
        for n in range(120):
            record_access_event(store, family_id=family_id, child_id=sam.id, organisation_id=ORG["wijkteam"],
                                organisation="Wijkteam Oost", professional=f"Karin {n:03d}", role="regisseur",
                                kind=InfoKind.PLAN, basis=Basis.CONSENT, at=start + timedelta(hours=n), author="t")
    first = text_of(parent.get("/wie-keek-mee"))
    looked = first[first.index('<ol class="record-list">'):first.index("</ol>")]
    assert looked.count('<li class="card">') == 50
    assert "Pagina 1 van 3" in first and "Karin 119" in first and "Karin 000" not in first
    last = text_of(parent.get("/wie-keek-mee?pagina=3"))
    assert "Karin 000" in last and "Pagina 3 van 3" in last
    assert parent.get("/wie-keek-mee?pagina=abc").status_code == 200  # an odd page number is page 1


def test_a_goal_shows_its_newest_thirty_comments_and_links_to_older_ones(family_app, parent):
    sam = person(family_app, "Sam")
    store, family_id = _family(family_app)
    with family_app.app_context():
        store = get_store()
        goal = store.current(family_id, ["goal"], subject=sam.id)[0]
        for n in range(45):
            store.write(family_id=family_id, kind="comment", author="t", subject=sam.id,
                        body={"goal": goal.item, "text": f"Reactie nummer {n:02d}", "by": {"name": "Karin"}})
    page = text_of(parent.get(f"/kind/{sam.id}/doel/{goal.item}"))
    assert "Reactie nummer 44" in page and "Reactie nummer 15" in page and "Reactie nummer 14" not in page
    assert page.index("Reactie nummer 15") < page.index("Reactie nummer 44")  # a page reads as a conversation
    older = text_of(parent.get(f"/kind/{sam.id}/doel/{goal.item}?reacties=2"))
    assert "Reactie nummer 00" in older and "Reactie nummer 14" in older and "Reactie nummer 44" not in older


def test_stopping_to_share_is_never_refused_by_the_change_limit_but_a_new_yes_is(family_app, parent):
    from tests.integration.consent_helpers import decide, may_read

    lotte, fatima = person(family_app, "Lotte"), person(family_app, "Fatima")
    assert may_read(family_app, "school", lotte.id, InfoKind.PLAN).allowed  # Fatima said yes in the demo
    store, family_id = _family(family_app)
    with family_app.app_context():
        store = get_store()
        for n in range(CHANGES_PER_HOUR):
            store.write(family_id=family_id, kind="comment", author=fatima.id, subject=lotte.id,
                        body={"goal": None, "text": f"{n}", "by": {}})
    assert decide(parent, lotte.id, "school", "plan", "no").status_code == 303
    assert not may_read(family_app, "school", lotte.id, InfoKind.PLAN).allowed
    # A second no takes back nothing: the limit applies again, and so to a new yes.
    assert decide(parent, lotte.id, "school", "plan", "no").status_code == 429
    assert decide(parent, lotte.id, "school", "plan", "yes").status_code == 429
    assert not may_read(family_app, "school", lotte.id, InfoKind.PLAN).allowed
