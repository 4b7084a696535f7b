"""Every record the family space writes can be sealed into a sync/v1 envelope and read back
by the family and by an organisation the content key is wrapped for — and by nobody else."""
from __future__ import annotations

import dataclasses
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.envelope import (
    MAX_BODY_BYTES, Envelope, EnvelopeError, open_envelope, seal, unwrap_content_key, wrap_content_key, verify,
)
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
    family_signing = Ed25519PrivateKey.generate()
    wijkteam = X25519PrivateKey.generate()
    kinds = set()
    for record in demo_records:
        key_ref = f"{record.family_id}/{record.category}/1"
        content_key = new_data_key()
        wrapped = wrap_content_key(content_key, wijkteam.public_key(), key_ref, WIJKTEAM)
        envelope = Envelope.from_json(json.loads(json.dumps(seal(record, content_key, key_ref, family_signing).to_json())))
        opened = open_envelope(envelope, unwrap_content_key(wrapped, wijkteam, key_ref, WIJKTEAM),
                               family_signing.public_key())
        assert opened == record
        kinds.add(record.kind)
    assert {"person", "goal", "goal_agreement", "agreement_item", "evaluation_moment", "consent_decision",
            "evaluation_response"} <= kinds


def _one(demo_records) -> tuple[Record, bytes, Ed25519PrivateKey, Envelope]:
    record = next(r for r in demo_records if r.kind == "goal")
    key, author = new_data_key(), Ed25519PrivateKey.generate()
    return record, key, author, seal(record, key, "k/plan/1", author)


def test_a_changed_header_or_body_is_refused(demo_records):
    record, key, author, envelope = _one(demo_records)
    moved = dataclasses.replace(envelope, header=dataclasses.replace(envelope.header, family="another-family"))
    with pytest.raises(EnvelopeError, match="signature"):
        verify(moved, author.public_key())
    flipped = dataclasses.replace(envelope, ciphertext=bytes([envelope.ciphertext[0] ^ 1]) + envelope.ciphertext[1:])
    with pytest.raises(EnvelopeError, match="signature"):
        open_envelope(flipped, key, author.public_key())


def test_an_envelope_signed_by_someone_else_is_refused(demo_records):
    record, key, _author, envelope = _one(demo_records)
    with pytest.raises(EnvelopeError, match="signature"):
        open_envelope(envelope, key, Ed25519PrivateKey.generate().public_key())


def test_the_header_is_bound_to_the_body_even_when_the_author_re_signs_it(demo_records):
    record, key, author, envelope = _one(demo_records)
    header = dataclasses.replace(envelope.header, subject="another-child")
    from sync.envelope import _signed_bytes
    resigned = Envelope(header, envelope.nonce, envelope.ciphertext, author.sign(_signed_bytes(header, envelope.ciphertext)))
    with pytest.raises(EnvelopeError, match="cannot be opened"):
        open_envelope(resigned, key, author.public_key())


def test_an_organisation_without_a_wrap_cannot_get_the_key():
    key = new_data_key()
    wrapped = wrap_content_key(key, X25519PrivateKey.generate().public_key(), "f/plan/1", WIJKTEAM)
    with pytest.raises(EnvelopeError, match="not wrapped for this recipient"):
        unwrap_content_key(wrapped, X25519PrivateKey.generate(), "f/plan/1", WIJKTEAM)


def test_a_wrap_for_one_organisation_does_not_open_for_another_id():
    org_key = X25519PrivateKey.generate()
    wrapped = wrap_content_key(new_data_key(), org_key.public_key(), "f/plan/1", WIJKTEAM)
    with pytest.raises(EnvelopeError):
        unwrap_content_key(wrapped, org_key, "f/plan/1", "another-organisation")


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d.pop("signature"), "exactly"),
    (lambda d: d["header"].update(v=2), "unknown envelope version"),
    (lambda d: d["header"].update(kind="drop_table"), "unknown record kind"),
    (lambda d: d["header"].update(clock="yesterday"), "clock value"),
    (lambda d: d.update(nonce="***"), "base64"),
    (lambda d: d["header"].update(extra="x"), "a header has exactly"),
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
        seal(record, new_data_key(), "f/plan/1", Ed25519PrivateKey.generate())
