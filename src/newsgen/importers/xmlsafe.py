"""XML read safely (defusedxml: no DTD, no entity declarations, no external references), and its errors
as one line with the place: `export.xml:12: malformed XML: mismatched tag (column 4) (hint)`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from .common import ImportFailure

_HINT = "the file is cut short or was changed by hand: export it again"
_ENCODING = re.compile(rb"""<\?xml[^>]*?\bencoding\s*=\s*["']([^"'>]{0,80})""")


def events(source: IO[bytes], label: str) -> Iterator[tuple[str, Element]]:
    """iterparse's ("start"/"end", element) events; any problem is an ImportFailure naming the line."""
    try:
        yield from safe_et.iterparse(source, events=("start", "end"), forbid_dtd=True)
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, 0))
        message = str(exc).split(": line ")[0]
        raise ImportFailure(label, line, f"malformed XML: {message} (column {column + 1})", _HINT) from exc
    except defusedxml.DefusedXmlException as exc:
        raise ImportFailure(label, _declaration_line(source), "a DTD or entity declaration: refused",
                            "an export from WordPress has none; remove the <!DOCTYPE ...> part") from exc
    except (LookupError, ValueError) as exc:  # (an unknown or unusable encoding: expat asks Python's codecs)
        raise encoding_failure(source, label, exc) from exc


def encoding_failure(source: IO[bytes], label: str, exc: Exception) -> ImportFailure:
    """The one line for an XML declaration whose encoding cannot be read (`encoding="X-NOPE"`, a codec
    that is not a text encoding, a multi-byte one expat cannot take)."""
    hint = 'save the file as UTF-8, with encoding="UTF-8" in its first line'
    try:
        source.seek(0)
        head = source.read(1 << 10)
    except (OSError, ValueError):
        head = b""
    found = _ENCODING.search(head)
    if found is None:
        return ImportFailure(label, None, f"cannot read the file's encoding: {exc}", hint)
    name = found.group(1).decode("ascii", "replace")
    return ImportFailure(label, head.count(b"\n", 0, found.start()) + 1,
                         f'the XML declaration names an encoding newsgen cannot read: "{name}"', hint)


def _declaration_line(source: IO[bytes]) -> int | None:
    try:
        source.seek(0)
        head = source.read(1 << 16)
    except (OSError, ValueError):
        return None
    at = head.find(b"<!DOCTYPE")
    at = head.find(b"<!ENTITY") if at < 0 else at
    return head.count(b"\n", 0, at) + 1 if at >= 0 else None


def local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def open_source(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportFailure(str(path), None, f"cannot read: {exc.strerror or exc}") from exc


def text_of(el: Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


def attr(el: Element, name: str) -> str:
    value: Any = el.get(name)
    return str(value) if value is not None else ""
