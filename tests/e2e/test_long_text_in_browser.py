"""Any text a person may type fits a 320 px phone: long words and web addresses wrap, nothing scrolls sideways."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

LONG_WORD = "Kinderopvangtoeslagaanvraagformulierinvulinstructieboekjesuitgavedatum" + "x" * 10  # 80 characters
ADDRESS = "https://www.gemeente-voorbeeld.nl/jeugd/ondersteuning/aanvraag-formulier?kind=123456789&stap=2&terug=ja"


def _fits(page, label):
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{label} is {width} px wide"


def test_long_words_and_web_addresses_fit_every_page_on_a_320_px_phone(context, family_server):
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, family_server, "fatima")

    page.goto(family_server.url + "/gezin")
    page.get_by_label("Voornaam").fill(LONG_WORD)
    page.get_by_label("Geboortedatum").fill("2014-03-31")
    page.get_by_role("button", name="Kind toevoegen").click()
    expect(page.get_by_text(LONG_WORD).first).to_be_visible()
    _fits(page, "Ons gezin")

    page.goto(family_server.url + "/home")
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_url(re.compile(r"/kind/[^/?#]+$"))
    plan_url = page.url
    page.get_by_role("link", name="Doel voorstellen").first.click()
    page.get_by_label("Wat moet er bereikt worden?").fill(f"{LONG_WORD} {ADDRESS}")
    page.get_by_label("Eigen kracht: hierop bouwen we").fill(ADDRESS)
    page.get_by_role("button", name="Doel voorstellen").click()
    page.wait_for_url(re.compile(r"/doel/[0-9a-f-]{36}$"))
    goal_url = page.url
    page.get_by_label("Je reactie").fill(f"Zie {ADDRESS} en {LONG_WORD}")
    page.get_by_role("button", name="Reactie versturen").first.click()
    expect(page.get_by_text(re.compile("Zie https://www.gemeente-voorbeeld.nl"))).to_be_visible()
    page.goto(plan_url)
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill(f"Formulier invullen op {ADDRESS}")
    page.get_by_label("Wie doet het?").select_option(index=1)
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.get_by_role("heading", name=re.compile("Formulier invullen op https"))).to_be_visible()

    child_links = page.evaluate("""() => [...document.querySelectorAll('a[href^="/kind/"]')]
        .map(a => a.getAttribute('href'))""")
    for path in ("/home", "/gezin", plan_url, goal_url, plan_url + "/afdrukken", "/toestemming", "/wie-keek-mee",
                 *{re.sub(r"^(/kind/[^/]+).*", r"\1", link) for link in child_links}):
        page.goto(path if path.startswith("http") else family_server.url + path)
        _fits(page, path)
    page.goto(family_server.url + "/home")
    page.get_by_role("link", name=f"Plan van {LONG_WORD}").click()
    page.wait_for_url(re.compile(r"/kind/[^/?#]+$"))
    _fits(page, "the plan of the child with the long name")
    assert_accessible(page)
