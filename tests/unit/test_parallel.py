"""parallel/: the executor gives the same results inline and over a pool, workers die with the build,
and bodies rendered ahead are read back from spool files that are gone afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsgen.errors import BuildError
from newsgen.parallel import Executor
from newsgen.parallel.executor import BUSY_INLINE, GRACE, WATCH, WorkerLost, chunks


def _square(shared: int, local: dict[str, Any], chunk: list[int]) -> list[tuple[int, int, int]]:
    local["calls"] = local.get("calls", 0) + 1  # lives as long as the worker
    return [(x, x * x + shared, os.getpid()) for x in chunk]


def test_inline_and_pool_give_the_same_results_in_order() -> None:
    items = list(range(1000))
    inline = Executor(1).map(_square, 7, items)
    pooled = Executor(2).map(_square, 7, items)
    assert [r[:2] for r in inline] == [r[:2] for r in pooled] == [(x, x * x + 7) for x in items]
    assert {r[2] for r in inline} == {os.getpid()}
    assert os.getpid() not in {r[2] for r in pooled}  # really in other processes


def test_small_jobs_run_inline() -> None:
    done = Executor(2).map(_square, 0, list(range(10)))
    assert {r[2] for r in done} == {os.getpid()}
    assert not Executor(2).forks(10) and Executor(2).forks(10_000) and not Executor(1).forks(10_000)


def test_progress_counts_every_item() -> None:
    seen: list[int] = []
    Executor(2).map(_square, 0, list(range(500)), progress=seen.append)
    assert sum(seen) == 500


def test_chunks_cover_every_item_once_and_shrink() -> None:
    items = list(range(10_007))
    parts = list(chunks(items, 2))
    assert [x for p in parts for x in p] == items
    assert len(parts[0]) >= len(parts[-1])


class _Busy:
    """Background work stand-in: running until spool() is called."""

    def __init__(self) -> None:
        self.running = True
        self.closed = False

    def spool(self) -> str:
        self.running = False
        return "spool"

    def close(self, kill: bool = False) -> None:
        self.closed = True


def test_while_background_work_runs_small_maps_stay_inline_and_big_ones_wait() -> None:
    with Executor(2) as executor:
        busy = executor.background = _Busy()  # type: ignore[assignment]
        small = executor.map(_square, 0, list(range(BUSY_INLINE)), inline_below=1)
        assert {r[2] for r in small} == {os.getpid()} and busy.running
        rank = executor.map(_square, 0, list(range(500)), inline_while_busy=True)
        assert {r[2] for r in rank} == {os.getpid()} and busy.running
        big = executor.map(_square, 0, list(range(500)))
        assert not busy.running and os.getpid() not in {r[2] for r in big}
    assert busy.closed and executor.background is None


def _sleep(shared: float, local: dict[str, Any], chunk: list[int]) -> list[int]:
    time.sleep(shared)
    return chunk


def test_workers_die_with_the_build_process(tmp_path: Path) -> None:
    """Issue 19 item 8: kill -9 of the main process left pool workers blocked forever, holding stdout."""
    script = tmp_path / "build.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_parallel import _sleep\n"
        "from newsgen.parallel import Executor\n"
        "import multiprocessing\n"
        "def report():\n"
        "    while len(multiprocessing.active_children()) < 2: time.sleep(0.05)\n"
        "    print(*[p.pid for p in multiprocessing.active_children()], flush=True)\n"
        "import threading; threading.Thread(target=report, daemon=True).start()\n"
        "Executor(2).map(_sleep, 60.0, list(range(400)))\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert proc.stdout is not None
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in workers if _alive(pid)]
        time.sleep(0.1)
    assert alive == []
    assert proc.stdout.read() == ""  # the pipe closed: nothing holds it


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) is dead
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def test_spool_reads_back_what_was_written_and_closes(tmp_path: Path) -> None:
    from newsgen.parallel import Spool

    path = tmp_path / "spool"
    path.write_bytes("<p>a</p><p>ß</p>".encode())
    spool = Spool({"a.md": (str(path), 0, 8), "b.md": (str(path), 8, 9), "c.md": (str(path), 8, 99)})
    assert spool.read("a.md") == "<p>a</p>" and spool.read("b.md") == "<p>ß</p>"
    assert spool.read("c.md") is None and spool.read("missing.md") is None  # short: rendered again instead
    spool.close()
    assert spool._readers._fds == {}


@pytest.mark.parametrize("jobs", [1, 2])
def test_bodies_ahead_spool_every_body_and_leave_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         jobs: int) -> None:
    import tempfile
    from dataclasses import dataclass

    from newsgen.parallel import BodiesAhead

    @dataclass
    class Doc:
        source: str

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    docs = [Doc(f"content/{i}.md") for i in range(300)]
    ahead = BodiesAhead(_body, docs, jobs)
    spool = ahead.spool()
    assert {d.source for d in docs} - {"content/13.md"} == set(spool.places)  # a body that failed is left out
    assert all(spool.read(d.source) == f"<p>{d.source}</p>" for d in docs if d.source != "content/13.md")
    ahead.close()
    assert list(tmp_path.iterdir()) == []


def _body(doc: Any, markdown: str | None) -> str:
    assert markdown is None  # (no spool of Markdown bodies given)
    if doc.source == "content/13.md":
        raise ValueError("a body that cannot be rendered: its page reports it")
    return f"<p>{doc.source}</p>"


def _cut_short(shared: str, local: dict[str, Any], chunk: list[int]) -> list[int]:
    """(In a worker.) Starts a chunk's answer and stops partway, as a worker killed while it writes one:
    the answer's length, a few of its bytes, then nothing."""
    _cut_short_write()
    Path(shared).touch()
    time.sleep(120)
    return chunk


