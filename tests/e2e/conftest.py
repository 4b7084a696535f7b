"""Browser tests: both roles served on loopback, driven through Playwright in Debian's Chromium."""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import make_app
from webapp.demo import DEMO_PASSWORDS, seed_family, seed_hub

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str:
    for candidate in (os.environ.get("ONSPLAN_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium is not installed: run `make test` (it installs Debian's chromium).")


@dataclass
class Clock:
    """The server's idea of today; a test may move it (birthdays)."""

    today: date = field(default_factory=date.today)

    def __call__(self) -> date:
        return self.today


class Server:
    """One role of OnsPlan on a free loopback port, in a thread."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)


def both_roles(root: Path):
    """A hub and a family space with the demo family, each a real server, and `sync()`: one round
    of the demo family over HTTP. A generator: stops both servers when closed."""
    from sync.family import FamilySync, Transport
    from sync.keyring import KeyRing
    from webapp.db import get_db
    from webapp.records import get_meta, get_store

    hub_app, family_app = make_app("hub", root / "hub"), make_app("family", root / "family")
    family_app.demo_logins = seed_family(family_app, hub_app)
    hub, family = Server(hub_app), Server(family_app)
    with family_app.app_context():
        db = get_db()
        family_id = get_meta(db, "demo_family")
        db.execute("UPDATE hub_links SET hub_url = ? WHERE family_id = ?", [hub.url, family_id])

    def sync():
        with family_app.app_context():
            store = get_store()
            FamilySync(store, KeyRing(store.db, store.keys), Transport).run(family_id)

    yield hub, family, sync
    hub.stop()
    family.stop()


@pytest.fixture(scope="module")
def clock():
    return Clock()


@pytest.fixture(scope="module")
def family_server(tmp_path_factory, clock):
    app = make_app("family", tmp_path_factory.mktemp("family"), today=None)
    app.config["ONSPLAN"] = _with_clock(app.config["ONSPLAN"], clock)
    app.demo_logins = seed_family(app, make_app("hub", tmp_path_factory.mktemp("family-hub")))
    server = Server(app)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory):
    app = make_app("hub", tmp_path_factory.mktemp("hub"))
    app.demo_logins = seed_hub(app)
    server = Server(app)
    yield server
    server.stop()


def _with_clock(config, clock):
    from dataclasses import replace
    return replace(config, today=clock)


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def sign_in(page, server, login: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto(server.url + "/inloggen")
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS[login])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/home")


def open_own_answers_for_sam(page) -> None:
    """From Start, as a parent: Sam's open evaluation moment, then the form for her own answers."""
    page.locator("li.card", has=page.get_by_role("link", name="Plan van Sam")).get_by_role(
        "link", name=re.compile("Geef je antwoorden voor de evaluatie")).click()
    page.locator("li.card", has_text="Je eigen antwoorden").get_by_role("link", name=re.compile("invullen")).click()


def controlled_by_the_worker(page) -> None:
    """Wait until the service worker is installed and controls this page (as after a second visit)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def assert_accessible(page) -> None:
    """axe-core finds zero violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations)


_LAST_STEP: dict[str, int] = {}


def fresh_code(secret: str, login: str) -> str:
    """A second-factor code the hub has not seen yet: a code works once, and the hub accepts the
    step before and after the current one, so several sign-ins in one half minute take the next
    (and when those are used, wait for the next half minute)."""
    totp = pyotp.TOTP(secret)
    while True:
        now = int(time.time()) // 30
        # The step before stays valid only until this half minute ends: use it only with time to spare.
        steps = (now - 1, now, now + 1) if 30 - time.time() % 30 > 10 else (now, now + 1)
        step = next((s for s in steps if s > _LAST_STEP.get(login, 0)), None)
        if step is not None:
            _LAST_STEP[login] = step
            return totp.at(step * 30)
        time.sleep(30 - time.time() % 30 + 0.1)


def professional_sign_in(page, hub, login: str = "karin") -> None:
    secret = next(row[3] for row in seed_hub(hub.app).hub if row[1] == login)
    page.goto(hub.url + "/inloggen")
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORDS[login])
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_label("Code uit je authenticator-app").fill(fresh_code(secret, login))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkplek")
