"""A form sent without network is kept on the phone and sent by itself when the connection returns:
once, in order, only for the person who made it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, controlled_by_the_worker, open_own_answers_for_sam, sign_in
from webapp.records import get_meta, get_store

SAVED = "Bewaard op deze telefoon, nog niet verzonden."


def _count(server, kind: str, text: str | None = None) -> int:
    with server.app.app_context():
        store = get_store()
        records = store.history(get_meta(store.db, "demo_family"), [kind])
    return sum(1 for r in records if text is None or text in str(r.body))


def _waiting(page):
    return page.locator("[data-outbox-count]")


def test_an_afspraak_made_offline_waits_on_the_phone_and_is_sent_once_when_online(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Sam").click()
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill("Bellen met de huisarts over het slaapdagboek")
    page.get_by_label("Wie doet het?").select_option(index=1)
    context.set_offline(True)
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    waiting = page.locator("#waiting-afspraken li", has_text="Bellen met de huisarts over het slaapdagboek")
    expect(waiting).to_contain_text("nog niet verzonden")  # shown in place, as it will look
    assert_accessible(page)
    assert _count(family_server, "agreement_item", "slaapdagboek bijhouden") >= 1  # the demo's own
    before = _count(family_server, "agreement_item", "Bellen met de huisarts over het slaapdagboek")
    assert before == 0

    context.set_offline(False)  # the connection returns: sent by itself, once
    expect(_waiting(page)).to_be_hidden()
    expect(waiting.locator("[data-outbox-state]")).to_have_text("verzonden")
    assert _count(family_server, "agreement_item", "Bellen met de huisarts over het slaapdagboek") == 1
    page.reload()
    expect(page.get_by_role("heading", name="Bellen met de huisarts over het slaapdagboek")).to_have_count(1)


def test_evaluation_answers_sent_offline_arrive_exactly_once(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    open_own_answers_for_sam(page)
    page.get_by_label("Wat ging goed? (niet verplicht)").fill("Sam slaapt beter sinds het dagboek.")
    for group in page.evaluate("[...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))]"):
        page.locator(f"input[type=radio][name='{group}']").last.check()
    before = _count(family_server, "evaluation_response")
    context.set_offline(True)
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    assert len(page.evaluate("window.onsplanOutbox.items()")) == 1
    page.reload()  # still offline: the page comes from the phone, the answers still wait
    expect(page.get_by_text(re.compile("Je bent offline. Je ziet deze pagina zoals hij was op"))).to_be_visible()
    expect(_waiting(page)).to_contain_text("Wacht op verzenden: 1")
    assert_accessible(page)
    # Sent twice (a second replay of the same item, as after a lost answer): stored once.
    page.route("**/sessie", lambda route: route.abort())  # hold the automatic send back for a moment
    context.set_offline(False)
    page.evaluate("""async () => {
        const items = await window.onsplanOutbox.items();
        const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
        const body = new URLSearchParams(items[0].fields); body.set('csrf_token', token);
        await fetch(items[0].url, {method: 'POST', body, credentials: 'same-origin'});
    }""")
    page.unroute("**/sessie")
    page.evaluate("window.onsplanOutbox.send()")
    expect(_waiting(page)).to_be_hidden()
    assert _count(family_server, "evaluation_response") == before + 1


def test_waiting_items_belong_to_one_person_and_wait_for_them_to_sign_in_again(browser, family_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Lotte").click()
    page.get_by_role("link", name="Lotte speelt elke week met een vriendje of vriendinnetje.").click()
    context.set_offline(True)
    page.get_by_label("Je reactie").fill("Lotte heeft een zwemvriendinnetje gevonden.")
    page.get_by_role("button", name="Reactie versturen").first.click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    expect(page.locator("#waiting-comments li", has_text="zwemvriendinnetje")).to_contain_text("nog niet verzonden")
    expect(page.get_by_label("Je reactie")).to_have_value("")  # the form is free for the next one
    context.clear_cookies()  # the session ended while the phone was offline
    context.set_offline(False)
    page.evaluate("window.onsplanOutbox.send()")
    assert _count(family_server, "comment", "zwemvriendinnetje") == 0
    assert len(page.evaluate("window.onsplanOutbox.items()")) == 1  # kept, not lost

    other = page
    sign_in(other, family_server, "sam")  # someone else on the same phone
    expect(_waiting(other)).to_be_hidden()
    other.evaluate("window.onsplanOutbox.send()")
    assert _count(family_server, "comment", "zwemvriendinnetje") == 0
    other.get_by_role("button", name="Uitloggen").click()
    expect(other).to_have_url(re.compile(r"/inloggen$"))

    sign_in(other, family_server, "fatima")  # the same person again: it is sent
    other.evaluate("window.onsplanOutbox.send()")
    expect(_waiting(other)).to_be_hidden()
    assert _count(family_server, "comment", "zwemvriendinnetje") == 1
    context.close()


def test_the_waiting_list_shows_what_waits_and_signing_out_warns_and_clears_it(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.goto(family_server.url + "/wachtrij")
    expect(page.get_by_text("Er wacht niets. Alles is verstuurd.")).to_be_visible()
    page.goto(family_server.url + "/home")
    page.get_by_role("link", name="Plan van Sam").click()
    page.get_by_text("Een afspraak toevoegen").click()
    page.get_by_label("Wat wordt er gedaan?").fill("Samen naar de open dag")
    page.get_by_label("Wie doet het?").select_option(index=1)
    context.set_offline(True)
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(_waiting(page)).to_be_visible()
    page.route("**/sessie", lambda route: route.abort())  # the list is seen before anything is sent
    context.set_offline(False)
    page.goto(family_server.url + "/wachtrij")
    expect(page.locator("[data-outbox-list] li")).to_have_count(1)
    expect(page.locator("[data-outbox-list]")).to_contain_text("Nog niet verzonden.")
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen$"))
    assert _count(family_server, "agreement_item", "Samen naar de open dag") == 0
    sign_in(page, family_server, "fatima")
    expect(_waiting(page)).to_be_hidden()
    assert page.evaluate("window.onsplanOutbox.items()") == []


def _lotte_shares(family_server, organisation: int, kind: str) -> bool:
    """Does the demo family share Lotte's `kind` with the demo's organisation number `organisation`
    now (the one decider, on the server)."""
    from webapp.consent.access import may_organisation_read
    from webapp.consent.rules import InfoKind
    from webapp.demo import ORGANISATIONS
    from webapp.people.members import family_members

    with family_server.app.app_context():
        store = get_store()
        family_id = get_meta(store.db, "demo_family")
        lotte = next(p for p in family_members(store, family_id) if p.name == "Lotte")
        return may_organisation_read(store, family_id, ORGANISATIONS[organisation][0], lotte.id, InfoKind(kind),
                                     family_server.app.config["ONSPLAN"].today()).allowed


def test_a_withdrawal_made_offline_takes_effect_only_when_it_is_sent(context, family_server):
    def shared() -> bool:
        return _lotte_shares(family_server, 1, "plan")  # with the school

    assert shared()
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.goto(family_server.url + "/toestemming")
    page.get_by_role("link", name="Delen voor Lotte").click()
    card = page.locator("section.consent-card", has_text="Het Baken College")
    card.get_by_role("link", name="Stoppen met delen").first.click()
    context.set_offline(True)
    page.get_by_role("button", name="Ja, stop met delen").click()
    expect(page.get_by_role("status").filter(
        has_text="Het delen stopt pas als dit is verstuurd. Tot dan kan Het Baken College het nog zien.")).to_be_visible()
    assert shared()  # still shared while the phone is offline
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert not shared()


def test_a_kept_page_is_not_shown_after_its_session_has_ended(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.get_by_role("link", name="Plan van Lotte").click()
    page.wait_for_url(re.compile(r"/kind/[^/?#]+$"))  # the plan page, not the page the click left
    plan_url = page.url
    page.wait_for_function(f"caches.open('onsplan-pages-v1').then(c => c.match('{plan_url}')).then(r => !!r)")
    assert page.evaluate(f"caches.open('onsplan-pages-v1').then(c => c.match('{plan_url}'))"
                         ".then(r => r.headers.get('X-OnsPlan-Expires'))")
    # Time passes beyond the session's end (the kept copy is given an end in the past).
    page.evaluate(f"""caches.open('onsplan-pages-v1').then(async cache => {{
        const old = await cache.match('{plan_url}');
        const headers = new Headers(old.headers); headers.set('X-OnsPlan-Expires', '2000-01-01T00:00:00+00:00');
        await cache.put('{plan_url}', new Response(await old.blob(), {{headers}}));
    }})""")
    context.set_offline(True)
    page.goto(plan_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen verbinding")
    assert not page.evaluate(f"caches.open('onsplan-pages-v1').then(c => c.match('{plan_url}')).then(r => !!r)")
    context.set_offline(False)


def test_pages_kept_on_the_phone_go_when_the_session_ended_on_the_server(context, family_server):
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    page.wait_for_function("caches.open('onsplan-pages-v1').then(c => c.keys()).then(k => k.length >= 1)")
    with family_server.app.app_context():  # signed out on another device: the server ends the session
        from webapp.db import get_db
        get_db().execute("DELETE FROM login_sessions")
    page.evaluate("window.onsplanOutbox.send()")
    page.wait_for_function("caches.keys().then(k => !k.some(n => n.startsWith('onsplan-pages-')))")


def test_a_new_version_takes_over_cleanly_and_offers_to_reload(context, family_server, monkeypatch):
    import webapp.pwa.views as pwa

    page = context.new_page()
    sign_in(page, family_server, "fatima")
    controlled_by_the_worker(page)
    old = page.evaluate("caches.keys()")
    assert any(k.startswith("onsplan-shell-") for k in old)
    monkeypatch.setattr(pwa, "shell_version", lambda: "nieuweversie")  # the next deployment
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    notice = page.get_by_role("status").filter(has_text="Er is een nieuwe versie van OnsPlan.")
    expect(notice).to_be_visible()
    assert_accessible(page)
    notice.get_by_role("button", name="Pagina opnieuw laden").click()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    shells = [k for k in page.evaluate("caches.keys()") if k.startswith("onsplan-shell-")]
    assert shells == ["onsplan-shell-nieuweversie"]  # no old worker or shell left behind
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hallo")


def test_agreeing_and_marking_done_offline_are_sent_when_online(context, family_server):
    school_goal = "Sam gaat elke schooldag naar school en is op tijd in de eerste les."
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.get_by_role("link", name="Plan van Sam").click()
    page.wait_for_url(re.compile(r"/kind/[^/?#]+$"))
    plan = page.url
    agreements = _count(family_server, "goal_agreement")
    context.set_offline(True)
    done = page.locator("#afspraken li", has_text="Een week lang een slaapdagboek bijhouden.")
    done.get_by_role("button", name=re.compile("^Gedaan")).click()
    expect(done.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    page.goto(plan)
    expect(page.locator("#afspraken li", has_text="Een week lang een slaapdagboek bijhouden.").get_by_role(
        "button", name=re.compile("^Terug naar nog doen"))).to_be_visible()

    page.get_by_role("link", name=school_goal).first.click()
    context.set_offline(True)
    page.get_by_role("button", name="Ik ben akkoord met dit doel").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    assert _count(family_server, "goal_agreement") == agreements
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert _count(family_server, "goal_agreement") == agreements + 1


def test_consent_given_offline_shows_in_the_card_and_takes_effect_when_sent(context, family_server):
    def shared() -> bool:
        return _lotte_shares(family_server, 2, "evaluations")  # with the JGZ

    assert not shared()
    page = context.new_page()
    sign_in(page, family_server, "fatima")
    page.goto(family_server.url + "/toestemming")
    page.get_by_role("link", name="Delen voor Lotte").click()
    kind = page.locator("section.consent-card", has_text="JGZ Regio Midden").locator(
        ".consent-kind", has_text="Antwoorden bij evaluaties")
    context.set_offline(True)
    kind.get_by_role("button", name=re.compile("^Delen")).click()
    expect(kind.locator(".consent-kind__state")).to_contain_text("Jouw ja: nog niet verzonden")
    assert not shared()
    context.set_offline(False)
    expect(_waiting(page)).to_be_hidden()
    assert shared()
