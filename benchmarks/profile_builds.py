#!/usr/bin/env python3
"""Where the time of a small build goes: no change, one body edited, one new article.

    python benchmarks/profile_builds.py [N=10000] [--runs 3] [--work DIR] [--save]

On the benchmark corpus (make_corpus.py, N articles; kept in --work between runs) after one cold
build: each scenario is run --runs times as a user runs it (`newsgen build -v`, a new process each
time: wall, CPU, and the build's own stage times of the median run), once with `-X importtime` (the
time spent importing, summed over every module), and once in-process under cProfile (the functions
that took the most time themselves). The edit appends a different sentence each run; the new
article is a different file each run (all removed at the end). Prints a Markdown section;
`--save` appends it to RESULTS.md. The profile's times are inflated by the profiler (about 2x): read
them as shares, the wall times as the real figures.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from bench import load, machine, make_corpus, middle_article, report  # noqa: E402
from compare_output import RUN_CLI  # noqa: E402

NEW = """---
title: "A new story, number {k}"
section: {section}
author: Profile Desk
date: {date}
tags: [profiling]
---
A new story with a paragraph of its own.

And a second one, to make a body.
"""


def run(python: str, site: Path, out: Path, extra: list[str] | None = None) -> dict:
    cmd = [python, *(extra or []), "-c", RUN_CLI, "build", "-v", "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=site, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        sys.exit(f"profile_builds: build failed:\n{p.stderr[-2000:]}")
    stages = next((line[len("time: "):] for line in p.stdout.splitlines() + p.stderr.splitlines()
                   if line.startswith("time: ")), "")
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "stages": stages, "stderr": p.stderr}


def import_ms(stderr: str) -> float:
    """Sum of the 'self' column of -X importtime: every module's own import time."""
    total = 0
    for line in stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            try:
                total += int(line.split(":", 1)[1].split("|")[0])
            except ValueError:
                pass
    return total / 1000


def profile(python: str, site: Path, out: Path, top: int) -> str:
    """One build in a new process under cProfile, imports included (as `newsgen build` pays them)."""
    p = subprocess.run([python, __file__, "--profile-one", str(site), str(out), str(top)], capture_output=True,
                       text=True, check=False)
    if p.returncode:
        sys.exit(f"profile_builds: profiled build failed:\n{p.stderr[-2000:]}")
    return p.stdout.rstrip("\n")


def profile_one(site: Path, out: Path, top: int) -> str:
    """(In the new process) build() under cProfile, the garbage collector off as the program runs it: the
    top functions by own time, as a Markdown table."""
    import sysconfig

    prof = cProfile.Profile()
    gc.disable()
    os.chdir(site)
    prof.enable()
    from newsgen.build import BuildOptions, build

    build(Path("."), BuildOptions(out=out))
    prof.disable()
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(top)
    stdlib = sysconfig.get_paths()["stdlib"] + "/"
    rows = []
    for line in text.getvalue().splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[1].replace(".", "").isdigit():
            where = parts[5].replace(str(REPO / "src") + "/", "").replace(stdlib, "").split("site-packages/")[-1]
            rows.append(f"| {parts[1]} | {parts[3]} | {parts[0]} | `{where}` |")
    return "\n".join(["| own s | cumulative s | calls | function |", "| ---: | ---: | ---: | --- |", *rows])


def main() -> int:
    if sys.argv[1:2] == ["--profile-one"]:
        print(profile_one(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles", type=int, nargs="?", default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--top", type=int, default=12, help="functions listed per profile")
    ap.add_argument("--work", default="/tmp/newsbench-profile")
    ap.add_argument("--out-root", default="/dev/shm/newsbench-profile")
    ap.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"))
    ap.add_argument("--save", action="store_true", help="append the section to benchmarks/RESULTS.md")
    args = ap.parse_args()
    python = args.python if Path(args.python).exists() else sys.executable
    work = Path(args.work)
    corpus = make_corpus(args.articles, work, 1)
    site = work / str(args.articles) / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus, site)
    out = Path(args.out_root) / str(args.articles)
    shutil.rmtree(out, ignore_errors=True)
    article = middle_article(site)
    original = article.read_bytes()
    section = article.relative_to(site / "content").parts[0]
    added: list[Path] = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_start = load()
    cold = run(python, site, out)
    print(f"profile_builds: cold build {cold['wall']:.2f} s", file=sys.stderr)

    def change(kind: str, k: int) -> None:
        if kind == "one body edited":
            with open(article, "a", encoding="utf-8") as f:
                f.write(f"\nA sentence added for profiling, number {k}, at {time.time_ns()}.\n")
        elif kind == "one new article":
            folder = site / "content" / section / time.strftime("%Y")
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"profile-new-story-{time.time_ns()}.md"
            path.write_text(NEW.format(k=k, section=section, date=time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
                                                                                 time.gmtime(time.time() - 60))),
                            encoding="utf-8")
            added.append(path)

    parts = [f"### Where the time of a small build goes, {args.articles:,} articles ({started})", "",
             f"`python benchmarks/profile_builds.py {args.articles} --runs {args.runs}`; {machine()}; load "
             f"{load_start} at start, {load()} at end. Wall and CPU: a new `newsgen build -v` process each run "
             f"(median of {args.runs}); stages: that run's own `time:` line; imports: the sum of `-X importtime`'s "
             "self column in one more run; then one run in-process under cProfile (times about 2x inflated: read "
             "them as shares).", ""]
    try:
        for kind in ("no change", "one body edited", "one new article"):
            runs = []
            for k in range(args.runs):
                change(kind, k)
                runs.append(run(python, site, out))
            change(kind, 100)
            imports = import_ms(run(python, site, out, ["-X", "importtime"])["stderr"])
            change(kind, 101)
            table = profile(python, site, out, args.top)
            median = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
            walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
            parts += [f"**{kind}**: wall {statistics.median(r['wall'] for r in runs):.2f} s "
                      f"({walls}), CPU {median['cpu']:.2f} s, imports "
                      f"{imports:.0f} ms; stages: {median['stages'] or '(none: nothing to do)'}", "", table, ""]
            print(f"profile_builds: {kind} done", file=sys.stderr)
    finally:
        article.write_bytes(original)
        for path in added:
            path.unlink(missing_ok=True)
    return report("\n".join(parts), args.save)


if __name__ == "__main__":
    sys.exit(main())
