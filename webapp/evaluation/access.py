"""Access to evaluations in the family space: which moment, and in which role the signed-in person answers."""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from webapp.evaluation import rules
from webapp.evaluation.questionnaires import REGISTRY, Registry
from webapp.people.access import load_child
from webapp.people.members import Person
from webapp.plan.access import today
from webapp.plan.model import ChildPlan, EvaluationMoment
from webapp.plan.queries import load_child_plan
from webapp.records import get_store

# Respondents in URLs, in the words of the interface.
SLUGS = {"ouder": rules.PARENT, "jongere": rules.YOUTH, "samen-met-kind": rules.CHILD}
SLUG_OF = {respondent: slug for slug, respondent in SLUGS.items()}


def load_plan(child_id: str) -> tuple[Person, Person | None, ChildPlan]:
    """The child, the signed-in person and the child's plan; 404 for an unknown child, 403 for a sibling."""
    child, me = load_child(child_id)
    return child, me, load_child_plan(get_store(), current_user.family_id, child.id)


def load_moment(child_id: str, moment_id: str) -> tuple[Person, Person | None, ChildPlan, EvaluationMoment]:
    """As ``load_plan``, plus the evaluation moment; 404 when the child has no such moment."""
    child, me, plan = load_plan(child_id)
    moment = next((m for m in plan.moments if m.id == moment_id), None)
    if moment is None:
        abort(404)
    return child, me, plan, moment


def my_respondents(child: Person) -> tuple[str, ...]:
    """The roles in which the signed-in person answers for this child."""
    return rules.respondents_for(current_user.role, current_user.person_id == child.id, child.age_on(today()))


def respondent_or_abort(slug: str, child: Person) -> str:
    """The respondent named in the URL; 404 for an unknown one, 403 when this person may not answer so."""
    respondent = SLUGS.get(slug)
    if respondent is None:
        abort(404)
    if respondent not in my_respondents(child):
        abort(403)
    return respondent


def is_open(moment: EvaluationMoment) -> bool:
    return rules.is_open(moment.on, moment.closed, today())


def registry() -> Registry:
    """All questionnaire versions; an app may hold its own (tests add a version this way)."""
    return current_app.extensions.get("onsplan.questionnaires", REGISTRY)
