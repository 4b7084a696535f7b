"""Safety on the server: a session ends after the person's idle time, each person chooses that time
and discreet mode on their own settings page (kept encrypted), "not my phone" keeps nothing, and
after "Snel weg" going back leads to the neutral site."""
from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import Actions, csrf_token
from webapp.db import connect


def _sessions(app):
    db = connect(app.config["ONSPLAN"].database_path)
    try:
        return [dict(zip(("idle_seconds", "active_until", "shared_phone"), row)) for row in
                db.execute("SELECT idle_seconds, active_until, shared_phone FROM login_sessions").fetchall()]
    finally:
        db.conn.close()


def _make_idle(app):
    """As if nobody touched the phone for longer than the lock time."""
    db = connect(app.config["ONSPLAN"].database_path)
    db.execute("UPDATE login_sessions SET active_until = '2000-01-01T00:00:00+00:00'")
    db.conn.close()


def _save_settings(client, **data):
    token = csrf_token(client.get("/instellingen").get_data(as_text=True))
    return client.post("/instellingen", data={"csrf_token": token, **data})


def test_an_idle_session_ends_on_the_server(family_app, parent):
    assert parent.get("/home").status_code == 200
    _make_idle(family_app)
    response = parent.get("/home")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert _sessions(family_app) == []  # the session row is gone: signing in again is needed


def test_activity_keeps_the_session_open_for_the_lock_time(family_app, parent):
    before = _sessions(family_app)[0]
    assert before["idle_seconds"] == 600  # ten minutes unless the person chose otherwise
    assert parent.get("/home").status_code == 200
    assert _sessions(family_app)[0]["active_until"] >= before["active_until"]


def test_a_person_chooses_their_own_lock_time_and_it_applies_at_once(family_app, parent):
    response = _save_settings(parent, lock_minutes="2")
    assert response.status_code == 303
    assert "Je instellingen zijn bewaard." in parent.get("/instellingen").get_data(as_text=True)
    assert _sessions(family_app)[0]["idle_seconds"] == 120
    page = parent.get("/home").get_data(as_text=True)
    assert 'data-lock-after="120"' in page  # the page locks itself after the same time


@pytest.mark.parametrize("value", ["0", "7", "-1", "9999", "", "tien"])
def test_a_lock_time_outside_the_list_is_refused_with_a_clear_message(family_app, parent, value):
    response = _save_settings(parent, lock_minutes=value)
    assert response.status_code == 422
    assert "Kies een van de tijden uit de lijst." in response.get_data(as_text=True)
    assert _sessions(family_app)[0]["idle_seconds"] == 600  # nothing changed


def test_settings_are_per_person_and_not_readable_on_disk(family_app, parent, youth):
    assert _save_settings(parent, lock_minutes="30", discreet="y").status_code == 303
    assert "<title>Notities</title>" in parent.get("/home").get_data(as_text=True)
    assert "<title>Notities</title>" not in youth.get("/home").get_data(as_text=True)
    db = connect(family_app.config["ONSPLAN"].database_path)
    stored = [row[0] for row in db.execute("SELECT safety_settings FROM accounts").fetchall() if row[0]]
    db.conn.close()
    assert len(stored) == 1 and b"discreet" not in stored[0] and b"30" not in stored[0]


def test_settings_page_is_for_family_members_only(client, coordinator):
    assert client.get("/instellingen").status_code == 302
    assert coordinator.get("/instellingen").status_code == 404  # the hub has no such page


def test_discreet_mode_makes_the_manifest_neutral_and_never_cached(client, parent):
    plain = parent.get("/manifest.webmanifest")
    assert plain.get_json()["name"] == "OnsPlan" and plain.headers["Cache-Control"] == "no-store"
    _save_settings(parent, lock_minutes="10", discreet="y")
    manifest = parent.get("/manifest.webmanifest").get_json()
    assert manifest["name"] == manifest["short_name"] == "Notities"
    assert all("/neutral-" in icon["src"] for icon in manifest["icons"])
    assert "OnsPlan" not in str(manifest)
    page = parent.get("/home").get_data(as_text=True)
    assert "<title>Notities</title>" in page and "neutral-192.png" in page
    # This phone stays discreet after signing out (the installed app keeps its neutral name).
    parent.post("/uitloggen", data={"csrf_token": csrf_token(page)})
    assert parent.get("/manifest.webmanifest").get_json()["name"] == "Notities"
    assert "<title>Notities</title>" in parent.get("/inloggen").get_data(as_text=True)
    assert client.get("/manifest.webmanifest").get_json()["name"] == "OnsPlan"  # another phone


def test_turning_discreet_mode_off_shows_onsplan_again_on_this_phone(parent):
    _save_settings(parent, lock_minutes="10", discreet="y")
    parent.get("/home")
    _save_settings(parent, lock_minutes="10")
    assert parent.get("/manifest.webmanifest").get_json()["name"] == "OnsPlan"


def test_not_my_phone_keeps_nothing_and_the_cookie_ends_with_the_browser(family_app, client):
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post("/inloggen", data={"csrf_token": token, "login": "fatima",
                                              "password": "demo-ouder-fatima", "not_my_phone": "y"})
    assert response.status_code == 303
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("onsplan_family="))
    assert "Expires" not in cookie and "Max-Age" not in cookie
    assert _sessions(family_app)[0]["shared_phone"] == 1
    page = client.get("/home")
    assert "X-OnsPlan-Offline" not in page.headers and page.headers["Cache-Control"] == "no-store"
    assert 'data-keep="0"' in page.get_data(as_text=True)
    assert client.get("/sessie/sleutel").get_json()["key"] is None  # no key: no drafts are kept


def test_the_drafts_key_is_only_for_the_same_person(family_app, parent, youth, client):
    mine, again = parent.get("/sessie/sleutel").get_json(), parent.get("/sessie/sleutel").get_json()
    other = youth.get("/sessie/sleutel").get_json()
    assert mine["key"] and mine == again and other["key"] != mine["key"] and other["person"] != mine["person"]
    assert client.get("/sessie/sleutel").get_json() == {"person": None, "key": None}


def test_locking_ends_the_session_now(family_app, parent):
    token = csrf_token(parent.get("/home").get_data(as_text=True))
    assert parent.post("/vergrendelen", data={"csrf_token": token}, headers={"X-OnsPlan-Lock": "1"}).status_code == 204
    assert parent.get("/home").status_code == 302


def test_after_leaving_quickly_every_family_page_leads_to_the_neutral_site(family_app, parent):
    family_app.config["ONSPLAN"] = replace(family_app.config["ONSPLAN"], leave_url="https://weer.example/")
    left = parent.get("/snel-weg")
    marker = next(h for h in left.headers.getlist("Set-Cookie") if h.startswith("away="))
    assert "Max-Age=3600" in marker and "HttpOnly" in marker
    for path in ("/home", "/inloggen", "/toestemming", "/aanmelden", "/gezin"):
        response = parent.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "https://weer.example/", path
    assert parent.get("/static/css/onsplan.css").status_code == 200
    # The installed app's start address is the way back in.
    assert parent.get("/").headers["Location"].endswith("/inloggen")
    assert parent.get("/inloggen").status_code == 200
    Actions(parent).login("fatima")
    assert parent.get("/home").status_code == 200


def test_without_the_marker_setting_going_back_shows_the_sign_in_page(family_app, parent):
    family_app.config["ONSPLAN"] = replace(family_app.config["ONSPLAN"], leave_marker_minutes=0)
    parent.get("/snel-weg")
    assert parent.get("/home").status_code == 302
