"""One-time invitation codes that expire: how parents and youths join their family's space."""
from __future__ import annotations

import sqlite_utils

from sync.record import new_record_id
from sync.wire import format_code, random_code
from webapp.auth import queries

CODE_LENGTH = 12


def new_code() -> str:
    return random_code(CODE_LENGTH)


def issue_invitation(db: sqlite_utils.Database, *, family_id: str, role: str, person_id: str | None,
                     created_by: str, days: int, invitation_id: str | None = None) -> tuple[str, str]:
    """Make a new code for a parent or youth (an older open code for the same person stops working,
    also one made by the same form a moment ago: sent twice, only the code shown last works).

    Returns (formatted code, expiry). Only a hash of the code is stored.
    """
    queries.withdraw_open_invitations(db, family_id, person_id, role)
    if invitation_id and queries.invitation_exists(db, invitation_id):
        invitation_id = None  # the id of a code that was used: this is a new one
    code = new_code()
    expires_at = queries.create_invitation(
        db, invitation_id=invitation_id or new_record_id(), family_id=family_id, code=code, role=role,
        person_id=person_id, created_by=created_by, days=days)
    return format_code(code), expires_at
