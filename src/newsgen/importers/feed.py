"""`newsgen import feed FILE|URL`: the items of an RSS 2.0 / RSS 1.0, Atom or JSON Feed (1.0, 1.1) as articles.

The XML is first read strictly with defusedxml (a malformed or hostile file is one line with its place),
then mapped by feedparser; a JSON Feed is read with json. What a feed carries is mapped as for
WordPress: title, dates, authors, categories/tags (a category naming a section, or --section-map, picks
the section), the summary, the HTML body, an image (enclosure, media:content, JSON Feed `image`), and
the item's old path as an alias when its link is on the feed's own site (or the newsgen site's host).
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import feedparser  # type: ignore[import-untyped]

from ..slugs import name_slug
from . import feeddates, jsonlimits
from .common import Entry, ImportFailure, Options, Report, clean_text, old_path, pick_section, split_url
from .html import autop, plain_text
from .media import fetch
from .run import Importer
from .xmlsafe import encoding_failure, events, local

_ATOM = "http://www.w3.org/2005/Atom"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_HINT = "newsgen imports RSS 2.0, RSS 1.0, Atom and JSON Feed"


def load(source: str, options: Options) -> tuple[bytes, str]:
    """The feed's bytes and the label for messages (the file name or the URL)."""
    if source.startswith(("http://", "https://")):
        try:
            return fetch(source, options.timeout), source
        except OSError as exc:
            raise ImportFailure(source, None, f"cannot fetch the feed: {exc}") from exc
    try:
        return Path(source).read_bytes(), source
    except OSError as exc:
        raise ImportFailure(source, None, f"cannot read: {exc.strerror or exc}") from exc


