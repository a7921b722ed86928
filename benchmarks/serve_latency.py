#!/usr/bin/env python3
"""Edit -> browser latency of `newsgen serve` on a generated 1,000-article site.

    python benchmarks/serve_latency.py [--articles 1000] [--runs 5] [--work DIR]
                                       [--corpus-script benchmarks/make_corpus.py]

What it does:
1. makes the site with make_corpus.py (kept in --work between runs of this script), gives the
   measured article a fixed `slug:` (so a new headline keeps its address) and copies the theme's
   article.html to templates/ (the override the template edit changes);
2. starts `newsgen serve --port 0` as a subprocess, as a user would, and opens the article in
   headless Chromium (Playwright, Debian's /usr/bin/chromium);
3. per run: saves a change the way editors do (temporary file + rename) and measures until the
   browser shows it. "Shows" is measured inside the page: the first animation frame after the
   reloaded document's DOMContentLoaded, on the same wall clock as the save (one machine);
   (a) headline edit of one article (its page, home, section, feeds change),
   (b) body edit of one article (its page only),
   (c) template edit (templates/article.html: all 1,000 article pages change);
   before each run it waits until the server has finished all work of the previous one, then
   0.3-0.8 s (at random, seeded);
4. prints median and max per kind against issue 18's targets (median of 10 at 10,000 articles:
   headline <= 300 ms, body <= 200 ms, template <= 500 ms), and the
   server's own lines (how long each rebuild took, when the whole site was up to date).
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_SCRIPT = Path(__file__).resolve().parent / "make_corpus.py"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {"headline": 0.3, "body": 0.2, "template": 0.5}  # seconds, for the median (issue 18)

# Runs in every document the tab loads: note when the page is first painted after being parsed.
SHOWN_AT = """
document.addEventListener("DOMContentLoaded", function () {
  requestAnimationFrame(function () { window.__shownAt = Date.now(); });
});
"""


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()
    site = prepare_site(args)
    target = pick_article(site)
    print(f"site: {site} ({args.articles} articles); measured page: /{target['url']}", flush=True)
    server = Server(site, args.pythonpath)
    try:
        url = server.start()
        print(f"serve: {url} (first build {server.startup:.1f} s)", flush=True)
        results = measure(args, site, target, url, server)
    finally:
        server.stop()
    report(results, server, load_before)
    return 0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--runs", type=int, default=10, help="measured runs per kind of edit")
    p.add_argument("--work", type=Path, default=Path("/tmp/newsgen-serve-bench"),
                   help="where the generated site lives (reused when it has the same size)")
    p.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS_SCRIPT,
                   help="make_corpus.py (default: benchmarks/make_corpus.py, beside this script)")
    p.add_argument("--chromium", default=os.environ.get("NEWSGEN_CHROMIUM", "/usr/bin/chromium"))
    p.add_argument("--pythonpath", default="", help="PYTHONPATH for the server (to measure another tree)")
    p.add_argument("--kinds", default="headline,body,template", help="which edits to measure")
    return p.parse_args()


# ---------------------------------------------------------------------------- the site


def prepare_site(args: argparse.Namespace) -> Path:
    site = args.work / f"site-{args.articles}"
    stamp = site / ".bench-complete"
    if not stamp.exists():
        if not args.corpus_script.is_file():
            sys.exit(f"make_corpus.py not found at {args.corpus_script} (pass --corpus-script)")
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, str(args.corpus_script), "--articles", str(args.articles),
                        "--out", str(site)], check=True, stdout=subprocess.DEVNULL)
        from newsgen.render.environment import theme_dir

        add_template_override(site, theme_dir())
        stamp.write_text("ok\n")
    shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
    return site


def add_template_override(site: Path, theme: Path) -> None:
    """The theme's article.html copied to the site's templates/: the file the template edit changes."""
    (site / "templates").mkdir(exist_ok=True)
    shutil.copy(theme / "templates" / "article.html", site / "templates" / "article.html")


def pick_article(site: Path) -> dict[str, str]:
    """The middle article, given a fixed slug so that headline edits keep its address."""
    from newsgen.config import load_config
    from newsgen.content.parse import parse_file

    files = sorted(p.relative_to(site).as_posix() for p in (site / "content").rglob("*.md"))
    rel = files[len(files) // 2]
    config = load_config(site)
    article, diags = parse_file(site, rel, config)
    assert article is not None, diags
    text = (site / rel).read_text(encoding="utf-8")
    if "\nslug:" not in text.split("\n---", 1)[0]:
        text = text.replace("\n", f"\nslug: {article.slug}\n", 1)
        (site / rel).write_text(text, encoding="utf-8")
    return {"rel": rel, "url": article.url, "title": article.title}


def save(path: Path, text: str) -> float:
    """An editor's save: temporary file, then rename. Returns the wall time of the rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    t = time.time()
    os.replace(tmp, path)
    return t


# ---------------------------------------------------------------------------- the server


