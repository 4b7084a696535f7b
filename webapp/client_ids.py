"""The client-made id of a form that changes something.

Every such form carries a fresh id (the ``client_id()`` template global; the phone gives kept pages
new ones, static/js/outbox.js). The change is stored under that id, so the same form sent again —
a double tap on a slow connection, a replay from the phone's outbox after a lost answer — finds
it stored and changes nothing."""
from __future__ import annotations

import uuid

from flask import request
from flask_login import current_user

from webapp.records import get_store


def form_client_id() -> str | None:
    """The form's client-made id, when it is one (a form from an older page may send none)."""
    value = request.form.get("client_id", "")
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def sent_before() -> bool:
    """Was this form stored before, for this family?"""
    client_id = form_client_id()
    return client_id is not None and get_store().exists(current_user.family_id, client_id)
