"""One way to run a stage's work over the build's processes: `Executor.map(task, shared, items)`.

A task is a plain module-level function `task(shared, local, chunk) -> list[result]`:
* `shared`: the same read-only object for every chunk (the config, the site model...). Workers are
  forked after it exists, so they inherit it instead of receiving a pickled copy;
* `local`: a dict that lives as long as the worker process (one renderer per worker, say);
* `chunk`: a list of items; chunks shrink as the work runs out, so that the workers end together.

Small jobs run inline, in this process, through the very same task function, which is why the
output of a parallel build is byte-identical to a serial one. Workers turn the garbage collector
back on (the CLI turns it off), and they die with the build: a worker whose parent is gone (kill -9,
SIGTERM) exits instead of waiting forever on a pipe and holding the terminal.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..errors import BuildError, Diagnostic

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
Task = Callable[[S, dict[str, Any], list[T]], list[R]]

PARALLEL_MIN = 150  # below this many items a pool costs more than it saves

# The one piece of process-wide state: what a forked worker finds at start-up (set just before the
# fork, cleared right after in the parent). Nothing outside this package reads or writes it.
_WORKER: dict[str, Any] = {}


def jobs_wanted(requested: int | None) -> int:
    """Processes to use: the number asked for, else every core this process may run on."""
    if requested:
        return max(1, requested)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def chunks(items: Sequence[T], jobs: int, smallest: int = 16) -> Iterator[list[T]]:
    """Tasks for the pool, shrinking as the work runs out (guided scheduling): big ones first, for
    little overhead, then smaller and smaller, so that the workers finish together."""
    start, n = 0, len(items)
    while start < n:
        size = max(smallest, min(400, (n - start) // (jobs * 4)))
        yield list(items[start : start + size])
        start += size


class Background(Protocol):
    """Work a pool does while the main process goes on (bodies rendered ahead)."""

    @property
    def running(self) -> bool: ...

    def spool(self) -> Any: ...

    def close(self, kill: bool = False) -> None: ...


BUSY_INLINE = 32  # while background work holds the other cores, a map this small runs inline


class Executor:
    """Runs tasks inline or over a pool of `jobs` forked processes (a new pool per map: each map's
    workers inherit the objects that exist when it starts). Also holds the build's background work
    (`background`): one pool at a time, so a map that would fork while it runs either runs inline
    (small, or `inline_while_busy`) or first waits for the background work to finish."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.background: Background | None = None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.background is not None:
            self.background.close(kill=exc[0] is not None)
            self.background = None

    @property
    def busy(self) -> bool:
        return self.background is not None and self.background.running

    def forks(self, items: int, inline_below: int = PARALLEL_MIN) -> bool:
        """Whether map() over this many items would run in a pool (else inline)."""
        return self.jobs > 1 and items >= inline_below

    def map(self, task: Task[S, T, R], shared: S, items: Sequence[T], *,
            progress: Callable[[int], None] | None = None, each: Callable[[list[R]], None] | None = None,
            smallest: int = 16, inline_below: int = PARALLEL_MIN, inline_while_busy: bool = False) -> list[R]:
        """task over chunks of items; results in the items' order. `each`: called with each chunk's
        results as they come, in order, instead of collecting them (map then returns []): memory for
        the results of the chunks in flight, not of every item."""
        fork = self.forks(len(items), inline_below)
        if fork and self.busy:
            if inline_while_busy or len(items) <= BUSY_INLINE:
                fork = False
            else:
                assert self.background is not None
                self.background.spool()  # the background pool ends first: then this one forks
        results: list[R] = []
        take = each or results.extend
        if not fork:
            local: dict[str, Any] = {}
            for chunk in chunks(items, 1, smallest):
                take(task(shared, local, chunk))
                if progress:
                    progress(len(chunk))
            return results
        with forked_pool(self.jobs, {"shared": shared}) as pool:
            # each chunk's answer taken in order (not `pool.map`: a stop while it waits cancels the chunks not
            # started, which the pool then fails to mark broken, CPython 3.11: a traceback, and a hang at exit)
            waiting = [pool.submit(_call, (task, c)) for c in chunks(items, self.jobs, smallest)]
            waiting.reverse()
            while waiting:
                part: list[R] = pool.result(waiting.pop())
                n = len(part)
                take(part)
                del part  # (not kept until the next chunk arrives)
                if progress:
                    progress(n)
        return results


