"""`newsgen serve`: build into a temporary folder, serve it, rebuild on every change, reload tabs.

This module talks to the terminal, like the CLI: the lines it prints (the address, one line per
rebuild, every `path:line: message` of a failed build) are the command's output, so they go out
through click.echo. The other serve modules log to the "newsgen.serve" logger, and `run()` sends
those records to the terminal the same way (errors to stderr, the rest to stdout).

Order matters: bind the port (a port in use fails at once, before a long build), build once
(worker processes may be forked: no thread exists yet), then start the HTTP and watchdog
threads. The main thread runs the build loop, so Ctrl-C lands there and everything stops cleanly.
"""

from __future__ import annotations

import _thread
import contextlib
import errno
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import InvalidStateError
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import click

from ..config import CONFIG_NAME, load_config
from ..errors import BuildError
from ..incremental import cache
from .changes import rebuild_for
from .clients import Hub
from .events import EARLY, ChangeQueue
from .handler import PreviewServer
from .rwlock import ReadWriteLock
from .scratch import make_folder, release, remove_stale
from .session import VERIFY_EVERY, Session
from .watch import Watcher, modified_since

log = logging.getLogger("newsgen.serve")
_SHM_FREE_NEEDED = 1 << 30  # use memory for the output only when at least 1 GB of it is free
_ALL_INTERFACES = ("0.0.0.0", "::", "")  # noqa: S104 - names we warn about, not a default


def _loopback(host: str) -> bool:
    """Whether `host` is this machine only: localhost, 127.0.0.0/8, ::1."""
    import ipaddress

    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # (another name: it may be any address)
        return False


def run(site: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = True) -> int:
    """Serve `site` until Ctrl-C. Returns the exit code: 0 after Ctrl-C, 1 when it cannot start."""
    root = site.absolute()
    with _terminal_logging(), _signals_as_interrupt():
        if not (root / CONFIG_NAME).is_file():
            click.echo(f"{CONFIG_NAME}: no newsgen.yaml in {root} (run newsgen serve in the site folder, "
                       "or pass --site)", err=True)
            return 1
        try:
            preview = Preview.open(root, host, port, drafts)
        except OSError as exc:
            click.echo(f"newsgen serve: {_bind_problem(exc, host, port)}", err=True)
            return 1
        except KeyboardInterrupt:  # Preview.open removes what it made
            click.echo("stopped")
            return 0
        try:
            if host in _ALL_INTERFACES:
                click.echo(f"warning: listening on all interfaces ({host or '*'}): anyone who can reach "
                           "this machine can open the preview, drafts included", err=True)
            elif not _loopback(host):
                click.echo(f"warning: listening on {host}: anyone on that network can open the preview, "
                           "drafts included", err=True)
            preview.start(announce=True)
            preview.loop()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break cleanup
            preview.close()
        with contextlib.suppress(OSError):  # (the terminal may be gone: SIGHUP)
            click.echo("stopped")
    return 0


@dataclass
class Preview:
    """One running preview: the output folder, the server, the tabs, the build loop. Tests drive
    it in-process: `Preview.open(root, port=0)`, `.start()`, `.loop()` in a thread, `.close()`."""

    root: Path
    folder: Path  # the temporary folder; the output is folder/site
    server: PreviewServer
    session: Session
    hub: Hub
    changes: ChangeQueue = field(default_factory=ChangeQueue)
    watcher: Watcher | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _folder_lock: int = -1  # held while the folder is in use: see scratch.py

    @classmethod
    def open(cls, root: Path, host: str = "127.0.0.1", port: int = 0, drafts: bool = True) -> Preview:
        """Bind the port and prepare; nothing is built and no thread runs yet. Output folders
        left by previews that were killed (kill -9) are removed first."""
        parent = _scratch_parent()
        removed = remove_stale(_scratch_places(parent))
        if removed:
            log.info("removed %d output folder%s left by a stopped preview", len(removed),
                     "s" if len(removed) != 1 else "")
        folder, folder_lock = make_folder(parent)
        out = folder / "site"
        hub, lock = Hub(_base_path(root)), ReadWriteLock()
        try:
            server = PreviewServer((host, port), out, hub, lock)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            release(folder_lock)
            raise
        return cls(root, folder, server, Session(root, out, hub, lock, drafts=drafts), hub,
                   _folder_lock=folder_lock)

    @property
    def url(self) -> str:
        host = str(self.server.server_address[0])
        if host in _ALL_INTERFACES:
            host = "localhost"
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.server.port}{self.hub.base_path}"

    def start(self, announce: bool = False, jobs: int | None = None) -> None:
        """The first build (every core), then the HTTP and watchdog threads."""
        started = time.time_ns()
        if announce:
            log.info("building %s ...", self.root)
        self.session.first(jobs=jobs)
        self._after_build()
        self.watcher = Watcher(self.root, self.changes.put)
        self.watcher.start()
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.1,), name="newsgen-http",
                                        daemon=True)  # polls every 0.1 s: stops that fast
        self._thread.start()
        missed = modified_since(self.root, started)  # saved during the first build
        if missed:
            self.changes.put(missed)
        if announce:
            shown = "drafts and scheduled articles shown" if self.session.options.preview else "no drafts"
            log.info("serving %s (%s) · Ctrl-C to stop", self.url, shown)

    def loop(self) -> None:
        """Rebuild on every batch of changes until `stopping` is set (or Ctrl-C)."""
        while not self.stopping.is_set():
            # pages left stale by a shown-first rebuild are brought up to date while nothing waits
            catch_up = bool(self.session.deferred) and not self.changes.pending()
            found = self.changes.next(timeout=0.0 if catch_up else 0.5, early=EARLY)
            due, batch = found if found is not None else (False, None)
            change = rebuild_for(batch) if batch else None
            if change is not None and not due:
                self.session.show_first(change)  # an editor's save, complete: the page on screen now
            elif change is not None:
                self.session.rebuild(change)
                self._after_build()
            elif catch_up:
                self.session.catch_up()
            elif time.monotonic() - self.session.walked >= VERIFY_EVERY and not self.changes.pending():
                self.session.verify()  # what the watcher may have missed: a walk, when idle
                self._after_build()

    def close(self) -> None:
        self.stopping.set()
        self.changes.close()
        if self.watcher is not None:
            self.watcher.stop()
        self.hub.close()
        if self._thread is not None:
            self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        cache.cache_file(self.root, self.session.out).unlink(missing_ok=True)
        shutil.rmtree(self.folder, ignore_errors=True)
        release(self._folder_lock)
        self._folder_lock = -1

    def _after_build(self) -> None:
        if self.session.ok:
            self.server.built_once.set()
            self.hub.base_path = _base_path(self.root, self.hub.base_path)


