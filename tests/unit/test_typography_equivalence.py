"""typography.typographer (and smart_text) give exactly the output of the module they replaced
(typography_reference.py, verbatim), on every input it is given in the Markdown suites and the fuzz
documents of test_markdown_spec.py / test_markdown_fuzz.py, the 2,000-article benchmark corpus, the demo
site, strings aimed at each rule in several places, and 150,000 seeded random strings of the
characters the rules look at. An input on which the reference raises must raise the same in the new one.
"""

from __future__ import annotations

import functools
import importlib.util
import random
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from newsgen import yamlio
from newsgen.content import fastpath, typography
from newsgen.content.source import decode, split

from . import typography_reference as reference
from .markdown_suites import load_examples
from .test_markdown_fuzz import CHUNK, DOCUMENTS, SEED, _documents

ROOT = Path(__file__).resolve().parents[2]


def _outcome(fn: Callable[[str], str], text: str) -> tuple[str, str]:
    try:
        return "ok", fn(text)
    except Exception as exc:  # the reference's failures on odd HTML must be the same failures
        return type(exc).__name__, str(exc)


def _differences(texts: Iterable[str], new: Callable[[str], str], old: Callable[[str], str]) -> list[str]:
    return [t for t in texts if _outcome(new, t) != _outcome(old, t)]


def _typographer_inputs(bodies: Iterable[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML the fast renderer hands to the typographer for each body (the reference answers)."""
    seen: list[str] = []

    def spy(html: str) -> str:
        seen.append(html)
        return reference.typographer(html)

    with monkeypatch.context() as m:
        m.setattr(fastpath, "typographer", spy)
        for body in bodies:
            fastpath.render_fast(body)
    return seen


def _check(htmls: list[str], texts: Iterable[str] = ()) -> None:
    assert not (bad := _differences(htmls, typography.typographer, reference.typographer)), bad[:5]
    assert not (bad := _differences(texts, typography.smart_text, reference.smart_text)), bad[:5]


def _bodies(content: Path) -> tuple[list[str], list[str]]:
    """Bodies, and the front matter's text values (titles, summaries, captions: what smart_text gets)."""
    bodies, texts = [], []
    for path in sorted(content.rglob("*.md")):
        doc = split(decode(path.read_bytes(), str(path)), str(path))
        bodies.append(doc.body)
        try:
            meta = yamlio.load(doc.front_matter) or {}
        except Exception:  # (the demo site shows a few broken files on purpose)
            meta = {}
        texts += [v for v in meta.values() if isinstance(v, str)]
        texts += [line for line in doc.body.split("\n") if line]
    return bodies, texts


def test_suite_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = [e.markdown for e in load_examples()]
    htmls = _typographer_inputs(bodies, monkeypatch)
    assert len(htmls) > 500
    _check(htmls, [line for body in bodies for line in body.split("\n")] + bodies)


def test_fuzz_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [d for chunk in range(0, DOCUMENTS, CHUNK)
            for d in _documents(SEED * 1_000_003 + chunk, min(CHUNK, DOCUMENTS - chunk))]
    docs += _documents(SEED, 50)
    htmls = _typographer_inputs(docs, monkeypatch)
    assert len(htmls) > 1000
    _check(htmls, docs)


def test_benchmark_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    make_corpus.make_corpus(2000, str(tmp_path))
    bodies, texts = _bodies(tmp_path / "content")
    assert len(bodies) == 2000
    htmls = _typographer_inputs(bodies, monkeypatch)
    assert len(htmls) == 2000
    _check(htmls, texts)
    # and each made ASCII (the same HTML with its Vietnamese letters' marks taken off), and with quotes
    _check([h.encode("ascii", "ignore").decode() for h in htmls] + [h.replace("\u1ea1", "'") for h in htmls])


def test_demo_site(monkeypatch: pytest.MonkeyPatch) -> None:
    bodies, texts = _bodies(ROOT / "content")
    assert bodies
    htmls = _typographer_inputs(bodies, monkeypatch)
    assert any(h != reference.typographer(h) for h in htmls)  # the demo has typography to do
    _check(htmls, texts)


# every rule's trigger, and near misses
_RULES = ["&quot;", "&QUOT;", "&Quot;", "&quot", "&amp;quot;", "'", "''", "--", "---", "----", "-", "- -",
          "..", "...", "....", ".", "?..", "!...", "+-", "+", "-+", ",,", ",,,", ",", "????", "???", "?????",
          "!!!!", "!!!", "!!!!!", "?!?!", "(c)", "(C)", "(tm)", "(TM)", "(Tm)", "(r)", "(R)", "(c", "c)", "( c)",
          "&quot;a&quot;", "'a'", "a'b", "&quot;'a'&quot;", "1&quot;&quot;", "“", "’", '"', "&#39;", "&#34;"]
_CONTEXTS = ["{}", "a{}", "{}b", "a {} b", "<p>{}</p>", "<p>a{}b</p>\n<p>c</p>", "<p>x</p>\n<p>{}</p>",
             "<p><em>{}</em></p>", "<p>a<em>b</em>{}</p>", "<p><code>{}</code></p>", "<p><code>a</code>{}</p>",
             "<pre><code>{}</code></pre>", "<pre><code>a</code></pre>\n<p>{}</p>", '<p><a href="x{}y">z</a></p>',
             '<p><img src="i.png" alt="{}"></p>', "<h2>{}</h2>", "<li>{}</li>", "<td>{}</td>", "<p>a\n{}\nb</p>",
             "<p>a<br>\n{}</p>", "<blockquote>\n<p>{}</p>\n</blockquote>", "<p>{}<sup>1</sup></p>",
             '<div class="a{}b">c</div>', "<p>Đà Nẵng {} tuổi trẻ</p>", "<p>{}</p><p>{}</p>"]


def test_each_rule_in_several_places() -> None:
    strings = [c.replace("{}", r) for c in _CONTEXTS for r in _RULES]
    strings += [c.replace("{}", a + b) for c in _CONTEXTS[:8] for a in _RULES for b in _RULES]
    assert sum(typography.typographer(s) != s for s in strings) > 1000  # most of them are rewritten
    _check(strings, [s for s in strings if "<" not in s])


_PIECES = ["'", '"', "&quot;", "&QUOT;", "&amp;", "&", "-", "--", ".", "..", ",", "+", "?", "!", "(", ")", "c", "C",
           "t", "m", "M", "r", "R", "a", "b", "1", "Đ", "ẵ", "😀", " ", "\n", "\t", "<p>", "</p>", "<em>", "</em>",
           "<strong>", "</strong>", "<code>", "</code>", "<pre>", "</pre>", "<br>", "<li>", "</li>", "<h2>", "</h2>",
           '<a href="u">', "</a>", '<img src="i" alt="a\'b">', "<sup>", "</sup>", "<td>", "</td>", "<", ">", "“"]


@functools.cache
def _random_strings(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choices(_PIECES, k=rnd.randint(0, 24))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(6))
def test_random_strings(seed: int) -> None:
    strings = _random_strings(seed, 25_000)
    _check(strings, strings[:5000])
