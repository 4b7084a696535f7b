"""Limits that keep one family from slowing down everyone else on a family space.

A person can store at most ``CHANGES_PER_HOUR`` changes an hour (a busy evening of plan work
is a few dozen), except a withdrawal (a "no" to sharing, an organisation taken off the plan),
which always goes through; a family holds at most ``MAX_CHILDREN`` children and ``MAX_PARENTS`` parents.
Text fields have their own lengths in the forms, a request body at most 256 KB (the app
config), and long lists are shown in pages (``webapp.paging``).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.records import get_store

CHANGES_PER_HOUR = 200
MAX_CHILDREN = 20
MAX_PARENTS = 6
_COUNTED_BLUEPRINTS = ("plan", "consent", "evaluation", "family")


def _withdraws(req) -> bool:
    """Stopping to share, or taking an organisation off the plan: never refused by the limit, since
    withdrawing must be at least as easy as giving consent (AVG article 7(3)). Only a "no" that
    takes back this person's own standing yes counts, so a withdrawal cannot be repeated without end."""
    if req.endpoint == "family.stop_involved":
        return True
    if req.endpoint != "consent.decide" or req.form.get("answer") != "no":
        return False
    from webapp.consent.overview import kind_from_slug
    from webapp.consent.store import load_consent_facts

    args = req.view_args or {}
    kind = kind_from_slug(args.get("kind_slug", ""))
    if kind is None:  # an unknown kind: the view answers it
        return False
    mine = [d.decision for d in load_consent_facts(get_store(), current_user.family_id).decisions_about(
        args.get("child_id", ""), args.get("organisation_id", ""), kind) if d.decision.person_id == current_user.person_id]
    return bool(mine) and mine[-1].granted


def _too_many_changes():
    """Before a change is stored: refuse with 429 when this person changed very much this past hour
    (only what can grow without bound; a withdrawal always goes through)."""
    if request.method != "POST" or request.blueprint not in _COUNTED_BLUEPRINTS:
        return None
    if not current_user.is_authenticated or current_user.is_professional:
        return None
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    if get_store().changes_by(current_user.family_id, current_user.person_id, since) < CHANGES_PER_HOUR:
        return None
    if _withdraws(request):
        return None
    from webapp.errors import error_page

    return error_page(429, _("That is a lot of changes in one hour"),
                      _("To keep OnsPlan quick for everyone, you can make more changes in a while. "
                        "Everything you saved is kept. Try again in an hour."))


def init_app(app: Flask) -> None:
    app.before_request(_too_many_changes)
