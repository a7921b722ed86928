"""Markdown -> HTML: CommonMark + tables, strikethrough, footnotes, heading anchors, smart quotes, figures.

The HTML that comes out of `render_body` is sanitized here (unless the site trusts raw HTML): this is
the one place where article HTML is made safe.

Two renderers make the same HTML. The reference is markdown-it-py with mdit-py-plugins (`_parser`).
The fast one is markdown-it-pyrs 0.4 (Rust: ~10x faster to render, a build's Markdown step ~3x) plus a
post-pass (`_render_fast`): markdown-it's typographer (`typography.py`; pyrs' own smart quotes skip
pairs when a heading follows, its replacements rewrite inline code), heading ids, figures, lazy images,
footnote ids and labels as mdit-py-plugins writes them. A body goes to markdown-it-py when the HTML
cannot show what markdown-it-py would do, or where the two parsers are known to disagree:

* raw HTML or an autolink (`<` + letter, `/`, `!`, `?`; also inside code: the test is cheap);
* a backslash escape or an entity (`\\"`, `&quot;`: markdown-it leaves those quotes straight);
* whitespace that Python strips and Rust does not (no-break space...);
* an image whose alt text has markup (the quote rules look at the alt source text);
* footnotes numbered otherwise than by first reference, a doubled back-link (`[[^1]`), an indented
  footnote definition, an inline note in a definition;
* a lone list marker, a `:--` line, or a `-`/`*`/`:` line in a body with a table;
* an unclosed fence at the very end, or `[` with an unmatched backtick run (pyrs panics: caught too,
  but Rust prints the panic to stderr).

Known difference left (found by random testing, never in a real article): inline code spanning a lazy
blockquote line indented 4+ spaces keeps that indentation in markdown-it-py, not in pyrs.
`tests/unit/test_markdown.py` compares the two renderers.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from html import unescape
from typing import TYPE_CHECKING

from markdown_it_pyrs import MarkdownIt as FastMarkdownIt

from ..slugs import slugify
from .sanitize import sanitize, sanitize_markdown
from .typography import typographer

if TYPE_CHECKING:  # markdown-it-py is imported when a body needs it (~0.1 s of every build's start)
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict


def _figures(state: StateCore) -> None:
    """A paragraph holding only an image with a title becomes <figure> + <figcaption>."""
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        if tokens[i].type != "paragraph_open" or tokens[i + 2].type != "paragraph_close":
            continue
        children = [c for c in tokens[i + 1].children or [] if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image" and children[0].attrGet("title"):
            children[0].meta["figure"] = True
            tokens[i + 1].children = children
            for tok in (tokens[i], tokens[i + 2]):
                tok.tag = "figure"
                tok.type = "figure_open" if tok.nesting == 1 else "figure_close"


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    if token.meta.get("figure"):
        title = str(token.attrGet("title") or "")
        token.attrs.pop("title", None)
        return self.renderToken(tokens, idx, options, env) + f"<figcaption>{escapeHtml(title)}</figcaption>"
    return self.renderToken(tokens, idx, options, env)


@functools.lru_cache(maxsize=4)
def _parser() -> MarkdownIt:
    import logging

    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    for name in [n for n in logging.Logger.manager.loggerDict if n.startswith("markdown_it")]:
        logging.getLogger(name).disabled = True  # its block rules log at debug level on every line
    md = MarkdownIt("commonmark", {"html": True, "typographer": True, "xhtmlOut": False})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify, permalink=False)
    md.core.ruler.push("figures", _figures)
    md.add_render_rule("image", _render_image)
    return md


@functools.lru_cache(maxsize=1)
def _fast_parser() -> FastMarkdownIt:
    # no "replacements"/"smartquotes": typography.py does them (pyrs also rewrites inline code)
    return FastMarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote"])


# searched one at a time, each only when its first character occurs: one alternation scanned
# over every body cost more than rendering it
_RAW_HTML = re.compile(r"<[A-Za-z/!?]")
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# whitespace that Python's str.strip() removes and Rust's trim_ascii does not (paragraph ends)
_ODD_SPACE = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"  # looked for one by one: 26 `in` scans cost half a character-class regex


def _needs_reference(body: str) -> bool:
    return bool(("<" in body and _RAW_HTML.search(body)) or ("\\" in body and _ESCAPE.search(body))
                or ("&" in body and _ENTITY.search(body))
                or (not body.isascii() and any(c in body for c in _ODD_SPACE)))


_IMAGE_LABEL = re.compile(r"!\[([^\]]*)")
_ALT_MARKUP = re.compile(r"[*_`~\[]")
_HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.S)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#fn(\d+)" id="fnref(\d+)">\[\d+\]</a></sup>')
_BACKREF = re.compile(r'<a href="#fnref(\d+)" class="footnote-backref">')
_TAG = re.compile(r"<[^>]*>")
_FOOTNOTE_SUP = re.compile(r'<sup class="footnote-ref">.*?</sup>')
_FIGURE = re.compile(r'<p><img src="([^"]*)" alt="([^"]*)" title="([^"]+)"></p>')
_IMG = re.compile(r"<img ([^>]*)>")
_BACKTICKS = re.compile(r"`+")


class _AtLineStart:
    """A pattern matched at the start of any line (what `^` with re.M means), found 8x faster:
    Python's re skips quickly to a leading literal, so the search is for "\n" + pattern, and
    the first line is tried on its own."""

    def __init__(self, pattern: str) -> None:
        self._first = re.compile(pattern, re.M)
        self._rest = re.compile(f"\n(?:{pattern})", re.M)

    def search(self, text: str) -> re.Match[str] | None:
        return self._first.match(text) or self._rest.search(text)


_TABLE_EDGE = _AtLineStart(r"[ \t]*[-*+:][-*+: \t]*$|[^|\n]*\n[-:| \t]*\|[-:| \t]*$")
_COLON_DELIMITER = _AtLineStart(r"[ \t]*(?::-|-[- \t]*:)[-: \t]*$")
_EMPTY_ITEM = _AtLineStart(r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]*$")
_FOOTNOTE_DEF = _AtLineStart(r"[ \t>]*\[\^[^\]\n]*\]:")
_INDENTED_FOOTNOTE = _AtLineStart(r"[ \t]+\[\^[^\]\n]*\]:")
# container markers and indentation deep enough to nest hundreds of levels: pyrs 0.4 recurses per
# level and overflows the stack (a crash, not an exception) somewhere past 20k levels; markdown-it-py
# stops nesting at 20. Any line that could nest that deep goes to markdown-it-py.
_DEEP_NESTING = _AtLineStart(r"[ \t>*+\-0-9.)]{400}")
# a tight list item's paragraph is hidden: markdown-it-py's figure rule then leaves the bare caption
_LIST_FIGURE = re.compile(
    r'<li><img src="([^"]*)" alt="([^"]*)" title="([^"]+)">(?=</li>|\n<(?:[uo]l|p|h\d|blockquote|pre|hr|table)\b)'
)


def _render_fast(body: str) -> str | None:
    """markdown-it-pyrs' HTML made the same as `_parser().render(body)`; None when it cannot be."""
    if _needs_reference(body):
        return None
    if "![" in body and any(_ALT_MARKUP.search(label) for label in _IMAGE_LABEL.findall(body)):
        return None
    if ("|" in body and _TABLE_EDGE.search(body)) or (":" in body and _COLON_DELIMITER.search(body)):
        return None  # near a table, `---`, `:--`, a lone `-`/`*`, or `a` over `-- |`: the parsers disagree
    if _DEEP_NESTING.search(body):
        return None
    if _EMPTY_ITEM.search(body):
        return None  # an empty list item: pyrs 0.4 lets it continue a paragraph
    if "[^" in body and (_INDENTED_FOOTNOTE.search(body) or ("^[" in body and _FOOTNOTE_DEF.search(body))):
        return None  # pyrs 0.4 misreads an indented footnote definition, and inline notes in definitions
    if "`" in body or "~~~" in body:
        if not body.endswith("\n"):
            return None  # an unclosed fence at the very end: markdown-it-py drops its last newline
        if "[" in body and any(n % 2 for n in Counter(_BACKTICKS.findall(body)).values()):
            return None  # pyrs 0.4 panics on `[` before an unmatched backtick run (the panic is caught too)
    try:
        html = _fast_parser().render(body, xhtml=False)
    except BaseException as exc:  # a Rust panic is a pyo3 PanicException, a BaseException
        if not type(exc).__name__ == "PanicException":
            raise
        return None
    if "footnote-ref" in html:
        fixed = _footnotes(html)
        if fixed is None:
            return None
        html = fixed
    html = typographer(html)
    if "<blockquote>\n</blockquote>" in html:
        html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if ' title="">' in html:  # `[a](u "")`: markdown-it-py writes no title (only tags can hold `="">`)
        html = html.replace(' title="">', ">")
    if "<h" in html:
        slugs: set[str] = set()
        html = _HEADING.sub(lambda m: _heading_id(m, slugs), html)
    if "<img" in html:
        html = _FIGURE.sub(
            r'<figure><img src="\1" alt="\2" loading="lazy" decoding="async"><figcaption>\3</figcaption></figure>', html
        )
        html = _LIST_FIGURE.sub(
            r'<li><img src="\1" alt="\2" loading="lazy" decoding="async"><figcaption>\3</figcaption>', html
        )
        html = _IMG.sub(_lazy_image, html)
    return html


