"""Growing waits after failed sign-ins for one username."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from webapp.auth.delays import FORGET_AFTER, LONGEST_WAIT, failures_now, wait_after

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc)


def test_a_few_mistakes_cost_nothing_then_the_wait_doubles_up_to_five_minutes():
    waits = [wait_after(n).total_seconds() for n in range(1, 11)]
    assert waits == [0, 0, 0, 15, 30, 60, 120, 240, 300, 300]
    assert wait_after(1000) == LONGEST_WAIT


def test_an_hour_without_failures_forgets_them():
    assert failures_now(7, NOW - timedelta(minutes=59), NOW) == 7
    assert failures_now(7, NOW - FORGET_AFTER, NOW) == 0
    assert failures_now(7, None, NOW) == 0
