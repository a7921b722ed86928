"""What each page's template receives. Article HTML becomes Markup here, after the sanitizer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import inspect
import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from . import urls
from .config import SiteConfig
from .content.markdown import render_body
from .content.source import decode, split
from .errors import Diagnostic
from .fileio import CLOEXEC, read_bytes
from .images import Srcset, enhance_body, srcset
from .model import Article, Author, Image, Site, Tag
from .pages import PageSpec
from .render import CardVariant, iso

Spooled = tuple[str, int, int]  # a body rendered ahead (workers.BodyPrerender): spool file, offset, length


@dataclass(frozen=True)
class RenderInputs:
    """Everything a renderer needs, shared read-only by every worker."""

    config: SiteConfig
    site: Site
    now: dt.datetime
    preview: bool = False  # `newsgen serve`: drafts and scheduled articles carry a badge
    spool: Mapping[str, Spooled] = dataclasses.field(default_factory=dict)  # bodies rendered ahead, by source


def article_markdown(config: SiteConfig, article: Article) -> str:
    """The article's Markdown body, read again: bodies are never all held in memory."""
    raw = read_bytes(f"{config.root}/{article.source}")  # os-level: Path objects and open() cost per page
    if hashlib.blake2b(raw, digest_size=12).hexdigest() != article.digest:
        raise SourceChanged(Diagnostic(article.source, None, "the file changed while the site was being built",
                                       "build again"))
    return split(decode(raw, article.source), article.source).body


def article_body(config: SiteConfig, article: Article,
                 spool: Mapping[str, Spooled] | None = None) -> Markup:
    """The article's body as HTML: from the spool when it was rendered ahead (the same function
    made it, with the same inputs), else read again and rendered."""
    where = spool.get(article.source) if spool else None
    if where is not None:
        spooled = _read_spooled(*where)
        if spooled is not None:
            return Markup(spooled)  # noqa: S704 - made by this function, sanitized
    html = render_body(article_markdown(config, article), trust_html=config.unsafe_html,
                       embed_hosts=config.embed_hosts)
    local = {posixpath.basename(a.url): a.image for a in article.assets if a.image is not None}
    html = enhance_body(html, local, BODY_SIZES)
    if config.base_path != "/":  # base_url with a path: "/politics/x/" -> "/news/politics/x/"
        html = urls.rebase_html(html, functools.partial(urls.site_rooted, config))
    return Markup(html)  # noqa: S704 - sanitized by render_body (the one place); enhance_body escapes


BODY_SIZES = "(min-width: 48rem) 44rem, 100vw"


def _read_spooled(path: str, offset: int, length: int) -> str | None:
    try:
        fd = _spool_fds.get(path)
        if fd is None:  # a worker reads thousands of bodies from the same few files: opened once
            fd = _spool_fds[path] = os.open(path, os.O_RDONLY | CLOEXEC)
        data = os.pread(fd, length, offset)
        return data.decode("utf-8") if len(data) == length else None
    except (OSError, UnicodeDecodeError):
        return None  # rendered again instead


_spool_fds: dict[str, int] = {}


def close_spool() -> None:
    """Close this process's spool files (before they are deleted; workers' close when they exit)."""
    for fd in _spool_fds.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _spool_fds.clear()


