"""Reading and writing answers. Every save is one encrypted ``evaluation_response`` record."""
from __future__ import annotations

from sync.record import Record
from webapp.evaluation import rules
from webapp.evaluation.responses import KIND, Response, fold_responses
from webapp.records import RecordStore


def load_responses(store: RecordStore, family_id: str, child_id: str) -> list[Response]:
    """Every answer about this child with all its versions (visibility is the caller's job)."""
    return fold_responses(child_id, store.history(family_id, [KIND], subject=child_id))


def save_response(store: RecordStore, *, family_id: str, child_id: str, author_id: str, body: dict,
                  record_id: str | None = None) -> Record:
    """Store one save as one record (one insert in one transaction); a known record id is a replay."""
    return store.write(family_id=family_id, kind=KIND, author=author_id, subject=child_id, body=body,
                       record_id=record_id)


def sent_moments(store: RecordStore, family_id: str, child_id: str, author_id: str) -> set[str]:
    """The evaluation moments of this child at which this person has sent their own answers."""
    return {r.body["moment"] for r in store.current(family_id, [KIND], subject=child_id, author=author_id)
            if r.body.get("status") == rules.SUBMITTED and r.body.get("respondent") != rules.CHILD}


def is_stored(store: RecordStore, family_id: str, record_id: str) -> bool:
    """Was this client-made id already stored for this family (a form sent twice)?"""
    return store.exists(family_id, record_id)
