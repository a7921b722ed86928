"""The data newsgen works on: plain frozen dataclasses, no behaviour beyond derived fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import SectionConfig, SiteConfig


@dataclass(frozen=True, slots=True)
class Image:
    url: str  # site-relative URL path without leading slash, e.g. "politics/summit/photo.jpg"
    source: str  # file it comes from, relative to the site root ("" when unknown)
    caption: str = ""
    credit: str = ""
    alt: str = ""
    width: int | None = None
    height: int | None = None
    length: int = 0  # bytes, for feed enclosures
    mime: str = ""


@dataclass(frozen=True, slots=True)
class Correction:
    date: dt.datetime
    text: str


@dataclass(frozen=True, slots=True)
class Asset:
    """A file published next to an article (bundle images, body images)."""

    source: str  # relative to the site root
    url: str  # site-relative output path
    image: Image | None = None  # set when the file is an image (size known, so responsive variants)


@dataclass(frozen=True, slots=True)
class Article:
    source: str  # path relative to the site root, e.g. "content/politics/2025/x.md"
    title: str
    section: str  # section slug
    slug: str
    date: dt.datetime
    authors: tuple[str, ...] = ()
    updated: dt.datetime | None = None
    summary: str = ""
    summary_given: bool = False
    image: Image | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    corrections: tuple[Correction, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    assets: tuple[Asset, ...] = ()
    aliases: tuple[str, ...] = ()  # old URL paths ("/2024/03/19/old-slug/", "/?p=12") that redirect here
    edition: str = ""  # its language edition's URL folder ("vi/"); "" in the default edition
    translation_key: str = ""  # shared by its translations in the other editions ("" = its path in its edition)
    body_line: int = 1  # 1-based line in the file where the Markdown body starts
    # the lines of its `slug:` (or of the `title:` its slug is made from) and `aliases:`, for errors; 0: unknown
    slug_line: int = 0
    aliases_line: int = 0
    digest: str = ""  # hash of the whole file: any change re-renders the article page
    card_digest: str = ""  # hash of what lists show of it (title, url, date, summary, image...)
    # `modified` in ISO 8601 to the second, made by the parser and kept in the build cache: a sitemap lists
    # every story's (10,000 isoformat calls: ~15 ms of a new story's build); "" in an article made otherwise
    modified_iso: str = ""

    @property
    def url(self) -> str:
        return f"{self.edition}{self.section}/{self.slug}/"

    @property
    def modified(self) -> dt.datetime:
        latest = self.updated or self.date
        for c in self.corrections:
            latest = max(latest, c.date)
        return latest


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    slug: str
    bio: str = ""
    edition: str = ""  # the URL folder of the edition its page is in ("vi/")

    @property
    def url(self) -> str:
        return f"{self.edition}authors/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    edition: str = ""

    @property
    def url(self) -> str:
        return f"{self.edition}tags/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated list: which articles it shows and where its neighbours are."""

    number: int  # 1 = the first (front) page
    total: int
    url: str
    items: tuple[int, ...]  # indexes into Site.articles
    newer_url: str | None = None
    older_url: str | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class Listing:
    """A paginated list of articles: a section, an author, a tag."""

    kind: str  # "section" | "author" | "tag"
    key: str  # slug
    title: str
    description: str
    url: str
    pages: tuple[Pager, ...]


@dataclass(frozen=True, slots=True)
class Site:
    articles: tuple[Article, ...]  # newest first
    sections: tuple[SectionConfig, ...]
    authors: dict[str, Author]  # by name as written in articles
    tags: dict[str, Tag]  # by name as written in articles
    listings: Sequence[Listing]  # (a tuple; read from the cache when first used: incremental.later.Later)
    by_section: dict[str, tuple[int, ...]]  # section slug -> article indexes, newest first
    latest: tuple[int, ...]
    related: dict[int, tuple[int, ...]]
    prev_next: dict[int, tuple[int | None, int | None]]  # (older, newer) in the same section


@dataclass(frozen=True, slots=True)
class Alternate:
    """One version of a page in a language edition (or x-default): hreflang links, the language switcher."""

    lang: str  # hreflang: "vi", "en", "x-default"
    name: str  # the language's name in itself, for the switcher: "Tiếng Việt"
    url: str  # site-relative URL of the version
    locale: str  # Open Graph's form: "vi_VN"


@dataclass(frozen=True, slots=True)
class Edition:
    """One language edition of the site (the whole site, when it has one language): its config (names,
    language, URL folder), its site model, and the versions in other editions of its pages, by URL."""

    config: SiteConfig
    site: Site
    alternates: dict[str, tuple[Alternate, ...]]
