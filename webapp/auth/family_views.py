"""Family space: sign in, sign out, and join with an invitation code."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import FamilyMember, MustWait, check_password, queries, safe_next, sign_in, sign_out, wait_message
from webapp.auth.forms import FamilyLoginForm, InvitationCodeForm, NewAccountForm
from webapp.auth.passwords import hash_password, verify_password
from webapp.db import get_db, transaction
from webapp.people.members import add_member, find_member, may_have_youth_account
from webapp.records import get_meta, get_store, node_key, set_meta
from webapp.render import render
from webapp.safety import LEFT_COOKIE
from webapp.security import limiter
from sync.record import new_record_id
from sync.wire import SyncError, normalise_code
from webapp.consent.texts import LOCAL_TIME_ZONE
from webapp.family.hub_link import hub_code_problem, is_hub_code, join_as_new_family
from webapp.family.invitations import issue_invitation

bp = Blueprint("auth", __name__)


class _InvitationTaken(Exception):
    """The invitation was used by someone else between checking and using it."""
# Between the two joining steps the session holds the invitation's id, never its code: the
# session cookie is signed, not encrypted, and the code is what lets someone join a family.
JOIN_SESSION_KEY = "join_invitation"


def _login_limit() -> str:
    return current_app.config["ONSPLAN"].login_rate_limit


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in with username and password; one message for every failure."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = FamilyLoginForm()
    if form.validate_on_submit():
        db = get_db()
        login_hash = node_key().lookup_hash("login", form.login.data)
        account = queries.account_by_login(db, login_hash)
        try:
            matches = check_password(login_hash, account["password_hash"] if account else None, form.password.data)
        except MustWait as wait:
            form.form_errors.append(wait_message(wait.until))
            return render("auth/login.html", form=form, status=429)
        if matches and account:
            shared_phone = bool(form.not_my_phone.data)
            sign_in(account["id"], lambda token: FamilyMember(
                account["id"], account["family_id"], account["person_id"], account["role"], token,
                shared_phone=shared_phone), shared_phone=shared_phone)
            queries.touch_login(db, "accounts", account["id"])
            return redirect(safe_next(url_for("home.index")), 303)
        form.form_errors.append(_("This username and password do not match. Check them and try again."))
    return render("auth/login.html", form=form, status=422 if form.errors or form.form_errors else 200)


@bp.get("/snel-weg")
def leave_quickly():
    """"Snel weg": leave at once for a neutral site. Signs out, and tells the browser to delete
    everything OnsPlan keeps on the phone (pages, waiting items, the service worker). A plain link,
    so it works without JavaScript too; the script sends what still waits first. A GET that signs
    out can be triggered by another site; for a way out that must always work, that is accepted."""
    sign_out()
    config = current_app.config["ONSPLAN"]
    response = redirect(config.leave_url, 303)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    if config.leave_marker_minutes:
        # A neutral marker (no personal data): while it lasts, going back to a family page leads to
        # the neutral site again (webapp.safety.views). Clear-Site-Data above leaves cookies alone.
        response.set_cookie(LEFT_COOKIE, "1", max_age=config.leave_marker_minutes * 60, httponly=True,
                            samesite="Lax", secure=config.secure_cookies)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/uitloggen")
def logout():
    """Sign out: the session ends on the server, not only in this browser."""
    sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"), 303)


@bp.route("/aanmelden", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def join():
    """Step 1 of joining: check the invitation code."""
    form = InvitationCodeForm()
    raw_code = (request.form.get("code") or "").strip()
    if request.method == "POST" and is_hub_code(raw_code):
        # A hub's invitation: a new family that joins a school's or wijkteam's hub.
        try:
            session[JOIN_SESSION_KEY] = _family_made_with(raw_code) or _join_hub_as_new_family(raw_code)
            return redirect(url_for("auth.join_account"), 303)
        except SyncError as problem:
            form.code.data = raw_code
            form.code.errors = [hub_code_problem(problem)]
        return render("auth/join.html", form=form, status=422)
    status = 200
    if form.validate_on_submit():
        db, now = get_db(), datetime.now(timezone.utc)
        # Wrong tries are counted per code, by its first four characters: someone who knows part of a
        # code waits longer after each wrong guess, as with a username (webapp.auth.delays).
        selector = node_key().lookup_hash("invitation-selector", form.code.data[:4])
        until = queries.sign_in_wait(db, selector, now)
        invitation = None if until else queries.open_invitation(db, form.code.data)
        if until:
            form.code.errors.append(_("Too many wrong tries for this code. For your safety you can try again "
                                      "at %(time)s.", time=until.astimezone(LOCAL_TIME_ZONE).strftime("%H:%M:%S")))
            status = 429
        elif invitation:
            queries.clear_sign_in_failures(db, selector)
            session[JOIN_SESSION_KEY] = invitation["id"]
            return redirect(url_for("auth.join_account"), 303)
        else:
            queries.record_sign_in_failure(db, selector, now)
            form.code.errors.append(_("This code does not work. It may be used already or expired. "
                                      "Ask for a new invitation."))
    return render("auth/join.html", form=form, status=status if status != 200 else (422 if form.errors else 200))


def _code_mark(code: str) -> str:
    return "made-with-hub-code:" + node_key().lookup_hash("hub-code", normalise_code(code))


def _sender() -> str:
    """Who sends this form, as far as a second send of it can tell: its session's CSRF secret (the
    same for a double tap, another one on any other phone or browser)."""
    return node_key().lookup_hash("join-sender", str(session.get("csrf_token", "")))


def _family_made_with(code: str) -> str | None:
    """The first parent's invitation of the family this hub code made here a moment ago from this same
    session, while it is still open: the same form sent twice (a double tap) goes on with that family,
    not into "this code is used". Anyone else with the code gets "used", as before."""
    made = (get_meta(get_db(), _code_mark(code)) or "").split(" ")
    if len(made) == 2 and made[1] == _sender() and queries.open_invitation_by_id(get_db(), made[0]):
        return made[0]
    return None


def _join_hub_as_new_family(code: str) -> str:
    """Make a new family with the hub of the invitation, and the first parent's invitation here;
    returns that invitation's id. Raises SyncError (nothing is left behind)."""
    store = get_store()
    family_id = join_as_new_family(store, code)
    made, _expires = issue_invitation(store.db, family_id=family_id, role="parent", person_id=None,
                                      created_by="hub-invitation", days=1)
    invitation_id = queries.open_invitation(store.db, made.replace("-", ""))["id"]
    set_meta(store.db, _code_mark(code), f"{invitation_id} {_sender()}")
    return invitation_id


