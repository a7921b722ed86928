#!/usr/bin/env python3
"""Prove that a change alters no output: build the same site with two versions of newsgen's code
and compare the output trees byte for byte. Standard library only.

    python benchmarks/compare_output.py --base REV [--head WORKTREE|REV|DIR] [--articles 10000]
                                        [--jobs N] [--no-j1] [--site DIR] [--seed 1] [--diffs 3]
                                        [--python PY] [--work DIR] [--out-root DIR] [--keep]

The two versions:
  --base REV       a git revision of this repository (main, HEAD~3, a sha): its src/ is exported
                   with `git archive` into the work folder (the working tree is not touched);
  --head WORKTREE  (default) a copy of this working tree's src/, taken at the start (edits made
                   while the script runs do not leak into it); or a git revision as for --base; or
                   DIR, another checkout (DIR/src/newsgen, copied at the start).
Both run with the same Python (--python; default: the repo's .venv, else this one) and its installed
dependencies, as `python -c "from newsgen.cli import run; run()" build --out OUT [-j N]` with
PYTHONPATH=<that version>/src; the script prints `newsgen.__file__` for each to show which code runs.

The site: `benchmarks/make_corpus.py --articles N --seed S` (or --site DIR, copied), copied once per
version so that each has its own content and its own .newsgen-cache. Scenarios, one after the other,
each built by both versions right after each other (so that both see about the same real clock;
which version builds first alternates):
  cold   cache and output absent;
  edit   a sentence appended to the middle article's body (the same bytes in both copies);
  new    a new article, dated 2025-06-01 10:00, in the middle article's section, with its fields;
  cold-j1  (unless --no-j1) a cold build with -j 1 into a fresh output folder (cache removed).
After each scenario the two output folders are compared file by file: bytes, file modes, symlinks,
files or folders present in only one. newsgen's own bookkeeping is ignored: the output's
.newsgen-output manifest and anything under .newsgen-staging/. The first --diffs differing text
files are shown as unified diffs. Each version's build time (wall, and newsgen's own summary line)
is reported per scenario.

Exit status: 0 all outputs identical; 1 any difference, or a build that failed. The work folder is
removed at the end unless --keep, or unless something differed (then its path is printed).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
IGNORED_TOP = {".newsgen-output"}  # the manifest of the files newsgen wrote (order, build bookkeeping)
IGNORED_DIRS = {".newsgen-staging"}  # temporary files of a build
RUN_CLI = "import newsgen.cli as c; (getattr(c, 'run', None) or c.main)()"
EDIT_SENTENCE = "\nAn added sentence for the output comparison, the same in both versions.\n"
NEW_DATE = "2025-06-01 10:00"
NEW_SLUG = "output-comparison-new-article"
NEW_TITLE = "Output comparison: a new article"


def log(msg: str = "") -> None:
    print(msg, flush=True)


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


# ------------------------------------------------------------------------------------- the code
class Version:
    """One version of newsgen's code: a src/ folder of its own, run with PYTHONPATH."""

    def __init__(self, label: str, spec: str, work: Path, python: str) -> None:
        self.label, self.spec, self.python = label, spec, python
        self.root = work / label
        self.src = self.root / "code" / "src"
        self.site = self.root / "site"
        self.describe = self._export(spec)
        normalise_modes(self.src)
        # byte-compile it as pip would (with PYTHONDONTWRITEBYTECODE set, every build would compile
        # newsgen's source again and the times would not compare with an installed newsgen)
        subprocess.run([python, "-m", "compileall", "-q", str(self.src)], check=True, stdout=subprocess.DEVNULL)
        # and run it as an installed newsgen runs: free to write next to its bytecode what it keeps there
        # (startup.py's memo); a PYTHONDONTWRITEBYTECODE left in the caller's environment would have every
        # build compile again what the first one kept (~30 ms of an edit's build)
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPATH"] = str(self.src)
        probe = subprocess.run([python, "-c", "import newsgen; print(newsgen.__file__); "
                                "print(getattr(newsgen, '__version__', '?'))"],
                               env=self.env, capture_output=True, text=True)
        lines = probe.stdout.split()
        if probe.returncode or not lines or not lines[0].startswith(str(self.src) + os.sep):
            sys.exit(f"compare: {label}: {python} does not import newsgen from {self.src} "
                     f"({probe.stdout.strip() or probe.stderr.strip()})")
        self.file, self.version = lines[0], lines[1] if len(lines) > 1 else "?"

    def _export(self, spec: str) -> str:
        self.src.parent.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        if spec == "WORKTREE":
            head = git("rev-parse", "--short", "HEAD")
            dirty = git("status", "--porcelain", "--", "src").splitlines()
            shutil.copytree(REPO / "src", self.src, ignore=ignore)
            return (f"working tree {REPO} (HEAD {head}"
                    f"{f', {len(dirty)} changed/new paths under src/' if dirty else ', src/ clean'}), copied at start")
        path = Path(spec)
        if path.is_dir():
            src = path / "src" if (path / "src" / "newsgen").is_dir() else path
            if not (src / "newsgen" / "__init__.py").is_file():
                sys.exit(f"compare: {spec} holds neither src/newsgen nor newsgen/")
            shutil.copytree(src, self.src, ignore=ignore)
            return f"folder {src.resolve()}, copied at start"
        try:
            sha = git("rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
        except subprocess.CalledProcessError:
            sys.exit(f"compare: {spec!r} is neither WORKTREE, a folder, nor a git revision of {REPO}")
        archive = subprocess.Popen(["git", "-C", str(REPO), "archive", "--format=tar", sha, "src"],
                                   stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(self.src.parent)], stdin=archive.stdout, check=True)
        if archive.wait():
            sys.exit(f"compare: git archive {sha} failed")
        subject = git("log", "-1", "--format=%s", sha)
        return f"git {spec} = {sha[:12]} ({subject[:70]}{'...' if len(subject) > 70 else ''}), exported"

    def build(self, out: Path, jobs: int | None, logfile: Path) -> dict:
        cmd = [self.python, "-c", RUN_CLI, "build", "--out", str(out)] + (["-j", str(jobs)] if jobs else [])
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=self.site, env=self.env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        with open(logfile, "a", encoding="utf-8") as f:
            f.write(f"$ {' '.join(cmd)}  (cwd {self.site})\n{proc.stdout}{proc.stderr}exit {proc.returncode}, "
                    f"{wall:.2f} s\n\n")
        summary = next((line.strip() for line in reversed((proc.stdout + proc.stderr).splitlines())
                        if " articles, " in line), "")
        return {"rc": proc.returncode, "wall": wall, "summary": summary,
                "error": "" if proc.returncode == 0 else (proc.stderr or proc.stdout).strip()[-2000:]}


