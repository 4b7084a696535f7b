"""Ons plan: a child's goals, afspraken, betrokkenen and evaluation moments, in the family space."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import family_required
from webapp.client_ids import form_client_id, sent_before
from webapp.consent.readers import who_sees_plan
from webapp.consent.rules import InfoKind
from webapp.plan import labels
from webapp.people.access import current_members, load_child
from webapp.people.involved import involved_for_child
from webapp.plan.access import decider_role, may_agree_now, today
from webapp.plan.forms import AfspraakForm, CommentForm, GoalForm
from webapp.plan.model import AFSPRAAK_STATUSES, afspraken_in_order
from webapp.plan.queries import NO_COMMENTS, PlanWriter, load_child_plan, load_goal_page
from webapp.plan.rules import GoalStatus, TransitionRefused, agreement_status, can_transition, outcome_steps
from webapp.records import get_store
from webapp.paging import page_of, requested_page
from webapp.render import after_change, render

bp = Blueprint("plan", __name__, url_prefix="/kind/<child_id>")

COMMENTS_PER_PAGE = 30
FAMILY_STATUS_STEPS = (GoalStatus.ACTIVE, GoalStatus.REACHED, GoalStatus.STOPPED)


@bp.context_processor
def _labels():
    return {"labels": labels, "today": today()}


def _writer(me) -> PlanWriter:
    author = {"side": "family", "id": current_user.person_id, "name": me.name if me else ""}
    return PlanWriter(get_store(), current_user.family_id, author)


FINISHED_AFSPRAKEN_SHOWN = 10


def _plan(child, *, full: bool = False):
    """The child's plan as the plan page shows it: goals as they stand now, open afspraken and the
    ten finished most recently, and moments. `full` reads everything: every goal's versions and
    agreements and every afspraak (the printed plan)."""
    return load_child_plan(get_store(), current_user.family_id, child.id, comments_after=NO_COMMENTS,
                           goal_history=full, finished_afspraken=None if full else FINISHED_AFSPRAKEN_SHOWN)


def _goal_plan(child, goal_id):
    """The plan around one goal: that goal with its versions, agreements and comments."""
    return load_goal_page(get_store(), current_user.family_id, child.id, goal_id)


def _goal_or_404(plan, goal_id):
    goal = plan.goal(goal_id)
    if goal is None:
        abort(404)
    return goal


def _new_client_id() -> str:
    return str(uuid.uuid4())


def _afspraak_form(child, plan, me, form=None) -> AfspraakForm:
    """The afspraak form with its choices: family members and organisations involved."""
    form = form or AfspraakForm(today=today(), formdata=None, client_id=_new_client_id())
    members = current_members()
    people = [p for p in members if p.role == "parent" or p.id == child.id]
    organisations = involved_for_child(get_store(), current_user.family_id, child.id)
    form.who.choices = ([("", _("Choose who does it"))]
                        + [(f"person:{p.id}", p.name) for p in people]
                        + [(f"organisation:{o.organisation_id}", f"{o.organisation} ({o.role})") for o in organisations])
    form.goal.choices = [("", _("No specific goal"))] + [(g.id, g.current.title) for g in plan.goals]
    return form


def _who(choice: str, form: AfspraakForm) -> dict[str, str]:
    kind, _sep, who_id = choice.partition(":")
    label = dict(form.who.choices).get(choice, "")
    return {"kind": kind, "id": who_id, "label": label}


@bp.get("")
@family_required
def overview(child_id):
    """The child's plan on one page: goals, afspraken, evaluation moments, betrokkenen."""
    child, me = load_child(child_id)
    plan = _plan(child)
    return render("plan/overview.html", child=child, plan=plan, me=me,
                  afspraken=afspraken_in_order(plan.afspraken, current_user.person_id, today()),
                  finished_not_shown=plan.finished_afspraken_not_read,
                  involved=involved_for_child(get_store(), current_user.family_id, child.id),
                  afspraak_form=_afspraak_form(child, plan, me), plan_readers=_who_sees(child, InfoKind.PLAN))


@bp.route("/doel/nieuw", methods=["GET", "POST"])
@family_required
def propose_goal(child_id):
    """Propose a new goal for this child (a parent, or the youth for their own plan)."""
    child, me = load_child(child_id)
    form = GoalForm() if _is_post() else GoalForm(client_id=_new_client_id())
    if form.validate_on_submit():
        goal_id = _writer(me).propose_goal(child.id, life_domain=form.life_domain.data, title=form.title.data,
                                           strengths=form.strengths.data, gas=form.gas_values(),
                                           record_id=form.client_id.data or None)
        _agree_as_author(child, me, goal_id)
        flash(_("Your proposal is saved. The regisseur and your family can now react to it."), "success")
        return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal_id), 303)
    return render("plan/goal_form.html", child=child, form=form, goal=None, status=422 if form.errors else 200)


