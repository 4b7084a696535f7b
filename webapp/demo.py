"""Demo data for both roles: one family, three organisations, one professional each.

Only the ``onsplan demo`` command calls this; no route reaches it. Running it again
changes nothing but fresh invitation codes (old unused demo codes stop working).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask

from webapp.auth import queries
from webapp.auth.professionals import add_professional
from webapp.auth.passwords import hash_password
from webapp.db import get_db, transaction, utcnow
from webapp.family.invitations import issue_invitation
from webapp.family.members import add_member
from webapp.records import add_record, clock, create_family, get_meta, node_key, set_meta
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


@dataclass
class DemoLogins:
    family: list[tuple[str, str, str]] = field(default_factory=list)  # (who, login, password)
    hub: list[tuple[str, str, str, str]] = field(default_factory=list)  # (who, login, password, totp secret)
    invitations: list[tuple[str, str]] = field(default_factory=list)  # (for whom, code)


def seed_family(app: Flask) -> DemoLogins:
    """Seed the demo family once; hand out fresh invitation codes on every run."""
    logins = DemoLogins()
    with app.app_context():
        db, keys, hlc = get_db(), node_key(), clock()
        config = app.config["ONSPLAN"]
        today = config.today()
        if get_meta(db, "demo_family") is None:
            with transaction(db):
                family_id = create_family(db, keys)
                _seed_family_members(db, keys, hlc, family_id, today)
                new_family = create_family(db, keys)
                set_meta(db, "demo_family", family_id)
                set_meta(db, "demo_new_family", new_family)
        family_id = get_meta(db, "demo_family")
        new_family = get_meta(db, "demo_new_family")
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
    logins.family = [
        ("Fatima de Vries (ouder / parent)", "fatima", DEMO_PASSWORDS["fatima"]),
        ("Sam (jongere, 14 / youth, 14)", "sam", DEMO_PASSWORDS["sam"]),
        ("Noor (jongere, 17 / youth, 17)", "noor", DEMO_PASSWORDS["noor"]),
    ]
    return logins


def _seed_family_members(db, keys, hlc, family_id: str, today: date) -> None:
    fatima = add_member(db, keys, hlc, family_id=family_id, author="demo", name="Fatima de Vries", role="parent")
    daan = add_member(db, keys, hlc, family_id=family_id, author="demo", name="Daan de Vries", role="parent")
    lotte = add_member(db, keys, hlc, family_id=family_id, author=fatima.id, name="Lotte", role="child",
                       birth_date=years_ago(today, 9, 100), school_stage="po")
    sam = add_member(db, keys, hlc, family_id=family_id, author=fatima.id, name="Sam", role="child",
                     birth_date=years_ago(today, 14, 40), school_stage="vo")
    noor = add_member(db, keys, hlc, family_id=family_id, author=fatima.id, name="Noor", role="child",
                      birth_date=years_ago(today, 17, 200), school_stage="mbo")
    set_meta(db, "demo_person_daan", daan.id)
    for login, person, role in (("fatima", fatima, "parent"), ("sam", sam, "youth"), ("noor", noor, "youth")):
        queries.create_account(db, id=new_record_id(), family_id=family_id, person_id=person.id, role=role,
                               login_hash=keys.lookup_hash("login", login),
                               password_hash=hash_password(DEMO_PASSWORDS[login]))
    for org_id, org_name, sector, _login, pro_name, role_title, contact in ORGANISATIONS:
        add_record(db, keys, hlc, family_id=family_id, kind="involved", author="demo",
                   body={"organisation_id": org_id, "organisation": org_name, "sector": sector, "professional": pro_name,
                         "role": role_title, "contact": contact, "regisseur": sector == "wijkteam",
                         "children": [lotte.id, sam.id, noor.id]})


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
                                     role_title=role_title, password=DEMO_PASSWORDS[login])
                set_meta(db, "demo_hub", "1")
        for _key, org_name, _sector, login, pro_name, role_title, _contact in ORGANISATIONS:
            row = queries.professional_by_login(db, keys.lookup_hash("professional", login))
            secret = cipher.decrypt(row["id"], row["totp_secret"])
            logins.hub.append((f"{pro_name} ({role_title}, {org_name})", login, DEMO_PASSWORDS[login], secret))
    return logins
