#!/usr/bin/env python3
"""Time the fast-dialect check (content/fastpath.in_fast_dialect) against the check it replaced
(tests/unit/markdown_dialect_reference.py), per article body, and the whole body render with each.

    PYTHONPATH=src python benchmarks/dialect_check.py [--content DIR] [--articles 2000] [--rounds 7]

Bodies: the Markdown after the front matter of every .md under --content (default: a corpus of
--articles made with make_corpus.py in a temporary folder). Old and new are timed alternately, each
round over all bodies; the minimum round of this process' CPU time is reported (the machine may be
busy), in microseconds per body. The render is markdown.render_body(body) (what
content.body.article_html calls) with the new check, then with the old one put in its place.
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
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--no-render", action="store_true", help="time only the check")
    args = ap.parse_args()

    from newsgen.content import fastpath
    from newsgen.content.markdown import render_body

    reference = load_module("markdown_dialect_reference",
                            HERE.parent / "tests" / "unit" / "markdown_dialect_reference.py")
    new_check = fastpath.in_fast_dialect
    bodies = read_bodies(args.content, args.articles)
    assert [new_check(b) for b in bodies] == [reference.in_fast_dialect(b) for b in bodies]
    per_body = 1e6 / len(bodies)
    print(f"{len(bodies)} bodies, {sum(map(len, bodies)) / len(bodies):,.0f} characters on average, "
          f"{sum(map(new_check, bodies))} in the fast dialect, {sum(b.isascii() for b in bodies)} ASCII")

    best = {"old": float("inf"), "new": float("inf")}
    for _ in range(args.rounds):
        best["old"] = min(best["old"], timed_round(reference.in_fast_dialect, bodies))
        best["new"] = min(best["new"], timed_round(new_check, bodies))
    print(f"in_fast_dialect: old {best['old'] * per_body:.1f} us, new {best['new'] * per_body:.1f} us per body "
          f"(min of {args.rounds} alternating rounds)")
    if args.no_render:
        return 0

    render = {"old": float("inf"), "new": float("inf")}
    try:
        for _ in range(args.rounds):
            fastpath.in_fast_dialect = reference.in_fast_dialect
            render["old"] = min(render["old"], timed_round(render_body, bodies))
            fastpath.in_fast_dialect = new_check
            render["new"] = min(render["new"], timed_round(render_body, bodies))
    finally:
        fastpath.in_fast_dialect = new_check
    print(f"render_body: old {render['old'] * per_body:.1f} us, new {render['new'] * per_body:.1f} us per body")
    return 0


if __name__ == "__main__":
    sys.exit(main())
