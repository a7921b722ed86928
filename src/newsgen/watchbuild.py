"""`newsgen build --watch`: build, then keep the output folder up to date as files are saved, until Ctrl-C
(what `hugo --watch`, `eleventy --watch` and `pelican --autoreload` do).

The watcher is newsgen serve's (serve/watch.py: content/, templates/, static/ and newsgen.yaml; editor junk
dropped; a burst of saves one batch, serve/events.py). Each batch is built by a `newsgen build --changed`
of its paths, in a process of its own: the build trusts the watcher's word for what changed, as --changed
trusts its caller's, so an edit at a million articles takes about a second, not the six of a build that
checks every input and output file (docs/performance.md). What the watcher cannot see is found by a plain
`newsgen build` when the loop is idle, every VERIFY_EVERY seconds (or ten times as long as the last one took,
at a million articles): a change it missed (a full inotify queue, a network file system), an output file
deleted by hand, a scheduled story come due or one leaving the two-day news sitemap.

Every build is a child process, started with this program's options: it may use every core (forking
worker processes while the watcher's threads run here could deadlock them), a failure in one build cannot
stop the loop, and each error line is the child's own (`path:line: message`). A failed build leaves the
output as the last good one left it, as every build does; the files it was given are named again by the next
one (after a failed plain build, the next is plain), so no save is lost to a failure.

A plain `newsgen build` of the same output folder asks this loop what changed instead of checking every file
(watchask.py): the loop syncs with its watcher, builds what is waiting and answers between its builds.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .buildcommand import fail, say
from .serve.changes import rebuild_for
from .serve.events import ChangeQueue
from .serve.watch import Watcher
from .watchask import CHECK_EVERY_FILE, Answering, Taken

VERIFY_EVERY = 30.0  # seconds idle between plain builds (every file checked), at least
VERIFY_SHARE = 10  # ... and at least this many times as long as the last one took
VERIFY_LONGEST = 600.0  # seconds between checks that keep failing, at most
_DONE = re.compile(r" (\d+) files written, (\d+) removed in [\d.]+ s$")  # (the end of BuildResult.summary)


def wrote_nothing(lines: Sequence[str]) -> bool:
    """Whether a build's summary line (the last one of its lines) says it wrote and removed nothing."""
    done = _DONE.search(lines[-1]) if lines else None
    return done is not None and done[1] == done[2] == "0"


def _theme() -> dict[str, tuple[int, int]]:
    """The stamps of newsgen's own theme as a build takes them (`snapshot.walk`): an input of every build that the
    watcher does not watch (it changes when newsgen is upgraded, or edited in a checkout of it); a change of it
    is built by a plain build."""
    from .incremental.snapshot import THEME, walk

    stamps: dict[str, tuple[int, int]] = {}
    walk(THEME, "theme:", stamps)
    return stamps


