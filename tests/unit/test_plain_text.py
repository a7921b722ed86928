"""`plain_text` (standfirsts taken from a body's first paragraph) answers a line with nothing Markdown or the
typographer would change without markdown-it-py. Checked against markdown-it-py itself (the reference,
`plain_text_by_markdown_it`: markdown-it-py's inline tokens, their text kept, as plain_text was before) on
the CommonMark spec's lines, the demo site's paragraphs and random lines weighted toward what standfirsts are made of."""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen.content import markdown
from newsgen.content.markdown import plain_text
from newsgen.content.markdown import plain_text_by_markdown_it as reference

FIXTURES = Path(__file__).parent.parent / "fixtures" / "markdown"
REPO = Path(__file__).parent.parent.parent


def _lines() -> list[str]:
    spec = json.loads((FIXTURES / "commonmark" / "commonmark.json").read_text(encoding="utf-8"))
    lines = [line for example in spec for line in example["markdown"].splitlines()]
    for path in sorted((REPO / "content").rglob("*.md")):
        lines += path.read_text(encoding="utf-8").split("\n\n")
    return lines


def test_the_spec_lines_and_the_demo_paragraphs_read_as_markdown_it_py_reads_them() -> None:
    lines = _lines()
    assert len(lines) > 2000
    for line in lines:
        assert plain_text(line) == reference(line), line


# mostly what a standfirst is made of, with everything markdown-it-py or its typographer acts on now and then
_COMMON = string.ascii_letters + string.digits + "     ''''.,;:?-/%#$=@{}|>)" + "ếưđọàĐÖß一①½—’“”©\u0301\xa0\u3000😀"
_RARE = "\x00\\`~*_[]!<&^\"(+"


def test_random_lines_read_as_markdown_it_py_reads_them() -> None:
    rng = random.Random(18)
    taken = 0
    for _ in range(20_000):
        line = "".join(rng.choice(_RARE) if rng.random() < 0.02 else rng.choice(_COMMON)
                       for _ in range(rng.randint(1, 40)))
        taken += markdown._INLINE_SYNTAX.search(" ".join(line.split())) is None
        assert plain_text(line) == reference(line), repr(line)
    assert taken > 5_000  # the lines without markup were most of them


@pytest.mark.parametrize("line", [
    "The city's council voted 7-2 on Monday: a 10% rise, its first since 2019.",
    "Hà Nội's new metro line opens; fares start at 8,000 đồng.",
    "Officials said the plan -- announced in May -- would take years.",
    "Rock 'n' roll returns to the riverside, with 'A night out' billed for June.",
    "She said \"not yet\", and left.",
    "A *bold* move, a [link](https://example.org/) and `code`.",
    "Tickets (c) 2026 +- 5... really?? yes!!!! ok,, fine",
    # each thing the typographer replaces, alone in a line
    "Tickets (c) 2026", "Brand (TM) and (r)", "Up 5 +- 2 points", "Wait.. what", "Really????", "Wow!!!!",
    "One,, two", "Years -- and years", "A long---dash", "She said 'no'", "The '90s", "Its dogs' bowls",
    # each inline rule, alone
    "A \\* star", "Run `ls`", "A ~~strike~~", "An *em*", "An _em_", "[A](b)", "![A](b)", "<b>x</b>", "&amp; so",
    "Note^[inline]", "x[^1]",
])
def test_standfirsts(line: str) -> None:
    assert plain_text(line) == reference(line)


# pieces of lines with links: plain ones (taken without markdown-it-py) and ones that are not links, or not
# only links, for markdown-it-py (each with what could be mistaken at a link's edges)
_TEXTS = ["the plan", "Hà Nội", "it", " spaced ", "a-b", "x's", "'quoted'", '"said"', "*em*", "a_b", "`code`",
          "a\\]b", "^note", "(c)", "a--b", "b..", "[nested]", "", "emoji 😀", "&amp;", "<b>", "!"]
_DESTINATIONS = ["https://example.org/news/x", "http://a.b/c?d=1&e=2#f", "/politics/x/", "x.html", "#top", "",
                 "javascript:alert", "JavaScript:x", "data:text/html", "vbscript:x", "file:///etc", "mailto:a@b.c",
                 "a b", "a(b)c", "<x>", "a\\)b", "https://a.b/'q'", 'x"y', "a\x01b", "ftp://x", "%20", "ếư",
                 'x "title"', "x 'title'", "[x]", "a]b", "h:t"]
_AROUND = ["", " ", "'s", "'", "n't", "!", "!!", ",", ".", "..", "(", ")", "*", "_", "`", "\\", "x", "—", "“", " '"]


def test_lines_with_links_read_as_markdown_it_py_reads_them() -> None:
    rng = random.Random(37)

    def pick(pieces: list[str]) -> str:  # the first six of each list, the plain ones, half the time
        return rng.choice(pieces[:6] if rng.random() < 0.5 else pieces)

    fast = 0
    for _ in range(20_000):
        parts = []
        for _ in range(rng.randint(1, 3)):
            parts += [pick(_AROUND), "!" if rng.random() < 0.05 else "", f"[{pick(_TEXTS)}]({pick(_DESTINATIONS)})",
                      pick(_AROUND), rng.choice(["", " ", " words here "])]
        line = "".join(parts)
        expected = reference(line)
        assert plain_text(line) == expected, repr(line)
        fast += markdown._INLINE_SYNTAX.search(
            " ".join(markdown._PLAIN_LINK.sub(r"\1", " ".join(line.split())).split())) is None
    assert fast > 1_000  # lines answered without markdown-it-py were many of them


def test_a_lead_with_plain_links_does_not_load_markdown_it_py(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(markdown, "_parser", lambda *a: pytest.fail("markdown-it-py was asked"))
    assert plain_text("The [city's council](https://example.org/x) voted [7-2](/politics/vote/) on Monday.") == (
        "The city\u2019s council voted 7-2 on Monday.")


def test_a_plain_standfirst_does_not_load_markdown_it_py(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(markdown, "_parser", lambda *a: pytest.fail("markdown-it-py was asked"))
    assert plain_text("The city's council voted 7-2 on Monday: a 10% rise.") == (
        "The city\u2019s council voted 7-2 on Monday: a 10% rise.")


def test_an_edit_to_an_article_without_a_summary_does_not_import_markdown_it_py(make_site) -> None:  # type: ignore[no-untyped-def]
    """The edited article is parsed again, its standfirst taken from its first paragraph: markdown-it-py,
    ~0.1 s to import and set up, is not needed for that (its body is in the fast dialect)."""
    a = make_site.article
    root = make_site({"content/politics/one.md": a("One", date="2024-03-01 09:00",
                                                    body="The mayor's plan, in short: more buses.\n"),
                      "content/politics/two.md": a("Two", date="2024-03-02 09:00")})
    command = [sys.executable, "-c", "from newsgen.cli import run; run()", "build", "--jobs", "1"]
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    story = root / "content/politics/one.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA line added.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    run = subprocess.run(command, cwd=root, check=True, capture_output=True, text=True, env=env)
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "newsgen.content.parse" in imported and "markdown_it" not in imported
    page = (root / "public/politics/one/index.html").read_text(encoding="utf-8")
    assert "The mayor\u2019s plan, in short: more buses." in page
