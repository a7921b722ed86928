"""The fast renderer: markdown-it-pyrs 0.4 (Rust, ~10x faster than markdown-it-py) plus a post-pass,
for the bodies written in the *fast dialect*, the part of Markdown on which the two are proven to
write the same HTML. `render_fast` returns None for any other body, and markdown.py renders it
with markdown-it-py (the reference, what newsgen's behaviour is specified on).

The fast dialect, stated positively (`in_fast_dialect`): a body is in it when

1. its characters are text: no backslash, no `&` entity, no `<` opening a tag or an autolink, no
   whitespace but space, tab and newline, no NUL, no `^[` inline note (pyrs panics on some);
2. every emphasis or strikethrough marker (`*`, `_`, `~`) stands next to ASCII, a letter, a digit or
   whitespace (the parsers class other characters, symbols and emoji, differently); a body with `*`
   has `_` only inside words (mixed runs are paired otherwise); at most 3,000 markers (pyrs pairs
   them in quadratic time);
3. links are inline, `[text](destination "title")`, with a printable ASCII destination without
   `(`, `[` or backticks: no link reference definitions (`[label]: url`, labels are matched otherwise);
4. its blocks are paragraphs, ATX and setext headings, lists, quotes whose every line starts with
   `>` (no tab after it), tables at the top level that end at a blank line, fenced and indented
   code, thematic breaks, one-line footnote definitions between blank lines or other definitions;
   no line could nest near markdown-it's limit of 20 levels, and no list item is empty;
5. every code span closes on its own line and holds more than spaces, three or more tildes only
   make fences, and no image alt text has markup.

Each rule is there because a suite example or a fuzz document showed the two parsers (or pyrs'
panics) differ beyond it; each is a cheap scan (the whole check is ~18 us for a 5 kB Vietnamese body,
~8 us for an ASCII one).

Then the post-pass writes what markdown-it-py's options and newsgen's plugins add: the typographer
(typography.py), heading ids (`headings.py`), figures, lazy images, footnote ids and labels as
mdit-py-plugins writes them. Whatever the post-pass cannot make identical (footnotes numbered
otherwise than by first reference, a doubled back-link) also returns None.

tests/unit/test_markdown_spec.py checks this on the CommonMark, GFM, markdown-it-py and
mdit-py-plugins suites, tests/unit/test_markdown_fuzz.py on documents glued from their examples.
"""

from __future__ import annotations

import functools
import re

from markdown_it_pyrs import MarkdownIt as FastMarkdownIt

from .headings import HeadingIds
from .typography import typographer


@functools.lru_cache(maxsize=1)
def _fast_parser() -> FastMarkdownIt:
    # no "replacements"/"smartquotes": typography.py does them (pyrs also rewrites inline code)
    return FastMarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote"])


class _AtLineStart:
    """A pattern matched at the start of any line (what `^` with re.M means), found 8x faster:
    Python's re skips quickly to a leading literal, so the search is for "\n" + pattern, and
    the first line is tried on its own."""

    def __init__(self, pattern: str) -> None:
        self._first = re.compile(pattern, re.M)
        self._rest = re.compile(f"\n(?:{pattern})", re.M)

    def search(self, text: str) -> re.Match[str] | None:
        return self._first.match(text) or self._rest.search(text)


# What a pass over a 5 kB Vietnamese body costs: `c in body` for a character rare in it ~0.3 us
# (memchr), a regex search or a two-character `in` ~3.5 us (Python's re and str walk it character by
# character), a regex that starts with a character class ~20 us. So each rule is looked for only when
# the rare character it needs occurs, the rules matched at a line start are one regex search, and the
# link rules are tried at each `]` (one or two in an article).

