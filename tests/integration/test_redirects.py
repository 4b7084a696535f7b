"""After signing in or switching language, OnsPlan sends people only to its own pages."""
from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Actions, csrf_token
from webapp.auth import local_path
from webapp.demo import DEMO_PASSWORDS

ESCAPES = ["/\t/evil.example/x", "/%09/evil.example/x", "/\n/evil.example", "/\r\n/evil.example", "\\\\evil.example",
           "/\\evil.example", " //evil.example", "\t//evil.example", "https://evil.example/", "//evil.example",
           "/\x00/evil.example", "javascript:alert(1)", "/\u3000/evil.example"]


def _stays_here(location: str) -> bool:
    """What a browser would do with the Location: the same tidy-up, then it must be a path here."""
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r").strip()
    parts = urlsplit(cleaned)
    return (not parts.scheme and not parts.netloc and cleaned.startswith("/") and not cleaned.startswith("//")
            and "\\" not in cleaned)


@pytest.mark.parametrize("target", ESCAPES)
def test_family_sign_in_never_redirects_to_another_site(client, target):
    page = client.get("/inloggen").get_data(as_text=True)
    response = client.post("/inloggen", query_string={"next": target},
                           data={"csrf_token": csrf_token(page), "login": "fatima",
                                 "password": DEMO_PASSWORDS["fatima"]})
    assert response.status_code == 303
    assert _stays_here(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", ESCAPES)
def test_language_switch_never_redirects_to_another_site(client, target):
    page = client.get("/inloggen").get_data(as_text=True)
    response = client.post("/taal", data={"csrf_token": csrf_token(page), "language": "en", "next": target})
    assert response.status_code == 303
    assert _stays_here(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", ESCAPES[:4])
def test_hub_sign_in_never_redirects_to_another_site_after_the_second_factor(hub_app, target):
    client = hub_app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    first = client.post("/inloggen", query_string={"next": target},
                        data={"csrf_token": csrf_token(page), "login": "karin", "password": DEMO_PASSWORDS["karin"]})
    assert first.status_code == 303 and _stays_here(first.headers["Location"])
    secret = next(row[3] for row in hub_app.demo_logins.hub if row[1] == "karin")
    second_page = client.get(first.headers["Location"]).get_data(as_text=True)
    second = client.post(first.headers["Location"], data={"csrf_token": csrf_token(second_page),
                                                          "code": pyotp.TOTP(secret).now()})
    assert second.status_code == 303
    assert _stays_here(second.headers["Location"]), second.headers["Location"]


def test_a_local_next_is_still_followed(client):
    assert Actions(client).post_form("/inloggen", action="/inloggen?next=/toestemming", login="fatima",
                                     password=DEMO_PASSWORDS["fatima"]).headers["Location"].endswith("/toestemming")


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_next_is_a_path_here_or_refused(target):
    result = local_path(target)
    assert result is None or _stays_here(result)
