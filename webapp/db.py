"""The one place that opens SQLite: pragmas, connections for requests (kept for reuse), migrations."""
from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils
from flask import Flask, current_app, g

from webapp.crypto import NodeKey
from webapp.migrations import MIGRATIONS


def utcnow() -> str:
    """Timestamps are stored as ISO 8601 text in UTC."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def utcnow_precise() -> str:
    """A UTC timestamp to the microsecond, for ordering events that happen within one second."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def make_private(path: Path) -> None:
    """The data folder 0700 and the database with its -wal and -shm files 0600, whatever the umask
    (SQLite gives -wal and -shm the permissions of the database file)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, 0o600)


def connect(path: Path) -> sqlite_utils.Database:
    """Open the role's database file with the pragmas every connection needs."""
    if not path.exists():
        make_private(path)
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows (a withdrawn organisation's key wraps) are overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete=ON")
    return sqlite_utils.Database(conn)


def migrate(db: sqlite_utils.Database, role: str, keys: NodeKey) -> list[str]:
    """Apply the role's named migrations that have not run yet; returns the names applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, step in MIGRATIONS[role]:
        if name in done:
            continue
        with transaction(db):
            step(db, keys)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, utcnow()])
        applied.append(name)
    return applied


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One atomic write: everything inside commits together or not at all."""
    conn = db.conn
    if conn.in_transaction:  # nested: the outer transaction decides
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def checkpoint(db: sqlite_utils.Database, attempts: int = 1, pause: float = 0.1) -> bool:
    """Copy the WAL into the database file and empty it, so deleted rows linger neither in the WAL
    nor as old pages in the file. True only when that completed: a reader still using an older
    snapshot makes SQLite answer "busy" (after the busy timeout), and then it is tried again, up
    to `attempts` times."""
    import time

    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout=200")  # each attempt waits briefly for readers; the loop waits longer
    try:
        for attempt in range(attempts):
            busy, _frames, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0:
                return True
            if attempt + 1 < attempts:
                time.sleep(pause)
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout={int(timeout)}")


# Idle connections kept for the next request, per database file (at most IDLE_CONNECTIONS in all).
# Closing the last connection to a WAL database checkpoints it, which cost a few milliseconds on
# every request of a busy hub; a kept connection also skips the pragmas. SQLite's own automatic
# checkpoint (every 1,000 pages) still runs, and a withdrawal checkpoints on purpose.
IDLE_CONNECTIONS = 16
_idle: "OrderedDict[int, tuple[Path, int, sqlite_utils.Database]]" = OrderedDict()
_idle_lock = threading.Lock()


def _inode(path: Path) -> int:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return -1


def _take(path: Path) -> tuple[sqlite_utils.Database, int]:
    inode = _inode(path)
    stale = []
    with _idle_lock:
        for key, (held_path, held_inode, db) in reversed(_idle.items()):
            if held_path == path:
                del _idle[key]
                if held_inode == inode:
                    break
                stale.append(db)  # the file was replaced (a restore): never read the old one
        else:
            db = None
    for old in stale:
        old.conn.close()
    return (db, inode) if db is not None else (connect(path), _inode(path))


def _give_back(path: Path, inode: int, db: sqlite_utils.Database) -> None:
    if db.conn.in_transaction:  # a request that failed halfway: nothing of it stays
        db.conn.execute("ROLLBACK")
    with _idle_lock:
        _idle[id(db)] = (path, inode, db)
        while len(_idle) > IDLE_CONNECTIONS:
            _key, (_path, _inode_, oldest) = _idle.popitem(last=False)
            oldest.conn.close()


def get_db() -> sqlite_utils.Database:
    """The request's connection: a kept idle one of this database, or a new one; given back at teardown."""
    if "db" not in g:
        path = current_app.config["ONSPLAN"].database_path
        g.db, inode = _take(path)
        g.db_file = (path, inode)
    return g.db


def _close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        _give_back(*g.pop("db_file"), db)


def init_app(app: Flask, keys: NodeKey) -> None:
    """Run migrations at start and close connections after each request."""
    config = app.config["ONSPLAN"]
    make_private(config.database_path)
    db = connect(config.database_path)
    try:
        migrate(db, config.role, keys)
    finally:
        db.conn.close()
    app.teardown_appcontext(_close_db)
