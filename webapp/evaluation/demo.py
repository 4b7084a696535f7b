"""Demo evaluation answers: Fatima and Sam answered at Sam's two earlier evaluation moments.

Called once from ``webapp.demo`` while the demo family is made, inside its transaction, so the
results page has values over time. Sam chose to show his answers to his parents.
"""
from __future__ import annotations

from webapp.evaluation import rules
from webapp.evaluation.answers import check_answers
from webapp.evaluation.queries import save_response
from webapp.evaluation.questionnaires import REGISTRY, ask, goal_key, goals_in_scope
from webapp.evaluation.responses import response_body
from webapp.plan.queries import load_child_plan
from webapp.records import RecordStore

# Per moment (oldest first) and person: school goal GAS level, sleep goal 1–5, then the other answers.
_ANSWERS = {
    "Fatima": [
        (-2, 1, {"problems_smaller": "same", "own_strength": "2", "heard": "4", "information": "3", "fit": "2",
                 "knows_regisseur": "yes", "went_well": "Karin luistert goed naar ons.",
                 "change": "School en wijkteam mogen vaker met elkaar praten."}),
        (-1, 3, {"problems_smaller": "bit_smaller", "own_strength": "3", "heard": "4", "information": "4",
                 "fit": "3", "knows_regisseur": "yes", "went_well": "Sam is vaker op tijd."}),
    ],
    "Sam": [
        (-1, 2, {"problems_smaller": "same", "own_strength": "3", "heard": "3", "information": "2", "fit": "2",
                 "knows_regisseur": "no", "change": "Ik wil zelf meer meepraten."}),
        (0, 4, {"problems_smaller": "bit_smaller", "own_strength": "4", "heard": "4", "information": "3",
                "fit": "3", "knows_regisseur": "yes", "went_well": "Sporten helpt me om beter te slapen."}),
    ],
}


def seed_demo_evaluations(store: RecordStore, family_id: str, *,
                          fatima, sam, moment_ids: list[str], school: str, sleep: str) -> None:
    """Submitted answers of Fatima (parent) and Sam (youth, shared) at the given earlier moments."""
    plan = load_child_plan(store, family_id, sam.id)
    for index, moment_id in enumerate(moment_ids):
        moment = next(m for m in plan.moments if m.id == moment_id)
        goals = goals_in_scope(plan, moment)
        for person, respondent in ((fatima, rules.PARENT), (sam, rules.YOUTH)):
            questionnaire = REGISTRY.current(rules.questionnaire_for(respondent, moment.closing))
            school_level, sleep_step, rest = _ANSWERS[person.name.split()[0]][index]
            raw = {goal_key("progress", school): str(school_level), goal_key("progress", sleep): str(sleep_step), **rest}
            checked = check_answers(ask(questionnaire, goals), raw, complete=True)
            if not checked.ok:
                raise ValueError(f"demo answers do not fit the questionnaire: {checked.errors}")
            save_response(store, family_id=family_id, child_id=sam.id, author_id=person.id, body=response_body(
                item=rules.response_item(moment.id, respondent, person.id, sam.id), moment=moment.id,
                respondent=respondent, questionnaire=questionnaire.id, questionnaire_version=questionnaire.version,
                version=1, status=rules.SUBMITTED, answers=checked.answers, goals=goals,
                shared_with_parents=True, by={"side": "family", "id": person.id, "name": person.name},
                saved_on=moment.on))
