"""Markdown -> HTML: CommonMark + tables, strikethrough, footnotes, heading anchors, smart quotes, figures.

The HTML that comes out of `render_body` is sanitized here (unless the site trusts raw HTML): this is
the one place where article HTML is made safe.

newsgen's Markdown is markdown-it-py with mdit-py-plugins' footnotes and newsgen's rules (`_parser`):
that is the specification. Most bodies are rendered faster by fastpath.py (markdown-it-pyrs plus a
post-pass), which takes only the bodies written in its *fast dialect*, where the two are proven to
write the same HTML (on the public CommonMark, GFM, markdown-it-py and mdit-py-plugins suites and a
differential fuzz built from them: tests/unit/test_markdown_spec.py, test_markdown_fuzz.py).

`body_problem` is the check a body must pass before it is rendered: the limits (size, nesting,
definitions, brackets) within which rendering stays under about a second per 100 KB and drops no text.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .fastpath import DEEP_NESTING, _fast_parser, render_fast
from .headings import anchors
from .sanitize import sanitize, sanitize_markdown
from .typography import smartquotes_rule

STOCK_SMARTQUOTES = os.environ.get("NEWSGEN_STOCK_SMARTQUOTES", "") not in ("", "0")

if TYPE_CHECKING:  # markdown-it-py is imported when a body needs it (~0.1 s of every build's start)
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict


def _figures(state: StateCore) -> None:
    """A paragraph holding only an image with a title becomes <figure> + <figcaption>. Not a tight list
    item's: its paragraph is hidden (no tags are written for it), and a figcaption without its figure is
    not HTML; that image keeps its title."""
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        if tokens[i].type != "paragraph_open" or tokens[i + 2].type != "paragraph_close" or tokens[i].hidden:
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
def _parser(max_nesting: int = 20) -> MarkdownIt:
    import logging

    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    for name in [n for n in logging.Logger.manager.loggerDict if n.startswith("markdown_it")]:
        logging.getLogger(name).disabled = True  # its block rules log at debug level on every line
    md = MarkdownIt("commonmark", {"html": True, "typographer": True, "xhtmlOut": False,
                                   "maxNesting": max_nesting})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    if not STOCK_SMARTQUOTES and md.options.quotes == "\u201c\u201d\u2018\u2019":
        md.core.ruler.at("smartquotes", smartquotes_rule)  # (the stock rule's time grows with the square of the quotes)
    md.use(footnote_plugin)
    # mdit-py-plugins' anchors_plugin(min_level=2, max_level=4, slug_func=slugify, permalink=False),
    # with ids made unique in linear time
    md.core.ruler.push("anchor", anchors)
    md.core.ruler.push("figures", _figures)
    md.add_render_rule("image", _render_image)
    return md


_render_fast = render_fast  # the names tests and tools use
__all__ = ["_fast_parser", "_parser", "_render_fast", "body_problem", "plain_text", "render_body", "render_html"]


# A body's limits. Within them, either renderer takes at most about a second per 100 KB (measured
# in tests/unit/test_markdown_limits.py) and markdown-it-py leaves nothing out.
MAX_CHARACTERS = 1_000_000
MAX_DEFINITIONS = 10_000  # link reference and footnote definitions
MAX_BRACKETS = 20_000  # `[`: markdown-it-py takes ~50 us for each unclosed `![`
MAX_NESTING = 20  # markdown-it's block nesting limit (a quote is one level, a list two)
MAX_TAGS = 10_000  # `<`: the HTML sanitizer takes time that grows with the square of raw HTML's nesting


def body_problem(body: str) -> tuple[str, str] | None:
    """(message, hint) when `body` is beyond a limit newsgen renders, else None. O(n) and cheap
    (a few us for a 5 kB article); a body that nests deep enough to come near the nesting limit
    is parsed once more to be sure (rare: a line starting with 18 or more quote or list markers)."""
    if len(body) > MAX_CHARACTERS:
        return (f"the body is {len(body):,} characters long; newsgen renders up to {MAX_CHARACTERS:,}",
                "split it into several articles")
    # (each count only for a body long enough to pass its limit: counting costs ~1 us per kB)
    if len(body) > 4 * MAX_DEFINITIONS and body.count("]:") > MAX_DEFINITIONS and \
            len(_DEFINITION.findall(body)) > MAX_DEFINITIONS:
        return (f"the body has more than {MAX_DEFINITIONS:,} link or footnote definitions (`[x]: ...`)",
                "link to the sources inline, or split the article")
    if len(body) > MAX_BRACKETS and body.count("[") > MAX_BRACKETS:
        return (f"the body has {body.count('['):,} `[` (links, images, notes); newsgen renders up to "
                f"{MAX_BRACKETS:,}", "split the article, or write brackets that are not links as \\[")
    if len(body) > MAX_TAGS and body.count("<") > MAX_TAGS:
        return (f"the body has {body.count('<'):,} `<` (HTML tags); newsgen renders up to {MAX_TAGS:,}",
                "split the article, or write a < that is not a tag as &lt;")
    if DEEP_NESTING.search(body) and _too_deep(body):
        return (f"lists or quotes nest more than {MAX_NESTING} levels deep (a list counts two): Markdown "
                "stops there and would leave out the rest of the body", "nest fewer lists or quotes")
    return None


_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]\n]+\]:")


def _too_deep(body: str) -> bool:
    """Whether markdown-it-py opens a block at the nesting limit (and so drops what follows):
    parsed with one more level allowed, a block token reaches that level."""
    return any(tok.level >= MAX_NESTING and tok.type != "inline" for tok in _parser(MAX_NESTING + 1).parse(body))


def render_html(body: str) -> str:
    """The article body as HTML, not sanitized: fast when possible, else markdown-it-py."""
    html = render_fast(body)
    return _parser().render(body) if html is None else html


def render_body(body: str, *, trust_html: bool = False, embed_hosts: tuple[str, ...] = ()) -> str:
    """The article body as HTML, sanitized unless the site trusts raw HTML. A body the fast path
    renders has no raw HTML: its HTML is Markdown's own (sanitize_markdown)."""
    html = render_fast(body)
    if html is None:
        html = _parser().render(body)
        return html if trust_html else sanitize(html, embed_hosts)
    return html if trust_html else sanitize_markdown(html, embed_hosts)


