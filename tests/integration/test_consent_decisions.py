"""Giving and withdrawing consent on the consent pages: who may decide, what is stored, what is refused."""
from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.integration.consent_helpers import ORG, count, decide, may_read, person, text_of
from webapp.consent.rules import Basis, InfoKind

PLAN, EVALUATIONS = InfoKind.PLAN, InfoKind.EVALUATIONS


def test_consent_page_shows_a_card_per_organisation_with_a_state_per_kind(family_app, parent):
    lotte = person(family_app, "Lotte")
    page = text_of(parent.get(f"/toestemming/{lotte.id}"))
    assert page.count('class="card consent-card"') == 3
    for name in ("Wijkteam Oost", "Het Baken College", "JGZ Regio Midden"):
        assert f">{name}</h2>" in page
    assert "Het plan en de doelen" in page and "Antwoorden bij evaluaties" in page
    assert "Wat Lotte zelf schrijft" not in page  # own comments only from 12
    assert "Wettelijke grond" in page and "een wettelijke taak van de organisatie" in page
    assert "Gedeeld" in page and "Niet gedeeld" in page


def test_legal_ground_has_no_button_and_cannot_be_withdrawn(family_app, parent):
    lotte = person(family_app, "Lotte")
    page = text_of(parent.get(f"/toestemming/{lotte.id}"))
    jgz_card = page[page.index(f'id="org-{ORG["jgz"]}"'):]
    plan_part = jgz_card[:jgz_card.index("Antwoorden bij evaluaties")]
    assert "je kunt het niet intrekken in de app" in plan_part
    assert "<button" not in plan_part and "Stoppen met delen" not in plan_part
    assert may_read(family_app, "jgz", lotte.id, PLAN).basis is Basis.LEGAL


def test_parent_shares_and_lands_back_on_the_card(family_app, parent):
    lotte = person(family_app, "Lotte")
    before = count(family_app)
    response = decide(parent, lotte.id, "jgz", "evaluaties", "yes")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/toestemming/{lotte.id}#org-{ORG['jgz']}")
    assert count(family_app) == before + 1
    assert may_read(family_app, "jgz", lotte.id, EVALUATIONS).allowed


def test_youth_of_14_and_parent_both_consent_before_anything_is_shared(family_app, parent, youth):
    sam = person(family_app, "Sam")
    assert decide(parent, sam.id, "jgz", "plan", "yes").status_code == 303
    assert not may_read(family_app, "jgz", sam.id, PLAN).allowed
    assert "Wacht op toestemming van Sam" in text_of(parent.get(f"/toestemming/{sam.id}"))
    assert "Wacht op jouw toestemming" in text_of(youth.get(f"/toestemming/{sam.id}"))
    assert decide(youth, sam.id, "jgz", "plan", "yes").status_code == 303
    assert may_read(family_app, "jgz", sam.id, PLAN).basis is Basis.CONSENT


def test_youth_withdraws_and_the_parent_cannot_override(family_app, parent, youth):
    sam = person(family_app, "Sam")
    decide(parent, sam.id, "jgz", "plan", "yes")
    decide(youth, sam.id, "jgz", "plan", "yes")
    assert decide(youth, sam.id, "jgz", "plan", "no").status_code == 303
    assert not may_read(family_app, "jgz", sam.id, PLAN).allowed
    stored = count(family_app)
    refused = decide(parent, sam.id, "jgz", "plan", "yes")
    assert refused.status_code == 409
    assert "Sam wil dit niet delen. Alleen Sam kan dat veranderen. Er is niets opgeslagen." in text_of(refused)
    assert count(family_app) == stored
    assert not may_read(family_app, "jgz", sam.id, PLAN).allowed


def test_a_withdrawal_by_one_parent_needs_nobody_else(family_app, parent):
    sam = person(family_app, "Sam")
    assert may_read(family_app, "wijkteam", sam.id, PLAN).allowed  # demo: Fatima and Sam said yes
    assert decide(parent, sam.id, "wijkteam", "plan", "no").status_code == 303
    assert not may_read(family_app, "wijkteam", sam.id, PLAN).allowed


def test_youth_of_17_decides_alone_about_help(family_app, older_youth):
    noor = person(family_app, "Noor")
    assert decide(older_youth, noor.id, "jgz", "plan", "yes").status_code == 303
    assert may_read(family_app, "jgz", noor.id, PLAN).basis is Basis.CONSENT