def _scratch_parent() -> str | None:
    """Where the temporary output goes: /dev/shm (memory) on Linux when it has room, because
    writing, replacing and finally deleting thousands of small files there is several times
    faster than on a disk; the system's temporary folder otherwise, or when TMPDIR is set."""
    shm = "/dev/shm"  # noqa: S108 - only the parent: mkdtemp makes a private (0700), unguessable folder in it
    if os.environ.get("TMPDIR") or not Path(shm).is_dir() or not os.access(shm, os.W_OK):
        return None
    try:
        free = os.statvfs(shm)
    except OSError:
        return None
    return shm if free.f_bavail * free.f_frsize >= _SHM_FREE_NEEDED else None


def _scratch_places(parent: str | None) -> list[str]:
    """Where previews of this user may have left folders: /dev/shm and the temporary folder."""
    places = [parent or tempfile.gettempdir(), tempfile.gettempdir()]
    if Path("/dev/shm").is_dir():  # noqa: S108 - only looked into, for our own folders
        places.append("/dev/shm")  # noqa: S108
    return places


def _base_path(root: Path, fallback: str = "/") -> str:
    """The URL path the site lives under (its base_url's path): the preview serves it there."""
    try:
        return load_config(root).base_path
    except BuildError:  # reported by the build
        return fallback


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} is already in use on {host} "
                f"(stop the other server, or choose another port: --port {port + 1})")
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need privileges: try --port 8000)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


# ---------------------------------------------------------------------------- the terminal


class _EchoHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info and record.levelno >= logging.ERROR:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            if record.levelno >= logging.WARNING:
                click.echo(text, err=True)
            else:
                click.echo(f"{time.strftime('%H:%M:%S')} {text}")
        except Exception:  # noqa: BLE001 - a closed terminal must not stop the preview
            self.handleError(record)


@contextlib.contextmanager
def _terminal_logging() -> Iterator[None]:
    logger = logging.getLogger("newsgen.serve")
    handler = _EchoHandler(logging.INFO)
    logger.addHandler(handler)
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


@contextlib.contextmanager
def _signals_as_interrupt() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop the preview through KeyboardInterrupt in the
    main thread.

    Worker processes forked by the first build inherit the handler and leave quietly instead of
    each printing a traceback; the parent then stops the build and cleans up. An interrupt that
    lands inside a Python callback of a native library (nh3 calls back for every attribute) is
    swallowed there (reported as "Exception ignored"); it is delivered again instead, until it
    lands outside such a callback."""
    parent = os.getpid()

    def stop(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != parent:
            os._exit(1)
        raise KeyboardInterrupt

    def unraisable(info: sys.UnraisableHookArgs) -> None:
        if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
            # not from here: this hook still runs inside the callback; a moment later the main
            # thread is most likely back in Python code (if not, this happens once more)
            retry = threading.Timer(0.02, _thread.interrupt_main, (signal.SIGINT,))
            retry.daemon = True
            retry.start()
            return
        old_hook(info)

    def thread_failed(args: threading.ExceptHookArgs) -> None:
        # CPython before 3.12 (gh-107219): when the workers of the first build leave on Ctrl-C,
        # the pool's manager thread may fail to fail a future the interrupt already cancelled.
        # Nothing is lost; it is not shown.
        if args.exc_type is not None and issubclass(args.exc_type, InvalidStateError):
            return
        old_thread_hook(args)

    old_int = signal.signal(signal.SIGINT, stop)
    old_term = signal.signal(signal.SIGTERM, stop)
    hangup = getattr(signal, "SIGHUP", None)  # the terminal closed: stop and clean up (not under nohup)
    old_hup = signal.signal(hangup, stop) if hangup is not None and signal.getsignal(hangup) == signal.SIG_DFL \
        else None
    old_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    old_thread_hook, threading.excepthook = threading.excepthook, thread_failed
    try:
        yield
    finally:
        threading.excepthook = old_thread_hook
        sys.unraisablehook = old_hook
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
        if old_hup is not None and hangup is not None:
            signal.signal(hangup, old_hup)
