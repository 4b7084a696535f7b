"""Sync over a connection that drops, duplicates, truncates and reorders, with clocks a day
apart and a hub killed with SIGKILL in the middle of a batch: once the faults stop and sync
settles, both sides hold the same records — nothing lost, nothing twice."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sync.clock import Stamp
from sync.hub import write_for_family
from sync.keyring import KeyRing
from sync.record import SHARED_CATEGORIES
from sync.wire import SyncError
from tests.fault_proxy import FAULTS, FaultProxy
from tests.integration.sync_helpers import ORG, HubProcess, Roles, start_roles
from webapp.consent.rules import DeciderRole, InfoKind
from webapp.consent.store import latest_decision_id, load_consent_facts, record_decision
from webapp.db import get_db
from webapp.people.members import family_members
from webapp.plan.queries import PlanWriter
from webapp.records import clock, get_store

DAY_MS = 24 * 3600 * 1000
STEPS = st.lists(st.tuples(st.sampled_from([f for f in FAULTS if f != "kill_hub"]),
                           st.sampled_from(["none", "family_comment", "hub_note", "hub_note_ahead",
                                            "hub_note_behind", "withdraw"])),
                 min_size=4, max_size=10)


def _family_comment(roles: Roles, text: str) -> None:
    with roles.family.app_context():
        store = get_store()
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        PlanWriter(store, roles.family_id, {"side": "family", "id": fatima.id, "name": fatima.name}).comment(
            roles.child("Sam").id, goal_id=None, text=text, by_youth=False, question=False)


def _hub_note(roles: Roles, text: str, skew_ms: int = 0) -> str:
    with roles.hub.app_context():
        db = get_db()
        stamp = clock().now()
        made = write_for_family(db, KeyRing(db, roles.hub.extensions["onsplan.node_key"]), clock(),
                                organisation_id=ORG["wijkteam"], family_id=roles.family_id, kind="review_note",
                                subject=roles.child("Sam").id, clock=str(Stamp(stamp.physical_ms + skew_ms, 0,
                                                                               stamp.node)),
                                body={"goal": None, "text": text,
                                      "by": {"side": "professional", "id": ORG["wijkteam"], "name": "Karin"}})
    return made.clock


def _withdraw_school(roles: Roles) -> None:
    _decide_school(roles, granted=False)


def _settle(roles: Roles, rounds: int = 6) -> None:
    for _ in range(rounds):
        try:
            report = roles.sync()
        except SyncError:
            continue
        if not (report.sent or report.received or report.wraps_added or report.wraps_deleted):
            return
    raise AssertionError("sync did not settle")


def assert_both_sides_hold_the_same_records(roles: Roles) -> None:
    family, hub = roles.family_db(), roles.hub_db()
    categories = ", ".join(f"'{c}'" for c in SHARED_CATEGORIES)
    shared = {row for row in family.execute(
        f"SELECT id, clock, author FROM records WHERE family_id = ? AND subject IS NOT NULL"  # nosec B608
        f" AND category IN ({categories}) AND id NOT IN (SELECT record_id FROM from_hub)", [roles.family_id])}
    at_hub = {row for row in hub.execute("SELECT id, clock, author FROM envelopes WHERE family_id = ?"
                                         " AND origin = 'family' AND kind != 'child_card'", [roles.family_id])}
    assert shared == at_hub
    made_on_hub = {row for row in hub.execute("SELECT id, clock, author FROM envelopes WHERE origin = 'hub'")}
    arrived = {row for row in family.execute("SELECT id, clock, author FROM records WHERE id IN"
                                             " (SELECT record_id FROM from_hub)")}
    assert made_on_hub == arrived
    assert family.execute("SELECT COUNT(*) FROM sync_refusals").fetchone()[0] == 0
    # What the family space believes the hub holds is what the hub holds.
    assert family.execute("SELECT COUNT(*) FROM wraps_at_hub").fetchone()[0] == hub.execute(
        "SELECT COUNT(*) FROM key_wraps").fetchone()[0]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(steps=STEPS)
def test_after_faults_and_skewed_clocks_both_sides_hold_the_same_records(seeded, steps):
    roles = start_roles(seeded, Path(tempfile.mkdtemp()))
    proxy = FaultProxy(roles.server.url, [fault for fault, _change in steps])
    roles.family_db().execute("UPDATE hub_links SET hub_url = ?", [proxy.url])
    withdrawn = False
    try:
        for index, (_fault, change) in enumerate(steps):
            if change == "family_comment":
                _family_comment(roles, f"Reactie {index}")
            elif change.startswith("hub_note"):
                skew = {"hub_note": 0, "hub_note_ahead": DAY_MS, "hub_note_behind": -DAY_MS}[change]
                _hub_note(roles, f"Terugkoppeling {index}", skew)
            elif change == "withdraw" and not withdrawn:
                _withdraw_school(roles)
                withdrawn = True
            try:
                roles.sync()
            except SyncError:
                pass  # the fault broke this round; the next one carries on
        proxy.schedule.clear()
        _settle(roles)
        assert_both_sides_hold_the_same_records(roles)
        if withdrawn:
            assert roles.hub_db().execute("SELECT COUNT(*) FROM key_wraps WHERE recipient = ? AND subject = ?"
                                          " AND category = 'plan'", [ORG["school"], roles.child("Sam").id]
                                          ).fetchone()[0] == 0
    finally:
        proxy.stop()
        roles.stop()


def test_a_record_from_a_hub_a_day_ahead_still_orders_before_the_familys_next_change(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    try:
        ahead = _hub_note(roles, "Uit de toekomst", DAY_MS)
        _settle(roles)
        _family_comment(roles, "Daarna geschreven")
        newest = roles.family_db().execute("SELECT clock FROM records ORDER BY seq DESC LIMIT 1").fetchone()[0]
        assert newest > ahead
        _settle(roles)
        assert_both_sides_hold_the_same_records(roles)
    finally:
        roles.stop()


def test_a_hub_killed_in_the_middle_of_a_batch_loses_nothing(seeded, tmp_path):
    roles = start_roles(seeded, tmp_path)
    roles.stop()  # the hub runs as its own process here
    hub = HubProcess(roles.hub.config["ONSPLAN"].data_dir)
    hub.start()
    killed = []
    proxy = FaultProxy(hub.url, ["kill_hub"], on_kill=lambda: (hub.kill(), killed.append(True)))
    roles.family_db().execute("UPDATE hub_links SET hub_url = ?", [proxy.url])
    try:
        for index in range(30):
            _family_comment(roles, f"Reactie {index}")
        try:
            roles.sync()
        except SyncError:
            pass
        assert killed
        hub.start()
        _settle(roles)
        assert_both_sides_hold_the_same_records(roles)
    finally:
        proxy.stop()
        hub.kill()


class _LosesTheAnswerToAWithdrawal:
    """HTTP to the hub, but the answer to the first push that deletes wraps never arrives (the hub
    did handle it): a phone that lost its connection at the worst moment."""

    lost = 0

    def __init__(self, base_url: str) -> None:
        from sync.family import Transport

        self.inner = Transport(base_url)

    def get(self, path: str) -> dict:
        return self.inner.get(path)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> dict:
        import json

        answer = self.inner.post(path, body, headers)
        if path.endswith("/push") and json.loads(body).get("unwraps") and not type(self).lost:
            type(self).lost += 1
            raise SyncError("the hub cannot be reached (answer lost)", 0, permanent=False)
        return answer


def test_a_withdrawal_whose_answer_is_lost_and_then_a_new_yes_converge_and_the_school_reads_again(seeded, tmp_path):
    from sync.family import FamilySync
    from tests.integration.sync_helpers import what_opens

    roles = start_roles(seeded, tmp_path)
    try:
        roles.sync()
        sam, school = roles.child("Sam"), ORG["school"]
        _withdraw_school(roles)
        _LosesTheAnswerToAWithdrawal.lost = 0
        with roles.family.app_context():
            store = get_store()
            try:
                FamilySync(store, KeyRing(get_db(), store.keys), _LosesTheAnswerToAWithdrawal).run(roles.family_id)
            except SyncError:
                pass
        assert _LosesTheAnswerToAWithdrawal.lost == 1
        assert not any(subject == sam.id and category == "plan"
                       for _i, subject, category in what_opens(roles.hub_db(), school, roles.org_keys(school)))
        # Fatima shares again before any round heard the hub's answer.
        with roles.family.app_context():
            store = get_store()
            fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
            facts = load_consent_facts(store, roles.family_id)
            record_decision(store, family_id=roles.family_id, child_id=sam.id, organisation_id=school,
                            organisation="", kind=InfoKind.PLAN, person_id=fatima.id, role=DeciderRole.PARENT,
                            granted=True, decided_on=roles.family.config["ONSPLAN"].today(),
                            based_on=latest_decision_id(facts, sam.id, school, InfoKind.PLAN, fatima.id))
        assert roles.may_read(school, sam.id, "plan")
        _settle(roles)
        assert_both_sides_hold_the_same_records(roles)
        assert any(subject == sam.id and category == "plan"
                   for _i, subject, category in what_opens(roles.hub_db(), school, roles.org_keys(school)))
    finally:
        roles.stop()


def test_after_the_hub_ran_a_day_ahead_and_restarted_its_new_stamps_still_sort_after_what_it_holds(seeded, tmp_path):
    from tests.conftest import make_app

    roles = start_roles(seeded, tmp_path)
    try:
        ahead = _hub_note(roles, "Gemaakt toen de klok van de hub een dag voorliep.", DAY_MS)
        roles.server.stop()
        restarted = make_app("hub", tmp_path / "hub")  # the same folder: the clock is right again
        with restarted.app_context():
            later = clock().now()
        assert str(later) > ahead  # never stamped before a record the hub already holds
    finally:
        roles.stop()


class _LosesOnSchedule:
    """HTTP to the hub, where the first push of a round can lose its request (never handled) or its
    answer (handled, but the family space does not hear it), as `mode` says for that round."""

    mode = "none"

    def __init__(self, base_url: str) -> None:
        from sync.family import Transport

        self.inner = Transport(base_url)

    def get(self, path: str) -> dict:
        return self.inner.get(path)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> dict:
        cls = type(self)
        if not path.endswith("/push") or cls.mode == "none":
            return self.inner.post(path, body, headers)
        mode, cls.mode = cls.mode, "none"
        if mode == "lose_request":
            raise SyncError("the hub cannot be reached (request lost)", 0, permanent=False)
        self.inner.post(path, body, headers)
        raise SyncError("the hub cannot be reached (answer lost)", 0, permanent=False)


def _decide_school(roles: Roles, granted: bool) -> None:
    sam = roles.child("Sam")
    with roles.family.app_context():
        store = get_store()
        fatima = next(p for p in family_members(store, roles.family_id) if p.name.startswith("Fatima"))
        facts = load_consent_facts(store, roles.family_id)
        record_decision(store, family_id=roles.family_id, child_id=sam.id, organisation_id=ORG["school"],
                        organisation="", kind=InfoKind.PLAN, person_id=fatima.id, role=DeciderRole.PARENT,
                        granted=granted, decided_on=roles.family.config["ONSPLAN"].today(),
                        based_on=latest_decision_id(facts, sam.id, ORG["school"], InfoKind.PLAN, fatima.id))


WITHDRAW_AND_SHARE = st.lists(st.tuples(st.sampled_from(["withdraw", "share", "nothing"]),
                                        st.sampled_from(["lose_answer", "lose_request", "none"])),
                              min_size=2, max_size=6)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=WITHDRAW_AND_SHARE)
@example(steps=[("withdraw", "lose_answer"), ("share", "none")])  # the schedule seen to fail before
@example(steps=[("withdraw", "none"), ("share", "lose_answer"), ("withdraw", "lose_request")])  # and the reverse
def test_withdrawals_and_new_yeses_with_lost_requests_and_answers_converge_between_two_processes(seeded, steps):
    """In any order: stop sharing with the school, share again, and lose the request or the answer
    of a round's push. Once the losses stop, the family space and the hub (its own process) agree on
    every wrap, and the school can open Sam's plan exactly when the family's last word was yes."""
    from sync.family import FamilySync
    from tests.integration.sync_helpers import what_opens

    roles = start_roles(seeded, Path(tempfile.mkdtemp()))
    roles.stop()  # the hub runs as its own process here
    hub = HubProcess(roles.hub.config["ONSPLAN"].data_dir)
    hub.start()
    roles.family_db().execute("UPDATE hub_links SET hub_url = ?", [hub.url])
    sam, school = roles.child("Sam"), ORG["school"]
    shared = roles.may_read(school, sam.id, "plan")
    try:
        _settle(roles)
        for action, loss in steps:
            if action != "nothing" and (action == "share") != shared:
                _decide_school(roles, action == "share")
                shared = action == "share"
            _LosesOnSchedule.mode = loss
            with roles.family.app_context():
                store = get_store()
                try:
                    FamilySync(store, KeyRing(get_db(), store.keys), _LosesOnSchedule).run(roles.family_id)
                except SyncError:
                    pass  # this round's loss; the next one carries on
        _LosesOnSchedule.mode = "none"
        _settle(roles)
        assert_both_sides_hold_the_same_records(roles)
        assert roles.may_read(school, sam.id, "plan") is shared
        opens = any(subject == sam.id and category == "plan"
                    for _i, subject, category in what_opens(roles.hub_db(), school, roles.org_keys(school)))
        assert opens is shared  # re-shared opens again; nothing withdrawn reopens
    finally:
        hub.kill()
