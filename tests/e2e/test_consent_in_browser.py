"""Families give and withdraw consent in a real browser: who decides by age and domain, confirmation,
history, the access overview, accessibility and phones."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.consent_steps import card, kind, open_consent, state

PLAN, EVALUATIONS = "Het plan en de doelen", "Antwoorden bij evaluaties"


def _second_person(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_youth_of_14_and_parent_both_consent_then_the_youth_withdraws_and_the_parent_cannot_override(
        page, browser, family_server):
    open_consent(page, family_server, "fatima", "Sam")
    kind(page, "JGZ Regio Midden", PLAN).get_by_role("button", name=re.compile("^Delen")).click()
    expect(state(page, "JGZ Regio Midden", PLAN)).to_have_text("Wacht op toestemming van Sam")

    sam_context, sam = _second_person(browser)
    sign_in(sam, family_server, "sam")
    sam.goto(family_server.url + "/toestemming")
    notice = sam.locator(".consent-notice", has_text="Je ouders willen dit delen.")
    expect(notice).to_contain_text("JGZ Regio Midden: Het plan en de doelen")
    notice.get_by_role("link", name=re.compile("^Beslis over delen")).click()
    expect(state(sam, "JGZ Regio Midden", PLAN)).to_have_text("Wacht op jouw toestemming")
    kind(sam, "JGZ Regio Midden", PLAN).get_by_role("button", name=re.compile("^Delen")).click()
    expect(state(sam, "JGZ Regio Midden", PLAN)).to_have_text("Gedeeld")

    page.reload()
    expect(state(page, "JGZ Regio Midden", PLAN)).to_have_text("Gedeeld")

    kind(sam, "JGZ Regio Midden", PLAN).get_by_role("link", name=re.compile("^Stoppen met delen")).click()
    expect(sam.get_by_role("heading", name="Stoppen met delen met JGZ Regio Midden?")).to_be_visible()
    expect(sam.get_by_text("Vanaf dan kan JGZ Regio Midden dit niet meer zien.")).to_be_visible()
    sam.get_by_role("button", name="Ja, stop met delen").click()
    expect(state(sam, "JGZ Regio Midden", PLAN)).to_have_text("Niet gedeeld")
    sam_context.close()

    page.reload()
    block = kind(page, "JGZ Regio Midden", PLAN)
    expect(block.locator(".consent-kind__state")).to_have_text("Niet gedeeld")
    expect(block).to_contain_text("Sam is niet meer akkoord met delen. Praat erover met Sam: alleen Sam kan dat veranderen.")
    expect(block.get_by_role("button", name=re.compile("^Delen"))).to_have_count(0)


def _one_shares_the_other_only_sees_it(page, browser, server, decider, onlooker, organisation, label, why,
                                       onlooker_sees="Gedeeld"):
    """`decider` shares Noor's information in one tap; `onlooker` sees `onlooker_sees`, with why, without a button."""
    open_consent(page, server, decider, "Noor")
    kind(page, organisation, label).get_by_role("button", name=re.compile("^Delen")).click()
    expect(state(page, organisation, label)).to_have_text("Gedeeld")
    other_context, other = _second_person(browser)
    open_consent(other, server, onlooker, "Noor")
    expect(card(other, organisation)).to_contain_text(why)
    expect(state(other, organisation, label)).to_have_text(onlooker_sees)
    expect(card(other, organisation).get_by_role("button")).to_have_count(0)
    expect(card(other, organisation).get_by_role("link", name=re.compile("^Stoppen met delen"))).to_have_count(0)
    other_context.close()


def test_youth_of_17_decides_alone_about_help(page, browser, family_server):
    _one_shares_the_other_only_sees_it(
        page, browser, family_server, "noor", "fatima", "JGZ Regio Midden", PLAN,
        "Noor is 16 jaar of ouder en beslist zelf over delen met hulp en gezondheid.",
        onlooker_sees="Noor beslist dit zelf")  # the parent sees who decides, not what Noor decided


def test_parent_of_a_17_year_old_still_decides_about_the_school_plan(page, browser, family_server):
    _one_shares_the_other_only_sees_it(
        page, browser, family_server, "fatima", "noor", "Het Baken College", EVALUATIONS,
        "Tot je 18 bent, beslissen je ouders over delen met school.")
    expect(card(page, "Het Baken College")).to_contain_text("Noor mag meepraten: vraag wat Noor ervan vindt.")


def test_stop_sharing_opens_the_confirmation_in_place_and_can_be_cancelled(page, family_server):
    open_consent(page, family_server, "fatima", "Lotte")
    page.evaluate("window.__samePage = true")
    kind(page, "Het Baken College", PLAN).get_by_role("link", name=re.compile("^Stoppen met delen")).click()
    expect(page.get_by_role("heading", name="Stoppen met delen met Het Baken College?")).to_be_focused()
    assert "/stoppen" not in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Nee, blijf delen").click()
    expect(state(page, "Het Baken College", PLAN)).to_have_text("Gedeeld")
    assert page.evaluate("window.__samePage") is True