class Server:
    """`newsgen serve` in a subprocess; its output lines are collected with arrival times.
    `cmd` (with `url_pattern`, the line that gives its address) runs another server the same way
    (paired.py: newsgen from a code copy, `hugo server`)."""

    def __init__(self, site: Path, pythonpath: str, cmd: list[str] | None = None,
                 url_pattern: str = r"serving (http://\S+)", cwd: Path | None = None) -> None:
        self.site = site
        self.pythonpath = pythonpath
        self.cmd, self.url_pattern, self.cwd = cmd, url_pattern, cwd
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.log: list[str] = []
        self.startup = 0.0
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> str:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        cmd = self.cmd
        if cmd is None:
            script = shutil.which("newsgen", path=str(Path(sys.executable).parent))
            cmd = [script] if script else [sys.executable, "-m", "newsgen.cli"]
            cmd = [*cmd, "serve", "--port", "0", "--site", str(self.site)]
        started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, text=True, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()
        while True:
            try:
                _, line = self.lines.get(timeout=600)
            except queue.Empty:
                raise TimeoutError(f"{shlex.join(cmd)}: no address after 600 s") from None
            if line is None:
                raise RuntimeError(f"{shlex.join(cmd)} exited: " + " / ".join(self.log[-10:]))
            found = re.search(self.url_pattern, line)
            if found:
                self.startup = time.perf_counter() - started
                return found.group(1)

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line.rstrip())
            self.lines.put((time.time(), line.rstrip()))
        self.lines.put((time.time(), None))  # type: ignore[arg-type]  # the server's output ended

    def wait_idle(self, timeout: float = 300) -> None:
        """Until the server has printed nothing for a second and has no pages left to update."""
        pending = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _, line = self.lines.get(timeout=1.0)
            except queue.Empty:
                if not pending:
                    return
                continue
            if line is None:
                raise RuntimeError("the server exited: " + " / ".join(self.log[-10:]))
            if "more pages to update" in line:
                pending = True
            elif "all pages up to date" in line or "error" in line:
                pending = False
        raise TimeoutError("the server did not finish its work")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(2)  # Ctrl-C
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ---------------------------------------------------------------------------- measuring


def measure(args: argparse.Namespace, site: Path, target: dict[str, str], url: str,
            server: Server) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    results: dict[str, list[float]] = {k: [] for k in kinds}
    jitter = random.Random(1)
    article = site / target["rel"]
    template = site / target.get("template", "templates/article.html")
    block = target.get("block", "{% block content %}")  # the template edit inserts its marker after this
    original_article = article.read_text(encoding="utf-8")
    original_template = template.read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_init_script(SHOWN_AT)
        page.goto(url.rstrip("/") + "/" + target["url"])
        page.wait_for_selector("h1")
        try:
            for kind in kinds:
                for run in range(args.runs + 1):  # the first run warms up, not counted
                    server.wait_idle()
                    # plus 0-0.5 s at random: a server that takes file events on a timer (hugo server
                    # starts its rebuilds on a 500 ms tick) is then saved to at any phase of it, not
                    # at the same one every run (wait_idle ends a fixed time after its last line)
                    time.sleep(0.3 + jitter.uniform(0, 0.5))
                    marker = f"bench {kind} {run} {time.time():.0f}"
                    path, text, check = edit(kind, marker, article, original_article, template, original_template,
                                             block)
                    saved = save(path, text)
                    page.wait_for_function(f"({check}) && window.__shownAt", timeout=120_000, polling="raf")
                    seconds = page.evaluate("window.__shownAt") / 1000 - saved
                    label = "warm-up" if run == 0 else f"run {run}"
                    print(f"  {kind:<8} {label:<7} {seconds * 1000:7.0f} ms", flush=True)
                    if run:
                        results[kind].append(seconds)
                server.wait_idle()
                save(article, original_article)
                save(template, original_template)
        finally:
            server.wait_idle()
            save(article, original_article)
            save(template, original_template)
            browser.close()
    return results


def edit(kind: str, marker: str, article: Path, article_text: str, template: Path,
         template_text: str, block: str = "{% block content %}") -> tuple[Path, str, str]:
    """(file to save, its new text, a JS condition true once the browser shows the change)."""
    if kind == "headline":
        text = re.sub(r"(?m)^title: .*$", f"title: {marker}", article_text, count=1)
        return article, text, f"(document.querySelector('h1') || {{}}).textContent === {marker!r}"
    if kind == "body":
        head, sep, body = article_text.partition("\n---\n")
        return article, f"{head}{sep}\n{marker}.\n{body}", f"document.body.innerText.includes({marker!r})"
    if block not in template_text:
        raise ValueError(f"{template}: no {block!r} to put the marker after")
    text = template_text.replace(block, f'{block}<p class="bench-marker">{marker}</p>', 1)
    return template, text, f"(document.querySelector('.bench-marker') || {{}}).textContent === {marker!r}"


def report(results: dict[str, list[float]], server: Server, load_before: tuple[float, float, float]) -> None:
    load = os.getloadavg()
    print(f"\nmachine: {os.cpu_count()} cores; load average {load_before[0]:.1f} at the start, "
          f"{load[1]:.1f} over the last 5 minutes (the browser and the server share these cores)")
    print("save -> browser shows the change (median / max of the measured runs):")
    for kind, values in results.items():
        if not values:
            continue
        med, worst = statistics.median(values), max(values)
        verdict = "ok" if med <= TARGETS[kind] else "over target"
        print(f"  {kind:<8} median {med * 1000:6.0f} ms   max {worst * 1000:6.0f} ms   "
              f"target (median) <= {TARGETS[kind] * 1000:.0f} ms: {verdict}  (n={len(values)})")
    print("\nserver lines:")
    for line in server.log:
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