def _account_made_with(invitation_id: str) -> dict | None:
    """The account this invitation was just used for, when the form sent names it with its own
    username and password (a second send of the same form); otherwise None."""
    db = get_db()
    used_by = queries.invitation_used_by(db, invitation_id)
    login = request.form.get("login", "")
    if used_by is None or not login:
        return None
    account = queries.account_by_login(db, node_key().lookup_hash("login", login))
    if account is None or account["id"] != used_by or not verify_password(account["password_hash"],
                                                                          request.form.get("password", "")):
        return None
    return account


@bp.route("/aanmelden/account", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def join_account():
    """Step 2 of joining: make an account for the invited parent or youth."""
    db, keys = get_db(), node_key()
    invitation_id = session.get(JOIN_SESSION_KEY)
    invitation = queries.open_invitation_by_id(db, invitation_id) if isinstance(invitation_id, str) else None
    if invitation is None and request.method == "POST" and isinstance(invitation_id, str):
        made = _account_made_with(invitation_id)
        if made is not None:  # the same form sent twice: the account exists, this is its maker
            session.pop(JOIN_SESSION_KEY, None)
            sign_in(made["id"], lambda token: FamilyMember(made["id"], made["family_id"], made["person_id"],
                                                           made["role"], token))
            return redirect(url_for("home.index"), 303)
    if invitation is None:
        if invitation_id:  # used meanwhile (maybe on another phone) or expired
            session.pop(JOIN_SESSION_KEY, None)
            flash(_("This code does not work. It may be used already or expired. Ask for a new invitation."),
                  "error")
        else:
            flash(_("Fill in your invitation code first."), "info")
        return redirect(url_for("auth.join"), 303)
    person = find_member(get_store(), invitation["family_id"], invitation["person_id"]) if invitation["person_id"] else None
    form = NewAccountForm(name_required=person is None)
    if form.validate_on_submit():
        login_hash = keys.lookup_hash("login", form.login.data)
        today = current_app.config["ONSPLAN"].today()
        if queries.login_taken(db, login_hash):
            form.login.errors.append(_("This username is taken. Choose another one."))
        elif invitation["role"] == "youth" and not (person and may_have_youth_account(person, today)):
            form.form_errors.append(_("A youth account can be made from age 12."))
        else:
            account_id = new_record_id()
            try:
                with transaction(db):
                    if person is None:
                        person = add_member(get_store(), family_id=invitation["family_id"],
                                            author=account_id, name=form.name.data, role="parent")
                    queries.create_account(db, id=account_id, family_id=invitation["family_id"],
                                           person_id=person.id, role=invitation["role"], login_hash=login_hash,
                                           password_hash=hash_password(form.password.data))
                    if not queries.mark_invitation_used(db, invitation["id"], account_id):
                        raise _InvitationTaken  # someone used the code a moment ago: undo everything
            except _InvitationTaken:
                session.pop(JOIN_SESSION_KEY, None)
                flash(_("This code does not work. It may be used already or expired. Ask for a new invitation."),
                      "error")
                return redirect(url_for("auth.join"), 303)
            session.pop(JOIN_SESSION_KEY, None)
            sign_in(account_id, lambda token: FamilyMember(
                account_id, invitation["family_id"], person.id, invitation["role"], token))
            flash(_("Welcome to OnsPlan, %(name)s.", name=person.name), "success")
            return redirect(url_for("home.index"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render("auth/join_account.html", form=form, person=person, invitation=invitation, status=status)
