"""A page kept on the phone (reloaded without network, or opened again later) works like a live one:
every submission made from it gets its own id, so nothing overwrites or is taken for something sent
before, and what waits in the outbox shows in place after a reload, for the same person only."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, controlled_by_the_worker, open_own_answers_for_sam, sign_in
from webapp.records import get_meta, get_store

SAVED = "Bewaard op deze telefoon, nog niet verzonden."


def _count(server, kind: str, text: str) -> int:
    with server.app.app_context():
        store = get_store()
        records = store.current(get_meta(store.db, "demo_family"), [kind])
    return sum(1 for r in records if text in str(r.body))


def _waiting(page):
    return page.locator("[data-outbox-count]")


def _kept(page, url: str) -> None:
    """Wait until the service worker has kept this page for reading offline."""
    page.wait_for_function(f"caches.open('onsplan-pages-v1').then(c => c.match('{url}')).then(r => !!r)")


def _sams_plan(page, server) -> str:
    sign_in(page, server, "fatima")
    controlled_by_the_worker(page)
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_url(re.compile(r"/kind/[^/?#]+$"))
    _kept(page, page.url)
    return page.url


def _add_afspraak(page, what: str) -> None:
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill(what)
    page.get_by_label("Wie doet het?").select_option(index=1)
    page.get_by_role("button", name="Afspraak toevoegen").click()


def test_two_afspraken_made_offline_with_a_reload_between_both_arrive(context, family_server):
    page = context.new_page()
    _sams_plan(page, family_server)
    context.set_offline(True)
    _add_afspraak(page, "Eerste afspraak zonder netwerk: de schooltas samen inpakken")
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    page.reload()  # still offline: the kept copy of the plan
    expect(page.get_by_text(re.compile("Je bent offline"))).to_be_visible()
    # What the phone cannot know offline, the page says.
    expect(page.get_by_text(re.compile("Je bent offline"))).to_contain_text(
        "Uitgelogd op een ander apparaat? Dat weet deze telefoon pas als hij weer online is.")
    expect(page.locator("#waiting-afspraken li", has_text="de schooltas samen inpakken")).to_contain_text(
        "nog niet verzonden")  # what waits shows in place after the reload
    _add_afspraak(page, "Tweede afspraak zonder netwerk: de wekker om zeven uur zetten")
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 2")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert _count(family_server, "agreement_item", "de schooltas samen inpakken") == 1
    assert _count(family_server, "agreement_item", "de wekker om zeven uur zetten") == 1


def test_an_afspraak_added_on_an_older_kept_copy_is_not_taken_for_one_sent_before(context, family_server):
    page = context.new_page()
    plan = _sams_plan(page, family_server)
    _add_afspraak(page, "Online gemaakt: samen naar de bibliotheek")  # sent at once (htmx)
    expect(page.locator("#afspraken li", has_text="samen naar de bibliotheek")).to_be_visible()
    assert _count(family_server, "agreement_item", "samen naar de bibliotheek") == 1
    context.set_offline(True)
    page.goto(plan)  # the copy kept before that afspraak was added
    expect(page.get_by_text(re.compile("Je bent offline"))).to_be_visible()
    _add_afspraak(page, "Vanaf de bewaarde pagina: een rooster op de koelkast hangen")
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert _count(family_server, "agreement_item", "een rooster op de koelkast hangen") == 1
    assert _count(family_server, "agreement_item", "samen naar de bibliotheek") == 1


def test_two_comments_made_on_a_kept_goal_page_both_arrive(context, family_server):
    page = context.new_page()
    _sams_plan(page, family_server)
    page.get_by_role("link", name="Sam slaapt door de week vóór 23.00 uur.").first.click()
    page.wait_for_url(re.compile(r"/doel/"))
    _kept(page, page.url)
    context.set_offline(True)
    page.get_by_label("Je reactie").fill("Maandag ging het goed: om half elf in bed.")
    page.get_by_role("button", name="Reactie versturen").first.click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    page.reload()
    expect(page.locator("#waiting-comments li", has_text="om half elf in bed")).to_contain_text("nog niet verzonden")
    page.get_by_label("Je reactie").fill("Dinsdag was het later: eerst nog gamen.")
    page.get_by_role("button", name="Reactie versturen").first.click()
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 2")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert _count(family_server, "comment", "om half elf in bed") == 1
    assert _count(family_server, "comment", "eerst nog gamen") == 1


def test_evaluation_answers_that_wait_show_in_the_form_after_a_reload_offline(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    open_own_answers_for_sam(page)
    _kept(page, page.url)
    before = _count(family_server, "evaluation_response", "")
    context.set_offline(True)
    good = page.get_by_label("Wat ging goed? (niet verplicht)")
    good.fill("Het slaapdagboek helpt: Sam ziet zelf wanneer het laat wordt.")
    groups = page.evaluate("[...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))]")
    for group in groups:
        page.locator(f"input[type=radio][name='{group}']").last.check()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()

    page.reload()  # the kept page shows her waiting answers, and that they wait
    expect(page.get_by_text(re.compile("Je bent offline"))).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    expect(good).to_have_value("Het slaapdagboek helpt: Sam ziet zelf wanneer het laat wordt.")
    for group in groups:
        expect(page.locator(f"input[type=radio][name='{group}']").last).to_be_checked()
    assert_accessible(page)
    good.fill("Het slaapdagboek helpt, en de wekker ook.")  # changed before sending: replaces what waits
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert _count(family_server, "evaluation_response", "") == before + 1
    assert _count(family_server, "evaluation_response", "en de wekker ook") == 1


def _shares_evaluations_with_jgz(server, child: str) -> bool:
    from webapp.consent.access import may_organisation_read
    from webapp.consent.rules import InfoKind
    from webapp.demo import ORGANISATIONS
    from webapp.people.members import family_members

    with server.app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        found = next(p for p in family_members(store, family_id) if p.name == child)
        return may_organisation_read(store, family_id, ORGANISATIONS[2][0], found.id, InfoKind.EVALUATIONS,
                                     server.app.config["ONSPLAN"].today()).allowed


def _her_latest_says_yes(server, first_name: str, child: str) -> bool:
    """The person's own current decision about the child's evaluations for the JGZ (on the server)."""
    from webapp.consent.rules import InfoKind, latest_per_person
    from webapp.consent.store import load_consent_facts
    from webapp.demo import ORGANISATIONS
    from webapp.people.members import family_members

    with server.app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        found = next(p for p in family_members(store, family_id) if p.name == child)
        person_id = next(p.id for p in family_members(store, family_id) if p.name.split()[0] == first_name)
        decisions = load_consent_facts(store, family_id).decisions_about(found.id, ORGANISATIONS[2][0],
                                                                         InfoKind.EVALUATIONS)
        mine = [d.decision for d in decisions if d.decision.person_id == person_id]
        return latest_per_person(mine)[0].granted


def _evaluations_with_jgz(page):
    return page.locator("section.consent-card", has_text="JGZ Regio Midden").locator(
        ".consent-kind", has_text="Antwoorden bij evaluaties")


def _consent_page_of(page, server, child: str) -> str:
    page.goto(server.url + "/toestemming")
    page.get_by_role("link", name=f"Delen voor {child}").click()
    page.wait_for_url(re.compile(r"/toestemming/[^/?#]+$"))
    _kept(page, page.url)
    return page.url


def test_a_no_given_on_an_older_kept_consent_page_is_not_taken_for_the_yes_sent_before(context, family_server):
    from tests.integration.consent_helpers import decide, person, signed_in

    sam = person(family_server.app, "Sam")
    assert decide(signed_in(family_server.app, "sam"), sam.id, "jgz", "evaluaties", "yes").status_code == 303
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    consent_page = _consent_page_of(page, family_server, "Sam")  # Sam said yes: she can say yes or no
    context.set_offline(True)  # her yes waits on the phone and is sent when the network returns
    _evaluations_with_jgz(page).get_by_role("button", name=re.compile("^Delen")).click()
    expect(_evaluations_with_jgz(page)).to_contain_text("Jouw ja: nog niet verzonden")
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert _shares_evaluations_with_jgz(family_server, "Sam")

    context.set_offline(True)
    page.goto(consent_page)  # the copy kept before her yes was sent: there she says no after all
    expect(page.get_by_text(re.compile("Je bent offline"))).to_be_visible()
    _evaluations_with_jgz(page).get_by_role("button", name=re.compile("^Niet delen")).click()
    expect(_evaluations_with_jgz(page)).to_contain_text("Jouw nee: nog niet verzonden")
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert not _her_latest_says_yes(family_server, "Fatima", "Sam")  # not taken for the yes sent before
    assert not _shares_evaluations_with_jgz(family_server, "Sam")


def test_a_stop_that_waits_on_the_phone_shows_on_the_consent_page_after_a_reload(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    consent_page = _consent_page_of(page, family_server, "Lotte")
    _evaluations_with_jgz(page).get_by_role("button", name=re.compile("^Delen")).click()
    expect(_evaluations_with_jgz(page)).to_contain_text("Gedeeld")
    assert _shares_evaluations_with_jgz(family_server, "Lotte")
    _kept(page, consent_page)
    _evaluations_with_jgz(page).get_by_role("link", name=re.compile("^Stoppen met delen")).click()
    context.set_offline(True)
    page.get_by_role("button", name="Ja, stop met delen").click()
    expect(page.get_by_role("status").filter(has_text="Het delen stopt pas als dit is verstuurd.")).to_be_visible()
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    page.goto(consent_page)  # reloaded offline: the card says that her stop waits
    expect(page.get_by_text(re.compile("Je bent offline"))).to_be_visible()
    expect(_evaluations_with_jgz(page).get_by_role("status").filter(
        has_text="Je stop is bewaard op deze telefoon en nog niet verzonden. Tot het is verzonden, kan JGZ Regio "
                 "Midden dit nog zien.")).to_be_visible()
    assert_accessible(page)
    assert _shares_evaluations_with_jgz(family_server, "Lotte")
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert not _shares_evaluations_with_jgz(family_server, "Lotte")