# 1. characters (each searched only when its first character occurs)
_RAW_HTML = re.compile(r"<[A-Za-z/!?]|<[^\x00-\x7f]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# NUL (markdown-it makes it U+FFFD) and the whitespace that Python's str.strip() removes and Rust's
# trim_ascii does not; looked for one by one: 30 `in` scans cost a tenth of a character-class regex.
# NUL, U+2000 and U+3000 (codes that are multiples of 256: no memchr shortcut in a two-byte string)
# with str.find, which takes ~1.8 us there where `in` takes ~3.1.
_ODD_ASCII = "\x0b\x0c\x1c\x1d\x1e\x1f"  # and NUL
_ODD_SPACE = "\x85\xa0\u1680" + "".join(map(chr, range(0x2001, 0x200B))) + "\u2028\u2029\u202f\u205f"  # and 2000, 3000
_MAX_MARKERS = 3000  # pyrs' emphasis pairing grows with the square of the markers in a paragraph
# 3. links
# a destination that is not printable ASCII without `(`, `[` or a backtick up to its `)` or title
# (possessive: the classes do not overlap, so a destination need not be tried again a character shorter
# at a time: ~0.4 us a link instead of ~1)
_ODD_DESTINATION = re.compile(r"\]\(\s*+[!-'*-Z\\\]-_a-~]*+[^!-'*-Z\\\]-_a-~\s)]")
_LINK_DEFINITION = _AtLineStart(r" {0,3}\[[^^\]\n][^\]\n]*\]:")
_BRACKETS_ONE_BY_ONE = 16  # `]`s looked at one by one; past them, one scan for each rule
# 4. blocks
_TAB_IN_QUOTE = r"[ \t>]*>[ >]*\t"  # tabs expand to columns: otherwise after `>`
_LAZY_QUOTE = r"[ \t]*>[^\n]*\n(?![ \t]*>|[ \t]*(?:\n|$))"
_FOOTNOTE_LINE = re.compile(r"[ \t>]*\[\^[^\]\n]*\]:")
# a definition (searched in "\n" + body: each line has a \n before it)
_NOTE_GOES_ON = re.compile(r"\n(?:[ \t]*\n)*[ \t]+\S")
_FOOTNOTE_DEFINITION = re.compile(r"\n[ \t>]*\[\^([^\]\n]*)\]:([^\n]*)")
_INDENTED_FOOTNOTE = _AtLineStart(r"[ \t]+\[\^[^\]\n]*\]:")
# near a table (in a body with a pipe): a `---`, a lone `-`/`*` line, a block or a row without a pipe under it
_TABLE_EDGE = r"[ \t]*[-*+:][-*+: \t]*$|[^|\n]*\n[-: \t]*\|[-:| \t]*$"
# a line that starts a block right under a line with a pipe (markdown-it-py ends a table there, and
# lets an ordered list that starts at n != 1 do it)
# a table whose rows are followed by a line of text without a pipe (a row in one parser, not the other)
_TABLE_TAIL = r"[-: \t]*\|[-:| \t]*\n(?:[^\n|]*\|[^\n]*\n)*+[ \t]*[^\s|][^\n|]*(?:\n|$)"
# a table whose header row starts a list item or a quote
_TABLE_IN_BLOCK = r"[ \t]*(?:[-*+>]|[0-9]{1,9}[.)])[^\n]*\n[-: \t]*\|[-:| \t]*$"
_UNDER_PIPE = re.compile(r"\|[^\n|]*\n {0,3}(?:[0-9]{1,9}[.)]|[-*+>#=`~])")
# `:--`, or `a` over `-- :`: the parsers disagree
_COLON_DELIMITER = r"[ \t]*(?::-|-[- \t]*:)[-: \t]*$"
# a line whose container prefix could reach nesting level 20 (each level takes at least one character
# of `>`, list marker or indentation): markdown-it stops at 20 and drops the rest of the body (which
# body_problem reports), pyrs 0.4 goes on (and overflows its stack past ~20k levels). Not a thematic break.
DEEP_NESTING = _AtLineStart(r"(?! {0,3}([-*_])(?:[ \t]*\1)+[ \t]*$)[ \t>*+\-0-9.)]{18}")
# that, or an empty list item (pyrs 0.4 lets it continue a paragraph); the nesting first looked at, then
# told from a thematic break (its group named: it is one of several alternatives below)
_DEEP_OR_EMPTY_ITEM = (r"(?=[ \t>*+\-0-9.)]{18})(?! {0,3}(?P<rule>[-*_])(?:[ \t]*(?P=rule))+[ \t]*$)|"
                       r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]*$")
# each of those rules (but the table edge's second alternative) matches only a line that starts with one
# of these characters: a line of prose is passed over after one look (~3.5 of ~7 us in an article)
_LINE_RULE_START = r"(?=[ \t>*+\-.):|0-9])"


@functools.cache
def _line_rules(quote: bool, tab: bool, colon: bool, pipe: bool) -> _AtLineStart:
    """One search for the rules matched at a line start that can fire in a body with (or without) `>`,
    `>` and a tab, `:`, `|`: a match of any of them rules the body out."""
    rules = [_DEEP_OR_EMPTY_ITEM]
    rules += [_LAZY_QUOTE] if quote else []
    rules += [_TAB_IN_QUOTE] if tab else []
    rules += [_COLON_DELIMITER] if colon else []
    rules += [_TABLE_TAIL, _TABLE_IN_BLOCK] if pipe else []
    pattern = _LINE_RULE_START + "(?:" + "|".join(f"(?:{rule})" for rule in rules) + ")"
    if pipe:  # the table edge fires without a pipe, and on a line of any first character
        pattern += f"|(?:{_TABLE_EDGE})"
    return _AtLineStart(pattern)


# 5. code spans and images
_BACKTICKS = re.compile(r"`+")
_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[^`\n]*$")
_IMAGE_LABEL = re.compile(r"!\[([^\]]*)")
_ALT_MARKUP = re.compile(r"[*_`~\[]")


def in_fast_dialect(body: str) -> bool:
    """Whether markdown-it-pyrs and the post-pass write for `body` what markdown-it-py writes."""
    # (the rare first character of a two- or three-character string is looked for first: see above)
    if "\\" in body or ("^" in body and "^[" in body) or ("<" in body and _RAW_HTML.search(body)) or (
            "&" in body and _ENTITY.search(body)) or body.find("\x00") >= 0 or any(map(body.__contains__, _ODD_ASCII)):
        return False
    if body.isascii():
        if not _few_markers(body):
            return False
    elif body.find("\u2000") >= 0 or body.find("\u3000") >= 0 or any(map(body.__contains__, _ODD_SPACE)) or (
            not _markers_beside_text(body)):
        return False
    if "_" in body and "*" in body and not _one_emphasis_marker(body):
        return False
    if "]" in body and not _links_plain(body):
        return False
    quote = ">" in body
    pipe = "|" in body
    if _line_rules(quote, quote and "\t" in body, ":" in body, pipe).search(body):
        return False  # a lazy quote line, `:--`, near a table, deep nesting or an empty list item
    if pipe and _UNDER_PIPE.search(body):
        return False  # a block right under a line with a pipe
    if "!" in body and "![" in body and any(_ALT_MARKUP.search(label) for label in _IMAGE_LABEL.findall(body)):
        return False
    tildes = "~" in body and "~~~" in body
    if "`" in body or tildes:
        if not body.endswith("\n"):
            return False  # an unclosed fence at the very end: markdown-it-py drops its last newline
        if tildes and not _tilde_runs_are_fences(body):
            return False
        if "`" in body and not _code_spans_close(body):
            return False
    return True


def _links_plain(body: str) -> bool:
    """Every link destination is printable ASCII without `(`, `[` or a backtick, and every `]:` ends
    the label of a plain footnote definition (reference links: the parsers match labels to definitions
    differently). Looked at each `]`, then, past _BRACKETS_ONE_BY_ONE of them, in one scan per rule."""
    i = body.find("]")
    for _ in range(_BRACKETS_ONE_BY_ONE):
        if i < 0:
            return True
        after = body[i + 1: i + 2]
        if after == "(" and _ODD_DESTINATION.match(body, i):
            return False
        if after == ":":
            return _definitions_plain(body) and not _ODD_DESTINATION.search(body, i + 1)
        i = body.find("]", i + 1)
    if i < 0:
        return True
    if _ODD_DESTINATION.search(body, i):
        return False
    return body.find("]:", i) < 0 or _definitions_plain(body)


def _definitions_plain(body: str) -> bool:
    return not _LINK_DEFINITION.search(body) and _footnote_definitions_plain(body)


def _markers_beside_text(body: str) -> bool:
    """No `*`, `_`, `~` next to a non-ASCII character that is not a letter or digit (pyrs 0.4 takes
    only Unicode punctuation as punctuation, markdown-it-py also symbols: `*£*`, `_nóng_🔥`), and at
    most _MAX_MARKERS of them. A loop over the markers: a character class scanned over a whole
    Vietnamese body costs ten times more."""
    n = 0
    end = len(body)
    for mark in "*_~":
        i = body.find(mark)
        while i >= 0:
            n += 1
            if n > _MAX_MARKERS:
                return False
            if i and (c := body[i - 1]) > "\x7f" and not c.isalnum():
                return False
            i += 1
            if i < end and (c := body[i]) > "\x7f" and not c.isalnum():
                return False
            i = body.find(mark, i)
    return True


def _few_markers(body: str) -> bool:
    """At most _MAX_MARKERS `*`, `_`, `~`: counted one by one while there are at most 64 (str.count
    scans the whole body: ~2.5 us each in a 5 kB ASCII body), then with str.count."""
    n = 0
    for mark in "*_~":
        i = body.find(mark)
        while i >= 0:
            n += 1
            if n > 64:
                return body.count("*") + body.count("_") + body.count("~") <= _MAX_MARKERS
            i = body.find(mark, i + 1)
    return True


def _one_emphasis_marker(body: str) -> bool:
    """No `_` that could open or close emphasis (one beside a character that is not a letter or
    digit) in a body that has `*`: the parsers pair mixed runs differently (`_* r*_*r*`, `a*_b_`)."""
    end = len(body) - 1
    i = body.find("_")
    while i >= 0:
        if i == 0 or i == end or not (body[i - 1].isalnum() and body[i + 1].isalnum()):
            return False
        i = body.find("_", i + 1)
    return True


def _footnote_definitions_plain(body: str) -> bool:
    """Every `]:` ends the label of a footnote definition; every definition is one line, between
    blank lines or other definitions, its text follows `]: ` and holds no note, and no label is
    defined twice (pyrs 0.4 reads
    otherwise a definition under a paragraph line, an indented one, one with its text on the next
    line, a note in a note; markdown-it-py keeps the last of two definitions, pyrs the first)."""
    if _INDENTED_FOOTNOTE.search(body):
        return False
    labels: set[str] = set()
    text = "\n" + body
    if len(_FOOTNOTE_DEFINITION.findall(text)) != body.count("]:"):
        return False  # a `]:` that is no footnote definition: a link definition (its label on lines)
    for m in _FOOTNOTE_DEFINITION.finditer(text):
        label, rest = m.group(1).lower(), m.group(2)
        if label in labels or not rest.startswith(" ") or rest[1:2].isspace() or len(rest) < 2 or "[^" in rest:
            return False
        labels.add(label)
        start, end = m.start(), m.end()  # each line is looked at as the line above or below one definition
        previous = text[text.rfind("\n", 0, start) + 1: start]
        following = text[end + 1: (text.find("\n", end + 1) + 1 or len(text) + 1) - 1]
        if (previous.strip() and not _FOOTNOTE_LINE.match(previous)) or (
                following.strip() and not _FOOTNOTE_LINE.match(following)) or _NOTE_GOES_ON.match(text, end):
            return False  # text right above or below it, or an indented paragraph after it: the note goes on
    return True


def _tilde_runs_are_fences(body: str) -> bool:
    """Three or more tildes only open or close a fence (strikethrough pairs runs of them otherwise)."""
    at = body.find("~~~")
    while at >= 0:
        start = body.rfind("\n", 0, at) + 1
        if at - start > 3 or body[start:at].strip(" "):
            return False
        end = body.find("\n", at)
        at = body.find("~~~", len(body) if end < 0 else end)
    return True


def _code_spans_close(body: str) -> bool:
    """Every backtick run outside a fence that starts at column 0 opens a code span that closes on
    its line (pyrs 0.4 panics on `[` before a run that never closes) and holds more than spaces
    (markdown-it-py keeps them, pyrs strips them)."""
    fence = ""
    for line in body.split("\n"):
        if fence:
            stripped = line.lstrip(" ")
            if len(line) - len(stripped) <= 3 and stripped.startswith(fence) and \
                    not stripped.rstrip(" \t").strip(fence[0]):
                fence = ""
            continue
        if "`" not in line and "~" not in line:
            continue
        m = _FENCE_OPEN.match(line)
        if m:
            fence = m.group(1)
            continue
        runs = list(_BACKTICKS.finditer(line))
        i = 0
        while i < len(runs):
            opener = runs[i]
            for j in range(i + 1, len(runs)):
                if runs[j].group(0) == opener.group(0):
                    break
            else:
                return False
            if not line[opener.end(): runs[j].start()].strip(" "):
                return False
            i = j + 1
    return not fence  # an unclosed fence: its lines were not looked at


_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#fn(\d+)" id="fnref(\d+)">\[\d+\]</a></sup>')
_BACKREF = re.compile(r'<a href="#fnref(\d+)" class="footnote-backref">')
_FIGURE = re.compile(r'<p><img src="([^"]*)" alt="([^"]*)" title="([^"]+)"></p>')
_IMG = re.compile(r"<img ([^>]*)>")


def render_fast(body: str) -> str | None:
    """markdown-it-pyrs' HTML made the same as markdown-it-py's; None for a body outside the fast
    dialect or one the post-pass cannot match."""
    if not in_fast_dialect(body):
        return None
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
        html = HeadingIds().html(html)
    if "<img" in html:
        html = _FIGURE.sub(
            r'<figure><img src="\1" alt="\2" loading="lazy" decoding="async"><figcaption>\3</figcaption></figure>', html
        )
        html = _IMG.sub(_lazy_image, html)
    return html


def _lazy_image(m: re.Match[str]) -> str:
    attrs = m.group(1)
    if " loading=" in attrs:  # a figure's, done
        return m.group(0)
    return f'<img {attrs} loading="lazy" decoding="async">'


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
