#!/usr/bin/env python3
"""`newsgen serve` at scale: how long the preview takes to bring the site up to date after an edit.

    python benchmarks/serve_edits.py [N=100000] [--edits 5] [--work DIR] [--corpus DIR] [--out DIR] [--save]

On the benchmark corpus (make_corpus.py, N articles; kept in --work between runs) the preview's
build loop (`newsgen.serve.session.Session`, in this process, as `newsgen serve` runs it, without the
HTTP server and the file watcher: the saved path is handed to it as the watcher would; --corpus: a
site made by make_corpus.py earlier, used as it is) makes its
first build, then the middle article's body is edited --edits times (a different sentence each
time, restored at the end): each rebuild's wall time and stages, and the process's peak RSS. The
page an open tab shows is on screen before that rebuild (`serve_latency.py` measures the save ->
browser time); this is the time until every page is current. Prints a Markdown section; `--save`
appends it to RESULTS.md. The output goes to --out (default: a folder in --work; at 1,000,000
articles it takes ~10 GB).
"""

from __future__ import annotations

import argparse
import gc
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from bench import machine, make_corpus, middle_article, report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles", nargs="?", type=int, default=100_000)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsbench-serve"))
    ap.add_argument("--corpus", type=Path, default=None, help="an existing corpus (make_corpus.py --out)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", action="store_true", help="append the section to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO / "src"))  # this checkout's newsgen
    from newsgen.serve.changes import rebuild_for
    from newsgen.serve.clients import Hub
    from newsgen.serve.rwlock import ReadWriteLock
    from newsgen.serve.session import Session

    logging.basicConfig(level=logging.WARNING)
    site = args.corpus.resolve() if args.corpus else make_corpus(args.articles, args.work, args.seed)
    out = args.out or args.work / str(args.articles) / "serve-out"
    gc.disable()  # (as newsgen's own processes run: the collector would scan the build state again and again)
    session = Session(site, out, Hub(), ReadWriteLock())
    t0 = time.perf_counter()
    first = session.first()
    if first is None:
        sys.exit("serve_edits: the first build failed")
    first_s = time.perf_counter() - t0
    print(f"serve_edits: first build {first_s:.1f} s ({first.summary()})", file=sys.stderr, flush=True)
    article = middle_article(site)
    rel = article.relative_to(site).as_posix()
    original = article.read_bytes()
    rows = []
    try:
        for k in range(args.edits):
            time.sleep(0.05)  # (a new mtime)
            article.write_bytes(original + f"\nA sentence added by serve_edits, number {k}.\n".encode())
            t = time.perf_counter()
            result = session.rebuild(rebuild_for([rel]))  # type: ignore[arg-type]
            wall = time.perf_counter() - t
            if result is None:
                sys.exit("serve_edits: a rebuild failed")
            rows.append((wall, result.rendered, result.written, result.timings()))
            print(f"serve_edits: edit {k + 1}: {wall * 1000:.0f} ms", file=sys.stderr, flush=True)
    finally:
        article.write_bytes(original)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    walls = [r[0] for r in rows]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [f"### newsgen serve: body edits at {args.articles:,} articles, {when}",
             "",
             f"- command: `python benchmarks/serve_edits.py {args.articles} --edits {args.edits}`",
             f"- machine: {machine()}",
             f"- first build (`Session.first`, every core): {first_s:.1f} s; peak RSS of the process: {peak:,.0f} MB",
             f"- rebuild after one article's body was saved (the watcher's path handed over): median "
             f"{statistics.median(walls) * 1000:.0f} ms, {min(walls) * 1000:.0f}-{max(walls) * 1000:.0f} ms",
             "",
             "| edit | rebuild ms | rendered | written | stages |",
             "| ---: | ---: | ---: | ---: | --- |"]
    lines += [f"| {k + 1} | {w * 1000:.0f} | {n} | {wr} | {st} |" for k, (w, n, wr, st) in enumerate(rows)]
    return report("\n".join(lines), args.save)


if __name__ == "__main__":
    sys.exit(main())
