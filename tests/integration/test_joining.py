"""Parents and youths join with one-time invitation codes that expire."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Actions, csrf_token
from webapp.db import connect
from webapp.family.invitations import issue_invitation
from webapp.records import get_store
from webapp.db import get_db


def _join(client, code: str, **account):
    actions = Actions(client)
    step1 = actions.post_form("/aanmelden", code=code)
    if step1.status_code != 303:
        return step1
    return actions.post_form("/aanmelden/account", **account)


def _new_family_code(app) -> str:
    with app.app_context():
        db = get_db()
        family_id = get_store().create_family()
        code, _ = issue_invitation(db, family_id=family_id, role="parent", person_id=None,
                                   created_by="test", days=7)
    return code


ACCOUNT = {"name": "Ayla Demir", "login": "ayla", "password": "een lange zin", "password_again": "een lange zin"}


def test_first_parent_joins_with_a_code_and_lands_on_home(family_app):
    client = family_app.test_client()
    response = _join(client, _new_family_code(family_app), **ACCOUNT)
    assert response.status_code == 303
    assert "Hallo Ayla Demir" in client.get("/home").get_data(as_text=True)


def test_code_is_accepted_with_lower_case_and_without_dashes(family_app):
    code = _new_family_code(family_app).replace("-", " ").lower()
    assert _join(family_app.test_client(), code, **ACCOUNT).status_code == 303


def test_code_works_only_once(family_app):
    code = _new_family_code(family_app)
    assert _join(family_app.test_client(), code, **ACCOUNT).status_code == 303
    second = _join(family_app.test_client(), code, **{**ACCOUNT, "login": "ayla2"})
    assert second.status_code == 422
    assert "Deze code werkt niet" in second.get_data(as_text=True)


def test_expired_code_is_refused(family_app):
    code = _new_family_code(family_app)
    db = connect(family_app.config["ONSPLAN"].database_path)
    db.execute("UPDATE invitations SET expires_at = '2000-01-01T00:00:00+00:00'")
    response = _join(family_app.test_client(), code, **ACCOUNT)
    assert response.status_code == 422
    assert "verlopen" in response.get_data(as_text=True)


def test_bad_account_form_keeps_values_and_explains(family_app):
    client = family_app.test_client()
    response = _join(client, _new_family_code(family_app), name="Ayla", login="a!", password="kort",
                     password_again="anders")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Gebruik 3 tot 40 tekens" in page
    assert "Gebruik minstens 10 tekens." in page
    assert 'value="Ayla"' in page


def test_parent_invites_the_other_parent_who_then_signs_in(family_app, parent):
    page = parent.get("/gezin").get_data(as_text=True)
    daan = family_app.demo_logins  # codes printed by the demo are replaced by the parent's new code
    response = parent.post("/gezin/uitnodigen", data={"csrf_token": csrf_token(page),
                                                     "person_id": _person_id(page, "Daan de Vries")})
    assert response.status_code == 200
    code = _code_on(response.get_data(as_text=True))
    other = family_app.test_client()
    assert _join(other, code, login="daan", password="daan zijn zin", password_again="daan zijn zin").status_code == 303
    assert "Hallo Daan de Vries" in other.get("/home").get_data(as_text=True)
    assert daan.invitations  # the demo's earlier code existed …
    assert _join(family_app.test_client(), daan.invitations[0][1], **ACCOUNT).status_code == 422  # … and stopped


def test_youth_account_is_refused_for_a_child_under_12(family_app, parent):
    page = parent.get("/gezin").get_data(as_text=True)
    assert _person_id(page, "Lotte") is None  # not offered
    lotte = _member_id(family_app, "Lotte")
    response = parent.post("/gezin/uitnodigen", data={"csrf_token": csrf_token(page), "person_id": lotte})
    assert response.status_code == 422
    assert "vanaf 12 jaar" in response.get_data(as_text=True)
    db = connect(family_app.config["ONSPLAN"].database_path)
    assert db.execute("SELECT COUNT(*) FROM invitations WHERE person_id = ?", [lotte]).fetchone()[0] == 0


def test_youth_cannot_invite_or_add_family_members(youth):
    page = youth.get("/gezin").get_data(as_text=True)
    assert "Uitnodigingscode maken" not in page
    response = youth.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "X",
                                              "child-birth_date": "2015-01-01", "child-school_stage": "po"})
    assert response.status_code == 403


def test_parent_adds_a_child_and_bad_dates_are_explained(parent):
    page = parent.get("/gezin").get_data(as_text=True)
    future = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mila",
                                             "child-birth_date": "2999-01-01", "child-school_stage": "po"})
    assert future.status_code == 422
    assert "niet in de toekomst" in future.get_data(as_text=True)
    assert 'value="Mila"' in future.get_data(as_text=True)
    ok = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mila",
                                         "child-birth_date": "2018-06-01", "child-school_stage": "po"})
    assert ok.status_code == 303
    assert "Mila" in parent.get("/gezin").get_data(as_text=True)


def _person_id(page: str, name: str) -> str | None:
    import re
    match = re.search(r'<option value="([^"]+)">' + re.escape(name) + "</option>", page)
    return match.group(1) if match else None


def _member_id(app, name: str) -> str:
    from webapp.people.members import family_members
    from webapp.records import get_meta
    with app.app_context():
        db = get_db()
        family_id = get_meta(db, "demo_family")
        return next(p.id for p in family_members(get_store(), family_id) if p.name == name)


def _code_on(page: str) -> str:
    import re
    return re.search(r'<p class="code" lang="en">([A-Z0-9-]+)</p>', page).group(1)


def test_a_youth_of_13_joins_and_sees_only_their_own_plan(family_app, parent):
    from datetime import date
    page = parent.get("/gezin").get_data(as_text=True)
    birth = date.today().replace(year=date.today().year - 13, month=1, day=1).isoformat()
    parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mees",
                                     "child-birth_date": birth, "child-school_stage": "vo"})
    page = parent.get("/gezin").get_data(as_text=True)
    response = parent.post("/gezin/uitnodigen", data={"csrf_token": csrf_token(page),
                                                     "person_id": _person_id(page, "Mees")})
    code = _code_on(response.get_data(as_text=True))
    mees = family_app.test_client()
    assert _join(mees, code, login="mees", password="mees zijn zin!", password_again="mees zijn zin!").status_code == 303
    home = mees.get("/home").get_data(as_text=True)
    assert "Hallo Mees" in home and "Je plan bekijken" in home
    assert "Plan van Sam" not in home and "Plan van Lotte" not in home
    assert mees.get("/gezin").status_code == 200
    assert "Uitnodigingscode maken" not in mees.get("/gezin").get_data(as_text=True)


def test_a_code_used_by_someone_else_meanwhile_stores_nothing(family_app):
    code = _new_family_code(family_app)
    first, second = family_app.test_client(), family_app.test_client()
    assert Actions(first).post_form("/aanmelden", code=code).status_code == 303
    assert Actions(second).post_form("/aanmelden", code=code).status_code == 303  # both passed step 1
    second_token = csrf_token(second.get("/aanmelden/account").get_data(as_text=True))  # form open on 2 phones
    assert Actions(first).post_form("/aanmelden/account", **ACCOUNT).status_code == 303
    db = connect(family_app.config["ONSPLAN"].database_path)
    accounts, records = (db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("accounts", "records"))
    late = second.post("/aanmelden/account", data={"csrf_token": second_token, **ACCOUNT, "login": "ayla-late"})
    assert late.status_code == 303 and late.headers["Location"].endswith("/aanmelden")
    assert "Deze code werkt niet" in second.get("/aanmelden").get_data(as_text=True)
    assert db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == accounts
    assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == records


@pytest.mark.parametrize("typed, born", [("31-03-2014", date(2014, 3, 31)), ("2014-03-31", date(2014, 3, 31)),
                                         ("1-3-2014", date(2014, 3, 1)), ("01/03/2014", date(2014, 3, 1))])
def test_a_child_is_added_with_a_date_typed_the_dutch_way(family_app, parent, typed, born):
    from tests.integration.consent_helpers import person

    page = parent.get("/gezin").get_data(as_text=True)
    response = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mila",
                                                "child-birth_date": typed, "child-school_stage": "po"})
    assert response.status_code == 303
    assert "Mila is toegevoegd aan je gezin." in parent.get("/gezin").get_data(as_text=True)
    assert person(family_app, "Mila").birth_date == born


@pytest.mark.parametrize("typed", ["2015-02-30", "31-02-2015", "-0005-01-01", "8", "-507", "abc", " x ", "9" * 500])
def test_a_birth_date_that_cannot_be_read_is_a_message_at_the_field(family_app, parent, typed):
    from tests.integration.consent_helpers import count

    before = count(family_app, "person")
    page = parent.get("/gezin").get_data(as_text=True)
    response = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mila",
                                                "child-birth_date": typed, "child-school_stage": "po"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Vul een geboortedatum in, bijvoorbeeld 31-03-2014." in text
    assert 'value="Mila"' in text  # what was typed is kept
    assert count(family_app, "person") == before


def test_the_invitation_code_never_travels_in_the_session_cookie(family_app, client):
    from flask.sessions import SecureCookieSessionInterface

    code = family_app.demo_logins.invitations[0][1]
    page = client.get("/aanmelden").get_data(as_text=True)
    response = client.post("/aanmelden", data={"csrf_token": csrf_token(page), "code": code})
    assert response.status_code == 303
    serializer = SecureCookieSessionInterface().get_signing_serializer(family_app)
    cookie = client.get_cookie(family_app.config["SESSION_COOKIE_NAME"])
    session = serializer.loads(cookie.value)
    assert code not in repr(session) and code.replace("-", "") not in repr(session)
    step_two = client.get("/aanmelden/account")
    assert step_two.status_code == 200 and "<h1>Maak je account</h1>" in step_two.get_data(as_text=True)


@pytest.mark.parametrize("typed", [" ", "\t", ""])
def test_a_birth_date_of_only_spaces_asks_for_a_date(family_app, parent, typed):
    page = parent.get("/gezin").get_data(as_text=True)
    response = parent.post("/gezin/kind", data={"csrf_token": csrf_token(page), "child-name": "Mila",
                                                "child-birth_date": typed, "child-school_stage": "po"})
    assert response.status_code == 422
    assert "Vul een geboortedatum in, bijvoorbeeld 31-03-2014." in response.get_data(as_text=True)


def test_someone_who_guesses_the_rest_of_a_code_waits_longer_after_each_wrong_try(family_app):
    code = _new_family_code(family_app).replace("-", "")
    other = _new_family_code(family_app)
    guesses = [code[:4] + ("A" if code[4] != "A" else "B") + code[5:11] + str(n + 2) for n in range(5)]
    guesses = [g for g in guesses if g != code]
    attacker = Actions(family_app.test_client())
    statuses = [attacker.post_form("/aanmelden", code=guess).status_code for guess in guesses]
    assert statuses[:4] == [422] * 4
    # From the fifth wrong try the code waits, also for the right code, also from another browser.
    right = Actions(family_app.test_client()).post_form("/aanmelden", code=code)
    assert right.status_code == 429
    assert "Te vaak een verkeerde code geprobeerd" in right.get_data(as_text=True)
    # Another code is not affected.
    assert Actions(family_app.test_client()).post_form("/aanmelden", code=other).status_code == 303
    # When the wait is over, the right code works (and the count starts again).
    db = connect(family_app.config["ONSPLAN"].database_path)
    db.execute("UPDATE sign_in_failures SET blocked_until = '2000-01-01T00:00:00+00:00'")
    assert _join(family_app.test_client(), code, **ACCOUNT).status_code == 303
