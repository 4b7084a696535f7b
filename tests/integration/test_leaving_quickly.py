""""Snel weg" without a browser: signs out, sends to the deployment's neutral site, and tells the
browser to delete what OnsPlan keeps; it works for anyone, signed in or not."""
from __future__ import annotations

from dataclasses import replace


def test_leaving_quickly_signs_out_and_clears_the_phone(family_app, parent):
    family_app.config["ONSPLAN"] = replace(family_app.config["ONSPLAN"], leave_url="https://neutral.example/")
    response = parent.get("/snel-weg")
    assert response.status_code == 303 and response.headers["Location"] == "https://neutral.example/"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert response.headers["Cache-Control"] == "no-store"
    going_back = parent.get("/home")  # signed out on the server; going back leads to the neutral site
    assert going_back.status_code == 303 and going_back.headers["Location"] == "https://neutral.example/"
    assert parent.get("/").headers["Location"].endswith("/inloggen")  # the way back in
    assert parent.get("/home").status_code == 302


def test_leaving_quickly_works_when_not_signed_in(family_app):
    response = family_app.test_client().get("/snel-weg")
    assert response.status_code == 303


def test_every_family_page_has_the_button_and_the_hub_has_none(parent, coordinator):
    for path in ("/home", "/toestemming", "/gezin"):
        assert 'href="/snel-weg"' in parent.get(path).get_data(as_text=True)
    assert "snel-weg" not in coordinator.get("/werkplek").get_data(as_text=True)


def test_the_neutral_site_is_set_per_deployment(tmp_path, monkeypatch):
    from tests.conftest import make_app

    monkeypatch.setenv("ONSPLAN_LEAVE_URL", "https://weer.example/vandaag")
    app = make_app("family", tmp_path, environ=None)
    assert app.config["ONSPLAN"].leave_url == "https://weer.example/vandaag"
