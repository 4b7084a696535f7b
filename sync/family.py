"""The family space's side of sync/v1: join a hub, decide the key wraps, push, pull.

The family space opens every connection; the hub never calls it. One round for one family:

1. refresh the hub's directory (refused unless the pinned hub key signed it);
2. pull what the hub made for the family, check each signature against the directory, and apply it;
3. ask ``may_organisation_read`` for every child, category and organisation, and turn the answers
   into key wraps to add and to delete; a deletion starts a new epoch for that child and category;
   each organisation's wrap carries the basis it is given on (consent, legal ground, emergency),
   sealed for that organisation, and is sent again when that basis changes;
4. push the wraps and the records stored since the last push, sealed and signed by the family key.

State (cursors, the request counter, when sent and received, the last error) lives in
``hub_links``, so a restart resumes where the last round stopped.
"""
from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable
from urllib.parse import urlsplit

from sync.envelope import Envelope, EnvelopeError, open_verified, seal, verify
from sync.hub import HUB_KINDS
from sync.keyring import NODE, KeyRing
from sync.keys import KeyProblem, PublicKeys, b64, unb64
from sync.record import CATEGORY_CARD, SHARED_CATEGORIES, Record
from sync.status import recipient_mark
from sync.wire import (
    HEADER_FAMILY, HEADER_KEY, HEADER_SIGNATURE, INVITATION_PREFIX, MAX_BATCH, PREFIX, Invitation, SyncError,
    canonical, check_directory, load_json, check_hub_address, hub_tag, key_ref, parse_key_ref, request_message, split_hub_code,
)
from webapp.consent.access import may_organisation_read
from webapp.consent.rules import InfoKind
from webapp.db import transaction, utcnow
from webapp.people.members import family_members
from webapp.plan.queries import settle_after_arrival
from webapp.records import RecordIdTaken, RecordRefused, RecordStore

PUSH_BYTES = 200 * 1024  # stay below the hub's request limit
OBJECTIONS_PER_REQUEST = 20  # objections to an emergency sent in one request (more wait for the next round)
CARD_NAMESPACE = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")
# Versioned items an organisation may write versions of only when it made the item itself.
VERSIONED_KINDS = frozenset({"goal", "agreement_item", "evaluation_moment", "legal_basis", "emergency_access"})


