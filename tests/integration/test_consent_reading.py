"""Who may read what: the one access function, legal grounds, emergencies, the access overview,
notices for the person whose choice is needed, and birthdays that pause sharing."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.conftest import make_app

from tests.integration.consent_helpers import (
    ORG, Clock, app_with_clock, count, decide, family_id, may_read, person, signed_in, text_of,
)
from webapp.consent.access import may_organisation_read
from webapp.consent.notices import consent_notices
from webapp.consent.outlook import birthday_on
from webapp.consent.rules import Basis, InfoKind
from webapp.consent.store import record_access_event, record_emergency, record_legal_basis
from webapp.db import get_db
from webapp.demo import seed_family
from webapp.people.members import family_members
from webapp.records import get_store, node_key

PLAN, EVALUATIONS, COMMENTS = InfoKind.PLAN, InfoKind.EVALUATIONS, InfoKind.YOUTH_COMMENTS


def _store(app, record, **values):
    """Call one of the consent store functions for the demo family, inside the app."""
    with app.app_context():
        return record(get_store(), family_id=family_id(app), author="test", **values)


def _notices(app, client_login: str):
    from webapp.auth import FamilyMember, queries

    with app.app_context():
        db = get_db()
        account = queries.account_by_login(db, node_key().lookup_hash("login", client_login))
        user = FamilyMember(account["id"], account["family_id"], account["person_id"], account["role"], "t")
        with app.test_request_context():
            store = get_store()
            return consent_notices(store, user, app.config["ONSPLAN"].today(),
                                   family_members(store, user.family_id))


# --- the one access function ---------------------------------------------------------------


def test_organisation_reads_only_what_the_family_shared_with_it(family_app):
    sam = person(family_app, "Sam")
    assert may_read(family_app, "wijkteam", sam.id, PLAN).basis is Basis.CONSENT
    assert not may_read(family_app, "wijkteam", sam.id, COMMENTS).allowed
    assert not may_read(family_app, "jgz", sam.id, PLAN).allowed
    assert may_read(family_app, "school", sam.id, PLAN).allowed


def test_nobody_reads_for_an_unknown_child_family_or_organisation(family_app):
    sam = person(family_app, "Sam")
    with family_app.app_context():
        today = family_app.config["ONSPLAN"].today()
        other_family = get_store().create_family()
        assert not may_organisation_read(get_store(), other_family, ORG["wijkteam"], sam.id, PLAN, today).allowed
        assert not may_organisation_read(get_store(), "no-family", ORG["wijkteam"], sam.id, PLAN, today).allowed
        assert not may_organisation_read(get_store(), family_id(family_app), ORG["wijkteam"], "nobody", PLAN,
                                         today).allowed
    assert not may_read(family_app, "00000000-0000-4000-8000-000000000000", sam.id, PLAN).allowed


def test_consent_counts_from_the_day_it_was_given(family_app, parent):
    lotte = person(family_app, "Lotte")
    decide(parent, lotte.id, "jgz", "evaluaties", "yes")
    today = family_app.config["ONSPLAN"].today()
    assert may_read(family_app, "jgz", lotte.id, EVALUATIONS, today).allowed
    assert not may_read(family_app, "jgz", lotte.id, EVALUATIONS, today - timedelta(days=1)).allowed


def test_a_legal_ground_allows_reading_with_its_own_basis_and_ends_when_it_ends(family_app):
    noor = person(family_app, "Noor")
    today = family_app.config["ONSPLAN"].today()
    _store(family_app, record_legal_basis, child_id=noor.id, organisation_id=ORG["jgz"],
           organisation="JGZ Regio Midden", kind=PLAN, ground="court_order", starts_on=today - timedelta(days=5),
           ends_on=today + timedelta(days=5))
    assert may_read(family_app, "jgz", noor.id, PLAN).basis is Basis.LEGAL
    assert not may_read(family_app, "jgz", noor.id, PLAN, today + timedelta(days=6)).allowed


@pytest.mark.parametrize("ground, ends_on, message", [
    ("because", None, "grounds"),
    ("legal_duty", date(2000, 1, 1), "cannot end before it starts"),
])
def test_a_legal_ground_needs_a_known_ground_and_sensible_dates(family_app, ground, ends_on, message):
    before = count(family_app, "legal_basis")
    with pytest.raises(ValueError, match=message):
        _store(family_app, record_legal_basis, child_id=person(family_app, "Noor").id, organisation_id=ORG["jgz"],
               organisation="JGZ", kind=PLAN, ground=ground, starts_on=date(2020, 1, 1), ends_on=ends_on)
    assert count(family_app, "legal_basis") == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_emergency_exception_needs_a_written_reason(family_app, reason):
    before = count(family_app, "emergency_access")
    with pytest.raises(ValueError, match="needs a reason"):
        _store(family_app, record_emergency, child_id=person(family_app, "Noor").id, organisation_id=ORG["jgz"],
               organisation="JGZ", kind=PLAN, reason=reason, professional="Mehmet", role="jeugdverpleegkundige",
               recorded_on=date.today())
    assert count(family_app, "emergency_access") == before


def test_an_emergency_exception_allows_reading_and_shows_in_the_overview(family_app, parent):
    noor = person(family_app, "Noor")
    today = family_app.config["ONSPLAN"].today()
    _store(family_app, record_emergency, child_id=noor.id, organisation_id=ORG["jgz"], organisation="JGZ Regio Midden",
           kind=PLAN, reason="  Acute zorg om veiligheid thuis.  ", professional="Mehmet Yilmaz",
           role="jeugdverpleegkundige", recorded_on=today)
    assert may_read(family_app, "jgz", noor.id, PLAN).basis is Basis.EMERGENCY
    assert not may_read(family_app, "jgz", noor.id, PLAN, today + timedelta(days=1)).allowed
    overview = text_of(parent.get("/wie-keek-mee"))
    assert "Acute zorg om veiligheid thuis." in overview and "Mehmet Yilmaz" in overview
    page = text_of(parent.get(f"/toestemming/{noor.id}"))
    assert "Gedeeld in een noodsituatie" in page and "Reden van Mehmet Yilmaz: Acute zorg om veiligheid thuis." in page


def test_consent_records_are_encrypted_at_rest(family_app):
    _store(family_app, record_emergency, child_id=person(family_app, "Noor").id, organisation_id=ORG["jgz"],
           organisation="JGZ Regio Midden", kind=PLAN, reason="Geheime-reden-42", professional="Mehmet Yilmaz",
           role="jeugdverpleegkundige", recorded_on=date.today())
    path = family_app.config["ONSPLAN"].database_path
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for plaintext in (b"Geheime-reden-42", b"JGZ Regio Midden", b"Mehmet Yilmaz", ORG["jgz"].encode()):
        assert plaintext not in raw


def test_the_demo_seeds_consent_once(family_app, tmp_path):
    before = {kind: count(family_app, kind) for kind in ("consent_decision", "legal_basis", "access_event")}
    assert all(before.values())
    seed_family(family_app, make_app("hub", tmp_path / "hub"))
    assert {kind: count(family_app, kind) for kind in before} == before


# --- the access overview "Wie keek mee" -------------------------------------------------------


def test_access_overview_shows_when_who_organisation_role_information_and_basis(parent):
    page = text_of(parent.get("/wie-keek-mee"))
    assert "Wie keek mee" in page
    for expected in ("Karin Bos, regisseur", "Wijkteam Oost", "Mehmet Yilmaz, jeugdverpleegkundige",
                     "Het plan en de doelen (Lotte)", "wettelijke grond", "toestemming", "noodsituatie",
                     "Zorgen over de veiligheid van Sam"):
        assert expected in page, expected


def test_access_overview_filters_by_period(family_app, parent):
    sam = person(family_app, "Sam")
    _store(family_app, record_access_event, child_id=sam.id, organisation_id=ORG["jgz"],
           organisation="JGZ Regio Midden", professional="Anna de Jong", role="jeugdarts", kind=PLAN,
           basis=Basis.CONSENT, at=datetime(2020, 5, 4, 22, 30, tzinfo=timezone.utc))  # 5 May 00:30 in NL
    assert "Anna de Jong" in text_of(parent.get("/wie-keek-mee"))
    only_then = text_of(parent.get("/wie-keek-mee?van=2020-05-05&tot=2020-05-05"))
    assert "Anna de Jong" in only_then and "Karin Bos" not in only_then
    assert "5 mei 2020, 00:30" in only_then
    assert "Anna de Jong" not in text_of(parent.get("/wie-keek-mee?van=2020-05-06"))
    empty = text_of(parent.get("/wie-keek-mee?van=2019-01-01&tot=2019-12-31"))
    assert "In deze periode heeft niemand informatie over jullie gezin bekeken." in empty


@pytest.mark.parametrize("query, message", [
    ("van=gisteren", "Vul een datum in zoals 31-03-2026."),
    ("van=2026-02-30", "Vul een datum in zoals 31-03-2026."),
    ("van=2026-03-10&tot=2026-03-01", "Deze datum ligt voor de begindatum."),
])
def test_access_overview_explains_bad_dates(parent, query, message):
    response = parent.get("/wie-keek-mee?" + query)
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "Karin Bos" not in page


def test_youth_sees_only_who_looked_at_their_own_information(youth):
    page = text_of(youth.get("/wie-keek-mee"))
    assert "(Sam)" in page
    assert "(Lotte)" not in page and "(Noor)" not in page


def test_access_events_need_a_time_zone(family_app):
    with pytest.raises(ValueError, match="time zone"):
        _store(family_app, record_access_event, child_id=person(family_app, "Sam").id, organisation_id=ORG["jgz"],
               organisation="JGZ", professional="Anna", role="jeugdarts", kind=PLAN, basis=Basis.CONSENT,
               at=datetime(2020, 5, 4, 12, 0))


# --- notices for the person whose choice is needed ----------------------------------------------


def test_youth_gets_a_notice_when_a_parent_wants_to_share_and_it_goes_once_decided(family_app, youth):
    notices = _notices(family_app, "sam")
    assert [n["type"] for n in notices] == ["waiting_for_you"]
    assert notices[0]["items"] == ["Wijkteam Oost: Antwoorden bij evaluaties"]
    assert notices[0]["url"].endswith(f"/toestemming/{person(family_app, 'Sam').id}")
    assert "Je ouders willen dit delen." in text_of(youth.get("/toestemming"))
    decide(youth, person(family_app, "Sam").id, "wijkteam", "evaluaties", "no")
    assert _notices(family_app, "sam") == []


def test_youth_sees_the_consent_notice_on_the_home_page(youth):
    home = text_of(youth.get("/home"))
    assert "Delen: jouw keuze is nodig" in home and "Wijkteam Oost: Antwoorden bij evaluaties" in home


def test_parent_gets_a_notice_when_the_youth_wants_to_share(family_app, youth):
    assert _notices(family_app, "fatima") == []
    decide(youth, person(family_app, "Sam").id, "jgz", "plan", "yes")
    notices = _notices(family_app, "fatima")
    assert [(n["type"], n["child_name"], n["items"]) for n in notices] == [
        ("waiting_for_you", "Sam", ["JGZ Regio Midden: Het plan en de doelen"])]
    assert "Sam wil dit delen." in notices[0]["message"]


# --- birthdays ---------------------------------------------------------------------------------


@pytest.fixture
def moving(tmp_path):
    the_clock = Clock()
    return app_with_clock(tmp_path / "family", the_clock), the_clock


def test_turning_12_pauses_help_consent_until_the_youth_decides(moving):
    app, the_clock = moving
    lotte = person(app, "Lotte")
    twelve = birthday_on(lotte.birth_date, 12)
    the_clock.today = twelve - timedelta(days=1)
    parent = signed_in(app, "fatima")
    assert decide(parent, lotte.id, "jgz", "evaluaties", "yes").status_code == 303
    assert decide(parent, lotte.id, "school", "evaluaties", "yes").status_code == 303
    assert may_read(app, "jgz", lotte.id, EVALUATIONS).allowed
    the_clock.today = twelve
    assert not may_read(app, "jgz", lotte.id, EVALUATIONS).allowed
    assert may_read(app, "school", lotte.id, EVALUATIONS).allowed  # parents still decide for school
    assert may_read(app, "wijkteam", lotte.id, PLAN).allowed is False  # the demo's yes from age 9 is paused too
    page = text_of(parent.get(f"/toestemming/{lotte.id}"))
    assert "Wacht op toestemming van Lotte" in page
    notice = next(n for n in _notices(app, "fatima") if n["child_name"] == "Lotte")
    assert notice["type"] == "birthday"
    assert notice["message"].startswith("Lotte is 12 jaar geworden. Vanaf nu beslist Lotte samen met jou")
    assert "Het delen hiervan is gestopt tot Lotte beslist:" in notice["message"]
    assert notice["items"] == ["Wijkteam Oost: Het plan en de doelen", "JGZ Regio Midden: Antwoorden bij evaluaties"]


def test_turning_16_hands_help_consent_to_the_youth_and_the_youth_is_asked(moving):
    app, the_clock = moving
    sam = person(app, "Sam")
    sixteen = birthday_on(sam.birth_date, 16)
    the_clock.today = sixteen - timedelta(days=3)
    parent, youth = signed_in(app, "fatima"), signed_in(app, "sam")
    decide(parent, sam.id, "jgz", "plan", "yes")
    decide(youth, sam.id, "jgz", "plan", "yes")
    decide(parent, sam.id, "jgz", "evaluaties", "yes")
    assert may_read(app, "jgz", sam.id, PLAN).allowed
    the_clock.today = sixteen
    assert may_read(app, "jgz", sam.id, PLAN).allowed  # Sam's own yes still counts
    assert not may_read(app, "jgz", sam.id, EVALUATIONS).allowed
    assert decide(parent, sam.id, "jgz", "plan", "no").status_code == 403  # the parent no longer decides
    assert decide(youth, sam.id, "jgz", "plan", "no").status_code == 303
    assert not may_read(app, "jgz", sam.id, PLAN).allowed


def test_youth_is_told_at_16_that_they_now_decide_alone_until_they_decide(moving):
    app, the_clock = moving
    sam = person(app, "Sam")
    sixteen = birthday_on(sam.birth_date, 16)
    the_clock.today = sixteen - timedelta(days=1)
    assert "birthday" not in [n["type"] for n in _notices(app, "sam")]
    the_clock.today = sixteen
    birthday = next(n for n in _notices(app, "sam") if n["type"] == "birthday")
    assert birthday["message"] == ("Je bent 16 jaar geworden. "
                                   "Vanaf nu beslis je zelf over delen met hulp en gezondheid.")
    assert birthday["items"] == []  # Sam's own yes keeps counting: nothing had to stop
    assert "birthday" in [n["type"] for n in _notices(app, "fatima")]
    the_clock.today = sixteen + timedelta(days=30)
    assert "birthday" not in [n["type"] for n in _notices(app, "sam")]
    the_clock.today = sixteen + timedelta(days=2)
    decide(signed_in(app, "sam"), sam.id, "jgz", "plan", "no")
    assert "birthday" not in [n["type"] for n in _notices(app, "sam")]


def test_youth_turning_12_is_asked_about_what_was_paused(moving):
    app, the_clock = moving
    lotte = person(app, "Lotte")
    the_clock.today = birthday_on(lotte.birth_date, 12) + timedelta(days=45)  # long after: still paused
    with app.app_context():
        from webapp.auth import queries
        from webapp.auth.passwords import hash_password
        from sync.record import new_record_id
        db = get_db()
        queries.create_account(db, id=new_record_id(), family_id=family_id(app), person_id=lotte.id, role="youth",
                               login_hash=node_key().lookup_hash("login", "lotte"),
                               password_hash=hash_password("lotte haar lange zin"))
    notice = next(n for n in _notices(app, "lotte") if n["type"] == "birthday")
    assert notice["message"].startswith("Je bent 12 jaar geworden. Vanaf nu beslis je samen met je ouders")
    assert notice["items"] == ["Wijkteam Oost: Het plan en de doelen"]  # the demo's yes from when Lotte was 9


def _card(page: str, organisation: str) -> str:
    start = page.index(f">{organisation}</h2>")
    end = page.find("</section>", start)
    return page[start:end]


def test_a_parent_sees_that_a_youth_of_16_decides_about_help_not_what_the_youth_decided(family_app, parent,
                                                                                       older_youth):
    noor = person(family_app, "Noor")  # 17: decided yes and later no about JGZ seeing her evaluations
    jgz = _card(text_of(parent.get(f"/toestemming/{noor.id}")), "JGZ Regio Midden")
    assert "Noor beslist dit zelf" in jgz
    assert "Je ziet niet wat Noor heeft besloten." in jgz
    for revealing in ("zei nee", "zei ja", "Niet gedeeld", ">Gedeeld<", "wil dit niet delen"):
        assert revealing not in jgz, revealing
    school = _card(text_of(parent.get(f"/toestemming/{noor.id}")), "Het Baken College")
    assert "Gedeeld" in school  # school: parents decide until 18, so they see the state
    own = _card(text_of(older_youth.get(f"/toestemming/{noor.id}")), "JGZ Regio Midden")
    assert "Niet gedeeld" in own and "Jij zei nee op" in own
    history = text_of(parent.get(f"/toestemming/{noor.id}/geschiedenis"))
    assert "JGZ Regio Midden" not in history
    assert "JGZ Regio Midden" in text_of(older_youth.get(f"/toestemming/{noor.id}/geschiedenis"))


def test_a_parent_does_not_see_that_help_looked_by_the_consent_of_a_youth_of_16(family_app, parent, older_youth):
    noor = person(family_app, "Noor")
    before = text_of(parent.get("/wie-keek-mee")).count("<dd>Wijkteam Oost</dd>")
    _store(family_app, record_access_event, child_id=noor.id, organisation_id=ORG["wijkteam"],
           organisation="Wijkteam Oost", professional="Karin Bos", role="regisseur", kind=PLAN, basis=Basis.CONSENT,
           at=datetime.now(timezone.utc))
    assert "<dd>Wijkteam Oost</dd>" in text_of(older_youth.get("/wie-keek-mee"))
    parents_view = text_of(parent.get("/wie-keek-mee"))
    assert parents_view.count("<dd>Wijkteam Oost</dd>") == before
    assert "<dd>Het Baken College</dd>" in parents_view  # the school looked at Noor's plan: parents decide there
