"""Results over time: per goal the answers of each respondent per moment, and T-scores (pure).

Only submitted versions that the viewer may see go in. A goal can be answered on different
scales (GAS levels, the simple 1–5 scale, the picture scale); each scale gets its own chart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from webapp.evaluation.questionnaires import GAS, AskedQuestion, Option, Registry, UnknownQuestionnaire, ask
from webapp.evaluation.responses import ResponseVersion
from webapp.evaluation.scoring import GoalLevel, TScore, t_score_of


@dataclass(frozen=True)
class Answered:
    """A submitted version with the name of who answered and the date of its moment."""

    version: ResponseVersion
    respondent_name: str
    on: date


@dataclass
class Series:
    name: str
    values: dict[date, int] = field(default_factory=dict)


@dataclass
class GoalProgress:
    """One goal on one scale: the values of each respondent per moment date."""

    goal_id: str
    title: str
    kind: str
    options: tuple[Option, ...]
    dates: list[date] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    def label(self, value: int) -> str:
        option = next((o for o in self.options if o.value == value), None)
        return str(option.label) if option else str(value)


@dataclass(frozen=True)
class Trend:
    """How a goal went since the evaluation before, per person (a higher value is always better)."""

    better: tuple[str, ...]
    same: tuple[str, ...]
    worse: tuple[str, ...]
    first_only: bool  # nobody has answered twice yet


def trend(progress: GoalProgress) -> Trend:
    """Each person's last answer compared with their answer before it."""
    better, same, worse = [], [], []
    for series in progress.series:
        values = [series.values[day] for day in progress.dates if day in series.values]
        if len(values) < 2:
            continue
        (better if values[-1] > values[-2] else worse if values[-1] < values[-2] else same).append(series.name)
    return Trend(tuple(better), tuple(same), tuple(worse), first_only=not (better or same or worse))


@dataclass(frozen=True)
class ScoredAnswer:
    answered: Answered
    score: TScore


def asked_in(version: ResponseVersion, registry: Registry) -> list[AskedQuestion]:
    """The questions exactly as this version was asked; raises UnknownQuestionnaire."""
    return ask(registry.get(version.questionnaire, version.questionnaire_version), version.goals)


def _goal_answers(answered: Answered, registry: Registry) -> list[tuple[AskedQuestion, int]]:
    try:
        asked = asked_in(answered.version, registry)
    except UnknownQuestionnaire:
        return []
    return [(q, answered.version.answers[q.key]) for q in asked
            if q.goal is not None and isinstance(answered.version.answers.get(q.key), int)]


def goal_progress(answered: Sequence[Answered], registry: Registry,
                  titles: dict[str, str] | None = None) -> list[GoalProgress]:
    """Per goal and scale the values over time; goal titles as the plan has them now, else as asked."""
    titles = titles or {}
    charts: dict[tuple, GoalProgress] = {}
    for entry in sorted(answered, key=lambda a: (a.on, a.version.clock)):
        for question, value in _goal_answers(entry, registry):
            goal = question.goal
            key = (goal.id, question.kind, tuple(o.value for o in question.options))
            chart = charts.setdefault(key, GoalProgress(goal.id, titles.get(goal.id, goal.title), question.kind,
                                                        question.options))
            if entry.on not in chart.dates:
                chart.dates.append(entry.on)
            series = next((s for s in chart.series if s.name == entry.respondent_name), None)
            if series is None:
                series = Series(entry.respondent_name)
                chart.series.append(series)
            series.values[entry.on] = value
    for chart in charts.values():
        chart.dates.sort()
    return sorted(charts.values(), key=lambda c: (c.title, c.kind != GAS))


def t_scores(answered: Iterable[Answered], registry: Registry,
             titles: dict[str, str] | None = None) -> list[ScoredAnswer]:
    """The T-score of every answer that gave GAS levels, with its inputs; equal weights."""
    titles = titles or {}
    scored = []
    for entry in sorted(answered, key=lambda a: (a.on, a.respondent_name)):
        levels = [GoalLevel(q.goal.id, titles.get(q.goal.id, q.goal.title), value)
                  for q, value in _goal_answers(entry, registry) if q.kind == GAS]
        score = t_score_of(levels)
        if score is not None:
            scored.append(ScoredAnswer(entry, score))
    return scored