class WatchBuild:
    """The loop. `args`: the build's options besides --site and --out, as given; `program`: how to start newsgen
    (tests give the interpreter running them). It answers a plain `newsgen build` of the same output folder that
    asks what changed (watchask.py)."""

    def __init__(self, root: Path, out: Path, args: Sequence[str] = (), quiet: bool = False,
                 program: Sequence[str] = (sys.executable, "-m", "newsgen")) -> None:
        self.root, self.out = root, out
        self.options = ["--site", str(root), "--out", str(out), *args]
        self.quiet = quiet
        self.program = list(program)
        self.changes = ChangeQueue()
        self.watcher = Watcher(root, self.changes.put)
        self.verified = 0.0  # time.monotonic() when the last plain build ended
        self.verify_every = VERIFY_EVERY
        self._checked_in = 0.0  # seconds the last check of every file took
        self._backoff = 1  # 2**n after n checks in a row that failed again (a build since that succeeded: 1)
        self.failed = False  # did the last build fail
        self.missed = False  # did the last check of every file find something the watcher had not reported
        self.outstanding: set[str] = set()  # files saved whose build failed: named again by the next one
        self.whole = True  # the next build checks every file (the first, or after a plain build failed)
        self.theme: dict[str, tuple[int, int]] = {}  # newsgen's theme as the last plain build found it (`_theme`)
        self._child: subprocess.Popen[bytes] | None = None
        self._answering: Answering | None = None
        self._questions: list[Callable[..., None]] = []  # the replies of watchask.Answering's questions waiting
        self._told: list[str] = []  # what the builds since the first of them was asked printed
        self._lock = threading.Lock()

    def start(self) -> None:
        """The socket (Taken: another watcher of this output folder runs), the watcher (what is saved while
        the first build runs is not lost), then that build."""
        self._answering = Answering(str(self.root), str(self.out), self._asked)
        self.watcher.start()
        self._note(f"building {self.root} ...")
        self.verify(first=True)
        self._note("watching content/, templates/, static/ and newsgen.yaml · Ctrl-C to stop")

    def loop(self, until: float | None = None) -> None:
        """Build each batch of changes, answer questions, and check every file when idle, until Ctrl-C (or
        `until`, time.monotonic())."""
        while until is None or time.monotonic() < until:
            if self._asking():
                self._answer()
                continue
            idle_for = self.verified + self.verify_every - time.monotonic()
            wait = 0.5 if self.changes.pending() else max(0.0, min(idle_for, 0.5))  # (never a loop that spins)
            batch = self.changes.get(timeout=wait)
            change = rebuild_for(batch) if batch else None
            if change is not None:
                self.changed(change.describe(), change.paths)
            elif idle_for <= 0 and not self._asking():
                self.verify()  # (even while saves keep coming: it builds them too)

    def changed(self, what: str, paths: Sequence[str]) -> list[str] | None:
        """A build of the files the watcher reported and of those whose build failed (`newsgen build --changed
        -`, their paths on stdin), or of every file when the last plain build failed: the lines it printed,
        None when it failed."""
        named = self.outstanding | set(paths)
        if self.whole or self.theme != _theme() or any("\n" in rel for rel in named):
            return self._plain(what)
        lines = self._build([*self.options, "--changed", "-"], what, b"\n".join(
            os.fsencode(self.root / rel) for rel in sorted(named)))
        self.outstanding = named if lines is None else set()
        return lines

    def verify(self, first: bool = False) -> None:
        """A plain build: every file checked. Said only when it wrote or removed something (or failed). One that
        fails again waits twice as long for the next (up to VERIFY_LONGEST): a broken file is not reported every
        30 s while nothing is saved."""
        started, failing = time.monotonic(), self.failed
        lines = self._plain("" if first else "a check of every file", quiet_if_nothing=not first)
        self.missed = not first and lines is not None and not wrote_nothing(lines)
        self.verified = time.monotonic()
        self._checked_in = self.verified - started
        self._backoff = min(2 * self._backoff, 64) if failing and lines is None else 1
        self._next_check()

    def _next_check(self) -> None:
        self.verify_every = min(VERIFY_LONGEST, max(VERIFY_EVERY, VERIFY_SHARE * self._checked_in) * self._backoff)

    def stop(self) -> None:
        """Stop a build still running (it leaves the output as it was), the questions and the watcher."""
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self._answering is not None:
            self._answering.close()
        self._reply(self._take_questions()[0], [], "it stopped")
        self.changes.close()
        self.watcher.stop()

    # ------------------------------------------------------------------ a plain build's question

    def _asked(self, reply: Callable[..., None]) -> None:
        """(Answering's thread) A plain `newsgen build` asks what changed: answered by the loop."""
        with self._lock:
            if not self._questions:
                self._told = []
            self._questions.append(reply)
        self.changes.wake()

    def _asking(self) -> bool:
        with self._lock:
            return bool(self._questions)

    def _take_questions(self) -> tuple[list[Callable[..., None]], list[str]]:
        with self._lock:
            questions, self._questions = self._questions, []
            told, self._told = self._told, []
        return questions, told

    def _answer(self) -> None:
        """The questions asked so far answered (those asked later wait for the next round): every change saved
        before them handed over by the watcher (`Watcher.sync`), what is waiting built now, and the lines of the
        builds since they were asked; or why the watcher cannot vouch for the output (the asker then checks
        every file itself)."""
        questions, told = self._take_questions()
        synced = self.watcher.sync()
        batch = self.changes.take_all()
        change = rebuild_for(batch) if batch else None
        lines = (self.changed(change.describe(), change.paths) if change is not None else
                 self._plain("newsgen's theme changed") if self.theme != _theme() else [])
        reason = ("its file watcher does not see every folder" if not self.watcher.complete else
                  "its file watcher did not answer" if not synced else
                  "its last build failed" if self.failed or lines is None else
                  "its last check of every file found a change it had not seen" if self.missed else "")
        self._reply(questions, [*told, *(lines or [])], reason)

    @staticmethod
    def _reply(questions: list[Callable[..., None]], lines: list[str], reason: str) -> None:
        for reply in questions:
            reply(None if reason else lines, reason)

    # ------------------------------------------------------------------ one build

    def _plain(self, what: str, quiet_if_nothing: bool = False) -> list[str] | None:
        theme = _theme()
        lines = self._build(self.options, what, None, quiet_if_nothing)
        self.whole = lines is None
        if lines is not None:
            self.outstanding, self.theme = set(), theme
        return lines

    def _build(self, args: list[str], what: str, given: bytes | None, quiet_if_nothing: bool = False
               ) -> list[str] | None:
        child = self._child = subprocess.Popen(  # noqa: S603 - this program, with the user's own options
            [*self.program, "build", *args], stdin=subprocess.PIPE if given is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,  # (errors and warnings go straight to the terminal, as the child says them)
            env={**os.environ, CHECK_EVERY_FILE: "1"})  # (a plain build must not ask this loop, which waits for it)
        said, _ = child.communicate(given)
        self._child = None
        lines = said.decode("utf-8", "replace").splitlines()
        if child.returncode:
            self.failed = True
            self._note(f"{what + ': ' if what else ''}the build failed; the output is as the last good build left "
                       "it (save a fix and it builds again)", sys.stderr)
            return None
        was_failing, self.failed = self.failed, False
        if self._backoff > 1:
            self._backoff = 1
            self._next_check()
        with self._lock:
            if self._questions:
                self._told += lines
        if not (self.quiet or (quiet_if_nothing and not was_failing and wrote_nothing(lines))):
            for line in lines:
                self._note(f"{what}: {line}" if what else line)
        return lines

    def _note(self, line: str, stream: object = None) -> None:
        if not self.quiet or stream is sys.stderr:
            say(f"{time.strftime('%H:%M:%S')} {line}", stream)


