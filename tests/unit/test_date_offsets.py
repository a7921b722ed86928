"""A UTC offset with seconds cannot be written in RSS (+hhmm), Atom, sitemaps or JSON-LD (+hh:mm): such a
date is refused with a hint, written or from the site's timezone (fuzzing review)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from newsgen.dates import DateProblem, parse_date

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("text", ["2026-01-02 10:00 +07:00:30", "2026-01-02T10:00+07:00:30", "2026-01-02T10:00+070030",
                                  "2026-01-02T10:00:00-00:00:01", "2026-01-02T10:00+07:00:00.5"])
def test_offset_with_seconds_is_refused(text: str) -> None:
    with pytest.raises(DateProblem) as info:
        parse_date(text, HCM)
    assert info.value.args == (f'"{text}" has a UTC offset with seconds',
                               "write the offset in hours and minutes, e.g. +07:00")


def test_a_datetime_value_with_such_an_offset_too() -> None:
    with pytest.raises(DateProblem, match="the date has a UTC offset with seconds"):
        parse_date(dt.datetime(2026, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=7, seconds=30))), HCM)


@pytest.mark.parametrize("text", ["2026-01-02 10:00 +07:00", "2026-01-02 10:00 +05:45", "2026-01-02T10:00-0930",
                                  "2026-01-02T10:00:00+07:00:00"])
def test_offsets_in_whole_minutes_are_kept(text: str) -> None:
    assert parse_date(text, HCM).utcoffset().seconds % 60 == 0  # type: ignore[union-attr]


def test_a_naive_date_in_local_mean_time_is_that_moment_in_utc() -> None:
    """Asia/Ho_Chi_Minh was UTC+07:06:30 until 1911, Africa/Monrovia UTC-00:44:30 until 1972: a date written
    without an offset is that moment of the site's clock, kept in UTC (an offset feeds can write); pages
    show it in the site's timezone, at the time as written. (Rounding the offset to the minute moved the
    time shown by up to a minute, and a date written without a time to the day before: review.)"""
    parsed = parse_date("1905-03-19 10:00", HCM)
    assert parsed == dt.datetime(1905, 3, 19, 10, 0, tzinfo=HCM) and parsed.isoformat() == "1905-03-19T02:53:30+00:00"
    assert parsed.astimezone(HCM).strftime("%Y-%m-%d %H:%M") == "1905-03-19 10:00"
    monrovia = ZoneInfo("Africa/Monrovia")
    assert parse_date("1970-01-01", monrovia).isoformat() == "1970-01-01T00:44:30+00:00"
    assert parse_date("1970-01-01", monrovia).astimezone(monrovia).date() == dt.date(1970, 1, 1)
    assert parse_date("1972-06-01", monrovia).utcoffset() == dt.timedelta(0)
    assert parse_date("2026-01-02 10:00", HCM).tzinfo is HCM  # (today's dates keep the site's zone)
