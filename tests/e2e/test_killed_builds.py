"""Random sequences of edits, each built by the real program killed (`kill -9` on the build and its workers)
at a random moment: while it walks, parses, renders, publishes or saves its cache. Whatever the moment, the
build after it (not killed) writes, byte for byte, what a build without a cache writes of the same files,
and leaves no file of its own work behind; nothing an editor keeps in the output folder is lost.

The moments are drawn over the length of a recent build with work to do (the median of the last five;
the first, full build counts for 60 % of its time) and a little beyond, half of them in its second half:
a build of this small site takes ~0.1-0.2 s, most of it starting up (imports), and what is worth killing
(pages staged, the output published, the cache and the snapshot saved) is in its last tens of milliseconds.
Seeded like test_edit_sequences.py: NEWSGEN_KILL_SEEDS=1,2,3... and NEWSGEN_KILL_STEPS=n for more."""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.e2e.newsroom import output_of
from tests.e2e.test_edit_sequences import KINDS, Room, same, start

from newsgen.build import BuildOptions, build
from newsgen.output import MARKER, STAGING

SEEDS = [int(s) for s in os.environ.get("NEWSGEN_KILL_SEEDS", "7,8").split(",") if s.strip()]
STEPS = int(os.environ.get("NEWSGEN_KILL_STEPS", "12"))
KEPT = "press/statement.pdf"  # a file the web team keeps in the output folder, not made by newsgen


def _program(out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-c", "from newsgen.cli import run; run()", "build", "-q", "--out", str(out), "-j", str(jobs)]


def _build(root: Path, out: Path, jobs: int) -> float:
    """The real program, not killed; its wall time."""
    began = time.monotonic()
    proc = subprocess.run(_program(out, jobs), cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return time.monotonic() - began


def _killed(root: Path, out: Path, jobs: int, after: float) -> float | None:
    """The real program started and killed with its workers `after` seconds on: None, or how long it took
    when it finished before (a build with work to do: one more measure of how long builds take)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # (no bytecode file cut short by the kill)
    began = time.monotonic()
    proc = subprocess.Popen(_program(out, jobs), cwd=root, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=after)
        return time.monotonic() - began
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    return None


@pytest.mark.parametrize("seed", SEEDS)
def test_a_build_killed_at_any_moment_is_made_good_by_the_next(make_site, png, tmp_path: Path, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    kind = rng.choice(KINDS)
    room = start(make_site, png, seed + 2000, kind)
    shared = kind == "shared latest news"
    out = room.root / "public"
    kept = out / KEPT
    took = [_build(room.root, out, 2) * 0.6]  # builds that had work to do (a first one does more)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(b"%PDF-1.4 kept by the web team\n")
    landed = 0
    for step in range(STEPS):
        name = rng.choice(Room.EDITS)
        getattr(room, name)()
        jobs = rng.choice([1, 2])
        span = statistics.median(took[-5:])
        after = span * (rng.uniform(0.0, 1.15) if rng.random() < 0.5 else rng.uniform(0.5, 1.15))
        where = f"seed {seed} ({kind}), step {step}: {name}, killed {after:.3f} s on (-j {jobs})"
        finished = _killed(room.root, out, jobs, after)
        if finished is None:
            landed += 1
            if rng.random() < 0.3:  # killed twice in a row now and then: the second starts from what the first left
                landed += _killed(room.root, out, rng.choice([1, 2]), span * rng.uniform(0.0, 1.15)) is None
                where += ", twice"
        elif finished > 0.05:  # (not the no-change answer: nothing done)
            took.append(finished)
        last = _build(room.root, out, rng.choice([1, 2]))
        if last > 0.05:
            took.append(last)
        assert kept.read_bytes() == b"%PDF-1.4 kept by the web team\n", where
        assert not (out / STAGING).exists(), where
        reference = tmp_path / f"reference-{step}"
        build(room.root, BuildOptions(out=reference, jobs=1))
        mine = output_of(out)
        assert not [rel for rel in mine if rel.endswith(".newsgen-tmp")], where
        kept.unlink()  # (compared without it: the reference has no such file)
        try:
            same(out, reference, shared, where)
        finally:
            kept.write_bytes(b"%PDF-1.4 kept by the web team\n")
        assert (out / MARKER).is_file(), where
    assert landed >= STEPS // 3, f"only {landed} of {STEPS} kills landed while the build ran: the test proves little"
