"""Every sync endpoint of the hub answers bad input with a 4xx and a reason, changes nothing,
and keeps serving: malformed JSON, wrong types, oversized bodies, bad or missing signatures,
unknown keys, replays, tampered envelopes."""
from __future__ import annotations

import dataclasses
import json
import urllib.request
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.envelope import Envelope, seal
from sync.keyring import NODE, KeyRing
from sync.keys import KeyPair, b64
from sync.record import Record
from sync.wire import HEADER_FAMILY, HEADER_KEY, HEADER_SIGNATURE, canonical, key_ref, request_message
from tests.integration.sync_helpers import ORG, start_roles
from webapp.db import get_db

ENDPOINTS = ("/sync/v1/push", "/sync/v1/pull", "/sync/v1/enrol", "/sync/v1/keys", "/sync/v1/wait", "/sync/v1/objections")
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)
FIELDS = st.sampled_from(["counter", "envelopes", "wraps", "unwraps", "after", "limit", "invitation", "family",
                          "node", "family_keys", "family_proof", "header", "key_ref", "recipient", "wrapped"])


@pytest.fixture(scope="module")
def roles(seeded, tmp_path_factory):
    roles = start_roles(seeded, tmp_path_factory.mktemp("bad-input"))
    roles.sync()
    yield roles
    roles.stop()


class Signer:
    """Signs requests as the demo family space, with a counter that goes up."""

    def __init__(self, roles):
        self.roles = roles
        with roles.family.app_context():
            ring = KeyRing(get_db(), roles.family.extensions["onsplan.node_key"])
            self.node, self.family_keys = ring.current(NODE), ring.current(roles.family_id)
        self.counter = 10**9

    def headers(self, path: str, body: bytes) -> dict[str, str]:
        return {HEADER_FAMILY: self.roles.family_id, HEADER_KEY: self.node.public().key_id,
                HEADER_SIGNATURE: b64(self.node.sign(request_message("POST", path, self.roles.family_id, body))),
                "Content-Type": "application/json"}

    def body(self, data: dict) -> bytes:
        self.counter += 1
        return canonical({**data, "counter": self.counter})


@pytest.fixture(scope="module")
def signer(roles):
    return Signer(roles)


def _counts(roles) -> list[int]:
    db = roles.hub_db()
    return [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("envelopes", "key_wraps", "enrolled_families")]


def _post(roles, path: str, body: bytes, headers: dict[str, str]):
    return roles.hub.test_client().post(path, data=body, headers=headers)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ENDPOINTS), data=st.dictionaries(FIELDS, JSON, max_size=5), signed=st.booleans())
def test_any_json_body_gets_an_answer_below_500_and_changes_nothing(roles, signer, path, data, signed):
    before = _counts(roles)
    body = signer.body(data) if signed else canonical(data)
    response = _post(roles, path, body, signer.headers(path, body) if signed else {"Content-Type": "application/json"})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.get_json()["error"]
    assert _counts(roles)[0] == before[0]  # no envelope can appear from made-up data
    assert _counts(roles)[2] == before[2]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ENDPOINTS), raw=st.binary(max_size=300))
def test_bytes_that_are_not_json_are_refused_with_a_reason(roles, signer, path, raw):
    response = _post(roles, path, raw, signer.headers(path, raw))
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]


def test_missing_wrong_and_foreign_signatures_are_refused(roles, signer):
    path = "/sync/v1/pull"
    body = signer.body({"after": 0})
    good = signer.headers(path, body)
    for headers, status in (
        ({}, 401),
        ({**good, HEADER_SIGNATURE: b64(bytes(64))}, 401),
        ({**good, HEADER_KEY: KeyPair.generate().public().key_id}, 401),
        ({**good, HEADER_FAMILY: "an-unknown-family"}, 401),
        ({**good, HEADER_SIGNATURE: b64(KeyPair.generate().sign(request_message("POST", path, signer.roles.family_id,
                                                                                body)))}, 401),
    ):
        response = _post(roles, path, body, headers)
        assert response.status_code == status and response.get_json()["error"]


