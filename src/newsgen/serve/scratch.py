"""The preview's output folder, and the removal of folders left behind by killed previews.

Every preview builds into its own folder, `newsgen-serve-<pid>-<random>` in /dev/shm (or the
temporary folder), and removes it when it stops. A preview killed with SIGKILL (or by the
out-of-memory killer, or a power cut of /dev/shm's machine... ) cannot: its folder stays, and in
memory (51 MB at 2,000 articles). The next preview removes such folders when it starts.

A folder is stale when nobody holds its lock. The live preview holds an exclusive `flock` on
`<folder>/.lock` from before that name exists (the file is locked under a temporary name, then
renamed) until it stops; the kernel releases the lock when the process dies, whatever killed it,
and a pid reused by an unrelated process does not hold it. So:

- `.lock` present, its lock can be taken: stale (removed);
- `.lock` present and locked: a live preview (kept);
- no `.lock` yet: a preview still creating its folder when the pid in the name is alive (kept),
  or one killed while creating it (removed).

Only folders of this user, not symlinks, with the name newsgen gives them, are considered;
folders of older newsgen versions (no pid in the name) are left alone: nothing says they are dead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..parallel import alive

log = logging.getLogger(__name__)

PREFIX = "newsgen-serve-"
LOCK_NAME = ".lock"
_NAME = re.compile(rf"{re.escape(PREFIX)}(\d+)-[A-Za-z0-9_]+")


def make_folder(parent: str | None) -> tuple[Path, int]:
    """A new private folder (0700) in `parent` (None: the temporary folder) and the descriptor
    of its held lock: keep it open while the folder is in use, `release` it when done."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    try:
        return folder, _lock(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def release(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)  # closing drops the flock


def _lock(folder: Path) -> int:
    pending = folder / f"{LOCK_NAME}.{os.getpid()}"
    fd = os.open(pending, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else can hold it
        pending.rename(folder / LOCK_NAME)  # appears already locked
    except BaseException:
        os.close(fd)
        raise
    return fd


def remove_stale(parents: Iterable[str]) -> list[Path]:
    """Remove every preview folder in `parents` whose preview is gone. Returns the folders removed."""
    removed: list[Path] = []
    seen: set[str] = set()
    for parent in parents:
        real = os.path.realpath(parent)
        if real in seen:
            continue
        seen.add(real)
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            match = _NAME.fullmatch(name)
            if match is None:
                continue
            folder = Path(parent) / name
            try:
                if _stale(folder, int(match.group(1))):
                    shutil.rmtree(folder, ignore_errors=True)
                    if not folder.exists():
                        removed.append(folder)
            except OSError as exc:  # another user's, vanished meanwhile, ...: not ours to judge
                log.debug("left %s alone: %s", folder, exc)
    return removed


def _stale(folder: Path, pid: int) -> bool:
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:  # still being created, or killed while it was
        return not alive(pid)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False  # held: a live preview
        raise
    finally:
        os.close(fd)  # (our own lock, when taken, goes with it: the folder is removed next)
    return True
