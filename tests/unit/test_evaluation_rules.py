"""Who answers what and when, who sees which answer, and how saves become versions."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from sync.record import Record
from webapp.evaluation import rules
from webapp.evaluation.responses import fold_responses, response_body

ON = date(2026, 12, 3)
CHILD = "sam"


@pytest.mark.parametrize("days_from_moment, closed, is_open", [
    (-15, False, False),   # too early
    (-14, False, True),    # opens two weeks before
    (0, False, True),
    (28, False, True),     # and stays open four weeks after
    (29, False, False),
    (0, True, False),      # unless the regisseur closed it
])
def test_a_moment_is_open_from_two_weeks_before_until_four_weeks_after_unless_closed(days_from_moment, closed, is_open):
    assert rules.is_open(ON, closed, ON + timedelta(days=days_from_moment)) is is_open


@pytest.mark.parametrize("role, is_the_child, age, respondents", [
    ("parent", False, 9, ("parent", "child")),   # a parent also answers with a young child, in pictures
    ("parent", False, 11, ("parent", "child")),
    ("parent", False, 12, ("parent",)),          # from 12 the youth answers alone
    ("parent", False, None, ("parent",)),
    ("youth", True, 14, ("youth",)),
    ("youth", False, 17, ()),                    # never for a sibling
    ("professional", False, 14, ()),
])
def test_who_answers_in_which_role(role, is_the_child, age, respondents):
    assert rules.respondents_for(role, is_the_child, age) == respondents


def test_the_questionnaire_follows_the_respondent_and_the_kind_of_moment():
    assert rules.questionnaire_for(rules.CHILD, closing=True) == rules.PICTURE
    assert rules.questionnaire_for(rules.PARENT, closing=False) == rules.REGULAR
    assert rules.questionnaire_for(rules.YOUTH, closing=True) == rules.YOUTH_CLOSING
    assert rules.questionnaire_for(rules.YOUTH, closing=False) == rules.YOUTH_REGULAR


def test_each_parent_answers_separately_but_the_picture_version_is_one_per_child():
    assert rules.response_item("m", rules.PARENT, "mum", CHILD) != rules.response_item("m", rules.PARENT, "dad", CHILD)
    assert rules.response_item("m", rules.CHILD, "mum", CHILD) == rules.response_item("m", rules.CHILD, "dad", CHILD)


@pytest.mark.parametrize("version, status, expected", [
    (None, None, 1),
    (1, rules.DRAFT, 1),          # a draft is saved over until it is sent
    (1, rules.SUBMITTED, 2),      # after sending, a change is a new version
    (2, rules.DRAFT, 2),
])
def test_the_version_a_save_writes(version, status, expected):
    assert rules.editable_version(version, status) == expected


@pytest.mark.parametrize("respondent, owner, shared, viewer, role, drafts, submitted", [
    (rules.YOUTH, "sam", False, "sam", "youth", True, True),      # the youth sees all of their own
    (rules.YOUTH, "sam", False, "mum", "parent", False, False),   # not shared: parents see nothing
    (rules.YOUTH, "sam", True, "mum", "parent", False, True),     # shared: the sent answers, never drafts
    (rules.PARENT, "mum", False, "dad", "parent", False, True),   # parents see each other's sent answers
    (rules.PARENT, "mum", False, "sam", "youth", False, True),    # and so does the youth whose plan it is
    (rules.PARENT, "mum", False, "mum", "parent", True, True),
    (rules.CHILD, "lotte", False, "dad", "parent", True, True),   # every parent helps with the picture version
])
def test_who_sees_drafts_and_sent_answers(respondent, owner, shared, viewer, role, drafts, submitted):
    assert rules.sees_drafts(respondent, owner, viewer, role) is drafts
    assert rules.sees_submitted(respondent, owner, shared, viewer, role) is submitted


def _record(record_id, ms, *, author="sam", version=1, status=rules.DRAFT, shared=False, respondent=rules.YOUTH):
    body = response_body(item=rules.response_item("m", respondent, author, CHILD), moment="m", respondent=respondent,
                         questionnaire="regular", questionnaire_version=1, version=version, status=status,
                         answers={"heard": ms % 5 + 1}, goals=[], shared_with_parents=shared,
                         by={"side": "family", "id": author, "name": author.title()}, saved_on=ON)
    return Record(id=record_id, family_id="f", kind="evaluation_response", author=author,
                  clock=f"{ms:013d}-000000-n", subject=CHILD, body=body)


def test_saves_fold_into_one_answer_with_its_versions_in_clock_order():
    records = [_record("r3", 3000, version=2), _record("r1", 1000), _record("r2", 2000, status=rules.SUBMITTED),
               _record("x", 1500, author="mum", respondent=rules.PARENT)]
    youth = next(r for r in fold_responses(CHILD, records) if r.respondent == rules.YOUTH)
    assert [v.record_id for v in youth.versions] == ["r1", "r2", "r3"]
    assert youth.current.record_id == "r3" and youth.submitted.record_id == "r2"
    assert youth.editable_version() == 2  # the open draft of version 2
    assert [v.version for v in youth.submitted_versions] == [1]


def test_a_youths_answer_is_hidden_from_parents_until_shared_and_drafts_stay_hidden():
    unshared = fold_responses(CHILD, [_record("r1", 1000, status=rules.SUBMITTED)])[0]
    assert unshared.visible_versions("mum", "parent") == [] and unshared.visible_submitted("mum", "parent") is None
    shared = fold_responses(CHILD, [_record("r1", 1000, status=rules.SUBMITTED), _record("r2", 2000, version=2),
                                    _record("r3", 3000, version=2, shared=True)])[0]
    assert [v.record_id for v in shared.visible_versions("mum", "parent")] == ["r1"]
    assert shared.visible_submitted("mum", "parent").record_id == "r1"
    assert len(shared.visible_versions("sam", "youth")) == 3


def test_records_about_another_child_are_not_folded_in():
    other = _record("r9", 1000)
    other = Record(**{**other.__dict__, "subject": "noor"})
    assert fold_responses(CHILD, [other]) == []


def test_changing_who_may_see_an_answer_keeps_the_record_that_sent_it():
    sent = _record("r1", 1000, status=rules.SUBMITTED)
    shared = _record("r2", 2000, status=rules.SUBMITTED, shared=True)  # the youth now shows it to parents
    [response] = fold_responses(CHILD, [sent, shared])
    assert response.shared is True
    assert [v.record_id for v in response.submitted_versions] == ["r1"]
    assert response.visible_submitted("mum", "parent").record_id == "r1"
