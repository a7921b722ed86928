"""A page that runs away is stopped, at its template's line, in bounded time and memory.

`range()`, `*`, `**` and `lipsum()` are bounded where a template calls them (environment.py, hooks.py),
but loops nested under those bounds are not: `range(99999)` inside `range(99999)` is ten billion turns,
and a string doubled forty times is a terabyte. Such a page is stopped when it has taken more than
`SECONDS` of CPU (30 s; a real page takes milliseconds, the largest sitemap well under a second) or made
the process's peak memory grow by more than `MEMORY` since it started (2 GB).

How: while pages render (`limited()`, one region per chunk of pages, not per page), a profiling timer
(`ITIMER_PROF`, CPU time) ticks every 0.1 s and a signal handler looks at which page is rendering. A
page is rendered through `guarded()`, which gives it a number; the same number over the ticks adds up
its CPU time. Past a limit the handler raises `PageLimit` in the page's own code (what `guarded()`
calls, never `guarded()`'s frame or its caller's: a write or the loop's bookkeeping is not a template):
Jinja turns the traceback into the template's line, and the page fails as a template error. The
handler raises again a second later if the page is still rendering, so code that catches the error and
goes on is stopped too.

Once a page has failed this way (`tripped()`), the process renders no more pages of that build: the
build fails anyway, and the same template would run away once per page (and once per language edition:
`reset()` is called once a build). So a build stops after at most about `SECONDS` per process that meets it.

Only the main thread can handle signals, and only where `setitimer` exists (not Windows): elsewhere
pages render unguarded, as before. `NEWSGEN_PAGE_SECONDS` and `NEWSGEN_PAGE_MEMORY_MB` in the
environment change the limits (a site with a template that is slow on purpose; the tests); `inf` is no
limit, and anything but a positive number is the default.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # (Windows: no setitimer either, pages render unguarded)
    resource = None  # type: ignore[assignment]


def _number(name: str, default: float) -> float:
    """A positive number from the environment; `inf` (no limit) too. Anything else: the default."""
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 and not math.isnan(value) else default


SECONDS = _number("NEWSGEN_PAGE_SECONDS", 30.0)  # CPU seconds a page may take
MEMORY = _number("NEWSGEN_PAGE_MEMORY_MB", 2048) * 1024 * 1024  # bytes the peak may grow by in a page
TICK = 0.1  # CPU seconds between two looks
GRACE = 10  # ticks after an error raised before it is raised again (the page's code caught it and went on)


T = TypeVar("T")


class PageLimit(Exception):  # noqa: N818 - what the template error says: the page went past a limit
    """A page went past a limit (raised in the page's code by the timer's handler)."""


class _Watch:
    page = 0  # the page rendering now (one more for each guarded() call)
    seen = -1  # the page the last tick saw
    ticks = 0  # ticks the same page has been seen for
    peak = 0  # the process's peak memory when the page was first seen (bytes)
    raised: int | None = None  # the tick at which the page's error was raised
    rendering = False  # inside guarded(): ticks elsewhere (writing the page) are not the page's
    loop: FrameType | None = None  # guarded()'s own frame: a tick there raises nothing
    depth = 0  # limited() regions open
    tripped: PageLimit | None = None  # the first page stopped in this build, in this process
    reported = False  # its error has been given to the build (a card's is not: the card is left out)


_watch = _Watch()


def guarded(render: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`render(*args, **kwargs)`: a page's (or a card's) own code, its CPU time and memory counted from
    here. Past a limit `PageLimit` is raised in what it calls, never in this frame: what the caller does
    with the result (its write, the loop over the pages) is not a template."""
    w = _watch
    before = (w.loop, w.rendering)
    w.page += 1
    w.loop, w.rendering = sys._getframe(), True  # noqa: SLF001 - this frame, compared by identity
    try:
        return render(*args, **kwargs)
    finally:
        w.loop, w.rendering = before


def tripped() -> PageLimit | None:
    """The error of a page stopped in this process since `reset()`: no more pages are rendered."""
    return _watch.tripped


def unreported(exc: BaseException | None = None) -> PageLimit | None:
    """The page stopped in this process, the first time it is asked for (then None): its error is
    reported once, and no other page's. With `exc`, the error a page raised: when it is that one, it is
    reported by the caller (None)."""
    w = _watch
    if w.tripped is None or w.reported:
        return None
    w.reported = True
    return w.tripped if exc is not w.tripped else None


def reset() -> None:
    """A new build (newsgen serve builds again in the same process)."""
    _watch.tripped, _watch.reported = None, False


@contextmanager
def limited() -> Iterator[None]:
    """Pages rendered in this block are stopped past the limits (where this thread can have a timer)."""
    if (_watch.depth or resource is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        _watch.depth += 1
        try:
            yield
        finally:
            _watch.depth -= 1
        return
    _watch.rendering = False
    old = signal.signal(signal.SIGPROF, _on_tick)
    signal.setitimer(signal.ITIMER_PROF, TICK, TICK)
    _watch.depth += 1
    try:
        yield
    finally:
        _watch.depth -= 1
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def _peak() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # (bytes on macOS, KB elsewhere)


def _on_tick(signum: int, frame: FrameType | None) -> None:
    w = _watch
    if not w.rendering or frame is None or frame is w.loop:
        return  # (not in the page's own code)
    if w.page != w.seen:
        w.seen, w.ticks, w.peak, w.raised = w.page, 0, _peak(), None
        return
    w.ticks += 1
    if w.raised is not None and w.ticks - w.raised < GRACE:
        return  # (Jinja is turning the error just raised into the template's line)
    if w.ticks * TICK > SECONDS:
        problem = f"took more than {SECONDS:g} s to render"
    elif _peak() - w.peak > MEMORY:
        problem = f"needed more than {MEMORY / (1 << 20):,.0f} MB to render"
    else:
        return
    exc = PageLimit(problem)
    w.raised = w.ticks
    if w.tripped is None:
        w.tripped = exc
    raise exc
