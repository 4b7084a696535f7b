"""The family space and the hub as two real servers on loopback: what the family shares reaches
exactly the organisations it chose, a withdrawal shreds, and records made on the hub arrive."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from sync.hub import NotShared, Reader, open_for_organisation, write_for_family
from sync.keyring import KeyRing
from sync.record import SHARED_CATEGORIES, new_record_id
from tests.integration.sync_helpers import ORG, start_roles, what_opens, withdraw
from tests.conftest import Actions
from webapp.consent.rules import Basis, InfoKind
from webapp.consent.store import access_events
from webapp.db import get_db
from webapp.people.members import family_members
from webapp.plan.queries import PlanWriter, load_child_plan
from webapp.records import clock, get_store


@pytest.fixture
def roles(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    yield roles
    roles.stop()


def test_each_organisation_opens_exactly_what_the_family_space_allows_it(roles):
    roles.sync()
    hub_db = roles.hub_db()
    children = {name: roles.child(name) for name in ("Lotte", "Sam", "Noor")}
    for sector, org_id in ORG.items():
        opened = {(subject, category) for _id, subject, category in what_opens(hub_db, org_id, roles.org_keys(org_id))}
        allowed = {(child.id, category) for child in children.values() for category in SHARED_CATEGORIES
                   if roles.may_read(org_id, child.id, category)}
        held = {(s, c) for s, c in hub_db.execute(
            "SELECT DISTINCT subject, category FROM envelopes WHERE category != 'card'").fetchall()}
        assert opened - {(s, c) for s, c in opened if c == "card"} == allowed & held, sector
        cards = {s for s, c in opened if c == "card"}
        assert cards == {child_id for child_id, _c in allowed}, sector
    assert allowed, "the demo shares something with every organisation"


def test_sharing_one_childs_plan_never_opens_a_siblings_records(roles):
    roles.sync()
    lotte, sam, noor = roles.child("Lotte"), roles.child("Sam"), roles.child("Noor")
    jgz = ORG["jgz"]
    # JGZ reads Lotte's plan on a legal basis, and nothing of Sam or Noor.
    assert roles.may_read(jgz, lotte.id, "plan")
    assert not any(roles.may_read(jgz, child.id, category) for child in (sam, noor) for category in SHARED_CATEGORIES)
    opened = what_opens(roles.hub_db(), jgz, roles.org_keys(jgz))
    assert {subject for _id, subject, _category in opened} == {lotte.id}
    assert any(category == "plan" for _id, _subject, category in opened)


def test_a_withdrawal_deletes_the_wraps_within_one_round_and_leaves_nothing_in_the_file(roles):
    roles.sync()
    sam, lotte, school = roles.child("Sam"), roles.child("Lotte"), ORG["school"]
    hub_db = roles.hub_db()
    before = what_opens(hub_db, school, roles.org_keys(school))
    assert any(subject == sam.id and category == "plan" for _i, subject, category in before)
    deleted = [row[0] for row in hub_db.execute(
        "SELECT wrapped FROM key_wraps WHERE recipient = ? AND subject = ? AND category = 'plan'",
        [school, sam.id]).fetchall()]
    assert deleted

    withdraw(roles, sam, school, InfoKind.PLAN)
    assert not roles.may_read(school, sam.id, "plan")
    report = roles.sync()
    assert report.wraps_deleted >= len(deleted)

    # Someone holding the hub's database file, its WAL and the school's private keys:
    path = roles.hub.config["ONSPLAN"].database_path
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for wrapped in deleted:
        assert wrapped not in raw
    after = what_opens(roles.hub_db(), school, roles.org_keys(school))
    assert not any(subject == sam.id and category == "plan" for _i, subject, category in after)
    assert any(subject == lotte.id and category == "plan" for _i, subject, category in after)  # still shared
    assert roles.may_read(ORG["wijkteam"], sam.id, "plan")
    assert any(subject == sam.id and category == "plan"
               for _i, subject, category in what_opens(roles.hub_db(), ORG["wijkteam"], roles.org_keys(ORG["wijkteam"])))

    # What is written after the withdrawal uses a new epoch the school never gets.
    with roles.family.app_context():
        store = get_store()
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}).comment(
            sam.id, goal_id=None, text="Na de intrekking geschreven.", by_youth=False, question=False)
    roles.sync()
    hub_db = roles.hub_db()
    newest = hub_db.execute("SELECT key_ref FROM envelopes WHERE subject = ? AND category = 'plan'"
                            " ORDER BY seq DESC LIMIT 1", [sam.id]).fetchone()[0]
    old_refs = {row[0] for row in hub_db.execute(
        "SELECT DISTINCT key_ref FROM envelopes WHERE subject = ? AND category = 'plan' AND key_ref != ?",
        [sam.id, newest]).fetchall()}
    assert newest not in old_refs
    assert hub_db.execute("SELECT COUNT(*) FROM key_wraps WHERE key_ref = ? AND recipient = ?",
                          [newest, school]).fetchone()[0] == 0
    assert hub_db.execute("SELECT COUNT(*) FROM key_wraps WHERE key_ref = ? AND recipient = ?",
                          [newest, ORG["wijkteam"]]).fetchone()[0] == 1


def test_a_proposal_made_on_the_hub_arrives_and_the_familys_agreement_goes_back(roles):
    roles.sync()
    sam, wijkteam = roles.child("Sam"), ORG["wijkteam"]
    goal_id = new_record_id()
    with roles.hub.app_context():
        db = get_db()
        proposal = write_for_family(
            db, KeyRing(db, roles.hub.extensions["onsplan.node_key"]), clock(), organisation_id=wijkteam,
            family_id=roles.family_id, kind="goal", subject=sam.id, record_id=goal_id,
            body={"item": goal_id, "version": 1, "status": "proposed", "life_domain": "school",
                  "title": "Sam maakt zijn huiswerk op school in het huiswerkuur.", "strengths": "Sam vraagt hulp.",
                  "gas": None, "by": {"side": "professional", "id": wijkteam, "name": "Karin Bos (Wijkteam Oost)"}})
    report = roles.sync()
    assert report.received == 1
    with roles.family.app_context():
        store = get_store()
        plan = load_child_plan(store, roles.family_id, sam.id)
        goal = plan.goal(proposal.id)
        assert goal is not None and goal.current.title.startswith("Sam maakt zijn huiswerk")
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}).agree(
            goal, role="parent", side="family", today=date.today(), child_birth=sam.birth_date)
    roles.sync()
    hub_db = roles.hub_db()
    agreement_id = hub_db.execute("SELECT id FROM envelopes WHERE kind = 'goal_agreement' AND origin = 'family'"
                                  " ORDER BY seq DESC LIMIT 1").fetchone()[0]
    with roles.hub.app_context():
        db = get_db()
        ring = KeyRing(db, roles.hub.extensions["onsplan.node_key"])
        karin = Reader("karin", wijkteam, "Karin Bos", "regisseur")
        agreement = open_for_organisation(db, ring, clock(), karin, agreement_id)
        assert agreement.body["goal"] == proposal.id and agreement.author == fatima.id
        open_for_organisation(db, ring, clock(), karin, agreement_id)  # read again: logged, one event for the family
        with pytest.raises(NotShared):
            open_for_organisation(db, ring, clock(), Reader("mehmet", ORG["jgz"], "Mehmet", "jgz"), agreement_id)
    events = hub_db.execute("SELECT professional_id, organisation_id, role, subject, category, basis, records"
                            " FROM read_events").fetchall()
    assert events == [("karin", wijkteam, "regisseur", sam.id, "plan", "consent", 1)] * 2
    roles.sync()
    client = roles.family.test_client()
    Actions(client).login("fatima")
    overview = client.get("/wie-keek-mee").get_data(as_text=True)
    assert overview.count("Karin Bos") >= 1 and "regisseur" in overview
    with roles.family.app_context():
        reads = [e for e in access_events(get_store(), roles.family_id) if e.professional == "Karin Bos"
                 and e.child_id == sam.id and e.at.date() >= date.today() - timedelta(days=1)]
    assert len(reads) == 1 and reads[0].basis is Basis.CONSENT


def test_an_organisation_cannot_change_a_familys_goal(roles):
    roles.sync()
    lotte, wijkteam = roles.child("Lotte"), ORG["wijkteam"]
    with roles.family.app_context():
        plan = load_child_plan(get_store(), roles.family_id, lotte.id)
        goal = plan.goals[0]
        title = goal.current.title
    with roles.hub.app_context():
        db = get_db()
        forged = write_for_family(
            db, KeyRing(db, roles.hub.extensions["onsplan.node_key"]), clock(), organisation_id=wijkteam,
            family_id=roles.family_id, kind="goal", subject=lotte.id,
            body={"item": goal.id, "version": goal.current.version, "status": "stopped", "life_domain": "leisure",
                  "title": "Overschreven door de hub", "strengths": "", "gas": None,
                  "by": {"side": "professional", "id": wijkteam, "name": "Karin"}})
    report = roles.sync()
    assert [record_id for record_id, _reason in report.refused] == [forged.id]
    assert "did not make" in report.refused[0][1]
    with roles.family.app_context():
        assert load_child_plan(get_store(), roles.family_id, lotte.id).goal(goal.id).current.title == title
    family_db = roles.family_db()
    assert family_db.execute("SELECT reason FROM sync_refusals WHERE record_id = ?", [forged.id]).fetchone()
    cursor = family_db.execute("SELECT pull_cursor FROM hub_links").fetchone()[0]
    assert cursor == roles.hub_db().execute("SELECT MAX(seq) FROM envelopes WHERE origin = 'hub'").fetchone()[0]
    client = roles.family.test_client()
    Actions(client).login("fatima")
    page = client.get("/toestemming").get_data(as_text=True)
    assert "Wijzigingen die niet zijn aangenomen: 1." in page
    assert "Een professional probeerde iets te veranderen dat jullie gezin schreef." in page


def test_a_second_round_without_changes_sends_nothing_and_stores_nothing_twice(roles):
    roles.sync()
    hub_db = roles.hub_db()
    counts = [hub_db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("envelopes", "key_wraps")]
    family_records = roles.family_db().execute("SELECT COUNT(*) FROM records").fetchone()[0]
    report = roles.sync()
    assert (report.sent, report.received, report.wraps_added, report.wraps_deleted) == (0, 0, 0, 0)
    # The answer to the last push was lost: the family space sends everything again.
    roles.family_db().execute("UPDATE hub_links SET pushed_seq = 0, pull_cursor = 0")
    roles.family_db().execute("DELETE FROM wraps_at_hub WHERE family_id = ?", [roles.family_id])
    again = roles.sync()
    assert again.sent > 0 and again.refused == []
    assert [hub_db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("envelopes", "key_wraps")] == counts
    assert roles.family_db().execute("SELECT COUNT(*) FROM records").fetchone()[0] == family_records


def test_a_withdrawal_while_a_professional_reads_is_acknowledged_only_once_no_copy_survives(roles):
    import sqlite3

    from sync.wire import SyncError

    roles.sync()
    sam, school = roles.child("Sam"), ORG["school"]
    path = roles.hub.config["ONSPLAN"].database_path
    deleted = [row[0] for row in roles.hub_db().execute(
        "SELECT wrapped FROM key_wraps WHERE recipient = ? AND subject = ? AND category = 'plan'",
        [school, sam.id]).fetchall()]
    assert deleted
    reader = sqlite3.connect(path, isolation_level=None)  # a professional's read, still open
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM key_wraps").fetchone()
    try:
        withdraw(roles, sam, school, InfoKind.PLAN)
        with pytest.raises(SyncError, match="shredding"):
            roles.sync()
        # Not acknowledged: the family space still counts the wraps as possibly held, and says why.
        with roles.family.app_context():
            db = get_db()
            assert "shredding the old copies waits for a reader" in db.execute(
                "SELECT last_error FROM hub_links WHERE family_id = ?", [roles.family_id]).fetchone()[0]
        # Nothing deleted opens through the hub meanwhile: every read joins on the wraps that are left.
        assert not any(subject == sam.id and category == "plan"
                       for _i, subject, category in what_opens(roles.hub_db(), school, roles.org_keys(school)))
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    roles.sync()  # the reader is done: the shred completes and the withdrawal is acknowledged
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert not [wrapped for wrapped in deleted if wrapped in raw]
    with roles.family.app_context():
        assert get_db().execute("SELECT last_error FROM hub_links WHERE family_id = ?",
                                [roles.family_id]).fetchone()[0] is None


def test_a_legal_basis_recorded_on_the_hub_opens_the_plan_after_the_next_round(roles):
    roles.sync()
    sam, jgz = roles.child("Sam"), ORG["jgz"]
    assert not roles.may_read(jgz, sam.id, "plan")
    assert not any(subject == sam.id for _i, subject, _c in what_opens(roles.hub_db(), jgz, roles.org_keys(jgz)))
    today = roles.family.config["ONSPLAN"].today()
    with roles.hub.app_context():
        db = get_db()
        write_for_family(db, KeyRing(db, roles.hub.extensions["onsplan.node_key"]), clock(), organisation_id=jgz,
                         family_id=roles.family_id, kind="legal_basis", subject=sam.id,
                         body={"item": None, "organisation_id": jgz, "organisation": "JGZ Regio Midden",
                               "kind": "plan", "ground": "legal_duty", "starts_on": today.isoformat(),
                               "ends_on": None})
    # Waiting: the hub made the record, but nothing of Sam's plan opens for JGZ until the family space wraps it.
    assert not any(subject == sam.id and category == "plan"
                   for _i, subject, category in what_opens(roles.hub_db(), jgz, roles.org_keys(jgz)))
    roles.sync()
    assert roles.may_read(jgz, sam.id, "plan")
    assert any(subject == sam.id and category == "plan"
               for _i, subject, category in what_opens(roles.hub_db(), jgz, roles.org_keys(jgz)))


def test_a_legal_ground_signed_by_one_organisation_for_another_is_refused_and_opens_nothing(roles):
    roles.sync()
    sam, jgz, school = roles.child("Sam"), ORG["jgz"], ORG["school"]
    assert not roles.may_read(jgz, sam.id, "youth_comments")
    today = roles.family.config["ONSPLAN"].today()
    with roles.hub.app_context():
        db = get_db()
        forged = write_for_family(
            db, KeyRing(db, roles.hub.extensions["onsplan.node_key"]), clock(), organisation_id=school,
            family_id=roles.family_id, kind="legal_basis", subject=sam.id,
            body={"item": None, "organisation_id": jgz, "organisation": "JGZ Regio Midden", "kind": "youth_comments",
                  "ground": "legal_duty", "starts_on": today.isoformat(), "ends_on": None})
    report = roles.sync()
    assert [record_id for record_id, _reason in report.refused] == [forged.id]
    assert "another organisation than the one that signed it" in report.refused[0][1]
    assert not roles.may_read(jgz, sam.id, "youth_comments") and not roles.may_read(school, sam.id, "youth_comments")


def test_after_an_organisation_rotates_its_key_old_records_open_and_new_keys_go_to_the_new_key(roles):
    roles.sync()
    sam, school = roles.child("Sam"), ORG["school"]
    before = what_opens(roles.hub_db(), school, roles.org_keys(school))
    with roles.hub.app_context():
        new_pair = KeyRing(get_db(), roles.hub.extensions["onsplan.node_key"]).rotate(school)
    assert len(roles.org_keys(school)) == 2
    assert what_opens(roles.hub_db(), school, roles.org_keys(school)) == before  # old wraps open with the old key
    withdraw(roles, sam, ORG["wijkteam"], InfoKind.PLAN)  # forces a new epoch of Sam's plan
    roles.sync()
    hub_db = roles.hub_db()
    newest = hub_db.execute("SELECT key_ref FROM key_wraps WHERE recipient = ? AND subject = ? AND category = 'plan'"
                            " ORDER BY rowid DESC LIMIT 1", [school, sam.id]).fetchone()[0]
    wrapped = hub_db.execute("SELECT wrapped FROM key_wraps WHERE key_ref = ? AND recipient = ?",
                             [newest, school]).fetchone()[0]
    assert new_pair.unwrap(wrapped, newest, school)
    old_pair = roles.org_keys(school)[1]
    with pytest.raises(Exception):
        old_pair.unwrap(wrapped, newest, school)


def test_after_the_family_space_rotates_its_keys_sync_goes_on_and_old_records_still_open(roles):
    roles.sync()
    sam, wijkteam = roles.child("Sam"), ORG["wijkteam"]
    hub_db = roles.hub_db()
    old_envelope = hub_db.execute("SELECT e.id FROM envelopes e JOIN key_wraps w ON w.key_ref = e.key_ref"
                                  " AND w.recipient = ? WHERE e.origin = 'family' AND e.subject = ?"
                                  " AND e.category = 'plan' LIMIT 1", [wijkteam, sam.id]).fetchone()[0]
    with roles.family.app_context():
        ring = KeyRing(get_db(), roles.family.extensions["onsplan.node_key"])
        old_family = ring.current(roles.family_id)
        ring.rotate("node")
        new_family = ring.rotate(roles.family_id)
    with roles.family.app_context():  # something to send with the new keys
        store = get_store()
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}).comment(
            sam.id, goal_id=None, text="Met de nieuwe sleutels.", by_youth=False, question=False)
    roles.sync()
    enrolled = roles.hub_db().execute("SELECT family_keys FROM enrolled_families WHERE family_id = ?",
                                      [roles.family_id]).fetchone()[0]
    assert json.loads(enrolled)["sign"] == new_family.public().to_json()["sign"]
    newest = roles.hub_db().execute("SELECT envelope FROM envelopes WHERE origin = 'family'"
                                    " ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert json.loads(newest)["header"]["signer"] == new_family.public().key_id
    with roles.hub.app_context():
        db = get_db()
        hub_ring = KeyRing(db, roles.hub.extensions["onsplan.node_key"])
        reader = Reader("karin", wijkteam, "Karin Bos", "regisseur")
        assert open_for_organisation(db, hub_ring, clock(), reader, old_envelope).subject == sam.id
        note = write_for_family(db, hub_ring, clock(), organisation_id=wijkteam, family_id=roles.family_id,
                                kind="review_note", subject=sam.id,
                                body={"goal": None, "text": "Na de nieuwe sleutel.", "by": {"side": "professional",
                                                                                           "id": wijkteam,
                                                                                           "name": "Karin"}})
        wrapped = db.execute("SELECT wrapped, key_ref FROM key_wraps WHERE recipient = ? AND key_ref LIKE ?",
                             [roles.family_id, f"%r-{note.id}"]).fetchone()
    assert new_family.unwrap(wrapped[0], wrapped[1], roles.family_id)
    with pytest.raises(Exception):
        old_family.unwrap(wrapped[0], wrapped[1], roles.family_id)
    assert roles.sync().received >= 1


def test_the_consent_page_says_a_stop_is_being_passed_on_until_the_hub_has_it(roles):
    from tests.integration.consent_helpers import decide

    roles.sync()
    sam = roles.child("Sam")
    fatima = roles.family.test_client()
    assert Actions(fatima).login("fatima").status_code == 303
    pending = "Wordt gestopt: Het Baken College kan dit nog zien tot OnsPlan het stoppen heeft doorgegeven."
    assert pending not in fatima.get(f"/toestemming/{sam.id}").get_data(as_text=True)
    assert decide(fatima, sam.id, "school", "plan", "no").status_code == 303
    page = fatima.get(f"/toestemming/{sam.id}").get_data(as_text=True)
    assert page.count(pending) == 1  # for the plan only: the other kinds were not shared with the school
    roles.sync()
    assert pending not in fatima.get(f"/toestemming/{sam.id}").get_data(as_text=True)
