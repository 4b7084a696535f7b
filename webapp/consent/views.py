"""Toestemming: consent pages of the family space.

Every view starts with an access helper: a child of another family or an organisation
that is not involved is a 404; a youth looking at a sibling gets a 403 that says why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sync.record import new_record_id
from sync.family import hub_directory
from sync.status import family_sync_status, held_at_hub, recipient_mark
from webapp.auth import family_required
from webapp.consent import texts
from webapp.consent.texts import local_time
from webapp.consent.access import counting_decisions, domain_of
from webapp.consent.forms import DecisionForm, PeriodForm
from webapp.consent.period import Period
from webapp.consent.notices import consent_notices
from webapp.consent.outlook import Choice, NotDecider, refusal_of_grant, why_not_decider
from webapp.consent.overview import (
    KindCard, Viewer, decision_visible, event_visible, kind_card, kind_from_slug, kinds_for, organisation_cards,
)
from webapp.consent.rules import DeciderRole, InfoKind
from webapp.client_ids import form_client_id, sent_before
from webapp.consent.store import (access_events, latest_decision_id, load_consent_facts, objections, record_decision,
                                  record_objection)
from webapp.db import get_db
from webapp.errors import request_id
from webapp.paging import page_of, requested_page
from webapp.people.access import (
    SiblingRefused, children_of_current_user, current_members, decider_role, find_child,
)
from webapp.people.involved import Involved, involved_for_child
from webapp.people.members import Person
from webapp.records import get_store
from webapp.render import render

bp = Blueprint("consent", __name__)


@bp.context_processor
def _stop_pending():
    """`stop_pending(org_id, kind)`: the hub may still hold this child's keys of this kind for the
    organisation (a withdrawal not yet passed on); the card says "wordt gestopt" until it is."""
    child_id = (request.view_args or {}).get("child_id")
    if not child_id or not current_user.is_authenticated or current_user.is_professional:
        return {"stop_pending": lambda _org, _kind: False}
    store = get_store()
    held = held_at_hub(store.db, store.keys, current_user.family_id, child_id)
    return {"stop_pending": lambda org, kind: (recipient_mark(store.keys, org), kind.value) in held}


def _today() -> date:
    return current_app.config["ONSPLAN"].today()


def _refusal(status: int, title: str, text: str, child: Person | None = None):
    """A page that says plainly why a request was refused; nothing was stored."""
    return render("consent/refused.html", status=status, title=title, text=text, child=child,
                  error_status=status, request_id=request_id())


def _visible_children(members: list[Person]) -> list[Person]:
    """The children whose consent this member may see (the plan's rule), with a known birth date."""
    return [p for p in children_of_current_user(members) if p.birth_date is not None]


def _child_or_abort(child_id: str) -> tuple[list[Person], Person]:
    """The family and the child; 404 when it is no child of this family, 403 for a youth's sibling."""
    members = current_members()
    try:
        child = find_child(members, child_id, current_user.role, current_user.person_id)
    except SiblingRefused:
        sibling = next(p for p in members if p.id == child_id)
        abort(_refusal(403, _("You cannot decide this"), texts.not_decider_text(NotDecider.OTHER_CHILD, sibling.name)))
    except LookupError:
        abort(404)
    if child.birth_date is None or child.birth_date > _today():
        abort(404)
    return members, child


@dataclass(frozen=True)
class Target:
    """One child, organisation and kind of information a decision is about."""

    members: list[Person]
    child: Person
    involved: Involved
    kind: InfoKind


def _target_or_abort(child_id: str, organisation_id: str, kind_slug: str) -> Target:
    """The child, involved organisation and kind; 404 when the organisation or kind is unknown for this child."""
    members, child = _child_or_abort(child_id)
    involved = next((i for i in involved_for_child(get_store(), current_user.family_id, child.id)
                     if i.organisation_id == organisation_id), None)
    kind = kind_from_slug(kind_slug)
    if involved is None or kind is None or kind not in kinds_for(child, _today()):
        abort(404)
    return Target(members, child, involved, kind)


def _viewer(members: list[Person], child: Person) -> Viewer:
    return Viewer(current_user.person_id, decider_role(current_user.role, current_user.person_id, members, child))


def _card(target: Target) -> KindCard:
    facts = load_consent_facts(get_store(), current_user.family_id)
    return kind_card(facts, target.members, target.child, target.involved, target.kind,
                     _viewer(target.members, target.child), _today())


def _back_to_card(target: Target):
    return redirect(url_for("consent.child", child_id=target.child.id,
                            _anchor=f"org-{target.involved.organisation_id}"), 303)


@bp.get("/toestemming")
@family_required
def index():
    """Start of consent: what waits for this person, and a link per child."""
    members = current_members()
    return render("consent/index.html", children=_visible_children(members), today=_today(),
                  consent_notices=consent_notices(get_store(), current_user, _today(), members),
                  sync=family_sync_status(get_db(), current_user.family_id), local_time=local_time,
                  hub_name=hub_directory(get_store(), current_user.family_id)[0])


@bp.get("/toestemming/<child_id>")
@family_required
def child(child_id: str):
    """A child's consent page: a card per organisation, a state and a button per kind of information."""
    members, child = _child_or_abort(child_id)
    store = get_store()
    cards = organisation_cards(load_consent_facts(store, current_user.family_id), members, child,
                               involved_for_child(store, current_user.family_id, child.id),
                               _viewer(members, child), _today())
    return render("consent/child.html", "consent/_cards.html", child=child, cards=cards, new_id=new_record_id,
                  texts=texts, objections=objections(store, current_user.family_id, child.id))


MAX_OBJECTION_CHARS = 1000


@bp.post("/toestemming/<child_id>/<organisation_id>/<kind_slug>/bezwaar")
@family_required
def object_to_emergency(child_id: str, organisation_id: str, kind_slug: str):
    """Say in one step that you do not agree with an emergency: it goes, sealed, to the admin of the
    organisation that recorded it. It does not end the emergency (only its end date does)."""
    target = _target_or_abort(child_id, organisation_id, kind_slug)
    if sent_before():
        return _back_to_card(target)  # sent twice: one objection
    store = get_store()
    emergency = next((e for e in load_consent_facts(store, current_user.family_id).emergencies
                      if (e.exception.child_id, e.exception.organisation_id, e.exception.kind)
                      == (target.child.id, organisation_id, target.kind) and e.exception.in_force_on(_today())), None)
    if emergency is None:
        return _refusal(409, _("There is no emergency to object to"),
                        _("%(organisation)s does not see this because of an emergency (any more). Nothing was saved.",
                          organisation=target.involved.organisation), target.child)
    text = request.form.get("text", "").strip()
    if len(text) > MAX_OBJECTION_CHARS:
        return _refusal(422, _("Your text is too long"),
                        _("Use at most %(n)s characters. Nothing was saved.", n=MAX_OBJECTION_CHARS), target.child)
    me = next(p for p in target.members if p.id == current_user.person_id)
    record_objection(store, family_id=current_user.family_id, child_id=target.child.id,
                     author=current_user.person_id, name=me.name, emergency=emergency, text=text, on=_today(),
                     record_id=form_client_id())
    flash(_("Your objection is saved. With the next update it goes to the admin of %(organisation)s.",
            organisation=target.involved.organisation), "success")
    return _back_to_card(target)


@bp.post("/toestemming/<child_id>/<organisation_id>/<kind_slug>")
@family_required
def decide(child_id: str, organisation_id: str, kind_slug: str):
    """Give (answer=yes) or withdraw (answer=no) consent; 403 when this person may not decide, 409 when
    another person's no stands in the way of a yes, 422 for an incomplete form. A refusal stores nothing."""
    target = _target_or_abort(child_id, organisation_id, kind_slug)
    child, today = target.child, _today()
    form = DecisionForm()
    if not form.validate_on_submit():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _refusal(422, _("Something in the request was not right"), str(errors[0]), child)
    store = get_store()
    if form.decision_id.data and store.exists(current_user.family_id, form.decision_id.data):
        return _back_to_card(target)  # the same form sent again: it is stored already
    domain = domain_of(target.involved)
    role = decider_role(current_user.role, current_user.person_id, target.members, child)
    reason = why_not_decider(role, child.birth_date, domain, today)
    if reason is not None:
        return _refusal(403, _("You cannot decide this"),
                        _("%(reason)s Nothing was saved.", reason=texts.not_decider_text(reason, child.name)), child)
    granted = form.answer.data == "yes"
    facts = load_consent_facts(store, current_user.family_id)
    mine = {d.decision.decision_id for d in facts.decisions_about(child.id, organisation_id, target.kind)
            if d.decision.person_id == current_user.person_id}
    if "based_on" not in request.form:  # a form from before decisions named their basis
        based_on = latest_decision_id(facts, child.id, organisation_id, target.kind, current_user.person_id)
    elif not form.based_on.data or form.based_on.data in mine:
        based_on = form.based_on.data or None
    else:
        return _refusal(422, _("Something in the request was not right"),
                        _("This form is not complete. Reload the page and try again."), child)
    if granted:
        decisions = counting_decisions(facts.decisions_about(child.id, organisation_id, target.kind),
                                       target.members, child)
        blocker = refusal_of_grant(current_user.person_id, child.birth_date, domain, decisions, today)
        if blocker is not None:
            name = next((p.name for p in target.members if p.id == blocker), "?")
            return _refusal(409, _("This cannot be shared now"),
                            _("%(name)s does not want to share this. Only %(name)s can change that. "
                              "Nothing was saved.", name=name), child)
    assert role is not None  # why_not_decider answers NO_GEZAG for None
    record_decision(store, family_id=current_user.family_id, child_id=child.id,
                    organisation_id=organisation_id, organisation=target.involved.organisation, kind=target.kind,
                    person_id=current_user.person_id, role=role, granted=granted, decided_on=today,
                    based_on=based_on, record_id=form.decision_id.data or None)
    flash(_decided_message(_card(target), granted, target.involved.organisation), "success")
    return _back_to_card(target)


def _decided_message(card: KindCard, granted: bool, organisation: str) -> str:
    """One sentence that says what the decision did (shown on the page and read out)."""
    if card.status == "shared":
        return _("%(organisation)s can now see this: %(kind)s.", organisation=organisation, kind=card.label)
    if granted and card.status == "waiting":
        return _("Your yes is saved. It is shared when %(names)s also says yes.", names=card.waiting_text)
    if granted:
        return _("Your yes is saved.")
    return _("Your no is saved. %(organisation)s cannot see this: %(kind)s.", organisation=organisation,
             kind=card.label)


@bp.get("/toestemming/<child_id>/<organisation_id>/<kind_slug>/stoppen")
@family_required
def confirm_withdrawal(child_id: str, organisation_id: str, kind_slug: str):
    """Ask before sharing stops (what stops, from when), or before a person takes back a yes that
    waits for someone else; back to the page when there is nothing to stop or take back."""
    target = _target_or_abort(child_id, organisation_id, kind_slug)
    card = _card(target)
    taking_back = Choice.DECLINE in card.outlook.choices and card.outlook.my_yes
    if Choice.WITHDRAW not in card.outlook.choices and not taking_back:
        return _back_to_card(target)
    return render("consent/confirm.html", "consent/_confirm.html", child=target.child, involved=target.involved,
                  card=card, today=_today(), new_id=new_record_id, texts=texts)


@bp.get("/toestemming/<child_id>/geschiedenis")
@family_required
def history(child_id: str):
    """Every consent decision about a child, newest first, and the legal bases; nothing is ever removed."""
    members, child = _child_or_abort(child_id)
    store = get_store()
    facts = load_consent_facts(store, current_user.family_id)
    involved = involved_for_child(store, current_user.family_id, child.id)
    viewer = _viewer(members, child)
    # Newest first by the day decided (the page shows that day); on one day the one stored last first.
    decisions = sorted((d for d in reversed(facts.decisions)
                        if d.child_id == child.id and decision_visible(d, viewer, child, involved)),
                       key=lambda d: d.decision.decided_on, reverse=True)
    legal_bases = [b for b in facts.legal_bases if b.basis.child_id == child.id]
    return render("consent/history.html", child=child, decisions=page_of(decisions, requested_page()),
                  legal_bases=legal_bases,
                  names={p.id: p.name for p in members}, texts=texts, YOUTH=DeciderRole.YOUTH)


@bp.get("/wie-keek-mee")
@family_required
def access_overview():
    """Who looked at what: when, who, organisation, role, which information and on which basis, by period.

    Bad dates give 422 and the messages; the list is then not shown."""
    store = get_store()
    members = current_members()
    children = {p.id: p for p in _visible_children(members)}
    involved = {child_id: involved_for_child(store, current_user.family_id, child_id) for child_id in children}
    form = PeriodForm(formdata=request.args)
    valid = form.validate()
    period = form.period if valid else Period()
    events = [e for e in access_events(store, current_user.family_id)
              if e.child_id in children and period.contains(texts.local_day(e.at))
              and event_visible(e.basis, e.organisation_id, _viewer(members, children[e.child_id]),
                                children[e.child_id], involved[e.child_id], _today())]
    emergencies = [e for e in load_consent_facts(store, current_user.family_id).emergencies
                   if e.exception.child_id in children
                   and period.overlaps(e.exception.recorded_on, e.exception.last_day)]
    return render("consent/access.html", status=200 if valid else 422, form=form, valid=valid,
                  events=page_of(events, requested_page()),
                  emergencies=sorted(emergencies, key=lambda e: e.exception.recorded_on, reverse=True),
                  children=children, texts=texts)
