"""Markdown -> HTML: CommonMark + tables, strikethrough, footnotes, heading anchors, smart quotes, figures.

The HTML that comes out of `render_body` is sanitized here (unless the site trusts raw HTML): this is
the one place where article HTML is made safe.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..slugs import slugify
from .sanitize import sanitize


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
    for name in [n for n in logging.Logger.manager.loggerDict if n.startswith("markdown_it")]:
        logging.getLogger(name).disabled = True  # its block rules log at debug level on every line
    md = MarkdownIt("commonmark", {"html": True, "typographer": True, "xhtmlOut": False})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify, permalink=False)
    md.core.ruler.push("figures", _figures)
    md.add_render_rule("image", _render_image)
    return md


def render_body(body: str, *, trust_html: bool = False, embed_hosts: tuple[str, ...] = ()) -> str:
    """The article body as HTML, sanitized unless the site trusts raw HTML."""
    html = _parser().render(body)
    return html if trust_html else sanitize(html, embed_hosts)


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
