"""Safety on the family space: the settings page, locking, the key for kept drafts, and what
"Snel weg" leaves behind (a neutral marker that sends going back to the neutral site)."""
from __future__ import annotations

import base64

from flask import Blueprint, Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import family_required, queries, sign_out
from webapp.db import get_db, transaction
from webapp.records import node_key
from webapp.render import render
from webapp.safety import (DISCREET_COOKIE, LEFT_COOKIE, LOCK_CHOICES_MINUTES, SafetySettings, draft_key,
                           load_settings, save_settings)
from webapp.safety.forms import SafetySettingsForm

bp = Blueprint("safety", __name__)

ONE_YEAR = 365 * 24 * 3600
# Reached while the "Snel weg" marker is set without leading to the neutral site: the way back in
# ("/", also the installed app's start address), the worker, the manifest and what scripts ask.
NOT_SENT_AWAY = {"/", "/sw.js", "/manifest.webmanifest", "/favicon.ico", "/offline", "/sessie",
                 "/sessie/sleutel", "/snel-weg"}


@bp.route("/instellingen", methods=["GET", "POST"])
@family_required
def settings():
    """The person's own safety settings: lock time and discreet mode."""
    db, keys = get_db(), node_key()
    current = load_settings(db, keys, current_user.account_id)
    # Until the person chooses, the list shows the choice nearest to the deployment's default.
    default = current_app.config["ONSPLAN"].auto_lock_seconds / 60
    minutes = current.lock_minutes or min(LOCK_CHOICES_MINUTES, key=lambda choice: abs(choice - default))
    form = SafetySettingsForm(data={"lock_minutes": str(minutes), "discreet": current.discreet})
    if form.validate_on_submit():
        chosen = SafetySettings(lock_minutes=int(form.lock_minutes.data), discreet=form.discreet.data)
        with transaction(db):
            save_settings(db, keys, current_user.account_id, chosen)
            queries.set_idle_for_account(db, current_user.account_id,
                                         chosen.idle_seconds(current_app.config["ONSPLAN"].auto_lock_seconds))
        flash(_("Your settings are saved."), "success")
        response = redirect(url_for("safety.settings"), 303)
        if not chosen.discreet:
            response.delete_cookie(DISCREET_COOKIE)  # this phone shows OnsPlan again
        return response
    return render("safety/settings.html", form=form, status=422 if form.errors else 200)


@bp.post("/vergrendelen")
def lock():
    """Lock now (the page's timer ran out): the session ends on the server. Without JavaScript
    nobody posts here; the server ends an idle session by itself."""
    sign_out()
    if request.headers.get("X-OnsPlan-Lock"):
        return "", 204
    return redirect(url_for("auth.login"), 303)


@bp.get("/sessie/sleutel")
def drafts_key():
    """The key for this person's kept drafts, only for the same person signed in, and never when
    signed in with "not my phone" (nothing is kept then)."""
    signed_in = current_user.is_authenticated and not current_user.is_professional
    keep = signed_in and not current_user.shared_phone
    key = base64.b64encode(draft_key(node_key(), current_user.account_id)).decode() if keep else None
    response = jsonify({"person": current_user.person_id if signed_in else None, "key": key})
    response.headers["Cache-Control"] = "no-store"
    return response


def _sent_away():
    """After "Snel weg": a family page opened without a session (the back button) goes to the
    neutral site again, so going back never shows OnsPlan."""
    if request.path == "/":
        g.came_back = True
        return None
    if (request.method != "GET" or not request.cookies.get(LEFT_COOKIE) or request.path in NOT_SENT_AWAY
            or request.path.startswith("/static/") or current_user.is_authenticated):
        return None
    response = redirect(current_app.config["ONSPLAN"].leave_url, 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _phone_cookies(response):
    """Whoever signs in or opens "/" came back on purpose: the marker goes. A person in discreet
    mode makes this phone discreet, also when signed out (not on someone else's phone)."""
    if response.mimetype != "text/html" and not request.cookies.get(LEFT_COOKIE):
        # No session work for the app's files, the worker or the manifest: loading the user would
        # renew the session cookie, and a changed cookie makes the worker fetch the shell again.
        return response
    signed_in = current_user.is_authenticated and not current_user.is_professional
    if (signed_in or g.get("came_back")) and request.cookies.get(LEFT_COOKIE):
        response.delete_cookie(LEFT_COOKIE)
    if signed_in and current_user.discreet and not current_user.shared_phone \
            and not request.cookies.get(DISCREET_COOKIE) and not g.get("stateless"):
        response.set_cookie(DISCREET_COOKIE, "1", max_age=ONE_YEAR, httponly=True, samesite="Lax",
                            secure=current_app.config["ONSPLAN"].secure_cookies)
    return response


def discreet_now() -> bool:
    """Neutral name, icon and titles: the signed-in person chose it, or this phone did."""
    if request.cookies.get(DISCREET_COOKIE) == "1":
        return True
    # Only a session with someone signed in is looked at (a visitor's session is left untouched).
    return ("_user_id" in session and current_user.is_authenticated and not current_user.is_professional
            and current_user.discreet)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_sent_away)
    app.after_request(_phone_cookies)

    @app.context_processor
    def safety_context():
        return {"discreet": discreet_now()}
