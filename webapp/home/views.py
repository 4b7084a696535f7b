"""Home pages for both roles."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, redirect, url_for
from flask_login import current_user

from webapp.auth import family_required, professional_required, queries
from webapp.consent.notices import consent_notices
from webapp.db import get_db
from webapp.evaluation.queries import sent_moments
from webapp.evaluation.rules import is_open
from webapp.people.access import children_of_current_user, current_members
from webapp.people.involved import involved_for_family
from webapp.plan import labels
from webapp.plan.changes import changes_since
from webapp.plan.access import may_agree_now
from webapp.plan.model import fold_child_plan
from webapp.plan.queries import load_child_plan
from webapp.plan.rules import GoalStatus
from webapp.records import get_store
from webapp.render import render

NEW_FOR_DAYS = 30  # on Start, a comment counts as new for a month at most

family_bp = Blueprint("home", __name__)
hub_bp = Blueprint("home", __name__)


@family_bp.get("/")
def root():
    """Signed in: home. Otherwise: sign in."""
    return redirect(url_for("home.index" if current_user.is_authenticated else "auth.login"))


@family_bp.get("/home")
@family_required
def index():
    """The family's home: per child the regisseur, the next evaluation moment, goals and what is new."""
    store = get_store()
    today = current_app.config["ONSPLAN"].today()
    members = current_members()
    me = next((p for p in members if p.id == current_user.person_id), None)
    account = queries.account_by_id(get_db(), current_user.account_id)
    since = account.get("previous_login_at") if account else None
    since_ms = int(datetime.fromisoformat(since).timestamp() * 1000) if since else None
    involved = involved_for_family(store, current_user.family_id)
    # Comments count as new only after the previous visit, and at most a month back.
    month_ago_ms = int((datetime.now(timezone.utc) - timedelta(days=NEW_FOR_DAYS)).timestamp() * 1000)
    comments_after = f"{max(since_ms or 0, month_ago_ms):013d}"
    cards = []
    for child in children_of_current_user(members):
        # Start lists what is going on: finished goals and afspraken are not even opened.
        plan = load_child_plan(store, current_user.family_id, child.id, comments_after=comments_after,
                               goal_history=False, open_only=True)
        upcoming = plan.upcoming_moments(today)
        waiting = _waiting_for_agreement(store, plan, me, child)
        cards.append({
            "waiting": waiting,
            "outcomes": _outcomes_waiting(store, plan, me, child),
            "child": child, "plan": plan,
            "regisseur": next((i for i in involved if i.is_regisseur and child.id in i.children), None),
            "involved_any": any(child.id in i.children for i in involved),
            "next_moment": upcoming[0] if upcoming else None,
            **_evaluations(store, plan, child, today),
            "changes": [c for c in changes_since(plan, current_user.person_id, since_ms, today)
                        if not (c.kind == "proposal" and c.goal_id in {g.id for g in waiting})],
            # Start shows what is going on; reached, stopped and replaced goals stay in the plan,
            # and are counted here without being opened.
            "ongoing_goals": plan.goals,
            "finished_goals": store.count_finished(current_user.family_id, "goal", child.id),
        })
    return render("home/family.html", me=me, cards=cards, today=today, first_visit=since is None, labels=labels,
                  consent_notices=consent_notices(store, current_user, today, members))


def _evaluations(store, plan, child, today) -> dict:
    """Open evaluation moments: those that wait for this person's answers, and those they sent."""
    open_now = [m for m in plan.moments if is_open(m.on, m.closed, today)]
    sent = sent_moments(store, current_user.family_id, child.id, current_user.person_id) if open_now else set()
    return {"open_evaluations": [m for m in open_now if m.id not in sent],
            "answered_evaluations": [m for m in open_now if m.id in sent]}


def _outcomes_waiting(store, plan, me, child) -> list:
    """Goals whose review outcome of an evaluation moment waits for this person's answer: read from
    the comments and review notes after the oldest ongoing goal's current version only."""
    mine = [g for g in plan.goals if may_agree_now(me, child, g.current.life_domain)]
    if not mine:
        return []
    after = min(g.current.clock for g in mine)
    records = store.current(current_user.family_id, ["goal"], subject=child.id, unfinished=True)
    records += store.history(current_user.family_id, ["comment", "review_note"], subject=child.id, after=after)
    folded = fold_child_plan(child.id, records)
    return [g for g in folded.goals if g.id in {m.id for m in mine} and g.open_review is not None]


def _waiting_for_agreement(store, plan, me, child) -> list:
    """Proposed goals this person may agree to and has not agreed to yet: they stay on Start
    until the person acts, however often they come back."""
    waiting = []
    for goal in plan.goals:
        if goal.current.status is not GoalStatus.PROPOSED or not may_agree_now(me, child, goal.current.life_domain):
            continue
        agreed = {r.body.get("person_id") for r in store.history(current_user.family_id, ["goal_agreement"],
                                                                  subject=child.id, about=goal.id)
                  if r.body.get("version") == goal.current.version}
        if current_user.person_id not in agreed:
            waiting.append(goal)
    return waiting


@hub_bp.get("/")
def root():
    """Signed in: workplace. Otherwise: sign in."""
    return redirect(url_for("home.workplace" if current_user.is_authenticated else "auth.login"))


@hub_bp.get("/werkplek")
@professional_required
def workplace():
    """The professional's start page on the hub: the children whose families share with my organisation."""
    from webapp.workplace.views import caseload_page

    return caseload_page()
