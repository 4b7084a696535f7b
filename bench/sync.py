"""Benchmark: a family's first full sync, and how fast the hub takes in envelopes.

Budgets (ARCHITECTURE.md): a first full sync of 2,000 records <= 1 s on loopback; hub ingest
throughput reported as a ratio against a floor measured in the same run: the same AES-GCM
encryptions, Ed25519 signature checks and SQLite inserts with no protocol around them.
Also: the cost of the hybrid ML-KEM-768 + X25519 key wrap against X25519 alone.

    python bench/sync.py [--records 2000] [--runs 3]

What is warm: the Python process, the apps and their SQLite files (created in this run).
What is left out: TLS (loopback HTTP), the background runner's scheduling delay.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hpke  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import x25519  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from waitress.server import create_server  # noqa: E402

from sync import hub as hub_side  # noqa: E402
from sync.envelope import seal  # noqa: E402
from sync.family import FamilySync, InProcessTransport, Transport, join_hub  # noqa: E402
from sync.keyring import NODE, KeyRing  # noqa: E402
from sync.keys import KeyPair, b64  # noqa: E402
from sync.record import Record, new_record_id  # noqa: E402
from sync.wire import canonical, key_ref, request_message  # noqa: E402
from tests.conftest import make_app  # noqa: E402
from webapp.consent.rules import DeciderRole, InfoKind  # noqa: E402
from webapp.consent.store import record_decision  # noqa: E402
from webapp.db import get_db, transaction  # noqa: E402
from webapp.demo import ORGANISATIONS, seed_hub  # noqa: E402
from webapp.people.members import add_member  # noqa: E402
from webapp.plan.queries import PlanWriter  # noqa: E402
from webapp.records import get_store, node_key  # noqa: E402

WIJKTEAM, SCHOOL = ORGANISATIONS[0][0], ORGANISATIONS[1][0]
TEXT = ("We hebben afgesproken dat Sam elke ochtend om zeven uur opstaat en dat mentor Tom op vrijdag belt. "
        "Het gaat beter dan vorige maand; de afspraak met de huisarts staat op 12 maart.")


def _family_with_history(family_app, records: int) -> str:
    """A new family with two children, consent for the wijkteam and school, and `records` records
    of plan history spread over three years (goals, comments, afspraken)."""
    today = date.today()
    with family_app.app_context():
        store = get_store()
        with transaction(store.db):
            family_id = store.create_family()
            mum = add_member(store, family_id=family_id, author="bench", name="Ouder Bench", role="parent")
            kids = [add_member(store, family_id=family_id, author=mum.id, name=name, role="child",
                               birth_date=today - timedelta(days=365 * age), school_stage="vo")
                    for name, age in (("Sam", 14), ("Lotte", 10))]
            for kid in kids:
                store.write(family_id=family_id, kind="involved", author=mum.id, body={
                    "organisation_id": WIJKTEAM, "organisation": "Wijkteam Oost", "sector": "wijkteam",
                    "professional": "Karin Bos", "role": "regisseur", "contact": "", "regisseur": True,
                    "children": [k.id for k in kids]})
                for org in (WIJKTEAM,):
                    record_decision(store, family_id=family_id, child_id=kid.id, organisation_id=org, organisation="",
                                    kind=InfoKind.PLAN, person_id=mum.id, role=DeciderRole.PARENT, granted=True,
                                    decided_on=today, based_on=None)
            writer = PlanWriter(store, family_id, {"side": "family", "id": mum.id, "name": mum.name})
            written = 0
            while written < records:
                kid = kids[written % 2]
                goal = writer.propose_goal(kid.id, life_domain="school", title=f"Doel {written}: {TEXT[:60]}",
                                           strengths=TEXT, gas=None)
                writer.comment(kid.id, goal_id=goal, text=TEXT, by_youth=False, question=False)
                writer.add_afspraak(kid.id, goal_id=goal, who={"kind": "person", "id": mum.id, "label": mum.name},
                                    what=TEXT[:120], due=today)
                written += 3
    return family_id


def _enrol(family_app, hub_app, family_id: str, hub_url: str) -> None:
    with hub_app.app_context():
        db = get_db()
        code = hub_side.make_invitation(db, KeyRing(db, node_key()), organisation_id=WIJKTEAM, created_by="bench",
                                        hub_url=hub_url, days=1)
    with family_app.app_context():
        store = get_store()
        join_hub(store, KeyRing(store.db, store.keys), lambda _url: InProcessTransport(hub_app), code, family_id,
                 hubs=(hub_url,))


def first_full_sync(records: int, over_http: bool) -> tuple[float, int]:
    data = Path(tempfile.mkdtemp(prefix="onsplan-bench-sync-"))
    hub_app, family_app = make_app("hub", data / "hub"), make_app("family", data / "family")
    seed_hub(hub_app)
    server = create_server(hub_app, host="127.0.0.1", port=0, threads=4) if over_http else None
    url = f"http://127.0.0.1:{server.effective_port}" if server else "http://127.0.0.1"  # in process: any loopback address
    if server:
        threading.Thread(target=server.run, daemon=True).start()
    family_id = _family_with_history(family_app, records)
    _enrol(family_app, hub_app, family_id, url)
    transport = Transport if over_http else (lambda _url: InProcessTransport(hub_app))
    with family_app.app_context():
        store = get_store()
        started = time.perf_counter()
        report = FamilySync(store, KeyRing(store.db, store.keys), transport).run(family_id)
        elapsed = time.perf_counter() - started
    if server:
        server.close()
    return elapsed, report.sent


def ingest(envelopes: int) -> tuple[float, float]:
    """Seconds for the hub to take in `envelopes` pushed envelopes (in process, batches of 200), and
    the floor: the same AES-GCM encryptions, signature checks and inserts without the protocol."""
    data = Path(tempfile.mkdtemp(prefix="onsplan-bench-ingest-"))
    hub_app, family_app = make_app("hub", data / "hub"), make_app("family", data / "family")
    seed_hub(hub_app)
    family_id = _family_with_history(family_app, 3)
    _enrol(family_app, hub_app, family_id, "http://127.0.0.1")  # any loopback address: the transport is in process
    with family_app.app_context():
        ring = KeyRing(get_db(), node_key())
        node, family_keys = ring.current(NODE), ring.current(family_id)
    child = "c" * 36
    ref = key_ref(family_id, child, "plan", 1)
    content_key = os.urandom(32)
    bodies = [{"goal": None, "text": TEXT, "by": {"side": "family", "id": "p", "name": "Ouder"}}
              for _ in range(envelopes)]
    sealed = [seal(Record(id=new_record_id(), family_id=family_id, kind="comment", author="p",
                          clock=f"{1790000000000 + i:013d}-000000-fbench", subject=child, body=body),
                   content_key, ref, family_keys) for i, body in enumerate(bodies)]
    requests = []
    for start in range(0, envelopes, 200):
        body = canonical({"counter": 10 + start, "envelopes": [e.to_json() for e in sealed[start:start + 200]]})
        requests.append(body)
    with hub_app.app_context():
        db = get_db()
        started = time.perf_counter()
        for body in requests:
            signature = node.sign(request_message("POST", "/sync/v1/push", family_id, body))
            caller = hub_side.authenticate(db, "POST", "/sync/v1/push", body, family_id, node.public().key_id,
                                           b64(signature))
            answer = hub_side.push(db, caller)
            assert not answer["refused"], answer["refused"][:1]
        protocol = time.perf_counter() - started

    floor_db = sqlite3.connect(data / "floor.sqlite3", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode=WAL")
    floor_db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, blob BLOB)")
    public = family_keys.public()
    started = time.perf_counter()
    for start in range(0, envelopes, 200):
        floor_db.execute("BEGIN")
        for body in bodies[start:start + 200]:
            nonce = os.urandom(12)
            ciphertext = AESGCM(content_key).encrypt(nonce, json.dumps(body).encode(), b"header")
            signature = family_keys.sign(ciphertext)
            public.verify(signature, ciphertext)
            floor_db.execute("INSERT INTO t VALUES (?, ?)", [new_record_id(), ciphertext])
        floor_db.execute("COMMIT")
    floor = time.perf_counter() - started
    return protocol, floor


def key_wrap_costs(runs: int = 300) -> dict[str, tuple[float, float, int]]:
    """(wrap ms, unwrap ms, wrapped bytes) per suite."""
    results = {}
    hybrid = KeyPair.generate()
    key = os.urandom(32)
    started = time.perf_counter()
    for _ in range(runs):
        wrapped = hybrid.public().wrap(key, "ref", "who")
    wrap_ms = (time.perf_counter() - started) / runs * 1000
    started = time.perf_counter()
    for _ in range(runs):
        hybrid.unwrap(wrapped, "ref", "who")
    results["ML-KEM-768 + X25519"] = (wrap_ms, (time.perf_counter() - started) / runs * 1000, len(wrapped))
    suite = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
    private = x25519.X25519PrivateKey.generate()
    started = time.perf_counter()
    for _ in range(runs):
        wrapped = suite.encrypt(key, private.public_key(), info=b"ref|who")
    wrap_ms = (time.perf_counter() - started) / runs * 1000
    started = time.perf_counter()
    for _ in range(runs):
        suite.decrypt(wrapped, private, info=b"ref|who")
    results["X25519"] = (wrap_ms, (time.perf_counter() - started) / runs * 1000, len(wrapped))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for over_http in (False, True):
        times = [first_full_sync(args.records, over_http) for _ in range(args.runs)]
        label = "over HTTP (waitress, loopback)" if over_http else "in process"
        print(f"first full sync of {args.records} records {label}: median "
              f"{statistics.median(t for t, _ in times):.2f} s, max {max(t for t, _ in times):.2f} s "
              f"({times[0][1]} envelopes sent)")
    ratios = []
    for _ in range(args.runs):
        protocol, floor = ingest(args.records)
        ratios.append(protocol / floor)
        print(f"hub ingest of {args.records} envelopes: {protocol:.2f} s "
              f"({args.records / protocol:.0f}/s); floor {floor:.2f} s; ratio {protocol / floor:.2f}")
    print(f"ingest ratio to the floor: median {statistics.median(ratios):.2f}")
    for suite, (wrap_ms, unwrap_ms, size) in key_wrap_costs().items():
        print(f"key wrap {suite}: wrap {wrap_ms:.3f} ms, unwrap {unwrap_ms:.3f} ms, {size} bytes")


if __name__ == "__main__":
    main()
