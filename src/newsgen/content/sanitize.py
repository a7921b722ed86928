"""The one HTML sanitizer for article bodies (nh3, the Rust `ammonia` library).

Allowed: the tags Markdown produces, figures, tables, footnotes, plus iframes whose `src` is an
https URL on one of the site's `embed_hosts`. Removed: scripts, styles, event handlers,
`javascript:`/`data:` URLs and anything not on the allowlist.

`sanitize_markdown` is the entry for HTML that Markdown alone made (no raw HTML in the body): such
HTML is safe by construction, the way Hugo's goldmark and markdown-it make Markdown safe without
a sanitizer, and only the allowlist's own rules are checked there (see its docstring).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from html import unescape as html_unescape
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
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
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # what a body's href and src may use


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """The allowlist compiled once (passing it to nh3.clean converts it on every call: half its time).
    nh3 is imported here, when a body first needs it (~5 ms: a new story without raw HTML never does)."""
    import nh3

    # link_rel=None: no rel="noopener" on every link. It only matters with target="_blank", which the
    # allowlist never lets through; and Markdown's own links (sanitize_markdown) get none either.
    return nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=set(LINK_SCHEMES), link_rel=None,
                       strip_comments=True)


def sanitize_markdown(html: str, embed_hosts: tuple[str, ...] = ()) -> str:
    """HTML that markdown.py's fast path made from a body without raw HTML, entities or backslash
    escapes (`_needs_reference`). It holds only the tags Markdown writes (all on the allowlist but
    <h1>), markdown-it has escaped every text and attribute value (&, <, >, "), and it refuses
    javascript:, vbscript:, file: and data: link targets. What the allowlist adds is checked here:
    no <h1> (the page's headline is the one), every href and src relative or http(s), mailto or tel.
    Anything else goes through sanitize(), as all HTML did before: nh3 re-parses and re-writes a
    whole body (~0.1 ms for 5 kB), where these checks are a few string searches.
    tests/unit/test_sanitize.py checks, on random Markdown with hostile links, that whatever is let
    through here is what nh3 would leave (the same DOM)."""
    if "<h1" in html or not _urls_allowed(html):
        return sanitize(html, embed_hosts)
    return _align_classes(html)


def _align_classes(html: str) -> str:
    """Table alignment as classes, so no style attribute ever needs to pass (no Python callback
    into the sanitizer either: it runs at native speed)."""
    return _ALIGN.sub(r'class="align-\1"', html) if 'style="text-align:' in html else html


def _urls_allowed(html: str) -> bool:
    for attribute in (' href="', ' src="'):
        start = html.find(attribute)
        while start >= 0:
            start += len(attribute)
            end = html.find('"', start)
            if end < 0 or not _url_allowed(html[start:end]):
                return False
            start = html.find(attribute, end)
    return True


def _url_allowed(url: str) -> bool:
    """Relative, or one of LINK_SCHEMES; never anything a browser could read otherwise (a control
    character or space, an entity but &amp;)."""
    if not url.isprintable() or " " in url or "&" in url.replace("&amp;", ""):
        return False
    colon = url.find(":")
    if colon < 0:
        return True
    for mark in "/?#":  # a colon after the path, query or fragment starts is no scheme
        at = url.find(mark, 0, colon)
        if at >= 0:
            return True
    scheme = url[:colon].lower()
    if scheme in ("http", "https"):  # nh3 also drops a web address it cannot parse (no host, a bad port)
        m = _WEB_ADDRESS.match(url)
        return m is not None and int(m.group(1) or 0) <= 65535
    return scheme in LINK_SCHEMES


_WEB_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(?::([0-9]{1,5}))?(?:[/?#]|$)", re.I)


def sanitize(html: str, embed_hosts: tuple[str, ...] = ()) -> str:
    cleaned = _cleaner().clean(_align_classes(html))
    if "<iframe" in cleaned:
        cleaned = _IFRAME.sub(lambda m: _allowed_iframe(m.group(0), embed_hosts), cleaned)
    return _accessible(cleaned)


_ALIGN = re.compile(r'style="text-align:(left|center|right)"')
_IFRAME = re.compile(r"<iframe\b[^>]*>.*?</iframe>", re.S)
_SRC = re.compile(r'\ssrc="([^"]*)"')


def _allowed_iframe(tag: str, hosts: tuple[str, ...]) -> str:
    """An embed stays only when its src is https on one of the site's embed_hosts, as a browser reads it."""
    m = _SRC.search(tag)
    if m is None:
        return ""
    scheme, host = browser_host(html_unescape(m.group(1)))
    if scheme == "https" and host.removesuffix(".") in {h.lower() for h in hosts}:
        return tag
    return ""


_C0_SPACE = "".join(map(chr, range(0x21)))
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_AUTHORITY_END = re.compile(r"[/\\?#]")
_DOTS = str.maketrans("\u3002\uff0e\uff61", "...")  # the dots UTS 46 reads as "." in a host name


def browser_host(url: str) -> tuple[str, str]:
    """(scheme, host) of an http(s) address as a browser reads it (the WHATWG URL standard): C0 controls
    and spaces around it and tabs and newlines in it ignored, the scheme in any case, any run of / and \\
    after it, a user name before @, the port after :; the host percent-decoded, NFKC, lower-case.
    ("", "") for anything else (a relative address, another scheme)."""
    url = url.strip(_C0_SPACE).translate(_TAB_NEWLINE)
    m = _SCHEME.match(url)
    if m is None or m.group(1).lower() not in ("http", "https"):
        return "", ""
    authority = _AUTHORITY_END.split(url[m.end():].lstrip("/\\"), 1)[0]
    host = authority.rpartition("@")[2]
    host = host[: host.find("]") + 1] if host.startswith("[") and "]" in host else host.partition(":")[0]
    return m.group(1).lower(), unicodedata.normalize("NFKC", unquote(host)).translate(_DOTS).lower()


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")  # (an underscore: not DNS, but browsers take it)


def is_host_name(host: str) -> bool:
    """A host name as embed_hosts and base_url hold it: dot-separated labels of lower-case ASCII letters,
    digits, underscores and inner hyphens (an IDN in its xn-- form); one trailing dot at most."""
    labels = host.removesuffix(".").split(".")
    return len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


_URL_CHARS = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2}|[^\x00-\x7f])*")
_SITE_HINT = "e.g. https://news.example.org/ or https://example.org/news/"


