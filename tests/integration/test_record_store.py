"""The record store: local changes and records made elsewhere, current state kept as columns,
the whole header bound at rest, and pages that read only what they show."""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from datetime import date

import pytest
from flask import appcontext_tearing_down, g

from sync.clock import HybridClock, Stamp
from sync.record import Record, new_record_id
from tests.conftest import make_app
from webapp.consent.access import may_organisation_read
from webapp.consent.rules import InfoKind
from webapp.people.members import family_members
from webapp.records import RecordIdTaken, RecordRefused, RecordStore, TamperedRecord, get_meta, get_store

WIJKTEAM = "9b1f3c2e-0001-4a55-8d0e-6f1c00000001"


@contextmanager
def store_of(app):
    with app.app_context():
        yield get_store()


def demo_family(app) -> str:
    with store_of(app) as store:
        return get_meta(store.db, "demo_family")


def person(app, name: str):
    with store_of(app) as store:
        return next(p for p in family_members(store, demo_family(app)) if p.name.split()[0] == name)


def hub_clock(wall_ms: int) -> HybridClock:
    """The clock of another node (the hub, or a phone), with its own wall time."""
    return HybridClock("h51c0e7a2", wall_ms=lambda: wall_ms)


def afspraak_from_hub(app, *, item: str | None = None, what: str, clock: Stamp) -> Record:
    sam = person(app, "Sam")
    return Record(id=new_record_id(), family_id=demo_family(app), kind="agreement_item", author=WIJKTEAM,
                  clock=str(clock), subject=sam.id,
                  body={"item": item or new_record_id(), "goal": None, "what": what, "due": None, "status": "open",
                        "who": {"kind": "organisation", "id": WIJKTEAM, "label": "Wijkteam Oost (regisseur)"},
                        "by": {"side": "professional", "id": WIJKTEAM, "name": "Karin Bos (Wijkteam Oost)"}})


def test_a_record_made_on_the_hub_keeps_its_own_id_author_clock_and_subject(family_app, parent):
    made_at = hub_clock(int(time.time() * 1000) + 86_400_000).now()  # the hub's clock runs a day ahead
    record = afspraak_from_hub(family_app, what="Karin belt school over het rooster.", clock=made_at)
    with store_of(family_app) as store:
        applied = store.apply(record)
        assert applied.stored_now and applied.record == record
        stored = store.get(record.family_id, record.id)
        local = store.write(family_id=record.family_id, kind="comment", author="test", subject=record.subject,
                            body={"goal": None, "text": "ok", "by": {}})
    assert stored == record
    assert (stored.author, stored.clock, stored.subject) == (WIJKTEAM, str(made_at), person(family_app, "Sam").id)
    assert Stamp.parse(local.clock) > made_at, "the family space's clock observes what it applies"
    page = parent.get(f"/kind/{record.subject}").get_data(as_text=True)
    assert "Karin belt school over het rooster." in page


def test_applying_the_same_record_twice_stores_it_once(family_app):
    record = afspraak_from_hub(family_app, what="Eén keer.", clock=hub_clock(1_767_225_600_000).now())
    with store_of(family_app) as store:
        first, second = store.apply(record), store.apply(record)
        assert first.stored_now and not second.stored_now
        assert store.db.execute("SELECT COUNT(*) FROM records WHERE id = ?", [record.id]).fetchone()[0] == 1


def test_a_different_record_under_a_known_id_is_refused_and_changes_nothing(family_app):
    record = afspraak_from_hub(family_app, what="Origineel.", clock=hub_clock(1_767_225_600_000).now())
    with store_of(family_app) as store:
        store.apply(record)
        seq = store.last_seq()
        forged = Record(**{**record.__dict__, "body": {**record.body, "what": "Vervalst."}})
        with pytest.raises(RecordIdTaken):
            store.apply(forged)
        assert store.last_seq() == seq
        assert store.get(record.family_id, record.id).body["what"] == "Origineel."


