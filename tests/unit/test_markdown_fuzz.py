"""A seeded differential fuzz: documents glued from the public suites' examples (2-6 of them) with
quotes, emphasis markers, pipes, brackets, backticks, Vietnamese text and emoji between them. For each,
the fast path either declines or writes exactly what markdown-it-py writes, and nothing reaches stderr
(a Rust panic prints there even when it is caught).

NEWSGEN_FUZZ=200000 runs that many documents instead of the suite's few thousand (NEWSGEN_FUZZ_SEED
picks the seed); the summary line (-s) gives the counts.
"""

from __future__ import annotations

import functools
import os
import random
import time

import pytest

from newsgen.content.markdown import _parser, _render_fast, render_html

from .markdown_suites import load_examples

DOCUMENTS = int(os.environ.get("NEWSGEN_FUZZ", "25000"))
SEED = int(os.environ.get("NEWSGEN_FUZZ_SEED", "14"))
CHUNK = 500

GLUE = ["", "\n", "\n\n", " ", '"', "'", "“", "”", "*", "**", "_", "__", "~~", "|", " | ", "[", "]", "](u)",
        "`", "``", "\n```\n", "^", "[^1]", "\n\n[^1]: note\n", "Tin _nóng_", "Đà Nẵng", "tuổi trẻ", "🔥", "😀",
        "£", "€", "…", "—", "\n> ", "\n- ", "\n1. ", "\n2. ", "\n## ", "\n---\n", "\n| a | b |\n|---|---|\n| ",
        "![x](i.png)", '![t](p.png "T")', "[T](https://tuổitrẻ.vn/)", "(c)", "--", "...", "\t", "    "]


@functools.cache
def _fragments() -> tuple[list[str], list[str]]:
    """The examples, and those the fast path takes alone (mostly those: a document glued from them is
    more often taken, and a taken document is what the comparison tests)."""
    every = [e.markdown for e in load_examples() if len(e.markdown) < 400]
    return every, [f for f in every if _render_fast(f) is not None]


def _documents(seed: int, count: int) -> list[str]:
    every, taken = _fragments()
    rnd = random.Random(seed)
    docs = []
    for _ in range(count):
        parts = []
        for _ in range(rnd.randint(2, 6)):
            parts.append(rnd.choice(taken if rnd.random() < 0.85 else every))
            parts.append("".join(rnd.choice(GLUE) for _ in range(rnd.randint(0, 3))))
        doc = "".join(parts)
        if rnd.random() < 0.3:  # cut somewhere: unclosed things
            doc = doc[: rnd.randint(0, len(doc))]
        docs.append(doc)
    return docs


@pytest.mark.parametrize("chunk", range(0, DOCUMENTS, CHUNK))
def test_fast_path_is_the_reference_or_declines(chunk: int, capfd: pytest.CaptureFixture[str]) -> None:
    os.environ.setdefault("RUST_BACKTRACE", "1")  # a panic would print its backtrace too
    docs = _documents(SEED * 1_000_003 + chunk, min(CHUNK, DOCUMENTS - chunk))
    taken = differ = 0
    started = time.perf_counter()
    failures = []
    for doc in docs:
        fast = _render_fast(doc)
        if fast is None:
            continue
        taken += 1
        if fast != _parser().render(doc):
            differ += 1
            failures.append(doc)
    captured = capfd.readouterr()
    print(f"fuzz chunk {chunk}: {len(docs)} documents, fast path took {taken}, differ {differ}, "
          f"{time.perf_counter() - started:.1f} s")
    assert "panicked" not in captured.err and "RUST_BACKTRACE" not in captured.err, captured.err[:2000]
    assert not failures, "\n\n".join(repr(d) for d in failures[:5])


def test_fuzz_documents_render() -> None:
    """render_html on a few of them end to end (it is what pages call)."""
    for doc in _documents(SEED, 50):
        assert render_html(doc) == (_render_fast(doc) or _parser().render(doc))