def test_withdrawing_and_sharing_again_work_without_javascript(browser, family_server):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    open_consent(page, family_server, "fatima", "Lotte")
    kind(page, "Wijkteam Oost", PLAN).get_by_role("link", name=re.compile("^Stoppen met delen")).click()
    expect(page).to_have_url(re.compile(r"/stoppen$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stoppen met delen")
    page.get_by_role("button", name="Ja, stop met delen").click()
    expect(page).to_have_url(re.compile(r"/toestemming/[0-9a-f-]+#org-"))
    expect(state(page, "Wijkteam Oost", PLAN)).to_have_text("Niet gedeeld")
    kind(page, "Wijkteam Oost", PLAN).get_by_role("button", name=re.compile("^Delen")).click()
    expect(state(page, "Wijkteam Oost", PLAN)).to_have_text("Gedeeld")
    context.close()


def test_history_shows_who_decided_what_and_when(page, family_server):
    open_consent(page, family_server, "fatima", "Sam")
    page.get_by_role("link", name="Alle keuzes over Sam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle keuzes over Sam")
    expect(page.locator(".record-list li").first).to_contain_text("Organisatie")
    expect(page.get_by_text("Sam gaf toestemming.").first).to_be_visible()


def test_access_overview_is_filtered_by_period_and_explains_bad_dates(page, family_server):
    sign_in(page, family_server, "fatima")
    page.goto(family_server.url + "/toestemming")
    page.get_by_role("link", name="Naar het overzicht Wie keek mee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie keek mee")
    expect(page.get_by_text("Karin Bos, regisseur").first).to_be_visible()
    expect(page.get_by_text("noodsituatie", exact=True)).to_be_visible()
    page.get_by_label("Van").fill("2001-01-01")
    page.get_by_label("Tot en met").fill("2001-12-31")
    page.get_by_role("button", name="Laten zien").click()
    expect(page.get_by_text("In deze periode heeft niemand informatie over jullie gezin bekeken.")).to_be_visible()
    page.goto(family_server.url + "/wie-keek-mee?van=2026-03-10&tot=2026-03-01")
    expect(page.get_by_text("Deze datum ligt voor de begindatum. Kies een latere datum.")).to_be_visible()


def test_every_consent_page_has_no_accessibility_violations_in_dutch_and_english(page, family_server):
    sign_in(page, family_server, "fatima")
    sam = _child_id(family_server, "Sam")
    page.goto(f"{family_server.url}/toestemming/{sam}")
    wijkteam = _org_id(page, "Wijkteam Oost")
    paths = ["/toestemming", f"/toestemming/{sam}", f"/toestemming/{sam}/{wijkteam}/plan/stoppen",
             f"/toestemming/{sam}/geschiedenis", "/wie-keek-mee", "/wie-keek-mee?van=gisteren"]
    for language in ("Nederlands", "English"):
        if language == "English":
            page.get_by_role("button", name="English").click()
        for path in paths:
            page.goto(family_server.url + path)
            assert_accessible(page)
    expect(page.get_by_text("Fill in a date like 31-03-2026.")).to_be_visible()
    page.get_by_role("button", name="Nederlands").click()


def test_youth_pages_with_a_notice_and_a_refusal_have_no_accessibility_violations(page, family_server):
    sign_in(page, family_server, "sam")
    page.goto(family_server.url + "/toestemming")
    expect(page.get_by_role("heading", name="Delen: jouw keuze is nodig")).to_be_visible()
    assert_accessible(page)
    response = page.goto(family_server.url + "/toestemming/" + _child_id(family_server, "Lotte"))
    assert response.status == 403
    expect(page.get_by_text("Je beslist alleen over je eigen informatie.")).to_be_visible()
    assert_accessible(page)


def test_consent_pages_fit_a_320_pixel_wide_phone(context, family_server):
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, family_server, "fatima")
    sam = _child_id(family_server, "Sam")
    page.goto(f"{family_server.url}/toestemming/{sam}")
    wijkteam = _org_id(page, "Wijkteam Oost")
    for path in ("/toestemming", f"/toestemming/{sam}", f"/toestemming/{sam}/{wijkteam}/plan/stoppen",
                 f"/toestemming/{sam}/geschiedenis", "/wie-keek-mee"):
        page.goto(family_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def _org_id(page, organisation: str) -> str:
    anchor = card(page, organisation).get_attribute("id")
    return anchor.removeprefix("org-")


def _child_id(server, name: str) -> str:
    from webapp.db import get_db
    from webapp.people.members import family_members
    from webapp.records import get_meta, get_store

    with server.app.app_context():
        db = get_db()
        return next(p.id for p in family_members(get_store(), get_meta(db, "demo_family")) if p.name == name)


def test_a_long_list_of_who_looked_pages_by_keyboard_and_passes_axe(page, family_server):
    from datetime import datetime, timedelta, timezone

    from webapp.consent.rules import Basis, InfoKind
    from webapp.consent.store import record_access_event
    from webapp.records import get_meta, get_store

    lotte = _child_id(family_server, "Lotte")
    with family_server.app.app_context():
        store = get_store()
        for n in range(60):
            record_access_event(store, family_id=get_meta(store.db, "demo_family"), child_id=lotte,
                                organisation_id="9b1f3c2e-0003-4a55-8d0e-6f1c00000003", organisation="JGZ Regio Midden",
                                professional=f"Mehmet {n:02d}", role="jeugdverpleegkundige", kind=InfoKind.PLAN,
                                basis=Basis.LEGAL, at=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(hours=n),
                                author="test")
    sign_in(page, family_server, "fatima")
    page.goto(family_server.url + "/wie-keek-mee")
    expect(page.get_by_text(re.compile(r"Pagina 1 van \d"))).to_be_visible()
    assert_accessible(page)
    older = page.get_by_role("navigation", name="Pagina's").get_by_role("link", name="Ouder")
    older.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"Pagina 2 van \d"))).to_be_visible()
    assert_accessible(page)
