"""What the hub keeps in memory to serve a professional quickly: content keys it unwrapped for an
organisation, envelopes whose signature it checked, and records it opened with such a key.

A cached key is used only while the organisation's wrap is still in the database (every read
joins on ``key_wraps``, so a deleted wrap makes the record unreadable at once, in every process),
and only for the very same wrap (the entry is keyed by a digest of the wrapped bytes); an opened record only for
the very same envelope (its id and the seq it is stored under, which the hub never reuses), read
through a wrap that is still there. A push that deletes wraps also drops
their keys and the records opened with them from this process's memory straight away. Whoever can
read this process's memory could use the cached keys anyway, so keeping the opened records as well
does not widen what an attacker of the running hub gets. The same holds for what is worked out
from opened records (the caseload's next moment and waiting proposals per child): it is dropped
with the keys it was opened with.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

MAX_KEYS = 50_000
MAX_VERIFIED = 200_000
MAX_RECORDS = 20_000
MAX_DERIVED = 20_000


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:16]


class HubCache:
    def __init__(self) -> None:
        self._keys: OrderedDict[tuple[str, str, bytes], bytes] = OrderedDict()
        self._verified: OrderedDict[tuple[str, bytes], None] = OrderedDict()
        self._records: OrderedDict[tuple[str, str, int], tuple[str, object]] = OrderedDict()
        self._derived: OrderedDict[tuple[str, object], tuple[frozenset[str], object]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, organisation_id: str, key_ref: str, wrapped: bytes) -> bytes | None:
        with self._lock:
            return self._keys.get((organisation_id, key_ref, digest(wrapped)))

    def keep_key(self, organisation_id: str, key_ref: str, wrapped: bytes, content_key: bytes) -> None:
        with self._lock:
            self._keys[(organisation_id, key_ref, digest(wrapped))] = content_key
            while len(self._keys) > MAX_KEYS:
                self._keys.popitem(last=False)

    def forget(self, organisation_id: str, key_ref: str) -> None:
        """A wrap was deleted (a withdrawal): its key, and what was opened with it, leave memory now."""
        with self._lock:
            for entry in [e for e in self._keys if e[0] == organisation_id and e[1] == key_ref]:
                del self._keys[entry]
            for entry in [e for e, (ref, _record) in self._records.items() if e[0] == organisation_id
                          and ref == key_ref]:
                del self._records[entry]
            for entry in [e for e, (refs, _value) in self._derived.items() if e[0] == organisation_id
                          and key_ref in refs]:
                del self._derived[entry]

    def derived(self, organisation_id: str, key: object):
        """Something worked out from opened records (a caseload summary); `key` must name exactly
        the records it came from, so a new or no longer readable record never meets an old value."""
        with self._lock:
            held = self._derived.get((organisation_id, key))
            return held[1] if held else None

    def keep_derived(self, organisation_id: str, key: object, key_refs: frozenset[str], value) -> None:
        with self._lock:
            self._derived[(organisation_id, key)] = (key_refs, value)
            while len(self._derived) > MAX_DERIVED:
                self._derived.popitem(last=False)

    def record(self, organisation_id: str, envelope_id: str, seq: int):
        """A record opened before from envelope `envelope_id` stored as `seq`: the hub only ever
        inserts envelopes and never reuses a seq, so the pair names the very same bytes."""
        with self._lock:
            held = self._records.get((organisation_id, envelope_id, seq))
            return held[1] if held else None

    def keep_record(self, organisation_id: str, envelope_id: str, seq: int, key_ref: str, record) -> None:
        with self._lock:
            self._records[(organisation_id, envelope_id, seq)] = (key_ref, record)
            while len(self._records) > MAX_RECORDS:
                self._records.popitem(last=False)

    def verified(self, envelope_id: str, envelope_bytes: bytes) -> bool:
        with self._lock:
            return (envelope_id, digest(envelope_bytes)) in self._verified

    def keep_verified(self, envelope_id: str, envelope_bytes: bytes) -> None:
        with self._lock:
            self._verified[(envelope_id, digest(envelope_bytes))] = None
            while len(self._verified) > MAX_VERIFIED:
                self._verified.popitem(last=False)

    def __len__(self) -> int:
        return len(self._keys)
