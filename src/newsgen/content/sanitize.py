"""The one HTML sanitizer for article bodies (nh3, the Rust `ammonia` library).

Allowed: the tags Markdown produces, figures, tables, footnotes, plus iframes whose `src` is an
https URL on one of the site's `embed_hosts`. Removed: scripts, styles, event handlers,
`javascript:`/`data:` URLs and anything not on the allowlist.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s", "samp", "section",
    "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr", "iframe",
}
_COMMON = {"id", "class", "title", "lang", "dir"}
_ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "source": {"srcset", "sizes", "type", "media", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize(html: str, embed_hosts: tuple[str, ...] = ()) -> str:
    hosts = frozenset(h.lower() for h in embed_hosts)

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe" and attr == "src":
            parts = urlsplit(value)
            return value if parts.scheme == "https" and (parts.hostname or "") in hosts else None
        if attr == "style":  # only the alignment markdown-it writes on table cells
            return value if value in ("text-align:left", "text-align:center", "text-align:right") else None
        return value

    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        attribute_filter=attribute_filter,
        link_rel="noopener",
        strip_comments=True,
    )
    return _accessible(cleaned)


_IMG_NO_ALT = re.compile(r"<img(?![^>]*\salt=)")
_IMG_NO_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_IFRAME_NO_SRC = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)
_IFRAME_NO_TITLE = re.compile(r"<iframe(?![^>]*\stitle=)")


def _accessible(html: str) -> str:
    """Raw HTML that passed the allowlist still gets what a valid, accessible page needs:
    an `alt` on every image, a `title` on every embed; an iframe whose src was refused goes whole."""
    if "<img" in html:
        html = _IMG_NO_SRC.sub("", html)
        html = _IMG_NO_ALT.sub('<img alt=""', html)
    if "<iframe" in html:
        html = _IFRAME_NO_SRC.sub("", html)
        html = _IFRAME_NO_TITLE.sub('<iframe title="Embedded media"', html)
    return html
