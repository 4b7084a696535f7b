"""The record store: the only code that reads or writes the ``records`` and ``families`` tables.

Every change a family makes is one record (see ``sync.record``), encrypted with the family's
own data key; the whole header (id, family, kind, category, author, clock, subject, item,
about, replaces, finished) is bound to the ciphertext as associated data. Next to the
ciphertext the store keeps plain columns that hold ids, clocks and flags, never personal text:

- ``item``, ``about`` and ``replaces``: which logical thing a record is a version of, which
  goal it is about, and which record its author saw as current;
- ``finished``: 1 when the version ends its item (an afspraak done or cancelled, a goal
  reached, stopped or replaced by a new version);
- ``is_current``: 1 for the current version of its item, by the one rule in
  ``sync.record.supersedes``, kept up to date in the same transaction as every write;
- ``seq``: this node's store order, which only goes up (the sync cursor).

A store object lives for one request (``get_store``): each family key is unwrapped once and
each record decrypted at most once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import sqlite_utils
from flask import current_app, g

from sync.clock import HybridClock, Stamp
from sync.record import KINDS, Record, category_of, header_bytes, new_record_id, supersedes
from webapp.crypto import CryptoError, FieldCipher, NodeKey, new_data_key
from webapp.db import get_db, transaction, utcnow


class RecordIdTaken(ValueError):
    """A client-made record id that already belongs to another family or kind of record."""


class RecordRefused(ValueError):
    """A record made elsewhere that cannot be applied; the message says why (safe to show)."""


class TamperedRecord(CryptoError):
    """A stored record whose header or body was changed outside OnsPlan: it is never shown."""


_COLUMNS = "id, family_id, kind, category, author, clock, subject, item, about, replaces, finished, body"


@dataclass(frozen=True)
class Applied:
    """The outcome of applying a record: the stored record and whether this call stored it."""

    record: Record
    stored_now: bool


def node_key() -> NodeKey:
    return current_app.extensions["onsplan.node_key"]


def clock() -> HybridClock:
    return current_app.extensions["onsplan.clock"]


def get_store() -> "RecordStore":
    """The request's record store (one per request, so keys and records are opened once)."""
    if "record_store" not in g:
        g.record_store = RecordStore(get_db(), node_key(), clock())
    return g.record_store


