"""Dates: naive values are in the site's timezone; ISO 8601 with an offset is kept as given."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_SPACE_OFFSET = re.compile(r"^(.*\d)\s+([+-]\d{2}:?\d{2}|Z)$")

# Dates outside these years are refused: everything done with a date later (a time zone conversion,
# +2 days for the news sitemap, feeds' four-digit years) stays far from datetime's limits (1..9999).
FIRST_YEAR = 1900
LAST_YEAR = 9000


class DateProblem(ValueError):
    pass


def parse_date(value: object, tz: ZoneInfo) -> dt.datetime:
    """Parse a front-matter date into an aware datetime.

    Accepts `2025-03-19`, `2025-03-19 17:40`, `2025-03-19 17:40:05`, `2025-03-19T17:40+07:00`,
    `2025-03-19 17:40 +07:00` and `...Z`. Naive values are in `tz`.
    """
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - tz set below
    elif isinstance(value, str):
        text = value.strip()
        m = _SPACE_OFFSET.match(text)
        if m:
            text = m.group(1) + m.group(2)
        text = text.replace("z", "Z")
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise DateProblem(
                f"{_quoted(value)} is not a date", "write it as YYYY-MM-DD HH:MM, e.g. 2025-03-19 17:40"
            ) from None
    else:  # a list, a mapping, a number: not quoted back (it may be huge)
        raise DateProblem(f"a {_kind(value)} is not a date", "write it as YYYY-MM-DD HH:MM")
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise DateProblem(f"{_quoted(value)} is out of range" if isinstance(value, str) else "the date is out of range",
                          f"a date must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    if _odd_offset(parsed):  # (feeds, sitemaps and JSON-LD write an offset in hours and minutes only)
        raise DateProblem(f"{_quoted(value) if isinstance(value, str) else 'the date'} has a UTC offset with seconds",
                          "write the offset in hours and minutes, e.g. +07:00")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
        if parsed.utcoffset() != parsed.replace(fold=1).utcoffset() and \
                parsed.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != parsed.replace(tzinfo=None):
            # (the clocks jump forward over it: 02:30 on the night summer time starts; an hour that comes
            # twice, when they go back, is its first time)
            raise DateProblem(f"{_quoted(str(value))} is not a time of the site's timezone ({tz.key}): the clocks "
                              "skip it", "write the time the clocks showed, e.g. one hour later")
        if _odd_offset(parsed):  # a zone's local mean time (Asia/Ho_Chi_Minh +07:06:40 until 1906): the same
            # moment in UTC, whose offset feeds and sitemaps can write (pages show it in the site's timezone)
            parsed = parsed.astimezone(dt.UTC)
    return parsed


def _odd_offset(when: dt.datetime) -> bool:
    offset = when.utcoffset()
    return offset is not None and bool(offset.seconds % 60 or offset.microseconds)


def _quoted(text: str) -> str:
    return f'"{text}"' if len(text) <= 60 else f'"{text[:57]}..."'


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    return "mapping" if isinstance(value, dict) else "value"


def now(tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.now(tz)