def _lazy_image(m: re.Match[str]) -> str:
    attrs = m.group(1)
    if " loading=" in attrs:  # a figure's, done
        return m.group(0)
    return f'<img {attrs} loading="lazy" decoding="async">'


def _heading_id(m: re.Match[str], slugs: set[str]) -> str:
    """anchors_plugin: the slug of the heading's text and inline code, unique in the document."""
    level, inner = m.group(1), m.group(2)
    title = inner
    if "<" in title:
        title = _TAG.sub("", _FOOTNOTE_SUP.sub("", title))
    if "&" in title:
        title = unescape(title)
    slug = base = slugify(title)
    i = 1
    while slug in slugs:
        slug = f"{base}-{i}"
        i += 1
    slugs.add(slug)
    return f'<h{level} id="{slug}">{inner}</h{level}>'


def _footnotes(html: str) -> str | None:
    """Reference ids and labels as mdit-py-plugins writes them (`fnref1`, `fnref1:1`, `[1:1]`)."""
    seen: dict[str, int] = {}
    new_ids: dict[str, str] = {}

    def ref(m: re.Match[str]) -> str:
        number, old_id = m.group(1), m.group(2)
        sub = seen.get(number, 0)
        seen[number] = sub + 1
        new_id, label = (f"fnref{number}", number) if sub == 0 else (f"fnref{number}:{sub}", f"{number}:{sub}")
        new_ids[old_id] = new_id
        return f'<sup class="footnote-ref"><a href="#fn{number}" id="{new_id}">[{label}]</a></sup>'

    html = _FOOTNOTE_REF.sub(ref, html)
    if list(seen) != [str(k) for k in range(1, len(seen) + 1)]:
        return None  # numbered in definition order, not in first-reference order
    backrefs = _BACKREF.findall(html)
    if sorted(backrefs) != sorted(new_ids):
        return None  # pyrs 0.4 doubles the back-link of `[[^1]`
    html = _BACKREF.sub(lambda m: f'<a href="#{new_ids[m.group(1)]}" class="footnote-backref">', html)
    return html.replace('class="footnote-item">\n', 'class="footnote-item">')


def render_html(body: str) -> str:
    """The article body as HTML, not sanitized: fast when possible, else markdown-it-py."""
    html = _render_fast(body)
    return _parser().render(body) if html is None else html


def render_body(body: str, *, trust_html: bool = False, embed_hosts: tuple[str, ...] = ()) -> str:
    """The article body as HTML, sanitized unless the site trusts raw HTML. A body the fast path
    renders has no raw HTML: its HTML is Markdown's own (sanitize_markdown)."""
    html = _render_fast(body)
    if html is None:
        html = _parser().render(body)
        return html if trust_html else sanitize(html, embed_hosts)
    return html if trust_html else sanitize_markdown(html, embed_hosts)


def plain_text(markdown_inline: str) -> str:
    """Inline Markdown as plain text (for summaries and descriptions)."""
    tokens = _parser().parseInline(" ".join(markdown_inline.split()))
    out: list[str] = []
    for tok in tokens:
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())