class SourceChanged(Exception):
    """An article was saved between parsing and rendering: its page would mix two versions."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class Helpers:
    """What templates call: authors and tags of an article, its section, its status, and the
    fragments every page repeats (article cards, the navigation, the Latest News list), each
    rendered once per process from its own overridable template and reused."""

    def __init__(self, inputs: RenderInputs, env: jinja2.Environment | None = None) -> None:
        self._in = inputs
        self._env = env
        self._sections = {s.slug: s for s in inputs.config.sections}
        self._fragments: dict[tuple[object, ...], Markup] = {}
        self._srcsets: dict[tuple[object, ...], Srcset | None] = {}

    def _fragment(self, template: str, key: tuple[object, ...], keep: bool = True, **variables: Any) -> Markup:
        html = self._fragments.get((template, *key))
        if html is None:
            assert self._env is not None
            html = Markup(self._env.get_template(template).render(h=self, **variables))  # noqa: S704 - autoescaped
            if keep:
                self._fragments[(template, *key)] = html
        return html

    def seed(self, fragments: Mapping[tuple[object, ...], Markup]) -> None:
        """Fragments rendered elsewhere by the same templates and data (the cards a parallel build
        renders up front): used as if rendered here."""
        self._fragments.update(fragments)

    def render_cards(self, todo: Sequence[tuple[Article, CardVariant]]) -> list[tuple[tuple[object, ...], str]]:
        """Cards rendered (article, h.card's keyword arguments), as (fragment key, HTML) for seed().
        One that fails is left out: the page that shows it reports the error."""
        out = []
        params: dict[CardVariant, tuple[object, ...]] = {}
        for article, variant in todo:
            try:
                args = params.get(variant)
                if args is None:  # the variant's full arguments, card()'s defaults filled in
                    bound = inspect.signature(self.card).bind(article, **dict(variant))  # TypeError: not card()'s
                    bound.apply_defaults()
                    args = params[variant] = tuple(bound.arguments.values())[1:]
                html = self.card(article, *args)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001, S112 - reported where a page asks for the card
                continue
            out.append((("_card.html", article.source, *args), str(html)))
        return out

    def card(self, article: Article, level: int = 3, image: bool = True, summary: bool = True,
             eager: bool = False) -> Markup:
        # the key is the article and every argument, in order (render_cards builds it the same way)
        return self._fragment("_card.html", (article.source, level, image, summary, eager), article=article,
                              level=level, image=image, summary=summary, eager=eager)

    def picture(self, image: Image, sizes: str, eager: bool = False, alt: str = "", class_: str = "") -> Markup:
        """A responsive <picture> (_picture.html). A lazy one (a card's) is kept and reused: it is the
        same in every list that shows the card; an eager one is a page's own lead image, shown once."""
        return self._fragment("_picture.html", (image, sizes, eager, alt, class_), keep=not eager, image=image,
                              sizes=sizes, eager=eager, alt=alt, class_=class_)

    def nav(self, current: str) -> Markup:
        """The sections navigation, with `current` (a section slug, "home" or "") marked."""
        return self._fragment("_nav.html", (current,), sections=self._in.config.sections, site=self._in.config,
                              current=current)

    def footer(self) -> Markup:
        return self._fragment("_footer.html", (), sections=self._in.config.sections, site=self._in.config,
                              now=self._in.now)

    def news_article_ld(self, article: Article) -> dict[str, Any]:
        """schema.org NewsArticle data for the article's page (the `jsonld` filter writes it)."""
        config = self._in.config
        link = functools.partial(urls.absolute, config)
        ld: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "datePublished": iso(article.date),
            "dateModified": iso(article.modified),
            "articleSection": self.section(article).name,
            "keywords": list(article.tags),
            "mainEntityOfPage": {"@type": "WebPage", "@id": link(article.url)},
            "url": link(article.url),
            "inLanguage": config.language,
            "author": [{"@type": "Person", "name": a.name, "url": link(a.url)} for a in self.authors(article)],
            "publisher": {"@type": "Organization", "name": config.title, "url": link("")},
        }
        if config.logo:
            ld["publisher"]["logo"] = {"@type": "ImageObject", "url": link(config.logo)}
        if article.image:
            ld["image"] = [link(article.image.url)]
        if article.corrections:
            ld["correction"] = [{"@type": "CorrectionComment", "text": c.text, "datePublished": iso(c.date)}
                                for c in article.corrections]
        return ld

    def breadcrumbs_ld(self, article: Article) -> dict[str, Any]:
        """schema.org BreadcrumbList: site, section, article."""
        config = self._in.config
        link = functools.partial(urls.absolute, config)
        section = self.section(article)
        crumbs = [(config.title, ""), (section.name, f"{section.slug}/"), (article.title, article.url)]
        return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": link(url)}
            for n, (name, url) in enumerate(crumbs, 1)]}

    def latest_list(self) -> Markup:
        return self._fragment("_latest.html", (), latest=[self._in.site.articles[i] for i in self._in.site.latest])

    def srcset(self, image: Image | None) -> Srcset | None:
        """The image's variants; `webp` and `original` are srcset values with the site's links
        (each image's once per process: cards and lead images repeat on many pages)."""
        if image is None:
            return None
        key = (image.url, image.source, image.width, image.height, image.mime)  # what the variants depend on
        if key not in self._srcsets:  # (not the caption: a file photo shown by many articles is one entry)
            ss = srcset(image)
            if ss is not None:
                link = functools.partial(urls.href, self._in.config)
                ss = dataclasses.replace(ss, webp=", ".join(f"{link(u)} {w}w" for u, w in ss.webp_items),
                                         original=", ".join(f"{link(u)} {w}w" for u, w in ss.original_items))
            self._srcsets[key] = ss
        return self._srcsets[key]

    def authors(self, article: Article) -> list[Author]:
        return [self._in.site.authors[n] for n in article.authors]

    def tags(self, article: Article) -> list[Tag]:
        return [self._in.site.tags[t] for t in article.tags]

    def section(self, article: Article) -> Any:
        return self._sections[article.section]

    def word_count(self, article: Article) -> int:
        """Words in the article's body (whitespace-separated, Markdown as written), for a "4 min read"
        line: counted when a template asks (the body is read again), not for every article at parse
        time: ~60 us an article that no page of the default theme needs."""
        return len(article_markdown(self._in.config, article).split())

    def status(self, article: Article) -> str:
        """"draft" / "scheduled" in preview, "" otherwise (the badge never reaches `build` output)."""
        if not self._in.preview:
            return ""
        if article.draft:
            return "draft"
        return "scheduled" if article.date > self._in.now else ""


