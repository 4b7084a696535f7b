"""Hub pages for professionals: the children whose families share with my organisation, a child's
shared plan (with a proposal form), legal grounds and emergencies, and inviting a new family
(regisseur)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sync.hub import (
    Reader, already_made, arrival, invitation_of, make_invitation, make_invitation_again, open_objections,
    organisation_alerts, organisation_invitations, reading_bases, record_basis, recorded_bases, withdraw_invitation,
    write_for_family,
)
from sync.keyring import KeyRing
from sync.record import new_record_id
from webapp.auth import professional_required, queries
from webapp.consent import texts
from webapp.consent.texts import local_time
from webapp.db import get_db, transaction
from webapp.paging import PAGE_SIZE, Page, requested_page
from webapp.plan import labels
from webapp.plan.forms import GoalForm
from webapp.consent.rules import MAX_EMERGENCY_DAYS
from webapp.plan.rules import GoalStatus

FINISHED = frozenset({GoalStatus.REACHED, GoalStatus.STOPPED, GoalStatus.ADJUSTED})
from webapp.records import clock, node_key
from webapp.render import render
from webapp.evaluation import texts as evaluation_texts
from webapp.evaluation.access import registry
from webapp.evaluation.questionnaires import UnknownQuestionnaire, goals_in_scope
from webapp.evaluation.results import Answered, asked_in, goal_progress, trend
from webapp.evaluation.views import progress_chart
from webapp.workplace.forms import (
    KIND_CHOICES, CloseMomentForm, EmergencyForm, GoalReviewForm, HubAfspraakForm, InviteFamilyForm, LegalBasisForm,
    MomentForm, ReviewNoteForm,
)
from webapp.workplace.roles import Action, allowed, may
from webapp.workplace.queries import Hub, caseload, card_of, mark_visited, shared_plan, shared_responses

bp = Blueprint("workplace", __name__, url_prefix="/werkplek")
ALERT_DAYS = 30  # how far back an admin sees legal grounds and emergencies of the organisation
ALERTS_ON_CASELOAD = 10  # the newest of them on the caseload; all of them, in pages, on /werkplek/meldingen
JOINED_DAYS = 30  # how long the workplace says that an invited family joined and shares nothing yet


def current_reader() -> Reader:
    """The signed-in professional as the one read helper needs them (name and role from their encrypted profile)."""
    row = queries.professional_by_id(get_db(), current_user.account_id)
    profile = node_key().field_cipher("professional").decrypt(row["id"], row["profile"])
    return Reader(row["id"], row["organisation_id"], profile["name"], profile["role_title"], bool(row["is_admin"]))


def _hub() -> Hub:
    """The request's view of the hub for workplace queries (with this process's key cache)."""
    from sync.hub_api import hub_cache

    return Hub(get_db(), _ring(), clock(), hub_cache())


def _ring() -> KeyRing:
    return KeyRing(get_db(), node_key())


def is_regisseur(reader: Reader) -> bool:
    return may(reader.role, Action.AGREE_AS_REGISSEUR)


def _require(reader: Reader, action: Action) -> None:
    """Refuse, with a reason, an action this professional's role does not take (docs/workplace.md)."""
    if not may(reader.role, action):
        abort(403, description=ROLE_REFUSALS[action]())


ROLE_REFUSALS = {
    Action.PLAN_MOMENT: lambda: _("Planning and reviewing evaluation moments is for the regisseur and the people who "
                                  "coordinate support, such as the intern begeleider."),
    Action.EMERGENCY: lambda: _("Opening information in an emergency is for roles with a safety duty. Ask the "
                                "aandachtsfunctionaris or the regisseur."),
    Action.LEGAL_GROUND: lambda: _("Recording a legal ground is for the roles whose organisation holds one, such as "
                                   "JGZ or child protection."),
    Action.AGREE_AS_REGISSEUR: lambda: _("Only the regisseur does this."),
    Action.INVITE: lambda: _("Only the regisseur does this."),
}


def _alerts(reader: Reader, limit: int, offset: int = 0) -> tuple[int, list, dict]:
    """The organisation's recorded grounds and emergencies of the last ALERT_DAYS days, for its admin,
    with the families' objections to those emergencies (each opened through the read helper, logged)."""
    if not reader.is_admin:
        return 0, [], {}
    since = (datetime.now(timezone.utc) - timedelta(days=ALERT_DAYS)).isoformat(timespec="seconds")
    total, alerts = organisation_alerts(get_db(), _details_cipher(), reader.organisation_id, since, limit, offset)
    objected = open_objections(get_db(), _ring(), reader, [b.envelope_id for _at, b in alerts
                                                           if b.kind == "emergency_access"])
    return total, [(datetime.fromisoformat(at), basis) for at, basis in alerts], objected


