"""The public Markdown test suites in tests/fixtures/markdown/ (see the README there), and the one
table of what newsgen renders differently on purpose.

An example's expected HTML is what a plain CommonMark (or GFM, or plugin) renderer writes. newsgen's
`render_html` is markdown-it-py with newsgen's options and plugins, so the two are compared after
`normalize()`, which undoes exactly the differences listed in DELIBERATE (newsgen's choices) and
DIALECT (how the suite's own renderer spells the same thing). Nothing else is normalized.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it.utils import read_fixture_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "markdown"


@dataclass(frozen=True)
class Example:
    suite: str  # e.g. "commonmark", "markdown-it-py/tables", "cmark-gfm/spec"
    name: str  # the example's number or title, as the suite names it
    markdown: str
    html: str
    expected: bool  # compare with `html` (False: the suite needs options newsgen does not use)

    @property
    def id(self) -> str:
        return f"{self.suite}:{self.name}"


# ------------------------------------------------------------------------------------------------
# newsgen's deliberate differences from a plain renderer: (kind, what, pattern, replacement), applied
# in this order to both the expected and the actual HTML. This is the one place they are listed.
_Rule = tuple[str, str, "re.Pattern[str]", "str | Callable[[re.Match[str]], str]"]

DELIBERATE: list[_Rule] = [
    ("html5", "void elements without the XHTML slash: <br>, <hr>, <img ...> (xhtmlOut off)",
     re.compile(r"<((?:br|hr|img)\b[^>]*?) />"), r"<\1>"),
    ("heading ids", "anchors for h2-h4 (mdit-py-plugins anchors, newsgen's slugify)",
     re.compile(r'<(h[234]) id="[^"]*">'), r"<\1>"),
    ("figures", "a paragraph holding only a titled image is a <figure> with the title as <figcaption>",
     re.compile(r'<figure><img src="([^"]*)" alt="([^"]*)"( [^>]*)?><figcaption>([^<]*)</figcaption></figure>'),
     r'<p><img src="\1" alt="\2" title="\4"\3></p>'),
    ("lazy images", 'every image gets loading="lazy" decoding="async"',
     re.compile(r' loading="lazy" decoding="async"'), ""),
    ("typography", "smart quotes (markdown-it typographer): “ ” ‘ ’ for straight quotes",
     re.compile("[\u201c\u201d]|[\u2018\u2019]"), lambda m: "&quot;" if m.group(0) in "\u201c\u201d" else "'"),
    ("typography", "replacements: dashes, ellipsis, (c) (r) (tm), +-, repeated ?!, ,,",
     re.compile("[-\u2013\u2014]*[\u2013\u2014][-\u2013\u2014]*|-{2,}|[.\u2026]*\u2026[.\u2026]*|\\.{2,}|"
                "[\u00b1\u00a9\u00ae\u2122]|\\?{4,}|!{4,}|,{2,}|\\((?:c|r|tm)\\)", re.I),
     lambda m: _fold_typography(m.group(0))),
]

# the suites' renderers spell some things differently from markdown-it (not newsgen's choice)
DIALECT: list[_Rule] = [
    ("gfm", "cmark-gfm writes <del> for strikethrough, markdown-it <s>",
     re.compile(r"<(/?)del>"), r"<\1s>"),
    ("gfm", 'cmark-gfm writes align="x" on table cells, markdown-it style="text-align:x"',
     re.compile(r' align="(left|center|right)"'), r' style="text-align:\1"'),
    ("", "markdown-it writes an empty blockquote as <blockquote></blockquote> (markdown-it-py's own spec "
         "test folds it: CommonMark examples 218, 239, 240)",
     re.compile(r"<blockquote>\n</blockquote>"), "<blockquote></blockquote>"),
    ("mdit-py-plugins/footnote", "its fixture file has the back-link as ↩, ↩︎ or <- (its test folds them)",
     re.compile("\u21a9\ufe0e?|&lt;-|<-"), "\u21a9"),
    ("markdown-it-py/commonmark_extras markdown-it-py/xss", "these files are rendered with langPrefix ''",
     re.compile(r'<code class="language-'), '<code class="'),
]


# examples whose expected HTML is not markdown-it-py's for a reason that is neither newsgen's choice nor
# a spelling: (suite:name, why)
NOT_MARKDOWN_IT: dict[str, str] = {
    "cmark-gfm/spec:645 (Raw HTML)": "GFM 0.29's HTML comment rule; CommonMark 0.31.2 (markdown-it) changed it",
    "cmark-gfm/spec:646 (Raw HTML)": "GFM 0.29's HTML comment rule; CommonMark 0.31.2 (markdown-it) changed it",
}


def _fold_typography(text: str) -> str:
    folded = {"\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00b1": "+-", "\u00a9": "(c)", "\u00ae": "(r)",
              "\u2122": "(tm)"}.get(text)
    if folded is not None:
        return folded
    if text[0] in "-\u2013\u2014":
        return "-"
    if text[0] in ".\u2026":
        return "..."
    if text[0] in "?!":
        return text[0] * 3
    if text[0] == ",":
        return ","
    return text.lower()


def normalize(html: str, suite: str) -> str:
    for _kind, _what, pattern, replacement in DELIBERATE:
        html = pattern.sub(replacement, html)
    for kind, _what, pattern, replacement in DIALECT:
        if any(suite.startswith(k) for k in kind.split(" ")) or (kind == "gfm" and suite.startswith("cmark-gfm")):
            html = pattern.sub(replacement, html)
    return html


def deliberate_kinds(actual: str, suite: str) -> set[str]:
    """Which of the DELIBERATE differences show in newsgen's HTML of one example."""
    kinds = set()
    for kind, _what, pattern, replacement in DELIBERATE:
        if pattern.sub(replacement, actual) != actual:
            kinds.add(kind)
        actual = pattern.sub(replacement, actual)
    return kinds