def test_a_new_family_key_without_a_proof_by_the_current_one_is_refused(roles, signer):
    path = "/sync/v1/keys"
    stranger = KeyPair.generate()
    body = signer.body({"family_keys": stranger.public().to_json(),
                        "family_proof": b64(stranger.sign(b"onsplan/v1/family-key|"
                                                          + canonical(stranger.public().to_json())))})
    response = _post(roles, path, body, signer.headers(path, body))
    assert response.status_code == 401 and "current key" in response.get_json()["error"]
    enrolled = roles.hub_db().execute("SELECT family_keys FROM enrolled_families WHERE family_id = ?",
                                      [roles.family_id]).fetchone()[0]
    assert json.loads(enrolled)["sign"] == signer.family_keys.public().to_json()["sign"]


def test_a_replayed_request_is_refused_and_changes_nothing(roles, signer):
    path = "/sync/v1/push"
    body = signer.body({"envelopes": []})
    headers = signer.headers(path, body)
    assert _post(roles, path, body, headers).status_code == 200
    again = _post(roles, path, body, headers)
    assert again.status_code == 409 and "replay" in again.get_json()["error"]


def test_an_oversized_request_is_refused(roles, signer):
    path = "/sync/v1/push"
    body = signer.body({"envelopes": [], "wraps": [{"key_ref": "x" * 300_000, "recipient": "x"}]})
    response = _post(roles, path, body, signer.headers(path, body))
    assert response.status_code == 413


def _envelope(roles, signer, text: str) -> Envelope:
    sam = roles.child("Sam")
    record = Record(id=f"r-{text}", family_id=roles.family_id, kind="comment", author=sam.id,
                    clock="1790000000000-000000-ftest", subject=sam.id, body={"text": text})
    return seal(record, bytes(32), key_ref(roles.family_id, sam.id, "plan", 1), signer.family_keys)


@pytest.mark.parametrize("tamper, reason", [
    (lambda e: dataclasses.replace(e, ciphertext=bytes([e.ciphertext[0] ^ 1]) + e.ciphertext[1:]), "signature"),
    (lambda e: dataclasses.replace(e, header=dataclasses.replace(e.header, subject="another-child")), "signature"),
    (lambda e: dataclasses.replace(e, header=dataclasses.replace(e.header, family="another-family")), "another family"),
    (lambda e: dataclasses.replace(e, header=dataclasses.replace(e.header, kind="consent_decision")), "signature"),
])
def test_a_tampered_envelope_is_refused_while_the_good_ones_of_the_batch_are_stored(roles, signer, tamper, reason):
    good, bad = _envelope(roles, signer, f"goed-{reason}-{id(tamper)}"), _envelope(roles, signer, f"fout-{id(tamper)}")
    path = "/sync/v1/push"
    body = signer.body({"envelopes": [tamper(bad).to_json(), good.to_json()]})
    answer = _post(roles, path, body, signer.headers(path, body)).get_json()
    assert answer["accepted"] == [good.header.id]
    assert len(answer["refused"]) == 1 and reason in answer["refused"][0]["reason"]
    assert roles.hub_db().execute("SELECT COUNT(*) FROM envelopes WHERE id = ?", [bad.header.id]).fetchone()[0] == 0


@pytest.mark.parametrize("field, value", [
    ("id", 12), ("kind", ["goal"]), ("family", None), ("subject", {"a": 1}), ("clock", 3.5), ("key_ref", None),
])
def test_wrong_types_in_an_envelope_header_are_refused_with_a_reason(roles, signer, field, value):
    data = _envelope(roles, signer, f"type-{field}").to_json()
    data["header"][field] = value
    path = "/sync/v1/push"
    body = signer.body({"envelopes": [data]})
    answer = _post(roles, path, body, signer.headers(path, body)).get_json()
    assert answer["accepted"] == [] and field in answer["refused"][0]["reason"]


