"""The built-in theme's most rendered templates written as Python: article pages, listing pages (section,
tag, author), cards and pictures. At 10,000 articles these are ~12,600 pages and ~20,000 cards, and
Jinja's machinery (contexts, blocks, macros, generators, attribute look-ups) was about half of their
time; what is left here is the page's own work: the same escapes, links, helpers and words.

Used only where the output is the theme's to the byte:
- for a page or fragment whose every template (what it extends, includes and imports) is the built-in
  one: a site with its own `templates/base.html` (or `article.html`, `_macros.html`...) renders
  those pages with Jinja, as before;
- while the theme's files are the ones this module was written for (THEME: their digests); a theme
  edited without this module renders with Jinja (slower, never different), and
  tests/e2e/test_direct_theme.py fails until both agree again;
- with Jinja's hooks on (`NEWSGEN_STOCK_JINJA=1` renders everything with stock Jinja) and unless
  `NEWSGEN_STOCK_TEMPLATES=1`.
tests/e2e/test_direct_theme.py builds sites of every kind (editions, right-to-left, previews with badges,
corrections, comments, no images...) both ways and compares every byte. A page that fails here is
rendered again by Jinja, which reports the error with its template line."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import jinja2
from markupsafe import Markup

from ..config import SiteConfig
from ..fileio import digest
from ..pages import PageSpec
from .environment import iso, theme_dir
from .hooks import enabled as hooks_enabled
from .hooks import output_escape as E  # noqa: N812 - Jinja's {{ }} escape: str in, str out; Markup kept

# the theme's files this module writes, by their digest (fileio.digest: BLAKE2b-96 of their bytes)
THEME = {
    "base.html": "a6d7e39fdb6f8fc8cd99af3a",
    "article.html": "eb106d32050e7e5534d9a2ac",
    "_article_meta.html": "bdb52e78e6c8ad1e2da6fd32",
    "_macros.html": "41c88f2b784141a4426f3888",
    "listing.html": "418b0db197169943724b81a4",
    "section.html": "534354574e51457f73c6304b",
    "tag.html": "aa0c8253e9a116446d52b085",
    "author.html": "a0d9fe22c979aa2e7e24665c",
    "_card.html": "60a95a2313ea76dd29b16d00",
    "_picture.html": "8f419fa4355ab66171b7507d",
}
ARTICLE = ("base.html", "article.html", "_article_meta.html", "_macros.html")
LISTING = ("base.html", "listing.html", "_macros.html")  # and the page's own: section, tag or author.html


def for_site(config: SiteConfig, env: jinja2.Environment) -> Direct | None:
    """What this site's renderers write without Jinja (None: nothing)."""
    stock = usable(config, str(theme_dir() / "templates"))
    return Direct(config, env.globals, env.filters, stock) if stock else None


def usable(config: SiteConfig, theme: str) -> frozenset[str]:
    """The templates of THEME this site renders as the theme's: not overridden by a file of its own
    `templates/`, and unchanged since this module was written."""
    if not hooks_enabled() or os.environ.get("NEWSGEN_STOCK_TEMPLATES", "") not in ("", "0"):
        return frozenset()
    own = config.templates_dir
    return frozenset(name for name, known in THEME.items()
                     if not (own / name).exists() and digest(theme, name) == known)


