"""The public Markdown suites (tests/fixtures/markdown/): CommonMark 0.31.2, GFM 0.29 and cmark-gfm's
extension and regression files, markdown-it-py's and mdit-py-plugins' fixture files.

Every example: newsgen's HTML is the suite's expected HTML but for the differences listed once, in
markdown_suites.DELIBERATE (newsgen's choices) and DIALECT (how the suite's renderer spells things);
and the fast path either declines it or writes exactly what markdown-it-py writes.
"""

from __future__ import annotations

from collections import Counter

import pytest

from newsgen.content.markdown import _parser, _render_fast, render_body, render_html
from newsgen.content.sanitize import sanitize

from .domtree import dom
from .markdown_suites import NOT_MARKDOWN_IT, Example, deliberate_kinds, load_examples, normalize

EXAMPLES = load_examples()
COMPARED = [e for e in EXAMPLES if e.expected]


@pytest.mark.parametrize("example", COMPARED, ids=[e.id for e in COMPARED])
def test_expected_html(example: Example) -> None:
    actual = normalize(render_html(example.markdown), example.suite).rstrip()
    expected = normalize(example.html, example.suite).rstrip()
    if example.id in NOT_MARKDOWN_IT:
        assert actual != expected, f"listed in NOT_MARKDOWN_IT but now agrees: {example.id}"
    else:
        assert actual == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_fast_path_is_the_reference_or_declines(example: Example) -> None:
    body = example.markdown
    fast = _render_fast(body)
    if fast is None:
        return
    reference = _parser().render(body)
    assert fast == reference
    assert render_body(body, trust_html=True) == reference
    assert dom(render_body(body)) == dom(sanitize(reference))  # sanitize_markdown: the same page


def test_suites_are_all_there() -> None:
    per_suite = Counter(e.suite.split("/")[0] for e in EXAMPLES)
    assert per_suite["commonmark"] == 652
    assert per_suite["cmark-gfm"] == 720
    assert per_suite["markdown-it-py"] == 223
    assert per_suite["mdit-py-plugins"] == 20
    assert len(COMPARED) >= 1500


def test_each_deliberate_difference_shows_somewhere() -> None:
    """The table lists nothing that never happens (a stale normalization would hide a real difference)."""
    seen: Counter[str] = Counter()
    for e in COMPARED:
        seen.update(deliberate_kinds(render_html(e.markdown), e.suite))
    assert set(seen) == {"html5", "heading ids", "figures", "lazy images", "typography"}, seen


def summary() -> dict[str, object]:
    """The counts the issue's report gives: python -c 'from tests.unit.test_markdown_spec import summary; ...'."""
    out: dict[str, object] = {}
    kinds: Counter[str] = Counter()
    for suite in sorted({e.suite for e in EXAMPLES}):
        rows = [e for e in EXAMPLES if e.suite == suite]
        taken = [e for e in rows if _render_fast(e.markdown) is not None]
        agree = sum(_render_fast(e.markdown) == _parser().render(e.markdown) for e in taken)
        expected = [e for e in rows if e.expected]
        match = sum(normalize(render_html(e.markdown), suite).rstrip() == normalize(e.html, suite).rstrip()
                    for e in expected)
        for e in expected:
            kinds.update(deliberate_kinds(render_html(e.markdown), suite))
        out[suite] = {"examples": len(rows), "fast path took": len(taken), "fast == reference": agree,
                      "declined": len(rows) - len(taken), "compared": len(expected), "match expected": match}
    out["deliberate differences (examples showing each)"] = dict(kinds)
    return out
