"""A child's plan as it stands, built from the family's records (pure: no Flask, no SQL).

Every change is its own record; the current state of a goal or afspraak is the version that
``sync.record.supersedes`` picks (clock, then author id), all earlier records are its history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sync.record import Record, current_versions, order_key
from webapp.consent.rules import DeciderRole
from webapp.plan.rules import Agreement, GoalStatus, LIFE_DOMAINS, outcome_steps

REVIEW_OUTCOMES = ("continue", "adjust", "reached", "stop")
GOAL_KINDS = ("goal", "goal_agreement", "comment", "review_note", "agreement_item", "evaluation_moment")
AFSPRAAK_STATUSES = ("open", "done", "cancelled")


@dataclass(frozen=True)
class Proposer:
    """Who proposed or changed something: a family member or a professional."""

    side: str  # "family" or "professional"
    id: str    # person id, or organisation id for a professional
    name: str

    @classmethod
    def from_body(cls, body: dict | None) -> "Proposer":
        body = body or {}
        return cls(side=body.get("side", "family"), id=body.get("id", ""), name=body.get("name", ""))


@dataclass(frozen=True)
class GoalVersion:
    """One record of a goal: its content at a version and its status at that moment."""

    record_id: str
    clock: str
    version: int
    status: GoalStatus
    title: str
    strengths: str
    life_domain: str
    gas: tuple[str, ...] | None  # five descriptions for levels -2 … +2
    changed_by: Proposer
    outcome_of: str | None = None  # the review outcome this status change carried out
    undoes: str | None = None      # the stop (a record id) this version takes back


@dataclass(frozen=True)
class AgreementRecord:
    record_id: str
    clock: str
    name: str
    agreement: Agreement
    outcome_of: str | None = None  # a yes to a review outcome, not to a goal version
    waiting_for: tuple[str, ...] = ()  # with a yes to an outcome: who was still awaited after it


@dataclass(frozen=True)
class Comment:
    record_id: str
    clock: str
    goal: str | None
    text: str
    author: Proposer
    by_youth: bool
    is_question: bool
    is_review_note: bool
    outcome: str | None = None  # a review at an evaluation moment: continue, adjust, reached or stop
    reply_to: str | None = None  # the review outcome this comment answers (the family does not agree)


@dataclass
class Goal:
    """A goal (doel) with all its versions, agreements and comments."""

    id: str
    child: str
    versions: list[GoalVersion] = field(default_factory=list)
    agreements: list[AgreementRecord] = field(default_factory=list)
    outcome_agreements: list[AgreementRecord] = field(default_factory=list)  # yeses to review outcomes
    comments: list[Comment] = field(default_factory=list)

    @property
    def current(self) -> GoalVersion:
        return self.versions[-1]

    @property
    def proposed_by(self) -> Proposer:
        version = self.current.version
        return next(v.changed_by for v in self.versions if v.version == version)

    @property
    def open_review(self) -> Comment | None:
        """The newest review outcome of an evaluation moment that waits for the family: made after the
        goal's current version, not answered with a "no", and still changing the goal."""
        reviews = [c for c in self.comments if c.outcome and c.clock > self.current.clock]
        if not reviews:
            return None
        review = max(reviews, key=lambda c: c.clock)
        if any(c.reply_to == review.record_id for c in self.comments):
            return None
        return review if outcome_steps(review.outcome or "", self.current.status) is not None else None

    def stop_to_undo(self, side: str) -> GoalVersion | None:
        """The version to go back to when `side` ("family" or "professional") takes back its own stop:
        only a stop that one side made on its own (not a review outcome both agreed to), while
        nobody of the other side wrote about this goal after it. None when it cannot be undone."""
        stop = self.current
        if stop.status is not GoalStatus.STOPPED or stop.outcome_of or stop.changed_by.side != side \
                or len(self.versions) < 2 or self.versions[-2].status is GoalStatus.STOPPED:
            return None
        other_agreed = "regisseur" if side == "family" else "family"
        if any(c.clock > stop.clock and c.author.side != side for c in self.comments) or any(
                a.clock > stop.clock and a.agreement.side == other_agreed for a in self.agreements):
            return None
        return self.versions[-2]

    def agreed_to_outcome(self, review: Comment) -> list[AgreementRecord]:
        """Who in the family said yes to this review outcome so far."""
        return [a for a in self.outcome_agreements if a.outcome_of == review.record_id]

    def review_answer(self, review: Comment) -> str:
        """How the family answered a review outcome: agreed, not agreed, waiting, or passed (the goal
        changed otherwise, so the outcome no longer applies)."""
        if any(v.outcome_of == review.record_id for v in self.versions):
            return "agreed"
        if any(c.reply_to == review.record_id for c in self.comments):
            return "declined"
        return "waiting" if self.open_review == review else "passed"

    def agreements_for(self, version: int | None = None) -> list[AgreementRecord]:
        version = self.current.version if version is None else version
        return [a for a in self.agreements if a.agreement.version == version]


@dataclass(frozen=True)
class Afspraak:
    """Who does what, by when — possibly for a goal."""

    id: str
    child: str
    goal: str | None
    who_kind: str  # "person" or "organisation"
    who_id: str
    who_label: str
    what: str
    due: date | None
    status: str
    clock: str

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today


@dataclass(frozen=True)
class EvaluationMoment:
    id: str
    child: str
    on: date
    title: str
    goals: tuple[str, ...]
    participants: tuple[str, ...]
    closing: bool = False  # the closing evaluation at the end of the trajectory
    closed: bool = False   # the regisseur closed it: no more answers (see webapp/evaluation/rules.py)