class Direct:
    """One per renderer (per process). `page` gives a page's HTML, or None for Jinja to render it."""

    def __init__(self, config: SiteConfig, globals_: dict[str, Any], filters: dict[str, Any],
                 stock: frozenset[str]) -> None:
        self.config = config
        self.gettext: Callable[..., Markup] = globals_["_"]
        self.url: Callable[[str], str] = globals_["url"]
        self.abs_url: Callable[[str], str] = globals_["abs_url"]
        self.typo: Callable[[object], Markup] = filters["typo"]
        self.datetime: Callable[[object], str] = filters["datetime"]
        self.article = all(n in stock for n in ARTICLE)
        self.listings = {n for n in ("section.html", "tag.html", "author.html")
                         if n in stock and all(m in stock for m in LISTING)}
        self.card = "_card.html" in stock
        self.picture = "_picture.html" in stock
        self._section_links: dict[str, str] = {}
        self._words: dict[str, str] = {}
        self._head, self._masthead_end = self._constants()
        site, url = config, self.url  # base.html's text around the page's own values, made once
        rtl = ' dir="rtl"' if site.text_direction == "rtl" else ""
        self._base_parts = (
            f'<!DOCTYPE html>\n<html lang="{E(site.language)}"{rtl}>'
            '\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">'
            "\n<title>",
            f'<link rel="icon" href="{E(url("theme/favicon.svg"))}" type="image/svg+xml">\n<link rel="stylesheet" '
            f'href="{E(url("theme/newsgen.css"))}">\n<meta property="og:site_name" content="{E(site.title)}">\n'
            '<meta property="og:url" content="',
            f'">\n<meta property="og:locale" content="{E(site.og_locale)}">\n')
        self._article_parts = (  # article.html's Latest News and scripts, and the title's end
            '</article>\n<aside class="latest" aria-labelledby="latest_title" data-latest="'
            f'{E(url(site.prefix + "latest-news.json"))}">\n  <h2 id="latest_title">{self.word("Latest News")}'
            "</h2>\n  ",
            f'<script src="{E(url("theme/latest.js"))}" defer></script>' if site.shared_latest_news else "",
            E(site.title))

    def word(self, message: str) -> str:
        """`{{ _(message) }}`: the site's word for it, escaped; looked up once per process."""
        known = self._words.get(message)
        if known is None:
            known = self._words[message] = E(self.gettext(message))
        return known

    def _constants(self) -> tuple[str, str]:
        site, url, _ = self.config, self.url, self.gettext
        title, p = E(site.title), site.prefix
        head = (f'<link rel="alternate" type="application/rss+xml" title="{title}" href="{E(url(p + "feed.xml"))}">\n'
                f'<link rel="alternate" type="application/atom+xml" title="{title} (Atom)" '
                f'href="{E(url(p + "atom.xml"))}">\n'
                f'<link rel="alternate" type="application/feed+json" title="{title} (JSON Feed)" '
                f'href="{E(url(p + "feed.json"))}">\n')
        masthead = (f'<a class="skip-link" href="#main_content">{self.word("Skip to content")}</a>\n'
                    f'<header class="masthead">\n  <div class="wrap masthead-inner">\n'
                    f'    <p class="site-title"><a href="{E(url(p))}">{title}</a></p>\n')
        if site.description:
            masthead += f'<p class="tagline">{E(site.description)}</p>'
        return head, masthead

    def _section_feeds(self, name: str, feed_url: str) -> str:
        known = self._section_links.get(feed_url)
        if known is None:
            url, title, n = self.url, E(self.config.title), E(name)
            known = self._section_links[feed_url] = (
                f'<link rel="alternate" type="application/rss+xml" title="{title}: {n}" href="{E(url(feed_url))}">\n'
                f'<link rel="alternate" type="application/atom+xml" title="{title}: {n} (Atom)" '
                f'href="{E(url(feed_url[:-8] + "atom.xml"))}">\n'
                f'<link rel="alternate" type="application/feed+json" title="{title}: {n} (JSON Feed)" '
                f'href="{E(url(feed_url[:-8] + "feed.json"))}">\n')
        return known

    def fragment(self, template: str, h: Any, v: dict[str, Any]) -> Markup | None:
        """A card or picture (Helpers._fragment's), or None for Jinja to render it (also when writing it
        here fails: Jinja then reports any error with its template line)."""
        try:
            if template == "_card.html" and self.card:
                return Markup(self._card(h, **v))  # noqa: S704 - escaped as Jinja's autoescape does
            if template == "_picture.html" and self.picture:
                return Markup(self._picture(h, **v))  # noqa: S704 - as above
        except Exception:  # noqa: BLE001 - rendered again by Jinja
            return None
        return None

    def renders(self, spec: PageSpec) -> bool:
        """Whether `page` writes this page (else Jinja renders it)."""
        return (spec.kind == "article" and self.article) or (spec.kind == "listing" and spec.template in self.listings)

    def fragments(self) -> frozenset[str]:
        """The fragment templates `fragment` writes."""
        return frozenset(n for n, ok in (("_card.html", self.card), ("_picture.html", self.picture)) if ok)

    def page(self, spec: PageSpec, c: dict[str, Any]) -> str | None:
        """The page's HTML, or None for Jinja to render it (as `fragment`, also when writing it fails)."""
        if not self.renders(spec):
            return None
        try:
            return self._article(c) if spec.kind == "article" else self._listing(spec.template, c)
        except Exception:  # noqa: BLE001 - rendered again by Jinja
            return None

    # base.html, around a page's blocks
    def _base(self, c: dict[str, Any], title: str, description: str, meta: str, content: str, scripts: str) -> str:
        site, page, section, h = self.config, c["page"], c["section"], c["h"]
        url, abs_url, _ = self.url, self.abs_url, self.gettext
        alternates, switcher, feed_url = c["alternates"], c["switcher"], c["feed_url"]
        canonical = E(abs_url(page.url))
        top, icons, locale = self._base_parts
        o = [top, title, '</title>\n<meta name="description" content="', description,
             '">\n<link rel="canonical" href="', canonical, '">\n']
        for alt in alternates:
            o.append(f'<link rel="alternate" hreflang="{E(alt.lang)}" href="{E(abs_url(alt.url))}">\n')
        o.append(self._head)
        if section and feed_url != site.prefix + "feed.xml":
            o.append(self._section_feeds(section.name, feed_url))
        o += [icons, canonical, locale]
        for alt in alternates:
            if alt.lang != site.language and alt.lang != "x-default":
                o.append(f'<meta property="og:locale:alternate" content="{E(alt.locale)}">\n')
        o += [meta, '</head>\n<body class="page-', E(page.kind), '">\n', self._masthead_end]
        if switcher:
            o += ['<nav class="languages" aria-label="', self.word("Languages"), '"><ul>']
            for alt in switcher:
                if alt.lang == site.language:
                    o.append(f'<li><span aria-current="true">{E(alt.name)}</span></li>')
                else:
                    lang = E(alt.lang)
                    o.append(f'<li><a href="{E(url(alt.url))}" hreflang="{lang}" lang="{lang}">{E(alt.name)}</a></li>')
            o.append("</ul></nav>")
        current = ("home" if page.kind == "home" else
                   (section.slug + ("" if page.url == section.url else "/") if section else ""))
        o += ["  </div>\n  ", E(h.nav(current)), '\n</header>\n<main id="main_content" class="wrap">\n', content,
              "</main>\n", E(h.footer()), "\n", scripts, "</body>\n</html>\n"]
        return "".join(o)

    def _article(self, c: dict[str, Any]) -> str:
        h, a, section = c["h"], c["article"], c["section"]
        url, abs_url, _, typo, when = self.url, self.abs_url, self.gettext, self.typo, self.datetime
        people, tags, im = h.authors(a), h.tags(a), a.image
        title, summary = E(a.title), E(a.summary)
        # _article_meta.html
        m = ['<meta property="og:type" content="article">\n<meta property="og:title" content="', title,
             '">\n<meta property="og:description" content="', summary,
             '">\n<meta property="article:published_time" content="', E(iso(a.date)),
             '">\n<meta property="article:modified_time" content="', E(iso(a.modified)),
             '">\n<meta property="article:section" content="', E(section.name), '">\n']
        m += [f'<meta property="article:tag" content="{E(t.name)}">\n' for t in tags]
        m += [f'<meta property="article:author" content="{E(abs_url(p.url))}">\n' for p in people]
        if im:
            image = E(abs_url(im.url))
            m += ['<meta property="og:image" content="', image, '">\n']
            if im.width:
                m += ['<meta property="og:image:width" content="', E(im.width),
                      '">\n<meta property="og:image:height" content="', E(im.height), '">']
            m += ['<meta property="og:image:alt" content="', E(im.alt), '">\n<meta name="twitter:card" '
                  'content="summary_large_image">\n<meta name="twitter:image" content="', image, '">\n']
        else:
            m.append(self._default_image())
        ld, crumbs = h.ld_json(a)
        m += ['<meta name="twitter:title" content="', title, '">\n<meta name="twitter:description" content="',
              summary, '">\n<script type="application/ld+json">', ld,
              '</script>\n<script type="application/ld+json">', crumbs, "</script>\n"]
        # article.html's content block, with _macros.html's status_badge and byline
        o = ['<div class="story-layout">\n<article class="story" data-pagefind-body>\n  <header class="story-head">\n'
             '    <p class="kicker"><a href="', E(url(section.url)), '">', E(section.name), "</a> "]
        status = h.status(a)
        if status:
            o.append(f'<span class="badge badge-{E(status)}">'
                     f'{self.word("Draft" if status == "draft" else "Scheduled")}</span>')
        o += ['</p>\n    <h1 class="headline">', E(typo(a.title)), '</h1>\n<p class="byline">\n']
        if people:
            o += ['<span class="authors">', self.word("By"), " "]
            last = len(people) - 1
            for k, p in enumerate(people):
                o.append(f'<a href="{E(url(p.url))}" rel="author">{E(p.name)}</a>')
                if k != last:
                    o.append(self.word(" and " if last - k == 1 else ", "))
            o.append("</span>")
        o += [' <time datetime="', E(iso(a.date)), '">', E(when(a.date)), "</time>\n"]
        if a.updated:
            o.append(f'<span class="updated">{self.word("Updated")} <time datetime="{E(iso(a.updated))}">'
                     f"{E(when(a.updated))}</time></span>")
        o.append("</p>")
        if a.summary_given:
            o += ['<p class="standfirst">', E(typo(a.summary)), "</p>"]
        o.append("  </header>\n")
        if im:
            o += ['  <figure class="lead-figure">\n    ',
                  E(h.picture(im, sizes="(min-width: 64rem) 44rem, 100vw", eager=True, alt=im.alt)), "\n"]
            if im.caption or im.credit:
                o += ["    <figcaption>", E(typo(im.caption))]
                if im.credit:
                    o += [' <span class="credit">', E(_("Photo: %(credit)s", credit=im.credit)), "</span>"]
                o.append("</figcaption>\n")
            o.append("  </figure>\n")
        o += ['  <div class="story-body">\n', E(c["body"]), "\n  </div>\n"]
        if a.corrections:
            o += ['  <section class="corrections" aria-labelledby="corrections_title">\n'
                  '    <h2 id="corrections_title">', self.word("Corrections"), "</h2>\n    <ul>\n"]
            o += [f'      <li><time datetime="{E(iso(x.date))}">{E(when(x.date))}</time>: {E(x.text)}</li>\n'
                  for x in a.corrections]
            o.append("    </ul>\n  </section>\n")
        o.append('  <footer class="story-foot">\n')
        if people:
            o += ['<p class="signoff">', ", ".join([f'<a href="{E(url(p.url))}">{E(p.name)}</a>' for p in people]),
                  "</p>"]
        if tags:
            o += ['    <ul class="tag-list" aria-label="', self.word("Tags"), '">\n',
                  *[f'<li><a href="{E(url(t.url))}" rel="tag">{E(t.name)}</a></li>' for t in tags], "    </ul>\n"]
        o.append("  </footer>\n")
        if c["comments_html"]:
            o += ['  <section class="comments" id="comments_slot" aria-label="', self.word("Comments"), '">\n',
                  E(c["comments_html"]), "\n  </section>\n"]
        older, newer = c["older"], c["newer"]
        if older or newer:
            o += ['  <nav class="story-nav" data-pagefind-ignore aria-label="',
                  E(_("More in %(section)s", section=section.name)), '">\n']
            if older:
                o.append(f'<a href="{E(url(older.url))}" rel="prev"><span>{self.word("Previous")}</span> '
                         f"{E(typo(older.title))}</a>")
            if newer:
                o.append(f'<a href="{E(url(newer.url))}" rel="next"><span>{self.word("Next")}</span> '
                         f"{E(typo(newer.title))}</a>")
            o.append("  </nav>\n")
        if c["related"]:
            o += ['  <section class="related" data-pagefind-ignore aria-labelledby="related_title">\n'
                  '    <h2 id="related_title">', self.word("Related"), '</h2>\n    <div class="card-grid">\n',
                  *[E(h.card(r, level=3, summary=False)) for r in c["related"]], "    </div>\n  </section>\n"]
        aside, scripts, site_title = self._article_parts
        o += [aside, E(h.latest_list()), "\n</aside>\n</div>\n"]
        return self._base(c, f"{title} | {site_title}", E(a.summary or a.title), "".join(m), "".join(o), scripts)

    def _default_image(self) -> str:
        """The share tags of a page without its own image (base.html's and _article_meta.html's)."""
        site = self.config
        if not site.default_image:
            return '<meta name="twitter:card" content="summary">\n'
        image = E(self.abs_url(site.default_image))
        return (f'<meta property="og:image" content="{image}">\n<meta property="og:image:alt" '
                f'content="{E(site.title)}">\n<meta name="twitter:card" '
                f'content="{"summary_large_image" if site.share_image else "summary"}">\n'
                f'<meta name="twitter:image" content="{image}">\n')

    def _listing(self, template: str, c: dict[str, Any]) -> str:
        site, h, listing, pager = self.config, c["h"], c["listing"], c["pager"]
        url, _ = self.url, self.gettext
        name = E(listing.title)
        title = f"{name}{f' ({E(pager.label)})' if pager.number != 1 else ''} | {E(site.title)}"
        heading = name if template == "section.html" else (
            f'<span class="listing-kind">{self.word("Topic" if template == "tag.html" else "Author")}</span> {name}')
        o = ['<header class="listing-head">\n  <h1>', heading, "</h1>\n"]
        if listing.description:
            o.append(f'<p class="listing-description">{E(listing.description)}</p>')
        if pager.number != 1 and pager.label:
            o.append(f'<p class="listing-range">{E(_("Articles from %(range)s", range=pager.label))}</p>')
        o.append("</header>\n")
        if c["articles"]:
            o += ['<div class="card-list">\n', *[E(h.card(a, level=2)) for a in c["articles"]], "</div>\n"]
        else:
            o.append(f'<p class="empty">{self.word("No articles yet.")}</p>\n')
        if pager.newer_url or pager.older_url:
            o += ['<nav class="pager" aria-label="', E(_("%(name)s pages", name=listing.title)), '">\n']
            if pager.newer_url:
                o.append(f'<a href="{E(url(pager.newer_url))}" rel="prev">{self.word("← Newer")}</a>')
            if pager.label:
                o.append(f'<span class="pager-label">{E(pager.label)}</span>')
            if pager.older_url:
                o.append(f'<a href="{E(url(pager.older_url))}" rel="next">{self.word("Older →")}</a>')
            o.append("</nav>\n")
        o.append("\n")
        meta = f'<meta property="og:type" content="website">\n<meta property="og:title" content="{title}">\n'
        description = E(listing.description or f"{listing.title} | {site.title}")
        return self._base(c, title, description, meta + self._default_image(), "".join(o), "")

    def _card(self, h: Any, article: Any, level: int, image: bool, summary: bool, eager: bool) -> str:
        _, typo, url = self.gettext, self.typo, self.url
        section, status, shown = h.section(article), h.status(article), image and article.image
        o = ['<article class="card has-image">\n  ' if shown else '<article class="card">\n']
        if shown:
            o += [E(h.picture(article.image, sizes="(min-width: 56rem) 44rem, 100vw" if eager else
                              "(min-width: 40rem) 15rem, 100vw", eager=eager, class_="card-image")), "\n"]
        o += ['  <div class="card-text">\n    <p class="kicker"><a href="', E(url(section.url)), '">',
              E(section.name), "</a>"]
        if status:
            o.append(f' <span class="badge badge-{E(status)}">'
                     f'{self.word("Draft" if status == "draft" else "Scheduled")}</span>')
        n = E(level)
        o += ["</p>\n    <h", n, ' class="card-title"><a href="', E(url(article.url)), '">', E(typo(article.title)),
              "</a></h", n, ">\n"]
        if summary and article.summary:
            o += ['<p class="card-summary">', E(typo(article.summary)), "</p>"]
        o += ['    <p class="card-meta"><time datetime="', E(iso(article.date)), '">', E(self.datetime(article.date)),
              "</time></p>\n  </div>\n</article>\n"]
        return "".join(o)

    def _picture(self, h: Any, image: Any, sizes: str, eager: bool, alt: str, class_: str) -> str:
        ss = h.srcset(image)
        o = []
        if ss:
            o.append("<picture>\n")
            if ss.webp:
                o.append(f'<source type="image/webp" srcset="{E(ss.webp)}" sizes="{E(sizes)}">\n')
        o += ['<img src="', E(self.url(image.url)), '"']
        if ss:
            o.append(f' srcset="{E(ss.original)}" sizes="{E(sizes)}"')
        o += [' alt="', E(alt), '"']
        if image.width:
            o.append(f' width="{E(image.width)}" height="{E(image.height)}"')
        o.append(' fetchpriority="high"' if eager else ' loading="lazy" decoding="async"')
        if class_:
            o.append(f' class="{E(class_)}"')
        o.append("></picture>" if ss else ">")
        return "".join(o)
