"""Reading and writing a child's plan. Each change is one encrypted family record."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sync.record import new_record_id
from webapp.consent.rules import DeciderRole
from webapp.db import transaction
from webapp.people.members import find_member
from webapp.plan.model import ChildPlan, Goal, fold_child_plan
from webapp.plan.rules import Agreement, GoalStatus, agreement_status, next_status_after_agreement, transition
from webapp.records import RecordStore

ALL_COMMENTS = ""  # a clock lower than every clock: every comment
NO_COMMENTS = None


def load_child_plan(store: RecordStore, family_id: str, child_id: str,
                    comments_after: str | None = ALL_COMMENTS, goal_history: bool = True,
                    open_only: bool = False, finished_afspraken: int | None = None) -> ChildPlan:
    """The child's goals, current afspraken and evaluation moments, and the comments with a clock
    after `comments_after` (``NO_COMMENTS``: none).

    With `goal_history` each goal has all its versions and agreements; without it only its
    current version (enough for lists: title, status and who proposed an open proposal).
    Afspraken and moments are always read as their current version, never their history;
    with `open_only` finished goals and afspraken are not read at all (what is going on); with
    `finished_afspraken` only that many of the most recently finished afspraken are read."""
    if goal_history:
        records = store.history(family_id, ["goal", "goal_agreement"], subject=child_id)
    else:
        records = store.current(family_id, ["goal"], subject=child_id, unfinished=open_only)
    not_read = 0
    if finished_afspraken is None:
        records += store.current(family_id, ["agreement_item"], subject=child_id, unfinished=open_only)
    else:
        records += store.current(family_id, ["agreement_item"], subject=child_id, unfinished=True)
        finished = store.latest_finished(family_id, "agreement_item", child_id, finished_afspraken)
        records += finished
        not_read = store.count_finished(family_id, "agreement_item", child_id) - len(finished)
    records += store.current(family_id, ["evaluation_moment"], subject=child_id)
    if comments_after is not None:
        records += store.history(family_id, ["comment", "review_note"], subject=child_id, after=comments_after)
    plan = fold_child_plan(child_id, records)
    plan.finished_afspraken_not_read = not_read
    return plan


def load_goal_page(store: RecordStore, family_id: str, child_id: str, goal_id: str) -> ChildPlan:
    """One goal with all its versions, agreements and comments, and the child's other goals as
    they stand (for choices such as linking an afspraak)."""
    records = store.current(family_id, ["goal"], subject=child_id)
    records = [r for r in records if r.item != goal_id]
    records += [r for r in store.versions(family_id, goal_id) if r.kind == "goal"]
    records += store.history(family_id, ["goal_agreement", "comment", "review_note"], subject=child_id, about=goal_id)
    records += store.current(family_id, ["agreement_item", "evaluation_moment"], subject=child_id)
    return fold_child_plan(child_id, records)


class PlanWriter:
    """Writes plan changes for one family on behalf of one author."""

    def __init__(self, store: RecordStore, family_id: str, author: dict[str, str]):
        self.store, self.db, self.family_id = store, store.db, family_id
        self.author = author  # {"side": "family"|"professional", "id": …, "name": …}

    def _add(self, kind: str, child_id: str, body: dict[str, Any], record_id: str | None = None):
        return self.store.write(family_id=self.family_id, kind=kind, author=self.author["id"], subject=child_id,
                                body=body, record_id=record_id)

    def propose_goal(self, child_id: str, *, life_domain: str, title: str, strengths: str,
                     gas: list[str] | None, record_id: str | None = None) -> str:
        """A new goal, status voorgesteld; the record id is the goal's id (idempotent on replay)."""
        record_id = record_id or new_record_id()
        self._add("goal", child_id, {
            "item": record_id, "version": 1, "status": GoalStatus.PROPOSED.value,
            "life_domain": life_domain, "title": title, "strengths": strengths, "gas": gas, "by": self.author,
        }, record_id=record_id)
        return record_id

    def _goal_record(self, goal: Goal, record_id: str | None = None, **changes: Any) -> None:
        current = goal.current
        body = {"item": goal.id, "version": current.version, "status": current.status.value,
                "life_domain": current.life_domain, "title": current.title, "strengths": current.strengths,
                "gas": list(current.gas) if current.gas else None, "by": self.author}
        body.update(changes)
        self._add("goal", goal.child, body, record_id=record_id)

    def agree(self, goal: Goal, *, role: str | None, side: str, today: date, child_birth: date) -> GoalStatus:
        """Record agreement with the current version; the goal becomes afgesproken once both sides agreed."""
        # One agreement per person and version: its id follows from them, so a resent form is one record.
        agreement_id = str(uuid.uuid5(uuid.NAMESPACE_URL,
                                      f"onsplan:agreement:{goal.id}:{goal.current.version}:{self.author['id']}"))
        with transaction(self.db):
            self._add("goal_agreement", goal.child, {
                "goal": goal.id, "version": goal.current.version, "side": side, "role": role,
                "person_id": self.author["id"], "name": self.author["name"], "agreed_on": today.isoformat()},
                record_id=agreement_id)
            refreshed = load_goal_page(self.store, self.family_id, goal.child, goal.id).goal(goal.id)
            state = agreement_status(refreshed.current.version, refreshed.current.life_domain, child_birth, today,
                                     [a.agreement for a in refreshed.agreements])
            status = next_status_after_agreement(refreshed.current.status, state)
            if status is not refreshed.current.status:
                self._goal_record(refreshed, status=status.value)
        return status

    def change_status(self, goal: Goal, target: GoalStatus, record_id: str | None = None) -> None:
        """Move the goal along its lifecycle; raises TransitionRefused for a step that is not allowed.
        The record takes the form's id, so a resent form is one change."""
        transition(goal.current.status, target)
        self._goal_record(goal, record_id=record_id, status=target.value)

    def undo_stop(self, goal: Goal, back_to) -> None:
        """Take back a stop: the goal gets the status it had before, naming the stop it undoes (one
        record per stop, so a resent form changes nothing)."""
        self._add("goal", goal.child, {
            "item": goal.id, "version": back_to.version, "status": back_to.status.value,
            "life_domain": back_to.life_domain, "title": back_to.title, "strengths": back_to.strengths,
            "gas": list(back_to.gas) if back_to.gas else None, "by": self.author, "undoes": goal.current.record_id,
        }, record_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"onsplan:undo-stop:{goal.current.record_id}")))

    def agree_to_outcome(self, goal: Goal, review, steps, *, role: str, today: date, child_birth: date,
                         record_id: str | None = None):
        """One family decider says yes to a review outcome. Like any goal change, it is carried out
        once everyone who decides about this goal (by the child's age and the goal's domain) said
        yes; the regisseur who proposed it agrees by proposing. Returns the agreement state."""
        version = goal.current.version
        mine = Agreement(person_id=self.author["id"], side="family", role=DeciderRole(role), agreed_on=today,
                         version=version)
        proposer = Agreement(person_id=review.author.id, side="regisseur", role=None, agreed_on=today,
                             version=version)
        state = agreement_status(version, goal.current.life_domain, child_birth, today,
                                 [*(a.agreement for a in goal.agreed_to_outcome(review)), mine, proposer])
        with transaction(self.db):
            # Who is still awaited travels with the yes, so the hub (which knows no birth dates) can say it.
            self._add("goal_agreement", goal.child, {
                "goal": goal.id, "version": version, "side": "family", "role": role,
                "person_id": self.author["id"], "name": self.author["name"], "agreed_on": today.isoformat(),
                "outcome_of": review.record_id, "waiting_for": sorted(state.missing)}, record_id=record_id)
            if state.complete:
                refreshed = load_goal_page(self.store, self.family_id, goal.child, goal.id).goal(goal.id)
                self.accept_outcome(refreshed, review.record_id, steps)
        return state

    def accept_outcome(self, goal: Goal, review_id: str, steps, record_id: str | None = None) -> None:
        """Carry out a review outcome the family agrees with: the goal's status steps, each naming the
        review, in one transaction (the first record takes the form's id, so a resend is one change)."""
        with transaction(self.db):
            for index, status in enumerate(steps):
                current = goal.current
                self._add("goal", goal.child, {
                    "item": goal.id, "version": current.version, "status": status.value,
                    "life_domain": current.life_domain, "title": current.title, "strengths": current.strengths,
                    "gas": list(current.gas) if current.gas else None, "by": self.author, "outcome_of": review_id,
                }, record_id=record_id if index == 0 else None)

    def decline_outcome(self, child_id: str, *, goal_id: str, review_id: str, text: str, by_youth: bool,
                        record_id: str | None = None) -> None:
        """The family does not agree with a review outcome: a comment that answers it."""
        self._add("comment", child_id, {"goal": goal_id, "text": text, "by_youth": by_youth, "question": True,
                                        "reply_to": review_id, "by": self.author}, record_id=record_id)

    def revise(self, goal: Goal, *, life_domain: str, title: str, strengths: str, gas: list[str] | None,
               record_id: str | None = None) -> None:
        """A changed goal: the current version ends as bijgesteld, a new version is proposed for agreement
        (the new version takes the form's id, so a resent form is one change)."""
        with transaction(self.db):
            if goal.current.status is GoalStatus.ACTIVE:
                self._goal_record(goal, status=GoalStatus.ADJUSTED.value)
            self._goal_record(goal, record_id=record_id, version=goal.current.version + 1,
                              status=GoalStatus.PROPOSED.value, life_domain=life_domain, title=title,
                              strengths=strengths, gas=gas)

    def comment(self, child_id: str, *, goal_id: str | None, text: str, by_youth: bool, question: bool,
                record_id: str | None = None) -> None:
        """A comment (or a question about a proposal) shown with its author's name."""
        self._add("comment", child_id, {"goal": goal_id, "text": text, "by_youth": by_youth,
                                        "question": question, "by": self.author}, record_id=record_id)

    def review_note(self, child_id: str, *, goal_id: str | None, text: str) -> None:
        """Terugkoppeling from a professional: kept beside the goal, never changing it."""
        self._add("review_note", child_id, {"goal": goal_id, "text": text, "by": self.author})

    def add_afspraak(self, child_id: str, *, goal_id: str | None, who: dict[str, str], what: str,
                     due: date | None, record_id: str | None = None) -> str:
        """A new afspraak: who does what, by when."""
        record_id = record_id or new_record_id()
        self._add("agreement_item", child_id, {
            "item": record_id, "goal": goal_id, "who": who, "what": what,
            "due": due.isoformat() if due else None, "status": "open", "by": self.author}, record_id=record_id)
        return record_id

    def change_afspraak_status(self, child_id: str, afspraak, status: str, record_id: str | None = None) -> None:
        """Mark an afspraak done, cancelled or open again (a new record; the old one is history). The
        status it has already (a form sent twice, a replay from the outbox) writes nothing."""
        if afspraak.status == status:
            return
        self._add("agreement_item", child_id, {
            "item": afspraak.id, "goal": afspraak.goal,
            "who": {"kind": afspraak.who_kind, "id": afspraak.who_id, "label": afspraak.who_label},
            "what": afspraak.what, "due": afspraak.due.isoformat() if afspraak.due else None,
            "status": status, "by": self.author}, record_id=record_id)


def settle_after_arrival(store: RecordStore, record, today: date) -> None:
    """A regisseur's agreement that arrived from the hub can make a goal afgesproken. The family
    space writes that status change itself (as the family's record, author the family), so a
    professional never writes a version of a family's goal."""
    if record.kind != "goal_agreement" or not isinstance(record.body.get("goal"), str):
        return
    plan = load_goal_page(store, record.family_id, record.subject, record.body["goal"])
    goal = plan.goal(record.body["goal"])
    child = find_member(store, record.family_id, record.subject)
    if goal is None or child is None or child.birth_date is None:
        return
    state = agreement_status(goal.current.version, goal.current.life_domain, child.birth_date, today,
                             [a.agreement for a in goal.agreements])
    status = next_status_after_agreement(goal.current.status, state)
    if status is not goal.current.status:
        by = {"side": "professional", "id": record.author, "name": str(record.body.get("name", ""))}
        PlanWriter(store, record.family_id, {"side": "family", "id": record.family_id, "name": ""})._goal_record(
            goal, status=status.value, by=by)

