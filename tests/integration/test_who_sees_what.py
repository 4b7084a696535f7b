"""Every sentence that tells a family member who can read something names exactly who can, now:
the family members, and each organisation by name with its basis, from the one consent decider.
Sam (14) is walked through every consent state of his evaluation answers."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import Actions
from tests.integration.consent_helpers import ORG, decide, family_id, may_read, person
from tests.integration.evaluation_helpers import Demo, answer
from webapp.consent.rules import Basis, InfoKind
from webapp.consent.store import record_emergency, record_legal_basis
from webapp.demo import ORGANISATIONS
from webapp.records import get_store

NAMES = {sector: name for _id, name, sector, *_rest in ORGANISATIONS}
BASIS_WORDS = {Basis.CONSENT: "met toestemming", Basis.LEGAL: "op een wettelijke grond",
               Basis.EMERGENCY: "door een noodsituatie"}


def _who_sees(html: str) -> str:
    blocks = re.findall(r'<div class="who-sees".*?</div>', html, re.S)
    assert len(blocks) == 1, "one place on the page says who sees this"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", blocks[0]))


def _told_exactly(app, html: str, child, kind: InfoKind) -> str:
    """The page names every organisation that may read, with its basis, and no other."""
    text = _who_sees(html)
    readers = []
    for sector, name in NAMES.items():
        decision = may_read(app, sector, child.id, kind)
        if decision.allowed:
            assert f"{name}, {BASIS_WORDS[decision.basis]}" in text, (sector, text)
            readers.append(sector)
        else:
            assert name not in text, (sector, text)
    if not readers:
        assert "Niemand buiten het gezin" in text
    return text


@pytest.fixture
def demo(family_app):
    return Demo(family_app)


def _sams_page(demo, youth, share: bool = False) -> str:
    moment = demo.open_moment("Sam")
    url = demo.url("Sam", moment.id, "jongere")
    if not any(r.moment == moment.id and r.respondent == "youth" and r.submitted for r in demo.responses("Sam")):
        assert answer(youth, url, "submit", overrides={"share": "1"} if share else {},
                      **demo.complete_answers()).status_code == 303
    return youth.get(url).get_data(as_text=True)


def _store(app, record, **values):
    with app.app_context():
        return record(get_store(), family_id=family_id(app), author="test", **values)


def test_sam_is_told_exactly_who_reads_his_answers_in_every_consent_state(family_app, demo, youth, parent):
    sam = person(family_app, "Sam")
    today = family_app.config["ONSPLAN"].today()
    page = _sams_page(demo, youth)
    text = _told_exactly(family_app, page, sam, InfoKind.EVALUATIONS)
    assert "In je gezin: alleen jij. Je ouders zien je antwoorden niet." in text
    assert "Alleen jij ziet je antwoorden" not in page

    # The wijkteam reads his answers with consent: both Sam (14) and a parent said yes.
    for client in (youth, parent):
        assert decide(client, sam.id, "wijkteam", "evaluaties", "yes").status_code in (303, 409)
    assert may_read(family_app, "wijkteam", sam.id, InfoKind.EVALUATIONS).allowed
    text = _told_exactly(family_app, youth.get(demo.url("Sam", demo.open_moment("Sam").id, "jongere"))
                         .get_data(as_text=True), sam, InfoKind.EVALUATIONS)
    assert "Wijkteam Oost, met toestemming" in text

    # Sam says no: from then on the wijkteam is not named, although his parent still says yes.
    assert decide(youth, sam.id, "wijkteam", "evaluaties", "no").status_code == 303
    assert not may_read(family_app, "wijkteam", sam.id, InfoKind.EVALUATIONS).allowed
    text = _told_exactly(family_app, youth.get(demo.url("Sam", demo.open_moment("Sam").id, "jongere"))
                         .get_data(as_text=True), sam, InfoKind.EVALUATIONS)
    assert "Wijkteam Oost" not in text

    # A legal ground and an emergency are named as what they are, not as consent.
    _store(family_app, record_legal_basis, child_id=sam.id, organisation_id=ORG["jgz"], organisation=NAMES["jgz"],
           kind=InfoKind.EVALUATIONS, ground="court_order", starts_on=today - timedelta(days=1),
           ends_on=today + timedelta(days=30))
    _store(family_app, record_emergency, child_id=sam.id, organisation_id=ORG["school"], organisation=NAMES["school"],
           kind=InfoKind.EVALUATIONS, reason="Zorgen over de veiligheid van Sam thuis, besproken met de ib'er.",
           professional="Tom Jansen", role="mentor", recorded_on=today)
    text = _told_exactly(family_app, youth.get(demo.url("Sam", demo.open_moment("Sam").id, "jongere"))
                         .get_data(as_text=True), sam, InfoKind.EVALUATIONS)
    assert "JGZ Regio Midden, op een wettelijke grond" in text
    assert "Het Baken College, door een noodsituatie" in text


def test_sam_is_told_when_his_parents_see_his_answers(family_app, demo, youth):
    text = _who_sees(_sams_page(demo, youth, share=True))
    assert "In je gezin: jij en je ouders. Zij zien de antwoorden die je hebt verstuurd." in text


def test_a_parent_reads_who_sees_the_plan_and_her_comment_by_name(family_app, parent):
    sam = person(family_app, "Sam")
    plan = parent.get(f"/kind/{sam.id}").get_data(as_text=True)
    text = _told_exactly(family_app, plan, sam, InfoKind.PLAN)
    assert "Wie kan dit plan zien?" in plan
    assert "In je gezin: jij, Daan de Vries en Sam." in text
    with family_app.app_context():
        from webapp.plan.queries import load_child_plan
        goal = load_child_plan(get_store(), family_id(family_app), sam.id).goals[0]
    page = parent.get(f"/kind/{sam.id}/doel/{goal.id}").get_data(as_text=True)
    assert "Wie kan je reactie lezen?" in page
    _told_exactly(family_app, page, sam, InfoKind.PLAN)


def test_a_youths_own_comment_is_judged_by_what_he_shares_of_his_own_words(family_app, youth):
    sam = person(family_app, "Sam")
    with family_app.app_context():
        from webapp.plan.queries import load_child_plan
        goal = load_child_plan(get_store(), family_id(family_app), sam.id).goals[0]
    page = youth.get(f"/kind/{sam.id}/doel/{goal.id}").get_data(as_text=True)
    text = _told_exactly(family_app, page, sam, InfoKind.YOUTH_COMMENTS)
    assert "In je gezin: jij en je ouders." in text


def test_a_family_without_a_hub_is_told_that_nobody_outside_sees_the_plan(family_app):
    from tests.conftest import add_family_account
    add_family_account(family_app, login="eva", name="Eva Bakker", family_id="new", children=(("Jesse", "2016-04-02"),))
    eva = Actions(family_app.test_client())
    eva.login("eva")
    home = eva.client.get("/home").get_data(as_text=True)
    plan_link = re.search(r'href="(/kind/[^"/]+)"', home).group(1)
    text = _who_sees(eva.client.get(plan_link).get_data(as_text=True))
    assert "In je gezin: alleen jij." in text
    assert "Niemand buiten het gezin: geen school of hulp ziet dit." in text
