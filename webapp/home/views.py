"""Home pages for both roles."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, url_for
from flask_login import current_user

from webapp.auth import family_required, professional_required
from webapp.db import get_db
from webapp.family.members import family_members
from webapp.records import node_key
from webapp.render import render

family_bp = Blueprint("home", __name__)
hub_bp = Blueprint("home", __name__)


@family_bp.get("/")
def root():
    """Signed in: home. Otherwise: sign in."""
    return redirect(url_for("home.index" if current_user.is_authenticated else "auth.login"))


@family_bp.get("/home")
@family_required
def index():
    """The family's home: who this is about, per child."""
    members = family_members(get_db(), node_key(), current_user.family_id)
    me = next((p for p in members if p.id == current_user.person_id), None)
    children = [p for p in members if p.is_child]
    if current_user.role == "youth":
        children = [p for p in children if p.id == current_user.person_id]
    return render("home/family.html", me=me, children=children, today=current_app.config["ONSPLAN"].today())


@hub_bp.get("/")
def root():
    """Signed in: workplace. Otherwise: sign in."""
    return redirect(url_for("home.workplace" if current_user.is_authenticated else "auth.login"))


@hub_bp.get("/werkplek")
@professional_required
def workplace():
    """The professional's start page on the hub."""
    return render("home/workplace.html")
