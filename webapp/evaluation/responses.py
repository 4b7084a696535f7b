"""Answers folded from ``evaluation_response`` records (pure: no Flask, no storage).

One record per save. Records of one answer share ``body.item``; the newest record is its
current state, every earlier record is history. Each record names the questionnaire and
version it answered, and the goals as they were, so an old version renders as it was asked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable

from sync.clock import Stamp
from sync.record import Record, order_key
from webapp.evaluation import rules
from webapp.evaluation.questionnaires import GoalInScope

KIND = "evaluation_response"


@dataclass(frozen=True)
class ResponseVersion:
    """One stored save of an answer."""

    record_id: str
    clock: str
    author: str
    author_name: str
    item: str
    moment: str
    respondent: str
    questionnaire: str
    questionnaire_version: int
    version: int
    status: str
    answers: dict
    goals: tuple[GoalInScope, ...]
    shared_with_parents: bool

    @property
    def submitted(self) -> bool:
        return self.status == rules.SUBMITTED

    saved_on_day: date | None = None  # the family space's date of the save

    @property
    def saved_on(self) -> date:
        if self.saved_on_day is not None:
            return self.saved_on_day
        return datetime.fromtimestamp(Stamp.parse(self.clock).physical_ms / 1000, tz=timezone.utc).date()


@dataclass
class Response:
    """All saves of one person's answer (or one child's picture answer) at one moment."""

    item: str
    moment: str
    respondent: str
    owner: str  # the person whose answer it is: the author, or the child for the picture version
    versions: list[ResponseVersion] = field(default_factory=list)

    @property
    def current(self) -> ResponseVersion:
        return self.versions[-1]

    @property
    def submitted(self) -> ResponseVersion | None:
        """The newest submitted version: what results and other family members see."""
        sent = self.submitted_versions
        return sent[-1] if sent else None

    @property
    def submitted_versions(self) -> list[ResponseVersion]:
        """One entry per submitted version number, oldest first: the record that sent it (later
        records of the same version only change who may see it)."""
        first: dict[int, ResponseVersion] = {}
        for version in self.versions:
            if version.submitted:
                first.setdefault(version.version, version)
        return [first[n] for n in sorted(first)]

    @property
    def shared(self) -> bool:
        return self.current.shared_with_parents

    def editable_version(self) -> int:
        return rules.editable_version(self.current.version, self.current.status)

    def visible_versions(self, viewer_id: str, viewer_role: str) -> list[ResponseVersion]:
        """The versions this viewer may open: all of their own, else only submitted ones when allowed."""
        if rules.sees_drafts(self.respondent, self.owner, viewer_id, viewer_role):
            return list(self.versions)
        if rules.sees_submitted(self.respondent, self.owner, self.shared, viewer_id, viewer_role):
            return self.submitted_versions
        return []

    def visible_submitted(self, viewer_id: str, viewer_role: str) -> ResponseVersion | None:
        if rules.sees_submitted(self.respondent, self.owner, self.shared, viewer_id, viewer_role):
            return self.submitted
        return None


def _version(record: Record) -> ResponseVersion:
    body = record.body
    return ResponseVersion(
        record_id=record.id, clock=record.clock, author=record.author,
        author_name=(body.get("by") or {}).get("name", ""), item=body["item"], moment=body["moment"],
        respondent=body["respondent"], questionnaire=body["questionnaire"],
        questionnaire_version=int(body["questionnaire_version"]), version=int(body["version"]),
        status=body["status"], answers=dict(body.get("answers") or {}),
        goals=tuple(GoalInScope.from_body(g) for g in body.get("goals") or ()),
        shared_with_parents=bool(body.get("shared_with_parents")),
        saved_on_day=date.fromisoformat(body["saved_on"]) if body.get("saved_on") else None,
    )


def fold_responses(child_id: str, records: Iterable[Record]) -> list[Response]:
    """Every answer about this child, each with its versions in clock order."""
    mine = sorted((r for r in records if r.kind == KIND and r.subject == child_id), key=order_key)
    responses: dict[str, Response] = {}
    for record in mine:
        version = _version(record)
        owner = child_id if version.respondent == rules.CHILD else record.author
        response = responses.setdefault(version.item, Response(version.item, version.moment, version.respondent, owner))
        response.versions.append(version)
    return list(responses.values())


def response_body(*, item: str, moment: str, respondent: str, questionnaire: str, questionnaire_version: int,
                  version: int, status: str, answers: dict, goals: Iterable[GoalInScope], shared_with_parents: bool,
                  by: dict[str, str], saved_on: date) -> dict:
    """The encrypted body of an ``evaluation_response`` record (see docs/evaluation.md)."""
    return {"item": item, "moment": moment, "respondent": respondent, "questionnaire": questionnaire,
            "questionnaire_version": questionnaire_version, "version": version, "status": status,
            "answers": answers, "goals": [g.to_body() for g in goals],
            "shared_with_parents": shared_with_parents if respondent == rules.YOUTH else False, "by": by,
            "saved_on": saved_on.isoformat()}


def body_of(version: ResponseVersion, **changes) -> dict:
    """The body of a stored version, with some fields changed (e.g. the sharing choice)."""
    body = response_body(item=version.item, moment=version.moment, respondent=version.respondent,
                         questionnaire=version.questionnaire, questionnaire_version=version.questionnaire_version,
                         version=version.version, status=version.status, answers=version.answers,
                         goals=version.goals, shared_with_parents=version.shared_with_parents,
                         by={"side": "family", "id": version.author, "name": version.author_name},
                         saved_on=version.saved_on)
    body.update(changes)
    return body
