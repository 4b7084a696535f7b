"""One-time invitation codes that expire: how parents and youths join their family's space."""
from __future__ import annotations

import secrets

import sqlite_utils

from sync.record import new_record_id
from webapp.auth import queries

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCDEFGHJKLM -> ABCD-EFGH-JKLM, easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue_invitation(db: sqlite_utils.Database, *, family_id: str, role: str, person_id: str | None,
                     created_by: str, days: int) -> tuple[str, str]:
    """Make a new code for a parent or youth (an older open code for the same person stops working).

    Returns (formatted code, expiry). Only a hash of the code is stored.
    """
    queries.withdraw_open_invitations(db, family_id, person_id, role)
    code = new_code()
    expires_at = queries.create_invitation(
        db, invitation_id=new_record_id(), family_id=family_id, code=code, role=role,
        person_id=person_id, created_by=created_by, days=days)
    return format_code(code), expires_at