@bp.get("/doel/<goal_id>")
@family_required
def goal(child_id, goal_id):
    """One goal: what should be reached, its status, who agreed, its versions and comments."""
    child, me = load_child(child_id)
    return _goal_page(child, me, goal_id)


def _goal_page(child, me, goal_id, comment_form=None, status=200, error=None, confirm_stop=False):
    plan = _goal_plan(child, goal_id)
    goal = _goal_or_404(plan, goal_id)
    state = agreement_status(goal.current.version, goal.current.life_domain, child.birth_date, today(),
                             [a.agreement for a in goal.agreements]) if child.birth_date else None
    role = decider_role(me, child)
    # The newest comments first in pages, each page shown oldest first like a conversation.
    comments = page_of(list(reversed(goal.comments)), requested_page("reacties"), COMMENTS_PER_PAGE)
    i_agreed = any(a.agreement.person_id == current_user.person_id for a in goal.agreements_for())
    # An htmx status change that is refused gets only the status box back, with the reason in it.
    return render("plan/goal.html", "plan/_goal_status.html", child=child, goal=goal, plan=plan, state=state, me=me,
                  may_decide=may_agree_now(me, child, goal.current.life_domain), role=role, i_agreed=i_agreed,
                  steps=[s for s in FAMILY_STATUS_STEPS if can_transition(goal.current.status, s)],
                  comment_form=comment_form or CommentForm(formdata=None, client_id=_new_client_id()),
                  comments=comments, comments_shown=list(reversed(comments.items)),
                  outcome_client_id=_new_client_id(), confirm_stop=confirm_stop,
                  undo_to=goal.stop_to_undo("family"),
                  comment_readers=_who_sees(child, InfoKind.YOUTH_COMMENTS if current_user.role == "youth"
                                            else InfoKind.PLAN),
                  error=error, status=status)


def _who_sees(child, kind: InfoKind) -> dict:
    """Who can read the child's plan (or the youth's own words) now, in the family and outside it."""
    return who_sees_plan(get_store(), current_user.family_id, current_members(), child, current_user.person_id,
                         kind, today())


def _agree_as_author(child, me, goal_id: str) -> None:
    """Who proposes or changes a goal agrees with it by doing so, if they may decide about it: they are
    not asked again. Others who decide, and the regisseur, still agree themselves."""
    goal = _goal_plan(child, goal_id).goal(goal_id)
    if goal is None or goal.current.status is not GoalStatus.PROPOSED or not child.birth_date:
        return
    if may_agree_now(me, child, goal.current.life_domain):
        _writer(me).agree(goal, role=decider_role(me, child).value, side="family", today=today(),
                          child_birth=child.birth_date)


@bp.post("/doel/<goal_id>/akkoord")
@family_required
def agree(child_id, goal_id):
    """Agree with the current version of a proposed goal (only who may decide for this child)."""
    child, me = load_child(child_id)
    goal = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    if any(a.agreement.person_id == current_user.person_id for a in goal.agreements_for()):
        return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal.id), 303)  # sent twice: counted once
    if goal.current.status is not GoalStatus.PROPOSED:
        return _goal_page(child, me, goal_id, status=409, error=_("This goal is not waiting for agreement."))
    if not may_agree_now(me, child, goal.current.life_domain):
        return _goal_page(child, me, goal_id, status=403,
                          error=_("You cannot agree to this goal. Who decides depends on the age of the child."))
    status = _writer(me).agree(goal, role=decider_role(me, child).value, side="family", today=today(),
                               child_birth=child.birth_date)
    if status is GoalStatus.AGREED:
        flash(_("The goal is now agreed."), "success")
    else:
        flash(_("Your agreement is saved. The goal is agreed when everyone who decides has agreed."), "success")
    return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal.id), 303)


@bp.post("/doel/<goal_id>/status")
@family_required
def change_status(child_id, goal_id):
    """Move a goal on: started, reached or stopped."""
    child, me = load_child(child_id)
    goal = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    if not may_agree_now(me, child, goal.current.life_domain):
        return _goal_page(child, me, goal_id, status=403, error=_("You cannot change the status of this goal."))
    try:
        target = GoalStatus(_form_value("status"))
        if target not in FAMILY_STATUS_STEPS:
            raise TransitionRefused("not a family step")
        if goal.current.status is target or sent_before():
            return _status_changed(child, goal_id)  # sent twice (a double tap, an outbox replay): changed once
        if target is GoalStatus.STOPPED and _form_value("confirm") != "1":
            return _goal_page(child, me, goal_id, confirm_stop=True)  # stopping cannot be undone: ask first
        _writer(me).change_status(goal, target, record_id=form_client_id())
    except (ValueError, TransitionRefused):
        return _goal_page(child, me, goal_id, status=422,
                          error=_("This status change is not possible for this goal now."))
    return _status_changed(child, goal_id)


