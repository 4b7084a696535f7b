"""What both sides of sync/v1 agree on besides the envelope: signed requests, invitation codes,
the signed directory, key references and the typed error every refusal is."""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sync.keys import KeyProblem, PublicKeys

PREFIX = "/sync/v1"
MAX_BATCH = 200            # envelopes per push or pull
MAX_REQUEST_BYTES = 256 * 1024  # the app's MAX_CONTENT_LENGTH; clients batch below it
HEADER_FAMILY, HEADER_KEY, HEADER_SIGNATURE = "X-OnsPlan-Family", "X-OnsPlan-Key", "X-OnsPlan-Signature"
INVITATION_PREFIX = "OP1."
# Codes that people read out and type: no 0/O or 1/I. A family space's own codes have 12 of these
# characters; a hub's code has 16: four that name the hub (from its key) and twelve secret ones.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
HUB_TAG_LENGTH, HUB_SECRET_LENGTH = 4, 12
HUB_CODE_LENGTH = HUB_TAG_LENGTH + HUB_SECRET_LENGTH


class SyncError(Exception):
    """A refusal or failure with a reason that is safe to show and send; ``permanent``: retrying
    the same thing can never work (a malformed or forged request), else it may work later."""

    def __init__(self, reason: str, status: int = 400, permanent: bool = True) -> None:
        super().__init__(reason)
        self.reason, self.status, self.permanent = reason, status, permanent


def canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_message(method: str, path: str, family_id: str, body: bytes) -> bytes:
    """The bytes a family space signs for every request: method, path, family and the body's hash."""
    return "|".join(("onsplan/v1/request", method.upper(), path, family_id,
                     hashlib.sha256(body).hexdigest())).encode()


def key_ref(family_id: str, child_id: str, category: str, epoch: int | str) -> str:
    """A content key's name: one family, one child, one category, one epoch (``r-<id>`` for a
    key the hub made for one record)."""
    return f"{family_id}/{child_id}/{category}/{epoch}"


def parse_key_ref(ref: object, family_id: str) -> tuple[str, str]:
    """(child, category) of a key reference of this family; raises SyncError for anything else."""
    if not isinstance(ref, str) or len(ref) > 300:
        raise SyncError("key_ref must be text")
    parts = ref.split("/")
    if len(parts) != 4 or parts[0] != family_id or not parts[1] or not parts[2] or not parts[3]:
        raise SyncError("key_ref does not belong to this family")
    return parts[1], parts[2]


MAX_JSON_DEPTH = 12      # the protocol's deepest body (a push: body, envelopes, one envelope, its header) is 4
MAX_WIRE_NUMBER = 2**62  # cursors, counters and limits; SQLite holds up to 2**63 - 1


def load_json(raw: bytes | str):
    """Parse a protocol body; raises ValueError for text that is not JSON, nesting deeper than the
    protocol uses, or a number that no field can hold, so none of them reaches the code behind."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    todo = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise ValueError("the JSON is nested too deeply")
            todo.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WIRE_NUMBER:
            raise ValueError("a number in the JSON is too large")
    return data


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    """ABCDEFGHJKLM -> ABCD-EFGH-JKLM, easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(value: str | None) -> str:
    """Codes are read aloud and typed on phones: ignore case, spaces and dashes."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def hub_tag(hub_key_id: str) -> str:
    """Four code characters that name a hub: the first 20 bits of its key id. They only tell a
    family space which of the hubs it knows to ask; the secret part is what opens the door."""
    bits = int(hub_key_id[:5], 16)
    return "".join(CODE_ALPHABET[(bits >> shift) & 31] for shift in (15, 10, 5, 0))


def new_hub_code(hub_key_id: str) -> tuple[str, str]:
    """A hub's short invitation code (formatted, 4 groups of 4) and its secret part."""
    secret = random_code(HUB_SECRET_LENGTH)
    return format_code(hub_tag(hub_key_id) + secret), secret


def split_hub_code(code: str) -> tuple[str, str] | None:
    """(tag, secret) of a short hub code in any spelling, or None when it is not one."""
    code = normalise_code(code)
    if len(code) != HUB_CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code[:HUB_TAG_LENGTH], code[HUB_TAG_LENGTH:]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_hub_address(url: str) -> None:
    """A hub is reached over https, or plain http on this very machine; else SyncError."""
    if not url.startswith(("https://", "http://")):
        raise SyncError("this hub address is not a web address")
    if url.startswith("http://") and not _is_loopback(url):
        raise SyncError("this hub is not reached over https")


def _is_loopback(url: str) -> bool:
    """Plain http is for a hub on this very machine only (the demo, tests): anything else needs https."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Invitation:
    """A hub's invitation for one new family: where the hub is, which key it has, a one-time secret."""

    hub_url: str
    hub_key_id: str
    secret: str
    expires_at: str

    def encode(self, signer) -> str:
        payload = canonical({"hub": self.hub_url, "key": self.hub_key_id, "secret": self.secret,
                             "expires": self.expires_at})
        return INVITATION_PREFIX + _b64url(payload) + "." + _b64url(signer.sign(b"onsplan/v1/invitation|" + payload))

    @classmethod
    def decode(cls, code: str) -> tuple["Invitation", bytes, bytes]:
        """Read a code (without checking its signature yet); returns (invitation, payload, signature)."""
        code = "".join(code.split())
        if not code.startswith(INVITATION_PREFIX) or code.count(".") != 2:
            raise SyncError("this is not a hub invitation code")
        try:
            payload = _unb64url(code[len(INVITATION_PREFIX):].split(".")[0])
            signature = _unb64url(code.split(".")[2])
            data = json.loads(payload)
            invitation = cls(data["hub"], data["key"], data["secret"], data["expires"])
        except (ValueError, KeyError, TypeError):
            raise SyncError("this hub invitation code is damaged") from None
        if not all(isinstance(v, str) and v for v in (invitation.hub_url, invitation.hub_key_id,
                                                     invitation.secret, invitation.expires_at)):
            raise SyncError("this hub invitation code is damaged")
        if not invitation.hub_url.startswith(("https://", "http://")):
            raise SyncError("this hub invitation code is damaged")
        check_hub_address(invitation.hub_url)
        return invitation, payload, signature

    @staticmethod
    def check(payload: bytes, signature: bytes, hub_keys: PublicKeys) -> None:
        try:
            hub_keys.verify(signature, b"onsplan/v1/invitation|" + payload)
        except KeyProblem:
            raise SyncError("the invitation was not signed by this hub") from None


def sign_directory(directory: dict, signer) -> dict:
    return {"directory": directory, "signature": base64.b64encode(
        signer.sign(b"onsplan/v1/directory|" + canonical(directory))).decode()}


def check_directory(signed: object, hub_keys: PublicKeys) -> dict:
    """The directory inside a signed answer, if the pinned hub key signed it; else SyncError."""
    if not isinstance(signed, dict) or not isinstance(signed.get("directory"), dict):
        raise SyncError("the directory is malformed")
    try:
        signature = base64.b64decode(signed.get("signature") or "", validate=True)
        hub_keys.verify(signature, b"onsplan/v1/directory|" + canonical(signed["directory"]))
    except (ValueError, KeyProblem):
        raise SyncError("the directory is not signed by the hub this family joined") from None
    return signed["directory"]
