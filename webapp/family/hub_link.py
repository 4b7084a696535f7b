"""Joining a school's or wijkteam's hub, for a new family and for a family that already uses
OnsPlan: the code, the plain words when it does not work, and the inviting organisation that is
involved with the family from the start."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from sync.family import Joined, Transport, join_hub, join_hub_as_new_family
from sync.keyring import KeyRing
from sync.wire import INVITATION_PREFIX, SyncError, split_hub_code
from webapp.db import transaction
from webapp.people.involved import involve_organisation
from webapp.people.members import family_members
from webapp.records import RecordStore


def is_hub_code(code: str) -> bool:
    """A hub's code: 16 characters (any spelling), or the long signed kind."""
    return "".join(code.split()).startswith(INVITATION_PREFIX) or split_hub_code(code) is not None


def join_as_new_family(store: RecordStore, code: str) -> str:
    """Make a new family with the hub of this code, the inviting organisation involved; returns the
    family id. Raises SyncError (and then nothing is left behind)."""
    family_id, joined = join_hub_as_new_family(store, KeyRing(store.db, store.keys), Transport, code,
                                               current_app.config["ONSPLAN"].hubs)
    involve_inviting_organisation(store, family_id, joined)
    return family_id


def join_existing_family(store: RecordStore, family_id: str, code: str) -> Joined:
    """An existing family joins the hub of this code; its children are involved with the inviting
    organisation at once. Raises SyncError (and then nothing is left behind)."""
    joined = join_hub(store, KeyRing(store.db, store.keys), Transport, code, family_id,
                      current_app.config["ONSPLAN"].hubs)
    involve_inviting_organisation(store, family_id, joined)
    return joined


def involve_inviting_organisation(store: RecordStore, family_id: str, joined: Joined) -> None:
    """The organisation that invited the family works with all its children (also those added later);
    the professional who made the code is named as the regisseur."""
    if joined.organisation is None:
        return  # the directory could not be read yet: the parent adds the organisation on Betrokkenen
    children = [p.id for p in family_members(store, family_id) if p.is_child]
    regisseur = joined.regisseur or {}
    with transaction(store.db):
        involve_organisation(store, family_id, joined.organisation.id, organisation_id=joined.organisation.id,
                             organisation=joined.organisation.name, sector=joined.organisation.sector,
                             children=children, professional=regisseur.get("name", ""),
                             role=regisseur.get("role", ""), regisseur=bool(regisseur), family_wide=True)


def hub_code_problem(problem: SyncError) -> str:
    """What a parent reads when a hub's invitation does not work, in plain words."""
    if problem.status == 0:
        return _("We cannot reach the school or wijkteam right now. Try again later.")
    if problem.status == 409:
        return _("Your family is connected with a school or wijkteam already. OnsPlan can work with one "
                 "place at a time for now.")
    if "does not belong to a hub" in problem.reason:
        return _("This code does not belong to a school or wijkteam that works with this OnsPlan. "
                 "Check the code, or ask the person who gave it to you.")
    if "damaged" in problem.reason or "not a hub invitation" in problem.reason:
        return _("This code is not right. Check that you copied all of it.")
    if "https" in problem.reason:
        return _("This code points to an address without a secure connection. Ask for a new invitation.")
    if "expired" in problem.reason or "used" in problem.reason:
        return _("This code does not work. It may be used already or expired. Ask for a new invitation.")
    return _("This code does not match the place it points to. Ask for a new invitation.")
