"""Helpers for the consent tests: the demo family's ids, posting a decision, asking who may read."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from tests.conftest import Actions, csrf_token, make_app
from webapp.consent.access import may_organisation_read
from webapp.consent.rules import InfoKind
from webapp.db import connect, get_db
from webapp.demo import ORGANISATIONS, seed_family
from webapp.people.members import family_members
from webapp.records import get_meta, get_store

ORG = {sector: org_id for org_id, _name, sector, *_rest in ORGANISATIONS}  # wijkteam, school, jgz


@dataclass
class Clock:
    """A movable 'today' for the app, as a test sets it."""

    today: date = field(default_factory=date.today)

    def __call__(self) -> date:
        return self.today


def app_with_clock(path, clock: Clock):
    app = make_app("family", path)
    app.config["ONSPLAN"] = replace(app.config["ONSPLAN"], today=clock)
    app.demo_logins = seed_family(app, make_app("hub", path.parent / f"{path.name}-hub"))
    return app


def signed_in(app, login: str):
    client = app.test_client()
    assert Actions(client).login(login).status_code == 303
    return client


def family_id(app) -> str:
    with app.app_context():
        return get_meta(get_db(), "demo_family")


def person(app, first_name: str):
    with app.app_context():
        db = get_db()
        return next(p for p in family_members(get_store(), get_meta(db, "demo_family"))
                    if p.name.split()[0] == first_name)


def decide(client, child_id: str, sector: str, kind_slug: str, answer: str, **extra):
    """Post a yes or no the way the consent page's form does (with a fresh CSRF token)."""
    token = csrf_token(client.get("/toestemming").get_data(as_text=True))
    return client.post(f"/toestemming/{child_id}/{ORG.get(sector, sector)}/{kind_slug}",
                       data={"csrf_token": token, "answer": answer, **extra})


def count(app, kind: str = "consent_decision") -> int:
    db = connect(app.config["ONSPLAN"].database_path)
    try:
        return db.execute("SELECT COUNT(*) FROM records WHERE kind = ?", [kind]).fetchone()[0]
    finally:
        db.conn.close()


def may_read(app, sector: str, child_id: str, kind: InfoKind, day: date | None = None):
    with app.app_context():
        db = get_db()
        return may_organisation_read(get_store(), get_meta(db, "demo_family"), ORG.get(sector, sector),
                                     child_id, kind, day or app.config["ONSPLAN"].today())


def text_of(response) -> str:
    return response.get_data(as_text=True)
