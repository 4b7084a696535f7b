"""Professional accounts on the hub: password plus a TOTP second factor."""
from __future__ import annotations

import pyotp
import sqlite_utils

from sync.record import new_record_id
from webapp.auth.passwords import hash_password
from webapp.crypto import NodeKey
from webapp.db import utcnow


def add_professional(db: sqlite_utils.Database, keys: NodeKey, *, organisation_id: str, login: str, name: str,
                     role_title: str, password: str, is_admin: bool = False) -> tuple[str, str]:
    """Create a professional with a fresh TOTP secret; returns (id, secret) so it can be shown once."""
    cipher = keys.field_cipher("professional")
    professional_id = new_record_id()
    secret = pyotp.random_base32()
    db["professionals"].insert({
        "id": professional_id, "organisation_id": organisation_id,
        "login_hash": keys.lookup_hash("professional", login),
        "profile": cipher.encrypt(professional_id, {"name": name, "role_title": role_title}),
        "password_hash": hash_password(password),
        "totp_secret": cipher.encrypt(professional_id, secret),
        "created_at": utcnow(),
        "is_admin": int(is_admin),
    })
    return professional_id, secret
