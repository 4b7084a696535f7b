"""Scoring evaluations (pure): the Goal Attainment T-score and progress per goal over time.

Kiresuk & Sherman (1968): with goal levels x_i (-2 … +2), weights w_i and the assumed
correlation rho between goals,

    T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum w_i)^2)

T is 50 when every goal is at its expected level (0); rho = 0.3 is the usual assumption.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from webapp.plan.rules import validate_gas_level

RHO = 0.3


@dataclass(frozen=True)
class GoalLevel:
    """One input of a T-score: a goal's level and its weight."""

    goal_id: str
    title: str
    level: int
    weight: float = 1.0


@dataclass(frozen=True)
class TScore:
    value: float
    inputs: tuple[GoalLevel, ...]
    rho: float


def t_score(levels: Sequence[int], weights: Sequence[float] | None = None, rho: float = RHO) -> float:
    """The combined T-score of GAS levels; equal weights unless given. Raises ValueError on bad input."""
    if not levels:
        raise ValueError("a T-score needs at least one goal level")
    for level in levels:
        validate_gas_level(level)
    weights = [1.0] * len(levels) if weights is None else list(weights)
    if len(weights) != len(levels):
        raise ValueError("give one weight per goal")
    if any(w <= 0 for w in weights):
        raise ValueError("weights are positive")
    if not 0 <= rho < 1:
        raise ValueError("rho is at least 0 and less than 1")
    weighted = sum(w * x for w, x in zip(weights, levels))
    spread = math.sqrt((1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2)
    return 50 + 10 * weighted / spread


def t_score_of(goal_levels: Sequence[GoalLevel], rho: float = RHO) -> TScore | None:
    """The T-score with its inputs, or None when no goal has a GAS level."""
    if not goal_levels:
        return None
    value = t_score([g.level for g in goal_levels], [g.weight for g in goal_levels], rho)
    return TScore(value=value, inputs=tuple(goal_levels), rho=rho)