class Transport:
    """HTTP to one hub, JSON in and out; a refusal becomes SyncError with the hub's reason."""

    def __init__(self, base_url: str, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def get(self, path: str) -> dict:
        return self._send(urllib.request.Request(self.base_url + path, method="GET"))

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> dict:
        request = urllib.request.Request(self.base_url + path, data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> dict:
        # Reviewed for bandit B310: the URL is the hub's http(s) address pinned at enrolment.
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                return _json_object(response.read())
        except urllib.error.HTTPError as error:
            try:
                answer = _json_object(error.read())
            except SyncError:
                answer = {}
            reason = answer.get("error") if isinstance(answer.get("error"), str) else f"the hub answered {error.code}"
            problem = SyncError(reason, error.code, permanent=bool(answer.get("permanent")) and error.code < 500)
            if isinstance(answer.get("last_counter"), int):
                problem.last_counter = answer["last_counter"]  # type: ignore[attr-defined]
            raise problem from None
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
            raise SyncError(f"the hub cannot be reached ({type(error).__name__})", 0, permanent=False) from None


def _json_object(raw: bytes) -> dict:
    try:
        data = load_json(raw)
    except ValueError:
        raise SyncError("the hub's answer is not JSON", 0, permanent=False) from None
    if not isinstance(data, dict):
        raise SyncError("the hub's answer is not a JSON object", 0, permanent=False)
    return data


class InProcessTransport(Transport):
    """The same requests to a hub app in this process (the demo's seeding and the benchmark's
    in-process figures); everything else uses HTTP."""

    def __init__(self, app) -> None:
        super().__init__("http://in-process")
        self.client = app.test_client()

    def get(self, path: str) -> dict:
        return self._answer(self.client.get(path))

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> dict:
        return self._answer(self.client.post(path, data=body, headers=headers, content_type="application/json"))

    @staticmethod
    def _answer(response) -> dict:
        answer = _json_object(response.get_data())
        if response.status_code >= 400:
            problem = SyncError(str(answer.get("error", response.status_code)), response.status_code,
                                permanent=bool(answer.get("permanent")))
            if isinstance(answer.get("last_counter"), int):
                problem.last_counter = answer["last_counter"]  # type: ignore[attr-defined]
            raise problem
        return answer


TransportFor = Callable[[str], Transport]


# Joining a hub -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Joined:
    """What the family space learns when a family joins a hub: where it is, and who invited them."""

    hub_url: str
    organisation: "Organisation | None"
    regisseur: dict | None  # {"name", "role"} of the professional who made the code, if one did


def known_hubs(db, configured: tuple[str, ...] = ()) -> list[str]:
    """The hubs whose short codes this family space accepts: those configured (``hubs``) and those
    its families joined already."""
    linked = [row[0] for row in db.execute("SELECT DISTINCT hub_url FROM hub_links ORDER BY hub_url").fetchall()]
    return list(dict.fromkeys([*configured, *linked]))


def _find_hub(db, transport_for: TransportFor, tag: str, candidates: list[str]) -> tuple[str, PublicKeys]:
    """The known hub whose key gives this code's first four characters; SyncError when none does."""
    unreachable = None
    for url in candidates:
        pinned = db.execute("SELECT hub_keys FROM hub_links WHERE hub_url = ? LIMIT 1", [url]).fetchone()
        try:
            check_hub_address(url)
            keys = (PublicKeys.from_json(json.loads(pinned[0])) if pinned
                    else PublicKeys.from_json(transport_for(url).get(PREFIX + "/hub").get("keys")))
        except SyncError as problem:
            unreachable = unreachable or problem
            continue
        except KeyProblem:
            continue
        if hub_tag(keys.key_id) == tag:
            return url, keys
    if unreachable is not None and unreachable.status == 0:
        raise unreachable
    raise SyncError("this code does not belong to a hub this family space works with", 404)


def join_hub(store: RecordStore, ring: KeyRing, transport_for: TransportFor, code: str, family_id: str,
             hubs: tuple[str, ...] = ()) -> Joined:
    """Enrol a family with a hub's invitation: a short code (the hub is one this family space knows,
    found by the code's first four characters) or a long signed one (the hub's address inside, its
    key checked against the code). Pins the hub's key, registers the family's public keys and keeps
    the hub's directory. Raises SyncError."""
    if store.db.execute("SELECT 1 FROM hub_links WHERE family_id = ?", [family_id]).fetchone():
        raise SyncError("this family has joined a hub already", 409)
    code = "".join(code.split())
    if code.startswith(INVITATION_PREFIX):
        invitation, payload, signature = Invitation.decode(code)
        if invitation.expires_at < utcnow():
            raise SyncError("this invitation has expired", 403)
        hub_url = invitation.hub_url
        try:
            hub_keys = PublicKeys.from_json(transport_for(hub_url).get(PREFIX + "/hub").get("keys"))
        except KeyProblem:
            raise SyncError("the hub sent keys that are not valid", 0) from None
        if hub_keys.key_id != invitation.hub_key_id:
            raise SyncError("the hub's key does not match the invitation", 403)
        Invitation.check(payload, signature, hub_keys)
    else:
        parts = split_hub_code(code)
        if parts is None:
            raise SyncError("this is not a hub invitation code")
        hub_url, hub_keys = _find_hub(store.db, transport_for, parts[0], known_hubs(store.db, hubs))
        code = parts[0] + parts[1]
    transport = transport_for(hub_url)
    node, family_keys = ring.current(NODE), ring.current(family_id)
    body = canonical({"invitation": code, "family": family_id,
                      "node": node.public().to_json(), "family_keys": family_keys.public().to_json()})
    answer = transport.post(PREFIX + "/enrol", body, {
        HEADER_SIGNATURE: b64(node.sign(request_message("POST", PREFIX + "/enrol", family_id, body)))})
    store.db.execute("INSERT INTO hub_links (family_id, hub_url, hub_keys, enrolled_at, wanted_at, node_key_id,"
                     " family_key_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [family_id, hub_url, json.dumps(hub_keys.to_json()), utcnow(), utcnow(),
                      node.public().key_id, family_keys.public().key_id])
    organisations: dict[str, Organisation] = {}
    try:  # the directory now, so the family sees the organisations before the first round
        signed = transport.get(PREFIX + "/directory")
        organisations = _organisations(check_directory(signed, hub_keys))
        store.db.execute("UPDATE hub_links SET directory = ?, directory_at = ? WHERE family_id = ?",
                         [store.keys.field_cipher("directory").encrypt(family_id, signed), utcnow(), family_id])
    except SyncError:
        pass  # joined all the same; the first round fetches it
    regisseur = answer.get("regisseur")
    regisseur = regisseur if isinstance(regisseur, dict) and all(
        isinstance(regisseur.get(k), str) for k in ("name", "role")) else None
    return Joined(hub_url, organisations.get(str(answer.get("organisation"))), regisseur)


def join_hub_as_new_family(store: RecordStore, ring: KeyRing, transport_for: TransportFor, code: str,
                           hubs: tuple[str, ...] = ()) -> tuple[str, Joined]:
    """Make a new family and enrol it with the hub of the invitation; returns the family id and
    what it joined. Raises SyncError, and then nothing is left behind."""
    family_id = store.create_family()
    try:
        joined = join_hub(store, ring, transport_for, code, family_id, hubs)
    except SyncError:
        with transaction(store.db):
            ring.forget(family_id)
            store.forget_new_family(family_id)
        raise
    return family_id, joined


def hub_directory(store: RecordStore, family_id: str) -> tuple[str, dict[str, "Organisation"]]:
    """The hub's name and organisations as the family space last received them (signed by the
    pinned hub key when they came); empty when the family has not joined a hub."""
    row = store.db.execute("SELECT hub_url, directory FROM hub_links WHERE family_id = ?", [family_id]).fetchone()
    if row is None or row[1] is None:
        return "", {}
    listing = store.keys.field_cipher("directory").decrypt(family_id, row[1]).get("directory", {})
    name = listing.get("name") if isinstance(listing.get("name"), str) else ""
    return name or (urlsplit(row[0]).hostname or row[0]), _organisations(listing)


# One round --------------------------------------------------------------------------------

@dataclass
class Report:
    """What one round did, in numbers and ids only (safe for logs and the operator)."""

    sent: int = 0
    received: int = 0
    wraps_added: int = 0
    wraps_deleted: int = 0
    objections: int = 0  # objections to an emergency the hub received this round
    refused: list[tuple[str, str]] = field(default_factory=list)  # (record id, reason)


@dataclass(frozen=True)
class WrapToSend:
    key_ref: str
    recipient: str
    wrapped: bytes
    basis: bytes | None      # the basis, sealed for the recipient (None for the family's own wraps)
    basis_mark: str | None   # what wraps_at_hub keeps once the hub has it


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    sector: str
    keys: tuple[PublicKeys, ...]  # current first


class FamilySync:
    """One sync round for one family (see the module docstring)."""

    def __init__(self, store: RecordStore, ring: KeyRing, transport_for: TransportFor,
                 today: Callable[[], date] = date.today) -> None:
        self.store, self.db, self.ring = store, store.db, ring
        self.transport_for, self.today = transport_for, today

    def run(self, family_id: str) -> Report:
        """Push and pull until both are done; records the outcome in ``hub_links``. Raises SyncError."""
        link = self._link(family_id)
        transport = self.transport_for(link["hub_url"])
        self.db.execute("UPDATE hub_links SET last_attempt_at = ?, wanted_at = NULL WHERE family_id = ?",
                        [utcnow(), family_id])
        report = Report()
        try:
            organisations = self._refresh_directory(family_id, transport, link)
            self._announce_keys(family_id, transport, link)
            # Pull first: a legal basis or a withdrawal-relevant record that just arrived counts in
            # this round's wraps, and what arriving records make the family space write goes out now.
            self._pull(family_id, transport, organisations, report)
            self._push(family_id, transport, organisations, report)
            self._send_objections(family_id, transport, organisations, report)
        except SyncError as problem:
            failures = link["failures"] + 1
            self.db.execute("UPDATE hub_links SET failures = ?, last_error = ?, next_attempt_at = ? WHERE family_id = ?",
                            [failures, problem.reason, _backoff(failures), family_id])
            raise
        self.db.execute("UPDATE hub_links SET failures = 0, last_error = NULL, next_attempt_at = NULL"
                        " WHERE family_id = ?", [family_id])
        return report

    def wait_for_news(self, family_id: str, wait: int = 12) -> bool:
        """Ask the hub to answer when it has something new for this family (a long poll, at most
        `wait` seconds); with news, the next round is wanted now. Also tells the hub that what was
        pulled so far has arrived. Raises SyncError."""
        link = self._link(family_id)
        transport = self.transport_for(link["hub_url"])
        answer = self._send(family_id, transport, "/wait", {"after": link["pull_cursor"], "wait": wait})
        if answer.get("news") is True:
            self.db.execute("UPDATE hub_links SET wanted_at = ? WHERE family_id = ?", [utcnow(), family_id])
            return True
        return False

    def _link(self, family_id: str) -> dict:
        row = self.db.execute("SELECT * FROM hub_links WHERE family_id = ?", [family_id]).fetchone()
        if row is None:
            raise SyncError("this family has not joined a hub", 0)
        columns = [c[0] for c in self.db.execute("SELECT * FROM hub_links LIMIT 0").description]
        return dict(zip(columns, row))

    # Directory ---------------------------------------------------------------------------

    def _refresh_directory(self, family_id: str, transport: Transport, link: dict) -> dict[str, Organisation]:
        hub_keys = PublicKeys.from_json(json.loads(link["hub_keys"]))
        signed = transport.get(PREFIX + "/directory")
        listing = check_directory(signed, hub_keys)
        # Which organisations the hub knows is no secret, but it is kept encrypted like everything else.
        self.db.execute("UPDATE hub_links SET directory = ?, directory_at = ? WHERE family_id = ?",
                        [self.store.keys.field_cipher("directory").encrypt(family_id, signed), utcnow(), family_id])
        return _organisations(listing)

    # Objections ----------------------------------------------------------------------------

    def _send_objections(self, family_id: str, transport: Transport, organisations: dict[str, Organisation],
                         report: Report) -> None:
        """Objections to an emergency that the hub has not received: each sealed for the organisation
        that recorded the emergency (and bound to its id), so only that organisation can read it,
        whatever the family shares with it."""
        sent = {row[0] for row in self.db.execute("SELECT record_id FROM objections_sent WHERE family_id = ?"
                                                   " UNION SELECT record_id FROM sync_refusals WHERE family_id = ?"
                                                   " AND direction = 'push'", [family_id, family_id])}
        waiting = [r for r in self.store.history(family_id, ["emergency_objection"]) if r.id not in sent]
        items = []
        for record in waiting[:OBJECTIONS_PER_REQUEST]:
            organisation = organisations.get(record.body["organisation_id"])
            if organisation is None or record.subject is None:
                continue  # the organisation left the hub: nobody to tell
            note = canonical({"text": record.body.get("text", ""), "by": record.body.get("by", ""),
                              "on": record.body.get("on", "")})
            items.append({"id": record.id, "subject": record.subject, "organisation": organisation.id,
                          "about": record.body["emergency"],
                          "sealed": b64(organisation.keys[0].seal_note(note, f"objection/{record.id}",
                                                                       organisation.id))})
        if not items:
            return
        try:
            answer = self._send(family_id, transport, "/objections", {"objections": items})
        except SyncError as problem:
            if problem.status == 404:
                return  # a hub that does not take objections yet: they wait, the rest of the round counts
            if not problem.permanent:
                raise
            for item in items:  # refused for good: shown to the operator, not sent again
                self._refusal(family_id, item["id"], "push", problem.reason)
                report.refused.append((item["id"], problem.reason))
            return
        received = [i for i in answer.get("received", []) if isinstance(i, str)]
        with transaction(self.db):
            self.db.conn.executemany("INSERT OR IGNORE INTO objections_sent (record_id, family_id, sent_at)"
                                     " VALUES (?, ?, ?)", [(i, family_id, utcnow()) for i in received])
        report.objections += len(received)

    # Push --------------------------------------------------------------------------------

    def _push(self, family_id: str, transport: Transport, organisations: dict[str, Organisation],
              report: Report) -> None:
        removals, additions = self._plan_wraps(family_id, organisations)
        self._push_wraps(family_id, transport, removals, additions, report)
        cards = self._cards(family_id, organisations)
        pushed_seq = self._link(family_id)["pushed_seq"]
        first = True
        while True:
            batch, last_seq = self._envelopes(family_id, pushed_seq)
            if first:
                batch = [envelope for envelope, _child in cards["envelopes"]] + batch
            if not batch:
                if last_seq > pushed_seq:  # only records that stay in the family space: nothing to send
                    self.db.execute("UPDATE hub_links SET pushed_seq = ? WHERE family_id = ?", [last_seq, family_id])
                    pushed_seq = last_seq
                    first = False
                    continue
                return
            answer = self._send(family_id, transport, "/push", {"envelopes": [envelope.to_json() for envelope in batch]})
            refused = answer.get("refused") if isinstance(answer.get("refused"), list) else []
            temporary = [r for r in refused if isinstance(r, dict) and not r.get("permanent", True)]
            with transaction(self.db):
                if first:
                    self.db.execute("UPDATE hub_links SET cards = ? WHERE family_id = ?",
                                    [json.dumps(cards["sent"]), family_id])
                for refusal in refused:
                    if isinstance(refusal, dict) and refusal.get("permanent", True):
                        record_id, reason = str(refusal.get("id") or "?"), str(refusal.get("reason", ""))
                        self._refusal(family_id, record_id, "push", reason)
                        report.refused.append((record_id, reason))
                if not temporary:
                    pushed_seq = last_seq
                    self.db.execute("UPDATE hub_links SET pushed_seq = ?, last_sent_at = ? WHERE family_id = ?",
                                    [pushed_seq, utcnow(), family_id])
            accepted = answer.get("accepted")
            report.sent += len(accepted) if isinstance(accepted, list) else 0
            first = False
            if temporary:
                raise SyncError(str(temporary[0].get("reason", "the hub could not store everything")), 0,
                                permanent=False)

    def _push_wraps(self, family_id: str, transport: Transport, removals: list[tuple[str, str]],
                    additions: list[WrapToSend], report: Report) -> None:
        """Deletions first (a withdrawal is the first thing the hub hears), then the wraps to send,
        in requests that stay below the hub's limit; each request is confirmed on its own answer."""
        chunks: list[list[WrapToSend]] = [[]]
        size = 0
        for wrap in additions:
            wrap_size = len(wrap.wrapped) * 4 // 3 + (len(wrap.basis) * 4 // 3 if wrap.basis else 0) + 400
            if chunks[-1] and size + wrap_size > PUSH_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append(wrap)
            size += wrap_size
        for index, chunk in enumerate(chunks):
            unwraps = removals if index == 0 else []
            if not chunk and not unwraps:
                continue
            request = {"envelopes": [],
                       "wraps": [{"key_ref": w.key_ref, "recipient": w.recipient, "wrapped": b64(w.wrapped),
                                  **({"basis": b64(w.basis)} if w.basis else {})} for w in chunk],
                       "unwraps": [{"key_ref": ref, "recipient": who} for ref, who in unwraps]}
            # Until the hub answers, a wrap sent is a wrap the hub may hold: if the answer is lost,
            # a later withdrawal still deletes it (rows with confirmed = 0). A wrap being deleted is
            # no longer surely held either: if the answer is lost and the family shares again, it is
            # sent again rather than believed to be there.
            self.db.conn.executemany("INSERT OR IGNORE INTO wraps_at_hub (key_ref, recipient, family_id, confirmed)"
                                     " VALUES (?, ?, ?, 0)", [(w.key_ref, self._hidden(w.recipient), family_id)
                                                              for w in chunk])
            self.db.conn.executemany("UPDATE wraps_at_hub SET confirmed = 0 WHERE key_ref = ? AND recipient = ?",
                                     [(ref, self._hidden(who)) for ref, who in unwraps])
            self._send(family_id, transport, "/push", request)
            with transaction(self.db):
                for ref, who in unwraps:
                    self.db.execute("DELETE FROM wraps_at_hub WHERE key_ref = ? AND recipient = ?",
                                    [ref, self._hidden(who)])
                for w in chunk:
                    self.db.execute("UPDATE wraps_at_hub SET confirmed = 1, basis_mark = ? WHERE key_ref = ?"
                                    " AND recipient = ?", [w.basis_mark, w.key_ref, self._hidden(w.recipient)])
            report.wraps_added += len(chunk)
            report.wraps_deleted += len(unwraps)

    def _envelopes(self, family_id: str, after: int) -> tuple[list[Envelope], int]:
        """The next batch of this family's records to send, sealed; and the last seq it covers."""
        envelopes: list[Envelope] = []
        size, last = 0, after
        signer = self.ring.current(family_id)
        for seq, record in self.store.changes_after(family_id, after, MAX_BATCH):
            if self._travels(record):
                envelope = seal(record, *self._current_key(family_id, record.subject, record.category), signer)
                envelope_size = len(canonical(envelope.to_json()))
                if envelopes and size + envelope_size > 200 * 1024:
                    break
                envelopes.append(envelope)
                size += envelope_size
            last = seq
        return envelopes, last

    def _travels(self, record: Record) -> bool:
        if record.subject is None or record.category not in SHARED_CATEGORIES:
            return False
        return self.db.execute("SELECT 1 FROM from_hub WHERE record_id = ?", [record.id]).fetchone() is None

    # Key wraps ----------------------------------------------------------------------------

    def _allowed(self, family_id: str, organisations: dict[str, Organisation]
                 ) -> dict[tuple[str, str], dict[str, str | None]]:
        """Per (child, category): who may hold its keys now, each organisation with the basis it may
        read on. The one decider is may_organisation_read."""
        today = self.today()
        allowed: dict[tuple[str, str], dict[str, str | None]] = {}
        for child in (p for p in family_members(self.store, family_id) if p.is_child):
            readers_of_anything: set[str] = set()
            for category in SHARED_CATEGORIES:
                readers: dict[str, str | None] = {family_id: None}
                for org in organisations.values():
                    decision = may_organisation_read(self.store, family_id, org.id, child.id, InfoKind(category),
                                                     today)
                    if decision.allowed:
                        readers[org.id] = decision.basis.value if decision.basis else None
                allowed[(child.id, category)] = readers
                readers_of_anything |= set(readers)
            allowed[(child.id, CATEGORY_CARD)] = dict.fromkeys(readers_of_anything)
        return allowed

    def _plan_wraps(self, family_id: str, organisations: dict[str, Organisation]
                    ) -> tuple[list[tuple[str, str]], list["WrapToSend"]]:
        """The wraps to delete and the wraps to send: new ones, and ones whose basis changed (the
        hub shows a professional the basis the family gives, sealed for their organisation)."""
        allowed = self._allowed(family_id, organisations)
        for child, category in allowed:
            self._current_key(family_id, child, category)  # every child and category has a key to wrap
        known = {self._hidden(who): who for who in (family_id, *organisations)}
        rows = self.db.execute("SELECT key_ref, recipient, confirmed, basis_mark FROM wraps_at_hub WHERE family_id = ?",
                               [family_id]).fetchall()
        maybe_at_hub = {(ref, known[hidden]) for ref, hidden, _confirmed, _mark in rows if hidden in known}
        at_hub = {(ref, known[hidden]): mark for ref, hidden, confirmed, mark in rows if hidden in known and confirmed}
        removals = []
        for ref, who in sorted(maybe_at_hub):
            child, category = parse_key_ref(ref, family_id)
            if who not in allowed.get((child, category), {family_id: None}):
                removals.append((ref, who))
        for child, category in {parse_key_ref(ref, family_id) for ref, _who in removals}:
            if category in SHARED_CATEGORIES or category == CATEGORY_CARD:
                self._new_epoch(family_id, child, category)  # what is written after a withdrawal: a new key
        additions = []
        for ref, child, category in self.db.execute(
                "SELECT key_ref, subject, category FROM content_keys WHERE family_id = ? ORDER BY key_ref",
                [family_id]).fetchall():
            content_key = None
            readers = allowed.get((child, category), {family_id: None})
            for who in sorted(readers):
                basis = readers[who]
                mark = self._basis_mark(ref, who, basis)
                if (ref, who) in at_hub and (ref, who) not in removals and at_hub[(ref, who)] == mark:
                    continue
                public = self.ring.public(family_id) if who == family_id else organisations[who].keys[0]
                content_key = content_key or self._content_key(family_id, ref)
                note = public.seal_note(canonical({"basis": basis}), ref, who) if basis else None
                additions.append(WrapToSend(ref, who, public.wrap(content_key, ref, who), note, mark))
        return removals, additions

    def _basis_mark(self, ref: str, who: str, basis: str | None) -> str | None:
        """What wraps_at_hub keeps of the basis told to the hub: a keyed hash, never the basis itself."""
        return self.store.keys.lookup_hash("wrap-basis", f"{ref}|{who}|{basis}") if basis else None

    def _current_key(self, family_id: str, child: str, category: str) -> tuple[bytes, str]:
        row = self.db.execute("SELECT key_ref FROM content_keys WHERE family_id = ? AND subject = ? AND category = ?"
                              " AND epoch > 0 ORDER BY epoch DESC LIMIT 1", [family_id, child, category]).fetchone()
        ref = row[0] if row else self._new_epoch(family_id, child, category)
        return self._content_key(family_id, ref), ref

    def _new_epoch(self, family_id: str, child: str, category: str) -> str:
        epoch = self.db.execute("SELECT COALESCE(MAX(epoch), 0) + 1 FROM content_keys WHERE family_id = ?"
                                " AND subject = ? AND category = ?", [family_id, child, category]).fetchone()[0]
        ref = key_ref(family_id, child, category, epoch)
        self._keep_key(family_id, ref, child, category, epoch, os.urandom(32))
        return ref

    def _keep_key(self, family_id: str, ref: str, child: str, category: str, epoch: int, key: bytes) -> None:
        self.db.execute("INSERT OR IGNORE INTO content_keys (key_ref, family_id, subject, category, epoch, key,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [ref, family_id, child, category, epoch,
                         self.store.cipher(family_id).encrypt("content-key|" + ref, b64(key)), utcnow()])

    def _content_key(self, family_id: str, ref: str) -> bytes:
        row = self.db.execute("SELECT key FROM content_keys WHERE key_ref = ?", [ref]).fetchone()
        return unb64(self.store.cipher(family_id).decrypt("content-key|" + ref, row[0]), "content key", 32)

    # Child cards --------------------------------------------------------------------------

    def _cards(self, family_id: str, organisations: dict[str, Organisation]) -> dict:
        """The minimal card per child (first name, birth year, school stage), sent again when it changes."""
        sent = json.loads(self._link(family_id)["cards"])
        envelopes = []
        signer = self.ring.current(family_id)
        for child in (p for p in family_members(self.store, family_id) if p.is_child):
            body = {"first_name": child.name.split()[0] if child.name.strip() else "",
                    "birth_year": child.birth_date.year if child.birth_date else None,
                    "school_stage": child.school_stage}
            card_id = str(uuid.uuid5(CARD_NAMESPACE, f"{family_id}|{child.id}|{canonical(body).decode()}"))
            if sent.get(child.id) == card_id:
                continue
            record = Record(id=card_id, family_id=family_id, kind="child_card", author=family_id,
                            clock=str(self.store.hlc.now()), subject=child.id, body=body,
                            replaces=sent.get(child.id))
            envelopes.append((seal(record, *self._current_key(family_id, child.id, CATEGORY_CARD), signer), child.id))
            sent[child.id] = card_id
        return {"envelopes": envelopes, "sent": sent}

    # Pull --------------------------------------------------------------------------------

    def _pull(self, family_id: str, transport: Transport, organisations: dict[str, Organisation],
              report: Report) -> None:
        while True:
            cursor = self._link(family_id)["pull_cursor"]
            answer = self._send(family_id, transport, "/pull", {"after": cursor, "limit": MAX_BATCH})
            items = answer.get("envelopes")
            if not isinstance(items, list):
                raise SyncError("the hub's pull answer is malformed", 0, permanent=False)
            sequence = [item.get("seq") if isinstance(item, dict) else None for item in items]
            if not all(isinstance(seq, int) and not isinstance(seq, bool) for seq in sequence) or any(
                    later <= earlier for earlier, later in zip([cursor, *sequence], sequence)):
                # Checked before anything is applied: the cursor must never skip a record.
                raise SyncError("the hub's pull answer is out of order", 0, permanent=False)
            last = cursor
            for item, seq in zip(items, sequence):
                try:
                    if self._apply(family_id, item, organisations):
                        report.received += 1
                except (SyncError, EnvelopeError, KeyProblem, RecordRefused, RecordIdTaken) as problem:
                    reason = getattr(problem, "reason", None) or str(problem)
                    envelope_id = _envelope_id(item)
                    self._refusal(family_id, envelope_id, "pull", reason)
                    report.refused.append((envelope_id, reason))
                last = seq
                # The cursor moves only after the record is committed, and only forward.
                self.db.execute("UPDATE hub_links SET pull_cursor = MAX(pull_cursor, ?), last_received_at = ?"
                                " WHERE family_id = ?", [last, utcnow(), family_id])
            if not items:
                self.db.execute("UPDATE hub_links SET last_received_at = ? WHERE family_id = ?",
                                [utcnow(), family_id])
                return
            # After applying something, ask once more: that also tells the hub what is now received
            # (a legal basis waits on the hub until the family space has it).

    def _apply(self, family_id: str, item: dict, organisations: dict[str, Organisation]) -> bool:
        envelope = Envelope.from_json(item.get("envelope"))
        h = envelope.header
        if h.family != family_id:
            raise SyncError("the record belongs to another family")
        if h.kind not in HUB_KINDS:
            raise SyncError("an organisation cannot make this kind of record")
        organisation = organisations.get(h.author)
        signer = next((k for k in organisation.keys if k.key_id == h.signer), None) if organisation else None
        if signer is None:
            raise SyncError("the record is not signed by a key of its organisation in the directory")
        verify(envelope, signer)
        if h.subject is None or parse_key_ref(h.key_ref, family_id) != (h.subject, h.category):
            raise SyncError("the key_ref does not match the child and category")
        wrapped = unb64(item.get("wrap"), "wrap", max_size=4096)
        content_key = None
        for pair in self.ring.all_pairs(family_id):
            try:
                content_key = pair.unwrap(wrapped, h.key_ref, family_id)
                break
            except KeyProblem:
                continue
        if content_key is None:
            raise SyncError("the record's key was not wrapped for this family")
        record = open_verified(envelope, content_key)
        if record.subject not in {p.id for p in family_members(self.store, family_id) if p.is_child}:
            raise SyncError("the record is about someone who is not a child of this family")
        if record.kind in ("legal_basis", "emergency_access", "access_event") and isinstance(record.body, dict) \
                and record.body.get("organisation_id") != h.author:
            # A ground, an emergency or a read counts for the organisation that signed it, never for
            # another one named in its body.
            raise SyncError("the record names another organisation than the one that signed it")
        self._check_no_overwrite(record)
        with transaction(self.db):
            applied = self.store.apply(record)
            if applied.stored_now:
                settle_after_arrival(self.store, record, self.today())
            self._keep_key(family_id, h.key_ref, h.subject, h.category, 0, content_key)
            self.db.execute("INSERT OR IGNORE INTO from_hub (record_id, family_id) VALUES (?, ?)",
                            [record.id, family_id])
            for who in (family_id, h.author):
                self.db.execute("INSERT INTO wraps_at_hub (key_ref, recipient, family_id, confirmed) VALUES (?, ?, ?, 1)"
                                " ON CONFLICT (key_ref, recipient) DO UPDATE SET confirmed = 1",
                                [h.key_ref, self._hidden(who), family_id])
        return applied.stored_now

    def _check_no_overwrite(self, record: Record) -> None:
        """A professional never overwrites a family record: an organisation may add versions only of an
        item it made itself (its own proposal, moment or legal basis); anything else is refused."""
        if record.kind not in VERSIONED_KINDS:
            return
        versions = self.store.versions(record.family_id, record.item)
        first = versions[0] if versions else None
        if first is not None and first.id != record.id and first.author != record.author:
            raise SyncError("an organisation cannot change a record it did not make; it can send a proposal")

    # Key rotation -------------------------------------------------------------------------

    def _announce_keys(self, family_id: str, transport: Transport, link: dict) -> None:
        """After `onsplan keys --rotate`, tell the hub the new keys, signed with the ones it knows."""
        node, family = self.ring.current(NODE), self.ring.current(family_id)
        known_node, known_family = link["node_key_id"], link["family_key_id"]
        if (known_node, known_family) == (node.public().key_id, family.public().key_id):
            return
        old_node = next((p for p in self.ring.all_pairs(NODE) if p.public().key_id == known_node), node)
        old_family = next((p for p in self.ring.all_pairs(family_id) if p.public().key_id == known_family), family)
        request: dict = {"node": node.public().to_json()}
        if family is not old_family:
            request["family_keys"] = family.public().to_json()
            request["family_proof"] = b64(old_family.sign(b"onsplan/v1/family-key|"
                                                          + canonical(family.public().to_json())))
        self._send(family_id, transport, "/keys", request, signer=old_node)
        self.db.execute("UPDATE hub_links SET node_key_id = ?, family_key_id = ? WHERE family_id = ?",
                        [node.public().key_id, family.public().key_id, family_id])

    # Requests -----------------------------------------------------------------------------

    def _send(self, family_id: str, transport: Transport, path: str, request: dict, signer=None) -> dict:
        for _attempt in range(2):
            with transaction(self.db):
                self.db.execute("UPDATE hub_links SET request_counter = request_counter + 1 WHERE family_id = ?",
                                [family_id])
                counter = self._link(family_id)["request_counter"]
            body = canonical({**request, "counter": counter})
            node = signer or self.ring.current(NODE)
            headers = {HEADER_FAMILY: family_id, HEADER_KEY: node.public().key_id,
                       HEADER_SIGNATURE: b64(node.sign(request_message("POST", PREFIX + path, family_id, body)))}
            try:
                return transport.post(PREFIX + path, body, headers)
            except SyncError as problem:
                last = getattr(problem, "last_counter", None)
                if problem.status != 409 or last is None:
                    raise
                # Our counter fell behind the hub's (a restored backup): continue above it.
                self.db.execute("UPDATE hub_links SET request_counter = MAX(request_counter, ?) WHERE family_id = ?",
                                [last, family_id])
        raise SyncError("the hub keeps refusing our request counter", 409)

    def _hidden(self, recipient: str) -> str:
        """Whom the family shares with is personal: the table keeps a keyed hash of each recipient."""
        return recipient_mark(self.store.keys, recipient)

    def _refusal(self, family_id: str, record_id: str, direction: str, reason: str) -> None:
        self.db.execute("INSERT INTO sync_refusals (family_id, record_id, direction, reason, at) VALUES (?, ?, ?, ?, ?)"
                        " ON CONFLICT (family_id, record_id, direction) DO UPDATE SET reason = excluded.reason,"
                        " at = excluded.at", [family_id, record_id[:100], direction, reason[:300], utcnow()])


def _organisations(listing: dict) -> dict[str, Organisation]:
    organisations = {}
    for entry in listing.get("organisations", []):
        try:
            keys = tuple(PublicKeys.from_json(k) for k in entry["keys"])
            organisations[entry["id"]] = Organisation(entry["id"], entry["name"], entry["sector"], keys)
        except (KeyError, TypeError, KeyProblem):
            continue  # an entry we cannot use is skipped, never trusted halfway
        if not organisations[entry["id"]].keys:
            del organisations[entry["id"]]
    return organisations


def _envelope_id(item: object) -> str:
    try:
        value = item["envelope"]["header"]["id"]  # type: ignore[index]
        return value if isinstance(value, str) else "?"
    except (KeyError, TypeError):
        return "?"


def _backoff(failures: int) -> str:
    """When to try again after `failures` failed rounds: doubling from 5 s up to 15 minutes, with jitter."""
    seconds = min(5 * 2 ** min(failures - 1, 10), 900)
    jitter = 0.5 + int.from_bytes(os.urandom(2), "big") / 65535
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds * jitter)).isoformat(timespec="seconds")

