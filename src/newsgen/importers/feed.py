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
from urllib.parse import unquote, urlsplit

import feedparser  # type: ignore[import-untyped]

from ..slugs import name_slug
from .common import Entry, ImportFailure, Options, Report, clean_text, old_path, pick_section
from .html import autop, plain_text
from .media import fetch
from .run import Importer
from .xmlsafe import events, local

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


class FeedItems:
    def __init__(self, options: Options, report: Report, home: str) -> None:
        self.options, self.report = options, report
        hosts = {urlsplit(home).hostname, urlsplit(options.config.base_url).hostname}
        self.hosts = {h for h in hosts if h}

    def _slug_and_aliases(self, link: str, title: str) -> tuple[str, list[str]]:
        parts = urlsplit(link)
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
             image: str) -> Entry | None:
        title = clean_text(plain_text(title))
        if not title:
            self.report.skip(f"(untitled: {link or 'no link'})", "no title (newsgen needs one)")
            return None
        date = published or modified
        if date is None:
            self.report.skip(title, "no date")
            return None
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
                     base=link if urlsplit(link).scheme in ("http", "https") else "")


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
        entry = items.make(title=title, link=e.get("link", ""),
                           published=_when(e.get("published_parsed")), modified=_when(dict.get(e, "updated_parsed")),
                           authors=names, categories=[t for t in terms if t[0]], tags=[], summary=summary,
                           body=body, image=next((u for u in images if u), ""))
        if entry is not None:
            yield entry


def _json_entries(entries: list[dict[str, Any]], items: FeedItems) -> Iterator[Entry]:
    for item in entries:
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        authors = authors if isinstance(authors, list) else []
        body = item.get("content_html") or ""
        if not body and item.get("content_text"):
            body = autop(htmllib.escape(str(item["content_text"])))
        raw_tags = item.get("tags")
        tags = [str(t) for t in raw_tags if isinstance(t, str | int)] if isinstance(raw_tags, list) else []
        zone = items.options.config.tz
        entry = items.make(title=str(item.get("title") or ""), link=str(item.get("url") or ""),
                           published=_when(item.get("date_published"), zone),
                           modified=_when(item.get("date_modified"), zone),
                           authors=[str(a.get("name", "")) for a in authors if isinstance(a, dict)],
                           categories=[(t, t) for t in tags], tags=[], summary=str(item.get("summary") or ""),
                           body=str(body), image=str(item.get("image") or item.get("banner_image") or ""))
        if entry is not None:
            for key in ("date_published", "date_modified"):
                if _zoneless(item.get(key)):
                    items.report.warn(entry.label, f"{key} {str(item[key]).strip()} has no time zone: read as "
                                                   f"{items.options.config.timezone} time, the site's")
            yield entry


def _json_feed(data: bytes, label: str) -> tuple[str, list[dict[str, Any]]]:
    """The feed's home page and its items."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFailure(label, None, f"not UTF-8 text (byte {exc.start})", _HINT) from exc
    except json.JSONDecodeError as exc:
        raise ImportFailure(label, exc.lineno, f"malformed JSON: {exc.msg} (column {exc.colno})", _HINT) from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ImportFailure(label, 1, 'unknown format: JSON without a JSON Feed "version"', _HINT)
    entries = doc.get("items")
    if not isinstance(entries, list):
        raise ImportFailure(label, 1, 'a JSON Feed without an "items" list', _HINT)
    return str(doc.get("home_page_url") or ""), [i for i in entries if isinstance(i, dict)]


def import_feed(source: str, options: Options, report: Report) -> None:
    data, label = load(source, options)
    kind = kind_of(data, label)
    if kind == "json":
        home, entries = _json_feed(data, label)
        Importer(options, report, base_url=home).run(_json_entries(entries, FeedItems(options, report, home)))
        return
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    home = str(parsed.feed.get("link", ""))
    Importer(options, report, base_url=home).run(_xml_entries(parsed, FeedItems(options, report, home)))
