"""Keys at rest: the node key outside the database, per-family data keys, encrypted fields.

The node key (32 random bytes) lives in a 0600 file next to the database or in
ONSPLAN_NODE_KEY_B64. It never encrypts family data itself: it wraps each family's
own data key, and derives the key for lookup hashes of login names.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"


class CryptoError(Exception):
    """A key could not be loaded or a ciphertext did not authenticate."""


def _derive(key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(key)


def new_data_key() -> bytes:
    """A fresh random AES-256 key for one family."""
    return AESGCM.generate_key(bit_length=256)


def _associated(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode()


@dataclass(frozen=True, repr=False)
class FieldCipher:
    """AES-GCM for personal fields; what the value belongs to (a record's whole header, or a row
    id) is bound as associated data, so a ciphertext moved or relabelled does not open."""

    key: bytes
    _aead: AESGCM = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_aead", AESGCM(self.key))

    def encrypt(self, associated: str | bytes, value: object) -> bytes:
        plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, plaintext, _associated(associated))

    def decrypt(self, associated: str | bytes, blob: bytes) -> object:
        if not blob or blob[:1] != FORMAT_VERSION:
            raise CryptoError("unknown ciphertext format")
        nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            plaintext = self._aead.decrypt(nonce, ciphertext, _associated(associated))
        except InvalidTag:
            raise CryptoError("ciphertext does not belong to this record or key") from None
        return json.loads(plaintext)


@dataclass(frozen=True, repr=False)
class NodeKey:
    """The instance's own key: wraps family data keys and keys lookup hashes."""

    secret: bytes

    def wrap(self, family_id: str, data_key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        wrapping = _derive(self.secret, "onsplan/wrap-family-key/v1")
        return FORMAT_VERSION + nonce + AESGCM(wrapping).encrypt(nonce, data_key, b"family:" + family_id.encode())

    def unwrap(self, family_id: str, wrapped: bytes) -> bytes:
        wrapping = _derive(self.secret, "onsplan/wrap-family-key/v1")
        nonce, ciphertext = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
        try:
            return AESGCM(wrapping).decrypt(nonce, ciphertext, b"family:" + family_id.encode())
        except InvalidTag:
            raise CryptoError("family key cannot be unwrapped with this node key") from None

    def lookup_hash(self, purpose: str, value: str) -> str:
        """A keyed hash to find a row by a personal value (a login name) without storing it."""
        key = _derive(self.secret, "onsplan/lookup/v1")
        return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose, derived from the node key (never stored)."""
        return _derive(self.secret, f"onsplan/derived/{purpose}/v1")

    def field_cipher(self, purpose: str) -> FieldCipher:
        """A cipher for the node's own personal fields (on the hub: professionals' names, TOTP secrets)."""
        return FieldCipher(_derive(self.secret, f"onsplan/node-fields/{purpose}/v1"))


def load_or_create_node_key(path: Path, from_env_b64: str | None = None) -> NodeKey:
    """Read the node key from the environment or a 0600 file, creating the file on first start."""
    if from_env_b64:
        secret = base64.b64decode(from_env_b64)
        if len(secret) != KEY_BYTES:
            raise CryptoError("ONSPLAN_NODE_KEY_B64 must hold 32 bytes, base64-encoded")
        return NodeKey(secret)
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise CryptoError(f"{path} must be readable by its owner only (chmod 600)")
        secret = base64.b64decode(path.read_bytes().strip())
        if len(secret) != KEY_BYTES:
            raise CryptoError(f"{path} does not hold a 32-byte key")
        return NodeKey(secret)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(secret) + b"\n")
    return NodeKey(secret)


def random_token(nbytes: int = 32) -> str:
    """A URL-safe random token (session ids, invitation codes before formatting)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """Tokens are stored as SHA-256 hashes: a database copy does not reveal live sessions or codes."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison for tokens and codes."""
    return hmac.compare_digest(a.encode(), b.encode())
