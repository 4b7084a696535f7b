"""Hub pages for professionals: the children whose families share with my organisation, a child's
shared plan (with a proposal form), legal grounds and emergencies, and inviting a new family
(regisseur)."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sync.hub import Reader, make_invitation, record_basis, recorded_bases, write_for_family
from sync.keyring import KeyRing
from sync.record import new_record_id
from webapp.auth import professional_required, queries
from webapp.consent import texts
from webapp.db import get_db
from webapp.plan import labels
from webapp.plan.forms import GoalForm
from webapp.plan.rules import GoalStatus
from webapp.records import clock, node_key
from webapp.render import render
from webapp.workplace.forms import KIND_CHOICES, EmergencyForm, LegalBasisForm
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
        goal_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
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
    return _child_page(card, reader, form=form, status=422 if form.errors else 200)


def _child_page(card, reader: Reader, form=None, basis_form=None, emergency_form=None, status: int = 200):
    db = get_db()
    forms = {"form": form or GoalForm(), "basis_form": basis_form or LegalBasisForm(prefix="basis"),
             "emergency_form": emergency_form or EmergencyForm(prefix="emergency")}
    for each in forms.values():
        if not each.client_id.data:
            each.client_id.data = new_record_id()
    shared = shared_plan(db, _ring(), clock(), reader, card.family_id, card.child_id)
    bases = recorded_bases(db, _details_cipher(), reader.organisation_id, card.family_id, card.child_id)
    return render("workplace/child.html", card=card, shared=shared, labels=labels, bases=bases,
                  kind_labels=dict(KIND_CHOICES), ground_label=texts.ground_label, **forms, status=status)


def _details_cipher():
    return node_key().field_cipher("recorded-bases")


def _visible_card(family_id: str, child_id: str, reader: Reader):
    card = card_of(get_db(), _ring(), clock(), reader, family_id, child_id)
    if card is None:
        abort(404)
    return card


@bp.post("/kind/<family_id>/<child_id>/wettelijke-grond")
@professional_required
def legal_basis(family_id: str, child_id: str):
    """Record a legal basis (ground, source, period). It takes effect when the family space has it."""
    reader = current_reader()
    card = _visible_card(family_id, child_id, reader)
    form = LegalBasisForm(prefix="basis")
    if not form.validate_on_submit():
        return _child_page(card, reader, basis_form=form, status=422)
    record_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
    if get_db().execute("SELECT 1 FROM envelopes WHERE id = ?", [record_id]).fetchone() is None:
        record_basis(get_db(), _ring(), clock(), _details_cipher(), reader=reader, family_id=family_id,
                     child_id=child_id, kind="legal_basis", record_id=record_id, body={
                         "item": record_id, "organisation_id": reader.organisation_id,
                         "organisation": current_user.organisation_name, "kind": form.kind.data,
                         "ground": form.ground.data, "source": form.source.data,
                         "starts_on": form.starts_on.data.isoformat(),
                         "ends_on": form.ends_on.data.isoformat() if form.ends_on.data else None})
    flash(_("The legal ground is recorded. It takes effect when the family space has received it; "
            "until then it shows as waiting."), "success")
    return redirect(url_for("workplace.child", family_id=family_id, child_id=child_id, _anchor="grounds"), 303)


@bp.post("/kind/<family_id>/<child_id>/noodsituatie")
@professional_required
def emergency(family_id: str, child_id: str):
    """Ask to open information without consent in a serious safety concern, with a written reason."""
    reader = current_reader()
    card = _visible_card(family_id, child_id, reader)
    form = EmergencyForm(prefix="emergency")
    today = current_app.config["ONSPLAN"].today()
    valid = form.validate_on_submit()
    if valid and form.ends_on.data and form.ends_on.data < today:
        form.ends_on.errors = [_("The end cannot be before today.")]
        valid = False
    if not valid:
        return _child_page(card, reader, emergency_form=form, status=422)
    record_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
    if get_db().execute("SELECT 1 FROM envelopes WHERE id = ?", [record_id]).fetchone() is None:
        record_basis(get_db(), _ring(), clock(), _details_cipher(), reader=reader, family_id=family_id,
                     child_id=child_id, kind="emergency_access", record_id=record_id, body={
                         "item": record_id, "organisation_id": reader.organisation_id,
                         "organisation": current_user.organisation_name, "kind": form.kind.data,
                         "reason": form.reason.data, "professional": reader.name, "role": reader.role,
                         "recorded_on": today.isoformat(),
                         "ends_on": (form.ends_on.data or today).isoformat()})
    flash(_("The emergency is recorded with your reason. It takes effect when the family space has received it; "
            "the family sees it in their overview."), "success")
    return redirect(url_for("workplace.child", family_id=family_id, child_id=child_id, _anchor="grounds"), 303)


def _is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(value or "")
        return True
    except ValueError:
        return False


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
