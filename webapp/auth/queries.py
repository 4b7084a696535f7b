"""SQL for accounts, invitations, login sessions and professionals."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlite_utils

from webapp.auth.delays import failures_now, wait_after
from webapp.crypto import token_hash
from webapp.db import transaction, utcnow


def _row(cursor) -> dict[str, Any] | None:
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row))


def _in(hours: float = 0, days: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours, days=days)).isoformat(timespec="seconds")


# -- login sessions ---------------------------------------------------------------------

def start_session(db: sqlite_utils.Database, account_id: str, token: str, hours: int) -> None:
    db.execute(
        "INSERT INTO login_sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [token_hash(token), account_id, utcnow(), _in(hours=hours)],
    )


def start_family_session(db: sqlite_utils.Database, account_id: str, token: str, hours: int, *,
                         idle_seconds: int, shared_phone: bool) -> None:
    """A family member's session: it ends after ``hours``, or sooner after ``idle_seconds`` without activity."""
    db.execute(
        "INSERT INTO login_sessions (token_hash, account_id, created_at, expires_at, idle_seconds, active_until,"
        " shared_phone) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [token_hash(token), account_id, utcnow(), _in(hours=hours), idle_seconds,
         _in(hours=idle_seconds / 3600), int(shared_phone)],
    )


def family_session(db: sqlite_utils.Database, token: str) -> dict[str, Any] | None:
    """A live family session (not expired, not idle too long), or None. An idle one is deleted."""
    row = _row(db.execute(
        "SELECT account_id, idle_seconds, active_until, shared_phone FROM login_sessions"
        " WHERE token_hash = ? AND expires_at > ?", [token_hash(token), utcnow()]))
    if row is None:
        return None
    if row["active_until"] is not None and row["active_until"] <= utcnow():
        end_session(db, token)  # locked: signing in again is needed
        return None
    return row


def keep_session_active(db: sqlite_utils.Database, token: str, idle_seconds: int) -> None:
    """Activity: the session stays open for another ``idle_seconds`` from now."""
    db.execute("UPDATE login_sessions SET active_until = ?, idle_seconds = ? WHERE token_hash = ?",
               [_in(hours=idle_seconds / 3600), idle_seconds, token_hash(token)])


def set_idle_for_account(db: sqlite_utils.Database, account_id: str, idle_seconds: int) -> None:
    """A new lock time applies at once to every open session of this person."""
    db.execute("UPDATE login_sessions SET idle_seconds = ?, active_until = ? WHERE account_id = ?",
               [idle_seconds, _in(hours=idle_seconds / 3600), account_id])


def session_expiry(db: sqlite_utils.Database, token: str) -> str | None:
    """When this login session ends (ISO time, UTC), or None for an unknown one."""
    row = db.execute("SELECT expires_at FROM login_sessions WHERE token_hash = ?", [token_hash(token)]).fetchone()
    return row[0] if row else None


def session_account(db: sqlite_utils.Database, token: str) -> str | None:
    """The account of a live session token, or None when unknown or expired."""
    row = db.execute(
        "SELECT account_id FROM login_sessions WHERE token_hash = ? AND expires_at > ?",
        [token_hash(token), utcnow()],
    ).fetchone()
    return row[0] if row else None


def end_session(db: sqlite_utils.Database, token: str) -> None:
    db.execute("DELETE FROM login_sessions WHERE token_hash = ?", [token_hash(token)])


# -- family accounts --------------------------------------------------------------------

def account_by_login(db: sqlite_utils.Database, login_hash: str) -> dict[str, Any] | None:
    return _row(db.execute("SELECT * FROM accounts WHERE login_hash = ?", [login_hash]))


def account_by_id(db: sqlite_utils.Database, account_id: str) -> dict[str, Any] | None:
    return _row(db.execute("SELECT * FROM accounts WHERE id = ?", [account_id]))


def account_safety_settings(db: sqlite_utils.Database, account_id: str) -> bytes | None:
    """The person's safety settings as stored (encrypted; see webapp.safety), or None."""
    row = db.execute("SELECT safety_settings FROM accounts WHERE id = ?", [account_id]).fetchone()
    return row[0] if row else None


def set_account_safety_settings(db: sqlite_utils.Database, account_id: str, blob: bytes) -> None:
    db.execute("UPDATE accounts SET safety_settings = ? WHERE id = ?", [blob, account_id])


def account_for_person(db: sqlite_utils.Database, person_id: str) -> dict[str, Any] | None:
    return _row(db.execute("SELECT * FROM accounts WHERE person_id = ?", [person_id]))


def login_taken(db: sqlite_utils.Database, login_hash: str) -> bool:
    return db.execute("SELECT 1 FROM accounts WHERE login_hash = ?", [login_hash]).fetchone() is not None


def create_account(db: sqlite_utils.Database, **values: Any) -> None:
    values.setdefault("created_at", utcnow())
    db["accounts"].insert(values)


def sign_in_wait(db: sqlite_utils.Database, login_hash: str, now: datetime) -> datetime | None:
    """Until when this username must wait before the next try, or None when it may try now."""
    row = db.execute("SELECT blocked_until FROM sign_in_failures WHERE login_hash = ?", [login_hash]).fetchone()
    if row is None:
        return None
    until = datetime.fromisoformat(row[0])
    return until if until > now else None


