"""Key pairs of families, nodes and organisations: one HPKE key (to receive content keys) and
one Ed25519 key (to sign), with a fingerprint people can compare.

HPKE uses the hybrid suite ML-KEM-768 + X25519 (RFC 9180 with the hybrid KEM that
``cryptography`` offers): a child's records must stay confidential for decades, also against
someone who stores today's traffic for a future quantum computer. docs/protocol.md gives the
cost measured against X25519 alone.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SUITE_NAME = "MLKEM768-X25519/HKDF-SHA256/AES-256-GCM"
KEY_WRAP_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
MLKEM_PUBLIC_BYTES, X25519_BYTES, MLKEM_SEED_BYTES, ED25519_BYTES = 1184, 32, 64, 32
MAX_WRAP_BYTES = 2048


class KeyProblem(ValueError):
    """A key, signature or key wrap that does not check out; the message is safe to send back."""


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def unb64(text: object, what: str, size: int | None = None, max_size: int | None = None) -> bytes:
    """Decode base64 from the wire; raises KeyProblem naming the field when it is not what it should be."""
    if not isinstance(text, str):
        raise KeyProblem(f"{what} must be base64 text")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise KeyProblem(f"{what} must be base64 text") from None
    if (size is not None and len(raw) != size) or (max_size is not None and len(raw) > max_size):
        raise KeyProblem(f"{what} has the wrong length")
    return raw


@dataclass(frozen=True)
class PublicKeys:
    """What others need to send to and check the owner: published in the directory and at enrolment."""

    hpke: bytes  # ML-KEM-768 public key || X25519 public key
    sign: bytes  # Ed25519 public key

    @property
    def fingerprint(self) -> str:
        """32 hex digits in groups of four: short enough to compare by eye, long enough to trust."""
        digest = hashlib.sha256(b"onsplan/v1/keys|" + self.hpke + self.sign).hexdigest()[:32]
        return " ".join(digest[i:i + 4] for i in range(0, 32, 4))

    @cached_property
    def key_id(self) -> str:
        return self.fingerprint.replace(" ", "")

    def to_json(self) -> dict[str, str]:
        return {"suite": SUITE_NAME, "hpke": b64(self.hpke), "sign": b64(self.sign)}

    @classmethod
    def from_json(cls, data: object) -> "PublicKeys":
        if not isinstance(data, dict) or set(data) != {"suite", "hpke", "sign"}:
            raise KeyProblem("public keys have exactly: suite, hpke, sign")
        if data["suite"] != SUITE_NAME:
            raise KeyProblem("unknown key suite")
        keys = cls(unb64(data["hpke"], "hpke key", MLKEM_PUBLIC_BYTES + X25519_BYTES),
                   unb64(data["sign"], "signing key", ED25519_BYTES))
        keys._hpke_key()  # refuse bytes that are not a key now, not at first use
        return keys

    def _hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        try:
            return hpke.MLKEM768X25519PublicKey(
                mlkem.MLKEM768PublicKey.from_public_bytes(self.hpke[:MLKEM_PUBLIC_BYTES]),
                x25519.X25519PublicKey.from_public_bytes(self.hpke[MLKEM_PUBLIC_BYTES:]))
        except ValueError:
            raise KeyProblem("the hpke key is not a valid key") from None

    def verify(self, signature: bytes, message: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(self.sign).verify(signature, message)
        except InvalidSignature:
            raise KeyProblem("the signature does not match") from None

    def wrap(self, content_key: bytes, key_ref: str, recipient_id: str) -> bytes:
        """Wrap a content key so that only the owner of these keys (as `recipient_id`) can unwrap it."""
        return KEY_WRAP_SUITE.encrypt(content_key, self._hpke_key(), info=_wrap_info(key_ref, recipient_id))

    def seal_note(self, note: bytes, key_ref: str, recipient_id: str) -> bytes:
        """Seal a short note that goes with a wrap (the basis the family gives it on), for the owner
        of these keys only; bound to the wrap's key and recipient like the wrap itself."""
        return KEY_WRAP_SUITE.encrypt(note, self._hpke_key(), info=_note_info(key_ref, recipient_id))


@dataclass(frozen=True, repr=False)
class KeyPair:
    """Private keys: kept only wrapped by the node key (see ``seal_private``), held in memory while used."""

    mlkem_seed: bytes
    x25519_private: bytes
    sign_private: bytes

    @classmethod
    def generate(cls) -> "KeyPair":
        return cls(mlkem.MLKEM768PrivateKey.generate().private_bytes_raw(),
                   x25519.X25519PrivateKey.generate().private_bytes_raw(),
                   Ed25519PrivateKey.generate().private_bytes_raw())

    @cached_property
    def _public(self) -> PublicKeys:
        ml = mlkem.MLKEM768PrivateKey.from_seed_bytes(self.mlkem_seed).public_key().public_bytes_raw()
        xp = x25519.X25519PrivateKey.from_private_bytes(self.x25519_private).public_key().public_bytes_raw()
        sign = Ed25519PrivateKey.from_private_bytes(self.sign_private).public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw)
        return PublicKeys(ml + xp, sign)

    def public(self) -> PublicKeys:
        return self._public

    @cached_property
    def _signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.sign_private)

    def sign(self, message: bytes) -> bytes:
        return self._signing_key.sign(message)

    def unwrap(self, wrapped: bytes, key_ref: str, recipient_id: str) -> bytes:
        """Open a content key wrapped for us; raises KeyProblem when it was not wrapped for this key."""
        return self._open(wrapped, _wrap_info(key_ref, recipient_id), "this key was not wrapped for this recipient")

    def open_note(self, sealed: bytes, key_ref: str, recipient_id: str) -> bytes:
        """Open a note sealed with ``seal_note`` for us; raises KeyProblem when it was not for this key."""
        return self._open(sealed, _note_info(key_ref, recipient_id), "this note was not sealed for this recipient")

    def _open(self, sealed: bytes, info: bytes, problem: str) -> bytes:
        private = hpke.MLKEM768X25519PrivateKey(mlkem.MLKEM768PrivateKey.from_seed_bytes(self.mlkem_seed),
                                                x25519.X25519PrivateKey.from_private_bytes(self.x25519_private))
        try:
            return KEY_WRAP_SUITE.decrypt(sealed, private, info=info)
        except (InvalidTag, ValueError):
            raise KeyProblem(problem) from None

    def to_private_json(self) -> dict[str, str]:
        return {"mlkem_seed": b64(self.mlkem_seed), "x25519": b64(self.x25519_private),
                "sign": b64(self.sign_private)}

    @classmethod
    def from_private_json(cls, data: dict) -> "KeyPair":
        return cls(unb64(data["mlkem_seed"], "seed", MLKEM_SEED_BYTES), unb64(data["x25519"], "key", X25519_BYTES),
                   unb64(data["sign"], "key", ED25519_BYTES))


def _wrap_info(key_ref: str, recipient_id: str) -> bytes:
    return f"onsplan/v1|{key_ref}|{recipient_id}".encode()


def _note_info(key_ref: str, recipient_id: str) -> bytes:
    return f"onsplan/v1|note|{key_ref}|{recipient_id}".encode()
