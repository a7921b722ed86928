"""The output folder itself: one build at a time writes it (a lock), and a folder that would destroy the
site or someone else's files is refused before anything is written."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError, Diagnostic
from .output import MARKER

_HOSTING_FILES = ("CNAME",)  # kept in the output by publishing setups: not "someone else's folder"


@contextlib.contextmanager
def locked(root: Path, out: Path) -> Iterator[None]:
    """One build at a time per output folder, whichever site folder it builds from: an flock on the
    output folder itself (made here if missing), which the kernel releases when the process ends,
    however it ends. The holder's pid is noted in the site's cache folder, for the message."""
    import fcntl

    from .incremental.cache import CACHE_DIR

    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        dangling = os.path.islink(out) and not os.path.exists(out)  # noqa: PTH114 - (os: as the rest here)
        raise BuildError([Diagnostic(str(out), None, "is a link to nothing (its target is missing)" if dangling else
                                     f"cannot create the output folder: {exc.strerror}",
                                     "remove the link, or point it at a folder" if dangling else
                                     "check the path and its permissions")]) from None
    note = root / CACHE_DIR / f"output-{hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]}.pid"
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            raise BuildError([Diagnostic(str(out), None, f"another build is writing this folder{_holder(note)}",
                                         "wait for it to finish, or use another --out")]) from None
        noted = False
        with contextlib.suppress(OSError):  # only for the message above: never a reason to fail
            note.parent.mkdir(parents=True, exist_ok=True)
            if note.is_file() or not note.exists():
                note.write_text(f"{os.getpid()}\n", encoding="utf-8")
                noted = True
        try:
            yield
        finally:
            if noted:  # (still holding the lock: no other build's note is removed; each newsgen serve
                with contextlib.suppress(OSError):  # has an output folder of its own, whose notes piled up)
                    note.unlink()
    finally:
        os.close(fd)  # releases the lock


def _holder(note: Path) -> str:
    try:
        if note.is_file():
            pid = note.read_text(encoding="utf-8").strip()
            if pid.isdigit():
                return f" (pid {pid})"
    except (OSError, UnicodeDecodeError):
        pass
    return ""


def check_output_folder(out: Path, root: Path, ours: bool = False) -> list[Diagnostic]:
    """Refuse an output folder that would destroy the site or someone else's files. `ours`: the site's
    snapshot says its last build wrote into this very folder (its manifest may have been deleted since:
    the build writes it again, and leaves every file it does not know alone)."""
    resolved, site = out.resolve(), root.resolve()
    shown = str(out)
    if resolved == site or resolved in site.parents or resolved == Path.home().resolve():
        return [Diagnostic(shown, None, "the output folder cannot be the site folder or one of its parents",
                           "use --out public")]
    for special in ("content", "templates", "static"):
        own = (site / special).resolve()
        if resolved == own or own in resolved.parents:
            return [Diagnostic(shown, None, f"the output folder cannot be inside {special}/",
                               "use --out public")]
    if resolved.exists() and not resolved.is_dir():
        return [Diagnostic(shown, None, "the output path is a file, not a folder")]
    if not ours and resolved.is_dir() and not (resolved / MARKER).exists() and any(
            not (p.name.startswith(".") or p.name in _HOSTING_FILES) for p in resolved.iterdir()):
        return [Diagnostic(shown, None, "the output folder is not empty and was not made by newsgen",
                           "choose an empty folder, or empty this one: newsgen replaces what is in it")]
    return []
