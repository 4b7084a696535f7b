"""The hub's workplace shows a professional only the children whose families share with their
organisation, reads through the one helper (every read logged), and sends proposals back."""
from __future__ import annotations

import re

import pytest

from tests.conftest import Actions, csrf_token
from tests.integration.sync_helpers import ORG, record_grounds, start_roles
from webapp.db import connect
from webapp.plan.queries import load_child_plan
from webapp.records import get_store


def _reads(hub_app) -> int:
    db = connect(hub_app.config["ONSPLAN"].database_path)
    return db.execute("SELECT COUNT(*) FROM read_events").fetchone()[0]


def _child_links(page: str) -> list[str]:
    return re.findall(r'href="(/werkplek/kind/[^"]+)"', page)


def test_the_regisseur_sees_the_children_whose_family_shares_with_the_wijkteam(coordinator, hub_app):
    page = coordinator.get("/werkplek").get_data(as_text=True)
    assert {name for name in ("Lotte", "Sam", "Noor") if f">{name}</a>" in page} == {"Lotte", "Sam", "Noor"}
    assert "Geboren in" in page
    assert _reads(hub_app) >= 3  # opening the cards is a read too


def test_an_organisation_the_family_shares_nothing_with_sees_no_child_and_gets_404(outsider, coordinator):
    page = outsider.get("/werkplek").get_data(as_text=True)
    assert _child_links(page) == []
    assert "Er is nog geen gezin dat iets deelt met jouw organisatie." in page
    for link in _child_links(coordinator.get("/werkplek").get_data(as_text=True)):
        response = outsider.get(link)
        assert response.status_code == 404
        assert "Sam" not in response.get_data(as_text=True) and "Lotte" not in response.get_data(as_text=True)


def test_a_childs_page_shows_the_shared_goals_and_says_what_is_not_shared(coordinator):
    page = coordinator.get("/werkplek").get_data(as_text=True)
    sam = next(link for link in _child_links(page) if ">Sam</a>" in page.split(link)[1][:120])
    child = coordinator.get(sam).get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", child, re.S).group(1)
    assert title.startswith("Plan van Sam") and "<" not in title and "&lt;" not in title
    assert child.count('id="feedback"') == 1 and child.count('id="grounds"') == 1  # each form once
    assert "Plan en doelen: gedeeld" in child
    assert "Sam slaapt door de week vóór 23.00 uur." in child
    assert "Reacties van de jongere: niet gedeeld" in child


def test_the_mentor_sees_only_the_plans_the_family_shares_with_the_school(partner):
    page = partner.get("/werkplek").get_data(as_text=True)
    # The demo family shares the plans of all three children with the school (Fatima decided).
    assert {name for name in ("Lotte", "Sam", "Noor") if f">{name}</a>" in page} == {"Lotte", "Sam", "Noor"}


def test_only_a_regisseur_can_invite_a_family(coordinator, partner):
    assert partner.get("/werkplek/uitnodigen").status_code == 403
    page = coordinator.get("/werkplek/uitnodigen").get_data(as_text=True)
    made = coordinator.post("/werkplek/uitnodigen", data={"csrf_token": csrf_token(page)})
    assert made.status_code == 200
    assert re.search(r'id="invitation-code"[^>]*>[A-Z2-9]{4}(-[A-Z2-9]{4}){3}<', made.get_data(as_text=True))
    # A code of my organisation can be stopped by a regisseur, not by a colleague of another role
    # or organisation; one that does not exist is a 404.
    db = coordinator.application.config["ONSPLAN"].database_path
    invitation_id = connect(db).execute("SELECT id FROM enrolment_invitations ORDER BY created_at DESC, rowid DESC"
                                        " LIMIT 1").fetchone()[0]
    token = csrf_token(page)
    partner_token = csrf_token(partner.get("/werkplek").get_data(as_text=True))
    assert partner.post(f"/werkplek/uitnodigen/{invitation_id}/intrekken",
                        data={"csrf_token": partner_token}).status_code == 403
    assert coordinator.post("/werkplek/uitnodigen/made-up/intrekken", data={"csrf_token": token}).status_code == 404
    stopped = coordinator.post(f"/werkplek/uitnodigen/{invitation_id}/intrekken", data={"csrf_token": token})
    assert stopped.status_code == 303
    assert "Werkt niet meer." in coordinator.get("/werkplek/uitnodigen").get_data(as_text=True)
    # Sent again (a double tap): it no longer works, as the first answer said; nothing else changes.
    assert coordinator.post(f"/werkplek/uitnodigen/{invitation_id}/intrekken", data={"csrf_token": token}).status_code == 303


