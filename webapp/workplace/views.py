"""Hub pages for professionals: the children whose families share with my organisation, a child's
shared plan (with a proposal form), and inviting a new family (regisseur)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sync.hub import Reader, make_invitation, write_for_family
from sync.keyring import KeyRing
from sync.record import new_record_id
from webapp.auth import professional_required, queries
from webapp.db import get_db
from webapp.plan import labels
from webapp.plan.forms import GoalForm
from webapp.plan.rules import GoalStatus
from webapp.records import clock, node_key
from webapp.render import render
from webapp.workplace.queries import caseload, card_of, shared_plan

bp = Blueprint("workplace", __name__, url_prefix="/werkplek")


def current_reader() -> Reader:
    """The signed-in professional as the one read helper needs them (name and role from their encrypted profile)."""
    row = queries.professional_by_id(get_db(), current_user.account_id)
    profile = node_key().field_cipher("professional").decrypt(row["id"], row["profile"])
    return Reader(row["id"], row["organisation_id"], profile["name"], profile["role_title"])


def _ring() -> KeyRing:
    return KeyRing(get_db(), node_key())


def is_regisseur(reader: Reader) -> bool:
    return reader.role.strip().lower() == "regisseur"


def caseload_page():
    reader = current_reader()
    return render("workplace/caseload.html", cards=caseload(get_db(), _ring(), clock(), reader),
                  regisseur=is_regisseur(reader))


@bp.route("/kind/<family_id>/<child_id>", methods=["GET", "POST"])
@professional_required
def child(family_id: str, child_id: str):
    """A child's plan as far as the family shares it with my organisation, and a form to propose a goal."""
    db, reader = get_db(), current_reader()
    card = card_of(db, _ring(), clock(), reader, family_id, child_id)
    if card is None:
        abort(404)  # not shared with this organisation: nothing to show, not even that the child exists
    form = GoalForm()
    if form.validate_on_submit():
        goal_id = form.client_id.data or new_record_id()
        by = {"side": "professional", "id": reader.organisation_id,
              "name": f"{reader.name} ({current_user.organisation_name})"}
        if db.execute("SELECT 1 FROM envelopes WHERE id = ?", [goal_id]).fetchone() is None:
            write_for_family(db, _ring(), clock(), organisation_id=reader.organisation_id, family_id=family_id,
                             kind="goal", subject=child_id, record_id=goal_id, body={
                                 "item": goal_id, "version": 1, "status": GoalStatus.PROPOSED.value,
                                 "life_domain": form.life_domain.data, "title": form.title.data,
                                 "strengths": form.strengths.data or "", "gas": form.gas_values(), "by": by})
        flash(_("Your proposal is sent to the family. They see it the next time their plan is updated."), "success")
        return redirect(url_for("workplace.child", family_id=family_id, child_id=child_id), 303)
    if not form.client_id.data:
        form.client_id.data = new_record_id()
    shared = shared_plan(db, _ring(), clock(), reader, family_id, child_id)
    return render("workplace/child.html", card=card, shared=shared, form=form, labels=labels,
                  status=422 if form.errors else 200)


@bp.route("/uitnodigen", methods=["GET", "POST"])
@professional_required
def invite():
    """A regisseur makes a one-time code for a new family to join this hub."""
    reader = current_reader()
    if not is_regisseur(reader):
        abort(403)
    code = None
    if request.method == "POST":
        config = current_app.config["ONSPLAN"]
        code = make_invitation(get_db(), _ring(), organisation_id=reader.organisation_id,
                               created_by=reader.professional_id, hub_url=config.base_url,
                               days=config.invitation_days)
    return render("workplace/invite.html", code=code, days=current_app.config["ONSPLAN"].invitation_days)
