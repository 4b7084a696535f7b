"""Notices about consent for the signed-in family member, shown on the home page."""
from __future__ import annotations


def consent_notices(db, keys, user, today) -> list[dict]:
    """What this person should decide or know about consent now (filled in by the consent feature)."""
    return []
