"""Output folders of previews killed with SIGKILL are removed by the next preview; live ones stay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from newsgen.serve import scratch
from newsgen.serve.scratch import LOCK_NAME, PREFIX, make_folder, release, remove_stale
from newsgen.serve.server import Preview


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def leftover(parent: Path, pid: int, locked_file: bool = True) -> Path:
    """A folder as a preview killed with SIGKILL leaves it: output inside, a lock file nobody holds."""
    folder = parent / f"{PREFIX}{pid}-abc123_x"
    (folder / "site/politics").mkdir(parents=True)
    (folder / "site/politics/index.html").write_text("<p>old</p>")
    if locked_file:
        (folder / LOCK_NAME).write_bytes(b"")
    return folder


def test_a_dead_previews_folder_is_removed_a_live_one_kept(tmp_path: Path) -> None:
    stale = leftover(tmp_path, dead_pid())
    live, fd = make_folder(str(tmp_path))
    (live / "site").mkdir()
    other = tmp_path / "newsgen-serve-abcdefgh"  # an older newsgen's folder: nothing says it is dead
    other.mkdir()
    unrelated = tmp_path / "something-else"
    unrelated.mkdir()
    try:
        assert remove_stale([str(tmp_path)]) == [stale]
        assert not stale.exists()
        assert (live / "site").is_dir() and other.is_dir() and unrelated.is_dir()
    finally:
        release(fd)
    assert remove_stale([str(tmp_path)]) == [live]  # released: now it is stale too


def test_a_reused_pid_does_not_keep_a_folder(tmp_path: Path) -> None:
    """The pid in the name belongs to a live process (here: this one), but nobody holds the lock."""
    stale = leftover(tmp_path, os.getpid())
    assert remove_stale([str(tmp_path)]) == [stale]


def test_a_folder_being_created_is_kept_unless_its_process_is_gone(tmp_path: Path) -> None:
    creating = leftover(tmp_path, os.getpid(), locked_file=False)  # no lock file yet, pid alive
    killed = leftover(tmp_path, dead_pid(), locked_file=False)
    assert remove_stale([str(tmp_path)]) == [killed]
    assert creating.is_dir()


def test_a_symlink_and_another_users_folder_are_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (tmp_path / f"{PREFIX}{dead_pid()}-link").symlink_to(target)
    stale = leftover(tmp_path, dead_pid())
    real_uid = os.getuid()
    monkeypatch.setattr(scratch.os, "getuid", lambda: real_uid + 1)
    assert remove_stale([str(tmp_path)]) == []
    monkeypatch.undo()
    assert remove_stale([str(tmp_path)]) == [stale]
    assert target.is_dir()


def test_a_previews_lock_is_held_by_its_process_only(tmp_path: Path) -> None:
    """Another process (a second `newsgen serve`) sees the folder as live while the first runs,
    and as stale once it was killed with SIGKILL."""
    code = textwrap.dedent(f"""
        import sys, time
        from newsgen.serve.scratch import make_folder
        folder, fd = make_folder({str(tmp_path)!r})
        print(folder, flush=True)
        time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        folder = Path(proc.stdout.readline().strip())
        assert folder.name.startswith(f"{PREFIX}{proc.pid}-")
        assert remove_stale([str(tmp_path)]) == []
        assert folder.is_dir()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert remove_stale([str(tmp_path)]) == [folder]


def test_starting_a_preview_removes_a_killed_ones_folder(make_site: Any, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    scratch_dir = tmp_path / "scratch"
    scratch_dir.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch_dir))  # the preview's folders go here, not in /dev/shm
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    root = make_site({"content/politics/a.md": make_site.article("Hello")})
    stale = leftover(scratch_dir, dead_pid())
    first = Preview.open(root, port=0)
    try:
        assert first.folder.parent == scratch_dir
        assert not stale.exists()
        second = Preview.open(root, port=0)  # the first one's folder is live: kept
        try:
            assert first.folder.is_dir() and second.folder.is_dir()
        finally:
            second.close()
        assert not second.folder.exists()
        assert first.folder.is_dir()
    finally:
        first.close()
    assert not first.folder.exists()