# What markdown-it-py (with `_parser`'s options and plugins) does anything to in one line of inline
# Markdown: a character an inline rule starts at (escape, code, strikethrough, emphasis, links,
# images, autolinks and raw HTML, entities, footnotes; NUL), a quote for the typographer's smart
# quotes, or a sequence its replacements rewrite ("(c)", "+-", "..", "????", "!!!!", ",,", "--").
# The other characters its text rule stops at (`#$%:=>@{}|-` and the like) start no rule: they stay
# text. An apostrophe between two letters or digits is always a typographic one.
_INLINE_SYNTAX = re.compile(r"""[\x00\\`~*_\[\]!<&^"(]|\+-|\.\.|\?\?|,,|--""")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
# An inline link whose text is a plain run and whose destination is a plain one (no space, parenthesis,
# bracket, backslash, control character or colon but an http(s) scheme's: markdown-it-py refuses
# javascript:, data:...): markdown-it-py makes it a link, and keeps its text. Whatever the line holds
# besides (an escape, code, an image's `!`, emphasis, quotes) is still there once each is replaced by
# its text, and sends the line to markdown-it-py. The smart quotes look across a link's edges, as
# in the text without it.
_PLAIN_LINK = re.compile(r"\[([^\[\]]+)\]\((?:https?:)?[^()\[\]\s<>:\\\x00-\x1f\x7f]*\)")


def plain_text(markdown_inline: str) -> str:
    """Inline Markdown as plain text (for summaries and descriptions). A line with nothing Markdown or
    the typographer would change but plain links is answered without markdown-it-py (the standfirst of
    most articles: an edit's build then does not import it, ~0.1 s; one with a link took ~60 us more);
    tests/unit/test_plain_text.py checks the two agree."""
    text = plain = " ".join(markdown_inline.split())
    if "](" in text:
        unlinked, links = _PLAIN_LINK.subn(r"\1", text)
        if links:
            plain = " ".join(unlinked.split())  # (a link's text may start or end with a space)
    if _INLINE_SYNTAX.search(plain) is None:
        if "'" not in plain:
            return plain
        words = _APOSTROPHE_IN_WORD.sub("\u2019", plain)
        if "'" not in words:
            return words
    return plain_text_by_markdown_it(text)


def plain_text_by_markdown_it(markdown_inline: str) -> str:
    """plain_text as markdown-it-py reads the line, always (the specification of the shortcut above)."""
    tokens = _parser().parseInline(" ".join(markdown_inline.split()))
    out: list[str] = []
    for tok in tokens:
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())
