"""A family's sync state in plain facts: for the family's own page and for the operator's
``onsplan sync-status`` (ids, times and counts only; nothing personal)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlite_utils


@dataclass(frozen=True)
class SyncStatus:
    joined: bool
    hub_host: str = ""
    last_sent_at: datetime | None = None
    last_received_at: datetime | None = None
    waiting: bool = False          # a change was made and is not sent yet
    failures: int = 0              # failed rounds in a row
    last_error: str | None = None  # protocol reason (English, for the operator)
    next_attempt_at: datetime | None = None
    refused: int = 0               # envelopes one side refused
    refusals: tuple["Refusal", ...] = ()  # the most recent ones


@dataclass(frozen=True)
class Refusal:
    direction: str  # push: the hub refused what the family sent; pull: the family space refused a hub record
    reason: str     # the protocol's reason (English, for the operator)
    at: datetime

    @property
    def kind(self) -> str:
        """What the family is told: a professional tried to change a family record, a record was not
        signed as it should be, or something else."""
        if "did not make" in self.reason:
            return "overwrite"
        if "sign" in self.reason:
            return "signature"
        return "other"


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def family_sync_status(db: sqlite_utils.Database, family_id: str) -> SyncStatus:
    row = db.execute("SELECT hub_url, last_sent_at, last_received_at, wanted_at, failures, last_error,"
                     " next_attempt_at FROM hub_links WHERE family_id = ?", [family_id]).fetchone()
    if row is None:
        return SyncStatus(joined=False)
    refused = db.execute("SELECT COUNT(*) FROM sync_refusals WHERE family_id = ?", [family_id]).fetchone()[0]
    recent = tuple(Refusal(direction, reason, datetime.fromisoformat(at)) for direction, reason, at in db.execute(
        "SELECT direction, reason, at FROM sync_refusals WHERE family_id = ? ORDER BY at DESC LIMIT 5",
        [family_id]).fetchall())
    return SyncStatus(joined=True, hub_host=urlsplit(row[0]).hostname or row[0], last_sent_at=_moment(row[1]),
                      last_received_at=_moment(row[2]), waiting=row[3] is not None, failures=row[4],
                      last_error=row[5], next_attempt_at=_moment(row[6]), refused=refused, refusals=recent)


def held_at_hub(db: sqlite_utils.Database, keys, family_id: str, child_id: str) -> set[tuple[str, str]]:
    """(keyed hash of the recipient, category) of every wrap of this child's keys that the hub holds
    or may hold (an answer not yet received): what an organisation can still open there until the
    next round has passed on a withdrawal. Compare with ``recipient_mark``."""
    rows = db.execute("SELECT key_ref, recipient FROM wraps_at_hub WHERE family_id = ? AND key_ref LIKE ?",
                      [family_id, f"{family_id}/{child_id}/%"]).fetchall()
    return {(recipient, ref.split("/")[2]) for ref, recipient in rows if ref.count("/") == 3}


def recipient_mark(keys, recipient: str) -> str:
    """How ``wraps_at_hub`` names a recipient (a keyed hash: whom a family shares with is personal)."""
    return keys.lookup_hash("wrap-recipient", recipient)


def all_families(db: sqlite_utils.Database) -> list[tuple[str, SyncStatus]]:
    return [(row[0], family_sync_status(db, row[0]))
            for row in db.execute("SELECT family_id FROM hub_links ORDER BY enrolled_at").fetchall()]
