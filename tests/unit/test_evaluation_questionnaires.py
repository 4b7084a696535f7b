"""Questionnaires as data: versions, questions per goal, and checking answers per question kind."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from webapp.evaluation import rules
from webapp.evaluation.answers import INVALID, MISSING, TOO_LONG, check_answers
from webapp.evaluation.questionnaires import (CHOICE, GAS, PICTURE, REGISTRY, SCALE, TEXT, TEXT_MAX_LENGTH, YES_NO,
                                              GoalInScope, Option, Question, Questionnaire, Registry,
                                              UnknownQuestionnaire, ask, goal_key)
from webapp.evaluation.responses import ResponseVersion
from webapp.evaluation.results import asked_in

SCHOOL = GoalInScope("g-school", "Op tijd op school", ("altijd te laat", "vaak te laat", "soms", "zelden", "nooit"))
SLEEP = GoalInScope("g-sleep", "Voor 23.00 uur slapen")


def _complete_regular_answers(goals=(SCHOOL, SLEEP)) -> dict[str, str]:
    raw = {"problems_smaller": "bit_smaller", "own_strength": "3", "heard": "4", "information": "4", "fit": "2",
           "knows_regisseur": "yes"}
    for goal in goals:
        raw[goal_key("progress", goal.id)] = "0" if goal.gas else "3"
    return raw


def test_the_standard_questionnaires_exist_for_regular_picture_and_closing():
    for questionnaire_id in (rules.REGULAR, rules.PICTURE, rules.CLOSING):
        questionnaire = REGISTRY.current(questionnaire_id)
        assert questionnaire.questions and str(questionnaire.title)
        assert all(str(q.text) for q in questionnaire.questions)


def test_the_regular_questionnaire_covers_the_measures_of_the_domain():
    keys = {q.key for q in REGISTRY.current(rules.REGULAR).questions}
    assert {"progress", "problems_smaller", "own_strength", "heard", "information", "fit", "knows_regisseur",
            "went_well", "change"} <= keys


def test_the_picture_version_is_short_and_uses_only_faces_and_one_open_question():
    questions = REGISTRY.current(rules.PICTURE).questions
    assert len(questions) <= 6
    assert {q.kind for q in questions} == {PICTURE, TEXT}
    assert all(len(q.options) == 3 and all(o.face for o in q.options) for q in questions if q.kind == PICTURE)


def test_a_goal_with_five_levels_is_asked_as_gas_and_a_goal_without_on_the_simple_scale():
    asked = ask(REGISTRY.current(rules.REGULAR), [SCHOOL, SLEEP])
    school, sleep = asked[0], asked[1]
    assert school.key == "progress:g-school" and school.kind == GAS and school.goal == SCHOOL
    assert [o.value for o in school.options] == [-2, -1, 0, 1, 2]
    assert [o.description for o in school.options] == list(SCHOOL.gas)
    assert sleep.kind == SCALE and [o.value for o in sleep.options] == [1, 2, 3, 4, 5]


def test_questions_per_goal_come_once_per_goal_in_scope():
    asked = ask(REGISTRY.current(rules.PICTURE), [SCHOOL, SLEEP])
    assert [q.key for q in asked if q.goal] == ["progress:g-school", "progress:g-sleep"]
    assert ask(REGISTRY.current(rules.PICTURE), [])[0].key == "help"


def test_the_newest_version_takes_answers_and_every_version_stays_available():
    v1 = Questionnaire("q", 1, "Q", "", (Question("a", YES_NO, "A?", options=(Option("yes", "Yes"),)),))
    v2 = replace(v1, version=2)
    registry = Registry((v1,)).with_version(v2)
    assert registry.current("q") is v2
    assert registry.get("q", 1) is v1
    with pytest.raises(ValueError):
        registry.with_version(v2)
    with pytest.raises(UnknownQuestionnaire):
        registry.get("q", 3)
    with pytest.raises(UnknownQuestionnaire):
        registry.current("nope")


def test_a_questionnaire_refuses_bad_definitions():
    with pytest.raises(ValueError):
        Question("a", "slider", "?")
    with pytest.raises(ValueError):
        Question("a", PICTURE, "?", options=(Option(1, "x"), Option(2, "y")))
    with pytest.raises(ValueError):
        Question("a:b", TEXT, "?")
    with pytest.raises(ValueError):
        Questionnaire("q", 1, "Q", "", (Question("a", TEXT, "?"), Question("a", TEXT, "?")))


def _stored(questionnaire: Questionnaire, answers: dict, goals=(SCHOOL, SLEEP)) -> ResponseVersion:
    return ResponseVersion(record_id="r1", clock="0000000001000-000000-n", author="mum", author_name="Mum",
                           item="m:parent:mum", moment="m", respondent=rules.PARENT, questionnaire=questionnaire.id,
                           questionnaire_version=questionnaire.version, version=1, status=rules.SUBMITTED,
                           answers=answers, goals=tuple(goals), shared_with_parents=False)


def test_an_old_answer_still_renders_with_its_own_version_after_the_questionnaire_changed():
    v1 = REGISTRY.current(rules.REGULAR)
    old = _stored(v1, check_answers(ask(v1, [SCHOOL, SLEEP]), _complete_regular_answers(), complete=True).answers)
    # Version 2 drops the regisseur question and asks something new.
    v2 = replace(v1, version=v1.version + 1, questions=tuple(q for q in v1.questions if q.key != "knows_regisseur")
                 + (Question("school_talk", YES_NO, "Did school talk with you?", options=(Option("yes", "Yes"),)),))
    changed = REGISTRY.with_version(v2)
    assert changed.current(rules.REGULAR) is v2
    asked = asked_in(old, changed)
    assert "knows_regisseur" in [q.key for q in asked] and "school_talk" not in [q.key for q in asked]
    regisseur = next(q for q in asked if q.key == "knows_regisseur")
    assert str(regisseur.option(old.answers["knows_regisseur"]).label) == "Yes"
    # The old answers still check out against their own version, not against the new one.
    assert check_answers(asked, {k: str(v) for k, v in old.answers.items()}, complete=True).ok
    against_new = check_answers(ask(v2, [SCHOOL, SLEEP]), {k: str(v) for k, v in old.answers.items()}, complete=True)
    assert against_new.errors == {"school_talk": MISSING}


def test_an_answer_to_a_version_that_does_not_exist_cannot_be_rendered():
    with pytest.raises(UnknownQuestionnaire):
        asked_in(replace(_stored(REGISTRY.current(rules.REGULAR), {}), questionnaire_version=99), REGISTRY)


@pytest.mark.parametrize("kind, options, value, expected", [
    (SCALE, (1, 2, 3, 4, 5), "4", 4),
    (GAS, None, "-2", -2),
    (YES_NO, ("yes", "no"), "no", "no"),
    (CHOICE, ("same", "bigger"), "bigger", "bigger"),
    (PICTURE, (1, 2, 3), "3", 3),
    (TEXT, None, "  Het ging goed.  ", "Het ging goed."),
])
def test_a_fitting_answer_is_parsed_to_its_value(kind, options, value, expected):
    question = _question(kind, options)
    checked = check_answers(ask(_one(question), [SCHOOL]), {_key(question): value}, complete=True)
    assert checked.ok and checked.answers == {_key(question): expected}


@pytest.mark.parametrize("kind, options, value, error", [
    (SCALE, (1, 2, 3, 4, 5), "7", INVALID),       # out of range
    (SCALE, (1, 2, 3, 4, 5), "2.5", INVALID),
    (GAS, None, "3", INVALID),                    # GAS is -2 … +2
    (YES_NO, ("yes", "no"), "maybe", INVALID),
    (CHOICE, ("same", "bigger"), "smaller", INVALID),
    (PICTURE, (1, 2, 3), "4", INVALID),           # a 3-point picture scale
    (TEXT, None, "x" * (TEXT_MAX_LENGTH + 1), TOO_LONG),
    (SCALE, (1, 2, 3, 4, 5), "", MISSING),
    (TEXT, None, "   ", MISSING),
])
def test_an_answer_that_does_not_fit_gets_an_error_and_is_kept_for_the_form(kind, options, value, error):
    question = _question(kind, options, required=True)
    checked = check_answers(ask(_one(question), [SCHOOL]), {_key(question): value}, complete=True)
    assert checked.errors == {_key(question): error}
    assert checked.answers == {}
    assert checked.kept.get(_key(question), "") == value.strip()


def test_a_draft_may_leave_required_questions_open_but_not_give_impossible_answers():
    asked = ask(REGISTRY.current(rules.REGULAR), [SCHOOL, SLEEP])
    assert check_answers(asked, {"heard": "4"}, complete=False).ok
    assert check_answers(asked, {"heard": "9"}, complete=False).errors == {"heard": INVALID}
    submitted = check_answers(asked, {"heard": "4"}, complete=True)
    assert MISSING in submitted.errors.values() and "heard" not in submitted.errors


def test_open_questions_are_optional_when_submitting():
    asked = ask(REGISTRY.current(rules.REGULAR), [SCHOOL, SLEEP])
    checked = check_answers(asked, _complete_regular_answers(), complete=True)
    assert checked.ok and "went_well" not in checked.answers


def _question(kind, options, required=True) -> Question:
    opts = tuple(Option(v, str(v), face="happy" if kind == PICTURE else None) for v in options or ())
    if kind == GAS:
        return Question("progress", GAS, "How far?", per_goal=True, required=required,
                        fallback=tuple(Option(v, str(v)) for v in (1, 2, 3, 4, 5)))
    return Question("q", kind, "Question?", options=opts, required=required)


def _one(question: Question) -> Questionnaire:
    return Questionnaire("test", 1, "Test", "", (question,))


def _key(question: Question) -> str:
    return goal_key(question.key, SCHOOL.id) if question.per_goal else question.key


def test_a_moment_reviews_its_own_goals_or_else_the_agreed_goals_and_those_in_progress():
    from sync.record import Record
    from webapp.evaluation.questionnaires import goals_in_scope
    from webapp.plan.model import EvaluationMoment, fold_child_plan

    def goal(item, status, ms, gas=None):
        return Record(id=item, family_id="f", kind="goal", author="mum", clock=f"{ms:013d}-000000-n", subject="c",
                      body={"item": item, "version": 1, "status": status, "life_domain": "school",
                            "title": item.title(), "gas": gas})

    plan = fold_child_plan("c", [goal("proposed", "proposed", 1), goal("active", "active", 2, list("abcde")),
                                 goal("agreed", "agreed", 3), goal("reached", "reached", 4)])
    every = EvaluationMoment(id="m", child="c", on=date(2026, 12, 3), title="", goals=(), participants=())
    assert sorted(g.id for g in goals_in_scope(plan, every)) == ["active", "agreed"]
    named = replace(every, goals=("proposed", "gone"))
    assert [(g.id, g.title) for g in goals_in_scope(plan, named)] == [("proposed", "Proposed")]
    assert next(g for g in goals_in_scope(plan, every) if g.id == "active").gas == tuple("abcde")


def test_a_picture_scale_may_have_five_faces():
    faces = tuple(Option(i + 1, name, face=name) for i, name in
                  enumerate(("very_sad", "sad", "neutral", "happy", "very_happy")))
    question = Question("mood", PICTURE, "How do you feel?", options=faces)
    asked = ask(_one(question), [])
    assert check_answers(asked, {"mood": "5"}, complete=True).answers == {"mood": 5}
    assert check_answers(asked, {"mood": "6"}, complete=True).errors == {"mood": INVALID}