def run(site: Path, out: Path | None, args: list[str], quiet: bool = False) -> None:
    """`newsgen build --watch` (commands.build): `args`, the build's other options as given. What would fail
    every build (no newsgen.yaml, an output folder refused, another watcher of it) is one line and status 1."""
    from .config import CONFIG_NAME
    from .errors import BuildError, Diagnostic
    from .output_guard import check_output_folder

    root = site.absolute()
    target = out.absolute() if out is not None else root / "public"
    problems = [Diagnostic(CONFIG_NAME, None, f"no {CONFIG_NAME} in {root}",
                           "run newsgen build --watch in the site folder, or pass --site")] if not (
        root / CONFIG_NAME).is_file() else check_output_folder(target, root, ours=True)
    if problems:
        fail(BuildError(problems), "")
    loop = WatchBuild(root, target, args, quiet)
    taken = False
    try:
        loop.start()
        loop.loop()
    except KeyboardInterrupt:
        pass
    except Taken:
        taken = True
    finally:
        loop.stop()
    if taken:
        fail(BuildError([Diagnostic(str(target), None, "another `newsgen build --watch` builds this folder",
                                    "stop it first, or use another --out")]), "")
    with contextlib.suppress(OSError):  # (the terminal may be gone)
        loop._note("stopped")
