"""SiteConfig: newsgen.yaml, every key validated, all problems reported together."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError

from . import yamlio
from .content.sanitize import is_host_name, site_address_problem
from .errors import BuildError, Diagnostic, did_you_mean
from .languages import Language, edition_changes, news_language, og_locale, parse_languages, text_direction
from .site_images import LOGO_HINT, PHOTO_TYPES, SHARE_HINT, image_problem
from .slugs import is_valid_slug, name_slug

CONFIG_NAME = "newsgen.yaml"
RESERVED_SLUGS = frozenset({"authors", "tags", "page", "search", "theme", "images", "static", "pagefind"})
# Image types that social cards and Google's article rich results show (no SVG, no AVIF).
DEFAULT_EMBED_HOSTS = (
    "www.youtube.com",
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "www.google.com",
    "open.spotify.com",
)


@dataclass(frozen=True)
class SectionConfig:
    name: str
    slug: str
    description: str = ""
    prefix: str = ""  # its edition's URL folder ("vi/"); "" in the default edition

    @property
    def url(self) -> str:
        """Its front page, site-relative: "politics/", "vi/chinh-tri/"."""
        return f"{self.prefix}{self.slug}/"


@dataclass(frozen=True)
class AuthorProfile:
    name: str
    slug: str
    bio: str = ""


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str = "News"
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    description: str = ""
    sections: tuple[SectionConfig, ...] = ()
    authors: tuple[AuthorProfile, ...] = ()
    latest_news: int = 10
    per_page: int = 20
    home_per_section: int = 4
    logo: str = ""
    share_image: str = ""  # a file in static/ ("images/share.png") or an https:// URL; "" = none
    comments_html: str = ""
    unsafe_html: bool = False
    embed_hosts: tuple[str, ...] = DEFAULT_EMBED_HOSTS
    feed_items: int = 20
    feed_full_content: bool = True
    pagination: str = "stable"  # "stable": archive pages never shift; "classic": newest first
    shared_latest_news: bool = True  # article pages refresh "Latest News" from /latest-news.json
    search: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # hash of the config file: part of every page fingerprint
    languages: tuple[Language, ...] = ()  # the language editions, the default (at the root) first; () = one
    prefix: str = ""  # the URL folder of this config's edition ("vi/"); "" for the default edition

    @functools.cached_property
    def editions(self) -> tuple[SiteConfig, ...]:
        """(On the site's config) each edition's config, the default edition first; this config alone
        without `languages:`. See `languages.edition_changes`: the stages build each edition as a site."""
        if not self.languages:
            return (self,)
        if self.prefix:
            raise RuntimeError("editions is a question for the site's config, not an edition's")
        return tuple(dataclasses.replace(self, **changes) if changes else self
                     for changes in (edition_changes(self, lang) for lang in self.languages))

    @property
    def og_locale(self) -> str:  # "vi_VN", "en_US"; news_language: "vi", "zh-tw"; text_direction: "rtl"/"ltr"
        return og_locale(self.language)

    @property
    def news_language(self) -> str:
        return news_language(self.language)

    @property
    def text_direction(self) -> str:
        return text_direction(self.language)

    @property
    def language_entry(self) -> Language | None:
        """This edition's entry of `languages:` (None on a site with one language)."""
        return next((lang for lang in self.languages if lang.prefix == self.prefix), None)

    def edition_for(self, rel: str) -> SiteConfig:
        """(On the site's config) the config of the edition the article file `rel` (from the site root)
        belongs to: under `content/<code>/` for a language that is not the default one (the code in any case,
        with - or _: content/pt-br/ is pt-BR's; or its URL folder), else the default."""
        if self.languages and rel.startswith("content/"):
            first = rel[8:].split("/", 1)[0].lower().replace("_", "-")
            for edition, lang in zip(self.editions[1:], self.languages[1:], strict=True):
                if first in (lang.code.lower(), lang.prefix[:-1]):
                    return edition
        return self.editions[0]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: "/" or e.g. "/news/"."""
        return _url_path(self.base_url)

    @property
    def default_image(self) -> str:
        """The image shown when a page has none of its own (an article without `image:`, the
        home page, listings): in its NewsArticle JSON-LD `image` and its `og:image` and
        `twitter:image`. `share_image`, else the logo when it is a photo type (a social card
        cannot show an SVG), else "" (none). A site path (for `abs_url`) or an absolute URL."""
        if self.share_image:
            return self.share_image
        if self.logo and self.logo.lower().endswith(PHOTO_TYPES):
            return self.logo
        return ""

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def section_by_name(self, name: str) -> SectionConfig | None:
        for s in self.sections:
            if name in (s.name, s.slug) or name.casefold() == s.name.casefold():
                return s
        return None


@functools.lru_cache(maxsize=16)
def _url_path(url: str) -> str:  # every link on every page asks: once per base_url
    return urlsplit(url).path or "/"


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "description": str,
    "sections": list,
    "authors": list,
    "latest_news": int,
    "per_page": int,
    "home_per_section": int,
    "logo": str,
    "share_image": str,
    "comments_html": str,
    "unsafe_html": bool,
    "embed_hosts": list,
    "feed_items": int,
    "feed_full_content": bool,
    "pagination": str,
    "shared_latest_news": bool,
    "search": bool,
    "extra": dict,
    "languages": list,
}
_TYPE_WORDS = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}
_EXAMPLES = {str: 'write it in quotes: {key}: "..."', int: "e.g. {key}: 20", bool: "e.g. {key}: true",
             list: "e.g. {key}: [first, second]"}


def load_config(root: Path) -> SiteConfig:
    """Read and validate `root/newsgen.yaml`. Raises BuildError with every problem found."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise BuildError([Diagnostic(CONFIG_NAME, None, "is not a file" if path.exists() else "no newsgen.yaml here",
                                     "run newsgen in the site folder, or `newsgen init DIR` for a new site")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildError([Diagnostic(CONFIG_NAME, line, "file is not UTF-8 text", "save it as UTF-8")]) from None
    return parse_config(text, root, digest=hashlib.sha256(raw).hexdigest()[:16])


