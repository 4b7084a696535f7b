"""The family space and the hub of the demo, the hub as a real server on loopback, and ways to
look at the hub's database the way someone holding the file and an organisation's key would."""
from __future__ import annotations

import json
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