@pytest.mark.parametrize("change, reason", [
    ({"kind": "no_such_kind"}, "unknown kind"),
    ({"clock": "yesterday"}, "clock"),
    ({"family_id": "no-such-family"}, "unknown family"),
    ({"author": ""}, "author"),
])
def test_a_record_that_cannot_be_applied_says_why_and_stores_nothing(family_app, change, reason):
    record = afspraak_from_hub(family_app, what="x", clock=hub_clock(1_767_225_600_000).now())
    with store_of(family_app) as store:
        seq = store.last_seq()
        with pytest.raises(RecordRefused, match=reason):
            store.apply(Record(**{**record.__dict__, **change}))
        assert store.last_seq() == seq


def test_sequence_numbers_only_go_up_for_local_and_applied_records(family_app):
    with store_of(family_app) as store:
        start = store.last_seq()
        early = store.apply(afspraak_from_hub(family_app, what="oud", clock=hub_clock(1_000_000_000_000).now()))
        local = store.write(family_id=demo_family(family_app), kind="comment", author="test",
                            subject=person(family_app, "Sam").id, body={"goal": None, "text": "x", "by": {}})
        seqs = [store.db.execute("SELECT seq FROM records WHERE id = ?", [r.id]).fetchone()[0]
                for r in (early.record, local)]
    assert start < seqs[0] < seqs[1]


def test_the_current_version_stays_the_newest_when_an_older_one_arrives_later(family_app, parent):
    """Two nodes change one afspraak; the older change reaches the family space last."""
    item = new_record_id()
    phone, hub = HybridClock("p9e3a1b4", wall_ms=lambda: 1_767_225_660_000), hub_clock(1_767_225_600_000)
    older = afspraak_from_hub(family_app, item=item, what="Versie van de hub", clock=hub.now())
    newer = afspraak_from_hub(family_app, item=item, what="Versie van later", clock=phone.now())
    with store_of(family_app) as store:
        store.apply(newer)
        store.apply(older)
        current = [r for r in store.current(demo_family(family_app), ["agreement_item"]) if r.item == item]
        assert [r.id for r in current] == [newer.id]
        assert [r.id for r in store.versions(demo_family(family_app), item)] == [older.id, newer.id]
    page = parent.get(f"/kind/{newer.subject}").get_data(as_text=True)
    assert "Versie van later" in page and "Versie van de hub" not in page


@pytest.mark.parametrize("column, value", [
    ("author", "someone-else"), ("subject", "another-child"), ("kind", "comment"),
    ("clock", "9999999999999-000000-x"), ("item", "another-item"), ("replaces", "a-decision"),
    ("about", "another-goal"), ("finished", 1),
    ("category", "evaluations"), ("family_id", "FAMILY2"),
])
def test_a_header_changed_in_the_database_file_is_refused_not_shown(family_app, parent, column, value):
    sam = person(family_app, "Sam")
    with store_of(family_app) as store:
        other_family = store.create_family()
        record = store.write(family_id=demo_family(family_app), kind="agreement_item", author=sam.id, subject=sam.id,
                             body={"item": new_record_id(), "goal": None, "what": "Zwemles regelen.", "due": None,
                                   "status": "open", "who": {"kind": "person", "id": sam.id, "label": "Sam"},
                                   "by": {"side": "family", "id": sam.id, "name": "Sam"}})
    value = other_family if value == "FAMILY2" else value
    assert "Zwemles regelen." in parent.get(f"/kind/{sam.id}").get_data(as_text=True)
    path = family_app.config["ONSPLAN"].database_path
    with sqlite3.connect(path) as conn:  # someone with write access to the file, not OnsPlan
        conn.execute(f"UPDATE records SET {column} = ? WHERE id = ?", [value, record.id])
    with store_of(family_app) as store, pytest.raises(TamperedRecord):
        store.history(value if column == "family_id" else record.family_id,
                      [value if column == "kind" else "agreement_item"])
    if column != "family_id":
        response = parent.get(f"/kind/{sam.id}" if column != "subject" else f"/kind/{sam.id}/afdrukken")
        if column in ("subject", "kind", "category"):
            # The record no longer belongs where the page looks; it must still never be shown.
            assert "Zwemles regelen." not in response.get_data(as_text=True)
        else:
            assert response.status_code == 500
            text = response.get_data(as_text=True)
            assert "Zwemles regelen." not in text
            assert "buiten OnsPlan om veranderd" in text


