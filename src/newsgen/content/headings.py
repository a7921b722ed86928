"""Heading ids for h2-h4: the slug of the heading's text, unique in the document, as mdit-py-plugins'
anchors plugin names them (`slug`, `slug-1`, `slug-2`...), in linear time. The plugin's own loop
tries `slug-1`, `slug-2`... from 1 for every heading: 20,000 identical headings took ~35 s.

Both renderers use this: the reference as a core rule on markdown-it-py's tokens (`anchors`), the
fast path on the HTML that markdown-it-pyrs wrote (`HeadingIds.html`).
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING

from ..slugs import slugify

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore

LEVELS = ("h2", "h3", "h4")


class HeadingIds:
    """The ids given so far in one document."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}  # slug -> the suffix to try first when it comes again

    def reserve(self, slug: str) -> None:
        self._taken.add(slug)

    def unique(self, slug: str) -> str:
        """The plugin's `slug`, else the first free `slug-i` for i = 1, 2...: every `slug-i` skipped
        was taken and stays taken, so the next search for `slug` starts after it."""
        taken = self._taken
        if slug not in taken:
            taken.add(slug)
            return slug
        i = self._next.get(slug, 1)
        while f"{slug}-{i}" in taken:
            i += 1
        self._next[slug] = i + 1
        unique = f"{slug}-{i}"
        taken.add(unique)
        return unique

    def html(self, html: str) -> str:
        """Ids on the h2-h4 of HTML that markdown-it-pyrs wrote."""
        return _HEADING.sub(self._heading, html)

    def _heading(self, m: re.Match[str]) -> str:
        level, inner = m.group(1), m.group(2)
        title = inner
        if "<" in title:  # the plugin joins the text and code of the heading: not tags, notes, images
            title = _TAG.sub("", _FOOTNOTE_SUP.sub("", title))
        if "\n" in title:  # a setext heading's line break is a softbreak token: no text
            title = title.replace("\n", "")
        if "&" in title:
            title = unescape(title)
        return f'<h{level} id="{self.unique(slugify(title))}">{inner}</h{level}>'


_HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_FOOTNOTE_SUP = re.compile(r'<sup class="footnote-ref">.*?</sup>')


def anchors(state: StateCore) -> None:
    """mdit-py-plugins' anchors_plugin(min_level=2, max_level=4, slug_func=slugify, permalink=False)."""
    tokens = state.tokens
    ids = HeadingIds()
    for token in tokens:  # an id already set (none in newsgen's Markdown) is kept and reserved
        if token.type == "heading_open" and token.attrGet("id"):
            ids.reserve(str(token.attrGet("id")))
    for idx, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in LEVELS or token.attrGet("id"):
            continue
        children = tokens[idx + 1].children or []
        title = "".join(child.content for child in children if child.type in ("text", "code_inline"))
        token.attrSet("id", ids.unique(slugify(title)))
