"""Headers, cookies, CSP and strict configuration: the security baseline of both roles."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import Actions, csrf_token, make_app
from webapp.config import ConfigError, load_config


def test_every_page_has_a_strict_content_security_policy(client):
    response = client.get("/inloggen")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_event_handlers(parent):
    for path in ("/inloggen", "/home", "/gezin", "/offline"):
        page = parent.get(path).get_data(as_text=True)
        assert "<script>" not in page and " onclick=" not in page and "javascript:" not in page


def test_session_cookie_is_httponly_and_samesite(family_app):
    client = family_app.test_client()
    response = Actions(client).login("fatima")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("onsplan_family="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_when_served_over_https(tmp_path):
    app = make_app("family", tmp_path, base_url="https://plan.example.nl")
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("secret, reason", [
    ("", "No secret key is set"),
    ("dev", "too weak"),
    ("a" * 40, "too weak"),
    ("short-but-random-Zx81", "too weak"),
])
def test_start_is_refused_without_a_strong_secret(tmp_path, secret, reason):
    with pytest.raises(ConfigError, match=reason):
        load_config(role="family", data_dir=tmp_path, environ={"ONSPLAN_SECRET_KEY": secret})


def test_unknown_setting_in_the_config_file_is_named(tmp_path):
    config_file = tmp_path / "onsplan.toml"
    config_file.write_text('[onsplan]\nrole = "hub"\nsecrte_key = "x"\n')
    with pytest.raises(ConfigError, match="secrte_key"):
        load_config(config_file=config_file, environ={})


def test_config_file_and_environment_configure_a_real_deployment(tmp_path):
    config_file = tmp_path / "onsplan.toml"
    config_file.write_text(f'[onsplan]\nrole = "hub"\ndata_dir = "{tmp_path}"\nport = 8123\n'
                           'base_url = "https://hub.example.nl"\n')
    config = load_config(config_file=config_file,
                         environ={"ONSPLAN_SECRET_KEY": "Q8v2-pLk9_zX3mN7rT1wY5uH0jG4fD6sA"})
    assert (config.role, config.port, config.secure_cookies) == ("hub", 8123, True)


def test_serve_command_says_why_it_refuses_to_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "webapp.cli", "serve", "--role", "family"],
        env={"ONSPLAN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "No secret key is set" in result.stderr


def test_server_error_page_shows_no_exception_text(family_app, caplog):
    @family_app.get("/boom-for-test")
    def boom():
        raise RuntimeError("Fatima de Vries secret detail")

    response = family_app.test_client().get("/boom-for-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in page and "kenmerk" in page
    assert "Fatima" not in page and "secret detail" not in page
    assert "Fatima" not in caplog.text


def test_not_found_page_is_in_the_chosen_language(client):
    assert "Pagina niet gevonden" in client.get("/bestaat-niet").get_data(as_text=True)
    client.set_cookie("onsplan_lang", "en")
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_language_switch_is_remembered_and_only_redirects_locally(actions, client):
    response = actions.post_form("/inloggen", "/taal", language="en", next="/inloggen")
    assert response.status_code == 303 and response.headers["Location"] == "/inloggen"
    assert "Sign in to see the plan of your family." in client.get("/inloggen").get_data(as_text=True)
    evil = actions.post_form("/inloggen", "/taal", language="nl", next="//evil.example/")
    assert evil.headers["Location"] == "/"


def test_static_assets_are_compressed_but_pages_are_not(parent):
    accept = {"Accept-Encoding": "gzip, br"}
    script = parent.get("/static/js/htmx-2.0.11.min.js", headers=accept)
    assert script.headers.get("Content-Encoding") in ("gzip", "br")
    assert len(script.get_data()) < 25_000
    page = parent.get("/home", headers=accept)
    assert "Content-Encoding" not in page.headers  # a page with a CSRF token is never compressed (BREACH)


def test_behind_a_proxy_rate_limits_count_per_client_not_per_proxy(tmp_path):
    from webapp.demo import seed_family

    app = make_app("family", tmp_path, login_rate_limit="2 per minute", proxy_hops=1)
    seed_family(app, make_app("hub", tmp_path / "hub"))
    one, two = Actions(app.test_client()), Actions(app.test_client())
    as_client = lambda address: {"X-Forwarded-For": address}  # noqa: E731
    for _ in range(2):
        token = csrf_token(one.client.get("/inloggen").get_data(as_text=True))
        one.client.post("/inloggen", data={"csrf_token": token, "login": "x", "password": "y"},
                        headers=as_client("127.0.0.7"))
    token = csrf_token(one.client.get("/inloggen").get_data(as_text=True))
    assert one.client.post("/inloggen", data={"csrf_token": token, "login": "x", "password": "y"},
                           headers=as_client("127.0.0.7")).status_code == 429
    token = csrf_token(two.client.get("/inloggen").get_data(as_text=True))
    assert two.client.post("/inloggen", data={"csrf_token": token, "login": "x", "password": "y"},
                           headers=as_client("127.0.0.9")).status_code == 422


def test_every_setting_is_documented_in_the_readme():
    from pathlib import Path

    from webapp.config import SETTINGS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [name for name in SETTINGS
               if f"`{name}`" not in readme or f"`ONSPLAN_{name.upper()}`" not in readme]
    assert not missing, f"document these settings in README.md: {missing}"


@pytest.mark.parametrize("role_app", ["family_app", "hub_app"])
def test_a_static_name_too_long_for_the_file_system_is_not_found(request, role_app):
    app = request.getfixturevalue(role_app)
    for length in (256, 300, 5000):
        assert app.test_client().get("/static/" + "a" * length).status_code == 404
