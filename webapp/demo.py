"""Demo data for both roles: one family, three organisations, one professional each.

Only the ``onsplan demo`` command calls this; no route reaches it. Running it again
changes nothing but fresh invitation codes (old unused demo codes stop working).

The demo family joins the demo hub the way every family does: with an invitation the
wijkteam made on the hub. What the professionals wrote (proposals, the regisseur's
agreements, review notes, evaluation moments) is made on the hub, signed by the
organisation, and reaches the family space through sync.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask

from webapp.auth import queries
from webapp.auth.professionals import add_professional
from webapp.auth.passwords import hash_password
from webapp.consent.demo import seed_demo_consent
from webapp.db import get_db, transaction, utcnow
from webapp.evaluation.demo import seed_demo_evaluations
from webapp.family.invitations import issue_invitation
from webapp.people.members import add_member
from webapp.plan.queries import PlanWriter, load_child_plan
from webapp.plan.rules import GoalStatus
from webapp.records import RecordStore, clock, get_meta, get_store, node_key, set_meta
from sync.family import FamilySync, InProcessTransport, join_hub
from sync.hub import make_invitation, write_for_family
from sync.keyring import KeyRing
from sync.record import new_record_id

# Demo-only passwords: printed by the demo command, never used outside demo mode.
DEMO_PASSWORDS = {
    "fatima": "demo-ouder-fatima",
    "sam": "demo-jongere-sam",
    "noor": "demo-jongere-noor",
    "karin": "demo-regisseur-karin",
    "tom": "demo-school-tom",
    "mehmet": "demo-jgz-mehmet",
}

ORGANISATIONS = [
    # (organisation id in the hub's directory, name, sector, professional login, name, role, contact).
    # Fixed ids so the family space and the hub of the demo refer to the same organisations.
    ("9b1f3c2e-0001-4a55-8d0e-6f1c00000001", "Wijkteam Oost", "wijkteam", "karin", "Karin Bos", "regisseur", "030 123 45 67"),
    ("9b1f3c2e-0002-4a55-8d0e-6f1c00000002", "Het Baken College", "school", "tom", "Tom Jansen", "mentor", "mentor@hetbaken.example"),
    ("9b1f3c2e-0003-4a55-8d0e-6f1c00000003", "JGZ Regio Midden", "jgz", "mehmet", "Mehmet Yilmaz", "jeugdverpleegkundige", "088 765 43 21"),
]


def years_ago(today: date, years: int, extra_days: int) -> date:
    """A birth date that makes the child ``years`` old today, with the birthday ``extra_days`` ago."""
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year without one
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=extra_days)


DEMO_HUB_NAME = "Wijkteam Oost en partners"  # what families read the demo hub as


@dataclass
class DemoLogins:
    family: list[tuple[str, str, str]] = field(default_factory=list)  # (who, login, password)
    hub: list[tuple[str, str, str, str]] = field(default_factory=list)  # (who, login, password, totp secret)
    invitations: list[tuple[str, str]] = field(default_factory=list)  # (for whom, code)


class _ViaHub:
    """The family's record store for seeding, except that what a professional writes is made on the
    hub and arrives through a sync round, as it does outside the demo."""

    def __init__(self, store: RecordStore, hub: Flask, today: date) -> None:
        self._store, self._hub, self._today = store, hub, today
        self._ring = KeyRing(store.db, store.keys)
        self._organisations = {org[0] for org in ORGANISATIONS}

    def __getattr__(self, name):
        return getattr(self._store, name)

    def write(self, *, family_id: str, kind: str, author: str, body: dict, subject: str | None = None,
              record_id: str | None = None, replaces: str | None = None):
        if author not in self._organisations:
            return self._store.write(family_id=family_id, kind=kind, author=author, body=body, subject=subject,
                                     record_id=record_id, replaces=replaces)
        with self._hub.app_context():
            hub_db = get_db()
            made = write_for_family(hub_db, KeyRing(hub_db, node_key()), clock(), organisation_id=author,
                                    family_id=family_id, kind=kind, subject=subject, body=body,
                                    record_id=record_id, replaces=replaces)
        self.sync(family_id)
        return self._store.get(family_id, made.id) or made

    def sync(self, family_id: str) -> None:
        FamilySync(self._store, self._ring, lambda _url: InProcessTransport(self._hub),
                   lambda: self._today).run(family_id)


def _join_demo_hub(store: RecordStore, hub: Flask, family_id: str) -> None:
    """The wijkteam invites the demo family on the hub; the family space redeems the code."""
    with hub.app_context():
        hub_db = get_db()
        code = make_invitation(hub_db, KeyRing(hub_db, node_key()), organisation_id=ORGANISATIONS[0][0],
                               created_by="demo", hub_url=hub.config["ONSPLAN"].base_url,
                               days=hub.config["ONSPLAN"].invitation_days)
    join_hub(store, KeyRing(store.db, store.keys), lambda _url: InProcessTransport(hub), code, family_id,
             hubs=(hub.config["ONSPLAN"].base_url,))


def _regisseur_code(hub: Flask) -> str:
    """A code Karin made on the workplace for a family that is not in the demo yet."""
    with hub.app_context():
        hub_db, keys = get_db(), node_key()
        karin = queries.professional_by_login(hub_db, keys.lookup_hash("professional", "karin"))
        return make_invitation(hub_db, KeyRing(hub_db, keys), organisation_id=karin["organisation_id"],
                               created_by=karin["id"], hub_url=hub.config["ONSPLAN"].base_url,
                               days=hub.config["ONSPLAN"].invitation_days, label="Gezin Bakker (demo)",
                               label_cipher=keys.field_cipher("invitation-label"))


def seed_family(app: Flask, hub: Flask) -> DemoLogins:
    """Seed the demo family once (joining the demo hub, which is seeded first if needed); hand out
    fresh invitation codes on every run."""
    seed_hub(hub)
    logins = DemoLogins()
    with app.app_context():
        store = get_store()
        db = store.db
        config = app.config["ONSPLAN"]
        today = config.today()
        if get_meta(db, "demo_family") is None:
            family_id = store.create_family()
            _join_demo_hub(store, hub, family_id)
            via_hub = _ViaHub(store, hub, today)
            with transaction(db):
                _seed_family_members(via_hub, family_id, today)
                seed_demo_consent(store, family_id, today)
                via_hub.sync(family_id)
                new_family = store.create_family()
                set_meta(db, "demo_family", family_id)
                set_meta(db, "demo_new_family", new_family)
        family_id = get_meta(db, "demo_family")
        new_family = get_meta(db, "demo_new_family")
        if db.execute("SELECT 1 FROM hub_links WHERE family_id = ?", [family_id]).fetchone() is None:
            # A demo folder made before families joined hubs: join the demo hub now.
            _join_demo_hub(store, hub, family_id)
            _ViaHub(store, hub, today).sync(family_id)
        # The demo hub may run on another port this time.
        db.execute("UPDATE hub_links SET hub_url = ? WHERE family_id = ?", [hub.config["ONSPLAN"].base_url, family_id])
        daan = get_meta(db, "demo_person_daan")
        with transaction(db):
            if queries.account_for_person(db, daan) is None:
                code, _ = issue_invitation(db, family_id=family_id, role="parent", person_id=daan,
                                           created_by="demo", days=config.invitation_days)
                logins.invitations.append(("Daan de Vries (tweede ouder / second parent)", code))
            if db.execute("SELECT 1 FROM accounts WHERE family_id = ?", [new_family]).fetchone() is None:
                code, _ = issue_invitation(db, family_id=new_family, role="parent", person_id=None,
                                           created_by="demo", days=config.invitation_days)
                logins.invitations.append(("eerste ouder van een nieuw gezin / first parent of a new family", code))
    logins.invitations.append(("een nieuw gezin, van Karin (wijkteam) / a new family, from the wijkteam",
                               _regisseur_code(hub)))
    logins.family = [
        ("Fatima de Vries (ouder / parent)", "fatima", DEMO_PASSWORDS["fatima"]),
        ("Sam (jongere, 14 / youth, 14)", "sam", DEMO_PASSWORDS["sam"]),
        ("Noor (jongere, 17 / youth, 17)", "noor", DEMO_PASSWORDS["noor"]),
    ]
    return logins


def _seed_family_members(store: RecordStore, family_id: str, today: date) -> None:
    db, keys = store.db, store.keys
    fatima = add_member(store, family_id=family_id, author="demo", name="Fatima de Vries", role="parent")
    daan = add_member(store, family_id=family_id, author="demo", name="Daan de Vries", role="parent")
    lotte = add_member(store, family_id=family_id, author=fatima.id, name="Lotte", role="child",
                       birth_date=years_ago(today, 9, 100), school_stage="po")
    sam = add_member(store, family_id=family_id, author=fatima.id, name="Sam", role="child",
                     birth_date=years_ago(today, 14, 40), school_stage="vo")
    noor = add_member(store, family_id=family_id, author=fatima.id, name="Noor", role="child",
                      birth_date=years_ago(today, 17, 200), school_stage="mbo")
    set_meta(db, "demo_person_daan", daan.id)
    for login, person, role in (("fatima", fatima, "parent"), ("sam", sam, "youth"), ("noor", noor, "youth")):
        queries.create_account(db, id=new_record_id(), family_id=family_id, person_id=person.id, role=role,
                               login_hash=keys.lookup_hash("login", login),
                               password_hash=hash_password(DEMO_PASSWORDS[login]))
    for org_id, org_name, sector, _login, pro_name, role_title, contact in ORGANISATIONS:
        store.write(family_id=family_id, kind="involved", author="demo",
                   body={"organisation_id": org_id, "organisation": org_name, "sector": sector, "professional": pro_name,
                         "role": role_title, "contact": contact, "regisseur": sector == "wijkteam",
                         "children": [lotte.id, sam.id, noor.id]})
    _seed_plans(store, family_id, today, fatima=fatima, lotte=lotte, sam=sam, noor=noor)


def _professional(index: int) -> dict[str, str]:
    org_id, org_name, _sector, _login, pro_name, _role, _contact = ORGANISATIONS[index]
    return {"side": "professional", "id": org_id, "name": f"{pro_name} ({org_name})"}


def _seed_plans(store: RecordStore, family_id: str, today: date, *, fatima, lotte, sam, noor) -> None:
    """Goals, afspraken, feedback and evaluation moments; the wijkteam's Karin is the regisseur."""
    karin, tom = _professional(0), _professional(1)

    def writer(author):
        return PlanWriter(store, family_id, author)

    def family(person):
        return {"side": "family", "id": person.id, "name": person.name}

    def goal(child, goal_id):
        return load_child_plan(store, family_id, child.id).goal(goal_id)

    def agree(author, child, goal_id, role, side="family"):
        writer(author).agree(goal(child, goal_id), role=role, side=side, today=today, child_birth=child.birth_date)

    # Sam (14): a school goal proposed by the regisseur, waiting for a parent; a health goal in progress.
    school = writer(karin).propose_goal(
        sam.id, life_domain="school",
        title="Sam gaat elke schooldag naar school en is op tijd in de eerste les.",
        strengths="Sam wil zijn diploma halen. Mentor Tom is voor Sam een vertrouwd aanspreekpunt.",
        gas=["Sam is meer dan 5 keer per maand te laat of afwezig.", "Sam is 3 tot 5 keer per maand te laat.",
             "Sam is hooguit 2 keer per maand te laat.", "Sam is 1 keer per maand te laat.",
             "Sam is elke dag op tijd."])
    agree(karin, sam, school, None, side="regisseur")
    sleep = writer(family(fatima)).propose_goal(
        sam.id, life_domain="health", title="Sam slaapt door de week vóór 23.00 uur.",
        strengths="Sam sport graag; na het sporten slaapt hij beter.", gas=None)
    agree(family(fatima), sam, sleep, "parent")
    agree(family(sam), sam, sleep, "youth")
    agree(karin, sam, sleep, None, side="regisseur")
    writer(family(fatima)).change_status(goal(sam, sleep), GoalStatus.ACTIVE)
    writer(tom).review_note(sam.id, goal_id=school,
                            text="Sam was deze maand 3 keer te laat. Dat is minder dan vorige maand.")
    writer(karin).add_afspraak(sam.id, goal_id=school, who={"kind": "organisation", "id": tom["id"],
                                                            "label": "Het Baken College (mentor)"},
                               what="Tom belt elke vrijdag even met Sam over de week.", due=today + timedelta(days=14))
    writer(family(fatima)).add_afspraak(sam.id, goal_id=sleep, who={"kind": "person", "id": fatima.id,
                                                                    "label": fatima.name},
                                        what="Afspraak maken met de huisarts over slapen.",
                                        due=today - timedelta(days=3))
    writer(family(fatima)).add_afspraak(sam.id, goal_id=sleep, who={"kind": "person", "id": sam.id, "label": sam.name},
                                        what="Een week lang een slaapdagboek bijhouden.", due=today + timedelta(days=6))
    # Sam's next moment is open for answers now (see webapp/evaluation/rules.py); at the two earlier
    # moments Fatima and Sam already answered, so the results page shows progress over time.
    _moment(store, family_id, sam.id, today + timedelta(days=7), "Evaluatie van het plan", [school, sleep],
            ["Fatima de Vries", "Sam", "Karin Bos (Wijkteam Oost)", "Tom Jansen (Het Baken College)"])
    earlier = [_moment(store, family_id, sam.id, today - timedelta(days=60), "Start van de ondersteuning",
                       [school, sleep], []),
               _moment(store, family_id, sam.id, today - timedelta(days=30), "Tussenevaluatie", [school, sleep],
                       ["Fatima de Vries", "Sam", "Karin Bos (Wijkteam Oost)"])]
    seed_demo_evaluations(store, family_id, fatima=fatima, sam=sam, moment_ids=earlier, school=school,
                          sleep=sleep)

    # Lotte (9): a goal in progress, agreed by a parent and the regisseur.
    friends = writer(family(fatima)).propose_goal(
        lotte.id, life_domain="leisure", title="Lotte speelt elke week met een vriendje of vriendinnetje.",
        strengths="Lotte is vrolijk en houdt van tekenen en zwemmen.", gas=None)
    agree(family(fatima), lotte, friends, "parent")
    agree(karin, lotte, friends, None, side="regisseur")
    writer(family(fatima)).change_status(goal(lotte, friends), GoalStatus.ACTIVE)
    writer(karin).add_afspraak(lotte.id, goal_id=friends, who={"kind": "organisation", "id": karin["id"],
                                                               "label": "Wijkteam Oost (regisseur)"},
                               what="Een sportclub zoeken bij Lotte in de buurt.", due=today + timedelta(days=10))
    _moment(store, family_id, lotte.id, today + timedelta(days=10), "Evaluatie", [friends],
            ["Fatima de Vries", "Lotte", "Karin Bos (Wijkteam Oost)"])

    # Noor (17): her own proposal, waiting for the regisseur; her own comment.
    internship = writer(family(noor)).propose_goal(
        noor.id, life_domain="work_money_housing", title="Noor vindt een stageplek in de zorg.",
        strengths="Noor is zorgzaam en kan goed luisteren.", gas=None)
    agree(family(noor), noor, internship, "youth")
    writer(family(noor)).comment(noor.id, goal_id=internship, by_youth=True, question=False,
                                 text="Ik wil het liefst stage lopen in een verpleeghuis.")
    writer(family(noor)).add_afspraak(noor.id, goal_id=internship, who={"kind": "person", "id": noor.id,
                                                                        "label": noor.name},
                                      what="Drie sollicitatiebrieven sturen.", due=today + timedelta(days=12))


