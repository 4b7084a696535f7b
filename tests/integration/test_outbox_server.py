"""The server side of sending later: who is signed in now (with a fresh token), and the waiting list."""
from __future__ import annotations


def test_the_session_state_names_the_signed_in_person_only(family_app, parent):
    anonymous = family_app.test_client().get("/sessie")
    assert anonymous.get_json() == {"person": None, "token": None}
    assert anonymous.headers["Cache-Control"] == "no-store"
    state = parent.get("/sessie").get_json()
    assert state["person"] and state["token"]
    home = parent.get("/home").get_data(as_text=True)
    assert f'data-person="{state["person"]}"' in home


def test_the_waiting_list_is_a_page_of_the_family_member(family_app, parent):
    assert family_app.test_client().get("/wachtrij").status_code == 302
    page = parent.get("/wachtrij")
    assert page.status_code == 200
    assert page.headers.get("X-OnsPlan-Offline") == "1"  # kept on the phone for reading offline
    assert "Wacht op verzenden" in page.get_data(as_text=True)