def parse_config(text: str, root: Path, digest: str = "") -> SiteConfig:
    diags: list[Diagnostic] = []
    try:
        data = yamlio.load(text)
    except yamlio.YamlProblem as p:
        raise BuildError([Diagnostic(CONFIG_NAME, p.line, p.message, p.hint_at(0))]) from None
    if data is None:
        data = yamlio.LineMap()
    if not isinstance(data, yamlio.LineMap):
        raise BuildError([Diagnostic(CONFIG_NAME, 1, "newsgen.yaml must be a mapping of settings",
                                     "e.g. `title: Daily Chronicle`")])

    def err(key: str, message: str, hint: str | None = None, line: int | None = None) -> None:
        diags.append(Diagnostic(CONFIG_NAME, line or data.lines.get(key), message, hint))

    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _FIELDS:
            err(key, f'unknown setting "{key}"',
                did_you_mean(key, _FIELDS) or "put your own settings under `extra:`")
            continue
        want = _FIELDS[key]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if want is str and isinstance(value, int | float) and not isinstance(value, bool):
            value, ok = str(value), True
        if not ok:
            err(key, f"{key} must be {_TYPE_WORDS[want]}", _EXAMPLES.get(want, "e.g. {key}: ...").format(key=key))  # type: ignore[index,arg-type]
            continue
        values[key] = value

    for key, usual in (("latest_news", 10), ("per_page", 20), ("home_per_section", 4), ("feed_items", 20)):
        if key in values and values[key] < 1:
            err(key, f"{key} must be at least 1", f"e.g. {key}: {usual}")
            values.pop(key)

    if "base_url" in values:
        problem = site_address_problem(values["base_url"])
        if problem:
            err("base_url", f"base_url {_shown(values.pop('base_url'))} {problem[0]}", problem[1])
        elif not values["base_url"].endswith("/"):
            values["base_url"] += "/"

    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            err("timezone", f'unknown timezone "{values["timezone"]}"',
                did_you_mean(values["timezone"], available_timezones()) or "e.g. Asia/Ho_Chi_Minh or UTC")
            values.pop("timezone")

    if "language" in values:
        try:
            Locale.parse(values["language"].replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            err("language", f'unknown language "{values["language"]}"', "a code like en, vi or fr")
            values.pop("language")

    for key, types, hint in (("share_image", PHOTO_TYPES, SHARE_HINT), ("logo", (*PHOTO_TYPES, ".svg"), LOGO_HINT)):
        if key not in values:
            continue
        problem = image_problem(key, values[key], root, types, hint) if values[key] else None
        if problem:
            err(key, *problem)
        if problem or not values[key]:  # (empty: none; the logo may stand in for a share image)
            values.pop(key)
        elif key == "share_image":
            values[key] = values[key].strip().lstrip("/")

    if values.get("pagination", "stable") not in ("stable", "classic"):
        err("pagination", f'pagination must be "stable" or "classic", not "{values["pagination"]}"')
        values.pop("pagination")

    if "sections" in values:
        values["sections"] = _sections(values["sections"], data.lines.get("sections"), diags)
    else:
        err("sections", "newsgen.yaml has no sections", "add `sections:` with at least one `- name: ...`", 1)
    if "authors" in values:
        values["authors"] = _authors(values["authors"], diags)
    if "languages" in values:
        values["languages"] = parse_languages(values["languages"], data.lines.get("languages"),
                                              values.get("language"), values.get("sections", ()),
                                              RESERVED_SLUGS, diags, text)
        if values["languages"]:
            values["language"] = values["languages"][0].code
        if len(values["languages"]) == 1 and not diags:  # one language: a site like any other, in its names
            values.update(_single_language(values, values.pop("languages")[0]))
    if "embed_hosts" in values:
        hosts = [h.strip().lower() if isinstance(h, str) else "" for h in values["embed_hosts"]]
        for given, host in zip(values["embed_hosts"], hosts, strict=True):
            if not is_host_name(host):  # ("" too: an iframe with no host a browser reads otherwise got through)
                err("embed_hosts", f"embed_hosts: {_shown(str(given))} is not a host name",
                    "write the host name alone, e.g. www.youtube.com: no https://, no path")
        values["embed_hosts"] = tuple(h.removesuffix(".") for h in hosts)

    if diags:
        raise BuildError(diags)
    return SiteConfig(root=root, digest=digest, **values)


def _single_language(values: dict[str, Any], lang: Language) -> dict[str, Any]:
    """The settings of a site whose `languages:` lists one language: its title, description, timezone,
    section names and authors' bios, as an edition's would be."""
    shell = SiteConfig(root=Path(), **values)
    return {k: v for k, v in edition_changes(shell, lang).items() if k not in ("prefix", "digest")}


def _item_line(item: Any, fallback: int | None) -> int | None:
    if isinstance(item, yamlio.LineMap) and item.lines:
        return min(item.lines.values())
    return fallback


def _sections(items: list[Any], line: int | None, diags: list[Diagnostic]) -> tuple[SectionConfig, ...]:
    out: list[SectionConfig] = []
    seen: dict[str, str] = {}  # slug -> name, and name (case-folded) -> name
    names: dict[str, str] = {}
    for item in items:
        at = _item_line(item, line)
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            diags.append(Diagnostic(CONFIG_NAME, at, "each section needs a name", "- name: Politics"))
            continue
        unknown = set(item) - {"name", "slug", "description"}
        for key in sorted(unknown):
            diags.append(Diagnostic(CONFIG_NAME, item.lines.get(key, at) if isinstance(item, yamlio.LineMap) else at,
                                    f'unknown section setting "{key}"', "a section has name, slug and description"))
        name = item["name"].strip()
        slug = str(item.get("slug") or name_slug(name))
        if not is_valid_slug(slug):
            diags.append(Diagnostic(CONFIG_NAME, at, f'section slug "{slug}" is not a valid slug',
                                    "use lower-case letters, digits and hyphens"))
            continue
        if slug in RESERVED_SLUGS:
            diags.append(Diagnostic(CONFIG_NAME, at, f'section slug "{slug}" is reserved for newsgen pages',
                                    "set another `slug:`"))
            continue
        if slug in seen:
            diags.append(Diagnostic(CONFIG_NAME, at, f'section "{name}" has the same slug as "{seen[slug]}"',
                                    "give one of them its own `slug:`"))
            continue
        clash = seen.get(name.casefold()) or names.get(name.casefold()) or names.get(slug)
        if clash is not None:  # (an article's `section:` is a section's name, in any case, or its slug)
            diags.append(Diagnostic(CONFIG_NAME, at, f'section "{name}" has the same name as "{clash}"',
                                    "articles choose their section by name: give each its own"))
            continue
        seen[slug] = names[name.casefold()] = name
        out.append(SectionConfig(name=name, slug=slug, description=str(item.get("description") or "")))
    if not out and not diags:
        diags.append(Diagnostic(CONFIG_NAME, line, "sections is empty", "add at least one `- name: ...`"))
    return tuple(out)


def _authors(items: list[Any], diags: list[Diagnostic]) -> tuple[AuthorProfile, ...]:
    out: list[AuthorProfile] = []
    for item in items:
        at = _item_line(item, None)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            diags.append(Diagnostic(CONFIG_NAME, at, "each author needs a name", "- name: Hung Anh"))
            continue
        slug = str(item.get("slug") or name_slug(item["name"]))
        out.append(AuthorProfile(name=item["name"], slug=slug, bio=str(item.get("bio") or "")))
    return tuple(out)


def with_base_url(config: SiteConfig, base_url: str | None) -> SiteConfig:
    """The config with `--base-url` in place of newsgen.yaml's base_url."""
    if not base_url:
        return config
    problem = site_address_problem(base_url)
    if problem:
        raise BuildError([Diagnostic("--base-url", None, f"{_shown(base_url)} {problem[0]}", problem[1])])
    if not base_url.endswith("/"):
        base_url += "/"
    return dataclasses.replace(config, base_url=base_url)


def _shown(value: str) -> str:
    """A value quoted in a message, on one line: a line break shown as \\n, a long one cut."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return f'"{text}"' if len(text) <= 80 else f'"{text[:77]}..."'
