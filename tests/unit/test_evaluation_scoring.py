"""The combined Goal Attainment T-score (Kiresuk–Sherman, rho 0.3), checked against sums done by hand."""
from __future__ import annotations

import math

import pytest

from webapp.evaluation.scoring import RHO, GoalLevel, t_score, t_score_of


def test_rho_is_the_usual_point_three():
    assert RHO == 0.3


def test_one_goal_at_the_expected_level_scores_50():
    assert t_score([0]) == 50


def test_one_goal_moves_ten_points_per_level():
    # One goal, w = 1: denominator sqrt(0.7 * 1 + 0.3 * 1^2) = sqrt(1) = 1, so T = 50 + 10 * x.
    assert [t_score([x]) for x in (-2, -1, 0, 1, 2)] == [30, 40, 50, 60, 70]


def test_two_goals_with_equal_weights():
    # x = (-1, 0), w = (1, 1): sum(w*x) = -1; sum(w^2) = 2; (sum w)^2 = 4
    # denominator = sqrt(0.7 * 2 + 0.3 * 4) = sqrt(1.4 + 1.2) = sqrt(2.6) = 1.612452
    # T = 50 + 10 * -1 / 1.612452 = 50 - 6.201737 = 43.798263
    assert t_score([-1, 0]) == pytest.approx(43.798263, abs=1e-6)


def test_three_goals_with_equal_weights():
    # x = (1, 1, 0): sum(w*x) = 2; sum(w^2) = 3; (sum w)^2 = 9
    # denominator = sqrt(0.7 * 3 + 0.3 * 9) = sqrt(2.1 + 2.7) = sqrt(4.8) = 2.190890
    # T = 50 + 20 / 2.190890 = 50 + 9.128709 = 59.128709
    assert t_score([1, 1, 0]) == pytest.approx(59.128709, abs=1e-6)


def test_four_goals_all_much_better_than_expected():
    # x = (2, 2, 2, 2): sum(w*x) = 8; sum(w^2) = 4; (sum w)^2 = 16
    # denominator = sqrt(0.7 * 4 + 0.3 * 16) = sqrt(2.8 + 4.8) = sqrt(7.6) = 2.756810
    # T = 50 + 80 / 2.756810 = 50 + 29.019050 = 79.019050
    assert t_score([2, 2, 2, 2]) == pytest.approx(79.019050, abs=1e-6)


def test_given_weights_count():
    # x = (1, -1), w = (2, 1): sum(w*x) = 2 - 1 = 1; sum(w^2) = 4 + 1 = 5; (sum w)^2 = 9
    # denominator = sqrt(0.7 * 5 + 0.3 * 9) = sqrt(3.5 + 2.7) = sqrt(6.2) = 2.489980
    # T = 50 + 10 / 2.489980 = 50 + 4.016097 = 54.016097
    assert t_score([1, -1], weights=[2, 1]) == pytest.approx(54.016097, abs=1e-6)
    assert t_score([1, -1]) == 50  # with equal weights the two cancel out


def test_rho_changes_the_spread():
    # x = (1, 1), rho = 0: denominator sqrt(1 * 2 + 0 * 4) = sqrt(2) = 1.414214; T = 50 + 20 / 1.414214 = 64.142136
    assert t_score([1, 1], rho=0) == pytest.approx(64.142136, abs=1e-6)
    # the same with rho = 0.3: sqrt(1.4 + 1.2) = sqrt(2.6) = 1.612452; T = 50 + 20 / 1.612452 = 62.403473
    assert t_score([1, 1]) == pytest.approx(62.403473, abs=1e-6)


def test_the_formula_matches_its_definition_for_many_inputs():
    for levels in ([-2, 2, 0], [1, 0, -1, 2], [-2] * 5):
        weights = [1.0] * len(levels)
        expected = 50 + 10 * sum(levels) / math.sqrt(0.7 * len(levels) + 0.3 * len(levels) ** 2)
        assert t_score(levels, weights) == pytest.approx(expected)


@pytest.mark.parametrize("levels, weights, rho", [
    ([], None, RHO),             # no goals
    ([3], None, RHO),            # not a GAS level
    ([True], None, RHO),         # a bool is not a level
    ([1.5], None, RHO),          # levels are whole numbers
    ([1, 0], [1], RHO),          # one weight per goal
    ([1], [0], RHO),             # weights are positive
    ([1], None, 1.0),            # rho below 1
    ([1], None, -0.1),           # and not negative
])
def test_bad_input_is_refused(levels, weights, rho):
    with pytest.raises(ValueError):
        t_score(levels, weights, rho)


def test_the_score_keeps_its_inputs():
    inputs = [GoalLevel("g1", "Op tijd op school", -1), GoalLevel("g2", "Slapen voor 23.00", 0)]
    score = t_score_of(inputs)
    assert score.inputs == tuple(inputs) and score.rho == RHO
    assert score.value == pytest.approx(43.798263, abs=1e-6)
    assert t_score_of([]) is None