def kind_of(data: bytes, label: str) -> str:
    """"json", "rss", "atom" or "rdf"; anything else is an ImportFailure with its line."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "json"
    if not head.startswith(b"<"):
        raise ImportFailure(label, 1, "unknown format: neither XML nor JSON", _HINT)
    root = ""
    for event, el in events(io.BytesIO(data), label):  # the whole file: a malformed one fails here
        if not root and event == "start":
            ns, name = local(el.tag)
            root = {("", "rss"): "rss", (_ATOM, "feed"): "atom", (_RDF, "RDF"): "rdf"}.get((ns, name), "?" + name)
    if root.startswith("?"):
        raise ImportFailure(label, 1, f"unknown format: the root element is <{root[1:]}>",
                            _HINT + "; a WordPress export: newsgen import wordpress")
    return root


def _when(value: Any, zone: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """A feed's date. An ISO 8601 text without a time zone (JSON Feed asks for one) is read in `zone`:
    the site's, as an editor's CMS writes local times (_json_entries warns of it)."""
    if isinstance(value, time.struct_time):
        try:
            return dt.datetime(*value[:5], min(value[5], 59), tzinfo=dt.UTC)  # a leap second is :59
        except ValueError:
            return None
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return None


def _zoneless(value: Any) -> bool:
    """An ISO 8601 date (and time) without a time zone."""
    try:
        return isinstance(value, str) and dt.datetime.fromisoformat(value.strip()).tzinfo is None
    except ValueError:
        return False


_DATE_HINT = "a date such as 2024-03-19T10:40:00+07:00 or Tue, 19 Mar 2024 10:40:00 +0700"


def _which(bad: dict[str, str]) -> str:
    return " and ".join(f"{key} date {text}" for key, text in bad.items())


def _xml_date(e: Any, key: str, bad: dict[str, str]) -> dt.datetime | None:
    """An XML item's published or updated date as feedparser read it, when its text names a real moment
    (else None, and the text in `bad`)."""
    text = str(dict.get(e, key) or "").strip()
    when = _when(dict.get(e, f"{key}_parsed"))
    if text and (when is None or not feeddates.real(text)):
        bad[key] = text[:80]
        return None
    return when


def _json_date(item: dict[str, Any], key: str, zone: dt.tzinfo, bad: dict[str, str]) -> dt.datetime | None:
    value = item.get(f"date_{'published' if key == 'published' else 'modified'}")
    when = _when(value, zone)
    if when is None and value not in (None, ""):
        bad[key] = _text(value).strip()[:80] or "(not text)"
    return when


class FeedItems:
    def __init__(self, options: Options, report: Report, home: str) -> None:
        self.options, self.report = options, report
        hosts = {split_url(home).hostname, split_url(options.config.base_url).hostname}
        self.hosts = {h for h in hosts if h}

    def _slug_and_aliases(self, link: str, title: str) -> tuple[str, list[str]]:
        parts = split_url(link)
        last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) if parts.path else ""
        for ext in (".html", ".htm", ".php"):
            last = last.removesuffix(ext)
        slug = (name_slug(last) if not last.isdigit() else "") or name_slug(title)
        aliases = []
        if parts.hostname in self.hosts and (parts.path not in ("", "/") or parts.query):
            aliases.append(old_path(parts.path, parts.query))
        return slug, aliases

    def make(self, *, title: str, link: str, published: dt.datetime | None, modified: dt.datetime | None,
             authors: list[str], categories: list[tuple[str, str]], tags: list[str], summary: str, body: str,
             image: str, unreadable: dict[str, str] | None = None) -> Entry | None:
        """The entry, or None (reported). `unreadable`: "published" / "updated" -> a date's text that
        names no real moment (2024-13-45): never taken, the other date used if there is one."""
        title = clean_text(plain_text(title))
        if not title:
            self.report.skip(f"(untitled: {link or 'no link'})", "no title (newsgen needs one)")
            return None
        bad = unreadable or {}
        date = published or modified
        if date is None:
            self.report.skip(title, f"its {_which(bad)} cannot be read ({_DATE_HINT})" if bad else "no date")
            return None
        for key, text in bad.items():
            self.report.warn(title, f"its {key} date {text} cannot be read: "
                                    + ("its updated date used" if key == "published" else "left out"))
        section, used = pick_section(categories, self.options)
        if section is None:
            names = ", ".join(f'"{n}"' for n, _ in categories) or "none"
            self.report.skip(title, f"its categories ({names}) match no section "
                                    "(--section-map 'CATEGORY=Section' or --default-section SECTION)")
            return None
        slug, aliases = self._slug_and_aliases(link, title)
        kept = [clean_text(t) for t in [*(n for n, _ in categories if n != used), *tags]]
        return Entry(label=title, title=title, section=section, date=date, slug=slug or "item", body_html=body,
                     updated=modified if modified and modified - date > dt.timedelta(minutes=1) else None,
                     authors=list(dict.fromkeys(a for a in (clean_text(x) for x in authors) if a)),
                     tags=list({t.casefold(): t for t in kept if t}.values())[:100],
                     summary=clean_text(plain_text(summary)), image=image, aliases=aliases, wordpress=False,
                     base=link if split_url(link).scheme in ("http", "https") else "")


def _xml_entries(parsed: Any, items: FeedItems) -> Iterator[Entry]:
    seen: set[str] = set()  # ids and links of the items taken: a feed that repeats an item gives it once
    for e in parsed.entries:
        keys = {str(k) for k in (e.get("id"), e.get("link")) if k}
        if keys & seen:
            items.report.skip(clean_text(plain_text(e.get("title", ""))) or next(iter(keys)),
                              "repeats an earlier item of the feed (the same id or link)")
            continue
        seen |= keys
        # the body: the longest HTML content (content:encoded); feedparser also lists there a photo's
        # media:description (text), which is not the story
        html = [c.get("value", "") for c in e.get("content") or [] if "html" in str(c.get("type", ""))]
        content = max(html, key=len) if any(html) else ""
        body = content or e.get("summary", "")
        summary = e.get("summary", "") if content else ""
        names = [a.get("name", "") for a in e.get("authors", []) if isinstance(a, dict)] or [e.get("author", "")]
        terms = [(t.get("label") or t.get("term") or "", t.get("term") or "") for t in e.get("tags", [])]
        images = [m.get("url", "") for m in e.get("media_content", []) if m.get("medium") == "image"
                  or str(m.get("type", "")).startswith("image/")]
        images += [m.get("url", "") for m in e.get("media_thumbnail", [])]
        images += [m.get("href", "") for m in e.get("enclosures", []) if str(m.get("type", "")).startswith("image/")]
        title = e.get("title", "")
        if (e.get("title_detail") or {}).get("type") == "text/plain":  # text, not HTML: "the <new> budget"
            title = htmllib.escape(title, quote=False)
        others = [m for m in e.get("enclosures", [])
                  if m.get("href") and not str(m.get("type", "")).startswith("image/")]
        for media in others:  # (a podcast's audio, a video: newsgen articles carry photos only)
            items.report.warn(clean_text(plain_text(title)) or e.get("link", ""),
                              f"enclosure not imported ({media.get('type') or 'no type'}): {media.get('href')}")
        bad: dict[str, str] = {}
        entry = items.make(title=title, link=e.get("link", ""),
                           published=_xml_date(e, "published", bad), modified=_xml_date(e, "updated", bad),
                           unreadable=bad,
                           authors=names, categories=[t for t in terms if t[0]], tags=[], summary=summary,
                           body=body, image=next((u for u in images if u), ""))
        if entry is not None:
            yield entry


def _text(value: Any) -> str:
    """A JSON Feed value as text: a string, or a number written out; not a list or an object (whose
    text, Python's repr, is no title, and may be nested deeper than repr can go)."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _json_entries(entries: list[dict[str, Any]], items: FeedItems) -> Iterator[Entry]:
    for item in entries:
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        authors = authors if isinstance(authors, list) else []
        body = _text(item.get("content_html"))
        if not body and item.get("content_text"):
            body = autop(htmllib.escape(_text(item["content_text"])))
        raw_tags = item.get("tags")
        tags = [_text(t) for t in raw_tags if isinstance(t, str | int)] if isinstance(raw_tags, list) else []
        zone = items.options.config.tz
        bad: dict[str, str] = {}
        entry = items.make(title=_text(item.get("title")), link=_text(item.get("url")),
                           published=_json_date(item, "published", zone, bad),
                           modified=_json_date(item, "updated", zone, bad), unreadable=bad,
                           authors=[_text(a.get("name")) for a in authors if isinstance(a, dict)],
                           categories=[(t, t) for t in tags], tags=[], summary=_text(item.get("summary")),
                           body=body, image=_text(item.get("image")) or _text(item.get("banner_image")))
        if entry is not None:
            for key in ("date_published", "date_modified"):
                if _zoneless(item.get(key)):
                    items.report.warn(entry.label, f"{key} {str(item[key]).strip()} has no time zone: read as "
                                                   f"{items.options.config.timezone} time, the site's")
            yield entry


def _json_feed(data: bytes, label: str) -> tuple[str, list[dict[str, Any]]]:
    """The feed's home page and its items."""
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(text)
    except UnicodeDecodeError as exc:
        raise ImportFailure(label, None, f"not UTF-8 text (byte {exc.start})", _HINT) from exc
    except json.JSONDecodeError as exc:
        raise ImportFailure(label, exc.lineno, f"malformed JSON: {exc.msg} (column {exc.colno})", _HINT) from exc
    except RecursionError as exc:
        raise jsonlimits.too_deep(text, label) from exc
    except ValueError as exc:  # an integer longer than Python reads (sys.get_int_max_str_digits)
        raise jsonlimits.too_long(text, label, exc) from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ImportFailure(label, 1, 'unknown format: JSON without a JSON Feed "version"', _HINT)
    entries = doc.get("items")
    if not isinstance(entries, list):
        raise ImportFailure(label, 1, 'a JSON Feed without an "items" list', _HINT)
    return _text(doc.get("home_page_url")), [i for i in entries if isinstance(i, dict)]


def import_feed(source: str, options: Options, report: Report) -> None:
    data, label = load(source, options)
    kind = kind_of(data, label)
    if kind == "json":
        home, entries = _json_feed(data, label)
        Importer(options, report, base_url=home).run(_json_entries(entries, FeedItems(options, report, home)))
        return
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    except (LookupError, ValueError) as exc:  # (an encoding expat took and feedparser cannot: unicode_escape)
        raise encoding_failure(io.BytesIO(data), label, exc) from exc
    home = str(parsed.feed.get("link", ""))
    Importer(options, report, base_url=home).run(_xml_entries(parsed, FeedItems(options, report, home)))
