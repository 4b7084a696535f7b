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
    by: str = ""    # who: one name, or the names of everyone who commented ("Karin, Tom")
    count: int = 1  # comments and feedback are grouped per goal: how many are new


def _after(clock: str, since_ms: int | None) -> bool:
    return since_ms is None or Stamp.parse(clock).physical_ms > since_ms


def changes_since(plan: ChildPlan, person_id: str, since_ms: int | None, today: date) -> list[Change]:
    """New proposals and agreements, new feedback and comments of others (one line per goal and
    kind, with how many), and afspraken due soon or overdue."""
    changes: list[Change] = []
    for goal in plan.goals:
        current = goal.current
        if current.changed_by.id != person_id and _after(current.clock, since_ms):
            if current.status is GoalStatus.PROPOSED:
                changes.append(Change("proposal", goal.id, current.title, current.changed_by.name))
            elif current.status is GoalStatus.AGREED:
                changes.append(Change("agreed", goal.id, current.title))
        for kind in ("review_note", "comment"):
            new = [c for c in goal.comments if c.author.id != person_id and _after(c.clock, since_ms)
                   and c.is_review_note == (kind == "review_note")]
            if new:
                names = list(dict.fromkeys(c.author.name for c in new))
                changes.append(Change(kind, goal.id, current.title, ", ".join(names), len(new)))
    for afspraak in plan.afspraken:
        if afspraak.status != "open" or afspraak.due is None:
            continue
        if afspraak.is_overdue(today):
            changes.append(Change("overdue", afspraak.goal, afspraak.what))
        elif afspraak.due <= today + timedelta(days=DUE_SOON_DAYS):
            changes.append(Change("due", afspraak.goal, afspraak.what))
    return changes
