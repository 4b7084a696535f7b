"""The visible language switch: a plain form that sets a remembered cookie."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from webapp.auth import safe_next
from webapp.i18n import LANGUAGE_COOKIE, LANGUAGES

bp = Blueprint("language", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.post("/taal")
def switch():
    """Remember the chosen language and go back to the page the user was on."""
    chosen = request.form.get("language")
    response = redirect(safe_next(url_for("home.root")), 303)
    if chosen in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response