def test_parent_of_a_17_year_old_is_refused_for_help_and_nothing_is_stored(family_app, parent):
    noor = person(family_app, "Noor")
    before = count(family_app)
    response = decide(parent, noor.id, "jgz", "plan", "yes")
    assert response.status_code == 403
    page = text_of(response)
    assert "Dit mag je niet beslissen" in page
    assert "Noor is 16 jaar of ouder en beslist zelf over delen met hulp en gezondheid. Er is niets opgeslagen." in page
    assert count(family_app) == before
    assert not may_read(family_app, "jgz", noor.id, PLAN).allowed


def test_parent_of_a_17_year_old_still_decides_about_the_school_plan(family_app, parent, older_youth):
    noor = person(family_app, "Noor")
    assert decide(parent, noor.id, "school", "evaluaties", "yes").status_code == 303
    assert may_read(family_app, "school", noor.id, EVALUATIONS).basis is Basis.CONSENT
    refused = decide(older_youth, noor.id, "school", "evaluaties", "no")
    assert refused.status_code == 403
    assert "Tot je 18 bent, beslissen je ouders over delen met school." in text_of(refused)
    assert may_read(family_app, "school", noor.id, EVALUATIONS).allowed


def test_forged_grant_by_a_youth_for_a_sibling_is_refused_and_nothing_is_stored(family_app, youth):
    lotte = person(family_app, "Lotte")
    before = count(family_app)
    response = decide(youth, lotte.id, "wijkteam", "evaluaties", "yes")
    assert response.status_code == 403
    assert "Je beslist alleen over je eigen informatie." in text_of(response)
    assert count(family_app) == before


def test_youth_cannot_open_a_siblings_consent_page(family_app, youth):
    lotte = person(family_app, "Lotte")
    for path in (f"/toestemming/{lotte.id}", f"/toestemming/{lotte.id}/geschiedenis"):
        assert youth.get(path).status_code == 403


def test_youth_is_not_offered_a_button_for_the_school_plan(family_app, youth):
    sam = person(family_app, "Sam")
    page = text_of(youth.get(f"/toestemming/{sam.id}"))
    school = page[page.index(f'id="org-{ORG["school"]}"'):page.index(f'id="org-{ORG["jgz"]}"')]
    assert "Tot je 18 bent, beslissen je ouders over delen met school." in school
    assert "<button" not in school


def test_parent_without_gezag_sees_the_page_but_may_not_decide(family_app, parent_without_gezag):
    client = parent_without_gezag
    lotte = person(family_app, "Lotte")
    page = text_of(client.get(f"/toestemming/{lotte.id}"))
    assert "Alleen ouders met gezag beslissen over delen." in page
    assert "<button class=\"button button--primary\" name=\"answer\"" not in page
    before = count(family_app)
    response = decide(client, lotte.id, "jgz", "evaluaties", "yes")
    assert response.status_code == 403
    assert count(family_app) == before


@pytest.mark.parametrize("sector, kind_slug", [
    ("00000000-0000-4000-8000-000000000000", "plan"),  # an organisation that is not involved
    ("wijkteam", "alles"),  # no such kind
    ("wijkteam", "eigen-tekst"),  # Lotte is 9: no own comments yet
])
def test_unknown_organisation_or_kind_is_not_found(family_app, parent, sector, kind_slug):
    lotte = person(family_app, "Lotte")
    before = count(family_app)
    assert decide(parent, lotte.id, sector, kind_slug, "yes").status_code == 404
    assert count(family_app) == before


