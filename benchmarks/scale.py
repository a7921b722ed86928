#!/usr/bin/env python3
"""Issue 18's scale rows in one run: how newsgen's time and memory grow from 10,000 to 100,000 to
1,000,000 articles.

    python benchmarks/scale.py [N ...=10000 100000 1000000] [--jobs 2] [--edits 2] [--serve] [--save]
                               [--work DIR] [--out-root DIR]

For each N, on the benchmark corpus (make_corpus.py; kept in --work between runs: the 1M corpus
takes ~10-20 minutes to write and ~8 GB):

- a cold build (cache and output removed), under memtree.py: wall, CPU (user+sys of every process),
  the peak RSS of the main process, of the largest process (ru_maxrss) and of the whole tree (RSS
  and PSS sums);
- a build with nothing changed, twice (the first after a cold build waits for the kernel's directory
  caches at 1M; the table shows the second, and the first beside it);
- --edits times, one article's body edited (the middle article, a sentence appended, restored at
  the end) and `newsgen build -v`: wall, peak RSS, and the stage times it prints;
- with --watch: the same edit with `newsgen build --watch` running (watch_edits.py): saved -> built by
  the watcher, and a plain `newsgen build` right after the save, which asks the watcher;
- with --serve: the same edit in `newsgen serve`'s build loop (serve_edits.py's measurement, in a
  child process: its own first build, then the rebuild after each save).
- the floor of any build that is not told what changed: every input and every output file stat'ed
  once in a bare Python loop (`stat_floor`), with its user and system (kernel) time.

Then one table with a row per N and the growth from each N to the next (x), against the issue's
targets: peak RSS <= 1 GB at 100,000; peak RSS <= 4 GB at 1,000,000 with the build completed; a
one-article edit at 1,000,000 under 3 s. newsgen runs from a copy of this checkout's src/ (bench.py's
`snapshot`), so that edits made during a long run do not mix versions. Outputs go to --out-root
(default: --work; ~25 GB at 1M). `--save` appends the section to RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import watch_edits  # noqa: E402
from bench import SUMMARY, find_newsgen, machine, make_corpus, middle_article, report, snapshot, timecmd  # noqa: E402

STAGES = re.compile(r"^time: (.*)$", re.MULTILINE)
SERVE_MEDIAN = re.compile(r"median (\d+) ms, (\d+)-(\d+) ms")
SERVE_FIRST = re.compile(r"first build \(`Session.first`, every core\): ([\d.]+) s; "
                         r"peak RSS of the process: ([\d,]+) MB")


def memtree(cmd: list[str], cwd: Path, env: dict[str, str], every: float) -> dict:
    proc = subprocess.run([sys.executable, str(BENCH / "memtree.py"), "--every", str(every), "--cwd", str(cwd),
                           "--", *cmd], capture_output=True, text=True, env=env)
    try:
        found = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        sys.exit(f"scale: memtree failed: {proc.stderr or proc.stdout}")
    if found.get("rc"):
        sys.exit(f"scale: {' '.join(cmd)} failed (exit {found['rc']}) in {cwd}")
    return found


def timed(cmd: list[str], cwd: Path, env: dict[str, str], log: Path | None = None) -> dict:
    """One run timed by timecmd.py (bench.timecmd): wall ("median"), CPU, peak RSS of the process
    ("rss_mb_median"); its output appended to `log`."""
    found = timecmd(cmd, cwd=cwd, runs=1, warmup=0, logfile=log or Path(os.devnull), env=env)
    if "median" not in found or any(found.get("rc") or [1]):
        sys.exit(f"scale: {' '.join(cmd)} failed in {cwd}")
    return found


def one_size(n: int, args: argparse.Namespace, cmd: list[str], env: dict[str, str]) -> dict:
    corpus = make_corpus(n, args.work, args.seed)
    out = (args.out_root or args.work) / str(n) / "scale-out"
    shutil.rmtree(corpus / ".newsgen-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    build = [*cmd, "build", "--out", str(out), *jobs]
    print(f"scale: {n:,}: cold build ...", file=sys.stderr, flush=True)
    cold = memtree([*build, "-q"], corpus, env, 0.5 if n >= 500_000 else 0.05)
    print(f"scale: {n:,}: cold {cold['wall']:.1f} s, main {cold['main_mb']:.0f} MB", file=sys.stderr, flush=True)
    row: dict = {"n": n, "cold": cold}
    row["no_change"] = [timed([*build, "-q"], corpus, env)["median"] for _ in range(2)]
    article = middle_article(corpus)
    original = article.read_bytes()
    edits, told = [], []  # (a plain build's edit and one told what changed, in turns: A B A B)
    log = args.work / str(n) / "scale-edit.log"
    try:
        for k in range(args.edits):
            for kind, runs, more in (("edit", edits, []), ("--changed edit", told, ["--changed", str(article)])):
                time.sleep(0.05)  # (a new mtime)
                article.write_bytes(original + f"\nA sentence added by scale.py, {kind} {k}.\n".encode())
                log.unlink(missing_ok=True)
                found = timed([*build, "-v", *more], corpus, env, log)
                text = log.read_text(encoding="utf-8", errors="replace")
                stages, summary = STAGES.findall(text), SUMMARY.findall(text)
                runs.append({"wall": found["median"], "rss_mb": found["rss_mb_median"], "cpu": found["cpu_median"],
                             "stages": stages[-1] if stages else "",
                             "summary": " ".join(summary[-1]) if summary else ""})
                print(f"scale: {n:,}: {kind} {k + 1}: {found['median']:.2f} s", file=sys.stderr, flush=True)
    finally:
        article.write_bytes(original)
        timed([*build, "-q"], corpus, env)  # (the cache and output as the corpus is again)
    row["edits"], row["told"] = edits, told
    if args.watch:
        print(f"scale: {n:,}: newsgen build --watch ...", file=sys.stderr, flush=True)
        row["watch"] = watch_edits.measure(build, corpus, article, original, max(args.edits, 3), env, log)
    row["floor"] = stat_floor(corpus, out)
    if not args.keep_output:
        shutil.rmtree(out, ignore_errors=True)  # (before serve writes its own: ~25 GB each at 1M)
    if args.serve:
        print(f"scale: {n:,}: newsgen serve's build loop ...", file=sys.stderr, flush=True)
        serve_out = out.parent / "scale-serve-out"
        shutil.rmtree(serve_out, ignore_errors=True)
        proc = subprocess.run([sys.executable, str(BENCH / "serve_edits.py"), str(n), "--corpus", str(corpus),
                               "--out", str(serve_out), "--edits", str(max(args.edits, 3))],
                              capture_output=True, text=True, env=env)
        median, first = SERVE_MEDIAN.search(proc.stdout), SERVE_FIRST.search(proc.stdout)
        row["serve"] = ({"median_ms": int(median[1]), "min_ms": int(median[2]), "max_ms": int(median[3]),
                         "first_s": float(first[1]) if first else None,
                         "rss_mb": float(first[2].replace(",", "")) if first else None}
                        if median else {"error": (proc.stderr or proc.stdout)[-500:]})
        if "error" in row["serve"]:
            print(f"scale: {n:,}: newsgen serve's measurement failed: {row['serve']['error']}", file=sys.stderr)
        shutil.rmtree(serve_out, ignore_errors=True)
    return row


_FLOOR = r"""
import json, os, resource, sys
what, folders = sys.argv[1], sys.argv[2:]
before = resource.getrusage(resource.RUSAGE_SELF)
files = 0
if what == "inputs":  # every file under the input folders: a walk, one stat a file
    todo = list(folders)
    while todo:
        with os.scandir(todo.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    todo.append(e.path)
                else:
                    e.stat(follow_symlinks=False)
                    files += 1
else:  # every file the output's manifest lists: one stat each, no walk
    with open(os.path.join(folders[0], ".newsgen-output"), encoding="utf-8") as f:
        names = f.read().splitlines()[2:]
    os.chdir(folders[0])
    for name in names:
        try:
            os.stat(name)
            files += 1
        except OSError:
            pass
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"files": files, "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime}))
"""


def stat_floor(corpus: Path, out: Path) -> dict | None:
    """What it costs to learn each input's and each output file's stat, as a build that trusts nothing but
    the file system must, in a bare loop (`_FLOOR`): {"inputs"|"outputs": {"files", "user", "sys"}}. The
    system time is the kernel's, which no language and no design of that build removes."""
    found = {}
    inputs = [str(corpus / name) for name in ("content", "static", "templates") if (corpus / name).is_dir()]
    for name, folders in (("inputs", inputs), ("outputs", [str(out)])):
        proc = subprocess.run([sys.executable, "-c", _FLOOR, name, *folders], capture_output=True, text=True)
        if proc.returncode:
            return None
        found[name] = json.loads(proc.stdout)
    return found


def _x(a: float | None, b: float | None) -> str:
    return f"{b / a:.1f}x" if a and b else "-"


def table(rows: list[dict], args: argparse.Namespace, argv: list[str]) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    sizes = ", ".join(f"{r['n']:,}" for r in rows)
    lines = [f"### Scale: {sizes} articles, {when}", "",
             f"- command: `python benchmarks/scale.py {' '.join(argv)}`",
             f"- machine: {machine()}; newsgen -j {args.jobs or 'every core'}",
             f"- output folders under {args.out_root or args.work} (paired.py writes to tmpfs, /dev/shm: a "
             "cold build on a disk takes more system time)",
             "- cold: cache and output removed, under memtree.py (main = the main process's VmHWM; largest = "
             "ru_maxrss of any process; tree = the largest RSS / PSS sum of the process tree at one poll); "
             "edit: the middle article's body, `newsgen build -v`, a fresh process (told: with `--changed` "
             "naming it, in turns with the plain ones); serve: the same edit in "
             "`newsgen serve`'s build loop (serve_edits.py: the watcher's path handed over, the state in memory)",
             "",
             "| articles | cold wall | ms an article | cold CPU | main peak | largest process | tree RSS / PSS | "
             "no change | one body edited (`newsgen build`) | edit's peak RSS | told (`--changed`) | "
             "one body edited (`newsgen serve`) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        c = r["cold"]
        edits = [e["wall"] for e in r["edits"]]
        rss = [e["rss_mb"] for e in r["edits"] if e["rss_mb"]]
        serve = r.get("serve") or {}
        serve_s = (f"{serve['median_ms']} ms ({serve['min_ms']}-{serve['max_ms']})" if "median_ms" in serve
                   else ("failed" if serve else "-"))
        lines.append(
            f"| {r['n']:,} | {c['wall']:.1f} s | {c['wall'] * 1000 / r['n']:.2f} | {c['user'] + c['sys']:.1f} s | "
            f"{c['main_mb']:,.0f} MB | {c['any_mb']:,.0f} MB | {c['tree_rss_mb']:,.0f} / {c['tree_pss_mb']:,.0f} MB | "
            f"{r['no_change'][-1]:.2f} s (first {r['no_change'][0]:.2f}) | "
            f"{statistics.median(edits):.2f} s ({min(edits):.2f}-{max(edits):.2f})" if edits else "-")
        told = [e["wall"] for e in r.get("told", [])]
        told_s = f"{statistics.median(told):.2f} s ({min(told):.2f}-{max(told):.2f})" if told else "-"
        lines[-1] += (f" | {statistics.median(rss):,.0f} MB | {told_s} | {serve_s} |" if rss
                      else f" | - | {told_s} | {serve_s} |")
    for a, b in zip(rows, rows[1:], strict=False):
        ea = statistics.median([e["wall"] for e in a["edits"]]) if a["edits"] else None
        eb = statistics.median([e["wall"] for e in b["edits"]]) if b["edits"] else None
        sa, sb = (a.get("serve") or {}).get("median_ms"), (b.get("serve") or {}).get("median_ms")
        ca, cb = a["cold"], b["cold"]
        lines.append(
            f"| growth {a['n']:,} -> {b['n']:,} ({b['n'] / a['n']:.0f}x the articles) | {_x(ca['wall'], cb['wall'])} | "
            f"{_x(ca['wall'] / a['n'], cb['wall'] / b['n'])} | {_x(ca['user'] + ca['sys'], cb['user'] + cb['sys'])} | "
            f"{_x(ca['main_mb'], cb['main_mb'])} | {_x(ca['any_mb'], cb['any_mb'])} | "
            f"{_x(ca['tree_rss_mb'], cb['tree_rss_mb'])} / {_x(ca['tree_pss_mb'], cb['tree_pss_mb'])} | "
            f"{_x(a['no_change'][-1], b['no_change'][-1])} | {_x(ea, eb)} | - | - | "
            f"{_x(sa, sb)} |")
    lines += ["", "Targets (issue 18):", ""]
    for r in rows:
        largest = r["cold"]["any_mb"] * 2**20  # (memtree's MB are MiB; the targets' GB are 10^9 bytes: the stricter)
        peak = f"largest process {largest / 2**30:.2f} GiB ({largest / 1e9:.2f} x 10^9 bytes)"
        if r["n"] == 100_000:
            lines.append(f"- 100,000: peak RSS <= 1 GB: {peak} ({'met' if largest <= 1e9 else 'not met'})")
        if r["n"] == 1_000_000:
            edit = statistics.median([e["wall"] for e in r["edits"]]) if r["edits"] else None
            told = statistics.median([e["wall"] for e in r["told"]]) if r.get("told") else None
            serve = (r.get("serve") or {}).get("median_ms")
            lines.append(f"- 1,000,000: the cold build completes with peak RSS <= 4 GB: {peak} "
                         f"({'met' if largest <= 4e9 else 'not met'})")
            asked = [e["wall"] for e in (r.get("watch") or {}).get("asked", []) if e["wall"] and e["asked"]]
            if asked:
                lines.append(f"- 1,000,000: a one-article edit under 3 s, with `newsgen build --watch` running: "
                             f"`newsgen build` (a fresh process, which asks it) {statistics.median(asked):.2f} s "
                             f"({'met' if statistics.median(asked) < 3 else 'not met'})")
            if edit is not None:
                lines.append(f"- 1,000,000: a one-article edit under 3 s: `newsgen build` (a fresh process) "
                             f"{edit:.1f} s ({'met' if edit < 3 else 'not met'})"
                             + (f"; told what changed (`--changed`) {told:.2f} s ({'met' if told < 3 else 'not met'})"
                                if told is not None else "")
                             + (f"; `newsgen serve` {serve} ms ({'met' if serve < 3000 else 'not met'})"
                                if serve else ""))
    for r in rows:
        floor = r.get("floor")
        if floor:
            i, o = floor["inputs"], floor["outputs"]
            both = (i["user"] + i["sys"] + o["user"] + o["sys"]) / 2
            lines.append(f"- {r['n']:,}: the floor of a process that checks every input and output file (one stat a "
                         f"file in a bare Python loop): {i['files']:,} inputs {i['user']:.2f} s user + "
                         f"{i['sys']:.2f} s system, {o['files']:,} output files {o['user']:.2f} + {o['sys']:.2f} s: "
                         f"{both:.2f} s on two cores at best ({(i['sys'] + o['sys']) / 2:.2f} s of it the kernel's)")
    for r in rows:
        w = r.get("watch")
        if w:
            saved, asked = w.get("saved", []), [e for e in w.get("asked", []) if e["wall"]]
            lines.append(f"- {r['n']:,}, `newsgen build --watch` running: saved -> built "
                         + (f"{statistics.median(saved):.2f} s ({min(saved):.2f}-{max(saved):.2f})" if saved else "-")
                         + "; `newsgen build` right after the save "
                         + (f"{statistics.median([e['wall'] for e in asked]):.2f} s "
                            f"({', '.join(format(e['wall'], '.2f') for e in asked)}; answered by the watcher: "
                            f"{sum(e['asked'] for e in asked)} of {len(asked)}), its own peak RSS "
                            f"{max(e['rss_mb'] or 0 for e in asked):,.0f} MB" if asked else "-")
                         + (f"; failed: {w['error']}" if "error" in w else ""))
    lines += ["", "The edits' stages (`newsgen build -v`):", ""]
    lines += [f"- {r['n']:,}, {kind} {k + 1}: {e['wall']:.2f} s (CPU {e['cpu']:.2f} s): {e['stages'] or '-'}"
              for r in rows for kind, runs in (("edit", r["edits"]), ("--changed edit", r.get("told", [])))
              for k, e in enumerate(runs)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--edits", type=int, default=2)
    ap.add_argument("--serve", action="store_true", help="also newsgen serve's rebuild after the same edit")
    ap.add_argument("--watch", action="store_true", help="also the same edit with `newsgen build --watch` running")
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsbench-scale"))
    ap.add_argument("--out-root", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--newsgen", default=None, help="the newsgen command (default: the installed one)")
    ap.add_argument("--keep-output", action="store_true")
    ap.add_argument("--no-warmup", action="store_true", help="no untimed build of a small site first")
    ap.add_argument("--save", action="store_true", help="append the section to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    cmd, env = snapshot(find_newsgen(args.newsgen), args.work)
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not args.no_warmup:  # (the first build of a new copy of the code is slower: its caches are made then)
        small = make_corpus(300, args.work, args.seed)
        timed([*cmd, "build", "--out", str(args.work / "warmup-out"), "-q"], small, env)
        shutil.rmtree(args.work / "warmup-out", ignore_errors=True)
    rows = [one_size(n, args, cmd, env) for n in sorted(args.sizes)]
    (args.work / "scale-last.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return report(table(rows, args, argv), args.save)


if __name__ == "__main__":
    sys.exit(main())