def record_sign_in_failure(db: sqlite_utils.Database, login_hash: str, now: datetime) -> None:
    """One more failed try for this username; the wait grows by the rule in ``auth.delays``."""
    with transaction(db):
        row = db.execute("SELECT failures, last_failure_at FROM sign_in_failures WHERE login_hash = ?",
                         [login_hash]).fetchone()
        failures = failures_now(row[0], datetime.fromisoformat(row[1]), now) + 1 if row else 1
        db.execute(
            "INSERT INTO sign_in_failures (login_hash, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(login_hash) DO UPDATE SET failures = excluded.failures,"
            " last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until",
            [login_hash, failures, now.isoformat(), (now + wait_after(failures)).isoformat()])


def clear_sign_in_failures(db: sqlite_utils.Database, login_hash: str) -> None:
    db.execute("DELETE FROM sign_in_failures WHERE login_hash = ?", [login_hash])


def touch_login(db: sqlite_utils.Database, table: str, account_id: str) -> None:
    """Remember this sign-in; a family account also keeps the one before (for "new since your last visit")."""
    if table == "accounts":
        db.execute("UPDATE accounts SET previous_login_at = last_login_at, last_login_at = ? WHERE id = ?",
                   [utcnow(), account_id])
    elif table == "professionals":
        db.execute("UPDATE professionals SET last_login_at = ? WHERE id = ?", [utcnow(), account_id])
    else:
        raise ValueError(table)


# -- invitations ------------------------------------------------------------------------

def create_invitation(db: sqlite_utils.Database, *, invitation_id: str, family_id: str, code: str, role: str,
                      person_id: str | None, created_by: str, days: int) -> str:
    """Store a new invitation (only the hash of its code); returns the expiry timestamp."""
    expires_at = _in(days=days)
    db["invitations"].insert(
        {"id": invitation_id, "family_id": family_id, "code_hash": token_hash(code), "role": role,
         "person_id": person_id, "created_by": created_by, "created_at": utcnow(), "expires_at": expires_at}
    )
    return expires_at


def open_invitation(db: sqlite_utils.Database, code: str) -> dict[str, Any] | None:
    """An unused, unexpired invitation with this code, or None."""
    return _row(db.execute(
        "SELECT * FROM invitations WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
        [token_hash(code), utcnow()],
    ))


def open_invitation_by_id(db: sqlite_utils.Database, invitation_id: str) -> dict[str, Any] | None:
    """An unused, unexpired invitation with this id, or None."""
    return _row(db.execute(
        "SELECT * FROM invitations WHERE id = ? AND used_at IS NULL AND expires_at > ?",
        [invitation_id, utcnow()],
    ))


def mark_invitation_used(db: sqlite_utils.Database, invitation_id: str, account_id: str) -> bool:
    """Use an invitation once; False when someone else used it first."""
    cursor = db.execute(
        "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
        [utcnow(), account_id, invitation_id],
    )
    return cursor.rowcount == 1


def open_invitations_for_family(db: sqlite_utils.Database, family_id: str) -> list[dict[str, Any]]:
    cursor = db.execute(
        "SELECT id, role, person_id, expires_at FROM invitations"
        " WHERE family_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY created_at",
        [family_id, utcnow()],
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def invitation_exists(db: sqlite_utils.Database, invitation_id: str) -> bool:
    return db.execute("SELECT 1 FROM invitations WHERE id = ?", [invitation_id]).fetchone() is not None


def invitation_used_by(db: sqlite_utils.Database, invitation_id: str) -> str | None:
    """The account an invitation was used for, or None."""
    row = db.execute("SELECT used_by FROM invitations WHERE id = ?", [invitation_id]).fetchone()
    return row[0] if row and row[0] else None


def withdraw_open_invitations(db: sqlite_utils.Database, family_id: str, person_id: str | None, role: str) -> None:
    """An older open invitation for the same person stops working when a new one is made."""
    with transaction(db):
        db.execute(
            "DELETE FROM invitations WHERE family_id = ? AND role = ? AND used_at IS NULL"
            " AND (person_id IS ? OR person_id = ?)",
            [family_id, role, person_id, person_id],
        )


# -- professionals (hub) ----------------------------------------------------------------

def professional_by_login(db: sqlite_utils.Database, login_hash: str) -> dict[str, Any] | None:
    return _row(db.execute("SELECT * FROM professionals WHERE login_hash = ?", [login_hash]))


def professional_by_id(db: sqlite_utils.Database, professional_id: str) -> dict[str, Any] | None:
    return _row(db.execute(
        "SELECT p.*, o.name AS organisation_name, o.sector AS organisation_sector"
        " FROM professionals p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?",
        [professional_id],
    ))


# A second-factor step stored more than this many steps after the one a code belongs to now was
# claimed while the hub's clock ran ahead. Refusing every later code would lock the professional
# out until the clock reaches it again; the code's own window (now, or one step either side) still
# keeps a code from being used twice.
TOTP_STEPS_AHEAD = 2


def claim_totp_step(db: sqlite_utils.Database, professional_id: str, step: int) -> bool:
    """Accept each TOTP time step once: a code seen before is refused (replay). A stored step from
    the future (a clock that ran ahead and was corrected) does not lock anyone out."""
    before = db.execute("SELECT totp_last_step FROM professionals WHERE id = ?", [professional_id]).fetchone()
    cursor = db.execute(
        "UPDATE professionals SET totp_last_step = ? WHERE id = ? AND (totp_last_step < ? OR totp_last_step > ?)",
        [step, professional_id, step, step + TOTP_STEPS_AHEAD],
    )
    claimed = cursor.rowcount == 1
    if claimed and before and before[0] is not None and before[0] > step + TOTP_STEPS_AHEAD:
        logging.getLogger("onsplan.clock").warning(
            "a second-factor code was claimed %d s ahead of the clock now: the clock went back", (before[0] - step) * 30)
    return claimed
