"""Family records at rest: every personal field is encrypted with the family's own key.

Queries take the database and return plain data. This module is the only one that
reads or writes the ``records`` and ``families`` tables.
"""
from __future__ import annotations

from typing import Any, Iterable

import sqlite_utils
from flask import current_app

from sync.clock import HybridClock
from sync.record import Record, category_of, new_record_id
from webapp.crypto import FieldCipher, NodeKey, new_data_key
from webapp.db import transaction, utcnow


class RecordIdTaken(ValueError):
    """A client-made record id that already belongs to another family or kind of record."""


def node_key() -> NodeKey:
    return current_app.extensions["onsplan.node_key"]


def clock() -> HybridClock:
    return current_app.extensions["onsplan.clock"]


def create_family(db: sqlite_utils.Database, keys: NodeKey) -> str:
    """A new family with its own random data key, wrapped by the node key."""
    family_id = new_record_id()
    db.execute(
        "INSERT INTO families (id, wrapped_key, created_at) VALUES (?, ?, ?)",
        [family_id, keys.wrap(family_id, new_data_key()), utcnow()],
    )
    return family_id


def family_cipher(db: sqlite_utils.Database, keys: NodeKey, family_id: str) -> FieldCipher:
    """The family's field cipher; raises LookupError for an unknown family."""
    row = db.execute("SELECT wrapped_key FROM families WHERE id = ?", [family_id]).fetchone()
    if row is None:
        raise LookupError("unknown family")
    return FieldCipher(keys.unwrap(family_id, row[0]))


def add_record(
    db: sqlite_utils.Database,
    keys: NodeKey,
    hlc: HybridClock,
    *,
    family_id: str,
    kind: str,
    author: str,
    body: dict[str, Any],
    subject: str | None = None,
    record_id: str | None = None,
) -> Record:
    """Store one change. A known record id is an idempotent replay and returns the stored record."""
    record_id = record_id or new_record_id()
    cipher = family_cipher(db, keys, family_id)
    with transaction(db):
        existing = db.execute("SELECT family_id, kind FROM records WHERE id = ?", [record_id]).fetchone()
        if existing:
            if tuple(existing) != (family_id, kind):
                raise RecordIdTaken("record id already used for another record")
            return get_record(db, keys, family_id, record_id)  # type: ignore[return-value]
        record = Record(
            id=record_id, family_id=family_id, kind=kind, author=author,
            clock=str(hlc.now()), subject=subject, body=body,
        )
        db.execute(
            "INSERT INTO records (id, family_id, kind, category, author, clock, subject, body, stored_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [record.id, family_id, kind, category_of(kind, body), author, record.clock, subject,
             cipher.encrypt(record.id, body), utcnow()],
        )
    return record


def _to_record(cipher: FieldCipher, row: tuple) -> Record:
    record_id, family_id, kind, author, clock_value, subject, blob = row
    return Record(id=record_id, family_id=family_id, kind=kind, author=author, clock=clock_value,
                  subject=subject, body=cipher.decrypt(record_id, blob))  # type: ignore[arg-type]


_COLUMNS = "id, family_id, kind, author, clock, subject, body"


def get_record(db: sqlite_utils.Database, keys: NodeKey, family_id: str, record_id: str) -> Record | None:
    """One record of this family, or None (a record of another family is never returned)."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM records WHERE id = ? AND family_id = ?", [record_id, family_id]
    ).fetchone()
    return _to_record(family_cipher(db, keys, family_id), row) if row else None


def family_records(
    db: sqlite_utils.Database, keys: NodeKey, family_id: str, kinds: Iterable[str] | None = None
) -> list[Record]:
    """All records of a family (optionally of some kinds), oldest clock first."""
    sql = f"SELECT {_COLUMNS} FROM records WHERE family_id = ?"
    params: list[Any] = [family_id]
    if kinds is not None:
        kinds = list(kinds)
        sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
        params.extend(kinds)
    rows = db.execute(sql + " ORDER BY clock, id", params).fetchall()
    cipher = family_cipher(db, keys, family_id)
    return [_to_record(cipher, row) for row in rows]


def latest_versions(records: Iterable[Record]) -> dict[str, Record]:
    """Fold versions into current state: per logical item (body['item'] or the record id), the
    record with the highest clock wins; ties broken by author id, so every node agrees."""
    current: dict[str, Record] = {}
    for record in records:
        item = record.body.get("item", record.id)
        held = current.get(item)
        if held is None or (record.clock, record.author) > (held.clock, held.author):
            current[item] = record
    return current


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               [key, value])
