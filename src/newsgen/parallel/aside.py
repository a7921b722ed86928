"""A small job done aside: `Aside(job, *args)` runs `job(*args) -> bytes` in a forked child while this
process goes on, and `result()` waits for its answer.

For system calls by the ten thousand that the build would otherwise wait for in between its own work
(a no-change build checks that the ~12,600 files the last one left are still in the output while it
walks its inputs: one core each, ~35 ms saved of ~180 at 10k articles).

The answer goes through a pipe and must fit in the kernel's pipe buffer (LIMIT), so that the child
never waits for the parent: it writes, exits, and is reaped by `result()`. When anything fails (no
fork here, an answer too big, the child killed), `result()` is None and the caller does the job
itself: the aside changes when the work is done, never what it finds.

`Answers` is the same for a job that answers in parts, each as soon as it is ready, of any size (the
inputs walked, then the output checked: `incremental/walkaside.py`).

The no-change answer of `newsgen build` (`cli.run`, `snapshot.quick`) uses them before anything else is
imported: it imports nothing but `os` (and the `parallel` package imports its other modules only when
their names are first used).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module, loaded at start-up (`signal` imports enum)
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, NoReturn

LIMIT = 60_000  # bytes: under Linux's smallest pipe buffer (64 KiB)


class Aside:
    def __init__(self, job: Callable[..., bytes], *args: object) -> None:
        self._pid, self._fd = _fork(job, args, framed=False)

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


def _fork(job: Callable[..., Any], args: tuple[object, ...], framed: bool) -> tuple[int, int]:
    """A forked child doing `job(*args)` (`_child`), and (its pid, the pipe's end its answers come from),
    or (0, -1) when there is no pipe or no fork here."""
    try:
        read, write = os.pipe()
    except (OSError, AttributeError):
        return 0, -1
    # Ctrl-C and SIGTERM held back until the child has set its own handlers (else one that came right
    # after the fork would run the parent's in the child: a second "Aborted!"); the parent gets its own after
    stops = {_signal.SIGINT, _signal.SIGTERM}
    held = _signal.pthread_sigmask(_signal.SIG_BLOCK, stops) if hasattr(_signal, "pthread_sigmask") else None
    try:
        pid = os.fork()
    except (OSError, AttributeError):
        os.close(read)
        os.close(write)
        pid = -1
    if pid == 0:  # pragma: no cover - the child (its answers are what the tests check)
        _child(read, write, job, args, framed, held)
    if held is not None:
        _signal.pthread_sigmask(_signal.SIG_SETMASK, held)
    if pid < 0:
        return 0, -1
    os.close(write)
    return pid, read


def _child(read: int, write: int, job: Callable[..., Any], args: tuple[object, ...], framed: bool,
           held: set[int] | None) -> NoReturn:
    """Do the job, write the answer, exit: whatever happens, this copy of the build never returns
    into the caller's code (an exception here would otherwise run the build on in the child). `framed`:
    the job yields its answers (Answers), each written as it comes, its length first; else it returns
    one, written when it fits the pipe (Aside)."""
    code = 1
    try:
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # Ctrl-C reaches the process group: the parent handles it
        _signal.signal(_signal.SIGTERM, _signal.SIG_DFL)  # not the parent's handler
        if held is not None:
            _signal.pthread_sigmask(_signal.SIG_SETMASK, held)
        os.close(read)
        if framed:
            for answer in job(*args):
                _write(write, len(answer).to_bytes(8, "little"))
                _write(write, answer)
            code = 0
        elif 0 < len(answer := job(*args)) <= LIMIT:
            _write(write, answer)
            code = 0
    finally:
        os._exit(code)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Answers:
    """A job done aside that answers in parts as they are ready: `job(*args)` yields its answers (bytes),
    each written to the pipe as soon as it is made, its length first (the child waits for this process to
    read a big one). `ready()`: whether the next answer has begun to come, without waiting; `next()`: the
    next answer, waited for, or None (the job failed, or has no answer left: the caller does that part
    itself); `close()` stops and reaps the child (also when the object is dropped)."""

    def __init__(self, job: Callable[..., Iterator[bytes]], *args: object) -> None:
        self._buffer = b""
        self._pid, self._fd = _fork(job, args, framed=True)

    @property
    def started(self) -> bool:
        return self._fd >= 0

    def ready(self) -> bool:
        if self._fd < 0 or self._buffer:
            return True
        import select  # (a C module: ~0.1 ms)

        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def next(self) -> bytes | None:
        if self._fd < 0:
            return None
        try:
            head = self._take(8)
            answer = self._take(int.from_bytes(head, "little")) if head is not None else None
        except OSError:
            answer = None
        if answer is None:
            self.close()
        return answer

    def _take(self, size: int) -> bytes | None:
        chunks, have = [self._buffer], len(self._buffer)
        while have < size:
            chunk = os.read(self._fd, max(size - have, 1 << 16))
            if not chunk:
                return None
            chunks.append(chunk)
            have += len(chunk)
        data = b"".join(chunks) if len(chunks) > 1 else chunks[0]
        self._buffer = data[size:]
        return data[:size]

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            os.kill(self._pid, _signal.SIGKILL)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = -1
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass

    def __del__(self) -> None:
        self.close()
