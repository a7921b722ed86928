"""What templates call as `h.*`: an article's authors, tags, section and status, structured data, and
the fragments every page repeats (article cards, the navigation, the Latest News list), each
rendered once per process from its own overridable template and reused."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from .. import urls
from ..images import Srcset, srcset
from ..model import Article, Author, Image, Tag
from .direct import Direct, for_site
from .environment import iso, jsonld
from .inputs import RenderInputs
from .ldjson import ArticleJson
from .limits import guarded, tripped
from .templates import CardVariant

if TYPE_CHECKING:
    import datetime as dt

KEPT = 1024  # lazy pictures (the last made) and images' srcsets (the last used) a process keeps (Helpers.picture)


class Seeded(Protocol):
    def get(self, key: tuple[object, ...], /) -> Markup | None: ...


class Helpers:
    """What templates call: authors and tags of an article, its section, its status, and the
    fragments every page repeats (article cards, the navigation, the Latest News list), each
    rendered once per process from its own overridable template and reused."""

    def __init__(self, inputs: RenderInputs, env: jinja2.Environment | None = None) -> None:
        self._in = inputs
        self._env = env
        self._sections = {s.slug: s for s in inputs.config.sections}
        self._fragments: dict[tuple[object, ...], Markup] = {}
        self._seeded: Seeded | None = None
        self._srcsets: OrderedDict[tuple[object, ...], Srcset | None] = OrderedDict()  # the last KEPT (`srcset`)
        self._pictures: OrderedDict[tuple[object, ...], Markup] = OrderedDict()  # the last lazy ones (`picture`)
        # pages, cards and pictures written without Jinja (render.direct)
        self.direct: Direct | None = for_site(inputs.config, env) if env is not None else None
        self._ld: ArticleJson | None = None

    def _known(self, key: tuple[object, ...]) -> Markup | None:
        """A fragment rendered already: here, or elsewhere and seeded (not kept: read again when asked
        again, see render.cards)."""
        html = self._fragments.get(key)
        if html is None and self._seeded is not None:
            html = self._seeded.get(key)
        return html

    def _fragment(self, template: str, key: tuple[object, ...], keep: bool = True, **variables: Any) -> Markup:
        html = self._known((template, *key))
        if html is None:
            html = self.direct.fragment(template, self, variables) if self.direct is not None else None
            if html is None:
                assert self._env is not None
                html = Markup(self._env.get_template(template).render(h=self, **variables))  # noqa: S704 - autoescaped
            if keep:
                self._fragments[(template, *key)] = html
        return html

    def seed(self, fragments: Seeded) -> None:
        """Fragments rendered elsewhere by the same templates and data (the cards a parallel build
        renders up front, render.cards): used as if rendered here."""
        self._seeded = fragments

    def render_cards(self, todo: Sequence[tuple[Article, CardVariant]]) -> list[tuple[tuple[object, ...], str]]:
        """Cards rendered (article, h.card's keyword arguments), as (fragment key, HTML) for seed().
        One that fails is left out: the page that shows it reports the error."""
        out = []
        params: dict[CardVariant, tuple[tuple[str, ...], tuple[object, ...]]] = {}
        for article, variant in todo:
            if tripped() is not None:  # (render.limits: a card ran away; its pages say so)
                break
            try:
                known = params.get(variant)
                if known is None:  # the variant's full arguments, card()'s defaults filled in
                    bound = inspect.signature(self.card).bind(article, **dict(variant))  # TypeError: not card()'s
                    bound.apply_defaults()
                    known = params[variant] = tuple(bound.arguments)[1:], tuple(bound.arguments.values())[1:]
                names, args = known
                # as card() renders it, but not kept here: the caller keeps it (render.cards)
                html = guarded(self._fragment, "_card.html", (article.source, *args), keep=False, article=article,
                               **dict(zip(names, args, strict=True)))
            except Exception:  # noqa: BLE001, S112 - reported where a page asks for the card
                continue
            out.append((("_card.html", article.source, *args), str(html)))
        return out

    def card(self, article: Article, level: int = 3, image: bool = True, summary: bool = True,
             eager: bool = False) -> Markup:
        # the key is the article and every argument, in order (render_cards builds it the same way); one
        # rendered already, here or up front (~95,000 asked for at 10,000 articles), found without _fragment
        key = ("_card.html", article.source, level, image, summary, eager)
        html = self._known(key)
        if html is not None:
            return html
        return self._fragment("_card.html", key[1:], article=article, level=level, image=image, summary=summary,
                              eager=eager)

    def picture(self, image: Image, sizes: str, eager: bool = False, alt: str = "", class_: str = "") -> Markup:
        """A responsive <picture> (_picture.html). A lazy one (a card's) is kept a while and reused: a
        story's cards in their other variants show the same one, and the card workers render them one
        after the other (`render.cards`); the last KEPT are kept, not every story's (a million
        articles: ~0.35 GB in each card worker). An eager one is a page's own lead image, shown once."""
        key = (image, sizes, eager, alt, class_)
        html = self._pictures.get(key)
        if html is None:
            html = self._fragment("_picture.html", key, keep=False, image=image, sizes=sizes, eager=eager, alt=alt,
                                  class_=class_)
            if not eager:
                _keep(self._pictures, key, html)
        return html

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
        elif config.default_image:  # Google asks every article for an image: the site's share image or logo
            ld["image"] = [link(config.default_image)]
        if not ld["author"]:  # an article without a byline is the publisher's
            ld["author"] = [ld["publisher"]]
        versions = self._in.alternates.get(article.url) if self._in.alternates else None
        if versions:  # a story in several language editions: the default edition's is the original
            original = next((v for v in versions if v.lang == "x-default"), None)
            if original is not None and original.url != article.url:
                ld["translationOfWork"] = {"@type": "NewsArticle", "url": link(original.url)}
            elif original is not None:
                ld["workTranslation"] = [{"@type": "NewsArticle", "url": link(v.url), "inLanguage": v.lang}
                                         for v in versions if v.url != article.url and v.lang != "x-default"]
        if article.corrections:
            ld["correction"] = [{"@type": "CorrectionComment", "text": c.text, "datePublished": iso(c.date)}
                                for c in article.corrections]
        return ld

    def ld_json(self, article: Article) -> tuple[str, str]:
        """`jsonld(news_article_ld(article))` and `jsonld(breadcrumbs_ld(article))`, written directly
        (render/ldjson.py) for an article without translations."""
        if self._in.alternates and self._in.alternates.get(article.url):
            return str(jsonld(self.news_article_ld(article))), str(jsonld(self.breadcrumbs_ld(article)))
        if self._ld is None:
            self._ld = ArticleJson(self._in.config)
        section = self.section(article)
        return (self._ld.news_article(article, section.name, self.authors(article)),
                self._ld.breadcrumbs(article, section.name, section.url))

    def breadcrumbs_ld(self, article: Article) -> dict[str, Any]:
        """schema.org BreadcrumbList: site, section, article."""
        config = self._in.config
        link = functools.partial(urls.absolute, config)
        section = self.section(article)
        crumbs = [(config.title, config.prefix), (section.name, section.url), (article.title, article.url)]
        return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": link(url)}
            for n, (name, url) in enumerate(crumbs, 1)]}

    def feed_body(self, article: Article) -> Markup:
        """The article's body for a feed, where every URL must be absolute (feed readers show it away
        from the site): made once per process, as RSS, Atom and JSON Feed all carry it."""
        key: tuple[object, ...] = ("feed body", article.source)
        html = self._fragments.get(key)
        if html is None:
            config = self._in.config
            resolve = functools.partial(urljoin, urls.absolute(config, article.url))
            html = self._fragments[key] = Markup(urls.rebase_html(self._in.bodies.html(article), resolve))  # noqa: S704
        return html

    def latest_list(self) -> Markup:
        return self._fragment("_latest.html", (), latest=[self._in.site.articles[i] for i in self._in.site.latest])

    def srcset(self, image: Image | None) -> Srcset | None:
        """The image's variants; `webp` and `original` are srcset values with the site's links (kept for
        the last KEPT images a process showed: cards and lead images repeat on many pages; not every
        image's, which at a million articles grew each page worker by ~0.3 GB)."""
        if image is None:
            return None
        key = (image.url, image.source, image.width, image.height, image.mime)  # what the variants depend on
        if key in self._srcsets:  # (not the caption: a file photo shown by many articles is one entry)
            self._srcsets.move_to_end(key)
            return self._srcsets[key]
        ss = srcset(image)
        if ss is not None:
            link = functools.partial(urls.href, self._in.config)
            ss = dataclasses.replace(ss, webp=", ".join(f"{link(u)} {w}w" for u, w in ss.webp_items),
                                     original=", ".join(f"{link(u)} {w}w" for u, w in ss.original_items))
        _keep(self._srcsets, key, ss)
        return ss

    def authors(self, article: Article) -> list[Author]:
        return [self._in.site.authors[n] for n in article.authors]

    def tags(self, article: Article) -> list[Tag]:
        return [self._in.site.tags[t] for t in article.tags]

    def section(self, article: Article) -> Any:
        return self._sections[article.section]

    def section_of(self, slug: str) -> Any:
        """The section config with this slug."""
        return self._sections[slug]

    def word_count(self, article: Article) -> int:
        """Words in the article's body (whitespace-separated, Markdown as written), for a "4 min read"
        line: counted when a template asks (the body is read again), not for every article at parse
        time: ~60 us an article that no page of the default theme needs."""
        return len(self._in.bodies.markdown(article).split())

    def status(self, article: Article) -> str:
        """"draft" / "scheduled" in preview, "" otherwise (the badge never reaches `build` output)."""
        return status(article, self._in.preview, self._in.now)


def status(article: Article, preview: bool, now: dt.datetime) -> str:
    """An article's badge in the preview (`newsgen serve`): "draft", "scheduled" (dated after `now`), or ""."""
    if not preview:
        return ""
    if article.draft:
        return "draft"
    return "scheduled" if article.date > now else ""


def _keep(memo: OrderedDict[tuple[object, ...], Any], key: tuple[object, ...], value: Any) -> None:
    """`value` kept under `key` in `memo`, whose oldest entry goes when it holds more than KEPT."""
    memo[key] = value
    if len(memo) > KEPT:
        memo.popitem(last=False)
