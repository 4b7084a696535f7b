"""What changed in a child's plan since the previous visit (pure: works on a folded plan)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sync.clock import Stamp
from webapp.plan.model import ChildPlan
from webapp.plan.rules import GoalStatus

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Change:
    kind: str       # "proposal", "agreed", "review_note", "comment", "due", "overdue"
    goal_id: str | None
    text: str       # the goal title or afspraak text (shown as is)
    by: str = ""


def _after(clock: str, since_ms: int | None) -> bool:
    return since_ms is None or Stamp.parse(clock).physical_ms > since_ms


def changes_since(plan: ChildPlan, person_id: str, since_ms: int | None, today: date) -> list[Change]:
    """New proposals and agreements, new feedback and comments of others, and afspraken due soon or overdue."""
    changes: list[Change] = []
    for goal in plan.goals:
        current = goal.current
        if current.changed_by.id != person_id and _after(current.clock, since_ms):
            if current.status is GoalStatus.PROPOSED:
                changes.append(Change("proposal", goal.id, current.title, current.changed_by.name))
            elif current.status is GoalStatus.AGREED:
                changes.append(Change("agreed", goal.id, current.title))
        for comment in goal.comments:
            if comment.author.id != person_id and _after(comment.clock, since_ms):
                kind = "review_note" if comment.is_review_note else "comment"
                changes.append(Change(kind, goal.id, current.title, comment.author.name))
    for afspraak in plan.afspraken:
        if afspraak.status != "open" or afspraak.due is None:
            continue
        if afspraak.is_overdue(today):
            changes.append(Change("overdue", afspraak.goal, afspraak.what))
        elif afspraak.due <= today + timedelta(days=DUE_SOON_DAYS):
            changes.append(Change("due", afspraak.goal, afspraak.what))
    return changes
