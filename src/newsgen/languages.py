"""`languages:` in newsgen.yaml: the site's language editions, validated, and each edition's own config.

The first language is the default edition, published at the site's root from `content/` (as a site
without `languages:` is). Every other language is an edition under `/<path>/` (the code by default),
written in `content/<code>/`, with its own title, description, timezone and section names and slugs.
An edition's config is the site's config with those values in place and `prefix` set to its path:
the stages build each edition as a site of its own, and the URLs of its pages start with the prefix.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel import __version__ as BABEL  # noqa: N812 - a constant
from babel.core import get_global

from .errors import Diagnostic, did_you_mean
from .slugs import is_valid_slug, name_slug
from .startup import answer

CONFIG_NAME = "newsgen.yaml"


@dataclass(frozen=True)
class SectionName:
    """A section's name in one edition: `sections:` of a language, by the site section's slug."""

    name: str
    slug: str
    description: str = ""


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as in <html lang> and hreflang: "vi", "en", "pt-BR"
    name: str  # in its own language, for the switcher: "Tiếng Việt"
    prefix: str = ""  # URL folder with a trailing slash ("vi/"); "" for the default edition
    title: str = ""  # "" = the site's
    description: str = ""
    timezone: str = ""
    sections: tuple[tuple[str, SectionName], ...] = ()  # (site section slug, its name here); () = the site's
    bios: tuple[tuple[str, str], ...] = ()  # (author slug, bio in this language)
    comments_html: str | None = None  # the comments slot's HTML in this language (None = the site's)

    @property
    def locale(self) -> str:
        """The language with a territory, as Open Graph wants it: "vi_VN", "en_US"."""
        return og_locale(self.code)

    @property
    def rtl(self) -> bool:
        return text_direction(self.code) == "rtl"


@functools.lru_cache(maxsize=64)
def og_locale(code: str) -> str:
    return answer(("og_locale", BABEL, code), lambda: _og_locale(code))  # (startup.answer: see text_direction)


def _og_locale(code: str) -> str:
    loc = Locale.parse(code.replace("-", "_"))
    if loc.territory:
        return f"{loc.language}_{loc.territory}"
    subtags = get_global("likely_subtags")
    likely = (subtags.get(f"{loc.language}_{loc.script}") if loc.script else None) or subtags.get(loc.language, "")
    territory = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    return f"{loc.language}_{territory}" if territory and territory.isupper() else loc.language


@functools.lru_cache(maxsize=64)
def news_language(code: str) -> str:
    """The language as the Google News sitemap wants it: an ISO 639 code, but zh-cn or zh-tw for Chinese
    ("pt-BR" -> "pt", "zh-Hant" -> "zh-tw", "zh" -> "zh-cn")."""
    loc = Locale.parse(code.replace("-", "_"))
    if loc.language == "zh":
        traditional = loc.script == "Hant" or loc.territory in ("TW", "HK", "MO")
        return "zh-tw" if traditional else "zh-cn"
    return loc.language


@functools.lru_cache(maxsize=64)
def text_direction(code: str) -> str:
    """"rtl" for Arabic, Hebrew, Persian, Urdu...; "ltr" otherwise (Babel's character order). Kept between
    runs by `startup.answer` (with Babel's version): a page's `dir` would else read Babel's locale data."""
    return answer(("text_direction", BABEL, code), lambda: _text_direction(code))


def _text_direction(code: str) -> str:
    try:
        order = Locale.parse(code.replace("-", "_")).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


_LANGUAGE_KEYS = ("code", "name", "path", "title", "description", "timezone", "sections", "authors",
                  "comments_html")


def parse_languages(items: Any, line: int | None, default: str | None, sections: tuple[Any, ...],
                    reserved: frozenset[str], diags: list[Diagnostic], text: str = "") -> tuple[Language, ...]:
    """`languages:` validated: each problem one diagnostic. `default`: the `language:` setting, if given
    (it must then be the first language's code). `text`: newsgen.yaml, to find the line of a language
    given as its code alone (`- vi`)."""
    from . import yamlio

    if not isinstance(items, list) or not items:
        diags.append(Diagnostic(CONFIG_NAME, line, "languages must be a list of languages",
                                "e.g. `- code: en` then `- code: vi`, the first is the default"))
        return ()
    out: list[Language] = []
    seen: dict[str, int | None] = {}
    paths: dict[str, str] = {}
    section_slugs = {s.slug for s in sections}
    for n, item in enumerate(items):
        at = (min(item.lines.values()) if isinstance(item, yamlio.LineMap) and item.lines else line)
        if isinstance(item, str):
            at = _scalar_line(text, line, item)
            item = {"code": item}

        def err(message: str, hint: str | None = None, key: str | None = None, at: int | None = at,
                item: Any = item) -> None:
            where = item.lines.get(key, at) if key and isinstance(item, yamlio.LineMap) else at
            diags.append(Diagnostic(CONFIG_NAME, where, message, hint))

        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item["code"].strip():
            err("each language needs a code", "- code: vi")
            continue
        for key in sorted(set(item) - set(_LANGUAGE_KEYS)):
            err(f'unknown language setting "{key}"', did_you_mean(key, _LANGUAGE_KEYS)
                or "a language has code, name, path, title, description, timezone, sections and authors", key)
        code = item["code"].strip().replace("_", "-")  # BCP 47, as <html lang> and hreflang want: vi-VN
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            err(f'unknown language code "{code}"', "a code like en, vi, fr or pt-BR", "code")
            continue
        if code.lower() in seen:
            err(f'language "{code}" is listed twice', "list each language once", "code")
            continue
        seen[code.lower()] = at
        if n == 0 and default is not None and default.replace("_", "-").lower() != code.lower():
            err(f'the first language, "{code}", is the default edition, but `language:` says "{default}"',
                f"put {default} first in languages:, or remove `language:`", "code")
        texts = {k: item.get(k) for k in ("name", "path", "title", "description", "timezone", "comments_html")}
        for key, value in texts.items():
            if value is not None and not isinstance(value, str):
                err(f"{key} of language {code} must be text", None, key)
                texts[key] = None
        prefix = ""
        if n > 0:
            path = (texts["path"] or code.lower()).strip("/")
            if not is_valid_slug(path):
                err(f'path "{path}" of language {code} is not a valid URL folder',
                    "lower-case letters, digits and hyphens, e.g. `path: vi`", "path")
                continue
            if path in reserved or path in section_slugs:
                err(f'path "{path}" of language {code} is taken by newsgen pages or a section',
                    "set another `path:` for the language", "path")
                continue
            if path in paths:
                err(f'path "{path}" of language {code} is also that of language {paths[path]}',
                    "give each language its own `path:`", "path")
                continue
            if code.lower() in section_slugs:
                err(f'language {code}\'s content folder content/{code}/ is also a section\'s folder name',
                    f'give the section "{code.lower()}" another `slug:`', "code")
                continue
            paths[path] = code
            prefix = path + "/"
        elif texts["path"]:
            err("the first language is the default edition, published at the site's root: it has no path",
                "remove `path:`, or list the language you publish at the root first", "path")
        timezone = texts["timezone"] or ""
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                err(f'unknown timezone "{timezone}" for language {code}', "e.g. Asia/Ho_Chi_Minh", "timezone")
                timezone = ""
        names = _section_names(item.get("sections"), item, code, sections, err)
        bios = _bios(item.get("authors"), code, err)
        out.append(Language(code=code, name=texts["name"] or locale.get_display_name(locale) or code,
                            prefix=prefix, title=texts["title"] or "", description=texts["description"] or "",
                            timezone=timezone, sections=names, bios=bios, comments_html=texts["comments_html"]))
    return tuple(out)


def _scalar_line(text: str, start: int | None, value: str) -> int | None:
    """The line of `- value` in the list that starts at line `start` (the line of `languages:`)."""
    lines = text.split("\n")
    pattern = re.compile(rf"""^\s*-\s*["']?{re.escape(value)}["']?\s*(#.*)?$""")
    for number in range(start or 1, len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return start


def _section_names(value: Any, item: Any, code: str, sections: tuple[Any, ...],
                   err: Any) -> tuple[tuple[str, SectionName], ...]:
    """A language's `sections:`: a mapping from each site section (its name or slug) to its name in the
    language, or to {name, slug, description}. Given at all, it must name every section."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        err(f"sections of language {code} must map each section to its name",
            "e.g. `Politics: Chính trị` or `Politics: {name: Chính trị, slug: chinh-tri}`", "sections")
        return ()
    by_key = {s.name.casefold(): s for s in sections} | {s.slug: s for s in sections}
    found: dict[str, SectionName] = {}
    named: set[str] = set()  # the site sections named (a mistake in one is its own error, not a missing one)
    slugs: dict[str, str] = {}
    lines = getattr(value, "lines", {})
    for key, entry in value.items():
        site_section = by_key.get(str(key).casefold()) or by_key.get(str(key))
        where = lines.get(key)
        if site_section is None:
            err(f'language {code} names section "{key}", which is not in the site\'s sections',
                did_you_mean(str(key), [s.name for s in sections]) or "use a name from `sections:`", None, where)
            continue
        named.add(site_section.slug)
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            err(f'section "{key}" of language {code} needs a name', f"{key}: {{name: ..., slug: ...}}", None, where)
            continue
        name = entry["name"].strip()
        slug = str(entry.get("slug") or name_slug(name))
        if not is_valid_slug(slug):
            err(f'section slug "{slug}" of language {code} is not a valid slug',
                "use lower-case letters, digits and hyphens", None, where)
            continue
        if slug in slugs:
            err(f'sections "{slugs[slug]}" and "{key}" of language {code} have the same slug "{slug}"',
                "give one of them its own `slug:`", None, where)
            continue
        slugs[slug] = str(key)
        found[site_section.slug] = SectionName(name, slug, str(entry.get("description") or ""))
    missing = [s.name for s in sections if s.slug not in named]
    if missing and named:
        err(f"language {code} has no name for section{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            "name every section under the language's `sections:` (or none, to keep the site's names)",
            "sections")
    return tuple(found.items()) if not missing and len(found) == len(named) else ()


def _bios(value: Any, code: str, err: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        err(f"authors of language {code} must be a list", "- name: Trần Minh Châu\n  bio: ...", "authors")
        return ()
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            err(f"each author of language {code} needs a name", "- name: ...", "authors")
            continue
        out.append((str(entry.get("slug") or name_slug(entry["name"])), str(entry.get("bio") or "")))
    return tuple(out)


def edition_changes(config: Any, lang: Language) -> dict[str, Any]:
    """What an edition's config changes in the site's config (a SiteConfig): its language, URL folder,
    title, description, timezone, section names and slugs, authors' bios. {} for a default edition that
    changes nothing."""
    names = dict(lang.sections)
    bios = dict(lang.bios)
    changes: dict[str, Any] = {}
    if lang.prefix or names:
        changes["sections"] = tuple(
            dataclasses.replace(s, name=names[s.slug].name, slug=names[s.slug].slug,
                                description=names[s.slug].description or s.description, prefix=lang.prefix)
            if s.slug in names else dataclasses.replace(s, prefix=lang.prefix) for s in config.sections)
    if bios:
        changes["authors"] = tuple(dataclasses.replace(a, bio=bios.get(a.slug) or a.bio) for a in config.authors)
    for key, value in (("title", lang.title), ("description", lang.description), ("timezone", lang.timezone)):
        if value:
            changes[key] = value
    if lang.comments_html is not None:
        changes["comments_html"] = lang.comments_html
    if lang.prefix:
        changes.update(prefix=lang.prefix, digest=f"{config.digest}:{lang.code}")
    if lang.code != config.language:
        changes["language"] = lang.code
    return changes
