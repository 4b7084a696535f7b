"""Results over time: values per goal and respondent, T-scores per answer, and the chart's geometry."""
from __future__ import annotations

from datetime import date

import pytest

from webapp.evaluation import rules
from webapp.evaluation.chart import BOTTOM, HEIGHT, MARKERS, TOP, line_chart
from webapp.evaluation.questionnaires import GAS, PICTURE, REGISTRY, SCALE, GoalInScope
from webapp.evaluation.responses import ResponseVersion
from webapp.evaluation.results import Answered, goal_progress, t_scores

SCHOOL = GoalInScope("g-school", "Op tijd op school", ("a", "b", "c", "d", "e"))
SLEEP = GoalInScope("g-sleep", "Slapen")
SEPT, OCT = date(2026, 9, 24), date(2026, 10, 24)


def _answered(name, on, answers, questionnaire=rules.REGULAR, respondent=rules.PARENT, goals=(SCHOOL, SLEEP)):
    q = REGISTRY.current(questionnaire)
    version = ResponseVersion(record_id=f"{name}-{on}", clock=f"{on.toordinal():013d}-000000-n", author=name,
                              author_name=name, item=f"m:{name}", moment=str(on), respondent=respondent,
                              questionnaire=q.id, questionnaire_version=q.version, version=1,
                              status=rules.SUBMITTED, answers=answers, goals=goals, shared_with_parents=True)
    return Answered(version, name, on)


ANSWERED = [
    _answered("Fatima", SEPT, {"progress:g-school": -2, "progress:g-sleep": 1}),
    _answered("Sam", SEPT, {"progress:g-school": -1, "progress:g-sleep": 2}),
    _answered("Fatima", OCT, {"progress:g-school": -1, "progress:g-sleep": 3}),
    _answered("Sam", OCT, {"progress:g-school": 0}),  # left the sleep goal open
]


def test_progress_per_goal_has_a_value_per_respondent_per_moment():
    charts = {(c.goal_id, c.kind): c for c in goal_progress(ANSWERED, REGISTRY)}
    school = charts[("g-school", GAS)]
    assert school.dates == [SEPT, OCT]
    assert {s.name: s.values for s in school.series} == {"Fatima": {SEPT: -2, OCT: -1}, "Sam": {SEPT: -1, OCT: 0}}
    sleep = charts[("g-sleep", SCALE)]
    assert {s.name: s.values for s in sleep.series} == {"Fatima": {SEPT: 1, OCT: 3}, "Sam": {SEPT: 2}}


def test_the_plan_title_of_a_goal_wins_over_the_title_when_it_was_asked():
    charts = goal_progress(ANSWERED, REGISTRY, titles={"g-school": "Elke dag op tijd"})
    assert "Elke dag op tijd" in [c.title for c in charts]


def test_a_goal_answered_on_another_scale_gets_its_own_chart():
    picture = _answered("Lotte", OCT, {"progress:g-sleep": 3}, questionnaire=rules.PICTURE, respondent=rules.CHILD)
    kinds = sorted(c.kind for c in goal_progress(ANSWERED + [picture], REGISTRY) if c.goal_id == "g-sleep")
    assert kinds == [PICTURE, SCALE]


def test_t_scores_use_only_gas_levels_and_keep_their_inputs():
    scores = t_scores(ANSWERED, REGISTRY)
    # Every answer has one GAS goal (school): T = 50 + 10 * x (see test_evaluation_scoring).
    assert [(s.answered.respondent_name, s.answered.on, round(s.score.value, 6)) for s in scores] == [
        ("Fatima", SEPT, 30), ("Sam", SEPT, 40), ("Fatima", OCT, 40), ("Sam", OCT, 50)]
    assert [(i.goal_id, i.level, i.weight) for i in scores[0].score.inputs] == [("g-school", -2, 1.0)]


def test_an_answer_without_gas_levels_has_no_t_score():
    assert t_scores([_answered("Sam", SEPT, {"progress:g-sleep": 2})], REGISTRY) == []


def test_the_chart_puts_the_lowest_value_at_the_bottom_and_the_highest_at_the_top():
    chart = line_chart(["sep", "okt"], [-2, -1, 0, 1, 2], ["−2", "−1", "0", "+1", "+2"],
                       [("Fatima", {0: -2, 1: 2})])
    low, high = chart.lines[0].points
    assert low.y == HEIGHT - BOTTOM and high.y == TOP
    assert low.x < high.x
    assert [t.label for t in chart.y_ticks] == ["−2", "−1", "0", "+1", "+2"]
    assert chart.y_ticks[2].position == pytest.approx((TOP + HEIGHT - BOTTOM) / 2)


def test_each_line_has_its_own_colour_and_marker_and_equal_values_do_not_hide_each_other():
    chart = line_chart(["sep"], [1, 2, 3], ["1", "2", "3"], [("A", {0: 2}), ("B", {0: 2}), ("C", {0: 2})])
    assert [line.marker for line in chart.lines] == list(MARKERS[:3])
    assert len({line.colour for line in chart.lines}) == 3
    assert len({line.points[0].x for line in chart.lines}) == 3
    assert chart.lines[0].points[0].polygon == ""          # a circle
    assert len(chart.lines[1].points[0].polygon.split()) == 4  # a square


def test_a_value_for_a_moment_without_a_position_is_left_out_and_bad_charts_are_refused():
    chart = line_chart(["sep"], [1, 2], ["1", "2"], [("A", {0: 1, 5: 2})])
    assert len(chart.lines[0].points) == 1
    with pytest.raises(ValueError):
        line_chart([], [1, 2], ["1", "2"], [])
    with pytest.raises(ValueError):
        line_chart(["sep"], [1], ["1"], [])


def test_the_plain_sentence_says_who_sees_progress_and_for_whom_it_went_less_well():
    from datetime import date as _date

    from webapp.evaluation.results import GoalProgress, Series, trend

    days = [_date(2026, 1, 1), _date(2026, 2, 1)]
    progress = GoalProgress("g", "Slapen", "gas", (), dates=days, series=[
        Series("Fatima", {days[0]: -1, days[1]: 1}), Series("Sam", {days[0]: 0, days[1]: -1}),
        Series("Daan", {days[0]: 0, days[1]: 0}), Series("Noor", {days[1]: 2})])
    assert trend(progress) == type(trend(progress))(("Fatima",), ("Daan",), ("Sam",), False)
    first = GoalProgress("g", "Slapen", "gas", (), dates=days[:1], series=[Series("Fatima", {days[0]: 1})])
    assert trend(first).first_only
