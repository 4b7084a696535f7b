"""The family space and the hub of the demo, the hub as a real server on loopback, and ways to
look at the hub's database the way someone holding the file and an organisation's key would."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sync.envelope import Envelope, EnvelopeError, open_verified
from sync.family import FamilySync, Report, Transport
from sync.keyring import KeyRing
from sync.keys import KeyProblem
from tests.conftest import copy_of
from tests.loopback import LoopbackServer
from webapp.consent.access import may_organisation_read
from webapp.consent.rules import DeciderRole, InfoKind
from webapp.consent.store import latest_decision_id, load_consent_facts, record_decision
from webapp.db import connect, get_db
from webapp.demo import ORGANISATIONS
from webapp.people.members import family_members
from webapp.records import get_meta, get_store

ORG = {sector: org_id for org_id, _name, sector, *_rest in ORGANISATIONS}  # wijkteam, school, jgz


@dataclass
class Roles:
    family: object
    hub: object
    server: LoopbackServer
    family_id: str

    def sync(self, today: date | None = None) -> Report:
        """One sync round of the demo family, over HTTP to the hub server."""
        with self.family.app_context():
            store = get_store()
            config_today = self.family.config["ONSPLAN"].today
            return FamilySync(store, KeyRing(get_db(), store.keys), Transport,
                              (lambda: today) if today else config_today).run(self.family_id)

    def child(self, first_name: str):
        with self.family.app_context():
            return next(p for p in family_members(get_store(), self.family_id) if p.name.split()[0] == first_name)

    def may_read(self, org_id: str, child_id: str, category: str, today: date | None = None) -> bool:
        with self.family.app_context():
            return may_organisation_read(get_store(), self.family_id, org_id, child_id, InfoKind(category),
                                         today or self.family.config["ONSPLAN"].today()).allowed

    def hub_db(self):
        return connect(self.hub.config["ONSPLAN"].database_path)

    def family_db(self):
        return connect(self.family.config["ONSPLAN"].database_path)

    def org_keys(self, org_id: str):
        """The organisation's private keys, as an attacker who also stole the hub's node key would have them."""
        with self.hub.app_context():
            return KeyRing(get_db(), self.hub.extensions["onsplan.node_key"]).all_pairs(org_id)

    def stop(self) -> None:
        self.server.stop()


def start_roles(seeded, tmp_path: Path, **family_overrides) -> Roles:
    family = copy_of(seeded, "family", tmp_path / "family", **family_overrides)
    hub = copy_of(seeded, "hub", tmp_path / "hub")
    server = LoopbackServer(hub)
    with family.app_context():
        db = get_db()
        family_id = get_meta(db, "demo_family")
        db.execute("UPDATE hub_links SET hub_url = ? WHERE family_id = ?", [server.url, family_id])
    return Roles(family, hub, server, family_id)


def what_opens(db_path_bytes_or_db, org_id: str, pairs) -> set[tuple[str, str, str]]:
    """(envelope id, child, category) of every envelope in the hub database that this organisation's
    keys open, trying every wrap in the file: no helper, no consent check, only cryptography."""
    db = db_path_bytes_or_db
    opened = set()
    wraps = db.execute("SELECT key_ref, wrapped FROM key_wraps").fetchall()
    by_ref: dict[str, list[bytes]] = {}
    for ref, wrapped in wraps:
        by_ref.setdefault(ref, []).append(wrapped)
    for envelope_id, subject, category, key_ref, raw in db.execute(
            "SELECT id, subject, category, key_ref, envelope FROM envelopes").fetchall():
        envelope = Envelope.from_json(json.loads(raw))
        for wrapped in by_ref.get(key_ref, []):
            key = _unwrap(pairs, wrapped, key_ref, org_id)
            if key is None:
                continue
            try:
                open_verified(envelope, key)
            except EnvelopeError:
                continue
            opened.add((envelope_id, subject, category))
    return opened


def _unwrap(pairs, wrapped: bytes, key_ref: str, org_id: str) -> bytes | None:
    for pair in pairs:
        try:
            return pair.unwrap(wrapped, key_ref, org_id)
        except KeyProblem:
            continue
    return None


def withdraw(roles, child, org_id, kind: InfoKind, person_first_name="Fatima", role=DeciderRole.PARENT):
    """Someone takes back a yes: a decision based on their current one, as the consent form makes it."""
    person = roles.child(person_first_name) if role is DeciderRole.YOUTH else None
    with roles.family.app_context():
        store = get_store()
        decider = person or next(p for p in family_members(store, roles.family_id)
                                 if p.name.startswith(person_first_name))
        facts = load_consent_facts(store, roles.family_id)
        record_decision(store, family_id=roles.family_id, child_id=child.id, organisation_id=org_id,
                        organisation="", kind=kind, person_id=decider.id, role=role, granted=False,
                        decided_on=roles.family.config["ONSPLAN"].today(),
                        based_on=latest_decision_id(facts, child.id, org_id, kind, decider.id))


def record_grounds(hub_app, count: int) -> None:
    """`count` legal grounds by Karin (the wijkteam's admin) for Sam, the way the workplace records them."""
    from sync.hub import Reader, record_basis
    from sync.keyring import KeyRing
    from sync.record import new_record_id
    from webapp.db import get_db
    from webapp.records import clock, node_key

    with hub_app.app_context():
        db = get_db()
        family_id = db.execute("SELECT family_id FROM enrolled_families LIMIT 1").fetchone()[0]
        child_id = db.execute("SELECT subject FROM key_wraps WHERE recipient = ? AND category = 'card' LIMIT 1",
                              [ORG["wijkteam"]]).fetchone()[0]
        karin = db.execute("SELECT id FROM professionals WHERE organisation_id = ? AND is_admin = 1",
                           [ORG["wijkteam"]]).fetchone()[0]
        reader = Reader(karin, ORG["wijkteam"], "Karin Bos", "regisseur", True)
        for n in range(count):
            record_id = new_record_id()
            record_basis(db, KeyRing(db, node_key()), clock(), node_key().field_cipher("recorded-bases"),
                         reader=reader, family_id=family_id, child_id=child_id, kind="legal_basis",
                         record_id=record_id, body={
                             "item": record_id, "organisation_id": ORG["wijkteam"], "organisation": "Wijkteam Oost",
                             "kind": "plan", "ground": "court_order", "source": f"Beschikking {n + 1}/2026",
                             "starts_on": "2026-09-01", "ends_on": None})


# The hub, started with its clock moved by `ahead` seconds (0: the right time).
LAUNCH = """
import sys, time
ahead = float(sys.argv[1])
if ahead:
    import time_machine
    time_machine.travel(time.time() + ahead, tick=True).start()
from webapp.cli import main
sys.argv = ["onsplan", "serve", "--role", "hub"]
main()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HubProcess:
    """`onsplan serve --role hub` in its own process (so it can be killed with SIGKILL, or run with its
    clock moved), restarted on the same folder and secret."""

    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "ONSPLAN_DATA_DIR": str(data_dir), "ONSPLAN_SECRET_KEY": secrets.token_urlsafe(40),
                    "ONSPLAN_PORT": str(self.port), "ONSPLAN_BASE_URL": self.url}
        self.process: subprocess.Popen | None = None

    def start(self, ahead: float = 0) -> None:
        self.log = tempfile.TemporaryFile()  # what the process logs (a file: a pipe could fill up and block it)
        self.process = subprocess.Popen([sys.executable, "-c", LAUNCH, str(ahead)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(150):
            try:
                urllib.request.urlopen(self.url + "/sync/v1/hub", timeout=1).read()  # nosec B310 (loopback)
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the hub did not start")

    def stop(self) -> str:
        """Stop the process; returns what it logged."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
