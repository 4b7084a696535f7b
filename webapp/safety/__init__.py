"""Safe on a shared phone and in an unsafe home: auto-lock, discreet mode, "not my phone" and
what happens after "Snel weg". The rules here are plain; the store keeps a person's settings
encrypted (whether someone hides the app is personal)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlite_utils

from webapp.auth import queries
from webapp.crypto import CryptoError, NodeKey

# The lock times a person can choose, in minutes (the deployment's default applies until then).
LOCK_CHOICES_MINUTES = (2, 5, 10, 30, 60)
# Cookie names are neutral words, and the cookies hold no personal data.
LEFT_COOKIE = "away"          # set by "Snel weg": going back lands on the neutral site again
DISCREET_COOKIE = "quiet"     # this phone shows the neutral name and icon, also when signed out


@dataclass(frozen=True)
class SafetySettings:
    """One person's own choices; None means the deployment's default lock time."""

    lock_minutes: int | None = None
    discreet: bool = False

    def idle_seconds(self, default_seconds: int) -> int:
        """How long this person may be inactive before OnsPlan locks."""
        return self.lock_minutes * 60 if self.lock_minutes else default_seconds


def _cipher(keys: NodeKey):
    return keys.field_cipher("safety-settings")


def load_settings(db: sqlite_utils.Database, keys: NodeKey, account_id: str, blob: bytes | None = None,
                  ) -> SafetySettings:
    """The person's settings; the defaults when none are stored (or the stored ones do not open)."""
    if blob is None:
        blob = queries.account_safety_settings(db, account_id)
    if not blob:
        return SafetySettings()
    try:
        values = _cipher(keys).decrypt(f"account:{account_id}", blob)
    except CryptoError:
        return SafetySettings()
    lock = values.get("lock_minutes") if isinstance(values, dict) else None
    return SafetySettings(lock_minutes=lock if lock in LOCK_CHOICES_MINUTES else None,
                          discreet=bool(values.get("discreet")) if isinstance(values, dict) else False)


def save_settings(db: sqlite_utils.Database, keys: NodeKey, account_id: str, settings: SafetySettings) -> None:
    """Store the person's settings, encrypted and bound to the account."""
    queries.set_account_safety_settings(db, account_id, _cipher(keys).encrypt(f"account:{account_id}",
                                                                              asdict(settings)))


def draft_key(keys: NodeKey, account_id: str) -> bytes:
    """The key with which this person's phone encrypts what was typed when OnsPlan locked. Only this
    person, signed in, gets it from the server; the phone keeps it in memory only."""
    return keys.derived_key(f"drafts/{account_id}")