def _moment(store: RecordStore, family_id, child_id, on: date, title: str, goals: list[str],
            participants: list[str]) -> str:
    item = new_record_id()
    store.write(family_id=family_id, kind="evaluation_moment", author=ORGANISATIONS[0][0], subject=child_id, body={"item": item, "date": on.isoformat(), "title": title,
                                       "goals": goals, "participants": participants})
    return item


def seed_hub(app: Flask) -> DemoLogins:
    """Seed the demo organisations and professionals once; print their logins every run."""
    logins = DemoLogins()
    with app.app_context():
        db, keys = get_db(), node_key()
        cipher = keys.field_cipher("professional")
        if get_meta(db, "demo_hub") is None:
            with transaction(db):
                for org_id, org_name, sector, login, pro_name, role_title, _contact in ORGANISATIONS:
                    db["organisations"].insert({"id": org_id, "name": org_name, "sector": sector,
                                                "created_at": utcnow()})
                    add_professional(db, keys, organisation_id=org_id, login=login, name=pro_name,
                                     role_title=role_title, password=DEMO_PASSWORDS[login],
                                     is_admin=login == "karin")
                set_meta(db, "demo_hub", "1")
        for _key, org_name, _sector, login, pro_name, role_title, _contact in ORGANISATIONS:
            row = queries.professional_by_login(db, keys.lookup_hash("professional", login))
            secret = cipher.decrypt(row["id"], row["totp_secret"])
            logins.hub.append((f"{pro_name} ({role_title}, {org_name})", login, DEMO_PASSWORDS[login], secret))
    return logins
