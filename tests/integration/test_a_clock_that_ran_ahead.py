"""The hub's clock runs a day ahead and is then corrected, with the hub as its own process (its clock
moved by time-machine) and the family space syncing over HTTP: a moment planned during the skew can
be closed afterwards on both sides, nobody who signed in during that day is locked out or signed
out, and `onsplan sync-status --role hub` says that the clock is behind what the hub holds."""
from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyotp

from tests.integration.sync_helpers import HubProcess, start_roles
from webapp.plan.queries import load_child_plan
from webapp.records import get_store

DAY = 24 * 3600
class Browser:
    """A professional's browser: cookies, and forms sent with the page's CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:  # nosec B310 (loopback)
            return response.geturl().replace(self.base, ""), response.read().decode()

    def post(self, page: str, action: str, **fields: str) -> tuple[int, str, str]:
        _url, html = self.get(page)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        try:
            with self.opener.open(self.base + action, data=body, timeout=10) as response:  # nosec B310
                return response.status, response.geturl().replace(self.base, ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, action, error.read().decode()


def _sign_in(browser: Browser, login: str, password: str, secret: str, ahead: float) -> tuple[int, str]:
    status, _url, _html = browser.post("/inloggen", "/inloggen", login=login, password=password)
    assert status == 200
    code = pyotp.TOTP(secret).at(time.time() + ahead)  # the code her phone shows, by the hub's clock
    status, url, _html = browser.post("/inloggen/code", "/inloggen/code", code=code)
    return status, url


def test_after_a_day_ahead_a_moment_closes_on_both_sides_and_nobody_is_locked_out(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    roles.stop()  # the hub runs as its own process here
    hub = HubProcess(roles.hub.config["ONSPLAN"].data_dir)
    roles.family_db().execute("UPDATE hub_links SET hub_url = ?", [hub.url])
    _name, login, password, secret = next(row for row in roles.hub.demo_logins.hub if row[1] == "karin")
    sam = roles.child("Sam")
    try:
        hub.start(ahead=DAY)  # the hub's clock runs a day ahead
        karin = Browser(hub.url)
        status, url = _sign_in(karin, login, password, secret, DAY)
        assert (status, url) == (200, "/werkplek")
        _url, workplace = karin.get("/werkplek")
        child_page = next(link for link in re.findall(r'href="(/werkplek/kind/[^"#]+)"', workplace)
                          if sam.id in link)
        status, _url, _html = karin.post(child_page, child_page + "/evaluatiemoment", **{
            "moment-on": "20-12-2026", "moment-title": "Tijdens de verkeerde klok"})
        assert status == 200
        roles.sync()
        with roles.family.app_context():
            planned = next(m for m in load_child_plan(get_store(), roles.family_id, sam.id).moments
                           if m.title == "Tijdens de verkeerde klok")
        assert not planned.closed
        logged_ahead = hub.stop()

        hub.start(ahead=0)  # the clock is put right
        _url, page = karin.get("/werkplek")  # her cookie, signed a day "ahead", still counts
        assert _url == "/werkplek" and "Tijdens de verkeerde klok" not in page
        moment = f"{child_page}/evaluatie/{planned.id}"
        _url, page_before_closing = karin.get(moment)
        status, _url, _html = karin.post(moment, moment + "/afsluiten")
        assert status == 200
        roles.sync()
        with roles.family.app_context():
            closed = next(m for m in load_child_plan(get_store(), roles.family_id, sam.id).moments
                          if m.id == planned.id)
        assert closed.closed  # the closing version sorts after the open one, on the family side
        _url, hub_moment = karin.get(moment)
        assert "Dit moment afsluiten" in page_before_closing and "Dit moment afsluiten" not in hub_moment  # and on the hub

        karin.post("/werkplek", "/uitloggen")
        status, url = _sign_in(karin, login, password, secret, 0)  # not locked out by the day-ahead code
        assert (status, url) == (200, "/werkplek")

        report = subprocess.run([sys.executable, "-m", "webapp.cli", "sync-status", "--role", "hub"], env=hub.env,
                                capture_output=True, text=True, timeout=60)
        assert report.returncode == 0, report.stderr
        assert re.search(r"clock behind: the wall clock is 2[34] h \d+ min behind", report.stdout), report.stdout
        logged = hub.stop()
        assert "clock went back" in logged  # the jump is logged, without names
        for text in (login, "Karin", "Sam", sam.id, "Tijdens de verkeerde klok"):
            assert text not in logged and text not in logged_ahead and text not in report.stdout
    finally:
        hub.stop()