@pytest.fixture
def roles(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    yield roles
    roles.stop()


def test_a_goal_proposed_in_the_workplace_reaches_the_familys_plan(roles):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    sam = roles.child("Sam")
    link = f"/werkplek/kind/{roles.family_id}/{sam.id}"
    form = client.get(link).get_data(as_text=True)
    client_id = re.search(r'name="client_id"[^>]*value="([^"]+)"', form).group(1)
    empty = client.post(link, data={"csrf_token": csrf_token(form), "client_id": client_id, "life_domain": "school",
                                    "title": ""})
    assert empty.status_code == 422 and "Beschrijf wat er bereikt moet worden." in empty.get_data(as_text=True)
    data = {"csrf_token": csrf_token(form), "client_id": client_id, "life_domain": "school",
            "title": "Sam leert plannen met een weekrooster.", "strengths": "Sam houdt van overzicht."}
    assert client.post(link, data=data).status_code == 303
    assert client.post(link, data=data).status_code == 303  # sent twice: proposed once
    roles.sync()
    with roles.family.app_context():
        plan = load_child_plan(get_store(), roles.family_id, sam.id)
        proposed = [g for g in plan.goals if g.current.title == "Sam leert plannen met een weekrooster."]
    assert len(proposed) == 1 and proposed[0].id == client_id
    proposer = proposed[0].versions[0].changed_by
    assert (proposer.side, proposer.id, proposer.name) == ("professional", ORG["wijkteam"],
                                                          "Karin Bos (Wijkteam Oost)")
    # The regisseur's own proposal is agreed on the regisseur's side without a second click:
    # once Fatima agrees, the goal is agreed.
    assert [(a.agreement.side, a.name) for a in proposed[0].agreements_for()] == [("regisseur", "Karin Bos (Wijkteam Oost)")]
    fatima = roles.family.test_client()
    Actions(fatima).login("fatima")
    goal_page = fatima.get(f"/kind/{sam.id}/doel/{client_id}").get_data(as_text=True)
    waiting = re.search(r"We wachten nog op:([^<]*)", goal_page)
    assert waiting is not None and "regisseur" not in waiting.group(1)  # only the family's side waits
    assert fatima.post(f"/kind/{sam.id}/doel/{client_id}/akkoord",
                       data={"csrf_token": csrf_token(goal_page)}).status_code == 303
    with roles.family.app_context():
        goal = load_child_plan(get_store(), roles.family_id, sam.id).goal(client_id)
    assert goal.current.status.value == "agreed"


def _noor_page(client, roles):
    noor = roles.child("Noor")
    link = f"/werkplek/kind/{roles.family_id}/{noor.id}"
    return link, client.get(link).get_data(as_text=True)


def test_a_legal_ground_waits_on_the_hub_until_the_family_space_has_it_and_then_opens(roles):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    link, page = _noor_page(client, roles)
    assert "Reacties van de jongere: niet gedeeld" in page
    token = csrf_token(page)
    client_id = re.search(r'name="basis-client_id"[^>]*value="([^"]+)"', page).group(1)
    missing = client.post(link + "/wettelijke-grond", data={
        "basis-csrf_token": token, "basis-client_id": client_id, "basis-kind": "youth_comments",
        "basis-ground": "court_order", "basis-source": "", "basis-starts_on": "31-02-2026"})
    assert missing.status_code == 422
    body = missing.get_data(as_text=True)
    assert "Zeg waar de wettelijke grond vandaan komt." in body and "Vul een datum in" in body
    sent = {"basis-csrf_token": token, "basis-client_id": client_id, "basis-kind": "youth_comments",
            "basis-ground": "court_order", "basis-source": "Beschikking rechtbank Midden, 12-11-2026",
            "basis-starts_on": "12-11-2026"}
    assert client.post(link + "/wettelijke-grond", data=sent).status_code == 303
    assert client.post(link + "/wettelijke-grond", data=sent).status_code == 303  # sent twice: recorded once
    assert roles.hub_db().execute("SELECT COUNT(*) FROM recorded_bases").fetchone()[0] == 1
    _link, page = _noor_page(client, roles)
    assert "Wacht op de gezinsomgeving; nog niet van kracht." in page
    assert "Reacties van de jongere: niet gedeeld" in page
    roles.sync()
    _link, page = _noor_page(client, roles)
    assert "Van kracht." in page and "Beschikking rechtbank Midden" in page
    assert "Reacties van de jongere: gedeeld" in page
    assert roles.may_read(ORG["wijkteam"], roles.child("Noor").id, "youth_comments")


def test_an_emergency_needs_a_written_reason(roles):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    link, page = _noor_page(client, roles)
    response = client.post(link + "/noodsituatie", data={
        "emergency-csrf_token": csrf_token(page), "emergency-kind": "evaluations", "emergency-reason": "  "})
    assert response.status_code == 422
    assert "Schrijf eerst de reden op." in response.get_data(as_text=True)
    assert roles.hub_db().execute("SELECT COUNT(*) FROM recorded_bases").fetchone()[0] == 0
    reason = "Melding van school over mogelijk onveilige thuissituatie; overleg met Veilig Thuis nodig."
    assert client.post(link + "/noodsituatie", data={
        "emergency-csrf_token": csrf_token(page), "emergency-kind": "evaluations",
        "emergency-reason": reason}).status_code == 303
    roles.sync()
    assert roles.may_read(ORG["wijkteam"], roles.child("Noor").id, "evaluations")


def test_audit_verify_finds_the_first_changed_or_removed_read(coordinator, hub_app):
    from sync.hub import verify_read_log

    coordinator.get("/werkplek")
    for link in _child_links(coordinator.get("/werkplek").get_data(as_text=True)):
        coordinator.get(link)
    db = connect(hub_app.config["ONSPLAN"].database_path)
    checked, broken = verify_read_log(db)
    assert broken is None and checked > 10
    seqs = [row[0] for row in db.execute("SELECT seq FROM read_events ORDER BY seq").fetchall()]
    db.execute("UPDATE read_events SET professional_id = 'someone-else' WHERE seq = ?", [seqs[5]])
    assert verify_read_log(db) == (5, seqs[5])
    db.execute("UPDATE read_events SET professional_id = (SELECT professional_id FROM read_events WHERE seq = ?)"
               " WHERE seq = ?", [seqs[4], seqs[5]])
    assert verify_read_log(db)[1] is None
    db.execute("DELETE FROM read_events WHERE seq = ?", [seqs[7]])
    assert verify_read_log(db) == (7, seqs[8])


def test_the_audit_verify_command_says_whole_or_broken(hub_app, coordinator):
    import os
    import secrets
    import subprocess
    import sys

    coordinator.get("/werkplek")
    config = hub_app.config["ONSPLAN"]
    env = {**os.environ, "ONSPLAN_DATA_DIR": str(config.data_dir), "ONSPLAN_SECRET_KEY": secrets.token_urlsafe(40)}
    whole = subprocess.run([sys.executable, "-m", "webapp.cli", "audit-verify"], env=env, capture_output=True,
                           text=True)
    assert whole.returncode == 0 and "The read log is whole" in whole.stdout
    connect(config.database_path).execute("UPDATE read_events SET category = 'plan' WHERE seq = "
                                          "(SELECT MIN(seq) FROM read_events)")
    broken = subprocess.run([sys.executable, "-m", "webapp.cli", "audit-verify"], env=env, capture_output=True,
                            text=True)
    assert broken.returncode != 0 and "broken at event" in broken.stderr


def _karin_on(roles, first_name: str):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    child = roles.child(first_name)
    link = f"/werkplek/kind/{roles.family_id}/{child.id}"
    return client, link, client.get(link).get_data(as_text=True), child


def _client_id(page: str, prefix: str) -> str:
    return re.search(rf'name="{prefix}-client_id"[^>]*value="([^"]+)"', page).group(1)


def test_feedback_an_afspraak_and_an_evaluation_moment_from_the_hub_reach_the_family(roles):
    client, link, page, sam = _karin_on(roles, "Sam")
    token = csrf_token(page)
    goal_id = re.search(r'<option value="([0-9a-f-]{36})">Sam slaapt', page).group(1)
    empty = client.post(link + "/terugkoppeling", data={"note-csrf_token": token, "note-client_id": _client_id(
        page, "note"), "note-goal": goal_id, "note-text": " "})
    assert empty.status_code == 422 and "Schrijf eerst je terugkoppeling." in empty.get_data(as_text=True)
    assert client.post(link + "/terugkoppeling", data={
        "note-csrf_token": token, "note-client_id": _client_id(page, "note"), "note-goal": goal_id,
        "note-text": "Sam vertelde dat het slaapdagboek helpt."}).status_code == 303
    late = client.post(link + "/afspraak", data={
        "afspraak-csrf_token": token, "afspraak-client_id": _client_id(page, "afspraak"),
        "afspraak-what": "Te laat", "afspraak-due": "01-01-2020"})
    assert late.status_code == 422 and "Kies een datum vanaf vandaag." in late.get_data(as_text=True)
    assert client.post(link + "/afspraak", data={
        "afspraak-csrf_token": token, "afspraak-client_id": _client_id(page, "afspraak"),
        "afspraak-what": "Karin belt de huisarts over de slaapproblemen.", "afspraak-due": "31-12-2027",
        "afspraak-goal": goal_id}).status_code == 303
    past = client.post(link + "/evaluatiemoment", data={
        "moment-csrf_token": token, "moment-client_id": _client_id(page, "moment"), "moment-on": "01-01-2020",
        "moment-title": "Evaluatie"})
    assert past.status_code == 422 and "Kies een datum vanaf vandaag." in past.get_data(as_text=True)
    assert client.post(link + "/evaluatiemoment", data={
        "moment-csrf_token": token, "moment-client_id": _client_id(page, "moment"), "moment-on": "15-01-2031",
        "moment-title": "Tweede evaluatie", "moment-goals": [goal_id]}).status_code == 303
    roles.sync()
    with roles.family.app_context():
        plan = load_child_plan(get_store(), roles.family_id, sam.id)
    goal = plan.goal(goal_id)
    assert any(c.text == "Sam vertelde dat het slaapdagboek helpt." and c.is_review_note for c in goal.comments)
    afspraak = next(a for a in plan.afspraken if a.what == "Karin belt de huisarts over de slaapproblemen.")
    assert afspraak.who_kind == "organisation" and afspraak.goal == goal_id and afspraak.due.year == 2027
    moment = next(m for m in plan.moments if m.title == "Tweede evaluatie")
    assert moment.goals == (goal_id,) and moment.on.isoformat() == "2031-01-15"


def test_the_regisseurs_agreement_from_the_hub_makes_a_goal_agreed_in_the_family_space(roles):
    client, link, page, lotte = _karin_on(roles, "Lotte")
    with roles.family.app_context():
        store = get_store()
        from webapp.people.members import family_members
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        from webapp.plan.queries import PlanWriter
        goal_id = PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}
                             ).propose_goal(lotte.id, life_domain="leisure", title="Lotte gaat op zwemles.",
                                            strengths="Lotte houdt van water.", gas=None)
        goal = load_child_plan(store, roles.family_id, lotte.id).goal(goal_id)
        PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}).agree(
            goal, role="parent", side="family", today=roles.family.config["ONSPLAN"].today(),
            child_birth=lotte.birth_date)
    roles.sync()
    page = client.get(link).get_data(as_text=True)
    assert "Lotte gaat op zwemles." in page
    stale = client.post(f"{link}/doel/{goal_id}/akkoord", data={"csrf_token": csrf_token(page), "version": "7"})
    assert stale.status_code == 303
    assert client.post(f"{link}/doel/{goal_id}/akkoord", data={"csrf_token": csrf_token(page),
                                                                "version": "1"}).status_code == 303
    roles.sync()
    with roles.family.app_context():
        status = load_child_plan(get_store(), roles.family_id, lotte.id).goal(goal_id).current.status
    assert status.value == "agreed"
    tom = roles.hub.test_client()
    Actions(tom).professional_login(roles.hub, "tom")
    assert tom.post(f"{link}/doel/{goal_id}/akkoord", data={"csrf_token": csrf_token(
        tom.get(link).get_data(as_text=True)), "version": "1"}).status_code == 403


