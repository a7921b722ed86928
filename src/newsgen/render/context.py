"""What each page's template receives: plain data picked from the site model for one PageSpec.
No file is read here: article bodies come through `RenderInputs.bodies`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from .. import urls
from ..config import SiteConfig
from ..model import Alternate, Article, Site
from ..pages import PageSpec, alias_pairs, query_redirects
from .helpers import Helpers
from .inputs import RenderInputs


def context(spec: PageSpec, inputs: RenderInputs, helpers: Helpers) -> dict[str, Any]:
    config, site = inputs.config, inputs.site
    arts = site.articles
    p = config.prefix  # the edition's URL folder: "" or "vi/"
    alternates = inputs.alternates.get(spec.url, ()) if inputs.alternates else ()
    ctx: dict[str, Any] = {
        "site": config,
        "sections": config.sections,
        "page": spec,
        "h": helpers,
        "now": inputs.now,
        "preview": inputs.preview,
        "latest": [arts[i] for i in site.latest],
        "comments_html": Markup(config.comments_html),  # noqa: S704 - the site's own setting
        "feed_url": f"{p}feed.xml",
        "section": None,
        "alternates": alternates,  # the page's versions in every edition (hreflang), itself included
        "switcher": switcher(config, alternates),
    }
    if spec.kind == "article":
        (i,) = spec.ref
        a = arts[i]
        older, newer = site.prev_next[i]
        ctx.update(
            article=a,
            body=inputs.bodies.html(a),
            section=helpers.section(a),
            related=[arts[j] for j in site.related[i]],
            older=arts[older] if older is not None else None,
            newer=arts[newer] if newer is not None else None,
            feed_url=f"{p}{a.section}/feed.xml",
        )
    elif spec.kind == "listing":
        li, pi = spec.ref
        listing = site.listings[li]
        pager = listing.pages[pi]
        ctx.update(listing=listing, pager=pager, articles=[arts[j] for j in pager.items])
        if listing.kind == "section":
            ctx.update(section=helpers.section_of(listing.key), feed_url=f"{listing.url}feed.xml")
    elif spec.kind == "home":
        ctx.update(home_sections=[(s, [arts[j] for j in site.by_section[s.slug][: config.home_per_section]])
                                  for s in config.sections],
                   query_redirects=_query_redirects(inputs))
    elif spec.kind in ("feed", "jsonfeed"):
        if spec.ref:
            s = config.sections[spec.ref[0]]
            ids = site.by_section[s.slug][: config.feed_items]
            ctx.update(section=s, feed_url=f"{s.url}feed.xml")
        else:
            ids = tuple(range(min(config.feed_items, len(arts))))
        items = [arts[j] for j in ids]
        # the feed's last change: its items' latest (not the clock: the same files, the same feed)
        ctx.update(items=items, bodies=_bodies(inputs, items, helpers),
                   updated=max([a.modified for a in items]) if items else None)
    elif spec.kind == "sitemap":
        ctx.update(entries=sitemap_entries(site, config, inputs.alternates, spec.ref[0] if spec.ref else None))
    elif spec.kind == "sitemap_index":
        ctx.update(parts=[f"{p}sitemap-{k}.xml" for k in range(1, spec.ref[0] + 1)],
                   lastmod=arts[0].modified if arts else None)
    elif spec.kind == "redirect":
        i, _ = spec.ref
        ctx.update(article=arts[i], target=arts[i].url)
    elif spec.kind == "news_sitemap":
        cutoff = inputs.now - dt.timedelta(days=2)  # the Google News rule: the last two days
        ctx.update(articles=[a for a in arts[:1000] if a.date >= cutoff])
    return ctx


def _bodies(inputs: RenderInputs, items: list[Article], helpers: Helpers) -> dict[str, Markup]:
    if not inputs.config.feed_full_content:
        return {}
    return {a.source: helpers.feed_body(a) for a in items}


def _query_redirects(inputs: RenderInputs) -> dict[str, str]:
    """The home page's script's {query: link} (WordPress's /?p=12): on a site in several languages, every
    edition's on the root home page (only it is asked for `/?p=12`: `pages.root_redirects`) and none on
    the other editions' homes."""
    config = inputs.config
    pairs = inputs.redirects if config.languages else alias_pairs(inputs.site)
    return {q: urls.href(config, u) for q, u in query_redirects(pairs).items()}


Entry = tuple[str, str, tuple[tuple[str, str], ...]]


def sitemap_entries(site: Site, config: SiteConfig, alternates: Mapping[str, tuple[Alternate, ...]] | None = None,
                    part: int | None = None, articles: bool = True) -> list[Entry]:
    """Every public page of the edition as (absolute URL, last change as ISO 8601 or "", its versions in
    every edition as (hreflang, absolute URL): xhtml:link): home, listing pages, articles; or only those
    of sitemap file `part` (1, 2...: SITEMAP_LIMIT each, in that order). Formatted here, not in the
    template: a big site's sitemap has tens of thousands, and each part formats only its own.
    `articles=False`: the part's entries before its first article's (`render.sitemap`)."""
    arts = site.articles
    base = config.base_url
    alternates = alternates or {}

    def versions(url: str) -> tuple[tuple[str, str], ...]:
        return tuple((alt.lang, base + alt.url) for alt in alternates.get(url, ()))

    pages: list[tuple[str, str]] = [(config.prefix, lastmod(arts[0].modified if arts else None))]
    for listing in site.listings:
        for i, p in enumerate(listing.pages):
            pages.append((p.url, lastmod(arts[p.items[0]].modified if p.items and i == 0 else None)))
    before, stories = sitemap_part(site, part)
    pages = pages[before]
    if articles:
        pages.extend([(a.url, a.modified_iso or lastmod(a.modified)) for a in arts[stories]])
    if not alternates:
        return [(base + url, mod, ()) for url, mod in pages]
    return [(base + url, mod, versions(url)) for url, mod in pages]


def sitemap_part(site: Site, part: int | None) -> tuple[slice, slice]:
    """Which of the entries before the articles' (home, listing pages) and which articles sitemap file
    `part` lists (None: the one file of a site of at most SITEMAP_LIMIT pages)."""
    from ..pages import SITEMAP_LIMIT

    n = len(site.articles)
    pages = 1 + sum(len(listing.pages) for listing in site.listings)
    start, stop = ((part - 1) * SITEMAP_LIMIT, part * SITEMAP_LIMIT) if part else (0, None)
    first = max(start - pages, 0)
    last = n if stop is None else max(min(stop - pages, n), first)
    return slice(start, stop), slice(first, last)


def lastmod(value: dt.datetime | None) -> str:
    """A sitemap's `<lastmod>`: ISO 8601 to the second, "" for none (without timespec when it changes
    nothing: ~25 % faster)."""
    if value is None:
        return ""
    return value.isoformat() if not value.microsecond else value.isoformat(timespec="seconds")


def switcher(config: SiteConfig, alternates: tuple[Alternate, ...]) -> list[Alternate]:
    """The language switcher: every edition, each linking to this page's version in it, or to its home
    page when the page has none. The current edition's entry is the page itself."""
    if not config.languages:
        return []
    versions = {alt.lang: alt for alt in alternates}
    return [versions.get(lang.code) or Alternate(lang.code, lang.name, lang.prefix, lang.locale)
            for lang in config.languages]
