"""The fast-dialect check as it was before it was made cheaper (fastpath.py at 314d40f, verbatim: its
`_AtLineStart` class, patterns, `in_fast_dialect` and the helper scans), kept as the reference that
tests/unit/test_markdown_dialect.py compares the current `fastpath.in_fast_dialect` with. Not used by
newsgen itself; do not change it to follow fastpath.py: it is what "the same answer" is measured against."""

from __future__ import annotations

import re


class _AtLineStart:
    """A pattern matched at the start of any line (what `^` with re.M means), found 8x faster:
    Python's re skips quickly to a leading literal, so the search is for "\n" + pattern, and
    the first line is tried on its own."""

    def __init__(self, pattern: str) -> None:
        self._first = re.compile(pattern, re.M)
        self._rest = re.compile(f"\n(?:{pattern})", re.M)

    def search(self, text: str) -> re.Match[str] | None:
        return self._first.match(text) or self._rest.search(text)


# 1. characters (each searched only when its first character occurs: one alternation scanned over
# every body cost more than rendering it)
_RAW_HTML = re.compile(r"<[A-Za-z/!?]|<[^\x00-\x7f]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# NUL (markdown-it makes it U+FFFD) and the whitespace that Python's str.strip() removes and Rust's
# trim_ascii does not; looked for one by one: 30 `in` scans cost a tenth of a character-class regex
_ODD_ASCII = "\x00\x0b\x0c\x1c\x1d\x1e\x1f"
_ODD_SPACE = "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_MAX_MARKERS = 3000  # pyrs' emphasis pairing grows with the square of the markers in a paragraph
# 3. links
# a destination that is not printable ASCII without `(`, `[` or a backtick up to its `)` or title
_ODD_DESTINATION = re.compile(r"\]\(\s*[!-'*-Z\\\]-_a-~]*[^!-'*-Z\\\]-_a-~\s)]")
_LINK_DEFINITION = _AtLineStart(r" {0,3}\[[^^\]\n][^\]\n]*\]:")
# 4. blocks
_TAB_IN_QUOTE = _AtLineStart(r"[ \t>]*>[ >]*\t")  # tabs expand to columns: otherwise after `>`
_LAZY_QUOTE = _AtLineStart(r"[ \t]*>[^\n]*\n(?![ \t]*>|[ \t]*(?:\n|$))")
_FOOTNOTE_LINE = re.compile(r"[ \t>]*\[\^[^\]\n]*\]:")
# a definition (searched in "\n" + body: each line has a \n before it)
_NOTE_GOES_ON = re.compile(r"\n(?:[ \t]*\n)*[ \t]+\S")
_FOOTNOTE_DEFINITION = re.compile(r"\n[ \t>]*\[\^([^\]\n]*)\]:([^\n]*)")
_INDENTED_FOOTNOTE = _AtLineStart(r"[ \t]+\[\^[^\]\n]*\]:")
_TABLE_EDGE = _AtLineStart(r"[ \t]*[-*+:][-*+: \t]*$|[^|\n]*\n[-: \t]*\|[-:| \t]*$")
# a line that starts a block right under a line with a pipe (markdown-it-py ends a table there, and
# lets an ordered list that starts at n != 1 do it)
# a table whose rows are followed by a line of text without a pipe (a row in one parser, not the other)
_TABLE_TAIL = _AtLineStart(r"[-: \t]*\|[-:| \t]*\n(?:[^\n|]*\|[^\n]*\n)*+[ \t]*[^\s|][^\n|]*(?:\n|$)")
# a table whose header row starts a list item or a quote
_TABLE_IN_BLOCK = _AtLineStart(r"[ \t]*(?:[-*+>]|[0-9]{1,9}[.)])[^\n]*\n[-: \t]*\|[-:| \t]*$")
_UNDER_PIPE = re.compile(r"\|[^\n|]*\n {0,3}(?:[0-9]{1,9}[.)]|[-*+>#=`~])")
_COLON_DELIMITER = _AtLineStart(r"[ \t]*(?::-|-[- \t]*:)[-: \t]*$")
# a line whose container prefix could reach nesting level 20 (each level takes at least one character
# of `>`, list marker or indentation): markdown-it stops at 20 and drops the rest of the body (which
# body_problem reports), pyrs 0.4 goes on (and overflows its stack past ~20k levels). Not a thematic break.
DEEP_NESTING = _AtLineStart(r"(?! {0,3}([-*_])(?:[ \t]*\1)+[ \t]*$)[ \t>*+\-0-9.)]{18}")
# that, or an empty list item (pyrs 0.4 lets it continue a paragraph): one search
_DEEP_OR_EMPTY_ITEM = _AtLineStart(r"(?! {0,3}([-*_])(?:[ \t]*\1)+[ \t]*$)[ \t>*+\-0-9.)]{18}|"
                                   r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]*$")
# 5. code spans and images
_BACKTICKS = re.compile(r"`+")
_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[^`\n]*$")
_IMAGE_LABEL = re.compile(r"!\[([^\]]*)")
_ALT_MARKUP = re.compile(r"[*_`~\[]")


def in_fast_dialect(body: str) -> bool:
    """Whether markdown-it-pyrs and the post-pass write for `body` what markdown-it-py writes."""
    # (a scan for two or three characters costs ~5 us in a Vietnamese body, for a rare one ~0.6 us:
    # the rare first character is looked for first)
    if "\\" in body or ("^" in body and "^[" in body) or ("<" in body and _RAW_HTML.search(body)) or (
            "&" in body and _ENTITY.search(body)) or any(c in body for c in _ODD_ASCII):
        return False
    if body.isascii():
        if body.count("*") + body.count("_") + body.count("~") > _MAX_MARKERS:
            return False
    elif any(c in body for c in _ODD_SPACE) or not _markers_beside_text(body):
        return False
    if "_" in body and "*" in body and not _one_emphasis_marker(body):
        return False
    if "](" in body and _ODD_DESTINATION.search(body):
        return False
    if "]:" in body:
        if _LINK_DEFINITION.search(body) or not _footnote_definitions_plain(body):
            return False  # reference links: the parsers match labels to definitions differently
    if ">" in body and (_LAZY_QUOTE.search(body) or ("\t" in body and _TAB_IN_QUOTE.search(body))):
        return False
    if "|" in body and (_TABLE_EDGE.search(body) or _UNDER_PIPE.search(body) or _TABLE_TAIL.search(body)
                        or _TABLE_IN_BLOCK.search(body)):
        return False  # near a table: `---`, a lone `-`/`*`, a block or a row without a pipe under it
    if ":" in body and _COLON_DELIMITER.search(body):
        return False  # `:--`, or `a` over `-- :`: the parsers disagree
    if _DEEP_OR_EMPTY_ITEM.search(body):
        return False
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
