"""Whether a feed's date is a real one. feedparser reads dates leniently: `2024-13-45T99:00:00Z` becomes
2025-01-01 00:00, `2024-02-30` March 1st (its fields are added up, as a C `mktime` does). An import
takes a date only when its text, in the format it has, names a day, a time and an offset that exist:
ISO 8601 / RFC 3339 (Atom, JSON Feed) and RFC 822 (RSS) are checked here; a date in another format
feedparser reads (asctime, a local language's) is taken as it read it."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

# the fields an ISO 8601 text starts with (basic or extended format), and its offset at the end
_ISO = re.compile(r"\s*(\d{4})-?(\d\d)(?:-?(\d\d)(?:[Tt ]\s*(\d\d)(?::?(\d\d)(?::?(\d\d))?)?)?)?")
_ISO_OFFSET = re.compile(r"[+-](\d\d):?(\d\d)\s*$")
_RFC822 = re.compile(r"\s*(?:[A-Za-z]+,?\s*)?\d{1,2}\s+[A-Za-z]")


def real(text: str) -> bool:
    """False when `text` is an ISO 8601 or RFC 822 date whose fields name no real moment."""
    iso = _ISO.match(text)
    if iso is not None and iso.group(2) is not None and not _ordinal(text, iso):
        year, month, day, hour, minute, second = (int(g) if g else None for g in iso.groups())
        offset = _ISO_OFFSET.search(text[iso.end():]) if iso.group(4) else None
        return _exists(year or 0, month or 1, day or 1, hour or 0, minute or 0, second or 0) and (
            offset is None or (int(offset.group(1)) < 24 and int(offset.group(2)) < 60))
    if _RFC822.match(text):
        fields = email.utils.parsedate_tz(text)
        if fields is None:
            return True  # (not RFC 822 after all: feedparser's reading is taken)
        year, month, day, hour, minute, second = fields[:6]
        return _exists(year, month, day, hour, minute, second) and abs(fields[9] or 0) < 24 * 3600
    return True


def _ordinal(text: str, iso: re.Match[str]) -> bool:
    """An ordinal date (2024-079, the 79th day): three digits after the year, not a month and a day."""
    return bool(re.match(r"\s*\d{4}-\d{3}(?!\d)", text)) and iso.group(3) is None


def _exists(year: int, month: int, day: int, hour: int, minute: int, second: int) -> bool:
    try:
        dt.datetime(year, month, day, hour, minute, min(second, 59))  # noqa: DTZ001 - the fields only
    except (ValueError, OverflowError):
        return False
    return second <= 60  # (a leap second, :60, is a real one)
