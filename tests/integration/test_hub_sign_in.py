"""Professionals sign in on the hub with a password and a TOTP code, each code once."""
from __future__ import annotations

import time

import pyotp

from tests.conftest import Actions
from webapp.demo import DEMO_PASSWORDS

DAY_SECONDS = 24 * 3600


def _secret(hub_app, login):
    return next(row[3] for row in hub_app.demo_logins.hub if row[1] == login)


def _password_step(client, login="karin"):
    return Actions(client).post_form("/inloggen", login=login, password=DEMO_PASSWORDS[login])


def test_coordinator_signs_in_with_password_and_code(hub_app):
    client = hub_app.test_client()
    first = _password_step(client)
    assert first.status_code == 303 and "/inloggen/code" in first.headers["Location"]
    assert client.get("/werkplek").status_code == 302  # the password alone is not enough
    second = Actions(client).post_form("/inloggen/code", code=pyotp.TOTP(_secret(hub_app, "karin")).now())
    assert second.status_code == 303
    page = client.get("/werkplek").get_data(as_text=True)
    assert "Wijkteam Oost" in page


def test_a_wrong_code_is_refused_with_a_clear_message(hub_app):
    client = hub_app.test_client()
    _password_step(client)
    response = Actions(client).post_form("/inloggen/code", code="000000")
    assert response.status_code == 422
    assert "Deze code klopt niet" in response.get_data(as_text=True)


def test_a_code_cannot_be_used_twice(hub_app):
    code = pyotp.TOTP(_secret(hub_app, "karin")).now()
    first = hub_app.test_client()
    _password_step(first)
    assert Actions(first).post_form("/inloggen/code", code=code).status_code == 303
    replay = hub_app.test_client()
    _password_step(replay)
    assert Actions(replay).post_form("/inloggen/code", code=code).status_code == 422


def test_the_code_step_without_a_password_goes_back_to_sign_in(hub_app):
    response = hub_app.test_client().get("/inloggen/code")
    assert response.status_code == 303 and response.headers["Location"].endswith("/inloggen")


def test_wrong_hub_password_gets_the_generic_message(hub_app):
    response = Actions(hub_app.test_client()).post_form("/inloggen", login="karin", password="wrong-password-1")
    assert response.status_code == 422
    assert "horen niet bij elkaar" in response.get_data(as_text=True)


def test_family_pages_do_not_exist_on_the_hub(hub_app):
    client = hub_app.test_client()
    assert client.get("/gezin").status_code == 404
    assert client.get("/aanmelden").status_code == 404


def test_a_code_step_from_a_clock_that_ran_ahead_locks_nobody_out_and_no_code_counts_twice(hub_app):
    from webapp.auth import queries
    from webapp.db import get_db

    with hub_app.app_context():
        db = get_db()
        professional = db.execute("SELECT id FROM professionals LIMIT 1").fetchone()[0]
        now = int(time.time()) // 30
        assert queries.claim_totp_step(db, professional, now + 2880)  # signed in while a day ahead
        assert queries.claim_totp_step(db, professional, now)  # the clock is right again: not locked out
        assert not queries.claim_totp_step(db, professional, now)  # the same code again: refused
        assert not queries.claim_totp_step(db, professional, now - 1)  # an older one too
        assert queries.claim_totp_step(db, professional, now + 1)


def test_a_session_cookie_signed_ahead_counts_up_to_two_days_and_not_beyond(hub_app):
    import time_machine

    client = hub_app.test_client()
    for ahead, still_signed_in in ((DAY_SECONDS, True), (3 * DAY_SECONDS, False)):
        client.delete_cookie("onsplan_hub")
        with time_machine.travel(time.time() + ahead, tick=False):
            Actions(client).professional_login(hub_app, "karin")
        response = client.get("/werkplek")
        assert (response.status_code == 200) is still_signed_in, ahead
