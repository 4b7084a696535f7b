"""What a professional sends reaches the family within seconds: the family space keeps a long poll
open at the hub (the hub never calls it), and the professional's page says whether it arrived and
when the family space last asked for news. Two real servers on loopback."""
from __future__ import annotations

import re
import threading
import time

import pytest

from sync.family import FamilySync, Transport
from sync.keyring import KeyRing
from sync.runner import NewsWatcher, SyncRunner
from tests.conftest import Actions, csrf_token
from tests.integration.sync_helpers import start_roles
from webapp.db import get_db
from webapp.plan.queries import load_child_plan
from webapp.records import get_store

TITLE = "Sam leert zijn huiswerk plannen met een weekrooster."


@pytest.fixture
def roles(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    yield roles
    roles.stop()


def _wait(roles, wait: int) -> bool:
    with roles.family.app_context():
        store = get_store()
        return FamilySync(store, KeyRing(get_db(), store.keys), Transport).wait_for_news(roles.family_id, wait)


def _propose(client, link: str, title: str = TITLE) -> None:
    form = client.get(link).get_data(as_text=True)
    client_id = re.search(r'name="client_id"[^>]*value="([^"]+)"', form).group(1)
    assert client.post(link, data={"csrf_token": csrf_token(form), "client_id": client_id, "life_domain": "school",
                                   "title": title}).status_code == 303


def _karin(roles):
    client = roles.hub.test_client()
    assert Actions(client).professional_login(roles.hub, "karin").status_code == 303
    return client, f"/werkplek/kind/{roles.family_id}/{roles.child('Sam').id}"


def _arrival(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'<p class="arrival" id="arrival">(.*?)</p>', page, re.S).group(1)).strip()


def test_a_waiting_family_space_hears_at_once_when_a_professional_sends_something(roles):
    roles.sync()
    client, link = _karin(roles)
    answered: dict = {}

    def wait():
        started = time.monotonic()
        answered["news"] = _wait(roles, 10)
        answered["seconds"] = time.monotonic() - started

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.5)  # the long poll is open at the hub
    _propose(client, link)
    waiter.join(15)
    assert answered["news"] is True and answered["seconds"] < 10  # answered by the news, not by the time limit
    with roles.family.app_context():
        wanted = get_db().execute("SELECT wanted_at FROM hub_links WHERE family_id = ?",
                                  [roles.family_id]).fetchone()[0]
    assert wanted is not None  # the next round is wanted now
    # Without news the wait ends after its time with nothing.
    assert _wait(roles, 1) is True  # not fetched yet: still news
    roles.sync()
    assert _wait(roles, 1) is False


def test_the_professional_sees_whether_what_they_sent_arrived_and_when_the_family_last_asked(roles):
    roles.sync()
    _wait(roles, 0)  # the family space confirms what it pulled
    client, link = _karin(roles)
    page = client.get(link).get_data(as_text=True)
    assert _arrival(page).startswith("Alles wat jouw organisatie stuurde, is bij het gezin aangekomen.")
    assert "Hun gezinsomgeving vroeg voor het laatst om nieuws op" in _arrival(page)
    _propose(client, link)
    sent = client.get(link).get_data(as_text=True)
    assert "Het komt aan zodra hun gezinsomgeving om nieuws vraagt." in sent
    assert _arrival(sent).startswith("Nog niet alles wat jouw organisatie stuurde, is bij het gezin aangekomen.")
    roles.sync()  # pulled; the next question to the hub confirms it arrived
    _wait(roles, 0)
    assert _arrival(client.get(link).get_data(as_text=True)).startswith(
        "Alles wat jouw organisatie stuurde, is bij het gezin aangekomen.")


def test_when_every_waiting_slot_is_taken_the_hub_answers_at_once_and_the_family_fetches_later(roles):
    from sync.hub_api import WAIT_SLOTS

    taken = [WAIT_SLOTS.acquire(blocking=False) for _ in range(2)]
    try:
        started = time.monotonic()
        assert _wait(roles, 10) in (True, False)
        assert time.monotonic() - started < 5  # not held: a busy hub does not keep the family space waiting
    finally:
        for slot in taken:
            if slot:
                WAIT_SLOTS.release()


def test_a_proposal_reaches_the_familys_plan_within_seconds_with_the_background_threads(roles):
    roles.sync()
    runner = SyncRunner(roles.family, interval=3600, poll=0.2)  # the interval alone would take an hour
    watcher = NewsWatcher(roles.family, wait=10)
    runner.start()
    watcher.start()
    try:
        time.sleep(1)
        client, link = _karin(roles)
        _propose(client, link)
        sam = roles.child("Sam")
        deadline = time.monotonic() + 20
        arrived = False
        while time.monotonic() < deadline and not arrived:
            with roles.family.app_context():
                arrived = any(g.current.title == TITLE
                              for g in load_child_plan(get_store(), roles.family_id, sam.id).goals)
            time.sleep(0.2)
        assert arrived
    finally:
        watcher.stop()
        runner.stop()


def test_a_wait_with_wrong_fields_is_refused_with_a_reason(roles):
    from tests.integration.test_sync_bad_input import Signer, _post

    signer = Signer(roles)
    for request, reason in (({"after": 0, "wait": "long"}, "wait must be a number"),
                            ({"after": -1}, "after must be a number"),
                            ({"after": 0, "until": 5}, "a wait has only")):
        body = signer.body(request)
        response = _post(roles, "/sync/v1/wait", body, signer.headers("/sync/v1/wait", body))
        assert response.status_code == 400 and reason in response.get_json()["error"], request


def test_a_busy_hub_is_not_asked_again_at_once(roles):
    from sync.hub_api import WAIT_SLOTS

    roles.sync()
    _wait(roles, 0)
    asked = []

    class Counting(Transport):
        def post(self, path, body, headers):
            asked.append(path)
            return super().post(path, body, headers)

    watcher = NewsWatcher(roles.family, wait=10, transport_for=Counting, pause=5.0)
    taken = [WAIT_SLOTS.acquire(blocking=False) for _ in range(2)]
    try:
        watcher.start()
        time.sleep(2)
    finally:
        watcher.stop()
        for slot in taken:
            if slot:
                WAIT_SLOTS.release()
    assert 1 <= asked.count("/sync/v1/wait") <= 2, asked  # one quick "busy" answer, then a pause
