"""Background sync on the family space: soon after a change, and on an interval, per family;
after a failure it waits longer each time (exponential backoff with jitter, see
``sync.family._backoff``). The state is in the database, so a restart resumes it."""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

from flask import Flask

from sync.family import FamilySync, Transport, TransportFor
from sync.keyring import KeyRing
from sync.wire import SyncError
from webapp.db import get_db
from webapp.records import get_store, node_key

log = logging.getLogger("onsplan.sync")


def due_families(db, interval_seconds: float, now: datetime | None = None) -> list[str]:
    """Families that changed something, or whose last round is older than the interval, and that
    are not waiting out a backoff."""
    now = now or datetime.now(timezone.utc)
    stamp = now.isoformat(timespec="seconds")
    stale = (now - timedelta(seconds=interval_seconds)).isoformat(timespec="seconds")
    rows = db.execute(
        "SELECT family_id FROM hub_links WHERE (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        " AND (wanted_at IS NOT NULL OR last_attempt_at IS NULL OR last_attempt_at <= ?)"
        " ORDER BY COALESCE(last_attempt_at, '')", [stamp, stale]).fetchall()
    return [row[0] for row in rows]


def sync_once(app: Flask, family_id: str, transport_for: TransportFor = Transport) -> None:
    """One round for one family inside an app context; a failure is kept in hub_links, not raised."""
    with app.app_context():
        store = get_store()
        try:
            report = FamilySync(store, KeyRing(get_db(), node_key()), transport_for,
                                app.config["ONSPLAN"].today).run(family_id)
            if report.sent or report.received or report.wraps_added or report.wraps_deleted:
                # Numbers only: no names, no content.
                log.info("sync round: sent %d, received %d, wraps +%d -%d, refused %d", report.sent,
                         report.received, report.wraps_added, report.wraps_deleted, len(report.refused))
        except SyncError as problem:
            log.warning("sync round failed: %s", problem.reason)


class NewsWatcher(threading.Thread):
    """Keeps a long poll open at the hub for each family that joined one, so a professional's
    proposal reaches the family space within seconds instead of at the next interval. When the
    hub is busy or cannot be reached it waits before asking again; rounds go on regardless."""

    def __init__(self, app: Flask, wait: int = 12, transport_for: TransportFor = Transport,
                 pause: float = 5.0) -> None:
        super().__init__(name="onsplan-news", daemon=True)
        self.app, self.wait, self.transport_for, self.pause = app, wait, transport_for, pause
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            with self.app.app_context():
                families = [row[0] for row in get_db().execute(
                    "SELECT family_id FROM hub_links ORDER BY family_id").fetchall()]
            if not families:
                self.stopping.wait(self.pause)
            for family_id in families:
                if self.stopping.is_set():
                    break
                started = time.monotonic()
                news = self.watch_once(family_id, max(2, self.wait // len(families)))
                if time.monotonic() - started < 1:
                    # Answered at once: news the round has not fetched yet (it runs within a second),
                    # or a busy hub. Either way, do not ask again straight away.
                    self.stopping.wait(1.0 if news else self.pause)

    def watch_once(self, family_id: str, wait: int) -> bool:
        """One long poll for one family; True when the hub had news (the next round is wanted)."""
        with self.app.app_context():
            store = get_store()
            try:
                return FamilySync(store, KeyRing(get_db(), node_key()), self.transport_for).wait_for_news(
                    family_id, wait)
            except SyncError as problem:
                log.info("waiting for news failed: %s", problem.reason)
            except Exception:  # keep watching whatever one wait hit; logged without data
                log.exception("news watcher error")
        self.stopping.wait(self.pause)
        return False

    def stop(self) -> None:
        self.stopping.set()
        self.join(1)  # a daemon thread: an open long poll ends with the process


class SyncRunner(threading.Thread):
    """Checks every `poll` seconds which families are due and runs a round for each."""

    def __init__(self, app: Flask, interval: float = 60.0, poll: float = 1.0,
                 transport_for: TransportFor = Transport) -> None:
        super().__init__(name="onsplan-sync", daemon=True)
        self.app, self.interval, self.poll, self.transport_for = app, interval, poll, transport_for
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with self.app.app_context():
                    families = due_families(get_db(), self.interval)
                for family_id in families:
                    if self.stopping.is_set():
                        break
                    sync_once(self.app, family_id, self.transport_for)
            except Exception:  # keep syncing whatever one round hit; the error is logged without data
                log.exception("sync runner error")
            self.stopping.wait(self.poll)

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)