def context(spec: PageSpec, inputs: RenderInputs, helpers: Helpers) -> dict[str, Any]:
    config, site = inputs.config, inputs.site
    arts = site.articles
    ctx: dict[str, Any] = {
        "site": config,
        "sections": config.sections,
        "page": spec,
        "h": helpers,
        "now": inputs.now,
        "preview": inputs.preview,
        "latest": [arts[i] for i in site.latest],
        "comments_html": Markup(config.comments_html),  # noqa: S704 - the site's own setting
        "feed_url": "feed.xml",
        "section": None,
    }
    if spec.kind == "article":
        (i,) = spec.ref
        a = arts[i]
        older, newer = site.prev_next[i]
        ctx.update(
            article=a,
            body=article_body(config, a, inputs.spool),
            section=helpers.section(a),
            related=[arts[j] for j in site.related[i]],
            older=arts[older] if older is not None else None,
            newer=arts[newer] if newer is not None else None,
            feed_url=f"{a.section}/feed.xml",
        )
    elif spec.kind == "listing":
        li, pi = spec.ref
        listing = site.listings[li]
        pager = listing.pages[pi]
        ctx.update(listing=listing, pager=pager, articles=[arts[j] for j in pager.items])
        if listing.kind == "section":
            ctx.update(section=helpers._sections[listing.key], feed_url=f"{listing.key}/feed.xml")
    elif spec.kind == "home":
        ctx.update(home_sections=[(s, [arts[j] for j in site.by_section[s.slug][: config.home_per_section]])
                                  for s in config.sections])
    elif spec.kind == "feed":
        if spec.ref:
            s = config.sections[spec.ref[0]]
            ids = site.by_section[s.slug][: config.feed_items]
            ctx.update(section=s, feed_url=f"{s.slug}/feed.xml")
        else:
            ids = tuple(range(min(config.feed_items, len(arts))))
        items = [arts[j] for j in ids]
        ctx.update(items=items, bodies=_bodies(config, items, inputs.spool))
    elif spec.kind == "sitemap":
        entries = sitemap_entries(site, config)
        if spec.ref:
            from .pages import SITEMAP_LIMIT

            k = spec.ref[0]
            entries = entries[(k - 1) * SITEMAP_LIMIT : k * SITEMAP_LIMIT]
        ctx.update(entries=entries)
    elif spec.kind == "sitemap_index":
        ctx.update(parts=[f"sitemap-{k}.xml" for k in range(1, spec.ref[0] + 1)],
                   lastmod=arts[0].modified if arts else None)
    elif spec.kind == "news_sitemap":
        cutoff = inputs.now - dt.timedelta(days=2)  # the Google News rule: the last two days
        ctx.update(articles=[a for a in arts[:1000] if a.date >= cutoff])
    return ctx


def _bodies(config: SiteConfig, items: list[Article], spool: Mapping[str, Spooled]) -> dict[str, Markup]:
    if not config.feed_full_content:
        return {}
    # feed readers show items away from the site: every URL in a body must be absolute
    return {a.source: Markup(urls.rebase_html(article_body(config, a, spool),  # noqa: S704 - sanitized above
                                              functools.partial(urljoin, urls.absolute(config, a.url))))
            for a in items}


def sitemap_entries(site: Site, config: SiteConfig) -> list[tuple[str, str]]:
    """Every public page as (absolute URL, last change as ISO 8601 or ""): home, listing pages,
    articles. Formatted here, not in the template: a big site's sitemap has tens of thousands."""
    arts = site.articles
    base = config.base_url

    def when(value: dt.datetime | None) -> str:
        return value.isoformat(timespec="seconds") if value is not None else ""

    entries = [(base, when(arts[0].modified if arts else None))]
    for listing in site.listings:
        for i, p in enumerate(listing.pages):
            entries.append((base + p.url, when(arts[p.items[0]].modified if p.items and i == 0 else None)))
    entries.extend([(base + a.url, when(a.modified)) for a in arts])
    return entries
