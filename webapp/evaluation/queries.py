"""Reading and writing answers. Every save is one encrypted ``evaluation_response`` record."""
from __future__ import annotations

import sqlite_utils

from sync.clock import HybridClock
from sync.record import Record
from webapp.crypto import NodeKey
from webapp.evaluation.responses import KIND, Response, fold_responses
from webapp.records import add_record, family_records, get_record


def load_responses(db: sqlite_utils.Database, keys: NodeKey, family_id: str, child_id: str) -> list[Response]:
    """Every answer about this child with all its versions (visibility is the caller's job)."""
    return fold_responses(child_id, family_records(db, keys, family_id, kinds=[KIND]))


def save_response(db: sqlite_utils.Database, keys: NodeKey, hlc: HybridClock, *, family_id: str, child_id: str,
                  author_id: str, body: dict, record_id: str | None = None) -> Record:
    """Store one save as one record (one insert in one transaction); a known record id is a replay."""
    return add_record(db, keys, hlc, family_id=family_id, kind=KIND, author=author_id, subject=child_id,
                      body=body, record_id=record_id)


def is_stored(db: sqlite_utils.Database, keys: NodeKey, family_id: str, record_id: str) -> bool:
    """Was this client-made id already stored for this family (a form sent twice)?"""
    return get_record(db, keys, family_id, record_id) is not None
