"""Words the family sees for statuses and life domains (translated)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.plan.rules import GoalStatus

LIFE_DOMAIN_LABELS = {
    "school": _l("School and learning"),
    "home": _l("Home and parenting"),
    "health": _l("Health and well-being"),
    "leisure": _l("Free time and friends"),
    "safety": _l("Safety"),
    "work_money_housing": _l("Work, money and housing"),
}

GOAL_STATUS_LABELS = {
    GoalStatus.PROPOSED: _l("Proposed"),
    GoalStatus.AGREED: _l("Agreed"),
    GoalStatus.ACTIVE: _l("In progress"),
    GoalStatus.REACHED: _l("Reached"),
    GoalStatus.ADJUSTED: _l("Adjusted"),
    GoalStatus.STOPPED: _l("Stopped"),
}

# What a status button says, for the steps a family member may take.
GOAL_STATUS_ACTIONS = {
    GoalStatus.ACTIVE: _l("We have started"),
    GoalStatus.REACHED: _l("Goal reached"),
    GoalStatus.STOPPED: _l("Stop this goal"),
}

AFSPRAAK_STATUS_LABELS = {"open": _l("To do"), "done": _l("Done"), "cancelled": _l("Cancelled")}

GAS_LEVEL_LABELS = {
    -2: _l("-2: much less than expected"),
    -1: _l("-1: less than expected"),
    0: _l("0: the expected result"),
    1: _l("+1: more than expected"),
    2: _l("+2: much more than expected"),
}

MISSING_LABELS = {"parent": _l("a parent"), "youth": _l("the youth"), "regisseur": _l("the regisseur")}

# The outcome of the joint review of a goal at an evaluation moment.
REVIEW_OUTCOME_LABELS = {"continue": _l("Continue"), "adjust": _l("Adjust"), "reached": _l("Reached"),
                         "stop": _l("Stop")}

