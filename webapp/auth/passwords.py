"""argon2id password hashing with the instance's cost settings."""
from __future__ import annotations

from functools import lru_cache

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


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    """A hash with the instance's costs, made once: an unknown user costs one verify, like a known one."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash(_DUMMY_PASSWORD)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user costs exactly one verify, as a known one does."""
    ph = hasher()
    target = stored_hash or _dummy_hash(ph.time_cost, ph.memory_cost)
    try:
        return ph.verify(target, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
