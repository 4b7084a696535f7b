"""The hub's side of sync/v1: invitations, enrolment, the signed directory, storing what families
push, handing out what the hub made, and the one helper through which an organisation reads.

The hub keeps envelopes and key wraps, never a readable copy of a family's consent: what an
organisation can open is exactly what the family space wrapped for it.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable

import sqlite_utils

from sync.clock import HybridClock
from sync.envelope import Envelope, EnvelopeError, open_verified, seal, verify
from sync.cache import HubCache, digest
from sync.keyring import NODE, KeyRing
from sync.keys import MAX_WRAP_BYTES, KeyProblem, PublicKeys, b64, unb64
from sync.record import CATEGORIES, CATEGORY_CARD, SHARED_CATEGORIES, Record, category_of, new_record_id
from sync.wire import MAX_BATCH, INVITATION_PREFIX, Invitation, SyncError, canonical, hub_tag, key_ref, load_json, \
    new_hub_code, parse_key_ref, request_message, sign_directory, split_hub_code
from webapp.crypto import random_token, token_hash
from webapp.db import checkpoint, transaction, utcnow, utcnow_precise

# What the hub may send a family: proposals, agreements, review notes, evaluation moments,
# legal bases, emergencies and the audit of reads. Never a consent decision or a person.
HUB_KINDS = frozenset({"goal", "goal_agreement", "agreement_item", "comment", "review_note", "evaluation_moment",
                       "legal_basis", "emergency_access", "access_event"})
PUSHED_CATEGORIES = frozenset({*SHARED_CATEGORIES, CATEGORY_CARD})
MAX_ID = 100
SHRED_ATTEMPTS = 20  # checkpoints tried (each waits 0.2 s for readers, 0.1 s apart) before a withdrawal is answered


# Directory and invitations ---------------------------------------------------------------------

def directory(db: sqlite_utils.Database, ring: KeyRing, hub_name: str = "") -> dict:
    """The hub's organisations with their public keys (current first), signed by the hub's key;
    ``name`` is what families read the hub as (the deployment's ``hub_name``)."""
    organisations = []
    for org_id, name, sector in db.execute("SELECT id, name, sector FROM organisations ORDER BY id").fetchall():
        if not ring.has(org_id):
            ring.current(org_id)
        organisations.append({"id": org_id, "name": name, "sector": sector,
                              "keys": [k.to_json() for k in ring.all_public(org_id)]})
    listing = {"v": 1, "hub": ring.public(NODE).to_json(), "name": hub_name, "organisations": organisations,
               "issued_at": utcnow()}
    return sign_directory(listing, ring.current(NODE))


def make_invitation(db: sqlite_utils.Database, ring: KeyRing, *, organisation_id: str, created_by: str,
                    hub_url: str, days: int, label: str = "", label_cipher=None,
                    invitation_id: str | None = None) -> str:
    """A one-time code for a new family to join this hub: 16 characters in groups of four (four
    name this hub, twelve are secret). Only the secret's hash is stored, with the regisseur's own
    note of whom it is for (encrypted). ``hub_url`` is unused since codes became short: the family
    space finds the hub among the hubs it knows (docs/protocol.md)."""
    if db.execute("SELECT 1 FROM organisations WHERE id = ?", [organisation_id]).fetchone() is None:
        raise LookupError("unknown organisation")
    code, secret = new_hub_code(ring.public(NODE).key_id)
    invitation_id = invitation_id or new_record_id()
    expires = (datetime.now(timezone.utc) + timedelta(days=days)).isoformat(timespec="seconds")
    sealed_label = label_cipher.encrypt(invitation_id, label) if label and label_cipher else None
    db.execute("INSERT INTO enrolment_invitations (id, code_hash, organisation_id, created_by, created_at,"
               " expires_at, label) VALUES (?, ?, ?, ?, ?, ?, ?)",
               [invitation_id, token_hash(secret), organisation_id, created_by, utcnow(), expires, sealed_label])
    return code


@dataclass(frozen=True)
class SentInvitation:
    """An invitation an organisation made, as its workplace lists it."""

    id: str
    label: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    shares: bool  # the family that joined with it holds a wrap for the organisation: it shares something

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.expires_at > datetime.now(timezone.utc)


def organisation_invitations(db: sqlite_utils.Database, label_cipher, organisation_id: str, *,
                             since: str | None = None, joined_only: bool = False,
                             limit: int = 50) -> list[SentInvitation]:
    """The organisation's invitations, newest first: open, used (and whether that family shares
    anything with the organisation yet) or expired."""
    rows = db.execute(
        "SELECT i.id, i.label, i.created_at, i.expires_at, i.used_at,"
        " EXISTS (SELECT 1 FROM key_wraps w WHERE w.recipient = i.organisation_id AND w.family_id = i.family_id)"
        " FROM enrolment_invitations i WHERE i.organisation_id = ? AND i.created_at >= ?"
        " AND (? = 0 OR i.used_at IS NOT NULL) ORDER BY i.created_at DESC, i.rowid DESC LIMIT ?",
        [organisation_id, since or "", int(joined_only), limit]).fetchall()
    return [SentInvitation(row[0], label_cipher.decrypt(row[0], row[1]) if row[1] else "",
                           datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3]),
                           datetime.fromisoformat(row[4]) if row[4] else None, bool(row[5])) for row in rows]


def make_invitation_again(db: sqlite_utils.Database, organisation_id: str, invitation_id: str) -> str:
    """The id for a code made with this form's id: a form sent twice (a double tap) replaces the code of
    the first send, which never reached the screen, so only the code shown works. An id of a code
    that was used (or of another organisation) gets a new one."""
    db.execute("DELETE FROM enrolment_invitations WHERE id = ? AND organisation_id = ? AND used_at IS NULL",
               [invitation_id, organisation_id])
    if db.execute("SELECT 1 FROM enrolment_invitations WHERE id = ?", [invitation_id]).fetchone():
        return new_record_id()
    return invitation_id


def invitation_of(db: sqlite_utils.Database, organisation_id: str, invitation_id: str) -> bool:
    """Did this organisation make a code with this id (open, stopped, expired or used)?"""
    return db.execute("SELECT 1 FROM enrolment_invitations WHERE id = ? AND organisation_id = ?",
                      [invitation_id, organisation_id]).fetchone() is not None


