"""A person's safety settings: the lock time that applies, and settings that open only for their own account."""
from __future__ import annotations

import secrets

import pytest
import sqlite_utils

from webapp.crypto import NodeKey
from webapp.safety import LOCK_CHOICES_MINUTES, SafetySettings, draft_key, load_settings, save_settings


@pytest.mark.parametrize(("chosen", "default", "expected"), [(None, 600, 600), (None, 6, 6), (2, 600, 120),
                                                             (60, 6, 3600)])
def test_the_persons_own_lock_time_wins_over_the_default(chosen, default, expected):
    assert SafetySettings(lock_minutes=chosen).idle_seconds(default) == expected


def test_every_choice_is_between_two_minutes_and_an_hour():
    assert min(LOCK_CHOICES_MINUTES) == 2 and max(LOCK_CHOICES_MINUTES) == 60 and 10 in LOCK_CHOICES_MINUTES


@pytest.fixture
def accounts():
    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE accounts (id TEXT PRIMARY KEY, safety_settings BLOB)")
    db.execute("INSERT INTO accounts (id) VALUES ('alice'), ('bob')")
    return db, NodeKey(secrets.token_bytes(32))


def test_settings_are_kept_encrypted_and_read_back(accounts):
    db, keys = accounts
    save_settings(db, keys, "alice", SafetySettings(lock_minutes=30, discreet=True))
    assert load_settings(db, keys, "alice") == SafetySettings(lock_minutes=30, discreet=True)
    assert load_settings(db, keys, "bob") == SafetySettings()  # nothing chosen: the defaults
    blob = db.execute("SELECT safety_settings FROM accounts WHERE id = 'alice'").fetchone()[0]
    assert b"discreet" not in blob and b"30" not in blob


def test_settings_moved_to_another_account_do_not_open(accounts):
    db, keys = accounts
    save_settings(db, keys, "alice", SafetySettings(lock_minutes=2, discreet=True))
    blob = db.execute("SELECT safety_settings FROM accounts WHERE id = 'alice'").fetchone()[0]
    assert load_settings(db, keys, "bob", blob) == SafetySettings()


def test_each_person_has_their_own_drafts_key():
    keys = NodeKey(secrets.token_bytes(32))
    assert draft_key(keys, "alice") == draft_key(keys, "alice") != draft_key(keys, "bob")
    assert len(draft_key(keys, "alice")) == 32
