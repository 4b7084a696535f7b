"""Shared fixtures: real apps on real SQLite files, seeded with the demo family.

The demo data is seeded once per test process into a template folder; each test gets its
own copy of the files (database and node key), so tests stay independent and set up fast.

Personas, each a signed-in test client:
family space: ``parent`` (Fatima, with gezag), ``parent_without_gezag`` (Ayla), ``youth``
(Sam, 14), ``older_youth`` (Noor, 17), ``other_family_parent`` (Eva, another family);
hub: ``coordinator`` (Karin, regisseur, Wijkteam Oost), ``partner`` (Tom, mentor, school)
and ``outsider`` (Lars, leerplicht, an organisation not involved with the demo family).
"""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pyotp
import pytest

from webapp import create_app
from webapp.config import load_config
from webapp.demo import DEMO_HUB_NAME, DEMO_PASSWORDS, seed_family, seed_hub

CSRF_PATTERN = re.compile(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"')


def make_app(role: str, data_dir: Path, today: date | None = None, **overrides):
    """A real app of one role on its own data folder, fast password hashing for tests."""
    settings = dict(data_dir=data_dir, testing=True, password_time_cost=1, password_memory_kib=8192,
                    login_rate_limit="1000 per minute", environ={})
    if role == "hub":
        settings["hub_name"] = DEMO_HUB_NAME
    settings.update(overrides)
    if today is not None:
        settings["today"] = lambda: today
    return create_app(config=load_config(role=role, **settings))


OUTSIDER_ORGANISATION = ("9b1f3c2e-0009-4a55-8d0e-6f1c00000009", "Bureau Leerplicht Midden", "leerplicht")
PERSONA_PASSWORDS = {"ayla": "ayla haar lange zin", "eva": "eva van een ander gezin", "lars": "lars de leerplichtambtenaar"}


def _seal(app) -> None:
    """Move everything from the WAL into the database file, so copying the file copies it all."""
    from webapp.db import connect

    db = connect(app.config["ONSPLAN"].database_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """The demo family space and hub, seeded once; tests copy them."""
    from webapp.auth.professionals import add_professional
    from webapp.db import get_db, utcnow

    root = tmp_path_factory.mktemp("seeded")
    hub = make_app("hub", root / "hub")
    hub_logins = seed_hub(hub)
    family = make_app("family", root / "family")
    family_logins = seed_family(family, hub)
    _seal(family)
    with hub.app_context():
        db, keys = get_db(), hub.extensions["onsplan.node_key"]
        org_id, name, sector = OUTSIDER_ORGANISATION
        db["organisations"].insert({"id": org_id, "name": name, "sector": sector, "created_at": utcnow()})
        _pid, secret = add_professional(db, keys, organisation_id=org_id, login="lars", name="Lars de Wit",
                                        role_title="leerplichtambtenaar", password=PERSONA_PASSWORDS["lars"])
        hub_logins.hub.append(("Lars de Wit (leerplichtambtenaar, Bureau Leerplicht Midden)", "lars",
                               PERSONA_PASSWORDS["lars"], secret))
    _seal(hub)
    return {"family": (root / "family", family_logins), "hub": (root / "hub", hub_logins)}


def copy_of(seeded, role: str, target: Path, **overrides):
    """A fresh app on a copy of the seeded files of one role."""
    source, logins = seeded[role]
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    app = make_app(role, target, **overrides)
    app.demo_logins = logins
    return app


@pytest.fixture
def family_app(tmp_path, seeded):
    return copy_of(seeded, "family", tmp_path / "family")


@pytest.fixture
def hub_app(tmp_path, seeded):
    return copy_of(seeded, "hub", tmp_path / "hub")


def csrf_token(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Actions:
    """What a user does with the client: sign in, post a form with its token."""

    def __init__(self, client):
        self.client = client

    def post_form(self, page: str, action: str | None = None, **data):
        token = csrf_token(self.client.get(page).get_data(as_text=True))
        return self.client.post(action or page, data={"csrf_token": token, **data})

    def login(self, login: str, password: str | None = None):
        if password is None:
            password = DEMO_PASSWORDS.get(login) or PERSONA_PASSWORDS[login]
        return self.post_form("/inloggen", login=login, password=password)

    def professional_login(self, hub_app, login: str):
        """Password, then the current TOTP code: a professional fully signed in on the hub."""
        self.login(login)
        secret = next(row[3] for row in hub_app.demo_logins.hub if row[1] == login)
        return self.post_form("/inloggen/code", code=pyotp.TOTP(secret).now())


def add_family_account(app, *, login: str, name: str, has_gezag: bool = True, family_id: str | None = None,
                       children: tuple[tuple[str, str], ...] = ()) -> str:
    """A parent with an account (in the demo family, or a new one with its own children); returns the family id."""
    from sync.record import new_record_id
    from webapp.auth import queries
    from webapp.auth.passwords import hash_password
    from webapp.people.members import add_member
    from webapp.records import get_meta, get_store

    with app.app_context():
        store = get_store()
        if family_id == "new":
            family_id = store.create_family()
        elif family_id is None:
            family_id = get_meta(store.db, "demo_family")
        person = add_member(store, family_id=family_id, author="test", name=name, role="parent", has_gezag=has_gezag)
        for child_name, birth in children:
            add_member(store, family_id=family_id, author=person.id, name=child_name, role="child",
                       birth_date=date.fromisoformat(birth), school_stage="po")
        queries.create_account(store.db, id=new_record_id(), family_id=family_id, person_id=person.id, role="parent",
                               login_hash=store.keys.lookup_hash("login", login),
                               password_hash=hash_password(PERSONA_PASSWORDS[login]))
    return family_id


@pytest.fixture
def client(family_app):
    return family_app.test_client()


@pytest.fixture
def actions(client):
    return Actions(client)


@pytest.fixture
def parent(family_app):
    client = family_app.test_client()
    assert Actions(client).login("fatima").status_code == 303
    return client


@pytest.fixture
def youth(family_app):
    client = family_app.test_client()
    assert Actions(client).login("sam").status_code == 303
    return client


@pytest.fixture
def older_youth(family_app):
    client = family_app.test_client()
    assert Actions(client).login("noor").status_code == 303
    return client


@pytest.fixture
def parent_without_gezag(family_app):
    """Ayla: a parent in the demo family without parental authority (gezag)."""
    add_family_account(family_app, login="ayla", name="Ayla", has_gezag=False)
    client = family_app.test_client()
    assert Actions(client).login("ayla").status_code == 303
    return client


@pytest.fixture
def other_family_parent(family_app):
    """Eva: a parent of another family on the same family space, with a son of 10."""
    add_family_account(family_app, login="eva", name="Eva Bakker", family_id="new", children=(("Jesse", "2016-04-02"),))
    client = family_app.test_client()
    assert Actions(client).login("eva").status_code == 303
    return client


def _professional(hub_app, login):
    client = hub_app.test_client()
    assert Actions(client).professional_login(hub_app, login).status_code == 303
    return client


@pytest.fixture
def coordinator(hub_app):
    return _professional(hub_app, "karin")


@pytest.fixture
def partner(hub_app):
    return _professional(hub_app, "tom")


@pytest.fixture
def outsider(hub_app):
    return _professional(hub_app, "lars")
