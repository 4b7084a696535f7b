"""Folding plan records into the plan a family sees; what is new since the last visit."""
from __future__ import annotations

from datetime import date, timedelta

from sync.record import Record
from webapp.plan.changes import changes_since
from webapp.plan.model import afspraken_in_order, fold_child_plan
from webapp.plan.rules import GoalStatus

TODAY = date(2026, 11, 23)
FAMILY, CHILD = "fam", "child-1"
MUM = {"side": "family", "id": "mum", "name": "Mum"}
PRO = {"side": "professional", "id": "org", "name": "Karin"}


def rec(record_id, kind, clock_ms, body, author="mum", subject=CHILD):
    return Record(id=record_id, family_id=FAMILY, kind=kind, author=author,
                  clock=f"{clock_ms:013d}-000000-n", subject=subject, body=body)


def goal(record_id, item, clock_ms, status="proposed", version=1, title="Read", by=MUM):
    return rec(record_id, "goal", clock_ms, {"item": item, "version": version, "status": status,
                                             "life_domain": "school", "title": title, "by": by})


def test_latest_record_of_a_goal_is_its_state_and_earlier_ones_its_history():
    plan = fold_child_plan(CHILD, [goal("r2", "g", 2000, "agreed"), goal("r1", "g", 1000, "proposed")])
    assert plan.goal("g").current.status is GoalStatus.AGREED
    assert [v.record_id for v in plan.goal("g").versions] == ["r1", "r2"]


def test_records_of_a_sibling_are_not_part_of_the_plan():
    plan = fold_child_plan(CHILD, [goal("r1", "g", 1000), rec("r9", "goal", 900, goal("x", "h", 0).body, subject="child-2")])
    assert [g.id for g in plan.goals] == ["g"]


def test_agreements_attach_to_their_goal_and_version():
    agreement = rec("a1", "goal_agreement", 1500, {"goal": "g", "version": 1, "side": "family", "role": "parent",
                                                   "person_id": "mum", "name": "Mum", "agreed_on": "2026-11-01"})
    plan = fold_child_plan(CHILD, [goal("r1", "g", 1000), agreement, goal("r2", "g", 2000, "proposed", version=2)])
    assert plan.goal("g").agreements_for(1)[0].name == "Mum"
    assert plan.goal("g").agreements_for() == []  # the current version is 2


def test_proposals_come_first_and_finished_goals_last():
    plan = fold_child_plan(CHILD, [goal("a", "done", 1000, "reached"), goal("b", "busy", 1100, "active"),
                                   goal("c", "new", 1200, "proposed")])
    assert [g.id for g in plan.goals] == ["new", "busy", "done"]


def _afspraak(item, who, due, status="open", clock_ms=1000):
    return rec(item, "agreement_item", clock_ms, {"item": item, "who": {"kind": "person", "id": who, "label": who},
                                                  "what": item, "due": due.isoformat() if due else None,
                                                  "status": status})


def test_my_open_afspraken_come_first_then_overdue_then_by_date():
    plan = fold_child_plan(CHILD, [
        _afspraak("other-late", "dad", TODAY - timedelta(days=2)),
        _afspraak("mine-later", "mum", TODAY + timedelta(days=9)),
        _afspraak("other-soon", "dad", TODAY + timedelta(days=1)),
        _afspraak("mine-done", "mum", TODAY - timedelta(days=5), status="done"),
    ])
    order = [a.id for a in afspraken_in_order(plan.afspraken, "mum", TODAY)]
    assert order == ["mine-later", "other-late", "other-soon", "mine-done"]


def test_a_done_afspraak_is_never_overdue():
    plan = fold_child_plan(CHILD, [_afspraak("x", "mum", TODAY - timedelta(days=3), status="done")])
    assert not plan.afspraken[0].is_overdue(TODAY)


def test_new_since_last_visit_lists_others_proposals_feedback_and_due_afspraken():
    records = [
        goal("old", "g-old", 1_000, by=PRO, title="Old proposal"),
        goal("new", "g-new", 5_000, by=PRO, title="New proposal"),
        goal("mine", "g-mine", 6_000, by=MUM, title="My own proposal"),
        rec("n1", "review_note", 7_000, {"goal": "g-old", "text": "Going well", "by": PRO}, author="org"),
        _afspraak("due", "mum", TODAY + timedelta(days=3)),
        _afspraak("far", "mum", TODAY + timedelta(days=30)),
        _afspraak("late", "dad", TODAY - timedelta(days=1)),
    ]
    changes = changes_since(fold_child_plan(CHILD, records), "mum", since_ms=2_000, today=TODAY)
    assert {(c.kind, c.text) for c in changes} == {
        ("proposal", "New proposal"), ("review_note", "Old proposal"), ("due", "due"), ("overdue", "late")}


