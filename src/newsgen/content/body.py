"""An article's body as HTML, read from its file again when a page needs it (bodies are never all
held in memory), or taken from bodies rendered ahead (`parallel.prerender`). Article HTML becomes
Markup here, after the sanitizer (`markdown.render_body`, the one place it is made safe)."""

from __future__ import annotations

import functools
import hashlib
import posixpath
from typing import Protocol

from markupsafe import Markup

from .. import urls
from ..config import SiteConfig
from ..errors import Diagnostic
from ..fileio import read_bytes
from ..images import enhance_body
from ..model import Article
from .markdown import render_body
from .source import decode, split

BODY_SIZES = "(min-width: 48rem) 44rem, 100vw"


CHANGED_WHILE_BUILDING = "the file changed while the site was being built"


class SourceChanged(Exception):
    """An article was saved between parsing and rendering: its page would mix two versions."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class Prerendered(Protocol):
    def read(self, source: str) -> str | None: ...


def article_markdown(config: SiteConfig, article: Article) -> str:
    """The article's Markdown body, read again."""
    raw = read_bytes(f"{config.root}/{article.source}")  # os-level: Path objects and open() cost per page
    if hashlib.blake2b(raw, digest_size=12).hexdigest() != article.digest:
        raise SourceChanged(Diagnostic(article.source, None, CHANGED_WHILE_BUILDING, "build again"))
    return split(decode(raw, article.source), article.source).body


def article_html(config: SiteConfig, article: Article, markdown: str | None = None) -> str:
    """The article's body as sanitized HTML, its images with their sizes and variants, its links under
    the site's base path. `markdown`: its Markdown body, as parsed (else read from its file again)."""
    html = render_body(article_markdown(config, article) if markdown is None else markdown,
                       trust_html=config.unsafe_html, embed_hosts=config.embed_hosts)
    local = {posixpath.basename(a.url): a.image for a in article.assets if a.image is not None}
    html = enhance_body(html, local, BODY_SIZES)
    if config.base_path != "/":  # base_url with a path: "/politics/x/" -> "/news/politics/x/"
        html = urls.rebase_html(html, functools.partial(urls.site_rooted, config))
    return html


class Bodies:
    """Article bodies for the templates: rendered ahead when they were (the same function made them,
    with the same inputs), else read and rendered now."""

    def __init__(self, config: SiteConfig, ahead: Prerendered | None = None) -> None:
        self.config = config
        self.ahead = ahead

    def html(self, article: Article) -> Markup:
        spooled = self.ahead.read(article.source) if self.ahead is not None else None
        if spooled is None:
            spooled = article_html(self.config, article)
        return Markup(spooled)  # noqa: S704 - sanitized by render_body (the one place); enhance_body escapes

    def markdown(self, article: Article) -> str:
        return article_markdown(self.config, article)