def _status_changed(child, goal_id: str, message: str | None = None):
    refreshed = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    return after_change(url_for("plan.goal", child_id=child.id, goal_id=goal_id), "plan/_goal_status.html",
                        message=message, child=child, goal=refreshed, may_decide=True,
                        steps=[s for s in FAMILY_STATUS_STEPS if can_transition(refreshed.current.status, s)],
                        undo_to=refreshed.stop_to_undo("family"), labels=labels, saved=message is None)


@bp.post("/doel/<goal_id>/toch-doorgaan")
@family_required
def undo_stop(child_id, goal_id):
    """Take back a stop the family made, while nobody outside the family reacted to it yet."""
    child, me = load_child(child_id)
    goal = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    if goal.current.undoes is not None and goal.current.status is not GoalStatus.STOPPED:
        return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal.id), 303)  # sent twice: undone once
    if not may_agree_now(me, child, goal.current.life_domain):
        return _goal_page(child, me, goal_id, status=403, error=_("You cannot change the status of this goal."))
    back_to = goal.stop_to_undo("family")
    if back_to is None:
        return _goal_page(child, me, goal_id, status=409, error=_(
            "This stop can no longer be undone: someone outside the family has already responded to it."
            " Make a new goal if you want to go on."))
    _writer(me).undo_stop(goal, back_to)
    return _status_changed(child, goal_id, _("The goal goes on. Its status is %(status)s again.",
                                             status=labels.GOAL_STATUS_LABELS[back_to.status]))


@bp.post("/doel/<goal_id>/uitkomst")
@family_required
def answer_outcome(child_id, goal_id):
    """Agree with the outcome of an evaluation moment's review (the goal's status changes, on both
    sides after the next sync), or say you do not agree (a comment the professional sees)."""
    child, me = load_child(child_id)
    goal = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    review = goal.open_review
    client_id = _form_value("client_id")
    back = url_for("plan.goal", child_id=child.id, goal_id=goal.id) + "#uitkomst"
    if _is_uuid(client_id) and get_store().exists(current_user.family_id, client_id):
        return redirect(back, 303)  # the same answer sent again: it counted once
    if review is None or review.record_id != _form_value("review"):
        return _goal_page(child, me, goal_id, status=409,
                          error=_("This outcome does not wait for an answer any more. Look at the goal as it is now."))
    if not may_agree_now(me, child, goal.current.life_domain) or not _is_uuid(client_id):
        return _goal_page(child, me, goal_id, status=403 if _is_uuid(client_id) else 422,
                          error=_("You cannot answer this outcome for this goal."))
    steps = outcome_steps(review.outcome or "", goal.current.status)
    if _form_value("answer") == "no":
        text = _form_value("text").strip()[:2000] or _("I do not agree with this outcome.")
        _writer(me).decline_outcome(child.id, goal_id=goal.id, review_id=review.record_id, text=text,
                                    by_youth=current_user.role == "youth", record_id=client_id)
        flash(_("Your answer is saved. %(name)s sees that you do not agree.", name=review.author.name), "success")
    elif _form_value("answer") == "yes" and steps:
        if any(a.agreement.person_id == current_user.person_id for a in goal.agreed_to_outcome(review)):
            return redirect(back, 303)  # this person said yes before
        state = _writer(me).agree_to_outcome(goal, review, steps, role=decider_role(me, child).value, today=today(),
                                             child_birth=child.birth_date, record_id=client_id)
        if state.complete:
            flash(_("Agreed. The goal is now: %(status)s.", status=labels.GOAL_STATUS_LABELS[steps[-1]]), "success")
        else:
            waiting = ", ".join(str(labels.MISSING_LABELS[m]) for m in sorted(state.missing))
            flash(_("Your yes is saved. The goal changes when everyone who decides agrees. Still waiting for: %(who)s.",
                    who=waiting), "success")
    elif _form_value("answer") == "yes":  # adjust: the family writes the changed goal
        return redirect(url_for("plan.revise_goal", child_id=child.id, goal_id=goal.id), 303)
    else:
        abort(422)
    return redirect(back, 303)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return False


