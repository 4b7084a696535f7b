"""Dates the way people type them."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.dates import dutch, parse_day


@pytest.mark.parametrize("text, expected", [
    ("31-03-2014", date(2014, 3, 31)), ("1-3-2014", date(2014, 3, 1)), ("31/03/2014", date(2014, 3, 31)),
    ("31.03.2014", date(2014, 3, 31)), (" 2014-03-31 ", date(2014, 3, 31)), ("29-02-2016", date(2016, 2, 29)),
])
def test_dutch_and_iso_dates_are_read(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["2015-02-30", "30-02-2015", "29-02-2015", "-0005-01-01", "8", "-507", "abc", " ",
                                  "", "31-13-2014", "00-01-2014", "31-03-14", "31-03/2014", "2014-3-31",
                                  "0000-01-01", "9" * 10_000, "３１-０３-２０１４"])
def test_anything_else_is_no_date(text):
    assert parse_day(text) is None


@given(st.dates(min_value=date(1000, 1, 1)))
def test_a_date_written_the_dutch_way_reads_back(day):
    assert parse_day(dutch(day)) == day
    assert parse_day(day.isoformat()) == day


@given(st.text())
def test_no_text_makes_the_parser_fail(text):
    result = parse_day(text)
    assert result is None or isinstance(result, date)
