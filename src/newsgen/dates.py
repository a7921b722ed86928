"""Dates: naive values are in the site's timezone; ISO 8601 with an offset is kept as given."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_SPACE_OFFSET = re.compile(r"^(.*\d)\s+([+-]\d{2}:?\d{2}|Z)$")


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
                f'"{value}" is not a date', "write it as YYYY-MM-DD HH:MM, e.g. 2025-03-19 17:40"
            ) from None
    else:
        raise DateProblem(f"{value!r} is not a date", "write it as YYYY-MM-DD HH:MM")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def now(tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.now(tz)
