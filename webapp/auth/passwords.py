"""argon2id password hashing with the instance's cost settings."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 10
# Verifying against this keeps the time of "unknown user" equal to "wrong password".
_DUMMY_PASSWORD = "onsplan-timing-equaliser"


def hasher() -> PasswordHasher:
    config = current_app.config["ONSPLAN"]
    return PasswordHasher(time_cost=config.password_time_cost, memory_cost=config.password_memory_kib)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same effort when there is no such user."""
    ph = hasher()
    try:
        return ph.verify(stored_hash or ph.hash(_DUMMY_PASSWORD), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