@pytest.fixture
def seen(family_app) -> list[RecordStore]:
    """The record store of every request the app finishes, newest last."""
    stores: list[RecordStore] = []

    def keep(_sender, **_extra):
        if "record_store" in g:
            stores.append(g.record_store)

    appcontext_tearing_down.connect(keep, family_app)
    yield stores
    appcontext_tearing_down.disconnect(keep, family_app)


def test_a_page_opens_the_family_key_once_and_each_record_at_most_once(family_app, parent, seen):
    sam = person(family_app, "Sam")
    for page in ("/home", f"/kind/{sam.id}", "/toestemming", f"/toestemming/{sam.id}"):
        seen.clear()
        assert parent.get(page).status_code == 200
        store = seen[-1]
        assert store.unwraps == 1, page
        assert store.decrypts == len(store._opened), page


def test_plan_page_reads_the_same_records_however_long_the_history(family_app, parent, seen):
    """A family with years of history: every afspraak was changed many times and many people
    looked. The plan page opens only current afspraken, so its work does not grow."""
    sam = person(family_app, "Sam")
    parent.get(f"/kind/{sam.id}")
    before = seen[-1].decrypts
    with store_of(family_app) as store:
        family_id = demo_family(family_app)
        afspraken = store.current(family_id, ["agreement_item"], subject=sam.id)
        for round_ in range(40):
            for afspraak in afspraken:
                store.write(family_id=family_id, kind="agreement_item", author=sam.id, subject=sam.id,
                            body={**afspraak.body, "status": "done" if round_ % 2 else "open"})
            store.write(family_id=family_id, kind="access_event", author=WIJKTEAM, subject=sam.id,
                        body={"organisation_id": WIJKTEAM, "organisation": "Wijkteam Oost", "professional": "Karin",
                              "role": "regisseur", "kind": "plan", "basis": "consent",
                              "at": "2026-11-01T10:00:00+00:00"})
    parent.get(f"/kind/{sam.id}")
    assert seen[-1].decrypts == before


def test_start_does_not_open_finished_afspraken(family_app, parent, seen):
    """Start lists what still needs doing; years of finished afspraken cost it nothing."""
    sam = person(family_app, "Sam")
    parent.get("/home")
    before = seen[-1].decrypts
    with store_of(family_app) as store:
        for n in range(30):
            store.write(family_id=demo_family(family_app), kind="agreement_item", author=sam.id, subject=sam.id,
                        body={"item": new_record_id(), "goal": None, "what": f"Klus {n}", "due": "2026-01-01",
                              "status": "done", "who": {"kind": "person", "id": sam.id, "label": "Sam"},
                              "by": {"side": "family", "id": sam.id, "name": "Sam"}})
    page = parent.get("/home").get_data(as_text=True)
    assert seen[-1].decrypts == before
    assert "Klus 1" not in page
    assert "Afspraak maken met de huisarts over slapen." in page  # the open, overdue one still shows


def test_the_clock_starts_past_stored_values_after_a_restart(tmp_path):
    app = make_app("family", tmp_path / "family")
    ahead = HybridClock("p0a1b2c3", wall_ms=lambda: 4_102_444_800_000)  # a phone whose clock is far ahead
    made_on_phone = ahead.now()
    with store_of(app) as store:
        family_id = store.create_family()
        child = store.write(family_id=family_id, kind="person", author="test",
                            body={"name": "Mila", "role": "child", "birth_date": "2014-03-31"})
        store.apply(Record(id=new_record_id(), family_id=family_id, kind="comment", author="phone",
                           clock=str(made_on_phone), subject=child.id, body={"goal": None, "text": "x", "by": {}}))
    restarted = make_app("family", tmp_path / "family")
    with store_of(restarted) as store:
        after = store.write(family_id=family_id, kind="comment", author="test", subject=child.id,
                            body={"goal": None, "text": "y", "by": {}})
    assert Stamp.parse(after.clock) > made_on_phone