def withdraw_invitation(db: sqlite_utils.Database, organisation_id: str, invitation_id: str) -> bool:
    """An unused code of this organisation stops working now; False when there is no such code."""
    cursor = db.execute("UPDATE enrolment_invitations SET expires_at = ? WHERE id = ? AND organisation_id = ?"
                        " AND used_at IS NULL AND expires_at > ?",
                        [utcnow(), invitation_id, organisation_id, utcnow()])
    return cursor.rowcount == 1


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > MAX_ID:
        raise SyncError(f"{name} must be text of 1 to {MAX_ID} characters")
    return value


def _object(body: bytes) -> dict:
    try:
        data = load_json(body)
    except UnicodeDecodeError:
        raise SyncError("the body is not JSON") from None
    except ValueError as problem:
        reason = str(problem) if str(problem).startswith(("the JSON is", "a number")) else "the body is not JSON"
        raise SyncError(reason) from None
    if not isinstance(data, dict):
        raise SyncError("the body must be a JSON object")
    return data


def enrol(db: sqlite_utils.Database, ring: KeyRing, body: bytes, signature_b64: str | None,
          profile_cipher=None) -> dict:
    """Register a family with an invitation code; the request is signed by the family space's node key.
    The answer names the inviting organisation and the regisseur who made the code."""
    data = _object(body)
    if set(data) != {"invitation", "family", "node", "family_keys"}:
        raise SyncError("an enrolment has exactly: invitation, family, node, family_keys")
    family_id = _text(data, "family")
    if not isinstance(data["invitation"], str) or len(data["invitation"]) > 1000:
        raise SyncError("invitation must be text")
    try:
        node, family_keys = PublicKeys.from_json(data["node"]), PublicKeys.from_json(data["family_keys"])
        node.verify(unb64(signature_b64 or "", "signature", 64),
                    request_message("POST", "/sync/v1/enrol", family_id, body))
    except KeyProblem as problem:
        raise SyncError(f"enrolment refused: {problem}", 401) from None
    secret = _invitation_secret(ring, data["invitation"])
    with transaction(db):
        row = db.execute("SELECT id, organisation_id, expires_at, used_at, created_by FROM enrolment_invitations"
                         " WHERE code_hash = ?", [token_hash(secret)]).fetchone()
        if row is None or row[3] is not None:
            raise SyncError("this invitation was already used or withdrawn", 403)
        if row[2] < utcnow():
            raise SyncError("this invitation has expired", 403)
        if db.execute("SELECT 1 FROM enrolled_families WHERE family_id = ?", [family_id]).fetchone():
            raise SyncError("this family has already joined", 409)
        db.execute("UPDATE enrolment_invitations SET used_at = ?, family_id = ? WHERE id = ?",
                   [utcnow(), family_id, row[0]])
        db.execute("INSERT INTO enrolled_families (family_id, node_keys, family_keys, organisation_id, enrolled_at)"
                   " VALUES (?, ?, ?, ?, ?)",
                   [family_id, json.dumps(node.to_json()), json.dumps(family_keys.to_json()), row[1], utcnow()])
        organisation_name = db.execute("SELECT name FROM organisations WHERE id = ?", [row[1]]).fetchone()[0]
        regisseur = _inviting_professional(db, profile_cipher, row[4], row[1])
    return {"family": family_id, "organisation": row[1], "organisation_name": organisation_name,
            "regisseur": regisseur}


def _invitation_secret(ring: KeyRing, code: str) -> str:
    """The secret of a short code (four characters name this hub) or of a long signed one."""
    if code.startswith(INVITATION_PREFIX):
        invitation, payload, signature = Invitation.decode(code)
        keys = {k.key_id: k for k in ring.all_public(NODE)}
        if invitation.hub_key_id not in keys:
            raise SyncError("this invitation is for another hub", 403)
        Invitation.check(payload, signature, keys[invitation.hub_key_id])
        return invitation.secret
    parts = split_hub_code(code)
    if parts is None:
        raise SyncError("this is not a hub invitation code")
    if parts[0] not in {hub_tag(k.key_id) for k in ring.all_public(NODE)}:
        raise SyncError("this invitation is for another hub", 403)
    return parts[1]


def _inviting_professional(db: sqlite_utils.Database, profile_cipher, professional_id: str,
                           organisation_id: str) -> dict | None:
    """Name and role of the professional who made the code (None for a code made by the operator)."""
    row = db.execute("SELECT profile FROM professionals WHERE id = ? AND organisation_id = ?",
                     [professional_id, organisation_id]).fetchone()
    if row is None or profile_cipher is None:
        return None
    profile = profile_cipher.decrypt(professional_id, row[0])
    return {"name": profile["name"], "role": profile["role_title"]}


# Signed requests ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    family_id: str
    family_keys: PublicKeys
    data: dict


def authenticate(db: sqlite_utils.Database, method: str, path: str, body: bytes, family_id: str | None,
                 key_id: str | None, signature_b64: str | None) -> Caller:
    """Who sends this request: an enrolled family space whose node key signed it, with a request
    counter higher than any before (so a recorded request cannot be played again)."""
    if not family_id or not key_id or not signature_b64:
        raise SyncError("the request must be signed (family, key and signature headers)", 401)
    row = db.execute("SELECT node_keys, family_keys FROM enrolled_families WHERE family_id = ?",
                     [family_id]).fetchone()
    if row is None:
        raise SyncError("this family has not joined this hub", 401)
    node = PublicKeys.from_json(json.loads(row[0]))
    if key_id != node.key_id:
        raise SyncError("unknown signing key for this family", 401)
    try:
        node.verify(unb64(signature_b64, "signature", 64), request_message(method, path, family_id, body))
    except KeyProblem:
        raise SyncError("the request signature does not match", 401) from None
    data = _object(body)
    counter = data.get("counter")
    if not isinstance(counter, int) or isinstance(counter, bool) or counter < 1 or counter > 2**62:
        raise SyncError("counter must be a positive number")
    return Caller(family_id, PublicKeys.from_json(json.loads(row[1])), data)


def _take_counter(db: sqlite_utils.Database, caller: Caller) -> None:
    """Inside the request's transaction: refuse a counter already seen, else remember it."""
    last = db.execute("SELECT request_counter FROM enrolled_families WHERE family_id = ?",
                      [caller.family_id]).fetchone()[0]
    if caller.data["counter"] <= last:
        error = SyncError(f"this request was already seen (replay); counters must be above {last}", 409)
        error.last_counter = last  # type: ignore[attr-defined]
        raise error
    db.execute("UPDATE enrolled_families SET request_counter = ?, last_seen_at = ? WHERE family_id = ?",
               [caller.data["counter"], utcnow(), caller.family_id])