@dataclass
class ChildPlan:
    """Everything of one child's plan that the family sees."""

    child: str
    goals: list[Goal]
    afspraken: list[Afspraak]
    moments: list[EvaluationMoment]
    general_comments: list[Comment]
    finished_afspraken_not_read: int = 0  # finished afspraken left out when the plan was read

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    def upcoming_moments(self, today: date) -> list[EvaluationMoment]:
        return [m for m in self.moments if m.on >= today]

    def past_moments(self, today: date) -> list[EvaluationMoment]:
        return [m for m in reversed(self.moments) if m.on < today]


def _goal_version(record: Record) -> GoalVersion:
    body = record.body
    gas = body.get("gas")
    return GoalVersion(
        record_id=record.id, clock=record.clock, version=int(body.get("version", 1)),
        status=GoalStatus(body["status"]), title=body["title"], strengths=body.get("strengths", ""),
        life_domain=body["life_domain"] if body.get("life_domain") in LIFE_DOMAINS else "home",
        gas=tuple(gas) if gas else None, changed_by=Proposer.from_body(body.get("by")),
        outcome_of=body.get("outcome_of") if isinstance(body.get("outcome_of"), str) else None,
        undoes=body.get("undoes") if isinstance(body.get("undoes"), str) else None,
    )


def _comment(record: Record) -> Comment:
    body = record.body
    return Comment(
        record_id=record.id, clock=record.clock, goal=body.get("goal"), text=body["text"],
        author=Proposer.from_body(body.get("by")), by_youth=bool(body.get("by_youth")),
        is_question=bool(body.get("question")), is_review_note=record.kind == "review_note",
        outcome=body.get("outcome") if record.kind == "review_note" and body.get("outcome") in REVIEW_OUTCOMES
        else None,
        reply_to=body.get("reply_to") if isinstance(body.get("reply_to"), str) else None,
    )


def _agreement(record: Record) -> AgreementRecord:
    body = record.body
    role = DeciderRole(body["role"]) if body.get("role") else None
    return AgreementRecord(
        record_id=record.id, clock=record.clock, name=body.get("name", ""),
        agreement=Agreement(person_id=body.get("person_id", ""), side=body["side"], role=role,
                            agreed_on=date.fromisoformat(body["agreed_on"]), version=int(body["version"])),
        outcome_of=body.get("outcome_of") if isinstance(body.get("outcome_of"), str) else None,
        waiting_for=tuple(w for w in body.get("waiting_for") or () if w in ("parent", "youth")),
    )


def fold_child_plan(child_id: str, records: Iterable[Record]) -> ChildPlan:
    """Build the child's plan from the family's records of the plan kinds.

    Goals need all their versions (history and who proposed the current one); for afspraken
    and evaluation moments only the current version counts, so the caller may pass just those."""
    mine = sorted((r for r in records if r.subject == child_id), key=order_key)
    goals: dict[str, Goal] = {}
    for record in mine:
        if record.kind == "goal":
            item = record.body["item"]
            goals.setdefault(item, Goal(id=item, child=child_id)).versions.append(_goal_version(record))
    general: list[Comment] = []
    for record in mine:
        if record.kind == "goal_agreement" and record.body.get("goal") in goals:
            agreement = _agreement(record)
            goal = goals[record.body["goal"]]
            (goal.outcome_agreements if agreement.outcome_of else goal.agreements).append(agreement)
        elif record.kind in ("comment", "review_note"):
            comment = _comment(record)
            (goals[comment.goal].comments if comment.goal in goals else general).append(comment)
    afspraken = [
        Afspraak(id=item, child=child_id, goal=r.body.get("goal"), who_kind=r.body["who"]["kind"],
                 who_id=r.body["who"].get("id", ""), who_label=r.body["who"].get("label", ""),
                 what=r.body["what"], due=date.fromisoformat(r.body["due"]) if r.body.get("due") else None,
                 status=r.body.get("status", "open"), clock=r.clock)
        for item, r in current_versions(x for x in mine if x.kind == "agreement_item").items()
    ]
    moments = sorted(
        (EvaluationMoment(id=item, child=child_id, on=date.fromisoformat(r.body["date"]),
                          title=r.body.get("title", ""), goals=tuple(r.body.get("goals", ())),
                          participants=tuple(r.body.get("participants", ())),
                          closing=bool(r.body.get("closing")), closed=bool(r.body.get("closed")))
         for item, r in current_versions(x for x in mine if x.kind == "evaluation_moment").items()
         if not r.body.get("cancelled")),
        key=lambda m: m.on,
    )
    ordered_goals = sorted(goals.values(), key=lambda g: (_status_rank(g.current.status), g.versions[0].clock))
    return ChildPlan(child=child_id, goals=ordered_goals, afspraken=afspraken, moments=moments,
                     general_comments=general)


def _status_rank(status: GoalStatus) -> int:
    """Open questions first, then work in progress, then finished goals."""
    return {GoalStatus.PROPOSED: 0, GoalStatus.AGREED: 1, GoalStatus.ACTIVE: 1}.get(status, 2)


def afspraken_in_order(afspraken: Iterable[Afspraak], person_id: str, today: date) -> list[Afspraak]:
    """Mine first, then overdue, then by due date; finished ones last."""
    def key(a: Afspraak):
        return (a.status != "open", a.who_id != person_id, not a.is_overdue(today), a.due or date.max, a.what)
    return sorted(afspraken, key=key)
