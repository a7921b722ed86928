"""Coalescing: a burst of file events (an editor's save, a `git checkout` of 500 files) becomes
one batch, handed over once the disk has been quiet for a moment.

Before that moment the build loop may look at what is waiting (`ChangeQueue.next` with `early`):
an editor's save is complete a few milliseconds after its first event, and the page on screen can
be rendered from it at once (serve/early.py, which is never the last word), while the build waits
for the batch to be due.

`Coalescer` is the pure rule (the clock is passed in, so tests need no sleeping); `ChangeQueue`
is the thread-safe wrapper the watcher feeds and the build loop waits on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

QUIET = 0.1  # seconds without a new event before a batch is due
EARLY = 0.01  # seconds without a new event before the waiting paths may be looked at (`ChangeQueue.next`)
LONGEST = 5.0  # a batch is due at the latest this long after its first event (no starvation)


class Coalescer:
    """Collects paths; a batch is due `quiet` seconds after the last one was added, or `longest`
    seconds after the first, whichever comes first."""

    def __init__(self, quiet: float = QUIET, longest: float = LONGEST) -> None:
        self.quiet = quiet
        self.longest = longest
        self._paths: set[str] = set()
        self._first = 0.0
        self._last = 0.0
        self._peeked = False  # the paths waiting now were handed to `peek`

    def add(self, paths: Iterable[str], now: float) -> None:
        fresh = set(paths)
        if not fresh:
            return
        if not self._paths:
            self._first = now
        self._paths |= fresh
        self._last = now
        self._peeked = False

    def __bool__(self) -> bool:
        return bool(self._paths)

    def due_in(self, now: float) -> float | None:
        """Seconds until the batch is due (0 when it is), None when nothing is waiting."""
        if not self._paths:
            return None
        due = min(self._last + self.quiet, self._first + self.longest)
        return max(0.0, due - now)

    def peek(self, now: float, quiet: float) -> tuple[float, set[str] | None]:
        """The waiting paths (kept), once they have been quiet for `quiet` seconds, each version of the
        batch once; else None and the seconds until they may be."""
        if not self._paths or self._peeked:
            return float("inf"), None
        wait = self._last + quiet - now
        if wait > 0:
            return wait, None
        self._peeked = True
        return 0.0, set(self._paths)

    def take_all(self) -> set[str]:
        """Every path waiting, due or not (a build is wanted now); they are then emptied."""
        batch, self._paths = self._paths, set()
        return batch

    def take(self, now: float) -> set[str] | None:
        """The batch, if it is due; it is then emptied."""
        if self.due_in(now) != 0.0:
            return None
        batch, self._paths = self._paths, set()
        return batch


class ChangeQueue:
    """The hand-over between the watcher thread (put) and the build loop (get)."""

    def __init__(self, quiet: float = QUIET, longest: float = LONGEST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._coalescer = Coalescer(quiet, longest)
        self._clock = clock
        self._cond = threading.Condition()
        self._closed = False
        self._woken = False

    def put(self, paths: Iterable[str]) -> None:
        with self._cond:
            self._coalescer.add(paths, self._clock())
            self._cond.notify_all()

    def pending(self) -> bool:
        """True when changes are waiting (due or not): the build loop checks this between builds."""
        with self._cond:
            return bool(self._coalescer)

    def get(self, timeout: float | None = None) -> set[str] | None:
        """Wait for the next due batch. None on timeout or once closed."""
        found = self.next(timeout)
        return found[1] if found is not None else None

    def next(self, timeout: float | None = None, early: float | None = None) -> tuple[bool, set[str]] | None:
        """Wait for the next due batch: (True, paths). With `early`: or until the paths waiting have
        been quiet for `early` seconds: (False, paths), which stay waiting. None on timeout or once
        closed."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            while not self._closed:
                if self._woken:
                    self._woken = False
                    return None
                now = self._clock()
                batch = self._coalescer.take(now)
                if batch is not None:
                    return True, batch
                peek = self._coalescer.peek(now, early) if early is not None else (None, None)
                if peek[1] is not None:
                    return False, peek[1]
                waits = [w for w in (self._coalescer.due_in(now), peek[0],
                                     None if deadline is None else deadline - now) if w is not None]
                wait = min(waits) if waits else None
                if wait is not None and wait <= 0:
                    return None
                # bounded waits keep Ctrl-C responsive on the main thread
                self._cond.wait(0.5 if wait is None else min(wait, 0.5))
            return None

    def take_all(self) -> set[str]:
        """Every path waiting, due or not: a build of them is wanted now."""
        with self._cond:
            return self._coalescer.take_all()

    def wake(self) -> None:
        """A waiting `next` returns None now: the loop has something else to do."""
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
