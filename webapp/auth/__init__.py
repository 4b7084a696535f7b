"""Sign-in for both roles: family members on the family space, professionals on the hub.

A login is a server-side session row; the cookie holds only its random token.
Signing in always starts a fresh session, signing out deletes the row.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, abort, current_app, request, session
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user

from webapp.auth import queries
from webapp.crypto import random_token
from webapp.db import get_db

login_manager = LoginManager()


@dataclass
class FamilyMember:
    """A signed-in parent or youth."""

    account_id: str
    family_id: str
    person_id: str
    role: str  # "parent" or "youth"
    session_token: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    is_professional: bool = False
    # Safety (webapp.safety): lock after this many idle seconds; signed in with "not my phone"
    # (nothing is kept on the phone); discreet mode (neutral name, icon and titles).
    idle_seconds: int = 600
    shared_phone: bool = False
    discreet: bool = False

    def get_id(self) -> str:
        return self.session_token


@dataclass
class Professional:
    """A signed-in professional on the hub (password and second factor both passed)."""

    account_id: str
    organisation_id: str
    organisation_name: str
    session_token: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    is_professional: bool = True

    def get_id(self) -> str:
        return self.session_token


def _load_family_member(db, token: str) -> FamilyMember | None:
    """The family member of a live session; a request counts as activity and keeps it open."""
    from webapp.safety import load_settings

    session_row = queries.family_session(db, token)
    account = queries.account_by_id(db, session_row["account_id"]) if session_row else None
    if account is None:
        return None
    settings = load_settings(db, current_app.extensions["onsplan.node_key"], account["id"],
                             account["safety_settings"])
    idle = settings.idle_seconds(current_app.config["ONSPLAN"].auto_lock_seconds)
    # One write every few seconds at most, not one per request.
    step = max(1, min(15, idle // 4))
    soon = (datetime.now(timezone.utc) + timedelta(seconds=idle - step)).isoformat(timespec="seconds")
    if session_row["active_until"] is None or session_row["active_until"] < soon or session_row["idle_seconds"] != idle:
        queries.keep_session_active(db, token, idle)
    return FamilyMember(account["id"], account["family_id"], account["person_id"], account["role"], token,
                        idle_seconds=idle, shared_phone=bool(session_row["shared_phone"]),
                        discreet=settings.discreet)


def _load_user(token: str):
    db = get_db()
    if current_app.config["ONSPLAN"].role == "family":
        return _load_family_member(db, token)
    account_id = queries.session_account(db, token)
    if account_id is None:
        return None
    professional = queries.professional_by_id(db, account_id)
    if professional is None:
        return None
    return Professional(professional["id"], professional["organisation_id"],
                        professional["organisation_name"], token)


def sign_in(account_id: str, user_factory, *, shared_phone: bool = False) -> None:
    """Start a new server-side session for the account (the old session id is dropped). The
    session cookie never gets an expiry date: it ends when the browser closes."""
    config = current_app.config["ONSPLAN"]
    pending_messages = session.get("_flashes")  # keep nothing of the anonymous session but messages
    session.clear()
    session.permanent = False
    if pending_messages:
        session["_flashes"] = pending_messages
    token = random_token()
    if config.role == "family":
        from webapp.safety import load_settings

        settings = load_settings(get_db(), current_app.extensions["onsplan.node_key"], account_id)
        queries.start_family_session(get_db(), account_id, token, config.session_hours, shared_phone=shared_phone,
                                     idle_seconds=settings.idle_seconds(config.auto_lock_seconds))
    else:
        queries.start_session(get_db(), account_id, token, config.session_hours)
    login_user(user_factory(token), remember=False)


def sign_out() -> None:
    """End the server-side session and clear the cookie."""
    if current_user.is_authenticated:
        queries.end_session(get_db(), current_user.session_token)
    logout_user()
    session.clear()


def parent_required(view):
    """Only a signed-in parent may continue; a youth gets 403, a visitor the login page."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.is_professional or current_user.role != "parent":
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def family_required(view):
    """A signed-in parent or youth of this family space; a professional session gets 403."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.is_professional:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def professional_required(view):
    """A professional who passed both factors; anyone else goes to the hub sign-in."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_professional:
            return login_manager.unauthorized()
        return view(*args, **kwargs)
    return wrapper


class MustWait(Exception):
    """This username must wait before the next try; ``until`` is when (UTC)."""

    def __init__(self, until: datetime):
        super().__init__("sign-in must wait")
        self.until = until


def check_password(login_hash: str, stored_hash: str | None, password: str) -> bool:
    """The one password check of both roles: refuses with MustWait while the username waits
    (no hashing then), otherwise verifies and counts a failure or clears them."""
    from webapp.auth.passwords import verify_password

    db, now = get_db(), datetime.now(timezone.utc)
    until = queries.sign_in_wait(db, login_hash, now)
    if until is not None:
        raise MustWait(until)
    if verify_password(stored_hash, password) and stored_hash is not None:
        queries.clear_sign_in_failures(db, login_hash)
        return True
    queries.record_sign_in_failure(db, login_hash, now)
    return False


def wait_message(until: datetime) -> str:
    """Plain words: when this username may try again (local time)."""
    local = until.astimezone(ZoneInfo("Europe/Amsterdam"))
    return _("Too many wrong tries for this username. For your safety you can try again at %(time)s.",
             time=local.strftime("%H:%M:%S"))


_C0_AND_SPACE = "".join(chr(n) for n in range(0x21))


def local_path(target: str) -> str | None:
    """`target` as a path on this site, after the clean-up a browser does to a URL (tabs and
    newlines removed, control characters and spaces trimmed at both ends); None for anything
    that could lead to another site or that no browser would send."""
    cleaned = "".join(ch for ch in target if ch not in "\t\n\r").strip(_C0_AND_SPACE)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned):
        return None
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return None
    parts = urlsplit(cleaned)
    return cleaned if not (parts.scheme or parts.netloc) else None


def safe_next(default: str) -> str:
    """A local redirect target from ?next=, never another site."""
    target = request.args.get("next") or request.form.get("next") or ""
    return local_path(target) or default


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
