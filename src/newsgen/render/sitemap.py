"""The built-in theme's sitemap file (`theme/templates/sitemap.xml`) written without Jinja.

A sitemap lists every page of the site, so every new story renders it again: at 10,000 articles Jinja's
loop over its 12,600 entries took ~9 ms of a new story's ~0.45 s build, and the entries' tuples (made
for the template) ~20 ms; here each entry is formatted straight into its line, with the date the
parser wrote as text (`Article.modified_iso`, kept in the build cache: ~12 ms for all, where each
date's `isoformat` took ~15 ms more).

Used only when the site's `templates/` has no `sitemap.xml` of its own (`stock`); the template stays the
reference: tests/unit/test_sitemap_fast.py renders sites both ways (one edition and several, parts of a
big site, dates with microseconds, a base URL that needs escaping) and compares the bytes.
`NEWSGEN_STOCK_SITEMAP=1` in the environment (read when newsgen is imported) renders the template.
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
    from .context import lastmod, sitemap_entries, sitemap_part

    if config.languages or alternates:  # (several editions: each entry lists its versions, as it comes)
        return _lines(sitemap_entries(site, config, alternates, part), bool(config.languages))
    stories = site.articles[sitemap_part(site, part)[1]]
    base = config.base_url
    listings = sitemap_entries(site, config, None, part, False)
    # each line formatted straight from its fields (an article's URL as Article.url makes it): when none of
    # them holds a character XML escapes (never a slug or section newsgen accepts, nor a usual base URL)
    fields = "".join([base, *{a.section for a in stories}, *{a.edition for a in stories}, *[a.slug for a in stories],
                      *[loc for loc, _, _ in listings]])
    if any(c in fields for c in _UNSAFE):
        return _lines(sitemap_entries(site, config, None, part), False)
    lines = [_HEAD, ">\n"]
    lines += [f"<url><loc>{loc}</loc><lastmod>{mod}</lastmod></url>\n" if mod else f"<url><loc>{loc}</loc></url>\n"
              for loc, mod, _ in listings]
    lines += [f"<url><loc>{base}{a.edition}{a.section}/{a.slug}/</loc><lastmod>"
              f"{a.modified_iso or lastmod(a.modified)}</lastmod></url>\n" for a in stories]
    lines.append("</urlset>\n")
    return "".join(lines)


def _lines(entries: list[tuple[str, str, tuple[tuple[str, str], ...]]], languages: bool) -> str:
    return "".join([_HEAD, _XHTML if languages else "", ">\n", *[_line(*e) for e in entries], "</urlset>\n"])


def _line(loc: str, lastmod: str, versions: tuple[tuple[str, str], ...]) -> str:
    mod = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    links = "".join([f'<xhtml:link rel="alternate" hreflang="{escape(lang)}" href="{escape(href)}"/>'
                     for lang, href in versions])
    return f"<url><loc>{escape(loc)}</loc>{mod}{links}</url>\n"
