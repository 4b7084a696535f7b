"""Checking answers against the questions asked (pure: no Flask, no storage).

A draft may leave questions open; a submitted answer may not leave a required question open.
Any answer that is given must fit its question, in a draft as well: nothing out of range is stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from webapp.evaluation.questionnaires import CLOSED_KINDS, TEXT_MAX_LENGTH, AskedQuestion

MISSING = "missing"    # a required question is open
INVALID = "invalid"    # not one of the options (out of range, unknown choice)
TOO_LONG = "too_long"  # open text longer than TEXT_MAX_LENGTH


@dataclass(frozen=True)
class Checked:
    answers: dict[str, int | str] = field(default_factory=dict)  # what may be stored
    kept: dict[str, str] = field(default_factory=dict)            # what the form shows again
    errors: dict[str, str] = field(default_factory=dict)          # question key -> MISSING/INVALID/TOO_LONG

    @property
    def ok(self) -> bool:
        return not self.errors


def check_answers(asked: Iterable[AskedQuestion], raw: Mapping[str, str], *, complete: bool) -> Checked:
    """Parse the raw form values of the asked questions; unknown keys are ignored."""
    checked = Checked()
    for question in asked:
        value = (raw.get(question.key) or "").strip()
        if value:
            checked.kept[question.key] = value
        if not value:
            if complete and question.required:
                checked.errors[question.key] = MISSING
            continue
        if question.kind in CLOSED_KINDS:
            option = next((o for o in question.options if str(o.value) == value), None)
            if option is None:
                checked.errors[question.key] = INVALID
            else:
                checked.answers[question.key] = option.value
        elif len(value) > TEXT_MAX_LENGTH:
            checked.errors[question.key] = TOO_LONG
        else:
            checked.answers[question.key] = value
    return checked


def form_values(answers: Mapping[str, int | str]) -> dict[str, str]:
    """Stored answers as the form shows them."""
    return {key: str(value) for key, value in answers.items()}
