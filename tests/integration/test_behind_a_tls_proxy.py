"""OnsPlan as it really runs: waitress behind a TLS-terminating proxy, reached over https."""
from __future__ import annotations

import re
import pytest

from tests.conftest import copy_of
from tests.tls_proxy import Deployment
from webapp.demo import DEMO_PASSWORDS


@pytest.fixture
def deployment(seeded, tmp_path):
    app = copy_of(seeded, "family", tmp_path / "family", proxy_hops=1, base_url="https://plan.example.nl",
                  login_rate_limit="3 per minute")
    running = Deployment(app, tmp_path)
    yield running
    running.stop()


def _request(deployment, method, path, source_ip="127.0.0.1", body=None, cookie=None, headers=None):
    connection = deployment.connection(source_ip)
    all_headers = {**(headers or {})}
    if cookie:
        all_headers["Cookie"] = cookie
    if body is not None:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    return response, response.read().decode(errors="replace")


def _failed_sign_in(deployment, source_ip, pretend: str | None = None):
    response, page = _request(deployment, "GET", "/inloggen", source_ip)
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    origin = f"https://127.0.0.1:{deployment.proxy.port}"
    response, _ = _request(deployment, "POST", "/inloggen", source_ip, cookie=cookie,
                           body=f"csrf_token={token}&login=fatima&password=wrong-password",
                           headers={"Origin": origin, "Referer": origin + "/inloggen",
                                    **({"X-Forwarded-For": pretend} if pretend else {})})
    return response.status


def test_pages_over_https_carry_hsts_and_secure_cookies(deployment):
    response, _page = _request(deployment, "GET", "/inloggen")
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=")
    assert "Secure" in response.getheader("Set-Cookie")


def test_sign_in_limits_count_per_client_behind_the_proxy(deployment):
    assert [_failed_sign_in(deployment, "127.0.0.2") for _ in range(4)] == [422, 422, 422, 429]
    assert _failed_sign_in(deployment, "127.0.0.3") == 422  # another client is not locked out


def test_a_client_cannot_pretend_to_be_another_address(deployment):
    """The proxy replaces what the client sends; the app trusts one hop only."""
    for n in range(3):
        assert _failed_sign_in(deployment, "127.0.0.4", pretend=f"10.9.9.{n}") == 422
    assert _failed_sign_in(deployment, "127.0.0.4", pretend="10.9.9.99") == 429


def test_correct_sign_in_over_https_works(deployment):
    response, page = _request(deployment, "GET", "/inloggen")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    origin = f"https://127.0.0.1:{deployment.proxy.port}"
    response, _ = _request(deployment, "POST", "/inloggen", cookie=cookie, headers={"Referer": origin + "/inloggen"},
                           body=f"csrf_token={token}&login=fatima&password={DEMO_PASSWORDS['fatima']}")
    assert response.status == 303
