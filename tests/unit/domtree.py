"""A fragment of HTML as the tree a browser builds: what two serializations must agree on."""

from __future__ import annotations

import lxml.html

Node = tuple[str, tuple[tuple[str, str], ...], str, tuple["Node", ...], str]


def dom(html: str) -> Node:
    """(tag, sorted attributes, text, children, tail), entities decoded: `&quot;` and `"` in text
    are the same tree, a removed tag or attribute is not."""
    return _node(lxml.html.fragment_fromstring(html, create_parent="div"))


def _node(el: lxml.html.HtmlElement) -> Node:
    return (str(el.tag), tuple(sorted(el.attrib.items())), el.text or "", tuple(_node(c) for c in el),
            el.tail or "")