def test_new_comments_and_feedback_are_one_line_per_goal_with_how_many():
    karin = {"side": "professional", "id": "org", "name": "Karin"}
    tom = {"side": "professional", "id": "org2", "name": "Tom"}
    records = [goal("g", "g1", 1_000, by=MUM, title="Slapen"),
               *(rec(f"c{n}", "comment", 3_000 + n, {"goal": "g1", "text": "x", "by": who}, author=who["id"])
                 for n, who in enumerate((karin, tom, karin))),
               rec("mine", "comment", 3_500, {"goal": "g1", "text": "x", "by": MUM}, author="mum"),
               rec("n1", "review_note", 4_000, {"goal": "g1", "text": "y", "by": karin}, author="org")]
    changes = changes_since(fold_child_plan(CHILD, records), "mum", since_ms=2_000, today=TODAY)
    assert [(c.kind, c.text, c.by, c.count) for c in changes] == [
        ("review_note", "Slapen", "Karin", 1), ("comment", "Slapen", "Karin, Tom", 3)]


def test_first_visit_shows_everything_waiting():
    changes = changes_since(fold_child_plan(CHILD, [goal("old", "g-old", 1_000, by=PRO, title="Old")]),
                            "mum", since_ms=None, today=TODAY)
    assert [c.kind for c in changes] == ["proposal"]


def review(record_id, clock_ms, outcome, goal_id="g"):
    return rec(record_id, "review_note", clock_ms, {"goal": goal_id, "text": "Besproken.", "outcome": outcome,
                                                    "by": PRO}, author="org")


def test_a_review_outcome_after_the_current_version_waits_for_the_family():
    plan = fold_child_plan(CHILD, [goal("r1", "g", 1000, "active"), review("n1", 2000, "reached")])
    assert plan.goal("g").open_review.record_id == "n1"
    assert plan.goal("g").review_answer(plan.goal("g").open_review) == "waiting"


def test_a_review_outcome_is_answered_by_the_status_change_that_names_it():
    done = rec("r2", "goal", 3000, {**goal("x", "g", 0, "reached").body, "outcome_of": "n1"})
    plan = fold_child_plan(CHILD, [goal("r1", "g", 1000, "active"), review("n1", 2000, "reached"), done])
    assert plan.goal("g").open_review is None
    assert plan.goal("g").review_answer(plan.goal("g").comments[0]) == "agreed"


def test_a_no_to_a_review_outcome_closes_it():
    no = rec("c1", "comment", 3000, {"goal": "g", "text": "Nog niet.", "reply_to": "n1", "by": MUM})
    plan = fold_child_plan(CHILD, [goal("r1", "g", 1000, "active"), review("n1", 2000, "stop"), no])
    assert plan.goal("g").open_review is None
    assert plan.goal("g").review_answer(next(c for c in plan.goal("g").comments if c.outcome)) == "declined"


def test_an_outcome_that_changes_nothing_does_not_wait():
    # "continue" on a goal that is going on already, "reached" on a stopped goal, a review before the change.
    assert fold_child_plan(CHILD, [goal("r1", "g", 1000, "active"), review("n1", 2000, "continue")]
                           ).goal("g").open_review is None
    assert fold_child_plan(CHILD, [goal("r1", "g", 1000, "stopped"), review("n1", 2000, "reached")]
                           ).goal("g").open_review is None
    assert fold_child_plan(CHILD, [goal("r1", "g", 3000, "active"), review("n1", 2000, "reached")]
                           ).goal("g").open_review is None


def _comment(record_id, clock_ms, by):
    return rec(record_id, "comment", clock_ms, {"goal": "g", "text": "Hm.", "by_youth": False, "question": False,
                                                "by": by})


def test_a_side_can_take_back_only_its_own_stop_until_the_other_side_responds():
    active, stop = goal("r1", "g", 1000, "active"), goal("r2", "g", 2000, "stopped")
    plan = fold_child_plan(CHILD, [active, stop])
    assert plan.goal("g").stop_to_undo("family").status is GoalStatus.ACTIVE
    assert plan.goal("g").stop_to_undo("professional") is None  # not their stop
    # A comment of the family itself does not close the way back; one of the professional does.
    assert fold_child_plan(CHILD, [active, stop, _comment("c1", 2500, MUM)]).goal("g").stop_to_undo("family")
    assert fold_child_plan(CHILD, [active, stop, _comment("c2", 2500, PRO)]).goal("g").stop_to_undo("family") is None
    # A comment from before the stop does not count.
    assert fold_child_plan(CHILD, [active, _comment("c3", 1500, PRO), stop]).goal("g").stop_to_undo("family")


def test_a_stop_that_carried_out_an_agreed_review_outcome_is_not_taken_back():
    stop = goal("r2", "g", 2000, "stopped")
    stop.body["outcome_of"] = "review-1"
    plan = fold_child_plan(CHILD, [goal("r1", "g", 1000, "active"), stop])
    assert plan.goal("g").stop_to_undo("family") is None