# Key changes -----------------------------------------------------------------------------------

def change_keys(db: sqlite_utils.Database, caller: Caller) -> dict:
    """A family space announces new keys, signed with the keys the hub knows: a new node key (the
    request itself is signed by the old one) and a new family key (with a proof by the old family
    key). Old family keys are kept so that envelopes signed before still verify."""
    data = caller.data
    if not set(data) <= {"counter", "node", "family_keys", "family_proof"}:
        raise SyncError("a key change has only: counter, node, family_keys, family_proof")
    node = PublicKeys.from_json(data["node"]) if "node" in data else None
    family = PublicKeys.from_json(data["family_keys"]) if "family_keys" in data else None
    if family is not None:
        try:
            caller.family_keys.verify(unb64(data.get("family_proof"), "family_proof", 64),
                                      b"onsplan/v1/family-key|" + canonical(family.to_json()))
        except KeyProblem:
            raise SyncError("the new family key is not signed by the family's current key", 401) from None
    with transaction(db):
        _take_counter(db, caller)
        if node is not None:
            db.execute("UPDATE enrolled_families SET node_keys = ? WHERE family_id = ?",
                       [json.dumps(node.to_json()), caller.family_id])
        if family is not None and family.key_id != caller.family_keys.key_id:
            old = json.loads(db.execute("SELECT old_family_keys FROM enrolled_families WHERE family_id = ?",
                                        [caller.family_id]).fetchone()[0])
            db.execute("UPDATE enrolled_families SET family_keys = ?, old_family_keys = ? WHERE family_id = ?",
                       [json.dumps(family.to_json()), json.dumps([caller.family_keys.to_json(), *old]),
                        caller.family_id])
    return {"node": node.key_id if node else None, "family": family.key_id if family else None}


# Push: what the family shares -----------------------------------------------------------------

def push(db: sqlite_utils.Database, caller: Caller, cache: HubCache | None = None) -> dict:
    """Delete the wraps the family no longer allows, store new wraps and envelopes, in one transaction.

    A bad envelope is refused with its reason; the good ones of the batch are stored."""
    data, family_id = caller.data, caller.family_id
    if not set(data) <= {"counter", "envelopes", "wraps", "unwraps"}:
        raise SyncError("a push has only: counter, envelopes, wraps, unwraps")
    envelopes, wraps, unwraps = (data.get(name, []) for name in ("envelopes", "wraps", "unwraps"))
    if not all(isinstance(v, list) for v in (envelopes, wraps, unwraps)):
        raise SyncError("envelopes, wraps and unwraps must be lists")
    if len(envelopes) > MAX_BATCH or len(wraps) > 20 * MAX_BATCH or len(unwraps) > 20 * MAX_BATCH:
        raise SyncError(f"at most {MAX_BATCH} envelopes per push", 413)
    organisations = {row[0] for row in db.execute("SELECT id FROM organisations").fetchall()}
    removals = [_wrap_address(item, family_id, organisations, removal=True) for item in unwraps]
    additions = [(*_wrap_address(item, family_id, organisations), _wrapped(item), _sealed_basis(item))
                 for item in wraps]
    accepted, refused = [], []
    with transaction(db):
        _take_counter(db, caller)
        for ref, recipient, _child, _category in removals:
            db.execute("DELETE FROM key_wraps WHERE key_ref = ? AND recipient = ? AND family_id = ?",
                       [ref, recipient, family_id])
        for ref, recipient, child, category, wrapped, basis in additions:
            db.execute("INSERT INTO key_wraps (key_ref, recipient, family_id, subject, category, wrapped, basis)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_ref, recipient)"
                       " DO UPDATE SET wrapped = excluded.wrapped, basis = excluded.basis",
                       [ref, recipient, family_id, child, category, wrapped, basis])
        for item in envelopes:
            envelope_id = item.get("header", {}).get("id") if isinstance(item, dict) and isinstance(
                item.get("header"), dict) else None
            try:
                accepted.append(_store_family_envelope(db, caller, item))
            except (EnvelopeError, SyncError) as problem:
                refused.append({"id": envelope_id if isinstance(envelope_id, str) else None,
                                "reason": getattr(problem, "reason", str(problem)),
                                "permanent": getattr(problem, "permanent", True)})
    if removals:
        # Their keys leave this process's memory at once; every read joins on key_wraps, so nothing
        # deleted opens any more.
        if cache is not None:
            for ref, recipient, _child, _category in removals:
                cache.forget(recipient, ref)
        # The deleted wraps are overwritten in their pages (secure_delete), but the old pages stay in
        # the file until a checkpoint completes, which a reader of an older snapshot holds up. The
        # withdrawal is acknowledged only once no copy survives; until then the family space keeps
        # asking (it counts the wraps as possibly held) and says the shred is pending.
        if not checkpoint(db, attempts=SHRED_ATTEMPTS):
            raise SyncError("the withdrawal is stored, but shredding the old copies waits for a reader to finish;"
                            " it is tried again in the next round", 503, permanent=False)
    return {"accepted": accepted, "refused": refused, "wraps": len(additions), "unwraps": len(removals)}


MAX_OBJECTIONS = 20        # objections in one request
MAX_SEALED_OBJECTION = 8192  # bytes of one sealed objection (its text is at most 1,000 characters)


