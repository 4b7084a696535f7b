"""Shared fixtures: real apps on real SQLite files, seeded with the demo family.

Personas: ``parent`` (Fatima), ``youth`` (Sam, 14), ``older_youth`` (Noor, 17),
and on the hub ``coordinator`` (Karin, wijkteam) and ``partner`` (Tom, school).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from webapp import create_app
from webapp.config import load_config
from webapp.demo import DEMO_PASSWORDS, seed_family, seed_hub

CSRF_PATTERN = re.compile(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"')


def make_app(role: str, data_dir: Path, today: date | None = None, **overrides):
    """A real app of one role on its own data folder, fast password hashing for tests."""
    settings = dict(data_dir=data_dir, testing=True, password_time_cost=1, password_memory_kib=8192,
                    login_rate_limit="1000 per minute", environ={})
    settings.update(overrides)
    if today is not None:
        settings["today"] = lambda: today
    return create_app(config=load_config(role=role, **settings))


@pytest.fixture
def family_app(tmp_path):
    app = make_app("family", tmp_path / "family")
    app.demo_logins = seed_family(app)
    return app


@pytest.fixture
def hub_app(tmp_path):
    app = make_app("hub", tmp_path / "hub")
    app.demo_logins = seed_hub(app)
    return app


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
        return self.post_form("/inloggen", login=login, password=DEMO_PASSWORDS[login] if password is None else password)


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