def site_address_problem(url: str) -> tuple[str, str] | None:
    """What is wrong with `url` as the site's address (base_url): (problem, hint), the problem said after the
    address; None for an http(s) address with a host, perhaps a port and a path, and nothing a page, feed or
    robots.txt could not hold as it is (a line break, a space, a quote, a query or a fragment)."""
    try:  # (urlsplit drops a tab or line break, and spaces around: found next)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a bad port, an unclosed [
        parts, port = urlsplit(url.partition("[")[0]), -1
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "is not a web address", "e.g. https://news.example.org/"
    if not url.isprintable() or any(c.isspace() for c in url):
        return "has a space, line break or control character in it", "a web address has none: " + _SITE_HINT
    if "?" in url or "#" in url:
        return 'has a query or a fragment ("?" or "#")', "the site's address ends with its path: " + _SITE_HINT
    if "@" in parts.netloc:
        return "has a user name in it", "the site's address is its host and path: " + _SITE_HINT
    if port is not None and not 0 < port <= 65535:
        return "has an invalid port", "a port is a number from 1 to 65535, e.g. http://localhost:8000/"
    host = parts.hostname or ""
    if not (is_host_name(host) or _ip6(host) or (not host.isascii() and is_host_name(_ascii_host(host)))):
        return "has no valid host name", _SITE_HINT
    if not _URL_CHARS.fullmatch(parts.path):
        bad = next(c for c in parts.path if not _URL_CHARS.fullmatch(c))
        return f"has a character a web address cannot hold ({bad})", f"write it percent-encoded: %{ord(bad):02X}"
    return None


def _ip6(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


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
