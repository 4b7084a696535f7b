"""Hub: professionals sign in with a password and then a TOTP code from their authenticator app."""
from __future__ import annotations

import time

import pyotp
from flask import Blueprint, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import MustWait, Professional, check_password, queries, safe_next, sign_in, sign_out, wait_message
from webapp.auth.forms import LoginForm, SecondFactorForm
from webapp.db import get_db
from webapp.records import node_key
from webapp.render import render
from webapp.security import limiter

bp = Blueprint("auth", __name__)
PENDING_KEY = "pending_professional"
PENDING_SECONDS = 300


def _login_limit() -> str:
    return current_app.config["ONSPLAN"].login_rate_limit


def totp_secret(professional: dict) -> str:
    return node_key().field_cipher("professional").decrypt(professional["id"], professional["totp_secret"])


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """First factor: username and password; one message for every failure."""
    if current_user.is_authenticated:
        return redirect(url_for("home.workplace"))
    form = LoginForm()
    if form.validate_on_submit():
        login_hash = node_key().lookup_hash("professional", form.login.data)
        professional = queries.professional_by_login(get_db(), login_hash)
        try:
            matches = check_password(login_hash, professional["password_hash"] if professional else None,
                                     form.password.data)
        except MustWait as wait:
            form.form_errors.append(wait_message(wait.until))
            return render("auth/login.html", form=form, status=429)
        if matches and professional:
            session.clear()
            session[PENDING_KEY] = {"id": professional["id"], "since": int(time.time())}
            return redirect(url_for("auth.second_factor", next=safe_next("")), 303)
        form.form_errors.append(_("This username and password do not match. Check them and try again."))
    return render("auth/login.html", form=form, status=422 if form.form_errors or form.errors else 200)


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor():
    """Second factor: a TOTP code, each code accepted once."""
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        flash(_("Sign in with your username and password first."), "info")
        return redirect(url_for("auth.login"), 303)
    form = SecondFactorForm()
    if form.validate_on_submit():
        db = get_db()
        professional = queries.professional_by_id(db, pending["id"])
        totp = pyotp.TOTP(totp_secret(professional))
        step = _matching_step(totp, form.code.data)
        if step is not None and queries.claim_totp_step(db, professional["id"], step):
            sign_in(professional["id"], lambda token: Professional(
                professional["id"], professional["organisation_id"], professional["organisation_name"], token))
            queries.touch_login(db, "professionals", professional["id"])
            return redirect(safe_next(url_for("home.workplace")), 303)
        form.code.errors.append(_("This code is not right or was used already. Wait for a new code and try again."))
    return render("auth/second_factor.html", form=form, status=422 if form.errors else 200)


def _matching_step(totp: pyotp.TOTP, code: str) -> int | None:
    """The time step the code belongs to (now, or one step either side for clock drift)."""
    now = int(time.time())
    for offset in (0, -1, 1):
        moment = now + offset * totp.interval
        if pyotp.utils.strings_equal(totp.at(moment), code):
            return moment // totp.interval
    return None


@bp.post("/uitloggen")
def logout():
    """Sign out of the hub."""
    sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"), 303)
