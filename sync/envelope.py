"""sync/v1 envelopes: one record sealed so that only the family and the organisations it
shares that category with can read it, and nobody can change it unnoticed.

    envelope = header (in the clear) + AES-256-GCM body (header bound as associated data)
               + Ed25519 signature of the author over header and ciphertext

The body key is a content key per family, child, category and key epoch (``key_ref``). That
key is wrapped with HPKE (``sync.keys``) for each recipient; dropping a recipient's wraps is
what makes a withdrawal final for data the hub still holds. The header names the signer's key
(``signer``, a key id); the receiver checks it against the family's enrolment or the hub's
signed directory before it trusts the signature.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sync.clock import Stamp
from sync.keys import KeyPair, KeyProblem, PublicKeys
from sync.record import CATEGORIES, KINDS, Record, category_of

VERSION = 1
MAX_BODY_BYTES = 64 * 1024
MAX_ENVELOPE_BYTES = 2 * MAX_BODY_BYTES
NONCE_BYTES = 12
MAX_ID_CHARS = 100
MAX_KEY_REF_CHARS = 300


class EnvelopeError(ValueError):
    """An envelope that cannot be accepted; ``reason`` is safe to send back in a 4xx answer.

    ``permanent`` says whether sending the same bytes again can ever work.
    """

    def __init__(self, reason: str, permanent: bool = True):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


@dataclass(frozen=True)
class Header:
    """What travels in the clear: ids, kind, category, author, clock and which key opens the body."""

    v: int
    id: str
    family: str
    kind: str
    category: str
    author: str
    clock: str
    subject: str | None
    replaces: str | None  # the record its author saw as current (see sync.record.Record)
    key_ref: str
    signer: str  # key id (fingerprint without spaces) of the key that signed

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in HEADER_FIELDS}

    @cached_property
    def _bytes(self) -> bytes:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def to_bytes(self) -> bytes:
        """Canonical JSON: the exact bytes that are signed and bound to the ciphertext."""
        return self._bytes


HEADER_FIELDS = tuple(Header.__dataclass_fields__)


@dataclass(frozen=True)
class Envelope:
    header: Header
    nonce: bytes
    ciphertext: bytes
    signature: bytes

    def to_json(self) -> dict:
        b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
        return {"header": self.header.as_dict(), "nonce": b64(self.nonce), "ciphertext": b64(self.ciphertext),
                "signature": b64(self.signature)}

    @classmethod
    def from_json(cls, data: object) -> "Envelope":
        """Parse an envelope from JSON data; raises EnvelopeError saying what is wrong."""
        if not isinstance(data, dict) or set(data) != {"header", "nonce", "ciphertext", "signature"}:
            raise EnvelopeError("an envelope has exactly: header, nonce, ciphertext, signature")
        header = data["header"]
        fields = set(Header.__dataclass_fields__)
        if not isinstance(header, dict) or set(header) != fields:
            raise EnvelopeError(f"a header has exactly: {', '.join(sorted(fields))}")
        for name in ("id", "family", "kind", "category", "author", "clock", "key_ref", "signer"):
            limit = MAX_KEY_REF_CHARS if name == "key_ref" else MAX_ID_CHARS
            if not isinstance(header[name], str) or not header[name] or len(header[name]) > limit:
                raise EnvelopeError(f"header field {name} must be text of 1 to {limit} characters")
        for name in ("subject", "replaces"):
            if header[name] is not None and (not isinstance(header[name], str) or not header[name]
                                             or len(header[name]) > MAX_ID_CHARS):
                raise EnvelopeError(f"header field {name} must be null or text of 1 to {MAX_ID_CHARS} characters")
        if not isinstance(header["v"], int) or isinstance(header["v"], bool):
            raise EnvelopeError("header field v must be a number")
        try:
            parsed = Header(**header)
            nonce, ciphertext, signature = (base64.b64decode(data[k], validate=True)
                                            for k in ("nonce", "ciphertext", "signature"))
        except (TypeError, ValueError):
            raise EnvelopeError("nonce, ciphertext and signature must be base64") from None
        envelope = cls(parsed, nonce, ciphertext, signature)
        envelope.check_shape()
        return envelope

    def check_shape(self) -> None:
        """Refuse what no honest sender makes: unknown version or kind, bad clock, wrong sizes."""
        h = self.header
        if h.v != VERSION:
            raise EnvelopeError(f"unknown envelope version {h.v!r}")
        if h.kind not in KINDS:
            raise EnvelopeError(f"unknown record kind {h.kind!r}")
        if h.category not in CATEGORIES:
            raise EnvelopeError("unknown category")
        try:
            Stamp.parse(h.clock)
        except ValueError:
            raise EnvelopeError("the clock value is malformed") from None
        if len(self.nonce) != NONCE_BYTES or len(self.signature) != 64:
            raise EnvelopeError("nonce or signature has the wrong length")
        if len(self.ciphertext) > MAX_BODY_BYTES + 16:
            raise EnvelopeError(f"the body is larger than {MAX_BODY_BYTES} bytes")


def _signed_bytes(header: Header, ciphertext: bytes) -> bytes:
    head = header.to_bytes()
    return len(head).to_bytes(4, "big") + head + ciphertext


def seal(record: Record, content_key: bytes, key_ref: str, signer: KeyPair) -> Envelope:
    """Encrypt and sign one record; raises EnvelopeError when the body is too large."""
    body = json.dumps(record.body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    if len(body) > MAX_BODY_BYTES:
        raise EnvelopeError(f"the body is larger than {MAX_BODY_BYTES} bytes")
    header = Header(v=VERSION, id=record.id, family=record.family_id, kind=record.kind,
                    category=category_of(record.kind, record.body), author=record.author, clock=record.clock,
                    subject=record.subject, replaces=record.replaces, key_ref=key_ref,
                    signer=signer.public().key_id)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(content_key).encrypt(nonce, body, header.to_bytes())
    return Envelope(header, nonce, ciphertext, signer.sign(_signed_bytes(header, ciphertext)))


def verify(envelope: Envelope, signer: PublicKeys) -> None:
    """Check the signer's signature over header and ciphertext; raises EnvelopeError if forged or changed."""
    envelope.check_shape()
    if envelope.header.signer != signer.key_id:
        raise EnvelopeError("the envelope names another signing key")
    try:
        signer.verify(envelope.signature, _signed_bytes(envelope.header, envelope.ciphertext))
    except KeyProblem:
        raise EnvelopeError("the signature does not match the author and content") from None


def open_envelope(envelope: Envelope, content_key: bytes, signer: PublicKeys) -> Record:
    """Verify, then decrypt; the header must be exactly the one the body was sealed with."""
    verify(envelope, signer)
    return open_verified(envelope, content_key)


def open_verified(envelope: Envelope, content_key: bytes) -> Record:
    """Decrypt an envelope whose signature was checked when it arrived."""
    try:
        body = json.loads(AESGCM(content_key).decrypt(envelope.nonce, envelope.ciphertext,
                                                      envelope.header.to_bytes()))
    except (InvalidTag, ValueError):
        raise EnvelopeError("the body cannot be opened with this key") from None
    if not isinstance(body, dict):
        raise EnvelopeError("the body is not an object")
    h = envelope.header
    record = Record(id=h.id, family_id=h.family, kind=h.kind, author=h.author, clock=h.clock, subject=h.subject,
                    body=body, replaces=h.replaces)
    if record.category != h.category:
        raise EnvelopeError("the header's category does not match the record")
    return record
