"""Benchmark: the hub's caseload page and a child's plan page on a hub with 100,000 children, of
which 300 share with the measured organisation. The caseload shows 50 children per page, sorted
by first name over all 300, each with the next evaluation moment and the proposals waiting (which
opens those 50 children's goals, agreements and moments).

Karin is the organisation's admin, so her caseload also lists every legal ground and emergency
recorded by her organisation in the last 30 days: 1,000 of them, made the real way
(`sync.hub.record_basis`: sealed for the family, with the details encrypted on the hub), spread over
the shared children, half legal grounds and half emergencies.

Budget: caseload p95 <= 25 ms of server time, including the unwrapping and decryption
it needs, the 1,000 grounds included. Reported in docs/performance.md.

    python bench/caseload.py [--children 100000] [--shared 300] [--grounds 1000] [--requests 200]

How the hub is filled: the 300 shared children are made the real way (a family key signs each
envelope, a content key per child and category, wrapped with HPKE for the organisation). The other
children get envelopes and wraps of the same size and shape, copied from a real one with new ids:
they are only indexed and stored here, never opened, so real cryptography for them would change
nothing but the set-up time. What is warm: the process, the SQLite file and, after the first
request, the hub's cache of unwrapped keys and checked signatures (the first request is reported
separately as cold).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import http.client  # noqa: E402

import pyotp  # noqa: E402
from waitress.server import create_server  # noqa: E402

from sync.envelope import seal  # noqa: E402
from sync.keys import KeyPair  # noqa: E402
from sync.record import Record  # noqa: E402
from sync.wire import canonical, key_ref  # noqa: E402
from tests.conftest import Actions, make_app  # noqa: E402
from webapp.auth.professionals import add_professional  # noqa: E402
from webapp.db import get_db, transaction, utcnow  # noqa: E402
from webapp.records import node_key  # noqa: E402
from sync.keyring import KeyRing  # noqa: E402

ORG = "9b1f3c2e-0001-4a55-8d0e-6f1c00000001"
NAMES = ["Sam", "Lotte", "Noor", "Daan", "Emma", "Milan", "Sara", "Finn", "Yara", "Ali", "Zoë", "Bram"]
TEXT = "Sam gaat elke schooldag naar school en is op tijd in de eerste les. Mentor Tom belt op vrijdag."
CHILDREN_PER_FAMILY = 2


def _clock(n: int) -> str:
    return f"{1760000000000 + n:013d}-000000-fbench"


def fill(hub_app, children: int, shared: int) -> tuple[str, str]:
    """Returns (a shared family id, a shared child id) for the child page."""
    with hub_app.app_context():
        db = get_db()
        ring = KeyRing(db, node_key())
        db["organisations"].insert({"id": ORG, "name": "Wijkteam Oost", "sector": "wijkteam", "created_at": utcnow()})
        org_public = ring.public(ORG)
        family_pair = KeyPair.generate()
        family_keys = json.dumps(family_pair.public().to_json())
        template_wrap = org_public.wrap(os.urandom(32), "x", "y")
        counter = 0
        first_shared = None
        with transaction(db):
            families = (children + CHILDREN_PER_FAMILY - 1) // CHILDREN_PER_FAMILY
            shared_families = (shared + CHILDREN_PER_FAMILY - 1) // CHILDREN_PER_FAMILY
            db.conn.executemany("INSERT INTO enrolled_families (family_id, node_keys, family_keys, organisation_id,"
                                " enrolled_at) VALUES (?, ?, ?, ?, ?)",
                                [(f"f{n:07d}", family_keys, family_keys, ORG, utcnow()) for n in range(families)])
            envelope_rows, wrap_rows = [], []
            template = None
            for n in range(children):
                family_id, child_id = f"f{n // CHILDREN_PER_FAMILY:07d}", f"c{n:07d}"
                is_shared = n // CHILDREN_PER_FAMILY < shared_families and n < shared
                records = [("child_card", "card", {"first_name": NAMES[n % len(NAMES)], "birth_year": 2012,
                                                   "school_stage": "vo"})]
                for g in range(3):
                    goal = str(uuid.uuid4())
                    records.append(("goal", "plan", {"item": goal, "version": 1, "status": "active",
                                                     "life_domain": "school", "title": f"Doel {g}: {TEXT[:70]}",
                                                     "strengths": TEXT, "gas": None,
                                                     "by": {"side": "family", "id": "p", "name": "Ouder"}}))
                    records.append(("comment", "plan", {"goal": goal, "text": TEXT, "by_youth": False,
                                                        "question": False,
                                                        "by": {"side": "family", "id": "p", "name": "Ouder"}}))
                    records.append(("goal_agreement", "plan", {"goal": goal, "version": 1, "side": "family",
                                                               "role": "parent", "person_id": "p", "name": "Ouder",
                                                               "agreed_on": "2026-09-01"}))
                records.append(("evaluation_moment", "plan", {"item": str(uuid.uuid4()), "date": "2027-03-15",
                                                              "title": "Evaluatie", "goals": [],
                                                              "participants": []}))
                for kind, category, body in records:
                    counter += 1
                    ref = key_ref(family_id, child_id, category, 1)
                    record = Record(id=str(uuid.uuid4()), family_id=family_id, kind=kind, author="p",
                                    clock=_clock(counter), subject=child_id, body=body)
                    if is_shared or template is None:
                        content = _content_key(family_id, child_id, category)
                        envelope = seal(record, content, ref, family_pair).to_json()
                        template = template or envelope
                    else:  # same size and shape, new ids: stored and indexed, never opened
                        envelope = {**template, "header": {**template["header"], "id": record.id,
                                                           "family": family_id, "subject": child_id,
                                                           "kind": kind, "category": category, "key_ref": ref}}
                    envelope_rows.append((record.id, family_id, child_id, kind, category, "p", record.clock, ref,
                                          "family", canonical(envelope), utcnow()))
                for category in ("card", "plan"):
                    ref = key_ref(family_id, child_id, category, 1)
                    wrap_rows.append((ref, family_id, family_id, child_id, category, template_wrap))
                    if is_shared:
                        wrap_rows.append((ref, ORG, family_id, child_id, category,
                                          org_public.wrap(_content_key(family_id, child_id, category), ref, ORG)))
                        first_shared = first_shared or (family_id, child_id)
                if len(envelope_rows) > 20_000:
                    _flush(db, envelope_rows, wrap_rows)
            _flush(db, envelope_rows, wrap_rows)
        add_professional(db, node_key(), organisation_id=ORG, login="karin", name="Karin Bos",
                         role_title="regisseur", password="bench-password-karin", is_admin=True)
        add_professional(db, node_key(), organisation_id=ORG, login="piet", name="Piet Smit",
                         role_title="regisseur", password="bench-password-piet")
        db.execute("PRAGMA optimize")
    return first_shared


def record_grounds(hub_app, count: int, shared: int) -> None:
    """`count` legal grounds and emergencies recorded by the organisation, the way the workplace does."""
    from sync.hub import Reader, record_basis

    with hub_app.app_context():
        db = get_db()
        ring, hlc = KeyRing(db, node_key()), hub_app.extensions["onsplan.clock"]
        details = node_key().field_cipher("recorded-bases")
        professional = db.execute("SELECT id FROM professionals").fetchone()[0]
        reader = Reader(professional, ORG, "Karin Bos", "regisseur", True)
        today = time.strftime("%Y-%m-%d")
        for n in range(count):
            child = n % shared
            family_id, child_id, record_id = f"f{child // CHILDREN_PER_FAMILY:07d}", f"c{child:07d}", str(uuid.uuid4())
            common = {"item": record_id, "organisation_id": ORG, "organisation": "Wijkteam Oost", "kind": "plan"}
            if n % 2:
                body, kind = {**common, "ground": "jeugdbescherming", "source": f"Beschikking {n}/2026",
                              "starts_on": "2026-09-01", "ends_on": None}, "legal_basis"
            else:
                body, kind = {**common, "reason": TEXT, "professional": "Karin Bos", "role": "regisseur",
                              "recorded_on": today, "ends_on": today}, "emergency_access"
            record_basis(db, ring, hlc, details, reader=reader, family_id=family_id, child_id=child_id, kind=kind,
                         body=body, record_id=record_id)


_KEYS: dict[tuple, bytes] = {}


def _content_key(family_id: str, child_id: str, category: str) -> bytes:
    return _KEYS.setdefault((family_id, child_id, category), os.urandom(32))


def _flush(db, envelope_rows: list, wrap_rows: list) -> None:
    db.conn.executemany("INSERT INTO envelopes (id, family_id, subject, kind, category, author, clock, key_ref,"
                        " origin, envelope, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", envelope_rows)
    db.conn.executemany("INSERT INTO key_wraps (key_ref, recipient, family_id, subject, category, wrapped)"
                        " VALUES (?, ?, ?, ?, ?, ?)", wrap_rows)
    envelope_rows.clear()
    wrap_rows.clear()


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


def _signed_in(hub_app, login: str):
    client = hub_app.test_client()
    actions = Actions(client)
    actions.post_form("/inloggen", login=login, password=f"bench-password-{login}")
    with hub_app.app_context():
        professional_id, sealed = get_db().execute("SELECT id, totp_secret FROM professionals WHERE login_hash = ?",
                                                   [node_key().lookup_hash("professional", login)]).fetchone()
        secret = node_key().field_cipher("professional").decrypt(professional_id, sealed)
    assert actions.post_form("/inloggen/code", code=pyotp.TOTP(secret).now()).status_code == 303
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--shared", type=int, default=300)
    parser.add_argument("--grounds", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="onsplan-bench-caseload-"))
    hub_app = make_app("hub", data)
    started = time.perf_counter()
    family_id, child_id = fill(hub_app, args.children, args.shared)
    record_grounds(hub_app, args.grounds, args.shared)
    size = hub_app.config["ONSPLAN"].database_path.stat().st_size / 1e6
    print(f"filled a hub with {args.children} children ({args.shared} shared with the organisation) and "
          f"{args.grounds} legal grounds and emergencies recorded by it in {time.perf_counter() - started:.0f} s "
          f"({size:.0f} MB)")
    client = _signed_in(hub_app, "karin")
    pages = {"child's plan": f"/werkplek/kind/{family_id}/{child_id}", "caseload": "/werkplek"}
    for label, path in pages.items():
        started = time.perf_counter()
        first = client.get(path)
        cold = (time.perf_counter() - started) * 1000
        assert first.status_code == 200, first.status_code
        if label == "caseload":  # the admin sees the organisation's grounds and emergencies
            html = first.get_data(as_text=True)
            shown = html.split('id="alerts-title"')[1].split("</section>")[0].count("<li>") if args.grounds else 0
            print(f"the caseload lists {shown} of the {args.grounds} grounds and emergencies")
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"{label} in process: first (cold cache) {cold:.0f} ms; then {_percentiles(times)} "
              f"over {args.requests} requests")
    # The same caseload for a colleague who is not the admin (no list of grounds), in the same run:
    # what the admin's list adds.
    colleague = _signed_in(hub_app, "piet")
    colleague.get("/werkplek")
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        assert colleague.get("/werkplek").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    print(f"caseload of a colleague who is not the admin, in process: {_percentiles(times)} over {args.requests}"
          " requests")
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    server = create_server(hub_app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    for label, path in pages.items():
        times = []
        for _ in range(min(args.requests, 100)):
            connection = http.client.HTTPConnection("127.0.0.1", server.effective_port)
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            connection.close()
            assert response.status == 200, response.status
        print(f"{label} over HTTP (waitress, loopback): {_percentiles(times)} over {len(times)} requests")
    server.task_dispatcher.shutdown()  # let the last answers finish before the socket closes
    server.close()
    time.sleep(0.2)
    with hub_app.app_context():
        reads = get_db().execute("SELECT COUNT(*) FROM read_events").fetchone()[0]
    print(f"read events logged: {reads}")


if __name__ == "__main__":
    main()
