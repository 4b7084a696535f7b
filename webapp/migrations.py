"""Named, versioned schema steps per role. Never edit a step that has shipped: add one."""
from __future__ import annotations

from typing import Callable

import sqlite_utils

from webapp.crypto import NodeKey

# A step gets the database and the node key (a step that re-encrypts records needs it).
Step = Callable[[sqlite_utils.Database, NodeKey], None]


def family_0001_core(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    db.executescript(
        """
        CREATE TABLE families (
            id TEXT PRIMARY KEY,
            wrapped_key BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        -- One row per change. Header columns are ids, kinds and clocks only;
        -- everything personal is inside body, encrypted with the family's data key.
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            family_id TEXT NOT NULL REFERENCES families(id),
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            author TEXT NOT NULL,
            clock TEXT NOT NULL,
            subject TEXT,
            body BLOB NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE INDEX records_by_family ON records (family_id, kind, clock);
        CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            family_id TEXT NOT NULL REFERENCES families(id),
            person_id TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('parent', 'youth')),
            login_hash TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_login_at TEXT
        );
        CREATE TABLE invitations (
            id TEXT PRIMARY KEY,
            family_id TEXT NOT NULL REFERENCES families(id),
            code_hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('parent', 'youth')),
            person_id TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            used_by TEXT
        );
        """
    )
    _sessions_table(db)
    _meta_table(db)


def hub_0001_core(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    db.executescript(
        """
        CREATE TABLE organisations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            sector TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE professionals (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL REFERENCES organisations(id),
            login_hash TEXT NOT NULL UNIQUE,
            profile BLOB NOT NULL,
            password_hash TEXT NOT NULL,
            totp_secret BLOB NOT NULL,
            totp_last_step INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            last_login_at TEXT
        );
        """
    )
    _sessions_table(db)
    _meta_table(db)


def family_0002_previous_visit(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # Home shows what changed since the previous visit, so the visit before this one is kept.
    db.execute("ALTER TABLE accounts ADD COLUMN previous_login_at TEXT")


def family_0003_record_store(db: sqlite_utils.Database, keys: NodeKey) -> None:
    # The record store: plain item/about/replaces/seq/is_current/finished columns, and the whole header bound to
    # each body. Existing bodies were bound to the record id only, so each is opened and sealed again.
    from webapp.records import upgrade_v1_records

    db.executescript(
        """
        ALTER TABLE records RENAME TO records_v1;
        DROP INDEX records_by_family;
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            family_id TEXT NOT NULL REFERENCES families(id),
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            author TEXT NOT NULL,
            clock TEXT NOT NULL,
            subject TEXT,
            item TEXT NOT NULL,
            about TEXT,
            replaces TEXT,
            seq INTEGER NOT NULL UNIQUE,
            is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
            finished INTEGER NOT NULL CHECK (finished IN (0, 1)),
            body BLOB NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE INDEX records_by_family ON records (family_id, kind, clock);
        CREATE INDEX records_current ON records (family_id, kind, subject, clock) WHERE is_current = 1;
        CREATE INDEX records_by_item ON records (family_id, item, is_current);
        CREATE INDEX records_about ON records (family_id, about, kind) WHERE about IS NOT NULL;
        CREATE INDEX records_by_author ON records (family_id, author, stored_at);
        """
    )
    upgrade_v1_records(db, keys)
    db.execute("DROP TABLE records_v1")


def both_sign_in_delays(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # Failed sign-ins per username (its keyed lookup hash, never the name), for growing waits.
    db.execute(
        "CREATE TABLE sign_in_failures (login_hash TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
        " last_failure_at TEXT NOT NULL, blocked_until TEXT NOT NULL)"
    )


def _key_pairs_table(db: sqlite_utils.Database) -> None:
    # Key pairs of this node, its families (family space) or its organisations (hub). The private
    # keys are encrypted with the node key; a retired pair still opens what was wrapped for it.
    db.execute(
        "CREATE TABLE key_pairs (owner TEXT NOT NULL, key_id TEXT NOT NULL, public TEXT NOT NULL,"
        " private BLOB NOT NULL, created_at TEXT NOT NULL, retired_at TEXT, PRIMARY KEY (owner, key_id))"
    )


def family_0005_sync(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    _key_pairs_table(db)
    db.executescript(
        """
        -- One row per family that joined a hub: where it is, its pinned key, and the sync state.
        CREATE TABLE hub_links (
            family_id TEXT PRIMARY KEY REFERENCES families(id),
            hub_url TEXT NOT NULL,
            hub_keys TEXT NOT NULL,
            directory BLOB,
            directory_at TEXT,
            enrolled_at TEXT NOT NULL,
            request_counter INTEGER NOT NULL DEFAULT 0,
            pushed_seq INTEGER NOT NULL DEFAULT 0,
            pull_cursor INTEGER NOT NULL DEFAULT 0,
            wanted_at TEXT,
            last_attempt_at TEXT,
            last_sent_at TEXT,
            last_received_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            cards TEXT NOT NULL DEFAULT '{}',
            node_key_id TEXT,    -- the node and family keys the hub knows; a rotation is announced first
            family_key_id TEXT
        );
        -- Content keys per family, child, category and epoch (and one per record made on the hub),
        -- encrypted with the family's data key.
        CREATE TABLE content_keys (
            key_ref TEXT PRIMARY KEY,
            family_id TEXT NOT NULL REFERENCES families(id),
            subject TEXT NOT NULL,
            category TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            key BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX content_keys_by_child ON content_keys (family_id, subject, category, epoch);
        -- Which recipients the hub holds a wrap of a content key for (as the hub acknowledged);
        -- the recipient as a keyed hash, since whom a family shares with is personal.
        -- A wrap whose push got no answer counts as held for deleting, and as missing for sending.
        CREATE TABLE wraps_at_hub (
            key_ref TEXT NOT NULL,
            recipient TEXT NOT NULL,
            family_id TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 1,  -- 0: sent, answer not (yet) received
            PRIMARY KEY (key_ref, recipient)
        );
        -- Records that arrived from the hub: never pushed back.
        CREATE TABLE from_hub (record_id TEXT PRIMARY KEY, family_id TEXT NOT NULL);
        -- Envelopes one side refused, with the reason (ids and reasons only).
        CREATE TABLE sync_refusals (
            family_id TEXT NOT NULL,
            record_id TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('push', 'pull')),
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (family_id, record_id, direction)
        );
        """
    )


def family_0006_safety(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    db.executescript(
        """
        -- A person's own safety settings (lock time, discreet mode), encrypted with a node-derived
        -- key and bound to the account id: whether someone hides the app is personal.
        ALTER TABLE accounts ADD COLUMN safety_settings BLOB;
        -- Auto-lock: the session ends after idle_seconds without activity (active_until moves on
        -- with every request). shared_phone: signed in with "Dit is niet mijn telefoon".
        ALTER TABLE login_sessions ADD COLUMN idle_seconds INTEGER;
        ALTER TABLE login_sessions ADD COLUMN active_until TEXT;
        ALTER TABLE login_sessions ADD COLUMN shared_phone INTEGER NOT NULL DEFAULT 0;
        """
    )


def hub_0003_sync(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    _key_pairs_table(db)
    db.executescript(
        """
        CREATE TABLE enrolment_invitations (
            id TEXT PRIMARY KEY,
            code_hash TEXT NOT NULL UNIQUE,
            organisation_id TEXT NOT NULL REFERENCES organisations(id),
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            family_id TEXT
        );
        CREATE TABLE enrolled_families (
            family_id TEXT PRIMARY KEY,
            node_keys TEXT NOT NULL,
            family_keys TEXT NOT NULL,
            organisation_id TEXT NOT NULL,
            enrolled_at TEXT NOT NULL,
            request_counter INTEGER NOT NULL DEFAULT 0,
            last_seen_at TEXT,
            pulled_through INTEGER NOT NULL DEFAULT 0,  -- the family has applied every hub record up to this seq
            old_family_keys TEXT NOT NULL DEFAULT '[]'  -- rotated-out family keys: old envelopes still verify
        );
        -- Legal bases and emergencies an organisation recorded here, so the hub can say whether
        -- they are waiting for the family space or in effect; the details are encrypted.
        CREATE TABLE recorded_bases (
            envelope_id TEXT PRIMARY KEY REFERENCES envelopes(id),
            organisation_id TEXT NOT NULL,
            family_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            category TEXT NOT NULL,
            details BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX recorded_bases_by_child ON recorded_bases (organisation_id, family_id, subject);
        -- Envelopes as they arrived (family) or were made here (hub): the header in clear columns
        -- (ids, kinds, clocks), the body only as ciphertext inside the envelope.
        CREATE TABLE envelopes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            family_id TEXT NOT NULL REFERENCES enrolled_families(family_id),
            subject TEXT,
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            author TEXT NOT NULL,
            clock TEXT NOT NULL,
            key_ref TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('family', 'hub')),
            envelope BLOB NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX envelopes_for_pull ON envelopes (family_id, origin, seq);
        CREATE INDEX envelopes_by_child ON envelopes (family_id, subject, category, clock);
        CREATE INDEX envelopes_by_key ON envelopes (key_ref, origin, category, received_at, family_id, subject);
        -- When a professional last opened a child's page: what is new since then (ids and times only).
        CREATE TABLE workplace_visits (
            professional_id TEXT NOT NULL,
            family_id TEXT NOT NULL,
            child_id TEXT NOT NULL,
            visited_at TEXT NOT NULL,
            PRIMARY KEY (professional_id, family_id, child_id)
        );
        -- The only way an organisation reads: a content key wrapped for it. Deleted on withdrawal.
        CREATE TABLE key_wraps (
            key_ref TEXT NOT NULL,
            recipient TEXT NOT NULL,
            family_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            category TEXT NOT NULL,
            wrapped BLOB NOT NULL,
            PRIMARY KEY (key_ref, recipient)
        );
        CREATE INDEX key_wraps_by_recipient ON key_wraps (recipient, family_id, subject, category);
        -- Every read by a professional, hash-chained; each also travels to the family as a record.
        CREATE TABLE read_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            professional_id TEXT NOT NULL,
            organisation_id TEXT NOT NULL,
            family_id TEXT NOT NULL,
            subject TEXT,
            category TEXT NOT NULL,
            envelope_id TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX read_events_by_reader ON read_events (professional_id, family_id, subject, category, at);
        """
    )


def hub_0004_admins(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # An organisation's admin is alerted when someone of the organisation records a legal ground
    # or an emergency.
    db.execute("ALTER TABLE professionals ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0")


def hub_0005_read_log(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # A read is logged once per professional, child and kind of information per request (not once
    # per record), with the reader's role and the basis they read on. Events logged before keep
    # their envelope id and are checked with the fields they were chained with. One statement at a
    # time (executescript would commit halfway), so the rebuild is all or nothing.
    for statement in (
        """CREATE TABLE read_events_new (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            professional_id TEXT NOT NULL,
            organisation_id TEXT NOT NULL,
            role TEXT,
            family_id TEXT NOT NULL,
            subject TEXT,
            category TEXT NOT NULL,
            basis TEXT,
            records INTEGER,
            envelope_id TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        """INSERT INTO read_events_new (seq, at, professional_id, organisation_id, family_id, subject, category,
                                        envelope_id, prev_hash, hash)
           SELECT seq, at, professional_id, organisation_id, family_id, subject, category, envelope_id,
                  prev_hash, hash FROM read_events""",
        "DROP TABLE read_events",
        "ALTER TABLE read_events_new RENAME TO read_events",
        "CREATE INDEX read_events_by_reader ON read_events (professional_id, family_id, subject, category, at)",
    ):
        db.execute(statement)


def hub_0006_invitations(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # The regisseur's own note of which family a code is for (encrypted), so the workplace can list
    # the organisation's invitations and say which family joined.
    db.execute("ALTER TABLE enrolment_invitations ADD COLUMN label BLOB")


def family_0007_wrap_bases(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # Which basis the hub was last told for a wrap (a keyed hash of key, recipient and basis), so a
    # changed basis (consent given while a legal ground runs) is sent again with the same wrap.
    db.execute("ALTER TABLE wraps_at_hub ADD COLUMN basis_mark TEXT")


def family_0008_objections(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # Which objections to an emergency the hub has received (sent once, sealed for the organisation).
    db.execute("CREATE TABLE objections_sent (record_id TEXT PRIMARY KEY, family_id TEXT NOT NULL,"
               " sent_at TEXT NOT NULL)")


def hub_0007_wrap_bases(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # The basis the family gives a wrap on (consent, legal ground, emergency), sealed for the recipient.
    db.execute("ALTER TABLE key_wraps ADD COLUMN basis BLOB")


def hub_0008_alerts_by_time(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # The admin's list of recorded grounds and emergencies is read newest first, one page at a time.
    db.execute("CREATE INDEX recorded_bases_by_time ON recorded_bases (organisation_id, created_at)")


def hub_0009_objections(db: sqlite_utils.Database, _keys: NodeKey) -> None:
    # A family's objection to an emergency, sealed by the family space for the organisation that
    # recorded it: the hub stores it and opens it only for that organisation's admin.
    db.executescript(
        """
        CREATE TABLE objections (
            id TEXT PRIMARY KEY,
            family_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            organisation_id TEXT NOT NULL,
            about TEXT NOT NULL,
            sealed BLOB NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX objections_by_emergency ON objections (organisation_id, about);
        """
    )


def _sessions_table(db: sqlite_utils.Database) -> None:
    # A login is a server-side row: logout deletes it, so a copied cookie dies with it.
    db.executescript(
        """
        CREATE TABLE login_sessions (
            token_hash TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX login_sessions_by_account ON login_sessions (account_id);
        """
    )


def _meta_table(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


MIGRATIONS: dict[str, list[tuple[str, Step]]] = {
    "family": [("0001_core", family_0001_core), ("0002_previous_visit", family_0002_previous_visit),
               ("0003_record_store", family_0003_record_store), ("0004_sign_in_delays", both_sign_in_delays),
               ("0005_sync", family_0005_sync), ("0006_safety", family_0006_safety),
               ("0007_wrap_bases", family_0007_wrap_bases), ("0008_objections", family_0008_objections)],
    "hub": [("0001_core", hub_0001_core), ("0002_sign_in_delays", both_sign_in_delays), ("0003_sync", hub_0003_sync),
            ("0004_admins", hub_0004_admins), ("0005_read_log", hub_0005_read_log),
            ("0006_invitations", hub_0006_invitations), ("0007_wrap_bases", hub_0007_wrap_bases),
            ("0008_alerts_by_time", hub_0008_alerts_by_time), ("0009_objections", hub_0009_objections)],
}
