"""Demo consent data: a few decisions, a legal basis, an emergency exception and access events.

Called once from ``webapp.demo`` while the demo family is made, inside its transaction.
Sam/Noor with JGZ and Noor's evaluations at school are left open for the browser tests.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from webapp.consent.rules import Basis, DeciderRole, InfoKind
from webapp.consent.store import record_access_event, record_decision, record_emergency, record_legal_basis
from webapp.people.involved import involved_for_family
from webapp.people.members import family_members
from webapp.records import RecordStore

PARENT, YOUTH = DeciderRole.PARENT, DeciderRole.YOUTH
PLAN, EVALUATIONS = InfoKind.PLAN, InfoKind.EVALUATIONS


def seed_demo_consent(store: RecordStore, family_id: str, today: date) -> None:
    """Consent history of the demo family, dated relative to `today`."""
    people = {p.name.split()[0]: p for p in family_members(store, family_id)}
    organisations = {i.sector: i for i in involved_for_family(store, family_id)}
    latest: dict[tuple, str] = {}  # each person's previous decision: what the next one is based on
    fatima, lotte, sam, noor = people["Fatima"], people["Lotte"], people["Sam"], people["Noor"]
    wijkteam, school, jgz = organisations["wijkteam"], organisations["school"], organisations["jgz"]

    def decide(child, organisation, kind, person, role, granted, days_ago):
        about = (child.id, organisation.organisation_id, kind, person.id)
        latest[about] = record_decision(
            store, family_id=family_id, child_id=child.id, organisation_id=organisation.organisation_id,
            organisation=organisation.organisation, kind=kind, person_id=person.id, role=role, granted=granted,
            decided_on=today - timedelta(days=days_ago), based_on=latest.get(about)).id

    decide(lotte, wijkteam, PLAN, fatima, PARENT, True, 60)
    decide(lotte, school, PLAN, fatima, PARENT, True, 60)
    decide(sam, wijkteam, PLAN, fatima, PARENT, True, 30)
    decide(sam, wijkteam, PLAN, sam, YOUTH, True, 29)
    decide(sam, school, PLAN, fatima, PARENT, True, 30)
    decide(sam, wijkteam, EVALUATIONS, fatima, PARENT, True, 5)  # waits for Sam
    decide(noor, wijkteam, PLAN, noor, YOUTH, True, 20)
    decide(noor, school, PLAN, fatima, PARENT, True, 20)
    decide(noor, jgz, EVALUATIONS, noor, YOUTH, True, 40)
    decide(noor, jgz, EVALUATIONS, noor, YOUTH, False, 10)

    record_legal_basis(store, family_id=family_id, child_id=lotte.id,
                       organisation_id=jgz.organisation_id, organisation=jgz.organisation, kind=PLAN,
                       ground="legal_duty", starts_on=today - timedelta(days=200), author="demo")
    record_emergency(store, family_id=family_id, child_id=sam.id,
                     organisation_id=wijkteam.organisation_id, organisation=wijkteam.organisation,
                     kind=EVALUATIONS, professional=wijkteam.professional, role=wijkteam.role,
                     reason="Zorgen over de veiligheid van Sam na een melding van school; "
                            "overleg met Veilig Thuis was nodig.",
                     recorded_on=today - timedelta(days=21), ends_on=today - timedelta(days=14), author="demo")

    def looked(days_ago, hour, child, organisation, kind, basis):
        at = datetime.combine(today - timedelta(days=days_ago), time(hour, 15), tzinfo=timezone.utc)
        record_access_event(store, family_id=family_id, child_id=child.id,
                            organisation_id=organisation.organisation_id, organisation=organisation.organisation,
                            professional=organisation.professional, role=organisation.role, kind=kind,
                            basis=basis, at=at, author="demo")

    looked(20, 9, sam, wijkteam, EVALUATIONS, Basis.EMERGENCY)
    looked(12, 13, lotte, jgz, PLAN, Basis.LEGAL)
    looked(3, 10, sam, wijkteam, PLAN, Basis.CONSENT)
    looked(1, 14, noor, school, PLAN, Basis.CONSENT)