def test_unknown_child_or_a_child_of_another_family_is_not_found(family_app, parent):
    fatima = person(family_app, "Fatima")
    for child_id in ("no-such-child", fatima.id):  # a parent is no child
        assert parent.get(f"/toestemming/{child_id}").status_code == 404
        assert decide(parent, child_id, "wijkteam", "plan", "yes").status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"answer": "maybe"}, "Kies ja of nee."),
    ({"answer": ""}, "Kies ja of nee."),
    ({"answer": "yes", "decision_id": "not-a-uuid"}, "Dit formulier is niet compleet."),
])
def test_a_bad_form_is_refused_with_a_reason(family_app, parent, data, message):
    lotte = person(family_app, "Lotte")
    before = count(family_app)
    response = decide(parent, lotte.id, "jgz", "evaluaties", **data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(family_app) == before


def test_a_post_without_csrf_token_is_refused(family_app, parent):
    lotte = person(family_app, "Lotte")
    response = parent.post(f"/toestemming/{lotte.id}/{ORG['jgz']}/evaluaties", data={"answer": "yes"})
    assert response.status_code == 400
    assert not may_read(family_app, "jgz", lotte.id, EVALUATIONS).allowed


def test_the_same_form_sent_twice_is_stored_once(family_app, parent):
    lotte = person(family_app, "Lotte")
    before = count(family_app)
    decision_id = "6f0c2b1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b"
    for _ in range(2):
        assert decide(parent, lotte.id, "jgz", "evaluaties", "yes", decision_id=decision_id).status_code == 303
    assert count(family_app) == before + 1


def test_withdrawing_asks_for_confirmation_and_says_what_stops_and_from_when(family_app, parent):
    lotte = person(family_app, "Lotte")
    path = f"/toestemming/{lotte.id}/{ORG['wijkteam']}/plan/stoppen"
    assert f'href="{path}"' in text_of(parent.get(f"/toestemming/{lotte.id}"))
    page = text_of(parent.get(path))
    today = family_app.config["ONSPLAN"].today()
    assert "Stoppen met delen met Wijkteam Oost?" in page
    assert "Wat stopt:" in page and "Het plan en de doelen" in page
    assert "Vanaf wanneer:" in page and f"meteen, op {today.day} " in page
    assert "Vanaf dan kan Wijkteam Oost dit niet meer zien." in page
    assert may_read(family_app, "wijkteam", lotte.id, PLAN).allowed  # nothing changed by looking
    response = parent.post(f"/toestemming/{lotte.id}/{ORG['wijkteam']}/plan",
                           data={"csrf_token": csrf_token(page), "answer": "no",
                                 "decision_id": re.search(r'name="decision_id" value="([^"]+)"', page).group(1)})
    assert response.status_code == 303
    assert not may_read(family_app, "wijkteam", lotte.id, PLAN).allowed


def test_confirmation_page_for_something_not_shared_goes_back_to_the_card(family_app, parent):
    lotte = person(family_app, "Lotte")
    response = parent.get(f"/toestemming/{lotte.id}/{ORG['jgz']}/evaluaties/stoppen")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#org-{ORG['jgz']}")


def test_htmx_gets_the_confirmation_as_a_card_fragment(family_app, parent):
    lotte = person(family_app, "Lotte")
    response = parent.get(f"/toestemming/{lotte.id}/{ORG['wijkteam']}/plan/stoppen", headers={"HX-Request": "true"})
    fragment = text_of(response)
    assert "<html" not in fragment and fragment.lstrip().startswith("<section")
    assert f'id="org-{ORG["wijkteam"]}"' in fragment
    assert "HX-Request" in response.headers["Vary"]
    cards = text_of(parent.get(f"/toestemming/{lotte.id}", headers={"HX-Request": "true"}))
    assert "<html" not in cards and f'id="org-{ORG["wijkteam"]}"' in cards


def test_history_lists_every_decision_newest_first_with_who_and_what(family_app, parent, youth):
    sam = person(family_app, "Sam")
    decide(youth, sam.id, "jgz", "plan", "yes")
    decide(youth, sam.id, "jgz", "plan", "no")
    page = text_of(parent.get(f"/toestemming/{sam.id}/geschiedenis"))
    assert "Alle keuzes over Sam" in page
    first_no = page.index("Sam zei nee.")
    assert first_no < page.index("Sam gaf toestemming.") < page.index("Fatima de Vries gaf toestemming.")
    assert "JGZ Regio Midden" in page[first_no:first_no + 600]
    assert page.count("<li class=\"card\">") == 4 + 2  # four demo decisions about Sam plus these two


def test_pages_speak_english_when_chosen(family_app, parent):
    lotte = person(family_app, "Lotte")
    parent.set_cookie("onsplan_lang", "en")
    page = text_of(parent.get(f"/toestemming/{lotte.id}"))
    assert "Sharing for Lotte" in page and "Legal ground" in page and "Stop sharing" in page


def test_navigation_leads_to_consent(parent):
    home = text_of(parent.get("/home"))
    assert 'href="/toestemming"' in home and ">Toestemming</a>" in home


def _based_on(client, child_id: str, sector: str) -> str:
    """The decision the confirmation page's form is based on (the person's current decision)."""
    page = client.get(f"/toestemming/{child_id}/{ORG[sector]}/plan/stoppen").get_data(as_text=True)
    match = re.search(r'name="based_on" value="([^"]*)"', page)
    assert match, "the form names the decision it is based on"
    return match.group(1)


def test_a_withdrawal_and_a_yes_sent_from_two_devices_on_the_same_page_leave_it_stopped(family_app, parent):
    """Fatima's phone and laptop both showed Lotte's wijkteam plan as shared. The phone says no;
    the laptop then sends an older yes based on the same page. The yes is later, the no wins."""
    lotte = person(family_app, "Lotte")
    seen = _based_on(parent, lotte.id, "wijkteam")
    assert seen
    assert decide(parent, lotte.id, "wijkteam", "plan", "no", based_on=seen).status_code == 303
    assert decide(parent, lotte.id, "wijkteam", "plan", "yes", based_on=seen).status_code == 303
    assert not may_read(family_app, "wijkteam", lotte.id, PLAN).allowed
    # Sharing again from a page that showed the no: now it counts.
    page = parent.get(f"/toestemming/{lotte.id}").get_data(as_text=True)
    form = page[page.index(f'{ORG["wijkteam"]}/plan"'):]
    now = re.search(r'name="based_on" value="([^"]*)"', form).group(1)
    assert now and now != seen
    assert decide(parent, lotte.id, "wijkteam", "plan", "yes", based_on=now).status_code == 303
    assert may_read(family_app, "wijkteam", lotte.id, PLAN).allowed


def test_a_decision_based_on_someone_elses_decision_is_refused_and_stores_nothing(family_app, parent, youth):
    sam = person(family_app, "Sam")
    sams_own = _based_on(youth, sam.id, "wijkteam")
    before = count(family_app)
    response = decide(parent, sam.id, "wijkteam", "plan", "no", based_on=sams_own)
    assert response.status_code == 422
    assert "Laad de pagina opnieuw" in text_of(response)
    assert count(family_app) == before


def test_taking_back_a_yes_asks_first_and_says_what_happened(family_app, youth):
    sam = person(family_app, "Sam")
    assert decide(youth, sam.id, "jgz", "plan", "yes").status_code == 303
    page = text_of(youth.get(f"/toestemming/{sam.id}"))
    assert "Je ja is bewaard. Het wordt gedeeld als ook" in page  # said in one sentence, role=status
    card = page[page.index(">JGZ Regio Midden</h2>"):]
    assert f'/toestemming/{sam.id}/{ORG["jgz"]}/plan/stoppen' in card.split("</section>")[0]  # a link, not a no
    confirm = text_of(youth.get(f"/toestemming/{sam.id}/{ORG['jgz']}/plan/stoppen"))
    assert "Je ja intrekken?" in confirm and "Ja, trek mijn ja in" in confirm and "Nee, mijn ja blijft staan" in confirm
    assert decide(youth, sam.id, "jgz", "plan", "no").status_code == 303
    assert "Je nee is bewaard. JGZ Regio Midden kan dit niet zien" in text_of(youth.get(f"/toestemming/{sam.id}"))


def test_a_parent_who_takes_back_a_yes_is_described_as_no_longer_agreeing(family_app, parent, youth):
    sam = person(family_app, "Sam")  # Fatima said yes to the wijkteam seeing Sam's evaluations; it waits for Sam
    assert decide(parent, sam.id, "wijkteam", "evaluaties", "no").status_code == 303
    page = text_of(youth.get(f"/toestemming/{sam.id}"))
    assert "Fatima de Vries is niet meer akkoord met delen. Praat erover met Fatima de Vries" in page
    assert "wil dit niet delen" not in page


def test_sharing_says_in_one_sentence_who_can_now_see_what(family_app, parent):
    lotte = person(family_app, "Lotte")
    assert decide(parent, lotte.id, "jgz", "evaluaties", "yes").status_code == 303
    page = text_of(parent.get(f"/toestemming/{lotte.id}"))
    assert 'role="status"' in page and "JGZ Regio Midden kan dit nu zien: Antwoorden bij evaluaties." in page


def test_the_history_shows_the_newest_decision_first(family_app, parent):
    import re as _re

    sam = person(family_app, "Sam")
    page = parent.get(f"/toestemming/{sam.id}/geschiedenis").get_data(as_text=True)
    days = _re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', page)
    assert len(days) >= 4 and days == sorted(days, reverse=True)