def test_a_stop_while_a_worker_writes_its_answer_does_not_hang(tmp_path: Path) -> None:
    """Ctrl-C killed the workers while one wrote a chunk's results: the pool's thread then waited for the
    rest of that message forever, and the build with it (one stop in ~15 hung, by hand)."""
    marker = tmp_path / "writing"
    script = tmp_path / "stop.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from pathlib import Path\n"
        "from test_parallel import _cut_short\n"
        "from newsgen.parallel.executor import forked_pool, _call\n"
        f"marker = Path({str(marker)!r})\n"
        "try:\n"
        "    with forked_pool(2, {'shared': str(marker)}) as pool:\n"
        "        pool.submit(_call, (_cut_short, [1]))\n"
        "        while not marker.exists(): time.sleep(0.01)\n"
        "        time.sleep(0.2)  # the pool's thread is reading the message cut short\n"
        "        raise KeyboardInterrupt\n"
        "except KeyboardInterrupt:\n"
        "    print('stopped', flush=True)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout == "stopped\n"
    assert "Traceback" not in done.stderr


_STOPS = """
import os, signal, sys, threading, time
sys.path.insert(0, {tests!r})
from test_parallel import _sleep
from newsgen.parallel import Executor
for k in range(6):
    threading.Timer(0.3 + 0.05 * k, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        Executor(2).map(_sleep, 0.05, list(range(400)), smallest=1)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("not stopped")
print("stopped", flush=True)
"""


def test_ctrl_c_while_the_pool_works_is_a_clean_stop(tmp_path: Path) -> None:
    """Ctrl-C while chunks wait for a worker: every stop is quiet (no traceback from the pool's thread) and
    the program ends (it hung at exit when that thread had died of the traceback)."""
    done = subprocess.run([sys.executable, "-c", _STOPS.format(tests=str(Path(__file__).parent))],  # noqa: S603
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    assert done.returncode == 0, done.stderr
    assert done.stdout == "stopped\n"
    assert done.stderr == ""


def _killed(shared: bool, local: dict[str, Any], chunk: list[int]) -> list[int]:
    """(In a worker.) The first chunk's worker dies as the out-of-memory killer kills one: SIGKILL, at once
    (`shared`: after it has started writing that chunk's answer, the length and a few bytes)."""
    if 0 in chunk:
        if shared:
            _cut_short_write()
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.01)
    return chunk


def _cut_short_write() -> None:
    """(In a worker.) A chunk's answer begun in the results' pipe: its length, a few of its bytes."""
    import struct

    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":  # concurrent.futures' worker loop holds the results' queue
        assert frame.f_back is not None
        frame = frame.f_back
    os.write(frame.f_locals["result_queue"]._writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 10)


def test_a_worker_killed_by_the_system_is_one_line_not_a_traceback() -> None:
    """A worker killed from outside (the out-of-memory killer): the pool's BrokenProcessPool becomes the
    build's one-line error, which names the signal and says what to do."""
    with pytest.raises(WorkerLost) as raised:
        Executor(2).map(_killed, False, list(range(400)), smallest=1)
    (line,) = [str(d) for d in raised.value.diagnostics]
    assert line.startswith("newsgen: a build process was killed (SIGKILL)")
    assert "-j 1" in line
    assert isinstance(raised.value, BuildError)


_KILLED_WRITING = """
import sys, time
sys.path.insert(0, {tests!r})
from test_parallel import _killed
from newsgen.parallel import Executor
from newsgen.parallel.executor import WorkerLost
started = time.monotonic()
try:
    Executor(2).map(_killed, True, list(range(400)), smallest=1)
except WorkerLost as exc:
    print(exc, round(time.monotonic() - started), flush=True)
"""


def test_a_worker_killed_while_it_writes_its_answer_ends_the_build_in_bounded_time() -> None:
    """Killed while it wrote a chunk's answer, a worker left the pool's thread waiting for the rest of
    the message, and the build with it, forever (CPython 3.11): the watchdog stops the pool within its
    grace time and the build ends on the same one-line error."""
    done = subprocess.run([sys.executable, "-c", _KILLED_WRITING.format(tests=str(Path(__file__).parent))],  # noqa: S603
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    message, seconds = done.stdout.rsplit(" ", 1)
    assert message.startswith("newsgen: a build process was killed (SIGKILL)"), done.stdout
    assert int(seconds) <= GRACE + 2 * WATCH + 2
    assert done.stderr == ""