def receive_objections(db: sqlite_utils.Database, caller: Caller) -> dict:
    """Store a family's objections to emergencies, each sealed by the family space for the
    organisation that recorded the emergency. Only an objection about an emergency that organisation
    recorded for that child of this family is taken; the same one again is stored once."""
    data = caller.data
    if not set(data) <= {"counter", "objections"} or not isinstance(data.get("objections"), list):
        raise SyncError("an objections request has: counter, objections (a list)")
    if len(data["objections"]) > MAX_OBJECTIONS:
        raise SyncError(f"at most {MAX_OBJECTIONS} objections per request", 413)
    items = []
    for item in data["objections"]:
        if not isinstance(item, dict) or set(item) != {"id", "subject", "organisation", "about", "sealed"}:
            raise SyncError("an objection has: id, subject, organisation, about, sealed")
        values = [_text(item, name) for name in ("id", "subject", "organisation", "about")]
        items.append((*values, unb64(item["sealed"], "sealed", max_size=MAX_SEALED_OBJECTION)))
    received = []
    with transaction(db):
        _take_counter(db, caller)
        for objection_id, subject, organisation_id, about, sealed in items:
            emergency = db.execute("SELECT 1 FROM envelopes WHERE id = ? AND family_id = ? AND subject = ? AND"
                                   " author = ? AND kind = 'emergency_access' AND origin = 'hub'",
                                   [about, caller.family_id, subject, organisation_id]).fetchone()
            if emergency is None:
                raise SyncError("an objection must be about an emergency this organisation recorded for this child")
            db.execute("INSERT INTO objections (id, family_id, subject, organisation_id, about, sealed, received_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                       [objection_id, caller.family_id, subject, organisation_id, about, sealed, utcnow()])
            received.append(objection_id)
    return {"received": received}


def open_objections(db: sqlite_utils.Database, ring: KeyRing, reader: Reader,
                    emergencies: Iterable[str]) -> dict[str, list[dict]]:
    """The family's objections to these emergencies of the reader's organisation, opened with the
    organisation's own keys for its admin, each read logged like every read of family data."""
    if not reader.is_admin:
        raise NotShared("only the organisation's admin reads objections")
    emergencies = sorted(set(emergencies))
    rows = []
    for start in range(0, len(emergencies), 300):
        chunk = emergencies[start:start + 300]
        rows += db.execute(f"SELECT id, family_id, subject, about, sealed, received_at FROM objections"  # nosec B608
                           f" WHERE organisation_id = ? AND about IN ({', '.join('?' for _ in chunk)})"
                           " ORDER BY received_at", [reader.organisation_id, *chunk]).fetchall()
    found: dict[str, list[dict]] = {}
    read: dict[tuple[str, str], int] = {}
    for objection_id, family_id, subject, about, sealed, received_at in rows:
        note = None
        for pair in ring.all_pairs(reader.organisation_id):
            try:
                note = json.loads(pair.open_note(sealed, f"objection/{objection_id}", reader.organisation_id))
                break
            except (KeyProblem, ValueError):
                continue
        if not isinstance(note, dict):
            continue  # not sealed for this organisation's keys: nothing to read
        try:
            on = date.fromisoformat(str(note.get("on", "")))
        except ValueError:
            on = None
        found.setdefault(about, []).append({"text": str(note.get("text", "")), "by": str(note.get("by", "")),
                                            "on": on, "received_at": received_at})
        read[(family_id, subject)] = read.get((family_id, subject), 0) + 1
    if read:
        _append_read_events(db, reader, [(family_id, subject, "objection", "objection", count)
                                         for (family_id, subject), count in sorted(read.items())])
    return found


def _wrap_address(item: object, family_id: str, organisations: set[str],
                  removal: bool = False) -> tuple[str, str, str, str]:
    if not isinstance(item, dict) or not {"key_ref", "recipient"} <= set(item) or not set(item) <= {
            "key_ref", "recipient", "wrapped", "basis"}:
        raise SyncError("a wrap has: key_ref, recipient (and wrapped, and the sealed basis for an organisation)")
    child, category = parse_key_ref(item["key_ref"], family_id)
    if category not in PUSHED_CATEGORIES and not (removal and category in CATEGORIES):
        # A family may delete any wrap of its keys (an organisation's wrap of its own access event),
        # but only shares what consent is given for.
        raise SyncError("a wrap's key_ref names an unknown category")
    recipient = item["recipient"]
    if recipient != family_id and recipient not in organisations:
        raise SyncError("a wrap's recipient is neither this family nor an organisation of this hub")
    return item["key_ref"], recipient, child, category


def _wrapped(item: dict) -> bytes:
    try:
        return unb64(item.get("wrapped"), "wrapped", max_size=MAX_WRAP_BYTES)
    except KeyProblem as problem:
        raise SyncError(str(problem)) from None


def _sealed_basis(item: dict) -> bytes | None:
    if item.get("basis") is None:
        return None
    if item["recipient"] == item["key_ref"].split("/")[0]:
        raise SyncError("a wrap for the family itself has no basis")
    try:
        return unb64(item["basis"], "basis", max_size=MAX_WRAP_BYTES)
    except KeyProblem as problem:
        raise SyncError(str(problem)) from None


def _store_family_envelope(db: sqlite_utils.Database, caller: Caller, item: object) -> str:
    envelope = Envelope.from_json(item)
    h = envelope.header
    if h.family != caller.family_id:
        raise SyncError("the envelope belongs to another family")
    if h.signer != caller.family_keys.key_id:
        raise SyncError("the envelope is not signed by this family's key")
    verify(envelope, caller.family_keys)
    if h.subject is None or h.category not in PUSHED_CATEGORIES:
        raise SyncError("only records about one child in a shared category travel to the hub")
    if category_of(h.kind, {"by_youth": h.category == "youth_comments"}) != h.category:
        raise SyncError("the category does not fit the kind of record")
    if parse_key_ref(h.key_ref, caller.family_id) != (h.subject, h.category):
        raise SyncError("the key_ref does not match the child and category")
    stored = canonical(envelope.to_json())
    held = db.execute("SELECT envelope, origin FROM envelopes WHERE id = ?", [h.id]).fetchone()
    if held is not None:
        if held[0] == stored or _same_record(held[0], envelope):
            return h.id  # sent again: stored once
        raise SyncError("this record id is already used for another record")
    _insert_envelope(db, envelope, "family")
    return h.id


def _same_record(stored: bytes, envelope: Envelope) -> bool:
    """A record re-sealed (new nonce, or a newer epoch after a withdrawal) is the same record."""
    held = Envelope.from_json(json.loads(stored)).header
    h = envelope.header
    return (held.family, held.kind, held.author, held.clock, held.subject, held.replaces) == (
        h.family, h.kind, h.author, h.clock, h.subject, h.replaces)


def _insert_envelope(db: sqlite_utils.Database, envelope: Envelope, origin: str) -> None:
    h = envelope.header
    db.execute("INSERT INTO envelopes (id, family_id, subject, kind, category, author, clock, key_ref, origin,"
               " envelope, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [h.id, h.family, h.subject, h.kind, h.category, h.author, h.clock, h.key_ref, origin,
                canonical(envelope.to_json()), utcnow_precise()])


