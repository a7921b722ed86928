#!/usr/bin/env python3
"""Time the typography pass (content/typography.typographer) against the module it replaced
(tests/unit/typography_reference.py), per article body, on the HTML the fast renderer hands it.

    PYTHONPATH=src python benchmarks/typography_check.py [--content DIR] [--articles 2000] [--rounds 9]

Bodies: the Markdown after the front matter of every .md under --content (default: a corpus of
--articles made with make_corpus.py in a temporary folder), rendered once by fastpath.render_fast to
collect the typographer's input. Old and new are timed alternately, each round over all inputs; the
minimum round of this process' CPU time is reported (the machine may be busy), in microseconds per body.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checktools import HERE, load_module, read_bodies, timed_round


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--content", type=Path, help="a content folder (default: a made corpus)")
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()

    from newsgen.content import fastpath, typography

    reference = load_module("typography_reference", HERE.parent / "tests" / "unit" / "typography_reference.py")
    bodies = read_bodies(args.content, args.articles)
    htmls: list[str] = []
    fastpath.typographer = lambda html: htmls.append(html) or html  # type: ignore[assignment]
    try:
        for body in bodies:
            fastpath.render_fast(body)
    finally:
        fastpath.typographer = typography.typographer
    assert [typography.typographer(h) for h in htmls] == [reference.typographer(h) for h in htmls]
    changed = sum(reference.typographer(h) != h for h in htmls)
    print(f"{len(bodies)} bodies, {len(htmls)} in the fast dialect, {sum(map(len, htmls)) / max(1, len(htmls)):,.0f} "
          f"characters of HTML on average, {changed} changed by the typographer")

    per_body = 1e6 / max(1, len(htmls))
    best = {"old": float("inf"), "new": float("inf")}
    for _ in range(args.rounds):
        best["old"] = min(best["old"], timed_round(reference.typographer, htmls))
        best["new"] = min(best["new"], timed_round(typography.typographer, htmls))
    print(f"typographer: old {best['old'] * per_body:.1f} us, new {best['new'] * per_body:.1f} us per body "
          f"(min of {args.rounds} alternating rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
