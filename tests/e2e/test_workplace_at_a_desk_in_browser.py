"""The workplace at a desk: at 1280 px it uses the width (the caseload in columns side by side),
and a child's page still reads as one column of forms; in Chromium against a real hub."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_app
from tests.e2e.conftest import Server, assert_accessible, professional_sign_in
from webapp.demo import seed_family


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk")
    hub_app, family_app = make_app("hub", root / "hub"), make_app("family", root / "family")
    seed_family(family_app, hub_app)  # the demo family shares with the wijkteam
    server = Server(hub_app)
    yield server
    server.stop()


def test_at_1280_px_the_caseload_uses_the_width_and_the_childs_page_does_not_overflow(browser, hub):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
    professional_sign_in(page, hub)
    page.wait_for_load_state("load")  # the workplace's own stylesheet too
    main_width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert main_width > 1000, main_width  # not the phone's 48rem column
    tops = page.evaluate("[...document.querySelectorAll('.card-list > .card')].map(c => c.getBoundingClientRect().top)")
    assert len(tops) >= 3 and len({round(t) for t in tops[:3]}) == 1, tops  # three children side by side
    expect(page.get_by_role("search").get_by_label("Zoeken op voornaam")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Sam, ")).click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    panel = page.evaluate("document.querySelector('#moment').getBoundingClientRect().width")
    assert panel <= 48 * 16 + 60, panel  # forms stay a readable width (48rem and padding)
    assert_accessible(page)


def test_the_admins_list_of_grounds_and_emergencies_reads_well_and_pages(browser, hub):
    from tests.integration.sync_helpers import record_grounds

    record_grounds(hub.app, 55)
    page = browser.new_context(viewport={"width": 320, "height": 700}, locale="nl-NL").new_page()
    professional_sign_in(page, hub)
    page.get_by_role("link", name="Alle 55 bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wettelijke gronden en noodsituaties")
    expect(page.locator("main li", has_text="Beschikking")).to_have_count(50)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.get_by_role("link", name="Ouder").click()
    expect(page.locator("main li", has_text="Beschikking")).to_have_count(5)
    assert_accessible(page)
