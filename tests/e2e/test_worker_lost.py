"""A worker process killed from outside in the middle of a build (the system's out-of-memory killer):
`newsgen build` ends on one line that says so and what to do, exit status 1, no traceback, in bounded
time, and the output is as the last build left it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import article_text
from tests.e2e.newsroom import output_of

# newsgen's own command line, with every chunk's first call in a worker process killing that worker (as
# the out-of-memory killer does: SIGKILL), whichever stage forks first
_KILLING = """
import os, signal, sys
import newsgen.parallel.executor as executor
real = executor._call
def killing(job):
    if os.getpid() != executor._WORKER.get("parent"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(job)
executor._call = killing
from newsgen.cli import run
sys.argv = ["newsgen", *sys.argv[1:]]
run()
"""


def _site(make_site, words: str):  # type: ignore[no-untyped-def]
    files = {f"content/politics/story-{n}.md": article_text(title=f"Story {n}", date=f"2025-03-{1 + n % 28:02d} 08:00",
                                                            body=f"Story {n} {words}.\n")
             for n in range(240)}
    return make_site(files=files)


def test_a_worker_killed_mid_build_is_one_line_and_the_output_is_kept(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, "begins")
    out = tmp_path / "public"
    first = subprocess.run([sys.executable, "-m", "newsgen.cli", "build", "-q", "--out", str(out), "-j", "2"],
                           cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    before = output_of(out)
    for n in range(240):  # every story changed: the parse and render stages both fork their pools
        path = root / f"content/politics/story-{n}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("begins", "goes on"), encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", _KILLING, "build", "--out", str(out), "-j", "2"],
                            cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert killed.returncode == 1
    assert "Traceback" not in killed.stderr
    assert killed.stderr.splitlines() == [
        "newsgen: a build process was killed (SIGKILL) (the system may have run out of memory: build with fewer "
        "processes (-j 1), or free memory)",
        "newsgen: 1 error, nothing was written"]
    assert output_of(out) == before
    again = subprocess.run([sys.executable, "-m", "newsgen.cli", "build", "-q", "--out", str(out), "-j", "2"],
                           cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    page = (out / "politics").rglob("index.html")
    assert any("Story 7 goes on." in p.read_text(encoding="utf-8") for p in page)
