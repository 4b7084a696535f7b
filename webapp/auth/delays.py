"""Growing waits after failed sign-ins for one username, whatever address they come from (pure).

A few mistakes cost nothing. After that each failure doubles the wait before the next try of
that username, up to five minutes, so guessing is slow from every address at once while a real
person is never locked out for long. An hour without failures forgets them. The same holds for
a username that does not exist, so the wait reveals nothing about who has an account.
"""
from __future__ import annotations

from datetime import datetime, timedelta

FREE_FAILURES = 4
FIRST_WAIT = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=5)
FORGET_AFTER = timedelta(hours=1)


def wait_after(failures: int) -> timedelta:
    """How long the username waits after this many failures in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 16)  # far past the longest wait already
    return min(FIRST_WAIT * 2 ** doublings, LONGEST_WAIT)


def failures_now(failures: int, last_failure: datetime | None, now: datetime) -> int:
    """Failures that still count: an hour without a failure forgets them."""
    if last_failure is None or now - last_failure >= FORGET_AFTER:
        return 0
    return failures