class RecordStore:
    """Writes local changes, applies records made elsewhere, and reads current state and history."""

    def __init__(self, db: sqlite_utils.Database, keys: NodeKey, hlc: HybridClock) -> None:
        self.db, self.keys, self.hlc = db, keys, hlc
        self._ciphers: dict[str, FieldCipher] = {}
        self._opened: dict[str, Record] = {}
        self.unwraps = 0   # family keys unwrapped by this store (the benchmark and tests read these)
        self.decrypts = 0  # record bodies decrypted by this store

    # Families -------------------------------------------------------------------------------

    def create_family(self) -> str:
        """A new family with its own random data key, wrapped by the node key."""
        family_id = new_record_id()
        self.db.execute("INSERT INTO families (id, wrapped_key, created_at) VALUES (?, ?, ?)",
                        [family_id, self.keys.wrap(family_id, new_data_key()), utcnow()])
        return family_id

    def forget_new_family(self, family_id: str) -> None:
        """Remove a family that was made but never used (joining a hub failed); one with records stays."""
        self.db.execute("DELETE FROM families WHERE id = ? AND NOT EXISTS"
                        " (SELECT 1 FROM records WHERE family_id = ?)", [family_id, family_id])
        self._ciphers.pop(family_id, None)

    def family_exists(self, family_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM families WHERE id = ?", [family_id]).fetchone() is not None

    def cipher(self, family_id: str) -> FieldCipher:
        """The family's field cipher, unwrapped once per store; raises LookupError for an unknown family."""
        cipher = self._ciphers.get(family_id)
        if cipher is None:
            row = self.db.execute("SELECT wrapped_key FROM families WHERE id = ?", [family_id]).fetchone()
            if row is None:
                raise LookupError("unknown family")
            cipher = self._ciphers[family_id] = FieldCipher(self.keys.unwrap(family_id, row[0]))
            self.unwraps += 1
        return cipher

    # Writing ---------------------------------------------------------------------------------

    def write(self, *, family_id: str, kind: str, author: str, body: dict[str, Any], subject: str | None = None,
              record_id: str | None = None, replaces: str | None = None) -> Record:
        """Store one change made here, stamped with this node's clock.

        A known record id is an idempotent replay and returns the stored record; raises
        RecordIdTaken when the id belongs to another family or kind."""
        record_id = record_id or new_record_id()
        with transaction(self.db):
            stored = self._stored_with_id(family_id, kind, record_id)
            if stored is not None:
                return stored
            record = Record(id=record_id, family_id=family_id, kind=kind, author=author, clock=str(self.hlc.now()),
                            subject=subject, body=body, replaces=replaces)
            self._insert(record)
            # A family that joined a hub syncs soon after a change (sync.runner).
            self.db.execute("UPDATE hub_links SET wanted_at = ? WHERE family_id = ? AND wanted_at IS NULL",
                            [utcnow(), family_id])
        return record

    def apply(self, record: Record) -> Applied:
        """Store a record made elsewhere (the hub, a phone's outbox) with its own id, author, clock and
        subject; this node's clock moves past it. Applying it again changes nothing.

        Raises RecordRefused for a record that cannot be stored, RecordIdTaken for an id that is
        already used by a different record."""
        _check_applicable(record)
        with transaction(self.db):
            stored = self._stored_with_id(record.family_id, record.kind, record.id)
            if stored is not None:
                if stored.header_bytes() != record.header_bytes() or stored.body != record.body:
                    raise RecordIdTaken("record id already used for another record")
                return Applied(stored, False)
            if not self.family_exists(record.family_id):
                raise RecordRefused("unknown family")
            self.hlc.observe(Stamp.parse(record.clock))
            self._insert(record)
        return Applied(record, True)

    def _stored_with_id(self, family_id: str, kind: str, record_id: str) -> Record | None:
        existing = self.db.execute("SELECT family_id, kind FROM records WHERE id = ?", [record_id]).fetchone()
        if existing is None:
            return None
        if tuple(existing) != (family_id, kind):
            raise RecordIdTaken("record id already used for another record")
        return self.get(family_id, record_id)

    def _insert(self, record: Record) -> None:
        """Insert inside the caller's transaction and move the item's current version by the one rule."""
        cipher = self.cipher(record.family_id)
        held = self.db.execute(
            "SELECT id, family_id, kind, author, clock FROM records WHERE family_id = ? AND item = ? AND is_current = 1",
            [record.family_id, record.item]).fetchone()
        is_current = held is None or supersedes(record, Record(id=held[0], family_id=held[1], kind=held[2],
                                                               author=held[3], clock=held[4]))
        if held is not None and is_current:
            self.db.execute("UPDATE records SET is_current = 0 WHERE id = ?", [held[0]])
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM records").fetchone()[0]
        self.db.execute(
            "INSERT INTO records (id, family_id, kind, category, author, clock, subject, item, about, replaces, seq,"
            " is_current, finished, body, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [record.id, record.family_id, record.kind, record.category, record.author, record.clock, record.subject,
             record.item, record.about, record.replaces, seq, int(is_current), int(record.finished),
             cipher.encrypt(record.header_bytes(), record.body),
             utcnow()])

    # Reading ---------------------------------------------------------------------------------

    def get(self, family_id: str, record_id: str) -> Record | None:
        """One record of this family, or None (a record of another family is never returned)."""
        if record_id in self._opened and self._opened[record_id].family_id == family_id:
            return self._opened[record_id]
        # Reviewed for bandit B608: these f-strings insert only the constant _COLUMNS and "?" placeholders.
        row = self.db.execute(f"SELECT {_COLUMNS} FROM records WHERE id = ? AND family_id = ?",  # nosec B608
                              [record_id, family_id]).fetchone()
        return self._open(row) if row else None

    def exists(self, family_id: str, record_id: str) -> bool:
        """Was this id stored for this family (a form sent twice)? Opens nothing."""
        return self.db.execute("SELECT 1 FROM records WHERE id = ? AND family_id = ?",
                               [record_id, family_id]).fetchone() is not None

    def current(self, family_id: str, kinds: Iterable[str], subject: str | None = None,
                after: str | None = None, about: str | None = None, unfinished: bool = False,
                author: str | None = None) -> list[Record]:
        """The current version of every item of these kinds (optionally only of one subject, with a
        clock after `after`, about one goal, not finished, or by one author), oldest clock first."""
        return self._select(family_id, kinds, subject, after, about, current_only=True, unfinished=unfinished,
                            author=author)

    def history(self, family_id: str, kinds: Iterable[str], subject: str | None = None,
                after: str | None = None, about: str | None = None) -> list[Record]:
        """Every record of these kinds, all versions, oldest clock first: for pages that show history."""
        return self._select(family_id, kinds, subject, after, about, current_only=False)

    def versions(self, family_id: str, item: str) -> list[Record]:
        """Every version of one item, oldest first."""
        sql = f"SELECT {_COLUMNS} FROM records WHERE family_id = ? AND item = ? ORDER BY clock, author"  # nosec B608
        rows = self.db.execute(sql, [family_id, item]).fetchall()
        return [self._open(row) for row in rows]

    def latest_finished(self, family_id: str, kind: str, subject: str, limit: int) -> list[Record]:
        """The `limit` most recently finished items of this kind about this subject, newest first."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM records WHERE family_id = ? AND kind = ? AND subject = ?"  # nosec B608
            " AND is_current = 1 AND finished = 1 ORDER BY clock DESC, author DESC LIMIT ?",
            [family_id, kind, subject, limit]).fetchall()
        return [self._open(row) for row in rows]

    def count_finished(self, family_id: str, kind: str, subject: str) -> int:
        """How many items of this kind about this subject are finished now (nothing is opened)."""
        return self.db.execute("SELECT COUNT(*) FROM records WHERE family_id = ? AND kind = ? AND subject = ?"
                               " AND is_current = 1 AND finished = 1", [family_id, kind, subject]).fetchone()[0]

    def changes_by(self, family_id: str, author: str, since: str) -> int:
        """How many records this author stored in this family since `since` (ISO time, UTC)."""
        return self.db.execute("SELECT COUNT(*) FROM records WHERE family_id = ? AND author = ? AND stored_at > ?",
                               [family_id, author, since]).fetchone()[0]

    def changes_after(self, family_id: str, seq: int, limit: int) -> list[tuple[int, Record]]:
        """(seq, record) of this family's records stored after `seq`, in store order: what sync sends."""
        rows = self.db.execute(f"SELECT seq, {_COLUMNS} FROM records WHERE family_id = ? AND seq > ?"  # nosec B608
                               " ORDER BY seq LIMIT ?", [family_id, seq, limit]).fetchall()
        return [(row[0], self._open(row[1:])) for row in rows]

    def last_seq(self) -> int:
        """The highest store sequence number on this node (0 when empty)."""
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0]

    def latest_clock(self) -> str | None:
        """The highest clock value stored, so the node's clock can start past it."""
        row = self.db.execute("SELECT MAX(clock) FROM records").fetchone()
        return row[0] if row else None

    def _select(self, family_id: str, kinds: Iterable[str], subject: str | None, after: str | None,
                about: str | None, current_only: bool, unfinished: bool = False,
                author: str | None = None) -> list[Record]:
        kinds = list(kinds)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown or not kinds:
            raise ValueError("unknown kind of record")
        sql = (f"SELECT {_COLUMNS} FROM records WHERE family_id = ?"  # nosec B608
               f" AND kind IN ({', '.join('?' for _ in kinds)})")
        params: list[Any] = [family_id, *kinds]
        if current_only:
            sql += " AND is_current = 1"
        if subject is not None:
            sql += " AND subject = ?"
            params.append(subject)
        if after is not None:
            sql += " AND clock > ?"
            params.append(after)
        if about is not None:
            sql += " AND about = ?"
            params.append(about)
        if unfinished:
            sql += " AND finished = 0"
        if author is not None:
            sql += " AND author = ?"
            params.append(author)
        self.cipher(family_id)  # an unknown family raises LookupError even when it has no records
        return [self._open(row) for row in self.db.execute(sql + " ORDER BY clock, author", params).fetchall()]

    def _open(self, row: tuple) -> Record:
        record_id, family_id, kind, _category, author, clock_value, subject, _item, _about, replaces, _done, _blob = row
        held = self._opened.get(record_id)
        if held is not None:
            return held
        cipher = self.cipher(family_id)
        self.decrypts += 1
        body = _decrypt_bound(cipher, row)
        record = Record(id=record_id, family_id=family_id, kind=kind, author=author, clock=clock_value,
                        subject=subject, body=body, replaces=replaces)
        self._opened[record_id] = record
        return record