class forked_pool:  # noqa: N801 - used as a context manager, like open()
    """A ProcessPoolExecutor of forked workers that find `state` (and a fresh `local` dict) at start-up."""

    def __init__(self, jobs: int, state: dict[str, Any]) -> None:
        import multiprocessing  # here: a build that renders a few pages never starts a pool
        from concurrent.futures import ProcessPoolExecutor

        _WORKER.clear()
        _WORKER.update(state, parent=os.getpid())
        give_back_free_memory()
        self.pool: ProcessPoolExecutor = ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)

    def __enter__(self) -> forked_pool:
        return self

    def submit(self, fn: Callable[[Any], R], arg: Any) -> Future[R]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(fn, arg)
        except BrokenProcessPool:  # (a worker died before every chunk was given out)
            raise self._lost() from None

    def result(self, future: Future[R]) -> R:
        """`future`'s result, or WorkerLost when a worker died without being told to (the system's
        out-of-memory killer, a kill -9): the pool notices a dead worker and fails its futures, except
        when the worker died while it wrote an answer. The pool's thread then waits for the rest of that
        message forever (CPython 3.11-3.13): a worker found dead for GRACE seconds without the future
        failing means that, and the pool is stopped."""
        from concurrent.futures.process import BrokenProcessPool

        dead_since: float | None = None
        while True:
            try:
                return future.result(timeout=WATCH)
            except TimeoutError:
                if self._dead() is None:
                    continue
                now = time.monotonic()
                dead_since = dead_since or now
                if now - dead_since >= GRACE:
                    lost = self._lost()
                    self.close(kill=True)
                    raise lost from None
            except BrokenProcessPool:
                raise self._lost() from None

    def _dead(self) -> int | None:
        """The exit status of a worker that has ended (a signal as its negative number), if any; the
        pool's own SIGTERMs (sent to the others once it is broken) only when it is the only one."""
        codes: list[int | None] = [p.exitcode for p in list((getattr(self.pool, "_processes", None) or {}).values())]
        ended = [c for c in codes if c is not None]
        first = [c for c in ended if c != -signal.SIGTERM] or ended
        return first[0] if first else None

    def _lost(self) -> WorkerLost:
        """The error, with the status of the worker that died first. (The pool's thread, broken, kills the
        others and reaps every worker: while it does, a status read here can be missing (both wait for the
        same process) or be one of its SIGTERMs; a moment later every status is known.)"""
        status = self._dead()
        for _ in range(20):
            if status is not None and status != -signal.SIGTERM:
                break
            time.sleep(0.05)
            status = self._dead()
        return WorkerLost(status)

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)

    def started(self) -> None:
        """The workers exist (a fork pool starts them all at the first submit): the parent's copy of
        the start-up state is no longer needed."""
        _WORKER.clear()

    def close(self, kill: bool = False) -> None:
        """Wait for the workers to finish, or (`kill`: Ctrl-C, an error) stop them now.

        A worker killed while it wrote a chunk's results leaves a message cut short in the results' pipe;
        the pool's thread that reads it (CPython 3.11-3.13) then waits for the rest forever, and so did
        this `shutdown` (one Ctrl-C in ~15 hung the build). This process's own copy of the pipe's writing
        end is closed as they are killed: the read ends once they are dead (no writer left), the pool counts
        itself broken, and its thread ends (it reaps them)."""
        if kill:
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.kill()
            writer = getattr(getattr(self.pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                writer.close()
        self.pool.shutdown(wait=True, cancel_futures=kill)
        _WORKER.clear()


WATCH = 1.0  # seconds between looks at the workers while a chunk's answer is awaited
GRACE = 3.0  # seconds a worker may be dead before the pool is stopped (it usually fails at once)


class WorkerLost(BuildError):
    """A worker process ended in the middle of the build without being told to: one line, as every
    user-facing problem, instead of the pool's traceback (or, before the watchdog, a build that hung)."""

    def __init__(self, status: int | None) -> None:
        if status is not None and status < 0:
            try:
                how = f"was killed ({signal.Signals(-status).name})"
            except ValueError:
                how = f"was killed (signal {-status})"
        else:
            how = "ended unexpectedly" + (f" (exit status {status})" if status else "")
        hint = ("the system may have run out of memory: build with fewer processes (-j 1), or free memory"
                if status == -signal.SIGKILL else "nothing was published; build again")
        super().__init__([Diagnostic("newsgen", None, f"a build process {how}", hint)])


def _call(job: tuple[Task[Any, Any, Any], list[Any]]) -> list[Any]:
    task, chunk = job
    return task(_WORKER["shared"], _WORKER["local"], chunk)


def _start_worker() -> None:
    """In each worker, first: die with the parent; the garbage collector on, with everything inherited
    from the parent frozen (never scanned, and its memory pages stay shared instead of being copied
    by the collector's writes)."""
    import gc

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler
    _die_with_parent(signal.SIGKILL)
    if os.getppid() != _WORKER.get("parent"):  # the parent was gone before the line above took effect
        os._exit(1)
    _WORKER["local"] = {}
    gc.freeze()
    # a young-generation collection every 50,000 allocations, not 700: a worker makes millions of small
    # objects, nearly all freed by reference counting (~0.6% of a cold build's CPU, alternating pairs);
    # cyclic garbage still goes within each 50,000
    gc.set_threshold(50_000, 10, 10)
    gc.enable()


def give_back_free_memory() -> None:
    """Before a fork: the C heap's free memory given back to the system (glibc's malloc_trim). What the
    build freed (the parse workers' pickled answers, the cache file's bytes, lists made and dropped)
    stays in this process's RSS until then, and every forked worker starts with this process's RSS:
    at 100,000 articles ~40 MB of ~470 at the page workers' fork, for ~8 ms. Also after each big record of
    a cache file written (`incremental/cache.py`): their buffers would else add up to the main process's
    peak (~0.4 GB at a million articles)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def _die_with_parent(sig: int) -> None:
    """Linux's PR_SET_PDEATHSIG: the kernel sends `sig` to this process when its parent ends."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def alive(pid: int) -> bool:
    """Is process `pid` still running? (Another user's process counts as running.) For files and folders
    named after the build that made them: those of a build that was killed are removed by the next."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process, alive
        return True
    return True
