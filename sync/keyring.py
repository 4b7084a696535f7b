"""The key pairs a node holds: its own, and those of its families (family space) or of its
organisations (hub). Private keys are stored encrypted with the node key and opened in memory
only when used; a rotated-out pair stays to open what was wrapped for it before.
"""
from __future__ import annotations

import json

import sqlite_utils

from sync.keys import KeyPair, PublicKeys
from webapp.crypto import NodeKey
from webapp.db import transaction, utcnow

NODE = "node"  # the owner name of the node's own key pair


class KeyRing:
    """Key pairs per owner in the ``key_pairs`` table of one node's database."""

    def __init__(self, db: sqlite_utils.Database, keys: NodeKey) -> None:
        self.db = db
        self._cipher = keys.field_cipher("key-pairs")
        self._opened: dict[tuple[str, str], KeyPair] = {}

    def current(self, owner: str) -> KeyPair:
        """The owner's current key pair, made on first use."""
        row = self.db.execute("SELECT key_id FROM key_pairs WHERE owner = ? AND retired_at IS NULL",
                              [owner]).fetchone()
        if row is None:
            return self.rotate(owner)
        return self._open(owner, row[0])

    def public(self, owner: str) -> PublicKeys:
        """The owner's current public keys (made on first use)."""
        row = self.db.execute("SELECT public FROM key_pairs WHERE owner = ? AND retired_at IS NULL",
                              [owner]).fetchone()
        if row is None:
            return self.current(owner).public()
        return PublicKeys.from_json(json.loads(row[0]))

    def all_pairs(self, owner: str) -> list[KeyPair]:
        """Every key pair the owner had, current first: to open content keys wrapped before a rotation."""
        rows = self.db.execute("SELECT key_id FROM key_pairs WHERE owner = ?"
                               " ORDER BY retired_at IS NOT NULL, retired_at DESC", [owner]).fetchall()
        return [self._open(owner, row[0]) for row in rows]

    def all_public(self, owner: str) -> list[PublicKeys]:
        rows = self.db.execute("SELECT public FROM key_pairs WHERE owner = ?"
                               " ORDER BY retired_at IS NOT NULL, retired_at DESC", [owner]).fetchall()
        return [PublicKeys.from_json(json.loads(row[0])) for row in rows]

    def has(self, owner: str) -> bool:
        return self.db.execute("SELECT 1 FROM key_pairs WHERE owner = ?", [owner]).fetchone() is not None

    def forget(self, owner: str) -> None:
        """Remove every key pair of an owner that never came into use (a family whose joining failed)."""
        self.db.execute("DELETE FROM key_pairs WHERE owner = ?", [owner])
        self._opened = {k: v for k, v in self._opened.items() if k[0] != owner}

    def rotate(self, owner: str) -> KeyPair:
        """A new current key pair; the old one is kept (retired) so what it signed and received still opens."""
        pair = KeyPair.generate()
        key_id = pair.public().key_id
        with transaction(self.db):
            self.db.execute("UPDATE key_pairs SET retired_at = ? WHERE owner = ? AND retired_at IS NULL",
                            [utcnow(), owner])
            self.db.execute("INSERT INTO key_pairs (owner, key_id, public, private, created_at) VALUES (?, ?, ?, ?, ?)",
                            [owner, key_id, json.dumps(pair.public().to_json()),
                             self._cipher.encrypt(f"{owner}|{key_id}", pair.to_private_json()), utcnow()])
        self._opened[(owner, key_id)] = pair
        return pair

    def _open(self, owner: str, key_id: str) -> KeyPair:
        pair = self._opened.get((owner, key_id))
        if pair is None:
            row = self.db.execute("SELECT private FROM key_pairs WHERE owner = ? AND key_id = ?",
                                  [owner, key_id]).fetchone()
            pair = KeyPair.from_private_json(self._cipher.decrypt(f"{owner}|{key_id}", row[0]))
            self._opened[(owner, key_id)] = pair
        return pair