def _decrypt_bound(cipher: FieldCipher, row: tuple) -> dict[str, Any]:
    """Open a body whose associated data is the record's whole header as stored in the columns.

    Any column changed outside OnsPlan makes the AEAD tag fail; the body must also agree with
    the category and item columns that were derived from it."""
    record_id, family_id, kind, category, author, clock_value, subject, item, about, replaces, finished, blob = row
    aad = header_bytes(id=record_id, family=family_id, kind=kind, category=category, author=author,
                       clock=clock_value, subject=subject, item=item, about=about, replaces=replaces,
                       finished=bool(finished))
    try:
        body = cipher.decrypt(aad, blob)
        if not isinstance(body, dict) or kind not in KINDS:
            raise CryptoError("not a record body")
        opened = Record(id=record_id, family_id=family_id, kind=kind, author=author, clock=clock_value, body=body)
        if (opened.category, opened.item, opened.about, opened.finished) != (category, item, about, bool(finished)):
            raise CryptoError("body does not match its header")
    except CryptoError:
        raise TamperedRecord("a stored record was changed outside OnsPlan and is not shown") from None
    return body


def _check_applicable(record: Record) -> None:
    if record.kind not in KINDS:
        raise RecordRefused("unknown kind of record")
    for name in ("id", "family_id", "author", "clock"):
        value = getattr(record, name)
        if not isinstance(value, str) or not value or len(value) > 100:
            raise RecordRefused(f"{name} is missing or too long")
    try:
        Stamp.parse(record.clock)
    except ValueError:
        raise RecordRefused("clock is not a clock value") from None
    if not isinstance(record.body, dict):
        raise RecordRefused("body must be an object")
    if record.kind == "child_card":
        raise RecordRefused("a child card is made for sync, never stored as a record")
    category_of(record.kind, record.body)


def upgrade_v1_records(db: sqlite_utils.Database, keys: NodeKey) -> None:
    """Move records of the first format (body bound to the record id only) into the store's table.

    Runs inside the migration's transaction. A consent decision replaces its author's previous
    decision about the same child, organisation and kind: on one node they were made in turn."""
    store = RecordStore(db, keys, HybridClock("upgrade"))
    rows = db.execute("SELECT id, family_id, kind, author, clock, subject, body FROM records_v1"
                      " ORDER BY clock, author, id").fetchall()
    previous_decision: dict[tuple, str] = {}
    for record_id, family_id, kind, author, clock_value, subject, blob in rows:
        body = store.cipher(family_id).decrypt(record_id, blob)
        if not isinstance(body, dict):
            raise TamperedRecord("a stored record has no readable body")
        replaces = None
        if kind == "consent_decision":
            about = (family_id, author, subject, body.get("organisation_id"), body.get("kind"))
            replaces = previous_decision.get(about)
            previous_decision[about] = record_id
        store._insert(Record(id=record_id, family_id=family_id, kind=kind, author=author, clock=clock_value,
                             subject=subject, body=body, replaces=replaces))


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               [key, value])