def test_an_evaluation_moment_on_the_hub_shows_shared_answers_and_the_review_reaches_the_family(roles):
    from webapp.consent.rules import DeciderRole, InfoKind
    from webapp.consent.store import latest_decision_id, load_consent_facts, record_decision

    client, link, page, sam = _karin_on(roles, "Sam")
    moment_link = re.search(r'href="(/werkplek/kind/[^"]+/evaluatie/[^"]+)">[^<]*Tussenevaluatie', page).group(1)
    moment = client.get(moment_link).get_data(as_text=True)
    assert "Het gezin deelt de antwoorden bij evaluaties niet met jouw organisatie: niet gedeeld." in moment
    # Sam (14) agrees too: from now on the wijkteam may read his evaluation answers.
    with roles.family.app_context():
        store = get_store()
        facts = load_consent_facts(store, roles.family_id)
        record_decision(store, family_id=roles.family_id, child_id=sam.id, organisation_id=ORG["wijkteam"],
                        organisation="Wijkteam Oost", kind=InfoKind.EVALUATIONS, person_id=sam.id,
                        role=DeciderRole.YOUTH, granted=True, decided_on=roles.family.config["ONSPLAN"].today(),
                        based_on=latest_decision_id(facts, sam.id, ORG["wijkteam"], InfoKind.EVALUATIONS, sam.id))
    roles.sync()
    moment = client.get(moment_link).get_data(as_text=True)
    assert "Antwoorden van Fatima de Vries" in moment and "Antwoorden van Sam" in moment
    assert "<svg" in moment  # progress over time
    goal_id = re.search(r'id="goal-([0-9a-f-]{36})"[^>]*>\s*<h3[^>]*>Sam slaapt', moment).group(1)
    prefix = f"review-{goal_id[:8]}"
    form = {f"{prefix}-csrf_token": csrf_token(moment), f"{prefix}-client_id": _client_id(moment, prefix),
            f"{prefix}-goal": goal_id, f"{prefix}-outcome": "reached"}
    empty = client.post(f"{moment_link}/doel/{goal_id}", data={**form, f"{prefix}-text": ""})
    assert empty.status_code == 422 and "Schrijf op wat jullie hebben afgesproken." in empty.get_data(as_text=True)
    assert client.post(f"{moment_link}/doel/{goal_id}", data={
        **form, f"{prefix}-text": "Sam slaapt nu bijna elke avond op tijd."}).status_code == 303
    tom = roles.hub.test_client()
    Actions(tom).professional_login(roles.hub, "tom")
    tom_page = tom.get(moment_link).get_data(as_text=True)
    assert "Dit moment afsluiten" not in tom_page
    assert tom.post(moment_link + "/afsluiten", data={"csrf_token": csrf_token(tom_page)}).status_code == 403
    assert client.post(moment_link + "/afsluiten", data={"csrf_token": csrf_token(moment), "closing": "y"}
                       ).status_code == 303
    roles.sync()
    with roles.family.app_context():
        plan = load_child_plan(get_store(), roles.family_id, sam.id)
    closed = next(m for m in plan.moments if m.title == "Tussenevaluatie")
    assert closed.closed and closed.closing
    review = next(c for c in plan.goal(goal_id).comments if c.outcome)
    assert (review.outcome, review.text) == ("reached", "Sam slaapt nu bijna elke avond op tijd.")
    family = roles.family.test_client()
    Actions(family).login("fatima")
    goal_page = family.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)
    assert "Uitkomst van de evaluatie: Bereikt" in goal_page
    assert "Karin Bos (Wijkteam Oost) stelt na de evaluatie voor: dit doel is bereikt." in goal_page
    home = family.get("/home").get_data(as_text=True)
    assert "Uitkomst van de evaluatie die wacht op je antwoord:" in home
    waiting = client.get(moment_link).get_data(as_text=True)
    assert "Wacht op het gezin" in waiting

    # Fatima agrees (twice, as a double tap on a slow connection does): one yes. Sam (14) decides
    # about a health goal too, so the goal changes with his yes, like any change of this goal.
    review_id = re.search(r'name="review" value="([^"]+)"', goal_page).group(1)
    client_id = re.search(r'name="client_id" value="([^"]+)"', goal_page[goal_page.index('id="uitkomst"'):]).group(1)
    answer = {"csrf_token": csrf_token(goal_page), "review": review_id, "client_id": client_id, "answer": "yes"}
    for _ in range(2):
        assert family.post(f"/kind/{sam.id}/doel/{goal_id}/uitkomst", data=answer).status_code == 303
    with roles.family.app_context():
        goal = load_child_plan(get_store(), roles.family_id, sam.id).goal(goal_id)
    assert goal.current.status.value == "active" and len(goal.agreed_to_outcome(goal.open_review)) == 1
    page = family.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)
    assert "We wachten nog op: de jongere." in page and "Je bent akkoord." in page
    roles.sync()  # the hub says who agreed and who is still awaited (it knows no birth dates)
    assert "Fatima de Vries ging akkoord. We wachten nog op: de jongere." in client.get(moment_link).get_data(
        as_text=True)
    youth = roles.family.test_client()
    Actions(youth).login("sam")
    sams_page = youth.get(f"/kind/{sam.id}/doel/{goal_id}").get_data(as_text=True)
    assert "Fatima de Vries was akkoord op" in sams_page
    box = sams_page[sams_page.index('id="uitkomst"'):]
    assert youth.post(f"/kind/{sam.id}/doel/{goal_id}/uitkomst", data={
        "csrf_token": csrf_token(sams_page), "review": review_id, "answer": "yes",
        "client_id": re.search(r'name="client_id" value="([^"]+)"', box).group(1)}).status_code == 303
    with roles.family.app_context():
        goal = load_child_plan(get_store(), roles.family_id, sam.id).goal(goal_id)
    assert goal.current.status.value == "reached"
    assert [v.status.value for v in goal.versions if v.outcome_of == review_id] == ["reached"]
    assert goal.open_review is None
    assert "Uitkomst van de evaluatie die wacht op je antwoord:" not in family.get("/home").get_data(as_text=True)
    roles.sync()
    assert "Het gezin ging akkoord" in client.get(moment_link).get_data(as_text=True)
    child_page = client.get(link).get_data(as_text=True)
    goal_card = child_page[child_page.index("Sam slaapt"):][:600]
    assert "bereikt" in goal_card.lower()


