"""One import from start to end: each entry's target, its images and body, then its files (or not)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..config import load_config
from ..content.markdown import body_problem
from ..content.parse import BODY_CONTROL  # (what the build refuses in a body)
from ..errors import BuildError, did_you_mean
from .common import Entry, ImportFailure, Options, Report, old_path
from .html import media_links, to_markdown, unknown_shortcodes
from .media import Bundle
from .write import existing, front_matter, target, write_bundle

_SURROGATE = re.compile("[\ud800-\udfff]")


def site_options(site: Path, section_map: tuple[str, ...], default_section: str | None,
                 pages_section: str | None = None, **rest: object) -> Options:
    """The options, checked against newsgen.yaml: every section named must be one of its sections."""
    try:
        config = load_config(site)
    except BuildError as exc:
        first = exc.diagnostics[0]
        raise ImportFailure(first.path, first.line, first.message, first.hint) from exc
    names = [s.name for s in config.sections]

    def section(option: str, name: str) -> str:
        found = config.section_by_name(name)
        if found is None:
            raise ImportFailure(option, None, f'unknown section "{name}"',
                                did_you_mean(name, names) or "sections in newsgen.yaml: " + ", ".join(names))
        return found.name

    mapping: dict[str, str] = {}
    for pair in section_map:
        category, eq, name = pair.partition("=")
        if not eq or not category.strip() or not name.strip():
            raise ImportFailure("--section-map", None, f'"{pair}" is not CATEGORY=Section',
                                "e.g. --section-map 'Tin tức=Politics'")
        mapping[category.strip().casefold()] = section("--section-map", name.strip())
    default = section("--default-section", default_section) if default_section else None
    pages = section("--pages-section", pages_section) if pages_section else None
    return Options(site=site, config=config, section_map=mapping, default_section=default,
                   pages_section=pages, **rest)  # type: ignore[arg-type]


class Importer:
    """Writes a source's entries: slugs made unique per section first (a later item with a slug already
    used gets a suffix), links between the imported items pointed at their new addresses, then each
    entry written or reported."""

    def __init__(self, options: Options, report: Report, base_url: str = "") -> None:
        self.options, self.report, self.base_url = options, report, base_url
        self.taken: set[str] = set()
        self.links: dict[str, str] = {}  # an old path (an alias) -> the new URL path

    def run(self, entries: Iterable[Entry]) -> None:
        todo = list(entries)
        for entry in todo:
            if self._key(entry) in self.taken:
                entry.slug = self._free_slug(entry)
                self.report.warn(entry.label, f"its slug is another item's: slug {entry.slug}")
            self.taken.add(self._key(entry))
            own = self.options.config.base_path + self._key(entry) + "/"
            entry.aliases = [a for a in dict.fromkeys(entry.aliases) if a != own and self._alias_ok(entry, a)]
            self.links.update((alias, own) for alias in entry.aliases)
        for entry in todo:
            self.one(entry)

    def link(self, href: str, base: str = "") -> str:
        """A link to an imported item's old address, as its new one; any other link as it was, but one
        relative to the item's page (`base`: `budget.pdf`, `../other/`), which would lead nowhere on the
        new site: the old site's full address."""
        base = base or self.base_url
        try:
            parts = urlsplit(urljoin(base, href) if base else href)
            urlsplit(self.base_url)
        except ValueError:  # (an address urllib refuses, http://[x/: kept as it was)
            return href
        if parts.scheme not in ("http", "https", "") or (
                parts.hostname and parts.hostname != urlsplit(self.base_url).hostname):
            return href
        new = self.links.get(old_path(parts.path, parts.query))
        if new:
            return new + (f"#{parts.fragment}" if parts.fragment else "")
        relative = base and not urlsplit(href).scheme and not href.startswith(("/", "#", "?"))
        return urljoin(base, href) if relative else href

    def one(self, entry: Entry) -> None:
        options, tz = self.options, self.options.config.tz
        rel = target(entry, tz)
        here = existing(options.site, rel)
        if here is not None and not options.overwrite:
            self.report.skip(entry.label, f"{here} exists (--overwrite replaces it)")
            return
        if not 1900 <= entry.date.year <= 9000:
            self.report.skip(entry.label, f"its date {entry.date:%Y-%m-%d} is not between the years 1900 and 9000")
            return
        bundle = Bundle(options, self.report, entry.label, entry.base or self.base_url)
        image = bundle.image(entry.image) if entry.image else ""
        for name in unknown_shortcodes(entry.body_html) if entry.wordpress else []:
            self.report.warn(entry.label, f"shortcode [{name}] kept as text (a plugin's: edit it by hand)")
        for url in media_links(entry.body_html):
            self.report.warn(entry.label, f"video or sound kept as a link: {url}")
        try:
            body = to_markdown(entry.body_html, bundle.image, entry.gallery, wordpress=entry.wordpress,
                               link=functools.partial(self.link, base=entry.base))
        except RecursionError:
            self.report.skip(entry.label, "its HTML is nested too deeply to convert")
            return
        body = self._no_controls(entry, body)
        problem = body_problem(body)  # the build's own limits (size, nesting, links): it would refuse this body
        if problem is not None:
            self.report.skip(entry.label, f"newsgen build would refuse it: {problem[0]} ({problem[1]})")
            return
        text = front_matter(entry, tz, image, body)
        halves = len(_SURROGATE.findall(text))  # a JSON "\\ud800": half of a character, which no file can hold
        if halves:
            text = _SURROGATE.sub("\ufffd", text)
            self.report.warn(entry.label, f"{halves} invalid character{'s' if halves > 1 else ''} (a lone UTF-16 "
                                          "surrogate, such as \\ud800) replaced with U+FFFD")
        if not options.dry_run:
            try:
                write_bundle(options.site, rel, text, bundle.files)
            except OSError as exc:
                raise ImportFailure(rel, None, f"cannot write: {exc.strerror or exc}",
                                    "check the folder's permissions and free space") from exc
        self.report.wrote(rel)

    def _no_controls(self, entry: Entry, body: str) -> str:
        """The body without its control characters (invisible, and they make feeds invalid XML: the
        build refuses a body that holds one), with a warning."""
        found = BODY_CONTROL.findall(body)
        if found:
            codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in found))
            self.report.warn(entry.label, f"{len(found)} control character{'s' if len(found) > 1 else ''} "
                                          f"({codes}) removed from its body")
        return BODY_CONTROL.sub("", body) if found else body

    def _alias_ok(self, entry: Entry, alias: str) -> bool:
        """Whether the build takes `alias` as an old address of this site (`frontmatter.aliases`): one it
        would refuse is left out with a warning, so that what the import writes always builds."""
        from ..content.frontmatter import FieldError, aliases

        try:
            aliases([alias])
        except FieldError as exc:
            self.report.warn(entry.label, f"old address {alias[:80]} not kept as an alias: {exc.message}")
            return False
        return True

    @staticmethod
    def _key(entry: Entry) -> str:
        return f"{entry.section.slug}/{entry.slug}"  # the article's URL

    def _free_slug(self, entry: Entry) -> str:
        base, n = entry.slug, 2
        while f"{entry.section.slug}/{base}-{n}" in self.taken:
            n += 1
        return f"{base}-{n}"