@bp.route("/doel/<goal_id>/wijzigen", methods=["GET", "POST"])
@family_required
def revise_goal(child_id, goal_id):
    """Change a goal: makes a new version that needs agreement again; the old version stays in history."""
    child, me = load_child(child_id)
    goal = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    if goal.current.status in (GoalStatus.REACHED, GoalStatus.STOPPED, GoalStatus.ADJUSTED):
        abort(409)
    if not may_agree_now(me, child, goal.current.life_domain) and current_user.role != "youth":
        abort(403)
    current = goal.current
    if _is_post() and sent_before():
        return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal.id), 303)  # the change counted once
    form = GoalForm() if _is_post() else GoalForm(
        formdata=None, client_id=_new_client_id(), life_domain=current.life_domain, title=current.title, strengths=current.strengths,
        use_gas=bool(current.gas), **{name: (current.gas[i] if current.gas else "")
                                      for i, name in enumerate(GoalForm.gas_levels.values())})
    if form.validate_on_submit():
        _writer(me).revise(goal, life_domain=form.life_domain.data, title=form.title.data,
                           strengths=form.strengths.data, gas=form.gas_values(), record_id=form.client_id.data or None)
        _agree_as_author(child, me, goal.id)
        flash(_("The change is saved as a new version. Everyone who decides is asked to agree again."), "success")
        return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal.id), 303)
    return render("plan/goal_form.html", child=child, form=form, goal=goal, status=422 if form.errors else 200)


@bp.post("/doel/<goal_id>/reactie")
@family_required
def comment(child_id, goal_id):
    """Add a comment to a goal, or question a proposal instead of agreeing."""
    child, me = load_child(child_id)
    goal = _goal_or_404(_goal_plan(child, goal_id), goal_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _goal_page(child, me, goal_id, comment_form=form, status=422)
    _writer(me).comment(child.id, goal_id=goal.id, text=form.text.data, by_youth=current_user.role == "youth",
                        question=form.question.data == "1", record_id=form.client_id.data or None)
    flash(_("Your comment is saved."), "success")
    return redirect(url_for("plan.goal", child_id=child.id, goal_id=goal.id) + "#reacties", 303)


@bp.post("/afspraken")
@family_required
def add_afspraak(child_id):
    """Add an afspraak: who does what, by when."""
    child, me = load_child(child_id)
    plan = _plan(child)
    form = _afspraak_form(child, plan, me, AfspraakForm(today=today()))
    if form.validate_on_submit():
        if form.goal.data and plan.goal(form.goal.data) is None:
            abort(422)
        _writer(me).add_afspraak(child.id, goal_id=form.goal.data or None, who=_who(form.who.data, form),
                                 what=form.what.data, due=form.due.data, record_id=form.client_id.data or None)
        plan = _plan(child)
        return after_change(url_for("plan.overview", child_id=child.id) + "#afspraken", "plan/_afspraken.html",
                            child=child, afspraken=afspraken_in_order(plan.afspraken, current_user.person_id, today()),
                            finished_not_shown=plan.finished_afspraken_not_read,
                            afspraak_form=_afspraak_form(child, plan, me), labels=labels, today=today(), saved=True,
                            message=_("The action is added: %(what)s", what=form.what.data))
    afspraken = afspraken_in_order(plan.afspraken, current_user.person_id, today())
    return render("plan/overview.html", "plan/_afspraken.html", status=422, child=child, plan=plan, me=me,
                  finished_not_shown=plan.finished_afspraken_not_read,
                  afspraken=afspraken, afspraak_form=form, plan_readers=_who_sees(child, InfoKind.PLAN),
                  involved=involved_for_child(get_store(), current_user.family_id, child.id))


@bp.post("/afspraak/<afspraak_id>/status")
@family_required
def afspraak_status(child_id, afspraak_id):
    """Mark an afspraak as done, cancelled or to do again."""
    child, me = load_child(child_id)
    plan = _plan(child)
    afspraak = next((a for a in plan.afspraken if a.id == afspraak_id), None)
    if afspraak is None:
        abort(404)
    status = _form_value("status")
    if status not in AFSPRAAK_STATUSES:
        abort(422)
    if not sent_before():  # a form sent twice changes the afspraak once
        _writer(me).change_afspraak_status(child.id, afspraak, status, record_id=form_client_id())
    plan = _plan(child)
    return after_change(url_for("plan.overview", child_id=child.id) + "#afspraken", "plan/_afspraken.html",
                        child=child, afspraken=afspraken_in_order(plan.afspraken, current_user.person_id, today()),
                        finished_not_shown=plan.finished_afspraken_not_read,
                        afspraak_form=_afspraak_form(child, plan, me), labels=labels, today=today(), saved=True,
                        message=_("The action is marked as done.") if status == "done" else _("Saved."))


@bp.get("/afdrukken")
@family_required
def print_plan(child_id):
    """A clean printable view of the child's whole plan, to bring to a meeting."""
    child, me = load_child(child_id)
    plan = _plan(child, full=True)
    return render("plan/print.html", child=child, plan=plan,
                  afspraken=afspraken_in_order(plan.afspraken, current_user.person_id, today()),
                  involved=involved_for_child(get_store(), current_user.family_id, child.id))


# -- small request helpers ---------------------------------------------------------------

def _is_post() -> bool:
    return request.method == "POST"


def _form_value(name: str) -> str:
    return request.form.get(name, "")