def test_the_caseload_searches_by_first_name_and_counts_what_is_new_since_the_last_visit(roles):
    client, link, _page, sam = _karin_on(roles, "Sam")  # opening Sam's page is a visit
    found = client.get("/werkplek?zoek=SA").get_data(as_text=True)
    assert ">Sam</a>" in found and ">Lotte</a>" not in found and ">Noor</a>" not in found
    assert "Er is geen kind met een voornaam zoals" in client.get("/werkplek?zoek=xyz").get_data(as_text=True)
    assert "Nieuw sinds je vorige bezoek" not in client.get("/werkplek?zoek=Sam").get_data(as_text=True)
    with roles.family.app_context():
        store = get_store()
        from webapp.people.members import family_members
        from webapp.plan.queries import PlanWriter
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        writer = PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name})
        for text in ("Sam sliep goed deze week.", "De huisarts belt terug."):
            writer.comment(sam.id, goal_id=None, text=text, by_youth=False, question=False)
    roles.sync()
    assert "Nieuw sinds je vorige bezoek: 2" in client.get("/werkplek?zoek=Sam").get_data(as_text=True)
    client.get(link)
    assert "Nieuw sinds je vorige bezoek" not in client.get("/werkplek?zoek=Sam").get_data(as_text=True)


def test_a_cached_key_leaves_memory_and_stops_working_when_the_wrap_is_deleted(roles):
    from sync.cache import HubCache
    from sync.hub import NotShared, Reader, open_for_organisation
    from sync.keyring import KeyRing
    from tests.integration.sync_helpers import withdraw
    from webapp.consent.rules import InfoKind
    from webapp.db import get_db
    from webapp.records import clock

    roles.sync()
    sam, school = roles.child("Sam"), ORG["school"]
    envelope_id, key_ref = roles.hub_db().execute(
        "SELECT e.id, e.key_ref FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref AND w.recipient = ?"
        " WHERE e.subject = ? AND e.category = 'plan' LIMIT 1", [school, sam.id]).fetchone()
    cache = HubCache()
    roles.hub.extensions["onsplan.hub_cache"] = cache  # the cache the hub's push endpoint uses
    tom = Reader("tom", school, "Tom Jansen", "mentor")
    with roles.hub.app_context():
        ring = KeyRing(get_db(), roles.hub.extensions["onsplan.node_key"])
        assert open_for_organisation(get_db(), ring, clock(), tom, envelope_id, cache).subject == sam.id
    assert any(entry[0] == school and entry[1] == key_ref for entry in cache._keys)
    mentor = roles.hub.test_client()
    assert Actions(mentor).professional_login(roles.hub, "tom").status_code == 303
    assert _card_of(mentor.get("/werkplek").get_data(as_text=True), "Sam")  # works out Sam's plan summary

    def summaries_of_sam() -> list:
        return [refs for (organisation, key), (refs, _value) in cache._derived.items()
                if organisation == school and key[2] == sam.id]

    assert summaries_of_sam() and all(key_ref in refs for refs in summaries_of_sam())
    withdraw(roles, sam, school, InfoKind.PLAN)
    roles.sync()
    assert not any(entry[0] == school and entry[1] == key_ref for entry in cache._keys)
    assert summaries_of_sam() == []  # what was worked out from Sam's plan left memory with the key
    # The school held only Sam's plan: Sam leaves the mentor's caseload.
    assert _card_of(mentor.get("/werkplek").get_data(as_text=True), "Sam") == ""
    with roles.hub.app_context():
        with pytest.raises(NotShared):
            open_for_organisation(get_db(), ring, clock(), tom, envelope_id, cache)