def caseload_page():
    reader = current_reader()
    search = request.args.get("zoek", "")[:100]
    alert_total, alerts, objected = _alerts(reader, ALERTS_ON_CASELOAD)
    cards = caseload(_hub(), reader, current_app.config["ONSPLAN"].today(), search, requested_page())
    # Families that joined with one of our codes this month and share nothing yet: the regisseur
    # knows they are there before the first card arrives.
    month_ago = (datetime.now(timezone.utc) - timedelta(days=JOINED_DAYS)).isoformat(timespec="seconds")
    joined = [i for i in organisation_invitations(get_db(), _label_cipher(), reader.organisation_id,
                                                  since=month_ago, joined_only=True) if not i.shares]
    return render("workplace/caseload.html", cards=cards, search=search, joined=joined,
                  alerts=alerts, alert_total=alert_total, objected=objected, alert_days=ALERT_DAYS,
                  kind_labels=dict(KIND_CHOICES),
                  local_time=local_time, regisseur=is_regisseur(reader))


@bp.get("/meldingen")
@professional_required
def alerts():
    """For the organisation's admin: every legal ground and emergency recorded by the organisation in
    the last ALERT_DAYS days, newest first, in pages."""
    reader = current_reader()
    if not reader.is_admin:
        abort(403, description=_("Only the admin of your organisation sees this list."))
    number = requested_page()
    total, shown, objected = _alerts(reader, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    if not shown and number > 1:  # past the end: the last page
        number = max(1, -(-total // PAGE_SIZE))
        total, shown, objected = _alerts(reader, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return render("workplace/alerts.html", alerts=shown, objected=objected, alert_days=ALERT_DAYS,
                  kind_labels=dict(KIND_CHOICES),
                  local_time=local_time, shown=Page(shown, number, max(1, -(-total // PAGE_SIZE)), total))


@bp.route("/kind/<family_id>/<child_id>", methods=["GET", "POST"])
@professional_required
def child(family_id: str, child_id: str):
    """A child's plan as far as the family shares it with my organisation, and a form to propose a goal."""
    reader = current_reader()
    card = card_of(_hub(), reader, family_id, child_id)
    if card is None:
        abort(404)  # not shared with this organisation: nothing to show, not even that the child exists
    form = GoalForm()
    if form.validate_on_submit():
        goal_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
        _send_to_family(card, reader, "goal", goal_id, {
            "version": 1, "status": GoalStatus.PROPOSED.value, "life_domain": form.life_domain.data,
            "title": form.title.data, "strengths": form.strengths.data or "", "gas": form.gas_values(),
            "by": _by(reader)})
        if is_regisseur(reader):  # the regisseur's own proposal: agreed on the regisseur's side at once
            _send_to_family(card, reader, "goal_agreement", _regisseur_agreement_id(goal_id, "1", reader), {
                "goal": goal_id, "version": 1, "side": "regisseur", "role": None,
                "person_id": reader.organisation_id, "name": _by(reader)["name"],
                "agreed_on": current_app.config["ONSPLAN"].today().isoformat()})
        flash(_("Your proposal is sent to the family. It arrives as soon as their family space asks for news; "
                "this page says when it has arrived."), "success")
        return redirect(url_for("workplace.child", family_id=family_id, child_id=child_id), 303)
    return _child_page(card, reader, status=422 if form.errors else 200, form=form)


FORMS = {"form": (GoalForm, None), "basis_form": (LegalBasisForm, "basis"),
         "emergency_form": (EmergencyForm, "emergency"), "note_form": (ReviewNoteForm, "note"),
         "afspraak_form": (HubAfspraakForm, "afspraak"), "moment_form": (MomentForm, "moment")}


def _new_form(name: str):
    form_class, prefix = FORMS[name]
    if form_class is HubAfspraakForm:  # its date rule counts from the hub's today
        return form_class(prefix=prefix, today=current_app.config["ONSPLAN"].today())
    return form_class(prefix=prefix) if prefix else form_class()


def _forms(shared, **given) -> dict:
    """Every form of the child page; the one that was sent keeps its data and errors."""
    forms = {}
    for name in FORMS:
        form = given.get(name) or _new_form(name)
        if not form.client_id.data:
            form.client_id.data = new_record_id()
        forms[name] = form
    _goal_choices(forms, shared)
    return forms


def _goal_choices(forms: dict, shared) -> None:
    goals = [(g.id, g.current.title) for g in shared.plan.goals] if shared.plan else []
    if "note_form" in forms:
        forms["note_form"].goal.choices = [("", _("The whole plan"))] + goals
    if "afspraak_form" in forms:
        forms["afspraak_form"].goal.choices = [("", _("No goal in particular"))] + goals
    if "moment_form" in forms:
        # A moment looks at goals that are still going on: not at goals reached, stopped or replaced.
        forms["moment_form"].goals.choices = [(g.id, g.current.title) for g in shared.plan.goals
                                              if g.current.status not in FINISHED] if shared.plan else []


def _child_page(card, reader: Reader, status: int = 200, **given):
    db = get_db()
    shared = shared_plan(_hub(), reader, card.family_id, card.child_id)
    mark_visited(_hub(), reader, card.family_id, card.child_id)
    bases = recorded_bases(db, _details_cipher(), reader.organisation_id, card.family_id, card.child_id)
    # The basis each shared kind is read on, as the family space sealed it with the wrap.
    in_effect = {category: basis for (_family, _child, category), basis in reading_bases(
        db, _ring(), reader.organisation_id,
        [(card.family_id, card.child_id, category) for category, shared_now in shared.shared.items() if shared_now],
        _hub().cache).items()}
    return render("workplace/child.html", card=card, shared=shared, labels=labels, bases=bases, basis_of=in_effect,
                  arrival=arrival(db, reader.organisation_id, card.family_id, card.child_id), local_time=local_time,
                  regisseur=is_regisseur(reader), can=allowed(reader.role), Action=Action,
                  kind_labels=dict(KIND_CHOICES), ground_label=texts.ground_label,
                  **_forms(shared, **given), status=status)


def _send_to_family(card, reader: Reader, kind: str, record_id: str, body: dict) -> None:
    """Make a record for the family (once per form: the form's client id is the record id)."""
    record_id = record_id if _is_uuid(record_id) else new_record_id()
    if not already_made(get_db(), record_id):
        write_for_family(get_db(), _ring(), clock(), organisation_id=reader.organisation_id,
                         family_id=card.family_id, kind=kind, subject=card.child_id, record_id=record_id,
                         body={**body, "item": record_id} if kind in ("goal", "agreement_item", "evaluation_moment")
                         else body)


def _by(reader: Reader) -> dict:
    return {"side": "professional", "id": reader.organisation_id,
            "name": f"{reader.name} ({current_user.organisation_name})"}


def _back(card, anchor: str):
    return redirect(url_for("workplace.child", family_id=card.family_id, child_id=card.child_id, _anchor=anchor), 303)


def _posted_form(name: str, card, reader: Reader):
    form = _new_form(name)
    _goal_choices({name: form}, shared_plan(_hub(), reader, card.family_id, card.child_id))
    return form


@bp.post("/kind/<family_id>/<child_id>/terugkoppeling")
@professional_required
def review_note(family_id: str, child_id: str):
    """Terugkoppeling to the family about a goal or the whole plan."""
    reader = current_reader()
    card = _visible_card(family_id, child_id, reader)
    form = _posted_form("note_form", card, reader)
    if not form.validate_on_submit():
        return _child_page(card, reader, status=422, note_form=form)
    _send_to_family(card, reader, "review_note", form.client_id.data,
                    {"goal": form.goal.data or None, "text": form.text.data, "by": _by(reader)})
    flash(_("Your feedback is sent to the family."), "success")
    return _back(card, "feedback")


@bp.post("/kind/<family_id>/<child_id>/afspraak")
@professional_required
def afspraak(family_id: str, child_id: str):
    """An afspraak your organisation proposes to do."""
    reader = current_reader()
    card = _visible_card(family_id, child_id, reader)
    form = _posted_form("afspraak_form", card, reader)
    if not form.validate_on_submit():
        return _child_page(card, reader, status=422, afspraak_form=form)
    _send_to_family(card, reader, "agreement_item", form.client_id.data, {
        "goal": form.goal.data or None, "what": form.what.data, "status": "open", "by": _by(reader),
        "due": form.due.data.isoformat() if form.due.data else None,
        "who": {"kind": "organisation", "id": reader.organisation_id,
                "label": f"{current_user.organisation_name} ({reader.role})"}})
    flash(_("The action is sent to the family."), "success")
    return _back(card, "afspraak")


@bp.post("/kind/<family_id>/<child_id>/evaluatiemoment")
@professional_required
def moment(family_id: str, child_id: str):
    """Plan the next evaluation moment."""
    reader = current_reader()
    _require(reader, Action.PLAN_MOMENT)
    card = _visible_card(family_id, child_id, reader)
    form = _posted_form("moment_form", card, reader)
    today = current_app.config["ONSPLAN"].today()
    valid = form.validate_on_submit()
    if valid and form.on.data < today:
        form.on.errors = [_("Choose a date from today on.")]
        valid = False
    if not valid:
        return _child_page(card, reader, status=422, moment_form=form)
    _send_to_family(card, reader, "evaluation_moment", form.client_id.data, {
        "date": form.on.data.isoformat(), "title": form.title.data, "goals": list(form.goals.data or []),
        "participants": [_by(reader)["name"]]})
    flash(_("The evaluation moment is sent to the family."), "success")
    return _back(card, "moment")


def _awaited(yeses) -> str:
    """Who the family space said is still awaited after the newest yes to a review outcome."""
    return ", ".join(str(labels.MISSING_LABELS[who]) for who in yeses[-1].waiting_for)


def _regisseur_agreement_id(goal_id: str, version: str, reader: Reader) -> str:
    """One regisseur's agreement per goal version: a resent form or a second click makes no second record."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"onsplan:regisseur:{goal_id}:{version}:{reader.organisation_id}"))


@bp.post("/kind/<family_id>/<child_id>/doel/<goal_id>/akkoord")
@professional_required
def agree(family_id: str, child_id: str, goal_id: str):
    """The regisseur agrees with the current version of a goal, on the regisseur's side."""
    reader = current_reader()
    if not is_regisseur(reader):
        abort(403)
    card = _visible_card(family_id, child_id, reader)
    shared = shared_plan(_hub(), reader, family_id, child_id)
    goal = shared.plan.goal(goal_id) if shared.plan else None
    if goal is None:
        abort(404)
    version = request.form.get("version", "")
    if version != str(goal.current.version):
        flash(_("The goal was changed meanwhile. Look at the new version first."), "error")
        return _back(card, f"goal-{goal_id}")
    _send_to_family(card, reader, "goal_agreement", _regisseur_agreement_id(goal_id, version, reader), {
        "goal": goal_id, "version": goal.current.version, "side": "regisseur", "role": None,
        "person_id": reader.organisation_id, "name": _by(reader)["name"],
        "agreed_on": current_app.config["ONSPLAN"].today().isoformat()})
    flash(_("Your agreement is sent to the family."), "success")
    return _back(card, f"goal-{goal_id}")


def _details_cipher():
    return node_key().field_cipher("recorded-bases")


def _visible_card(family_id: str, child_id: str, reader: Reader):
    card = card_of(_hub(), reader, family_id, child_id)
    if card is None:
        abort(404)
    return card


@bp.post("/kind/<family_id>/<child_id>/wettelijke-grond")
@professional_required
def legal_basis(family_id: str, child_id: str):
    """Record a legal basis (ground, source, period). It takes effect when the family space has it."""
    reader = current_reader()
    _require(reader, Action.LEGAL_GROUND)
    card = _visible_card(family_id, child_id, reader)
    form = LegalBasisForm(prefix="basis")
    valid = form.validate_on_submit()
    today = current_app.config["ONSPLAN"].today()
    if valid and card.birth_year and form.starts_on.data.year < card.birth_year:
        form.starts_on.errors = [_("The start cannot be before the child was born.")]
        valid = False
    if valid and form.starts_on.data > today + timedelta(days=366):
        form.starts_on.errors = [_("The start can be at most a year from today.")]
        valid = False
    if not valid:
        return _child_page(card, reader, status=422, basis_form=form)
    record_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
    # A form sent twice records once: record_basis checks the client-made id.
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
    _require(reader, Action.EMERGENCY)
    card = _visible_card(family_id, child_id, reader)
    form = EmergencyForm(prefix="emergency")
    today = current_app.config["ONSPLAN"].today()
    valid = form.validate_on_submit()
    if valid and form.ends_on.data and form.ends_on.data < today:
        form.ends_on.errors = [_("The end cannot be before today.")]
        valid = False
    if valid and form.ends_on.data and form.ends_on.data > today + timedelta(days=MAX_EMERGENCY_DAYS):
        form.ends_on.errors = [_("An emergency lasts at most %(days)s days. After that, consent or a legal ground "
                                 "is needed.", days=MAX_EMERGENCY_DAYS)]
        valid = False
    if not valid:
        return _child_page(card, reader, status=422, emergency_form=form)
    record_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
    # A form sent twice records once: record_basis checks the client-made id.
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


def _label_cipher():
    return node_key().field_cipher("invitation-label")


@bp.route("/uitnodigen", methods=["GET", "POST"])
@professional_required
def invite():
    """A regisseur makes a one-time code for a new family to join this hub, and sees the codes made before."""
    reader = current_reader()
    if not is_regisseur(reader):
        abort(403)
    config = current_app.config["ONSPLAN"]
    form, code, db = InviteFamilyForm(), None, get_db()
    made_id = form.client_id.data if _is_uuid(form.client_id.data) else new_record_id()
    if form.validate_on_submit():
        with transaction(db):
            made_id = make_invitation_again(db, reader.organisation_id, made_id)
            code = make_invitation(db, _ring(), organisation_id=reader.organisation_id,
                                   created_by=reader.professional_id, hub_url=config.base_url,
                                   days=config.invitation_days, label=form.label.data or "",
                                   label_cipher=_label_cipher(), invitation_id=made_id)
    invitations = organisation_invitations(db, _label_cipher(), reader.organisation_id)
    made = next((i for i in invitations if i.id == made_id), None) if code else None
    if code:
        form = InviteFamilyForm(formdata=None)
    if not form.client_id.data or code:
        form.client_id.data = new_record_id()
    return render("workplace/invite.html", form=form, code=code, made=made, invitations=invitations,
                  days=config.invitation_days, local_time=local_time,
                  status=422 if form.errors else 200)


@bp.post("/uitnodigen/<invitation_id>/intrekken")
@professional_required
def withdraw_code(invitation_id: str):
    """An unused code of my organisation stops working now (regisseur)."""
    reader = current_reader()
    if not is_regisseur(reader):
        abort(403)
    if not withdraw_invitation(get_db(), reader.organisation_id, invitation_id) and not invitation_of(
            get_db(), reader.organisation_id, invitation_id):
        abort(404)  # a code that stopped, expired or was used already no longer works either: said again
    flash(_("The code no longer works."), "success")
    return redirect(url_for("workplace.invite"), 303)


# -- an evaluation moment -------------------------------------------------------------------------

def _moment_page(card, reader: Reader, moment_id: str, status: int = 200, review_forms: dict | None = None):
    shared = shared_plan(_hub(), reader, card.family_id, card.child_id)
    moment = next((m for m in shared.plan.moments if m.id == moment_id), None) if shared.plan else None
    if moment is None:
        abort(404)
    goals = goals_in_scope(shared.plan, moment)
    responses = shared_responses(_hub(), reader, card.family_id, card.child_id)
    answers, charts = [], []
    if responses is not None:
        dates = {m.id: m.on for m in shared.plan.moments}
        for response in responses:
            version = response.submitted
            if version is None:
                continue
            name = evaluation_texts.respondent_name(version.respondent, version.author_name, card.first_name)
            if response.moment == moment.id:
                try:
                    asked = asked_in(version, registry())
                except UnknownQuestionnaire:
                    asked = None
                answers.append((name, version, asked))
        answered = [Answered(r.submitted, evaluation_texts.respondent_name(
            r.submitted.respondent, r.submitted.author_name, card.first_name), dates[r.moment])
            for r in responses if r.submitted is not None and r.moment in dates]
        titles = {g.id: g.current.title for g in shared.plan.goals}
        charts = [(p, progress_chart(p), evaluation_texts.trend_sentence(trend(p)))
                  for p in goal_progress(answered, registry(), titles) if p.goal_id in {g.id for g in goals}]
    review_forms = review_forms or {}
    forms = {}
    for goal in goals:
        form = review_forms.get(goal.id) or GoalReviewForm(prefix=f"review-{goal.id[:8]}")
        form.goal.data = goal.id
        if not form.client_id.data:
            form.client_id.data = new_record_id()
        forms[goal.id] = form
    # Each review with how the family answered it: agreed, not agreed, or still waiting.
    reviews = {goal.id: [(c, shared.plan.goal(goal.id).review_answer(c), shared.plan.goal(goal.id).agreed_to_outcome(c))
                         for c in shared.plan.goal(goal.id).comments if c.outcome]
               for goal in goals if shared.plan.goal(goal.id)}
    return render("workplace/moment.html", card=card, moment=moment, goals=goals, answers=answers, texts=evaluation_texts,
                  evaluations_shared=responses is not None, charts=charts, forms=forms, reviews=reviews,
                  may_close=shared.moment_authors.get(moment.id) == reader.organisation_id
                  and may(reader.role, Action.PLAN_MOMENT), may_review=may(reader.role, Action.PLAN_MOMENT),
                  close_form=CloseMomentForm(), outcome_labels=labels.REVIEW_OUTCOME_LABELS,
                  awaited=_awaited, status=status)


@bp.get("/kind/<family_id>/<child_id>/evaluatie/<moment_id>")
@professional_required
def evaluation_moment(family_id: str, child_id: str, moment_id: str):
    """An evaluation moment: the goals in scope, the answers (where shared), progress, and the joint review."""
    reader = current_reader()
    return _moment_page(_visible_card(family_id, child_id, reader), reader, moment_id)


@bp.post("/kind/<family_id>/<child_id>/evaluatie/<moment_id>/doel/<goal_id>")
@professional_required
def review_goal(family_id: str, child_id: str, moment_id: str, goal_id: str):
    """Record the joint review of one goal: continue, adjust, reached or stop, with what was agreed."""
    reader = current_reader()
    _require(reader, Action.PLAN_MOMENT)
    card = _visible_card(family_id, child_id, reader)
    # The moment and the goal must be this child's, shared with this organisation, and the goal
    # one the moment looks at; anything else is not found and nothing is sent.
    shared = shared_plan(_hub(), reader, family_id, child_id)
    moment = next((m for m in shared.plan.moments if m.id == moment_id), None) if shared.plan else None
    if moment is None or goal_id not in {g.id for g in goals_in_scope(shared.plan, moment)}:
        abort(404)
    form = GoalReviewForm(prefix=f"review-{goal_id[:8]}")
    if not form.validate_on_submit() or form.goal.data != goal_id:
        return _moment_page(card, reader, moment_id, status=422, review_forms={goal_id: form})
    _send_to_family(card, reader, "review_note", form.client_id.data, {
        "goal": goal_id, "text": form.text.data, "outcome": form.outcome.data, "moment": moment_id,
        "by": _by(reader)})
    flash(_("The review of this goal is sent to the family. They can agree or react in their plan."), "success")
    return redirect(url_for("workplace.evaluation_moment", family_id=family_id, child_id=child_id,
                            moment_id=moment_id, _anchor=f"goal-{goal_id}"), 303)


@bp.post("/kind/<family_id>/<child_id>/evaluatie/<moment_id>/afsluiten")
@professional_required
def close_moment(family_id: str, child_id: str, moment_id: str):
    """Close a moment your organisation made (no more answers), and say whether it was the closing evaluation."""
    reader = current_reader()
    _visible_card(family_id, child_id, reader)
    shared = shared_plan(_hub(), reader, family_id, child_id)
    moment = next((m for m in shared.plan.moments if m.id == moment_id), None) if shared.plan else None
    if moment is None:
        abort(404)
    _require(reader, Action.PLAN_MOMENT)
    if shared.moment_authors.get(moment_id) != reader.organisation_id:
        abort(403)  # the family space accepts a new version only from whoever made the moment
    form = CloseMomentForm()
    if not form.validate_on_submit():
        abort(400)
    if moment.closed:  # sent twice, or closed meanwhile: closed once
        return redirect(url_for("workplace.evaluation_moment", family_id=family_id, child_id=child_id,
                                moment_id=moment_id), 303)
    write_for_family(get_db(), _ring(), clock(), organisation_id=reader.organisation_id, family_id=family_id,
                     kind="evaluation_moment", subject=child_id, body={
                         "item": moment.id, "date": moment.on.isoformat(), "title": moment.title,
                         "goals": list(moment.goals), "participants": list(moment.participants), "closed": True,
                         "closing": bool(form.closing.data) or moment.closing})
    flash(_("The moment is closed. The family sees that no more answers can be given."), "success")
    return redirect(url_for("workplace.evaluation_moment", family_id=family_id, child_id=child_id,
                            moment_id=moment_id), 303)
