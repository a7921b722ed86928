"""fastpath.in_fast_dialect gives exactly the answer of the check it replaced (markdown_dialect_reference,
the code as it was before it was made cheaper) on: every example of the public suites, the seeded fuzz
documents of test_markdown_fuzz, the benchmark corpus' bodies and the demo site's, targeted strings for
each rule of the dialect in several contexts, and a seeded soup of the characters the rules look at.

A wrong True is a body rendered by markdown-it-pyrs that markdown-it-py would render otherwise; a wrong
False only costs time, but the check is meant to be the same function, so both count.
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Iterable
from pathlib import Path

import pytest

from newsgen.content.fastpath import in_fast_dialect
from newsgen.content.source import decode, split

from . import markdown_dialect_reference as reference
from .markdown_suites import load_examples
from .test_markdown_fuzz import CHUNK, DOCUMENTS, SEED, _documents

REPO = Path(__file__).resolve().parents[2]


def _differences(bodies: Iterable[str]) -> tuple[int, int, list[str]]:
    """(bodies, of which in the dialect, the bodies on which the two checks disagree)."""
    count = taken = 0
    differ = []
    for body in bodies:
        old = reference.in_fast_dialect(body)
        count += 1
        taken += old
        if in_fast_dialect(body) is not old:
            differ.append(body)
    return count, taken, differ


def _assert_same(bodies: Iterable[str], at_least: int = 1) -> None:
    count, taken, differ = _differences(bodies)
    assert count >= at_least
    assert not differ, f"{len(differ)} of {count} differ, e.g. " + "\n\n".join(repr(b[:3000]) for b in differ[:5])


def test_suite_examples() -> None:
    examples = load_examples()
    _assert_same((e.markdown for e in examples), at_least=1600)
    # and each cut short (unclosed constructs) and without its final newline
    _assert_same((e.markdown[: len(e.markdown) // 2] for e in examples), at_least=1600)
    _assert_same((e.markdown.rstrip("\n") for e in examples), at_least=1600)


@pytest.mark.parametrize("chunk", range(0, DOCUMENTS, 5 * CHUNK))
def test_fuzz_documents(chunk: int) -> None:
    """The documents test_markdown_fuzz renders (same seeds), and the same with Vietnamese text and an
    emoji around them (the checks that only run on non-ASCII bodies, two- and four-byte strings)."""
    docs = []
    for sub in range(chunk, min(chunk + 5 * CHUNK, DOCUMENTS), CHUNK):
        docs += _documents(SEED * 1_000_003 + sub, min(CHUNK, DOCUMENTS - sub))
    _assert_same(docs, at_least=len(docs))
    _assert_same(("Tin nóng: " + d + "\nĐà Nẵng\n" for d in docs), at_least=len(docs))
    _assert_same((d + "\n🔥\n" for d in docs), at_least=len(docs))


def _corpus_bodies(root: Path) -> list[str]:
    bodies = []
    for path in sorted(root.rglob("*.md")):
        text = decode(path.read_bytes(), str(path))
        if text.startswith("---"):
            bodies.append(split(text, str(path)).body)
    return bodies


def test_benchmark_corpus_and_demo_site(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    make_corpus.make_corpus(2000, str(tmp_path / "site"))
    bodies = _corpus_bodies(tmp_path / "site" / "content")
    assert len(bodies) == 2000
    count, taken, differ = _differences(bodies)
    assert not differ
    assert taken == count  # the corpus is written in the fast dialect: the common case is the one measured
    demo = _corpus_bodies(REPO / "content")
    assert len(demo) >= 20
    _assert_same(demo)


# ------------------------------------------------------------------------------------------------
# targeted strings: what each rule looks for, and near misses, in several places of a body

RULES: dict[str, list[str]] = {
    "characters": ["a\\b", "a\\\n", "^[note]", "x^2", "^", "<a href=x>", "<é", "</p>", "<!-- c -->", "<?x", "a < b",
                   "<", "1<2", "&amp;", "&#65;", "&#x41;", "&#12345678;", "&nosuch;", "& x", "AT&T", "&",
                   "\x00", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\r", "\x85", "\xa0", "\u1680",
                   *map(chr, range(0x2000, 0x200C)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u3001",
                   "\u0100", "\u1e00", "\u2100", "\u200d", "\ufeff", "\U0001f525", "\u201cq\u201d"],
    "markers": ["*£*", "_nóng_🔥", "*é*", "é*a*", "*a*é", "£*", "*£", "~£~", "~~é~~", "_£_", "a_b", "a_b *c*",
                "_a_ *b*", "*a* _b_", "a*_b_", "_* r*_*r*", "snake_case *x*", "é_é *x*", "*_*", "_*_",
                "**Tin nóng**", "*Đà*", "~~a~~", "a~b", "*🔥*", "🔥*a*", "*a*🔥", "_", "*", "~", "a_", "_a",
                "*" * 3001, "*a " * 1000 + "_b_ " * 501, "~" * 3001,
                "*" * 3000, "*" * 64, "*" * 65, "_" * 2999 + "~~", "a_b " * 1500 + "*", "~" * 1000 + "*é*"],
    "links": ["[a](é)", "[a](u(v))", "[a](u`v)", "[a](u[v)", "[a](<u>)", "[a]( u)", "[a](u \"t\")", "[a](u 'é')",
              "[a](\tu)", "[a](\x01)", "[a]()", "[a](", "[a](u", "[a](https://tuổitrẻ.vn/)", "](", "]", "[a]",
              "[l]: /u", " [l]: /u", "   [l]: /u", "    [l]: /u", "[l]:", "[^l]:", "[^]: x", "a]: b", "[a\nb]: /u",
              "[^1]: note", "[^1]:  note", "[^1]:note", "[^1]: ", "[^1]: a [^2]", " [^1]: note", "\t[^1]: x",
              "> [^1]: note", "[^1]: a\n[^1]: b", "[^1]: a\n[^A]: b", "[^1]: a\n    more", "[^1]: a\n\n    more",
              "text\n[^1]: note", "[^1]: note\ntext", "[^1]: note\n[^2]: two", "[^x]: a\n\n[^y]: b\n", "]:]:",
              "![a](é)", "[a](u) ]: x", "]: " * 5],
    "blocks": ["> a\nb", "> a\n> b", "> a\n\nb", "> a", ">a\nb", "  > a\n  b", "> a\n  > b", ">\ta", "> \ta",
               ">>\ta", "\t> a", "> a\n>\tb", "| a |\n|---|\n| b |\nc", "| a |\n|---|\n| b |\n\nc", "| a |\n|---|",
               "a | b\n--|--\nc | d\ne", "| a |\n|:-|\n| b |", "|a|\n---", "a|b\n-\n", "a | b\n- x", "x|\n1. y",
               "x|\n2) y", "x|\n# h", "x|\n=", "x|\n```", "x|\n~~~", "x|\n> q", "- a\n|-|-|", "> a\n|-|", "1. a\n|--|",
               "a\n:--", ":-", "a\n-- :", "a\n- :", "a:\n---", "x: y\n-:-", ":", "-\n", "- ", "-", "1.\n", "1)",
               "12.  \n", "+\t\n", "* \n", "- a\n-\n", "> " * 9 + "x", "> " * 10 + "x", "- " * 9 + "x",
               "- " * 10 + "x", "1. " * 6 + "x", " " * 17 + "x", " " * 18 + "x", "\t" * 18 + "x", ">" * 18,
               "* * * * * * * * * * * *", "- - - - - - - - - - - -", "_ _ _ _ _ _ _ _ _ _", "-" * 30, "*" * 30,
               "0123456789012345678 people", "1234567890.1234567890", "## h", "h\n===", "h\n---", "---"],
    "code": ["`a`", "`a", "a`", "` `", "``a``", "``a`", "`` ` ``", "`  `", "```\ncode\n```", "```\ncode",
             "```py\nx\n```", "   ```\nx\n   ```", "````\n```\n````", "~~~\nx\n~~~", "~~~x", "a ~~~", "~~~\nx",
             "    ~~~", "~~~~\nx\n~~~~", " ~~~\nx\n ~~~", "![a*b](u)", "![a_b](u)", "![a`b`](u)", "![a~b](u)",
             "![a[b](u)", "![a](u)", "![](u)", "!", "![", "`[a`", "[`a", "```\n`a\n```\n`b"],
}
CONTEXTS = [("", ""), ("", "\n"), ("a\n", "\n"), ("a\n\n", "\n\nb\n"), ("Đà Nẵng\n\n", "\n"), ("Tin nóng ", " 🔥\n"),
            ("- item\n", "\n"), ("> q\n", "\n"), ("| a | b |\n|---|---|\n", "\n"), ("x\n\n[^1]: n\n\n", "\n"),
            ("`a` ", " *b*\n"), ("[a](/u) ", " [b](/v)\n")]


@pytest.mark.parametrize("rule", RULES)
def test_targeted_strings(rule: str) -> None:
    snippets = RULES[rule]
    bodies = [before + s + after for s in snippets for before, after in CONTEXTS]
    bodies += [s + "\n" + t for s in snippets for t in snippets[:40]]  # two of them
    count, taken, differ = _differences(bodies)
    assert not differ, "\n\n".join(repr(b[:3000]) for b in differ[:5])
    assert 0 < taken < count  # both answers occur


def test_many_brackets() -> None:
    """Links before and after the first ones looked at one by one, then an odd destination or a definition."""
    for n in (0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 200):
        links = "[a](/u) " * n
        for tail in ("", "[b](é)", "[b](/v)", "\n\n[l]: /u\n", "\n\n[^1]: note\n", "x[^1]\n\n[^1]: note\n", "]",
                     "]:", "[b](u(", "a]", "[b](/v) [c](é)"):
            _assert_same([links + tail, tail + links, links + tail + links, "Đà " + links + tail + "\n"])


SOUP = ["\\", "^", "^[", "[", "]", "(", ")", "](", "]:", "[^", "[^1]", "<", "<a", "&", "&amp;", "&#1;", ">", "> ",
        "|", " | ", ":", ":-", "-:", "`", "```", "~", "~~", "~~~", "!", "![", "_", "__", "*", "**", "-", "- ", "+",
        ".", "1.", "2)", "#", "## ", "=", "\t", "\n", "\n", "\n", "\n\n", " ", " ", "   ", "    ", "a", "b", "word",
        "é", "Đà", "ệ", "🔥", "😀", "£", "€", "“", "”", "—", "…", "'", '"', "/u", "http://x", "\x00", "\x0b", "\x1e",
        "\u2000", "\u2001", "\u200a", "\u3000", "\xa0", "\u1680", "\u205f", "\u2028", "\x85", "\r", "\u0100", "\u2100"]

PLAIN = [t for t in SOUP if not any(c in t for c in "\\^<&\x00\x0b\x1e\u2000\u2001\u200a\u3000\xa0\u1680\u205f\u2028\x85")]


@pytest.mark.parametrize("seed", range(8))
def test_character_soup(seed: int) -> None:
    rnd = random.Random(seed)
    docs = []
    for _ in range(20_000):  # most from the tokens that do not rule a body out on their own
        tokens = SOUP if rnd.random() < 0.3 else PLAIN
        docs.append("".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 60))))
    count, taken, differ = _differences(docs)
    assert not differ, "\n\n".join(repr(b) for b in differ[:5])
    assert taken > 100
