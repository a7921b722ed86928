"""A small job done aside: `Aside(job, *args)` runs `job(*args) -> bytes` in a forked child while this
process goes on, and `result()` waits for its answer.

For system calls by the ten thousand that the build would otherwise wait for in between its own work
(a no-change build checks that the ~12,600 files the last one left are still in the output while it
walks its inputs: one core each, ~35 ms saved of ~180 at 10k articles).

The answer goes through a pipe and must fit in the kernel's pipe buffer (LIMIT), so that the child
never waits for the parent: it writes, exits, and is reaped by `result()`. When anything fails (no
fork here, an answer too big, the child killed), `result()` is None and the caller does the job
itself: the aside changes when the work is done, never what it finds.

The no-change answer of `newsgen build` (`cli.run`, `snapshot.quick`) uses it before anything else is
imported: it imports nothing but `os` (and the `parallel` package imports its other modules only when
their names are first used).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module, loaded at start-up (`signal` imports enum)
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

LIMIT = 60_000  # bytes: under Linux's smallest pipe buffer (64 KiB)


class Aside:
    def __init__(self, job: Callable[..., bytes], *args: object) -> None:
        self._pid = 0
        self._fd = -1
        try:
            read, write = os.pipe()
        except (OSError, AttributeError):
            return
        try:
            pid = os.fork()
        except (OSError, AttributeError):
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # pragma: no cover - the child (its answer is what the tests check)
            _child(read, write, job, args)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> bytes | None:
        """The job's answer, or None (the caller then does the job itself). Once."""
        if self._fd < 0:
            return None
        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 16):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self._fd)
            self._fd = -1
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:  # reaped by someone else (a SIGCHLD handler): its exit status is unknown
            return None
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0) or not chunks:
            return None
        return b"".join(chunks)

    def cancel(self) -> None:
        """The answer is not wanted after all: the child is stopped and reaped, not waited for."""
        if self._fd >= 0:
            try:
                os.kill(self._pid, _signal.SIGKILL)
            except OSError:
                pass
            self.result()

    def __del__(self) -> None:  # never read (the build stopped on an error): reap the child anyway
        if self._fd >= 0:
            self.result()


def _child(read: int, write: int, job: Callable[..., bytes], args: tuple[object, ...]) -> NoReturn:
    """Do the job, write the answer, exit: whatever happens, this copy of the build never returns
    into the caller's code (an exception here would otherwise run the build on in the child)."""
    code = 1
    try:
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # Ctrl-C reaches the process group: the parent handles it
        _signal.signal(_signal.SIGTERM, _signal.SIG_DFL)  # not the parent's handler
        os.close(read)
        answer = job(*args)
        if 0 < len(answer) <= LIMIT:
            view = memoryview(answer)
            while view:
                view = view[os.write(write, view):]
            code = 0
    finally:
        os._exit(code)
