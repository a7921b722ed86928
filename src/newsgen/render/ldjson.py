"""An article page's structured data written as JSON text directly: the same bytes as the `jsonld` filter
makes of `Helpers.news_article_ld(article)` and `Helpers.breadcrumbs_ld(article)` (the theme's
`_article_meta.html`), without building the dictionaries and walking them in the encoder (~14 -> ~5 us
an article page). Each string goes through the encoder's own string function (`encode_basestring`, as
`environment._JSON` does with ensure_ascii=False), and the whole text through `jsonld`'s escapes
(`environment.script_safe`).

Used by `render.direct` for the theme's article pages; an article in several language editions (its
translation links) takes the dictionaries' way. tests/unit/test_ldjson.py compares both ways on
articles of every kind (authors or none, image, default image, logo, corrections, text to escape)."""

from __future__ import annotations

from json.encoder import encode_basestring as s  # the C function when the json module has its speedups
from typing import Any

from .. import urls
from ..config import SiteConfig
from ..model import Article
from .environment import iso, script_safe


class ArticleJson:
    """The two <script type="application/ld+json"> texts of an article page, for one site (per process)."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        link = self.link
        logo = f',"logo":{{"@type":"ImageObject","url":{s(link(config.logo))}}}' if config.logo else ""
        self.publisher = f'{{"@type":"Organization","name":{s(config.title)},"url":{s(link(""))}{logo}}}'
        self.language = s(config.language)
        self.default_image = f',"image":[{s(link(config.default_image))}]' if config.default_image else ""
        self.home_crumb = (f'{{"@type":"ListItem","position":1,"name":{s(config.title)},'
                           f'"item":{s(link(config.prefix))}}}')

    def link(self, url: str) -> str:
        return urls.absolute(self.config, url)

    def news_article(self, a: Article, section_name: str, authors: list[Any]) -> str:
        """`jsonld(h.news_article_ld(a))` for an article without translations."""
        link, url = self.link, s(self.link(a.url))
        people = ",".join([f'{{"@type":"Person","name":{s(p.name)},"url":{s(link(p.url))}}}' for p in authors])
        o = ['{"@context":"https://schema.org","@type":"NewsArticle","headline":', s(a.title),
             ',"description":', s(a.summary), ',"datePublished":', s(iso(a.date)), ',"dateModified":',
             s(iso(a.modified)), ',"articleSection":', s(section_name), ',"keywords":[',
             ",".join([s(t) for t in a.tags]), '],"mainEntityOfPage":{"@type":"WebPage","@id":', url,
             '},"url":', url, ',"inLanguage":', self.language, ',"author":[', people or self.publisher,
             '],"publisher":', self.publisher]
        if a.image:
            o += [',"image":[', s(link(a.image.url)), "]"]
        else:
            o.append(self.default_image)
        if a.corrections:
            o += [',"correction":[', ",".join([f'{{"@type":"CorrectionComment","text":{s(c.text)},'
                                                f'"datePublished":{s(iso(c.date))}}}' for c in a.corrections]), "]"]
        o.append("}")
        return script_safe("".join(o))

    def breadcrumbs(self, a: Article, section_name: str, section_url: str) -> str:
        """`jsonld(h.breadcrumbs_ld(a))`."""
        link = self.link
        return script_safe(
            '{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":[' + self.home_crumb
            + f',{{"@type":"ListItem","position":2,"name":{s(section_name)},"item":{s(link(section_url))}}}'
            + f',{{"@type":"ListItem","position":3,"name":{s(a.title)},"item":{s(link(a.url))}}}]}}')

