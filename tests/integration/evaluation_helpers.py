"""Shared steps of the evaluation integration tests: find the demo's people, moments and goals; answer."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import csrf_token
from webapp.db import connect, get_db
from webapp.evaluation.queries import load_responses
from webapp.people.members import family_members
from webapp.plan.queries import load_child_plan
from webapp.records import get_meta, get_store
from sync.record import new_record_id

HIDDEN = ("client_id", "questionnaire", "questionnaire_version", "version")


class Demo:
    """The demo family as the tests need it."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            db = get_db()
            self.family_id = get_meta(db, "demo_family")
            self.people = {p.name.split()[0]: p for p in family_members(get_store(), self.family_id)}
            self.today = app.config["ONSPLAN"].today()

    def id(self, name: str) -> str:
        return self.people[name].id

    def plan(self, name: str):
        with self.app.app_context():
            return load_child_plan(get_store(), self.family_id, self.id(name))

    def open_moment(self, name: str):
        from webapp.evaluation.rules import is_open
        return next(m for m in self.plan(name).moments if is_open(m.on, m.closed, self.today))

    def goal(self, name: str, title_start: str) -> str:
        return next(g.id for g in self.plan(name).goals if g.current.title.startswith(title_start))

    def responses(self, name: str):
        with self.app.app_context():
            return load_responses(get_store(), self.family_id, self.id(name))

    def record_count(self) -> int:
        db = connect(self.app.config["ONSPLAN"].database_path)
        try:
            return db.execute("SELECT COUNT(*) FROM records WHERE kind = 'evaluation_response'").fetchone()[0]
        finally:
            db.conn.close()

    def add_moment(self, name: str, days_from_today: int, **extra) -> str:
        """A moment made by the regisseur (as the hub will send it), ``days_from_today`` away."""
        item = new_record_id()
        with self.app.app_context():
            get_store().write(family_id=self.family_id, kind="evaluation_moment",
                       author="9b1f3c2e-0001-4a55-8d0e-6f1c00000001", subject=self.id(name),
                       body={"item": item, "date": (self.today + timedelta(days=days_from_today)).isoformat(),
                             "title": "Extra moment", "goals": [], "participants": [], **extra})
        return item

    def url(self, name: str, moment_id: str, slug: str = "") -> str:
        return f"/kind/{self.id(name)}/evaluatie/{moment_id}" + (f"/{slug}" if slug else "")

    def complete_answers(self) -> dict[str, str]:
        """A full regular answer for Sam's open moment (school goal with GAS levels, sleep goal on 1–5)."""
        return {f"progress:{self.goal('Sam', 'Sam gaat')}": "0", f"progress:{self.goal('Sam', 'Sam slaapt')}": "3",
                "problems_smaller": "bit_smaller", "own_strength": "3", "heard": "4", "information": "4",
                "fit": "3", "knows_regisseur": "yes"}


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for name in HIDDEN:
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert match, f"form has no {name}"
        fields[name] = match.group(1)
    return fields


def answer(client, url: str, action: str = "draft", form_page: str | None = None, headers=None,
           overrides: dict | None = None, **answers):
    """Fill in the form as shown at ``form_page`` (default: ``url``) and send it with ``action``."""
    html = client.get(form_page or url).get_data(as_text=True)
    fields = hidden_fields(html) if 'name="client_id"' in html else {}  # a page without the form: overrides
    data = {"csrf_token": csrf_token(html), **fields, "action": action}
    data.update({f"q-{key}": value for key, value in answers.items()})
    data.update(overrides or {})
    return client.post(url, data=data, headers=headers or {})


