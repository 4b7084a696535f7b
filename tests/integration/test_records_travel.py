"""Every record the family space writes can be sealed into a sync/v1 envelope and read back
by the family and by an organisation the content key is wrapped for — and by nobody else."""
from __future__ import annotations

import dataclasses
import json

import pytest

from sync.envelope import MAX_BODY_BYTES, Envelope, EnvelopeError, open_envelope, seal, verify
from sync.keys import KeyPair, KeyProblem
from sync.record import KINDS, Record
from webapp.crypto import new_data_key
from webapp.db import get_db
from webapp.records import get_meta, get_store

WIJKTEAM = "9b1f3c2e-0001-4a55-8d0e-6f1c00000001"


@pytest.fixture
def demo_records(family_app):
    with family_app.app_context():
        db = get_db()
        return get_store().history(get_meta(db, "demo_family"), KINDS)


def test_every_demo_record_seals_and_opens_unchanged_for_a_recipient(demo_records):
    family, wijkteam = KeyPair.generate(), KeyPair.generate()
    kinds = set()
    for record in demo_records:
        key_ref = f"{record.family_id}/{record.subject}/{record.category}/1"
        content_key = new_data_key()
        wrapped = wijkteam.public().wrap(content_key, key_ref, WIJKTEAM)
        envelope = Envelope.from_json(json.loads(json.dumps(seal(record, content_key, key_ref, family).to_json())))
        opened = open_envelope(envelope, wijkteam.unwrap(wrapped, key_ref, WIJKTEAM), family.public())
        assert opened == record
        kinds.add(record.kind)
    assert {"person", "goal", "goal_agreement", "agreement_item", "evaluation_moment", "consent_decision",
            "evaluation_response"} <= kinds


def _one(demo_records) -> tuple[Record, bytes, KeyPair, Envelope]:
    record = next(r for r in demo_records if r.kind == "goal")
    key, author = new_data_key(), KeyPair.generate()
    return record, key, author, seal(record, key, "k/c/plan/1", author)


def test_a_changed_header_or_body_is_refused(demo_records):
    record, key, author, envelope = _one(demo_records)
    moved = dataclasses.replace(envelope, header=dataclasses.replace(envelope.header, family="another-family"))
    with pytest.raises(EnvelopeError, match="signature"):
        verify(moved, author.public())
    flipped = dataclasses.replace(envelope, ciphertext=bytes([envelope.ciphertext[0] ^ 1]) + envelope.ciphertext[1:])
    with pytest.raises(EnvelopeError, match="signature"):
        open_envelope(flipped, key, author.public())


def test_an_envelope_signed_by_someone_else_is_refused(demo_records):
    record, key, _author, envelope = _one(demo_records)
    with pytest.raises(EnvelopeError, match="another signing key"):
        open_envelope(envelope, key, KeyPair.generate().public())
    other = KeyPair.generate()  # a header that names someone else's key does not carry their signature
    forged = dataclasses.replace(envelope.header, signer=other.public().key_id)
    with pytest.raises(EnvelopeError, match="signature"):
        open_envelope(dataclasses.replace(envelope, header=forged), key, other.public())


def test_the_header_is_bound_to_the_body_even_when_the_author_re_signs_it(demo_records):
    record, key, author, envelope = _one(demo_records)
    header = dataclasses.replace(envelope.header, subject="another-child")
    from sync.envelope import _signed_bytes
    resigned = Envelope(header, envelope.nonce, envelope.ciphertext,
                        author.sign(_signed_bytes(header, envelope.ciphertext)))
    with pytest.raises(EnvelopeError, match="cannot be opened"):
        open_envelope(resigned, key, author.public())


def test_an_organisation_without_a_wrap_cannot_get_the_key():
    key = new_data_key()
    wrapped = KeyPair.generate().public().wrap(key, "f/c/plan/1", WIJKTEAM)
    with pytest.raises(KeyProblem, match="not wrapped for this recipient"):
        KeyPair.generate().unwrap(wrapped, "f/c/plan/1", WIJKTEAM)


def test_a_wrap_for_one_organisation_does_not_open_for_another_id():
    org_key = KeyPair.generate()
    wrapped = org_key.public().wrap(new_data_key(), "f/c/plan/1", WIJKTEAM)
    with pytest.raises(KeyProblem):
        org_key.unwrap(wrapped, "f/c/plan/1", "another-organisation")


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d.pop("signature"), "exactly"),
    (lambda d: d["header"].update(v=2), "unknown envelope version"),
    (lambda d: d["header"].update(kind="drop_table"), "unknown record kind"),
    (lambda d: d["header"].update(clock="yesterday"), "clock value"),
    (lambda d: d.update(nonce="***"), "base64"),
    (lambda d: d["header"].update(extra="x"), "a header has exactly"),
    (lambda d: d["header"].update(id=7), "header field id"),
    (lambda d: d["header"].update(subject=["a"]), "header field subject"),
    (lambda d: d["header"].update(family=None), "header field family"),
    (lambda d: d["header"].update(v="1"), "header field v"),
    (lambda d: d["header"].update(category="everything"), "unknown category"),
])
def test_malformed_envelopes_are_refused_with_a_reason(demo_records, mutate, reason):
    _record, _key, _author, envelope = _one(demo_records)
    data = json.loads(json.dumps(envelope.to_json()))
    mutate(data)
    with pytest.raises(EnvelopeError, match=reason) as caught:
        Envelope.from_json(data)
    assert caught.value.permanent


def test_an_oversized_body_is_refused_before_sealing():
    record = Record(id="r", family_id="f", kind="comment", author="a", clock="0000000001000-000000-n",
                    subject="c", body={"text": "x" * (MAX_BODY_BYTES + 1)})
    with pytest.raises(EnvelopeError, match="larger than"):
        seal(record, new_data_key(), "f/c/plan/1", KeyPair.generate())