# Pull: what the hub made for the family -------------------------------------------------------

def pull(db: sqlite_utils.Database, caller: Caller) -> dict:
    """Records made on the hub for this family after the caller's cursor, with the family's key wraps."""
    data = caller.data
    if not set(data) <= {"counter", "after", "limit"}:
        raise SyncError("a pull has only: counter, after, limit")
    after, limit = data.get("after", 0), data.get("limit", MAX_BATCH)
    for name, value in (("after", after), ("limit", limit)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SyncError(f"{name} must be a number of 0 or more")
    limit = min(max(limit, 1), MAX_BATCH)
    with transaction(db):
        _take_counter(db, caller)
        # The family asks after `after` only once everything up to it is applied and committed.
        db.execute("UPDATE enrolled_families SET pulled_through = MAX(pulled_through, ?) WHERE family_id = ?",
                   [min(after, _last_hub_seq(db, caller.family_id)), caller.family_id])
        rows = db.execute(
            "SELECT e.seq, e.envelope, w.wrapped FROM envelopes e LEFT JOIN key_wraps w"
            " ON w.key_ref = e.key_ref AND w.recipient = e.family_id"
            " WHERE e.family_id = ? AND e.origin = 'hub' AND e.seq > ? ORDER BY e.seq LIMIT ?",
            [caller.family_id, after, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"envelopes": [{"seq": seq, "envelope": json.loads(envelope), "wrap": b64(wrapped) if wrapped else None}
                          for seq, envelope, wrapped in rows],
            "next": rows[-1][0] if rows else after, "more": more}


MAX_WAIT_SECONDS = 12  # below the family space's 15-second request timeout


def wait_for_news(db: sqlite_utils.Database, caller: Caller, may_wait: bool = True,
                  sleep: Callable[[float], None] | None = None) -> dict:
    """A long poll: answer as soon as the hub holds a record for this family after `after`, or when
    `wait` seconds (at most MAX_WAIT_SECONDS) have passed. Like a pull, asking after `after`
    confirms everything up to it has arrived in the family space (the professional's page says
    "bij het gezin aangekomen"). Without a free slot (`may_wait` False) it answers at once.
    The hub never calls a family space: this is the family space asking."""
    import time

    data = caller.data
    if not set(data) <= {"counter", "after", "wait"}:
        raise SyncError("a wait has only: counter, after, wait")
    after, wait = data.get("after", 0), data.get("wait", 0)
    for name, value in (("after", after), ("wait", wait)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SyncError(f"{name} must be a number of 0 or more")
    with transaction(db):
        _take_counter(db, caller)
        last = _last_hub_seq(db, caller.family_id)
        db.execute("UPDATE enrolled_families SET pulled_through = MAX(pulled_through, ?) WHERE family_id = ?",
                   [min(after, last), caller.family_id])
    deadline = time.monotonic() + (min(wait, MAX_WAIT_SECONDS) if may_wait else 0)
    while last <= after and time.monotonic() < deadline:
        (sleep or time.sleep)(0.25)
        last = _last_hub_seq(db, caller.family_id)
    return {"news": last > after, "last": last, **({} if may_wait else {"busy": True})}


def arrival(db: sqlite_utils.Database, organisation_id: str, family_id: str, child_id: str) -> dict:
    """For the professional: when the family space last asked the hub anything, and how many records
    this organisation made for the child that it has not fetched yet."""
    row = db.execute("SELECT last_seen_at, pulled_through FROM enrolled_families WHERE family_id = ?",
                     [family_id]).fetchone()
    if row is None:
        return {"last_seen_at": None, "waiting": 0}
    waiting = db.execute("SELECT COUNT(*) FROM envelopes WHERE family_id = ? AND origin = 'hub' AND author = ?"
                         " AND subject = ? AND seq > ? AND kind != 'access_event'",
                         [family_id, organisation_id, child_id, row[1]]).fetchone()[0]
    return {"last_seen_at": datetime.fromisoformat(row[0]) if row[0] else None, "waiting": waiting}


def _last_hub_seq(db: sqlite_utils.Database, family_id: str) -> int:
    return db.execute("SELECT COALESCE(MAX(seq), 0) FROM envelopes WHERE family_id = ? AND origin = 'hub'",
                      [family_id]).fetchone()[0]


# Records made on the hub ----------------------------------------------------------------------

def already_made(db: sqlite_utils.Database, record_id: str) -> bool:
    """Is there an envelope with this id (a form sent twice: the client-made id came before)?"""
    return db.execute("SELECT 1 FROM envelopes WHERE id = ?", [record_id]).fetchone() is not None


def write_for_family(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, *, organisation_id: str,
                     family_id: str, kind: str, subject: str, body: dict, record_id: str | None = None,
                     replaces: str | None = None, clock: str | None = None) -> Record:
    """Seal a record an organisation makes (a proposal, a review note, an evaluation moment …) for the
    family's own key and the organisation's, signed by the organisation; the family pulls it."""
    if kind not in HUB_KINDS:
        raise ValueError("an organisation cannot make this kind of record")
    row = db.execute("SELECT family_keys FROM enrolled_families WHERE family_id = ?", [family_id]).fetchone()
    if row is None:
        raise LookupError("this family has not joined this hub")
    record = Record(id=record_id or new_record_id(), family_id=family_id, kind=kind, author=organisation_id,
                    clock=clock or str(hlc.now()), subject=subject, body=body, replaces=replaces)
    ref = key_ref(family_id, subject, category_of(kind, body), f"r-{record.id}")
    content_key = os.urandom(32)
    envelope = seal(record, content_key, ref, ring.current(organisation_id))
    family_keys = PublicKeys.from_json(json.loads(row[0]))
    with transaction(db):
        _insert_envelope(db, envelope, "hub")
        for recipient, keys in ((family_id, family_keys), (organisation_id, ring.public(organisation_id))):
            db.execute("INSERT INTO key_wraps (key_ref, recipient, family_id, subject, category, wrapped)"
                       " VALUES (?, ?, ?, ?, ?, ?)", [ref, recipient, family_id, subject, record.category,
                                                      keys.wrap(content_key, ref, recipient)])
    return record


# Reading: the one helper ----------------------------------------------------------------------

class NotShared(LookupError):
    """The family has not wrapped this record's key for the organisation (or withdrew it)."""


@dataclass(frozen=True)
class Reader:
    """The signed-in professional who reads: who, of which organisation, in which role."""

    professional_id: str
    organisation_id: str
    name: str
    role: str
    is_admin: bool = False  # the organisation's admin: sees the alerts about legal grounds and emergencies


def open_for_organisation(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader,
                          envelope_id: str, cache: HubCache | None = None) -> Record:
    """Open one record for a professional, through a key wrapped for their organisation only, and log
    the read in the same step (see ``open_many_for_organisation``).

    Raises NotShared when the family has not wrapped the record's key for the organisation."""
    opened = open_many_for_organisation(db, ring, hlc, reader, [envelope_id], cache)
    if envelope_id not in opened:
        raise NotShared("not shared with this organisation")
    return opened[envelope_id]


def open_many_for_organisation(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader,
                               envelope_ids: list[str], cache: HubCache | None = None,
                               choose: Callable[[dict[str, Record]], Iterable[str]] | None = None
                               ) -> dict[str, Record]:
    """The one way a professional reads family data: each record opens only through a key wrapped for
    the reader's organisation (what is not wrapped is left out), and every record handed back is
    logged in the same transaction: in the hub's hash-chained log (one event per child and kind of
    information), and (once per professional, child and kind of information per hour) as an access
    event the family receives in "Wie keek mee".

    `choose` picks, from everything opened, the ids to hand back (a page of a sorted list, the
    names that match a search); only those are logged and returned, so the caller never gets a
    record that was not logged.

    With a cache, keys unwrapped before and signatures checked before are not done again; the wrap
    must still be in the database for a record to open."""
    organisation_id = reader.organisation_id
    opened: dict[str, Record] = {}
    to_open: list[str] = []
    for start in range(0, len(envelope_ids), 500):
        chunk = envelope_ids[start:start + 500]
        for envelope_id, seq in db.execute(
                # CROSS JOIN: start from the ids asked for, not from everything wrapped for the organisation.
                "SELECT e.id, e.seq FROM envelopes e CROSS JOIN key_wraps w ON w.key_ref = e.key_ref"
                " AND w.recipient = ?"
                f" WHERE e.id IN ({', '.join('?' for _ in chunk)})",  # nosec B608: placeholders only
                [organisation_id, *chunk]).fetchall():
            held = cache.record(organisation_id, envelope_id, seq) if cache is not None else None
            if held is not None:  # opened before through this organisation's wrap, which is still there
                opened[envelope_id] = held
            else:
                to_open.append(envelope_id)
    rows = []
    for start in range(0, len(to_open), 500):
        chunk = to_open[start:start + 500]
        rows += db.execute(
            "SELECT e.id, e.seq, e.envelope, e.origin, w.wrapped, e.family_id FROM envelopes e"
            " CROSS JOIN key_wraps w ON w.key_ref = e.key_ref AND w.recipient = ?"
            f" WHERE e.id IN ({', '.join('?' for _ in chunk)})", [organisation_id, *chunk]).fetchall()  # nosec B608
    for envelope_id, seq, raw, origin, wrapped, family_id in rows:
        envelope = Envelope.from_json(json.loads(raw))
        h = envelope.header
        if cache is None or not cache.verified(envelope_id, raw):
            if origin == "family":
                family_keys, old_family_keys = db.execute(
                    "SELECT family_keys, old_family_keys FROM enrolled_families WHERE family_id = ?",
                    [family_id]).fetchone() or (None, "[]")
                if family_keys is None:
                    continue  # a family that left the hub: nothing of it opens
                candidates = [PublicKeys.from_json(json.loads(family_keys)),
                              *(PublicKeys.from_json(k) for k in json.loads(old_family_keys))]
            else:
                candidates = ring.all_public(h.author)
            signer = next((k for k in candidates if k.key_id == h.signer), None)
            if signer is None:
                raise EnvelopeError("unknown signer")
            verify(envelope, signer)
            if cache is not None:
                cache.keep_verified(envelope_id, raw)
        content_key = cache.key(organisation_id, h.key_ref, wrapped) if cache is not None else None
        if content_key is None:
            for pair in ring.all_pairs(organisation_id):
                try:
                    content_key = pair.unwrap(wrapped, h.key_ref, organisation_id)
                    break
                except KeyProblem:
                    continue
            if content_key is None:
                continue  # a wrap that does not open with this organisation's keys: not readable
            if cache is not None:
                cache.keep_key(organisation_id, h.key_ref, wrapped, content_key)
        opened[envelope_id] = open_verified(envelope, content_key)
        if cache is not None:
            cache.keep_record(organisation_id, envelope_id, seq, h.key_ref, opened[envelope_id])
    if choose is not None:
        opened = {envelope_id: opened[envelope_id] for envelope_id in choose(dict(opened))}
    if opened:
        _log_reads(db, ring, hlc, reader, list(opened.values()), cache)
    return opened


def _log_reads(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, reader: Reader,
               records: list[Record], cache: HubCache | None = None) -> None:
    """One hash-chained event per child and kind of information read (with how many records), and
    an access event for the family once per professional, child and kind per hour."""
    read: dict[tuple[str, str | None, str], int] = {}
    for record in records:
        key = (record.family_id, record.subject, record.category)
        read[key] = read.get(key, 0) + 1
    with transaction(db):
        at = utcnow()
        bases = reading_bases(db, ring, reader.organisation_id,
                              [key for key in read if key[1] is not None and key[2] in SHARED_CATEGORIES], cache)
        tell_family = _not_told_within_the_hour(db, reader, [key for key in read if key[1] is not None
                                                             and key[2] in SHARED_CATEGORIES])
        _append_read_events(db, reader, [
            (family_id, subject, category, bases.get((family_id, subject, category), "consent"), count)
            for (family_id, subject, category), count in sorted(read.items(), key=lambda item: str(item[0]))], at)
        if tell_family:
            name = db.execute("SELECT name FROM organisations WHERE id = ?", [reader.organisation_id]).fetchone()
        for family_id, subject, category in tell_family:
            # No basis: the family space names it with its own decider (it holds the consent).
            write_for_family(db, ring, hlc, organisation_id=reader.organisation_id, family_id=family_id,
                             kind="access_event", subject=subject, body={
                                 "organisation_id": reader.organisation_id, "organisation": name[0] if name else "",
                                 "professional": reader.name, "role": reader.role, "kind": category,
                                 "basis": None, "at": at})


def _append_read_events(db: sqlite_utils.Database, reader: Reader,
                        reads: list[tuple[str, str | None, str, str, int]], at: str | None = None) -> None:
    """Add one hash-chained event per (family, child, kind of information, basis, how many records)."""
    at = at or utcnow()
    with transaction(db):
        last = db.execute("SELECT hash FROM read_events ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        events = []
        for family_id, subject, category, basis, count in reads:
            event = {"professional_id": reader.professional_id, "organisation_id": reader.organisation_id,
                     "role": reader.role, "family_id": family_id, "subject": subject, "category": category,
                     "basis": basis, "records": count}
            digest_ = _event_hash(prev, at, event)
            events.append([at, *(event[name] for name in READ_EVENT_FIELDS), prev, digest_])
            prev = digest_
        # Reviewed for bandit B608: only the constant field names are inserted.
        db.conn.executemany(f"INSERT INTO read_events (at, {', '.join(READ_EVENT_FIELDS)}, prev_hash, hash)"  # nosec B608
                            f" VALUES ({', '.join('?' for _ in range(len(READ_EVENT_FIELDS) + 3))})", events)


def _not_told_within_the_hour(db: sqlite_utils.Database, reader: Reader,
                              keys: list[tuple[str, str | None, str]]) -> list[tuple[str, str, str]]:
    """The (family, child, kind) of `keys` this professional has not read in the last hour (each
    looked up in the reader index, so the cost does not grow with the log)."""
    since, untold = _hour_ago(), []
    for start in range(0, len(keys), 300):
        chunk = keys[start:start + 300]
        told = set(db.execute(
            f"WITH k (f, s, c) AS (VALUES {', '.join('(?, ?, ?)' for _ in chunk)})"  # nosec B608: placeholders only
            " SELECT f, s, c FROM k WHERE EXISTS (SELECT 1 FROM read_events r WHERE r.professional_id = ?"
            " AND r.family_id = k.f AND r.subject = k.s AND r.category = k.c AND r.at > ?)",
            [*(value for key in chunk for value in key), reader.professional_id, since]).fetchall())
        untold += [key for key in chunk if key not in told]
    return sorted(untold)


def reading_bases(db: sqlite_utils.Database, ring: KeyRing, organisation_id: str,
                  keys: Iterable[tuple[str, str, str]], cache: HubCache | None = None) -> dict[tuple[str, str, str], str]:
    """(family, child, kind of information) -> "consent", "legal" or "emergency": the basis the family
    space gives the organisation's newest wrap of that kind, sealed for the organisation and opened
    here with its key. The hub never decides it: a wrap without a sealed basis (from a family space
    that has not sent one yet) falls back to what the organisation itself recorded and the family
    space received, and else to consent."""
    keys = sorted(set(keys))
    newest: dict[tuple[str, str, str], tuple[int, str, bytes]] = {}
    for start in range(0, len(keys), 300):
        chunk = keys[start:start + 300]
        for family_id, subject, category, ref, sealed in db.execute(
                f"WITH k (f, s, c) AS (VALUES {', '.join('(?, ?, ?)' for _ in chunk)})"  # nosec B608: placeholders only
                " SELECT w.family_id, w.subject, w.category, w.key_ref, w.basis FROM k CROSS JOIN key_wraps w"
                " ON w.recipient = ? AND w.family_id = k.f AND w.subject = k.s AND w.category = k.c"
                " WHERE w.basis IS NOT NULL",
                [*(value for key in chunk for value in key), organisation_id]).fetchall():
            epoch = ref.rsplit("/", 1)[-1]
            if not epoch.isdigit():
                continue  # a key the hub made for one record carries no basis
            key = (family_id, subject, category)
            if key not in newest or newest[key][0] < int(epoch):
                newest[key] = (int(epoch), ref, sealed)
    bases: dict[tuple[str, str, str], str] = {}
    for key, (_epoch, ref, sealed) in newest.items():
        basis = _open_basis(ring, organisation_id, ref, sealed, cache)
        if basis is not None:
            bases[key] = basis
    missing = [key for key in keys if key not in bases]
    if missing:
        recorded = _recorded_bases_in_effect(db, organisation_id, missing)
        for key in missing:
            bases[key] = recorded.get(key, "consent")
    return bases


def _open_basis(ring: KeyRing, organisation_id: str, ref: str, sealed: bytes, cache: HubCache | None) -> str | None:
    held = cache.derived(organisation_id, ("basis", ref, digest(sealed))) if cache is not None else None
    if held is not None:
        return held
    for pair in ring.all_pairs(organisation_id):
        try:
            note = json.loads(pair.open_note(sealed, ref, organisation_id))
        except (KeyProblem, ValueError):
            continue
        basis = note.get("basis") if isinstance(note, dict) else None
        if basis in ("consent", "legal", "emergency"):
            if cache is not None:
                cache.keep_derived(organisation_id, ("basis", ref, digest(sealed)), frozenset({ref}), basis)
            return basis
    return None


def _recorded_bases_in_effect(db: sqlite_utils.Database, organisation_id: str,
                              keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """(family, child, kind of information) -> "emergency" or "legal" for what the organisation
    recorded for these keys and the family space has received (it wraps the keys in that round).
    Starts from the keys asked for, so the cost does not grow with all the organisation recorded."""
    bases: dict[tuple[str, str, str], str] = {}
    for start in range(0, len(keys), 300):
        chunk = keys[start:start + 300]
        for family_id, subject, category, kind in db.execute(
                f"WITH k (f, s, c) AS (VALUES {', '.join('(?, ?, ?)' for _ in chunk)})"  # nosec B608: placeholders only
                " SELECT b.family_id, b.subject, b.category, e.kind FROM k CROSS JOIN recorded_bases b"
                " ON b.organisation_id = ? AND b.family_id = k.f AND b.subject = k.s AND b.category = k.c"
                " JOIN envelopes e ON e.id = b.envelope_id JOIN enrolled_families f ON f.family_id = b.family_id"
                " WHERE f.pulled_through >= e.seq",
                [*(value for key in chunk for value in key), organisation_id]).fetchall():
            key = (family_id, subject, category)
            if kind == "emergency_access" or bases.get(key) != "emergency":
                bases[key] = "emergency" if kind == "emergency_access" else "legal"
    return bases


def _hour_ago() -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")


# What each read event says: who (and in which role), of which organisation, which child and kind
# of information, on which basis, and how many records. Events logged before hub migration 0005
# named one envelope each and are checked with the fields they were chained with.
READ_EVENT_FIELDS = ("professional_id", "organisation_id", "role", "family_id", "subject", "category", "basis",
                     "records")
FIRST_READ_EVENT_FIELDS = ("professional_id", "organisation_id", "family_id", "subject", "category", "envelope_id")
GENESIS = "0" * 64


def _event_hash(prev: str, at: str, event: dict) -> str:
    return hashlib.sha256(canonical({"prev": prev, "at": at, **event})).hexdigest()


def verify_read_log(db: sqlite_utils.Database) -> tuple[int, int | None]:
    """Walk the read log from the start: (events checked, seq of the first broken link or None).

    A link is broken when an event was changed (its hash no longer matches), removed or put in
    between (its `prev` no longer is the hash before it)."""
    prev, checked = GENESIS, 0
    names = sorted(set(READ_EVENT_FIELDS) | set(FIRST_READ_EVENT_FIELDS))
    for row in db.execute(f"SELECT seq, at, prev_hash, hash, {', '.join(names)}"  # nosec B608
                          " FROM read_events ORDER BY seq").fetchall():
        seq, at, prev_hash, digest = row[:4]
        values = dict(zip(names, row[4:]))
        fields = FIRST_READ_EVENT_FIELDS if values["records"] is None else READ_EVENT_FIELDS
        event = {name: values[name] for name in fields}
        if prev_hash != prev or _event_hash(prev_hash, at, event) != digest:
            return checked, seq
        prev, checked = digest, checked + 1
    return checked, None


# Legal bases and emergencies ------------------------------------------------------------------

@dataclass(frozen=True)
class RecordedBasis:
    envelope_id: str
    kind: str          # legal_basis or emergency_access
    category: str      # the kind of information it opens
    details: dict      # ground and source, or reason; dates
    in_effect: bool    # the family space received it and wrapped the keys


def record_basis(db: sqlite_utils.Database, ring: KeyRing, hlc: HybridClock, details_cipher, *, reader: "Reader",
                 family_id: str, child_id: str, kind: str, body: dict, record_id: str) -> Record | None:
    """Record a legal basis or an emergency for a child: it travels to the family space, which
    decides and wraps the keys in its next round; until then the hub shows it as waiting.
    The same id again (a form sent twice) records nothing and returns None."""
    if kind not in ("legal_basis", "emergency_access"):
        raise ValueError("not a legal basis or emergency")
    with transaction(db):
        if already_made(db, record_id):
            return None
        record = write_for_family(db, ring, hlc, organisation_id=reader.organisation_id, family_id=family_id,
                                  kind=kind, subject=child_id, body=body, record_id=record_id)
        db.execute("INSERT INTO recorded_bases (envelope_id, organisation_id, family_id, subject, category, details,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [record.id, reader.organisation_id, family_id, child_id, body["kind"],
                    details_cipher.encrypt(record.id, {**body, "record_kind": kind, "recorded_by": reader.name,
                                                       "recorded_by_role": reader.role}), utcnow()])
    return record


def organisation_alerts(db: sqlite_utils.Database, details_cipher, organisation_id: str, since: str,
                        limit: int | None = None, offset: int = 0) -> tuple[int, list[tuple[str, RecordedBasis]]]:
    """For the organisation's admin: how many legal grounds and emergencies someone of the
    organisation recorded since `since` (ISO time), and those of one page (`limit` from `offset`),
    newest first, with when each was recorded. Only the page's details are decrypted."""
    total = db.execute("SELECT COUNT(*) FROM recorded_bases WHERE organisation_id = ? AND created_at >= ?",
                       [organisation_id, since]).fetchone()[0]
    # Newest first along the index (organisation, time); only the page's rows are looked at further.
    rows = db.execute(
        "SELECT b.envelope_id, b.family_id, b.subject, b.category, b.details, b.created_at,"
        " (SELECT e.seq FROM envelopes e WHERE e.id = b.envelope_id)"
        " FROM recorded_bases b INDEXED BY recorded_bases_by_time WHERE b.organisation_id = ? AND b.created_at >= ?"
        " ORDER BY b.created_at DESC, b.rowid DESC LIMIT ? OFFSET ?",
        [organisation_id, since, -1 if limit is None else limit, offset]).fetchall()
    return total, [(created_at, _recorded(db, details_cipher, organisation_id, envelope_id, family_id, child_id,
                                          category, blob, seq or 0))
                   for envelope_id, family_id, child_id, category, blob, created_at, seq in rows]


def _recorded(db: sqlite_utils.Database, details_cipher, organisation_id: str, envelope_id: str, family_id: str,
              child_id: str, category: str, blob: bytes, seq: int) -> RecordedBasis:
    """One recorded basis, decrypted, with whether it is in effect: the family space pulled it and
    wrapped the keys of that kind of information for the organisation."""
    details = details_cipher.decrypt(envelope_id, blob)
    pulled = db.execute("SELECT pulled_through FROM enrolled_families WHERE family_id = ?", [family_id]).fetchone()
    wrapped = db.execute(
        "SELECT 1 FROM key_wraps WHERE recipient = ? AND family_id = ? AND subject = ? AND category = ?"
        " AND key_ref NOT LIKE '%/r-%' LIMIT 1", [organisation_id, family_id, child_id, category]).fetchone()
    received = pulled is not None and pulled[0] >= seq
    return RecordedBasis(envelope_id, details["record_kind"], category, details, received and wrapped is not None)


def recorded_bases(db: sqlite_utils.Database, details_cipher, organisation_id: str, family_id: str,
                   child_id: str) -> list[RecordedBasis]:
    """What this organisation recorded for the child, newest first, with whether it is in effect yet."""
    rows = db.execute(
        "SELECT b.envelope_id, b.category, b.details, e.seq FROM recorded_bases b CROSS JOIN envelopes e"
        " ON e.id = b.envelope_id"
        " WHERE b.organisation_id = ? AND b.family_id = ? AND b.subject = ? ORDER BY e.seq DESC",
        [organisation_id, family_id, child_id]).fetchall()
    return [_recorded(db, details_cipher, organisation_id, envelope_id, family_id, child_id, category, blob, seq)
            for envelope_id, category, blob, seq in rows]
