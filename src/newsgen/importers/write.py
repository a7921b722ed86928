"""Article files: the front matter, written so that YAML reads back exactly the text, and the bundle.

Every text value is written as a JSON string (a valid YAML scalar, so `title: "Yes"` stays the text
"Yes"); dates as newsgen reads them, in the site's timezone (with the offset only where the local time
is ambiguous, in the hour a clock is set back). Files are written through a temporary name and
os.replace, so an interrupted import leaves no half-written article.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .common import Entry


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_text(v) for v in values) + "]"


def format_date(when: dt.datetime, tz: ZoneInfo) -> str:
    local = when.astimezone(tz)
    naive = local.replace(tzinfo=None)
    ambiguous = (naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset())
    text = local.strftime("%Y-%m-%d %H:%M" if local.second == 0 else "%Y-%m-%d %H:%M:%S")
    if ambiguous:
        text = local.isoformat(timespec="seconds")
    return text


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(str(k))}: {_value(v)}" for k, v in value.items()) + "}"
    return _text(str(value))


def front_matter(entry: Entry, tz: ZoneInfo, image: str, body: str) -> str:
    lines = ["---", f"title: {_text(entry.title)}", f"section: {_text(entry.section.name)}"]
    if len(entry.authors) == 1:
        lines.append(f"author: {_text(entry.authors[0])}")
    elif entry.authors:
        lines.append(f"authors: {_list(entry.authors)}")
    lines.append(f"date: {format_date(entry.date, tz)}")
    if entry.updated is not None:
        lines.append(f"updated: {format_date(entry.updated, tz)}")
    if entry.summary:
        lines.append(f"summary: {_text(entry.summary)}")
    if entry.tags:
        lines.append(f"tags: {_list(entry.tags)}")
    if image:
        lines.append(f"image: {_text(image)}")
        if entry.image_caption:
            lines.append(f"image_caption: {_text(entry.image_caption)}")
        if entry.image_alt and entry.image_alt != entry.image_caption:
            lines.append(f"image_alt: {_text(entry.image_alt)}")
    lines.append(f"slug: {_text(entry.slug)}")
    if entry.draft:
        lines.append("draft: true")
    if entry.aliases:
        lines.append(f"aliases: {_list(entry.aliases)}")
    if entry.extra:
        lines.append(f"extra: {_value(entry.extra)}")
    lines += ["---", "", body.strip("\n"), ""]
    return "\n".join(lines)


def target(entry: Entry, tz: ZoneInfo) -> str:
    """Where the article goes, relative to the site: content/<section>/<yyyy>/<slug>/index.md (a bundle,
    so that its images sit next to it)."""
    return f"content/{entry.section.slug}/{entry.date.astimezone(tz):%Y}/{entry.slug}/index.md"


def existing(site: Path, rel: str) -> str | None:
    """The file already there for this target: the bundle's index.md, or the same article as a plain file."""
    plain = rel.removesuffix("/index.md") + ".md"
    for candidate in (rel, plain):
        if os.path.lexists(site / candidate):
            return candidate
    return None


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".import-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with_suppressed_unlink(tmp)
        raise


def with_suppressed_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_bundle(site: Path, rel: str, text: str, files: dict[str, bytes]) -> None:
    """The images first, then index.md: an article is never there without its files."""
    folder = (site / rel).parent
    for name, data in files.items():
        write_atomic(folder / name, data)
    write_atomic(site / rel, text.encode("utf-8"))