# ------------------------------------------------------------------------------------------------
# the suites

# markdown-it-py fixture files and whether newsgen's options are the ones the file is rendered with
_MARKDOWN_IT_PY = {
    "commonmark_extras": True, "normalize": True, "fatal": True, "strikethrough": True, "tables": True,
    "typographer": True, "smartquotes": True, "issue-fixes": True, "xss": True, "punycode": False, "proto": True,
}
_GFM_FENCE = "`" * 32


def _gfm_examples(path: Path, suite: str) -> list[Example]:
    """cmark's spec format: ```` example [extensions] blocks, `→` for a tab."""
    out: list[Example] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i, number = 0, 0
    section = ""
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith(_GFM_FENCE + " example"):
            extensions = line[len(_GFM_FENCE + " example"):].strip()
            j = lines.index(".", i + 1)
            k = lines.index(_GFM_FENCE, j + 1)
            number += 1
            markdown = "\n".join(lines[i + 1 : j]) + "\n" if j > i + 1 else ""
            html = "\n".join(lines[j + 1 : k]) + "\n" if k > j + 1 else ""
            markdown, html = markdown.replace("→", "\t"), html.replace("→", "\t")
            out.append(Example(suite, f"{number} ({section})", markdown, html, _gfm_expected(suite, section,
                                                                                              extensions)))
            i = k
        i += 1
    return out


# GFM sections whose behaviour markdown-it (CommonMark + tables + strikethrough) does not have
_GFM_OTHER = ("Task list items", "Autolinks (extension)", "Disallowed Raw HTML", "Tabs")


def _gfm_expected(suite: str, section: str, extensions: str) -> bool:
    if any(section.startswith(s) for s in _GFM_OTHER) or {"autolink", "tagfilter", "tasklist"} & set(
        extensions.split()
    ):
        return False
    return suite == "cmark-gfm/spec" or section in ("Tables", "Strikethrough")


def load_examples() -> list[Example]:
    examples = [
        Example("commonmark", str(e["example"]), e["markdown"], e["html"], True)
        for e in json.loads((FIXTURES / "commonmark" / "commonmark.json").read_text(encoding="utf-8"))
    ]
    for name, expected in _MARKDOWN_IT_PY.items():
        for line, title, markdown, html in read_fixture_file(FIXTURES / "markdown-it-py" / f"{name}.md"):
            examples.append(Example(f"markdown-it-py/{name}", f"{line} {title}".strip(), markdown, html, expected))
    for line, title, markdown, html in read_fixture_file(FIXTURES / "mdit-py-plugins" / "footnote.md"):
        examples.append(Example("mdit-py-plugins/footnote", f"{line} {title}".strip(), markdown, html,
                                "ALWAYS_MATCH-REFS" not in title and "DISABLE-CODEBLOCKS" not in title))
    for name in ("spec", "extensions", "regression"):
        examples += _gfm_examples(FIXTURES / "cmark-gfm" / f"{name}.txt", f"cmark-gfm/{name}")
    return examples