def test_records_of_the_first_format_are_sealed_again_with_their_header(tmp_path):
    """A database from before the record store opens unchanged after the upgrade, with each
    person's consent decisions chained in the order they were made."""
    from webapp.crypto import FieldCipher, load_or_create_node_key, new_data_key
    from webapp.db import connect, migrate
    from webapp.migrations import MIGRATIONS

    data = tmp_path / "family"
    config_app = make_app("family", data)  # makes the folder and the node key
    path = config_app.config["ONSPLAN"].database_path
    path.unlink()
    keys = load_or_create_node_key(config_app.config["ONSPLAN"].node_key_path)
    db = connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, step in MIGRATIONS["family"][:2]:
        step(db, keys)
        db.execute("INSERT INTO _migrations VALUES (?, '2026-01-01')", [name])
    family_id, data_key = "fam-1", new_data_key()
    db.execute("INSERT INTO families VALUES (?, ?, '2026-01-01')", [family_id, keys.wrap(family_id, data_key)])
    old = FieldCipher(data_key)
    rows = [("mum", "person", "mum", "1767225599000-000000-fa", None, {"name": "Ilse", "role": "parent"}),
            ("p1", "person", "mum", "1767225600000-000000-fa", None, {"name": "Mila", "role": "child",
                                                                     "birth_date": "2016-05-01"}),
            ("i1", "involved", "mum", "1767225600500-000000-fa", None,
             {"organisation_id": WIJKTEAM, "organisation": "Wijkteam Oost", "sector": "wijkteam", "children": ["p1"],
              "regisseur": True}),
            ("d1", "consent_decision", "mum", "1767225601000-000000-fa", "p1",
             {"organisation_id": WIJKTEAM, "organisation": "Wijkteam Oost", "kind": "plan", "granted": True,
              "role": "parent", "decided_on": "2026-01-01"}),
            ("d2", "consent_decision", "mum", "1767225602000-000000-fa", "p1",
             {"organisation_id": WIJKTEAM, "organisation": "Wijkteam Oost", "kind": "plan", "granted": False,
              "role": "parent", "decided_on": "2026-01-02"}),
            ("d3", "consent_decision", "mum", "1767225603000-000000-fa", "p1",
             {"organisation_id": WIJKTEAM, "organisation": "Wijkteam Oost", "kind": "plan", "granted": True,
              "role": "parent", "decided_on": "2026-01-03"})]
    for record_id, kind, author, clock, subject, body in rows:
        db.execute("INSERT INTO records (id, family_id, kind, category, author, clock, subject, body, stored_at)"
                   " VALUES (?, ?, ?, 'x', ?, ?, ?, ?, '2026-01-01')",
                   [record_id, family_id, kind, author, clock, subject, old.encrypt(record_id, body)])
    assert migrate(db, "family", keys) == ["0003_record_store", "0004_sign_in_delays", "0005_sync", "0006_safety", "0007_wrap_bases",
                                           "0008_objections"]
    store = RecordStore(db, keys, HybridClock("t"))
    decisions = store.history(family_id, ["consent_decision"])
    assert [(d.id, d.replaces) for d in decisions] == [("d1", None), ("d2", "d1"), ("d3", "d2")]
    assert [p.name for p in family_members(store, family_id)] == ["Ilse", "Mila"]
    # The yes after the no counts: without the chain all three would look concurrent and the no would win.
    assert may_organisation_read(store, family_id, WIJKTEAM, "p1", InfoKind.PLAN, date(2026, 1, 4)).allowed
