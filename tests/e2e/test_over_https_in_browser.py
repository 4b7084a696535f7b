"""Chromium over https through a TLS proxy to waitress, as a real deployment runs: forms work."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.conftest import copy_of
from tests.e2e.consent_steps import kind, open_consent
from tests.tls_proxy import Deployment


@pytest.fixture
def https_site(seeded, tmp_path):
    app = copy_of(seeded, "family", tmp_path / "family", proxy_hops=1, base_url="https://127.0.0.1")
    running = Deployment(app, tmp_path)
    yield SimpleNamespace(url=running.proxy.url)
    running.stop()


def test_sign_in_consent_and_an_evaluation_work_over_https(browser, https_site):
    context = browser.new_context(ignore_https_errors=True, locale="nl-NL", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    open_consent(page, https_site, "fatima", "Lotte")
    block = kind(page, "JGZ Regio Midden", "Antwoorden bij evaluaties")
    block.get_by_role("button", name=re.compile("^Delen")).click()
    expect(kind(page, "JGZ Regio Midden", "Antwoorden bij evaluaties").locator(".consent-kind__state")
           ).to_contain_text("Gedeeld")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Start").click()
    page.locator("li.card", has=page.get_by_role("link", name="Plan van Sam")).get_by_role(
        "link", name=re.compile("Geef je antwoorden voor de evaluatie")).click()
    page.locator("li.card", has_text="Je eigen antwoorden").get_by_role("link", name="Begin met invullen").click()
    page.get_by_label("Wat ging goed? (niet verplicht)").fill("Het gaat beter met slapen.")
    page.get_by_role("button", name="Bewaren als concept").click()
    expect(page.get_by_text("Je antwoorden zijn bewaard als concept.")).to_be_visible()

    page.get_by_role("button", name="English").click()  # a plain form post over https too
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()
