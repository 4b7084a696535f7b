"""The outbox's two server routes."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from webapp.auth import family_required
from webapp.render import render

bp = Blueprint("outbox", __name__)


@bp.get("/sessie")
def session_state():
    """Who is signed in on this phone now, and a CSRF token for sending what waited: the outbox sends
    a person's waiting items only while that same person is signed in."""
    signed_in = current_user.is_authenticated and not getattr(current_user, "is_professional", False)
    response = jsonify({"person": current_user.person_id if signed_in else None,
                        "token": generate_csrf() if signed_in else None})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/wachtrij")
@family_required
def waiting():
    """What waits on this phone to be sent: the list is filled in by the outbox script from the phone."""
    return render("outbox/waiting.html")