def normalise_modes(root: Path) -> None:
    """0644 files (0755 if executable) and 0755 folders in a code copy: newsgen copies its theme's
    static files with their modes, and a git archive (0664 under umask 002), a checkout (0644) or a
    copy would otherwise make outputs differ by a mode that is not the code's."""
    for dirpath, _dirs, files in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in files:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755 if os.stat(path).st_mode & 0o111 else 0o644)


# ------------------------------------------------------------------------------------- the site
def make_site(args, work: Path) -> Path:
    if args.site:
        site = Path(args.site).resolve()
        if not (site / "newsgen.yaml").is_file():
            sys.exit(f"compare: {site} has no newsgen.yaml")
        return site
    corpus = work / "corpus"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-B", str(BENCH / "make_corpus.py"), "--articles", str(args.articles),
                    "--out", str(corpus), "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
    log(f"corpus: {args.articles:,} articles (seed {args.seed}) in {corpus}, {time.perf_counter() - t0:.1f} s")
    return corpus


def site_ignore(site: Path) -> Callable[[str, list[str]], set[str]]:
    """What a copy of a site leaves out: its cache, and at its top a checkout's folders and outputs."""
    top = {".git", ".venv", "venv", "node_modules", "public", "dist", "build", ".mypy_cache", ".ruff_cache",
           ".pytest_cache"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        drop = {n for n in names if n in (".newsgen-cache", "__pycache__")}
        if Path(folder).resolve() == site.resolve():
            drop |= top & set(names)
        return drop
    return ignore


def middle_article(site: Path) -> Path:
    """The article bench.py and run_peers.sh change: the middle one of the sorted content paths."""
    rels = sorted(str(p.relative_to(site / "content")) for p in (site / "content").rglob("*.md"))
    if not rels:
        sys.exit(f"compare: no article under {site / 'content'}")
    return site / "content" / rels[len(rels) // 2]


def new_article(middle: Path, site: Path) -> tuple[Path, str]:
    """A new article for the middle article's section, dated in the past, the same bytes every time:
    its front matter keeps the middle article's fields but title, slug, date and updated."""
    text = middle.read_text(encoding="utf-8")
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        fm, body = text[4:].split("\n---\n", 1)
    else:
        fm, body = "", text
    keep, skip = [], False
    for line in fm.split("\n"):
        top = line and not line.startswith((" ", "-", "\t"))
        if top:
            key = line.split(":", 1)[0].strip()
            skip = key in ("title", "slug", "date", "updated", "draft")
        if not skip and line:
            keep.append(line)
    head = [f"title: {json.dumps(NEW_TITLE)}", f"slug: {NEW_SLUG}", f"date: {NEW_DATE}", *keep]
    rel = middle.relative_to(site / "content")
    dest = Path(rel.parts[0]) / "2025" / f"{NEW_SLUG}.md"
    return dest, "---\n" + "\n".join(head) + "\n---\n" + body


# ---------------------------------------------------------------------------------- comparison
def entries(root: Path) -> dict[str, tuple[str, int, bytes | str | None]]:
    """rel path -> (kind, permission bits, link target) of everything in an output folder but
    newsgen's bookkeeping."""
    found: dict[str, tuple[str, int, bytes | str | None]] = {}
    for dirpath, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        for name in dirs + files:
            rel = name if rel_dir == "." else os.path.join(rel_dir, name)
            if rel in IGNORED_TOP:
                continue
            st = os.lstat(os.path.join(dirpath, name))
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("symlink", 0, os.readlink(os.path.join(dirpath, name)))
            elif stat.S_ISDIR(st.st_mode):
                found[rel] = ("folder", stat.S_IMODE(st.st_mode), None)
            else:
                found[rel] = ("file", stat.S_IMODE(st.st_mode), None)
    return found


def same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def compare(a: Path, b: Path, la: str, lb: str) -> tuple[list[str], list[str], int]:
    """(differences as lines, paths of the files whose bytes differ, entries compared)."""
    ea, eb = entries(a), entries(b)
    out: list[str] = []
    content: list[str] = []
    for rel in sorted(ea.keys() | eb.keys()):
        x, y = ea.get(rel), eb.get(rel)
        if x is None or y is None:
            kind = (x or y)[0]  # type: ignore[index]
            out.append(f"only in {la if y is None else lb}: {rel}{'/' if kind == 'folder' else ''} ({kind})")
        elif x[0] != y[0]:
            out.append(f"a {x[0]} in {la}, a {y[0]} in {lb}: {rel}")
        elif x[0] == "symlink":
            if x[2] != y[2]:
                out.append(f"symlink target differs: {rel} ({x[2]!r} vs {y[2]!r})")
        else:
            if x[1] != y[1]:
                out.append(f"mode differs: {rel} ({oct(x[1])} in {la}, {oct(y[1])} in {lb})")
            if x[0] == "file" and not same_bytes(a / rel, b / rel):
                out.append(f"bytes differ: {rel} ({(a / rel).stat().st_size:,} vs {(b / rel).stat().st_size:,} bytes)")
                content.append(rel)
    return out, content, len(ea.keys() | eb.keys())


def show_diff(a: Path, b: Path, rel: str, la: str, lb: str, max_lines: int = 60) -> str:
    xa, xb = (a / rel).read_bytes(), (b / rel).read_bytes()
    try:
        ta, tb = xa.decode("utf-8"), xb.decode("utf-8")
    except UnicodeDecodeError:
        first = next((i for i, (p, q) in enumerate(zip(xa, xb, strict=False)) if p != q), min(len(xa), len(xb)))
        return f"--- {rel}: binary, {len(xa):,} vs {len(xb):,} bytes, first difference at byte {first:,}\n"

    def lines(t: str) -> list[str]:
        out: list[str] = []
        for line in t.splitlines(keepends=True):  # a long (minified) line: one piece per tag or item
            out += re.split(r"(?<=[>,])", line) if len(line) > 400 else [line]
        return out

    diff = list(difflib.unified_diff(lines(ta), lines(tb), f"{la}/{rel}", f"{lb}/{rel}", n=2))
    shown = [d if len(d) <= 300 else d[:300] + "...[line cut]\n" for d in diff[:max_lines]]
    shown = [d if d.endswith("\n") else d + "\n" for d in shown]
    if len(diff) > max_lines:
        shown.append(f"... {len(diff) - max_lines} more diff lines\n")
    return "".join(shown) or f"--- {rel}: same text, different bytes (line endings?)\n"


def count_containing(root: Path, needle: str) -> int:
    n = 0
    raw = needle.encode()
    for path in root.rglob("*"):
        if path.suffix in (".html", ".xml", ".json") and path.is_file() and raw in path.read_bytes():
            n += 1
    return n


def compare_versions(args, python: str, work: Path, out_root: Path, logfile: Path) -> bool:
    """Build every scenario with both versions and compare; True if anything differed or failed."""
    versions = [Version("base", args.base, work, python), Version("head", args.head, work, python)]
    for v in versions:
        log(f"{v.label}: {v.describe}\n      runs newsgen {v.version} from {v.file}")
    log(f"python: {python}; -j {args.jobs or 'default'}; outputs in {out_root}; build log {logfile}")

    corpus = make_site(args, work)
    for v in versions:
        shutil.copytree(corpus, v.site, symlinks=True, ignore=site_ignore(corpus))
    middle = middle_article(versions[0].site)
    rel_middle = middle.relative_to(versions[0].site)
    new_rel, new_text = new_article(middle, versions[0].site)
    log(f"edited article: {rel_middle}; new article: content/{new_rel} (dated {NEW_DATE})")

    def edit(site: Path) -> None:
        with open(site / rel_middle, "a", encoding="utf-8") as f:
            f.write(EDIT_SENTENCE)

    def add(site: Path) -> None:
        dest = site / "content" / new_rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(new_text, encoding="utf-8")

    def clear_cache(site: Path) -> None:
        shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)

    # name, output folder, the change made to both sites before it, -j, text the outputs must show
    scenarios: list[tuple[str, str, Callable[[Path], None], int | None, str | None]] = [
        ("cold", "out", clear_cache, args.jobs, None),
        ("edit", "out", edit, args.jobs, EDIT_SENTENCE.strip()),
        ("new", "out", add, args.jobs, NEW_TITLE),
    ]
    if not args.no_j1:
        scenarios.append(("cold-j1", "out-j1", clear_cache, 1, None))

    failed = False
    rows = []
    for i, (name, outname, change, jobs, needle) in enumerate(scenarios):
        outs = {v.label: out_root / v.label / outname for v in versions}
        for v in versions:
            change(v.site)
        order = versions if i % 2 == 0 else versions[::-1]
        res = {}
        with open(logfile, "a", encoding="utf-8") as f:
            f.write(f"===== {name}\n")
        for v in order:
            res[v.label] = v.build(outs[v.label], jobs, logfile)
        problems = [f"{label} build failed (exit {r['rc']}):\n{r['error']}" for label, r in res.items() if r["rc"]]
        if problems:
            failed = True
            log(f"\n== {name}: " + "\n".join(problems))
            rows.append((name, res, None))
            break
        diffs, content, total = compare(outs["base"], outs["head"], "base", "head")
        seen = ""
        if needle:
            counts = {label: count_containing(out, needle) for label, out in outs.items()}
            seen = f"; the change shows in {counts['base']} / {counts['head']} files (base / head)"
            if not all(counts.values()):
                diffs.append(f"the change ({needle[:40]!r}) shows in no file of an output: {counts}")
        status = "identical" if not diffs else f"{len(diffs)} DIFFERENCES"
        log(f"\n== {name}: {status} ({total:,} entries compared{seen}); "
            f"base {res['base']['wall']:.2f} s, head {res['head']['wall']:.2f} s")
        for v in versions:
            log(f"   {v.label}: {res[v.label]['summary']}")
        if diffs:
            failed = True
            kinds: dict[str, int] = {}
            for line in diffs:
                kind = line.split(":", 1)[0]
                kinds[kind] = kinds.get(kind, 0) + 1
            log("   " + "; ".join(f"{kind}: {k:,}" for kind, k in kinds.items()))
            for line in diffs[:20]:
                log(f"   {line}")
            if len(diffs) > 20:
                log(f"   ... and {len(diffs) - 20} more")
            for rel in content[:args.diffs]:
                log(show_diff(outs["base"], outs["head"], rel, "base", "head").rstrip("\n"))
        rows.append((name, res, len(diffs)))

    log("\n| scenario | base s | head s | head / base | outputs |")
    log("| --- | ---: | ---: | ---: | --- |")
    for name, res, ndiff in rows:
        b, h = res["base"]["wall"], res["head"]["wall"]
        verdict = "build failed" if ndiff is None else "identical" if ndiff == 0 else f"{ndiff} differences"
        log(f"| {name} | {b:.2f} | {h:.2f} | {h / b if b else 0:.2f} | {verdict} |")
    log(f"\nbase = {versions[0].describe}\nhead = {versions[1].describe}")
    return failed


# ------------------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--base", required=True, help="git revision: the code before the change")
    ap.add_argument("--head", default="WORKTREE", help="WORKTREE (default), a git revision or a checkout folder")
    ap.add_argument("--articles", type=int, default=10000, help="corpus size (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--site", default=None, help="build this site folder (copied) instead of a generated corpus")
    ap.add_argument("--jobs", "-j", type=int, default=None, help="newsgen build -j N (default: newsgen's)")
    ap.add_argument("--no-j1", action="store_true", help="skip the last scenario (a cold build with -j 1)")
    ap.add_argument("--diffs", type=int, default=3, help="unified diffs shown per scenario (default 3)")
    ap.add_argument("--python", default=None, help="the Python both versions run with "
                    "(default: the repo's .venv/bin/python, else this one)")
    ap.add_argument("--work", default=None,
                    help="a new folder for code, corpus, sites and logs is made in it (default: in /tmp)")
    ap.add_argument("--out-root", default=None,
                    help="a new folder for the outputs is made in it (default: in /dev/shm when writable)")
    ap.add_argument("--keep", action="store_true", help="keep the work and output folders")
    args = ap.parse_args(argv)
    python = args.python or (str(REPO / ".venv" / "bin" / "python")
                             if (REPO / ".venv" / "bin" / "python").exists() else sys.executable)

    # new folders of this run's own (inside --work / --out-root when given): removed at the end
    for folder in (args.work, args.out_root):
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="newsgen-compare-", dir=args.work)).resolve()
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    out_root = Path(tempfile.mkdtemp(prefix="newsgen-compare-out-", dir=args.out_root or shm or work)).resolve()
    logfile = work / "builds.log"

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # killed: the cleanup below runs too
    try:
        failed = compare_versions(args, python, work, out_root, logfile)
    except BaseException:  # an error exit or ^C: nothing is left behind (unless --keep)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(out_root, ignore_errors=True)
        raise
    if failed or args.keep:
        log(f"\nkept: work {work}, outputs {out_root}")
    else:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(out_root, ignore_errors=True)
    log("RESULT: " + ("DIFFERENT (or a build failed)" if failed else "all outputs identical"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