def test_the_organisations_admin_is_alerted_when_a_colleague_records_an_emergency(roles):
    from webapp.auth.professionals import add_professional
    from webapp.db import get_db

    with roles.hub.app_context():
        _pid, secret = add_professional(get_db(), roles.hub.extensions["onsplan.node_key"],
                                        organisation_id=ORG["wijkteam"], login="piet", name="Piet Smit",
                                        role_title="jeugdhulpverlener", password="piet zijn lange wachtwoord")
    piet = roles.hub.test_client()
    actions = Actions(piet)
    actions.post_form("/inloggen", login="piet", password="piet zijn lange wachtwoord")
    import pyotp
    assert actions.post_form("/inloggen/code", code=pyotp.TOTP(secret).now()).status_code == 303
    noor = roles.child("Noor")
    link = f"/werkplek/kind/{roles.family_id}/{noor.id}"
    page = piet.get(link).get_data(as_text=True)
    assert "Voor de beheerder" not in piet.get("/werkplek").get_data(as_text=True)  # Piet is not the admin
    reason = "Noor vertelde op school over geweld thuis; overleg met Veilig Thuis is nodig."
    assert piet.post(link + "/noodsituatie", data={"emergency-csrf_token": csrf_token(page),
                                                   "emergency-kind": "evaluations",
                                                   "emergency-reason": reason}).status_code == 303
    karin, _link, _page, _noor = _karin_on(roles, "Lotte")
    workplace = karin.get("/werkplek").get_data(as_text=True)
    assert "Voor de beheerder: wettelijke gronden en noodsituaties" in workplace
    assert "Piet Smit legde een noodsituatie vast voor Antwoorden bij evaluaties" in workplace
    assert "Wacht op de gezinsomgeving" in workplace
    roles.sync()
    assert "Van kracht." in karin.get("/werkplek").get_data(as_text=True)
    tom = roles.hub.test_client()
    Actions(tom).professional_login(roles.hub, "tom")
    assert "Voor de beheerder" not in tom.get("/werkplek").get_data(as_text=True)


def _card_of(page: str, first_name: str) -> str:
    """The caseload card of one child (its list item), or '' when the child is not on the page."""
    return next((card for card in page.split('<li class="card">')[1:] if f">{first_name}</a>" in card), "")


def _waiting(client, first_name: str) -> int:
    found = re.search(r"Voorstellen die wachten op het gezin: (\d+)",
                      _card_of(client.get("/werkplek").get_data(as_text=True), first_name))
    return int(found.group(1)) if found else 0


def test_the_caseload_shows_the_next_evaluation_and_the_proposals_waiting_for_the_family(roles):
    client, link, page, sam = _karin_on(roles, "Sam")
    waiting = _waiting(client, "Sam")
    proposal = {"csrf_token": csrf_token(page), "client_id": re.search(
        r'name="client_id"[^>]*value="([^"]+)"', page).group(1), "life_domain": "school",
                "title": "Sam leert plannen met een weekrooster.", "strengths": ""}
    assert client.post(link, data=proposal).status_code == 303
    assert client.post(link + "/evaluatiemoment", data={
        "moment-csrf_token": csrf_token(page), "moment-client_id": _client_id(page, "moment"),
        "moment-on": "15-01-2031", "moment-title": "Evaluatie"}).status_code == 303
    roles.sync()
    with roles.family.app_context():
        today = roles.family.config["ONSPLAN"].today()
        plan = load_child_plan(get_store(), roles.family_id, sam.id)
    upcoming = min(m.on for m in plan.moments if not m.closed and m.on >= today)
    card = _card_of(client.get("/werkplek").get_data(as_text=True), "Sam")
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]
    assert f"Volgende evaluatie: {upcoming.day} {months[upcoming.month - 1]} {upcoming.year}" in card
    assert _waiting(client, "Sam") == waiting + 1
    with roles.family.app_context():
        store = get_store()
        from webapp.people.members import family_members
        from webapp.plan.queries import PlanWriter
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        goal = load_child_plan(store, roles.family_id, sam.id).goal(proposal["client_id"])
        PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}).agree(
            goal, role="parent", side="family", today=today, child_birth=sam.birth_date)
    roles.sync()
    assert _waiting(client, "Sam") == waiting


def test_the_caseload_shows_a_page_of_children_and_logs_only_the_cards_on_it(roles, monkeypatch):
    from webapp.workplace import queries

    monkeypatch.setattr(queries, "CASELOAD_PAGE_SIZE", 2)
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    db = roles.hub_db()
    before = db.execute("SELECT COUNT(*) FROM read_events WHERE category = 'card'").fetchone()[0]
    first = client.get("/werkplek").get_data(as_text=True)
    assert [name for name in ("Lotte", "Noor", "Sam") if _card_of(first, name)] == ["Lotte", "Noor"]
    assert "3 kinderen" in first and "Pagina 1 van 2" in first and "Volgende pagina" in first
    assert db.execute("SELECT COUNT(*) FROM read_events WHERE category = 'card'").fetchone()[0] == before + 2
    second = client.get("/werkplek?pagina=2").get_data(as_text=True)
    assert [name for name in ("Lotte", "Noor", "Sam") if _card_of(second, name)] == ["Sam"]
    assert "Vorige pagina" in second and "Volgende pagina" not in second
    assert _card_of(client.get("/werkplek?pagina=99").get_data(as_text=True), "Sam")  # past the end: the last page
    assert _card_of(client.get("/werkplek?pagina=abc").get_data(as_text=True), "Lotte")  # no number: the first
    found = client.get("/werkplek?zoek=a").get_data(as_text=True)  # Sam only ("Lotte" and "Noor" have no a)
    assert "1 kind" in found and _card_of(found, "Sam") and "Pagina 1 van" not in found


def test_each_read_is_logged_with_the_role_and_the_basis_once_per_child_and_kind(roles):
    client, link, _page, sam = _karin_on(roles, "Sam")
    db = roles.hub_db()
    before = db.execute("SELECT MAX(seq) FROM read_events").fetchone()[0]
    assert client.get(link).status_code == 200
    rows = db.execute("SELECT professional_id, organisation_id, role, subject, category, basis, records"
                      " FROM read_events WHERE seq > ? ORDER BY seq", [before]).fetchall()
    assert {row[4] for row in rows} == {"card", "plan"}
    assert len({row[0] for row in rows}) == 1  # Karin
    assert {row[1:4] + (row[5],) for row in rows} == {(ORG["wijkteam"], "regisseur", sam.id, "consent")}
    plan_reads = [row for row in rows if row[4] == "plan"]
    assert len(plan_reads) == 1 and plan_reads[0][6] > 1  # the whole plan in one event that counts its records


def test_a_read_on_a_legal_ground_is_logged_with_that_basis(roles):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    link, page = _noor_page(client, roles)
    assert client.post(link + "/wettelijke-grond", data={
        "basis-csrf_token": csrf_token(page), "basis-client_id": _client_id(page, "basis"),
        "basis-kind": "youth_comments", "basis-ground": "court_order",
        "basis-source": "Beschikking rechtbank Midden, 12-11-2026", "basis-starts_on": "12-11-2026"}).status_code == 303
    roles.sync()
    noor = roles.child("Noor")
    with roles.family.app_context():
        store = get_store()
        from webapp.people.members import family_members
        from webapp.plan.queries import PlanWriter
        noor_person = next(p for p in family_members(store, roles.family_id) if p.id == noor.id)
        PlanWriter(store, roles.family_id, {"side": "family", "id": noor_person.id, "name": noor_person.name}
                   ).comment(noor.id, goal_id=None, text="Ik wil zelf kiezen wanneer ik ga sporten.",
                             by_youth=True, question=False)
    roles.sync()
    _link, page = _noor_page(client, roles)
    bases = dict(roles.hub_db().execute(
        "SELECT category, basis FROM read_events WHERE subject = ? AND role = 'regisseur'"
        " AND category IN ('plan', 'youth_comments') ORDER BY seq", [noor.id]).fetchall())
    assert bases == {"plan": "consent", "youth_comments": "legal"}
    assert "Noor (de jongere):" in page and "Ik wil zelf kiezen wanneer ik ga sporten." in page


