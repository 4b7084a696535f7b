"""Family members sign in and out; failures say one generic thing; logins are rate limited."""
from __future__ import annotations

import pytest

from tests.conftest import Actions, csrf_token, make_app
from webapp.demo import seed_family


def test_parent_signs_in_and_sees_the_family_home(parent):
    page = parent.get("/home").get_data(as_text=True)
    assert "Hallo Fatima de Vries" in page
    assert "Lotte" in page and "Sam" in page and "Noor" in page


def test_visitor_is_sent_to_sign_in_with_a_message(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]


def test_wrong_password_and_unknown_user_get_the_same_message(actions):
    wrong = actions.login("fatima", "not-her-password").get_data(as_text=True)
    unknown = actions.login("nobody-here", "not-her-password").get_data(as_text=True)
    message = "Deze gebruikersnaam en dit wachtwoord horen niet bij elkaar."
    assert message in wrong and message in unknown


def test_empty_login_form_keeps_username_and_explains_each_field(actions):
    response = actions.login("fatima", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul je wachtwoord in." in page
    assert 'value="fatima"' in page


def test_signing_in_starts_a_new_session(family_app):
    client = family_app.test_client()
    client.get("/inloggen")
    before = client.get_cookie("onsplan_family").value
    Actions(client).login("fatima")
    after = client.get_cookie("onsplan_family").value
    assert before != after


def test_sign_out_ends_the_session_on_the_server(family_app, parent):
    stolen_cookie = parent.get_cookie("onsplan_family").value
    page = parent.get("/home").get_data(as_text=True)
    parent.post("/uitloggen", data={"csrf_token": csrf_token(page)})
    thief = family_app.test_client()
    thief.set_cookie("onsplan_family", stolen_cookie)
    assert thief.get("/home").status_code == 302


def test_login_is_rate_limited(tmp_path):
    app = make_app("family", tmp_path, login_rate_limit="3 per minute")
    seed_family(app, make_app("hub", tmp_path / "hub"))
    actions = Actions(app.test_client())
    statuses = [actions.login("fatima", "wrong-password-x").status_code for _ in range(4)]
    assert statuses[:3] == [422, 422, 422]
    assert statuses[3] == 429
    assert "Te veel pogingen" in actions.login("fatima").get_data(as_text=True)


def test_post_without_csrf_token_is_refused_and_changes_nothing(family_app, parent):
    response = parent.post("/gezin/kind", data={"child-name": "Mila", "child-birth_date": "2015-05-05",
                                               "child-school_stage": "po"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)
    assert "Mila" not in parent.get("/gezin").get_data(as_text=True)


@pytest.mark.parametrize("role, login", [("family", "fatima"), ("hub", "karin")])
def test_an_unknown_username_costs_the_same_hashing_as_a_wrong_password(family_app, hub_app, monkeypatch, role, login):
    """Counted, not timed: each failed sign-in runs argon2 exactly once, known user or not."""
    from argon2 import PasswordHasher

    calls: list[str] = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "hash", lambda self, *a, **k: calls.append("hash") or real_hash(self, *a, **k))
    monkeypatch.setattr(PasswordHasher, "verify",
                        lambda self, *a, **k: calls.append("verify") or real_verify(self, *a, **k))
    client = (family_app if role == "family" else hub_app).test_client()
    Actions(client).login("nobody-by-this-name", "wrong password 123")  # makes the dummy hash once
    counts = []
    for name in (login, "nobody-by-this-name", "another-unknown-name"):
        calls.clear()
        assert Actions(client).login(name, "wrong password 123").status_code == 422
        counts.append(list(calls))
    assert counts == [["verify"]] * 3


def _try(app, login, password, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Actions(client).login(login, password)


@pytest.mark.parametrize("login", ["fatima", "nobody-with-this-name"])
def test_guessing_one_username_from_many_addresses_has_to_wait(family_app, login):
    statuses = [_try(family_app, login, "wrong password 123", f"127.0.0.{n + 10}").status_code for n in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    refused = _try(family_app, login, "wrong password 123", "127.0.0.99")
    assert refused.status_code == 429
    assert "Voor je veiligheid kun je het om" in refused.get_data(as_text=True)
    if login == "fatima":  # even the right password waits: the wait says nothing about the password
        assert _try(family_app, "fatima", None, "127.0.0.98").status_code == 429
    assert _try(family_app, "sam", None, "127.0.0.97").status_code == 303  # other people sign in as usual


def test_after_the_wait_the_real_person_signs_in_and_the_count_starts_again(family_app):
    from webapp.db import connect

    for n in range(4):
        _try(family_app, "fatima", "wrong password 123", f"127.0.0.{n + 10}")
    db = connect(family_app.config["ONSPLAN"].database_path)
    db.execute("UPDATE sign_in_failures SET blocked_until = '2000-01-01T00:00:00+00:00'")  # the wait is over
    db.conn.close()
    assert _try(family_app, "fatima", None, "127.0.0.20").status_code == 303
    assert _try(family_app, "fatima", "wrong password 123", "127.0.0.21").status_code == 422


def test_a_professional_username_waits_too(hub_app):
    statuses = [_try(hub_app, "karin", "wrong password 123", f"127.0.0.{n + 10}").status_code for n in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
