"""What the importers share: the options, one article to write (`Entry`), the report, the one error."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from ..config import SectionConfig, SiteConfig
from ..errors import visible

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SLASHES = re.compile(r"/{2,}")
_SPACES = re.compile(r"\s+")


class ImportFailure(Exception):  # noqa: N818 - the one line the user sees, not a programming error
    """The source cannot be imported at all (malformed XML, an unknown format, a bad option): one line."""

    def __init__(self, where: str, line: int | None, message: str, hint: str | None = None) -> None:
        self.where, self.line, self.message, self.hint = where, line, message, hint
        super().__init__(self.text())

    def text(self) -> str:
        place = f"{self.where}:{self.line}" if self.line is not None else self.where
        return visible(f"{place}: {self.message}" + (f" ({self.hint})" if self.hint else ""))


def split_url(url: str) -> SplitResult:
    """urlsplit, with an address it refuses (an unclosed IPv6 bracket: `http://[x/`) as no address."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def old_path(path: str, query: str = "") -> str:
    """An item's old address on its site, as an alias writes it: the URL's path decoded, runs of slashes
    made one (`https://example.com//greek/x/`, as WordPress.com exports a child page's link, is served
    as /greek/x/), and its query, if any (`/?p=123`)."""
    from urllib.parse import unquote

    return _SLASHES.sub("/", unquote(path or "/")) + (f"?{query}" if query else "")


@dataclass
class Options:
    site: Path
    config: SiteConfig
    uploads: Path | None = None
    download: bool = False
    section_map: dict[str, str] = field(default_factory=dict)  # category (casefolded) -> section name
    default_section: str | None = None
    pages_section: str | None = None
    dry_run: bool = False
    overwrite: bool = False
    timeout: float = 20.0


@dataclass
class Entry:
    """One article to write, as the source gave it (HTML body; images not yet fetched)."""

    label: str  # the title, for report lines
    title: str
    section: SectionConfig
    date: dt.datetime  # aware
    slug: str
    body_html: str
    updated: dt.datetime | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    draft: bool = False
    image: str = ""  # a URL
    image_caption: str = ""
    image_alt: str = ""
    aliases: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    wordpress: bool = True  # the body is WordPress's (shortcodes, classic-editor paragraphs), not plain HTML
    gallery: Callable[[dict[str, str]], list[tuple[str, str, str]]] | None = None  # [gallery] -> (url, caption, alt)
    base: str = ""  # the item's own address (a feed's): its body's relative links and images are read against it


@dataclass
class Report:
    """One line per item (imported / skipped / warning), printed as they come, and the counts."""

    echo: Callable[[str], None]
    dry_run: bool = False
    imported: int = 0
    skipped: int = 0
    warnings: int = 0

    def wrote(self, rel: str) -> None:
        self.imported += 1
        self.echo(visible(("would import " if self.dry_run else "imported ") + rel))

    def skip(self, label: str, why: str) -> None:
        self.skipped += 1
        self.echo(visible(f"skipped {label or '(untitled)'}: {why}"))

    def warn(self, label: str, what: str) -> None:
        self.warnings += 1
        self.echo(visible(f"warning {label}: {what}" if label else f"warning: {what}"))

    def summary(self) -> str:
        done = "would be imported" if self.dry_run else "imported"
        tail = " (dry run: nothing was written)" if self.dry_run else ""
        return (f"newsgen: {self.imported} {done}, {self.skipped} skipped, "
                f"{self.warnings} warning{'s' if self.warnings != 1 else ''}{tail}")


def clean_text(value: str) -> str:
    """One line of text for a front-matter field: no control characters, spaces collapsed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def pick_section(categories: list[tuple[str, str]], options: Options) -> tuple[SectionConfig | None, str]:
    """The section for an item's categories [(name, slug)]: the first one in --section-map, else the
    first whose name or slug is a section's, else --default-section. Returns (section, category used)."""
    config = options.config
    for name, slug in categories:
        for key in (name.casefold(), slug.casefold()):
            if key and key in options.section_map:
                return config.section_by_name(options.section_map[key]), name
    for name, slug in categories:
        found = config.section_by_name(name) or (config.section_by_name(slug) if slug else None)
        if found is not None:
            return found, name
    if options.default_section:
        return config.section_by_name(options.default_section), ""
    return None, ""