def test_a_read_log_from_before_the_upgrade_still_checks_and_goes_on_with_role_and_basis(tmp_path):
    from sync.hub import FIRST_READ_EVENT_FIELDS, GENESIS, Reader, _event_hash, _log_reads, verify_read_log
    from sync.record import Record
    from tests.conftest import make_app
    from webapp.crypto import load_or_create_node_key
    from webapp.db import migrate, utcnow
    from webapp.migrations import MIGRATIONS

    app = make_app("hub", tmp_path / "hub")  # makes the folder and the node key
    path = app.config["ONSPLAN"].database_path
    path.unlink()
    keys = load_or_create_node_key(app.config["ONSPLAN"].node_key_path)
    db = connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, step in MIGRATIONS["hub"][:4]:
        step(db, keys)
        db.execute("INSERT INTO _migrations VALUES (?, '2026-01-01')", [name])
    prev = GENESIS
    at = utcnow()  # within the hour: the family was told already, so no access event is made here
    for n in range(2):
        event = dict(zip(FIRST_READ_EVENT_FIELDS, ("p1", "org1", "fam1", "child1", "plan", f"env{n}")))
        digest = _event_hash(prev, at, event)
        db.execute("INSERT INTO read_events (at, professional_id, organisation_id, family_id, subject, category,"
                   " envelope_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [at, *event.values(), prev, digest])
        prev = digest
    assert migrate(db, "hub", keys) == ["0005_read_log", "0006_invitations", "0007_wrap_bases", "0008_alerts_by_time",
                                          "0009_objections"]
    assert verify_read_log(db) == (2, None)
    record = Record(id="r1", family_id="fam1", kind="goal", author="p", clock="1", subject="child1", body={})
    _log_reads(db, None, None, Reader("p1", "org1", "Karin Bos", "regisseur"), [record, record])
    assert db.execute("SELECT role, basis, records FROM read_events ORDER BY seq DESC LIMIT 1").fetchone() == (
        "regisseur", "consent", 2)
    assert verify_read_log(db) == (3, None)
    db.execute("UPDATE read_events SET records = 1 WHERE seq = 3")
    assert verify_read_log(db) == (2, 3)


def _shared_line(page: str, label: str) -> str:
    match = re.search(rf"<li>{label}:(.*?)</li>", page, re.S)
    assert match, label
    return re.sub(r"\s+", " ", match.group(1)).strip()


def test_the_hub_shows_the_basis_the_family_space_gives_and_follows_it_when_it_changes(roles):
    from datetime import timedelta

    from webapp.consent.rules import DeciderRole, InfoKind
    from webapp.consent.store import record_decision, record_emergency

    roles.sync()
    # JGZ reads Lotte's plan on the legal ground the family space holds (the hub never recorded it).
    mehmet = roles.hub.test_client()
    assert Actions(mehmet).professional_login(roles.hub, "mehmet").status_code == 303
    lotte = roles.child("Lotte")
    page = mehmet.get(f"/werkplek/kind/{roles.family_id}/{lotte.id}").get_data(as_text=True)
    assert _shared_line(page, "Plan en doelen") == "gedeeld (op een wettelijke grond)"
    assert roles.hub_db().execute("SELECT DISTINCT basis FROM read_events WHERE subject = ? AND category = 'plan'"
                                  " AND organisation_id = ?", [lotte.id, ORG["jgz"]]).fetchall() == [("legal",)]
    # The hub holds the basis only sealed for the organisation.
    assert all(b"legal" not in blob and b"consent" not in blob for (blob,) in roles.hub_db().execute(
        "SELECT basis FROM key_wraps WHERE basis IS NOT NULL").fetchall())
    assert roles.hub_db().execute("SELECT COUNT(*) FROM key_wraps WHERE basis IS NOT NULL").fetchone()[0] > 0

    # An emergency the wijkteam is in for Sam's answers, then Sam's own yes: the basis follows.
    sam = roles.child("Sam")
    today = roles.family.config["ONSPLAN"].today()
    with roles.family.app_context():
        record_emergency(get_store(), family_id=roles.family_id, child_id=sam.id, organisation_id=ORG["wijkteam"],
                         organisation="Wijkteam Oost", kind=InfoKind.EVALUATIONS, professional="Karin Bos",
                         role="regisseur", reason="Zorgen over de veiligheid van Sam, overlegd met Veilig Thuis.",
                         recorded_on=today, ends_on=today + timedelta(days=3), author="test")
    roles.sync()
    client, link, page, _sam = _karin_on(roles, "Sam")
    assert _shared_line(page, "Antwoorden bij evaluaties") == "gedeeld (in een noodsituatie)"
    wrapped_refs = "SELECT key_ref FROM key_wraps WHERE recipient = ? AND subject = ? AND category = 'evaluations'"
    refs = roles.hub_db().execute(wrapped_refs, [ORG["wijkteam"], sam.id]).fetchall()
    with roles.family.app_context():
        record_decision(get_store(), family_id=roles.family_id, child_id=sam.id, organisation_id=ORG["wijkteam"],
                        organisation="Wijkteam Oost", kind=InfoKind.EVALUATIONS, person_id=sam.id,
                        role=DeciderRole.YOUTH, granted=True, decided_on=today, based_on=None)
    report = roles.sync()
    assert report.wraps_added >= 1  # the same wraps, told with their new basis: no new key
    assert roles.hub_db().execute(wrapped_refs, [ORG["wijkteam"], sam.id]).fetchall() == refs
    page = client.get(link).get_data(as_text=True)
    assert _shared_line(page, "Antwoorden bij evaluaties") == "gedeeld (met toestemming)"
    assert roles.sync().wraps_added == 0  # told once


def test_the_childs_page_and_the_moment_page_have_each_id_once_and_say_how_to_type_a_date(roles):
    from webapp.plan.queries import PlanWriter
    from webapp.plan.rules import GoalStatus

    sam = roles.child("Sam")
    sleep = next(g for g in load_child_plan_from(roles, sam.id).goals if g.current.title.startswith("Sam slaapt"))
    with roles.family.app_context():
        PlanWriter(get_store(), roles.family_id, {"side": "family", "id": "fatima", "name": "Fatima de Vries"}
                   ).change_status(sleep, GoalStatus.STOPPED)
    roles.sync()
    client, link, page, sam = _karin_on(roles, "Sam")
    moment = re.search(r'href="(/werkplek/kind/[^"]+/moment/[^"]+)"', page)
    pages = [page] + ([client.get(moment.group(1)).get_data(as_text=True)] if moment else [])
    for html in pages:
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert page.count("Dag, maand, jaar, bijvoorbeeld 31-03-2026.") >= 4  # moment, afspraak, legal ground
    # Goals for a moment are checkboxes, and only goals that are still going on are offered.
    plan = load_child_plan_from(roles, sam.id)
    going_on = [g for g in plan.goals if g.current.status.value not in ("reached", "stopped", "adjusted")]
    finished = [g for g in plan.goals if g not in going_on]
    boxes = re.findall(r'<input type="checkbox" name="moment-goals" value="([^"]+)"', page)
    assert boxes == [g.id for g in going_on]
    assert finished and not set(boxes) & {g.id for g in finished}


def load_child_plan_from(roles, child_id):
    with roles.family.app_context():
        return load_child_plan(get_store(), roles.family_id, child_id)


def test_two_children_with_the_same_first_name_are_told_apart_in_the_links(roles):
    client, _link, _page, sam = _karin_on(roles, "Sam")
    caseload = client.get("/werkplek").get_data(as_text=True)
    label = re.search(r'aria-label="(Sam,[^"]+)">Sam</a>', caseload).group(1)
    assert label == f"Sam, Geboren in {sam.birth_date.year}, VO"
    assert '<input class="textbox" type="search" id="zoek"' in caseload


def test_a_mentor_proposes_within_what_the_school_reads_but_does_not_plan_moments_or_open_in_an_emergency(roles):
    tom = roles.hub.test_client()
    assert Actions(tom).professional_login(roles.hub, "tom").status_code == 303
    sam = roles.child("Sam")
    link = f"/werkplek/kind/{roles.family_id}/{sam.id}"
    page = tom.get(link).get_data(as_text=True)
    assert 'id="propose-title"' in page and 'id="feedback"' in page  # what every professional does
    assert "Moment plannen" not in page and "Noodsituatie vastleggen" not in page
    assert "Wettelijke grond vastleggen" not in page and "aandachtsfunctionaris" in page
    before = roles.hub_db().execute("SELECT COUNT(*) FROM envelopes").fetchone()[0]
    token = csrf_token(page)
    for path, data, reason in (
            ("/evaluatiemoment", {"moment-csrf_token": token, "moment-on": "15-01-2031", "moment-title": "Evaluatie"},
             "Evaluatiemomenten plannen en bespreken doen de regisseur"),
            ("/noodsituatie", {"emergency-csrf_token": token, "emergency-kind": "plan",
                               "emergency-reason": "Sam vertelde iets zorgelijks."}, "taak voor veiligheid"),
            ("/wettelijke-grond", {"basis-csrf_token": token, "basis-kind": "plan", "basis-ground": "legal_duty",
                                   "basis-source": "Wet", "basis-starts_on": "01-01-2027"}, "wettelijke grond")):
        refused = tom.post(link + path, data=data)
        assert refused.status_code == 403 and reason in refused.get_data(as_text=True), path
    assert roles.hub_db().execute("SELECT COUNT(*) FROM envelopes").fetchone()[0] == before  # nothing sent


def test_the_jgz_nurse_records_a_legal_ground_but_leaves_planning_moments_to_the_regisseur(roles):
    mehmet = roles.hub.test_client()
    assert Actions(mehmet).professional_login(roles.hub, "mehmet").status_code == 303
    lotte = roles.child("Lotte")
    page = mehmet.get(f"/werkplek/kind/{roles.family_id}/{lotte.id}").get_data(as_text=True)
    assert "Wettelijke grond vastleggen" in page and "Noodsituatie vastleggen" in page
    assert "Moment plannen" not in page


@pytest.mark.parametrize("path, data, message", [
    ("/noodsituatie", {"emergency-kind": "youth_comments", "emergency-ends_on": "31-12-9999",
                       "emergency-reason": "Noor belde in paniek over de situatie thuis."},
     "Een noodsituatie duurt ten hoogste 7 dagen."),
    ("/wettelijke-grond", {"basis-kind": "plan", "basis-ground": "court_order", "basis-source": "Beschikking 12/345",
                           "basis-starts_on": "01-01-0001"}, "Het begin kan niet voor de geboorte van het kind liggen."),
    ("/wettelijke-grond", {"basis-kind": "plan", "basis-ground": "court_order", "basis-source": "Beschikking 12/345",
                           "basis-starts_on": "01-01-2027", "basis-ends_on": "31-12-9999"},
     "Een wettelijke grond leg je vast voor ten hoogste 5 jaar."),
    ("/wettelijke-grond", {"basis-kind": "plan", "basis-ground": "court_order", "basis-source": "wet",
                           "basis-starts_on": "01-01-2027"}, "Zeg waar de wettelijke grond vandaan komt"),
])
def test_an_emergency_and_a_legal_ground_are_bounded_and_a_boundless_one_is_refused(roles, path, data, message):
    client, link, page, _noor = _karin_on(roles, "Noor")
    before = roles.hub_db().execute("SELECT COUNT(*) FROM envelopes").fetchone()[0]
    prefix = "emergency" if path == "/noodsituatie" else "basis"
    response = client.post(link + path, data={f"{prefix}-csrf_token": csrf_token(page), **data})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert roles.hub_db().execute("SELECT COUNT(*) FROM envelopes").fetchone()[0] == before


def test_the_family_space_ends_an_emergency_after_seven_days_whatever_end_it_names(roles):
    from datetime import timedelta

    from webapp.consent.rules import InfoKind
    from webapp.consent.store import record_emergency

    noor = roles.child("Noor")
    today = roles.family.config["ONSPLAN"].today()
    with roles.family.app_context():
        record_emergency(get_store(), family_id=roles.family_id, child_id=noor.id, organisation_id=ORG["school"],
                         organisation="Het Baken College", kind=InfoKind.YOUTH_COMMENTS, professional="Tom Jansen",
                         role="mentor", reason="Noor vertelde over geweld thuis; overleg nodig.", recorded_on=today,
                         ends_on=today + timedelta(days=3650), author="test")
    assert roles.may_read(ORG["school"], noor.id, "youth_comments", today + timedelta(days=7))
    assert not roles.may_read(ORG["school"], noor.id, "youth_comments", today + timedelta(days=8))


def _alert_items(html: str) -> list[str]:
    return re.findall(r"Beschikking (\d+)/2026", html)


def test_the_admin_sees_the_newest_grounds_on_the_caseload_and_all_of_them_in_pages(hub_app, coordinator, partner):
    record_grounds(hub_app, 60)
    workplace = coordinator.get("/werkplek").get_data(as_text=True)
    assert _alert_items(workplace) == [str(n) for n in range(60, 50, -1)]  # the newest ten, newest first
    assert "De nieuwste 10 van 60:" in workplace and "Alle 60 bekijken" in workplace
    first = coordinator.get("/werkplek/meldingen").get_data(as_text=True)
    assert "Vastgelegd door iemand van jouw organisatie in de afgelopen 30 dagen: 60." in first
    assert _alert_items(first) == [str(n) for n in range(60, 10, -1)]
    assert "Pagina 1 van 2" in first
    second = coordinator.get("/werkplek/meldingen?pagina=2").get_data(as_text=True)
    assert _alert_items(second) == [str(n) for n in range(10, 0, -1)]
    assert _alert_items(coordinator.get("/werkplek/meldingen?pagina=9").get_data(as_text=True)) == _alert_items(second)
    refused = partner.get("/werkplek/meldingen")  # the mentor is not the school's admin
    assert refused.status_code == 403
    assert "Alleen de beheerder van jouw organisatie ziet deze lijst." in refused.get_data(as_text=True)
    assert "Beschikking" not in refused.get_data(as_text=True)


def test_a_parents_objection_to_an_emergency_reaches_only_the_organisations_admin(roles):
    from sync.hub import verify_read_log
    from sync.keys import KeyProblem

    karin, link, page, noor = _karin_on(roles, "Noor")
    reason = "Noor vertelde op school over geweld thuis; overleg met Veilig Thuis is nodig."
    assert karin.post(link + "/noodsituatie", data={
        "emergency-csrf_token": csrf_token(page), "emergency-client_id": _client_id(page, "emergency"),
        "emergency-kind": "evaluations", "emergency-reason": reason}).status_code == 303
    roles.sync()

    fatima = roles.family.test_client()
    assert Actions(fatima).login("fatima").status_code == 303
    consent = fatima.get(f"/toestemming/{noor.id}").get_data(as_text=True)
    assert "Ik ben het hier niet mee eens" in consent and "Mijn bezwaar versturen" in consent
    action = f"/toestemming/{noor.id}/{ORG['wijkteam']}/evaluaties/bezwaar"
    text = "Er is geen geweld bij ons thuis. Dit is een misverstand; bel ons eerst."
    form = {"csrf_token": csrf_token(consent), "client_id": re.search(
        r'action="' + re.escape(action) + r'">\s*<input[^>]*>\s*<input type="hidden" name="client_id" value="([^"]+)"',
        consent).group(1), "text": text}
    for _ in range(2):  # a double tap: one objection
        assert fatima.post(action, data=form).status_code == 303
    with roles.family.app_context():
        assert len(get_store().history(roles.family_id, ["emergency_objection"])) == 1
    consent = fatima.get(f"/toestemming/{noor.id}").get_data(as_text=True)
    assert "liet op" in consent and "Het gaat met de volgende update naar de beheerder van Wijkteam Oost." in consent
    assert "Mijn bezwaar versturen" not in consent  # she said it; once is enough

    assert roles.sync().objections == 1
    assert roles.sync().objections == 0  # sent once
    consent = fatima.get(f"/toestemming/{noor.id}").get_data(as_text=True)
    assert "De beheerder van Wijkteam Oost kan het lezen." in consent
    hub_file = roles.hub.config["ONSPLAN"].database_path
    roles.hub_db().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert "misverstand".encode() not in hub_file.read_bytes()  # sealed, never in plaintext on the hub

    reads = roles.hub_db().execute("SELECT COUNT(*) FROM read_events WHERE category = 'objection'").fetchone()[0]
    workplace = karin.get("/werkplek").get_data(as_text=True)
    assert "Het gezin maakt bezwaar" in workplace and text in workplace and "Fatima de Vries" in workplace
    assert roles.hub_db().execute("SELECT COUNT(*) FROM read_events WHERE category = 'objection' AND basis ="
                                  " 'objection'").fetchone()[0] == reads + 1  # opened for her: logged
    with roles.hub.app_context():
        from webapp.db import get_db
        assert verify_read_log(get_db())[1] is None

    # The school (another organisation, whatever it is shared) cannot open it, and its mentor sees nothing.
    sealed, objection_id = roles.hub_db().execute("SELECT sealed, id FROM objections").fetchone()
    for pair in roles.org_keys(ORG["school"]):
        with pytest.raises(KeyProblem):
            pair.open_note(sealed, f"objection/{objection_id}", ORG["school"])
    tom = roles.hub.test_client()
    Actions(tom).professional_login(roles.hub, "tom")
    assert "misverstand" not in tom.get("/werkplek").get_data(as_text=True)


def test_an_objection_the_hub_refuses_is_shown_to_the_operator_and_does_not_hold_up_the_round(roles):
    from datetime import date

    from webapp.consent.rules import EmergencyException, InfoKind
    from webapp.consent.store import StoredEmergency, record_objection

    sam = roles.child("Sam")
    made_up = StoredEmergency(EmergencyException(ORG["wijkteam"], sam.id, InfoKind.PLAN, "x", date.today(),
                                                 date.today()), "Wijkteam Oost", "", "", "not-an-emergency")
    with roles.family.app_context():
        record_objection(get_store(), family_id=roles.family_id, child_id=sam.id, author="p", name="Fatima",
                         emergency=made_up, text="Niet mee eens.", on=date.today())
    report = roles.sync()  # the round completes; the objection is refused with the hub's reason
    assert [reason for _id, reason in report.refused] == [
        "an objection must be about an emergency this organisation recorded for this child"]
    assert roles.family_db().execute("SELECT COUNT(*) FROM sync_refusals").fetchone()[0] == 1
    assert roles.sync().refused == []  # not sent again
    assert roles.hub_db().execute("SELECT COUNT(*) FROM objections").fetchone()[0] == 0


def test_an_objection_that_is_too_long_or_about_no_emergency_gets_a_reason_and_stores_nothing(roles):
    karin, link, page, noor = _karin_on(roles, "Noor")
    assert karin.post(link + "/noodsituatie", data={
        "emergency-csrf_token": csrf_token(page), "emergency-client_id": _client_id(page, "emergency"),
        "emergency-kind": "evaluations", "emergency-reason": "Zorgen over de veiligheid van Noor thuis."}
        ).status_code == 303
    roles.sync()
    fatima = roles.family.test_client()
    assert Actions(fatima).login("fatima").status_code == 303
    token = csrf_token(fatima.get(f"/toestemming/{noor.id}").get_data(as_text=True))
    too_long = fatima.post(f"/toestemming/{noor.id}/{ORG['wijkteam']}/evaluaties/bezwaar",
                           data={"csrf_token": token, "text": "Nee. " * 201})
    assert too_long.status_code == 422
    assert "Gebruik hoogstens 1000 tekens. Er is niets bewaard." in too_long.get_data(as_text=True)
    no_emergency = fatima.post(f"/toestemming/{noor.id}/{ORG['wijkteam']}/plan/bezwaar",
                               data={"csrf_token": token, "text": "Niet mee eens."})
    assert no_emergency.status_code == 409
    assert "Wijkteam Oost ziet dit niet (meer) door een noodsituatie." in no_emergency.get_data(as_text=True)
    with roles.family.app_context():
        assert get_store().history(roles.family_id, ["emergency_objection"]) == []