def test_the_server_still_answers_over_http_after_all_of_this(roles):
    with urllib.request.urlopen(roles.server.url + "/sync/v1/hub", timeout=5) as response:  # nosec B310
        assert json.loads(response.read())["keys"]["sign"]


@pytest.mark.parametrize("recipient, basis, reason", [
    ("family", b64(b"x" * 16), "no basis"),
    ("wijkteam", "not base64 at all!", "basis"),
    ("wijkteam", b64(b"x" * 5000), "basis"),
])
def test_a_wrap_with_a_wrong_basis_is_refused_and_nothing_of_the_push_is_stored(roles, signer, recipient, basis,
                                                                                 reason):
    from tests.integration.sync_helpers import ORG

    sam = roles.child("Sam")
    ref = key_ref(roles.family_id, sam.id, "plan", 99)
    who = roles.family_id if recipient == "family" else ORG[recipient]
    path = "/sync/v1/push"
    body = signer.body({"envelopes": [], "wraps": [{"key_ref": ref, "recipient": who, "wrapped": b64(bytes(64)),
                                                    "basis": basis}]})
    response = _post(roles, path, body, signer.headers(path, body))
    assert response.status_code == 400 and reason in response.get_json()["error"]
    assert roles.hub_db().execute("SELECT COUNT(*) FROM key_wraps WHERE key_ref = ?", [ref]).fetchone()[0] == 0


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000,
                                    '{"counter": 1, "after": ' + "[" * 20 + "]" * 20 + "}"])
def test_deeply_nested_json_is_refused_with_a_reason_and_changes_nothing(roles, signer, path, nested):
    before = _counts(roles)
    body = nested.encode()
    response = _post(roles, path, body, signer.headers(path, body))
    assert 400 <= response.status_code < 500 and response.get_json()["error"]
    assert _counts(roles) == before


@pytest.mark.parametrize("path, field", [("/sync/v1/pull", "after"), ("/sync/v1/pull", "limit"),
                                         ("/sync/v1/wait", "after"), ("/sync/v1/wait", "wait")])
def test_a_number_no_field_can_hold_is_refused_with_a_reason(roles, signer, path, field):
    body = signer.body({field: 2**70})
    response = _post(roles, path, body, signer.headers(path, body))
    assert response.status_code == 400 and "too large" in response.get_json()["error"]


def test_an_objection_about_anything_but_that_organisations_emergency_for_that_child_is_refused(roles, signer):
    """An objection must name an emergency the organisation recorded for this child of this family."""
    path = "/sync/v1/objections"
    goal = roles.hub_db().execute("SELECT id, subject FROM envelopes WHERE family_id = ? AND kind = 'goal' LIMIT 1",
                                  [roles.family_id]).fetchone()
    for about, organisation in ((goal[0], ORG["wijkteam"]), ("made-up", ORG["wijkteam"]), (goal[0], "made-up")):
        body = signer.body({"objections": [{"id": str(uuid.uuid4()), "subject": goal[1], "organisation": organisation,
                                            "about": about, "sealed": b64(b"x" * 64)}]})
        before = _counts(roles)
        response = _post(roles, path, body, signer.headers(path, body))
        assert response.status_code == 400 and "emergency" in response.get_json()["error"]
        assert _counts(roles) == before
        assert roles.hub_db().execute("SELECT COUNT(*) FROM objections").fetchone()[0] == 0
    body = signer.body({"objections": [{"id": "x", "subject": goal[1], "organisation": ORG["wijkteam"],
                                        "about": goal[0], "sealed": b64(b"x" * 9000)}]})
    response = _post(roles, path, body, signer.headers(path, body))
    assert response.status_code == 400 and "sealed" in response.get_json()["error"]
