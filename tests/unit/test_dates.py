"""dates.py: naive dates are in the site's timezone; an explicit offset is kept as given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from newsgen.dates import DateProblem, now, parse_date

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-19", dt.datetime(2025, 3, 19, 0, 0, tzinfo=HCM)),
        ("2025-03-19 17:40", dt.datetime(2025, 3, 19, 17, 40, tzinfo=HCM)),
        ("2025-03-19 17:40:05", dt.datetime(2025, 3, 19, 17, 40, 5, tzinfo=HCM)),
        ("2025-03-19T17:40", dt.datetime(2025, 3, 19, 17, 40, tzinfo=HCM)),
        ("  2025-03-19 17:40  ", dt.datetime(2025, 3, 19, 17, 40, tzinfo=HCM)),
    ],
)
def test_naive_dates_are_in_the_site_timezone(text: str, expected: dt.datetime) -> None:
    parsed = parse_date(text, HCM)
    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2025-03-19T17:40+07:00", dt.timedelta(hours=7)),
        ("2025-03-19T17:40:00+02:00", dt.timedelta(hours=2)),
        ("2025-03-19 17:40 +02:00", dt.timedelta(hours=2)),
        ("2025-03-19 17:40 -0530", dt.timedelta(hours=-5, minutes=-30)),
        ("2025-03-19T10:40Z", dt.timedelta(0)),
        ("2025-03-19 10:40 Z", dt.timedelta(0)),
    ],
)
def test_offsets_are_kept(text: str, offset: dt.timedelta) -> None:
    parsed = parse_date(text, HCM)
    assert parsed.utcoffset() == offset
    assert (parsed.hour, parsed.minute) == ((17, 40) if offset else (10, 40))


def test_same_instant_whatever_the_notation() -> None:
    assert parse_date("2025-03-19 17:40", HCM) == parse_date("2025-03-19T10:40Z", HCM)


def test_naive_dates_follow_daylight_saving_of_the_site_zone() -> None:
    assert parse_date("2025-01-15 12:00", BERLIN).utcoffset() == dt.timedelta(hours=1)
    assert parse_date("2025-07-15 12:00", BERLIN).utcoffset() == dt.timedelta(hours=2)


def test_date_and_datetime_objects() -> None:
    assert parse_date(dt.date(2025, 3, 19), HCM) == dt.datetime(2025, 3, 19, tzinfo=HCM)
    aware = dt.datetime(2025, 3, 19, 1, 0, tzinfo=dt.UTC)
    assert parse_date(aware, HCM) is aware


@pytest.mark.parametrize(
    "value", ["yesterday", "2025-13-01", "19/03/2025", "2025-02-30 10:00", "", 2025, True, ["2025-03-19"]]
)
def test_not_a_date(value: object) -> None:
    with pytest.raises(DateProblem) as info:
        parse_date(value, HCM)
    message, hint = info.value.args
    assert "is not a date" in message
    assert "YYYY-MM-DD" in hint


def test_now_is_aware_in_the_given_zone() -> None:
    current = now(HCM)
    assert current.tzinfo is HCM
    assert abs(current - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


@pytest.mark.parametrize("text", ["0001-01-01 00:00 +14:00", "1899-12-31 23:59", "9001-01-01", "9999-12-30",
                                  "9999-12-31T23:59:59-12:00"])
def test_dates_out_of_range_are_refused(text: str) -> None:
    with pytest.raises(DateProblem) as info:
        parse_date(text, HCM)
    assert info.value.args == (f'"{text}" is out of range', "a date must be between the years 1900 and 9000")


def test_the_edges_of_the_range_survive_every_later_computation() -> None:
    for text in ("1900-01-01 00:00 +14:00", "9000-12-31 23:59 -12:00", "1900-01-01", "9000-12-31 23:59"):
        parsed = parse_date(text, HCM)
        for moment in (parsed + dt.timedelta(days=2), parsed - dt.timedelta(days=2)):
            moment.astimezone(dt.UTC).isoformat()
            moment.astimezone(ZoneInfo("Pacific/Kiritimati")).timestamp()


def test_a_structure_is_not_quoted_back() -> None:
    big = [["x"] * 1000] * 1000  # (what an alias bomb builds: the message must not print it)
    with pytest.raises(DateProblem) as info:
        parse_date(big, HCM)
    assert info.value.args[0] == "a list is not a date"
    with pytest.raises(DateProblem) as info:
        parse_date("x" * 10_000, HCM)
    assert len(info.value.args[0]) < 80


def test_a_time_the_clocks_skip_is_refused_and_one_they_repeat_is_its_first() -> None:
    """02:30 on the night New York's clocks jump from 02:00 to 03:00 names no moment: an error (it was
    read as 02:30-05:00, i.e. 03:30 on the clock); 01:30 on the night they go back is its first time."""
    ny = ZoneInfo("America/New_York")
    with pytest.raises(DateProblem) as caught:
        parse_date("2026-03-08 02:30", ny)
    assert str(caught.value.args[0]).startswith('"2026-03-08 02:30" is not a time of the site\'s timezone '
                                                "(America/New_York): the clocks skip it")
    assert parse_date("2026-03-08 03:30", ny).utcoffset() == dt.timedelta(hours=-4)
    assert parse_date("2026-11-01 01:30", ny).utcoffset() == dt.timedelta(hours=-4)
    assert parse_date("2026-03-08 02:30-05:00", ny).utcoffset() == dt.timedelta(hours=-5)  # an offset given: as is
    assert parse_date("2026-03-08 02:30", ZoneInfo("Asia/Ho_Chi_Minh")).hour == 2  # no summer time there
