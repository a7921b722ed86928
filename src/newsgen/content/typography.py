"""markdown-it's typographer (replacements + smart quotes), run on the HTML that markdown-it-pyrs renders.

markdown-it-pyrs has both rules, but its smart quotes leave pairs straight when a heading follows
(`"a" b "c"` then `## H`) and its replacements also rewrite inline code. So the fast renderer turns
them off and this module applies markdown-it-py's own algorithms (`rules_core/replacements.py`,
`rules_core/smartquotes.py`) to the rendered HTML instead: one pass per inline block (the text of a
p, h1-h6, li, td, th...), over the text between tags, with the same token model markdown-it uses:

* text between tags is text (one token per line: a newline is a softbreak), `<br>` is a hardbreak;
* em/strong/s/a open and close a nesting level, as their tokens do;
* inline `<code>` and `<img>` are single tokens whose content (code text, alt text) is seen by the
  quote rules as neighbouring characters but never changed;
* a footnote reference is an empty token; a footnote's back-links end its inline block;
* `<pre>` (code blocks) is skipped.

This is exact only for HTML without raw HTML, entities or backslash escapes in the source (there
markdown-it sees tokens the HTML no longer shows): `markdown.py` sends such bodies to markdown-it-py.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable
from html import unescape
from typing import Any

_PIECE = re.compile(r"<[^>]*>|[^<]+")
_TAG_NAME = re.compile(r"</?([a-z0-9]+)")
_ALT = re.compile(r'\salt="([^"]*)"')
_BLOCKS = re.compile(
    r"(<pre>.*?</pre>|</?(?:p|h[1-6]|li|ul|ol|blockquote|table|thead|tbody|tr|th|td|hr|section|div)\b[^>]*>)", re.S
)
# What the replacements and smart quotes need: &quot;, ', --, .., +-, ,,, ????, !!!!, (c), (tm), (r)
# (any case). Looked for one rule at a time, each only when its first character occurs: in a 5 kB
# Vietnamese body `c in html` costs ~0.25 us, a search for a pattern that starts with a literal ~2 us
# (the search then runs at C speed from one occurrence of that literal to the next), one regex of all
# the rules ~18 us (it starts with a class of their first characters: the whole body character by
# character). None of them contains "<" or ">", so a match never reaches across a tag.
_RULE_STARTS: tuple[tuple[str, Callable[[str, int], re.Match[str] | None] | None], ...] = (
    ("'", None),  # the character alone
    ("&", re.compile("&quot;", re.I).search),
    ("(", re.compile(r"\((?:c|tm|r)\)", re.I).search),
    ("+", re.compile(r"\+-").search),
    ("?", re.compile(r"\?\?\?\?").search),
    ("!", re.compile("!!!!").search),
    ("-", re.compile("-(?=-)").search),  # (a lookahead: "-" alone is the literal prefix, found faster than "--")
    (".", re.compile(r"\.(?=\.)").search),
    (",", re.compile(",(?=,)").search),
)
_NESTING = frozenset({"em", "strong", "s", "a"})

_TEXT, _OTHER, _BREAK = 0, 1, 2


class _Tok:
    __slots__ = ("kind", "content", "level")

    def __init__(self, kind: int, content: str, level: int) -> None:
        self.kind = kind
        self.content = content
        self.level = level


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def typographer(html: str) -> str:
    """Replacements and smart quotes on the text of `html`, as markdown-it-py would have done them."""
    if not _has_rule_start(html):
        return html
    parts = _BLOCKS.split(html)  # inline blocks at even indices, block tags and <pre> at odd ones
    changed = False
    for k in _parts_with_rule_starts(html, parts):
        new = _inline(parts[k])
        if new is not parts[k]:
            parts[k] = new
            changed = True
    return "".join(parts) if changed else html


def _has_rule_start(text: str) -> bool:
    """Whether `text` holds something a replacement or smart-quote rule starts from (see _RULE_STARTS)."""
    for first, search in _RULE_STARTS:
        if first in text and (search is None or search(text, 0)):
            return True
    return False


def _parts_with_rule_starts(html: str, parts: list[str]) -> list[int]:
    """The even (inline block) indices of `parts` (`html` split) that hold a rule's start, in order:
    each rule is searched in the whole of `html`, and past a match, from the end of its part on."""
    ends = list(itertools.accumulate(map(len, parts)))
    found: set[int] = set()
    for first, search in _RULE_STARTS:
        if first not in html:
            continue
        start = 0
        while (at := html.find(first, start) if search is None else _start(search(html, start))) >= 0:
            k = bisect.bisect_right(ends, at)  # the part `at` is in (a match is all in one part)
            if not k & 1:
                found.add(k)
            start = ends[k]
    return sorted(found)


def _start(m: re.Match[str] | None) -> int:
    return m.start() if m else -1


@functools.lru_cache(maxsize=65536)
def smart_text(text: str) -> str:
    """Plain text (a headline, a caption) with the same typography as bodies: “quotes”, ’, –, —, …
    (escaped first as markdown-it escapes text, `"` as &quot;, which is what the quote rules look for).
    Memoized: a headline is shown on its page, on cards and beside its neighbours."""
    if not _TEXT_TRIGGER.search(text):
        return text
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return unescape(typographer(escaped))


_TEXT_TRIGGER = re.compile(r"[\"']|--|\.\.|\+-|,,|\?\?\?\?|!!!!|\((?:c|tm|r)\)", re.I)


def _inline(html: str) -> str:
    """One inline block: its tokens as markdown-it sees them, typographed, written back."""
    pieces = _PIECE.findall(html)
    texts: dict[int, list[_Tok]] = {}  # piece index -> its line tokens
    tails: dict[int, str] = {}  # piece index -> trailing text that is not part of the inline block
    inline: list[_Tok] = []
    level = 0
    i, n = 0, len(pieces)
    while i < n:
        piece = pieces[i]
        i += 1
        if piece[0] != "<":
            toks = [_Tok(_TEXT, line, level) for line in (unescape(piece) if "&" in piece else piece).split("\n")]
            texts[i - 1] = toks
            inline.append(toks[0])
            for tok in toks[1:]:
                inline.append(_Tok(_BREAK, "", level))
                inline.append(tok)
            continue
        m = _TAG_NAME.match(piece)
        name = m.group(1) if m else ""
        if name in _NESTING:
            if 'class="footnote-backref"' in piece:
                # the back-links end the note's text, and the space before them is theirs
                last = inline[-1] if inline else None
                if last is not None and last.kind == _TEXT and last.content.endswith(" ") and i - 2 in texts:
                    last.content = last.content[:-1]
                    tails[i - 2] = " "
                break
            if piece[1] == "/":
                level -= 1
                inline.append(_Tok(_OTHER, "", level))
            else:
                inline.append(_Tok(_OTHER, "", level))
                level += 1
        elif name == "code":
            end = pieces.index("</code>", i)
            inline.append(_Tok(_OTHER, unescape("".join(pieces[i:end])), level))
            i = end + 1
        elif name == "img":
            alt = _ALT.search(piece)
            inline.append(_Tok(_OTHER, unescape(alt.group(1)) if alt else "", level))
        elif name == "br":
            inline.append(_Tok(_BREAK, "", level))
        elif name == "sup":  # a footnote reference: one empty token
            inline.append(_Tok(_OTHER, "", level))
            i = pieces.index("</sup>", i) + 1
    _process(inline)
    changed = False
    for idx, toks in texts.items():
        text = "\n".join(tok.content for tok in toks) + tails.get(idx, "")
        if text != (unescape(pieces[idx]) if "&" in pieces[idx] else pieces[idx]):
            pieces[idx] = _escape(text)
            changed = True
    return "".join(pieces) if changed else html


def _process(tokens: list[_Tok]) -> None:
    quotes = False
    for tok in tokens:
        if tok.kind == _TEXT and tok.content:
            if "(" in tok.content:
                tok.content = _SCOPED_ABBR.sub(lambda m: _ABBR[m.group(1).lower()], tok.content)
            if _RARE.search(tok.content):
                tok.content = _replace_rare(tok.content)
            quotes = quotes or "'" in tok.content or '"' in tok.content
    if quotes:
        _smartquotes(tokens)


# rules_core/replacements.py
_RARE = re.compile(r"\+-|\.\.|\?\?\?\?|!!!!|,,|--")
_SCOPED_ABBR = re.compile(r"\((c|tm|r)\)", flags=re.IGNORECASE)
_ABBR = {"c": "©", "r": "®", "tm": "™"}
_PLUS_MINUS = re.compile(r"\+-")
_ELLIPSIS = re.compile(r"\.{2,}")
_ELLIPSIS_QUESTION_EXCLAMATION = re.compile(r"([?!])…")
_QUESTION_EXCLAMATION = re.compile(r"([?!]){4,}")
_COMMA = re.compile(r",{2,}")
_EM_DASH = re.compile(r"(^|[^-])---(?=[^-]|$)", flags=re.MULTILINE)
_EN_DASH = re.compile(r"(^|\s)--(?=\s|$)", flags=re.MULTILINE)
_EN_DASH_INDENT = re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", flags=re.MULTILINE)


def _replace_rare(text: str) -> str:
    text = _PLUS_MINUS.sub("±", text)
    text = _ELLIPSIS.sub("…", text)
    text = _ELLIPSIS_QUESTION_EXCLAMATION.sub("\\1..", text)
    text = _QUESTION_EXCLAMATION.sub("\\1\\1\\1", text)
    text = _COMMA.sub(",", text)
    text = _EM_DASH.sub("\\1\u2014", text)
    text = _EN_DASH.sub("\\1\u2013", text)
    return _EN_DASH_INDENT.sub("\\1\u2013", text)


# rules_core/smartquotes.py (quotes “ ” ‘ ’, markdown-it's defaults)
_QUOTE = re.compile(r"['\"]")
_APOSTROPHE = "\u2019"
_DOUBLE = ("\u201c", "\u201d")
_SINGLE = ("\u2018", "\u2019")


def _neighbour(tokens: list[_Tok], indices: range, last: bool) -> int:
    """The character next to a token boundary: the nearest non-empty token up to a line break."""
    for j in indices:
        tok = tokens[j]
        if tok.kind == _BREAK:
            break
        if tok.content:
            return ord(tok.content[-1 if last else 0])
    return 0x20


# markdown-it-py's character classes (markdown_it.common.utils: isWhiteSpace, isMdAsciiPunct and
# isPunctChar), written out here: importing them loads all of markdown-it-py (~20 ms of a build that
# renders one page), and titles with an apostrophe now go through this module. A unit test checks
# that they match markdown-it-py's for every character.
_MD_WHITESPACE = frozenset({0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000})
_MD_ASCII_PUNCT = frozenset(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _is_white_space(code: int) -> bool:
    return 0x2000 <= code <= 0x200A or code in _MD_WHITESPACE


def _smartquotes(tokens: list[_Tok]) -> None:
    """markdown-it's process_inlines, with its answers, in linear time. Its own rebuilds a token's text
    for every quote it replaces and looks down the stack of open quotes for each closing one: a body of
    300,000 quotes took a minute, a million more than ten. Here a token's characters are replaced in a
    list, joined once at the end, and the open quotes are found by (level, kind) directly. A quote's
    neighbours are read from the text as it was: a straight quote and a curly one are both punctuation,
    so no answer depends on which it is yet."""

    def _is_punct(code: int) -> bool:
        return code in _MD_ASCII_PUNCT or unicodedata.category(chr(code)).startswith(("P", "S"))

    stack: list[tuple[int, int, bool, int]] = []  # (token index, position, single, level), levels never decreasing
    tops: dict[tuple[int, bool], list[int]] = {}  # (level, single) -> the stack's indices of such openers
    edits: dict[int, list[str]] = {}  # a token's characters, once one of them is replaced

    def replace(k: int, at: int, quote: str) -> None:
        chars = edits.get(k)
        if chars is None:
            chars = edits[k] = list(tokens[k].content)
        chars[at] = quote

    def cut(size: int) -> None:  # del stack[size:]
        while len(stack) > size:
            _, _, single, level = stack.pop()
            tops[(level, single)].pop()

    for i, token in enumerate(tokens):
        this_level = token.level
        while stack and stack[-1][3] > this_level:
            cut(len(stack) - 1)
        if token.kind != _TEXT:
            continue
        text = token.content
        pos = 0
        while pos < len(text):
            m = _QUOTE.search(text, pos)
            if not m:
                break
            at = m.start()
            pos = at + 1
            single = m.group(0) == "'"
            last_char = ord(text[at - 1]) if at > 0 else _neighbour(tokens, range(i - 1, -1, -1), last=True)
            next_char = ord(text[pos]) if pos < len(text) else _neighbour(tokens, range(i + 1, len(tokens)), last=False)
            last_punct, next_punct = _is_punct(last_char), _is_punct(next_char)
            last_space, next_space = _is_white_space(last_char), _is_white_space(next_char)
            can_open = not (next_space or (next_punct and not (last_space or last_punct)))
            can_close = not (last_space or (last_punct and not (next_space or next_punct)))
            if next_char == 0x22 and not single and 0x30 <= last_char <= 0x39:
                can_open = can_close = False  # 1"" - the first quote is an inch mark
            if can_open and can_close:
                can_open, can_close = last_punct, next_punct
            if not can_open and not can_close:
                if single:
                    replace(i, at, _APOSTROPHE)
                continue
            if can_close:  # the nearest opener of its kind at this level (those of a lower level are below)
                openers = tops.get((this_level, single))
                if openers:
                    j = openers[-1]
                    open_quote, close_quote = _SINGLE if single else _DOUBLE
                    replace(i, at, close_quote)
                    replace(stack[j][0], stack[j][1], open_quote)
                    cut(j)
                    continue
            if can_open:
                tops.setdefault((this_level, single), []).append(len(stack))
                stack.append((i, at, single, this_level))
            elif can_close and single:
                replace(i, at, _APOSTROPHE)
    for k, chars in edits.items():
        tokens[k].content = "".join(chars)


def smartquotes_rule(state: Any) -> None:
    """markdown-it-py's core rule `smartquotes` (markdown.py puts it in place of the stock one, unless
    NEWSGEN_STOCK_SMARTQUOTES=1): the same answers, in linear time, by `_smartquotes` on each inline
    token's children. For the default quotes “”‘’ only, which newsgen's parser keeps (markdown.py checks);
    tests/unit/test_markdown_limits.py compares it with the stock rule."""
    if not state.md.options.typographer:
        return
    for token in state.tokens:
        if token.type != "inline" or token.children is None or not _QUOTE.search(token.content):
            continue
        children = token.children
        toks = [_Tok(_TEXT if c.type == "text" else _BREAK if c.type in ("softbreak", "hardbreak") else _OTHER,
                     c.content, c.level) for c in children]
        _smartquotes(toks)
        for child, tok in zip(children, toks, strict=True):
            if tok.content is not child.content:
                child.content = tok.content
