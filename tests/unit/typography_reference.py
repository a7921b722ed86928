"""typography.py as it was before its search for work was made cheaper (src/newsgen/content/typography.py
at 7b88e53, verbatim below this note), kept as the reference that tests/unit/test_typography_equivalence.py
compares the current module with. Not used by newsgen itself; do not change it to follow typography.py:
it is what "the same output" is measured against.

markdown-it's typographer (replacements + smart quotes), run on the HTML that markdown-it-pyrs renders.

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

import functools
import re
import unicodedata
from html import unescape

_PIECE = re.compile(r"<[^>]*>|[^<]+")
_TAG_NAME = re.compile(r"</?([a-z0-9]+)")
_ALT = re.compile(r'\salt="([^"]*)"')
_BLOCKS = re.compile(
    r"(<pre>.*?</pre>|</?(?:p|h[1-6]|li|ul|ol|blockquote|table|thead|tbody|tr|th|td|hr|section|div)\b[^>]*>)", re.S
)
_TRIGGER = re.compile(r"&quot;|'|--|\.\.|\+-|,,|\?\?\?\?|!!!!|\((?:c|tm|r)\)", re.I)
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
    if not _TRIGGER.search(html):
        return html
    parts = _BLOCKS.split(html)  # inline blocks at even indices, block tags and <pre> at odd ones
    changed = False
    for k in range(0, len(parts), 2):
        part = parts[k]
        if _TRIGGER.search(part):
            new = _inline(part)
            if new is not part:
                parts[k] = new
                changed = True
    return "".join(parts) if changed else html


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


def _replace_at(text: str, index: int, ch: str) -> str:
    return text[:index] + ch + text[index + 1 :]


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
    """markdown-it's process_inlines, line for line where it matters."""

    def _is_punct(code: int) -> bool:
        return code in _MD_ASCII_PUNCT or unicodedata.category(chr(code)).startswith(("P", "S"))

    stack: list[tuple[_Tok, int, bool, int]] = []  # (token, position, single, level)
    for i, token in enumerate(tokens):
        this_level = token.level
        while stack and stack[-1][3] > this_level:
            stack.pop()
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
                    token.content = text = _replace_at(text, at, _APOSTROPHE)
                continue
            if can_close:
                matched = False
                for j in range(len(stack) - 1, -1, -1):
                    opener, opener_pos, opener_single, opener_level = stack[j]
                    if opener_level < this_level:
                        break
                    if opener_single == single and opener_level == this_level:
                        open_quote, close_quote = _SINGLE if single else _DOUBLE
                        token.content = text = _replace_at(text, at, close_quote)
                        opener.content = _replace_at(opener.content, opener_pos, open_quote)
                        if opener is token:
                            text = token.content
                        del stack[j:]
                        matched = True
                        break
                if matched:
                    continue
            if can_open:
                stack.append((token, at, single, this_level))
            elif can_close and single:
                token.content = text = _replace_at(text, at, _APOSTROPHE)
