"""The built-in theme's sitemap file (`theme/templates/sitemap.xml`) written without Jinja.

A sitemap lists every page of the site, so every new story renders it again: at 10,000 articles Jinja's
loop over its 12,600 entries took ~9 ms of a new story's ~0.45 s build, and the entries' tuples (made
for the template) ~20 ms; here each entry is formatted straight into its line (~12 ms for all).

Used only when the site's `templates/` has no `sitemap.xml` of its own (`stock`); the template stays the
reference: tests/unit/test_sitemap_fast.py renders sites both ways (one edition and several, parts of a
big site, dates with microseconds, a base URL that needs escaping) and compares the bytes.
`NEWSGEN_STOCK_SITEMAP=1` in the environment renders the template every time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import jinja2
from markupsafe import escape

from ..config import SiteConfig
from ..model import Alternate, Site

ON = os.environ.get("NEWSGEN_STOCK_SITEMAP", "") in ("", "0")
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
_XHTML = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"'
_UNSAFE = ("&", "<", ">", '"', "'")


def stock(env: jinja2.Environment, theme_templates: Path) -> bool:
    """Whether `sitemap.xml` is the built-in theme's (no site template of that name overrides it)."""
    if not ON:
        return False
    try:
        _, filename, _ = env.loader.get_source(env, "sitemap.xml")  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return False
    return filename is not None and Path(filename) == theme_templates / "sitemap.xml"


def sitemap_xml(site: Site, config: SiteConfig, alternates: Mapping[str, tuple[Alternate, ...]] | None,
                part: int | None) -> str:
    """What the theme's sitemap.xml makes of `context.sitemap_entries(site, config, alternates, part)`."""
    from .context import sitemap_entries

    if config.languages or alternates:  # (several editions: each entry lists its versions, as it comes)
        return _lines(sitemap_entries(site, config, alternates, part), bool(config.languages))
    from ..pages import SITEMAP_LIMIT

    arts = site.articles
    base = config.base_url
    start, stop = ((part - 1) * SITEMAP_LIMIT, part * SITEMAP_LIMIT) if part else (0, None)
    head = sitemap_entries(site, config, None, part, articles=False)  # home and listing pages: a few
    first = max(start - _pages_before(site), 0)
    last = len(arts) if stop is None else max(min(stop - _pages_before(site), len(arts)), first)
    out = [_HEAD, ">\n"]
    out += [_line(loc, lastmod, ()) for loc, lastmod, _ in head]
    locs = [f"{a.edition}{a.section}/{a.slug}/" for a in arts[first:last]]
    joined = "".join(locs)
    if any(c in joined or c in base for c in _UNSAFE):  # (slugs and base URLs never need it: the rule kept)
        return _lines(sitemap_entries(site, config, None, part), False)
    for a, loc in zip(arts[first:last], locs, strict=True):
        m = a.modified
        iso = m.isoformat() if not m.microsecond else m.isoformat(timespec="seconds")
        out.append(f"<url><loc>{base}{loc}</loc><lastmod>{iso}</lastmod></url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def _pages_before(site: Site) -> int:
    """The home page and every listing page: the entries before the first article's."""
    return 1 + sum(len(listing.pages) for listing in site.listings)


def _lines(entries: list[tuple[str, str, tuple[tuple[str, str], ...]]], languages: bool) -> str:
    return "".join([_HEAD, _XHTML if languages else "", ">\n", *[_line(*e) for e in entries], "</urlset>\n"])


def _line(loc: str, lastmod: str, versions: tuple[tuple[str, str], ...]) -> str:
    mod = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    links = "".join([f'<xhtml:link rel="alternate" hreflang="{escape(lang)}" href="{escape(href)}"/>'
                     for lang, href in versions])
    return f"<url><loc>{escape(loc)}</loc>{mod}{links}</url>\n"
