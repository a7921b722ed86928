"""An edit with `newsgen build --watch` running (scale.py --watch): the same body edit as scale.py's, measured
two ways in turns (A B A B ...):

- saved: the article written, then the watcher's line saying it built it (its build of the file it was told
  changed, a process of its own; the time includes the watcher's 0.1 s wait for a burst of saves to end);
- asked: the article written, then a plain `newsgen build -v` at once, timed like scale.py's edits (a fresh
  process): it asks the watcher, which builds what was saved and answers (newsgen's watchask.py).

The watcher's first build is a plain build of the output scale.py left (nothing to do, or little)."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import timecmd

ASKED = "asked the running `newsgen build --watch`"


def measure(build: list[str], corpus: Path, article: Path, original: bytes, edits: int, env: dict[str, str],
            log: Path) -> dict:
    """{"saved": [s, ...], "asked": [{"wall", "rss_mb", "asked"}, ...]} or {"error": text}."""
    proc = subprocess.Popen([*build, "--watch"], cwd=corpus, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in iter(proc.stdout.readline, "")],  # type: ignore[union-attr]
                     daemon=True).start()
    said: list[str] = []

    def wait_for(text: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.01)
            except queue.Empty:
                continue
            said.append(line)
            if text in line:
                return time.perf_counter()
        return None

    found: dict = {"saved": [], "asked": []}
    try:
        if wait_for("watching content/", 7200) is None:
            return {"error": "".join(said)[-500:]}
        for k in range(edits):
            time.sleep(0.05)
            article.write_bytes(original + f"\nA sentence added by watch_edits.py, saved {k}.\n".encode())
            started = time.perf_counter()
            done = wait_for(" changed: ", 600)
            if done is None:
                return {**found, "error": "".join(said)[-500:]}
            found["saved"].append(done - started)
            time.sleep(0.05)
            article.write_bytes(original + f"\nA sentence added by watch_edits.py, asked {k}.\n".encode())
            log.unlink(missing_ok=True)
            timed = timecmd([*build, "-v"], cwd=corpus, runs=1, warmup=0, logfile=log, env=env)
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            found["asked"].append({"wall": timed.get("median"), "rss_mb": timed.get("rss_mb_median"),
                                   "asked": ASKED in text})
            wait_for(" changed: ", 60)  # (the watcher's line of the build it made for the question)
            print(f"watch: save {found['saved'][-1]:.2f} s, asked {found['asked'][-1]['wall']:.2f} s", file=sys.stderr,
                  flush=True)
    finally:
        article.write_bytes(original)
        if proc.poll() is None:
            wait_for(" changed: ", 600)
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
    return found
