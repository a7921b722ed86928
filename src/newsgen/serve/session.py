"""The build loop of the preview: the first build, then one rebuild per batch of changes.

Every build goes through `newsgen.build.build` into the preview's own output folder, with one
State kept in memory (the incremental cache), so a rebuild parses, renders and writes only what
changed. The stamps of the inputs stay in memory too: a rebuild stamps again only the paths the
watcher reported (`restamp.refresh`), and walks every input folder only when those cannot say
(a folder created, removed or renamed, a symlink) and, to catch what a watcher misses (a full
inotify queue, a network file system), when idle every `VERIFY_EVERY` seconds (`verify`).

What the open tabs show is rendered first (hugo `commands/server.go`). After an edit of an article's
text or a template, `early.render_shown` renders the pages on screen from the site model kept in
memory and reloads those tabs before the build starts (10,000 articles: ~6 ms of CPU instead of a
build's 0.4-0.8 s). `show_first` does it as soon as an editor's save is complete (`events.EARLY`),
while the batch still waits to be due; the build then waits (up to RELOAD_WAIT) for those tabs to
have loaded their page, updates the rest (for a few articles' edits in one go, else as below) and
does not rewrite those pages, whose bytes are the same. Otherwise, when `build()` supports
`BuildOptions.only`, a rebuild renders just the pages on screen, tells those tabs to reload, and brings
the rest of the site up to date in chunks afterwards, looking for new changes between chunks. A failed
build leaves the last good output in place and reports every line.

The first build may use every core (`build()` forks worker processes); it runs before any thread
is started. Rebuilds run with jobs=1: forking while the HTTP and watchdog threads run can
deadlock a child, and a rebuild renders few pages (the chunks keep big ones responsive).
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from ..build import BuildOptions, BuildResult, build
from ..errors import BuildError
from ..incremental import restamp, snapshot, stampdiff
from ..incremental.state import State
from . import early
from .changes import Rebuild, rebuild_for
from .clients import Hub
from .rwlock import ReadWriteLock

log = logging.getLogger(__name__)

CHUNK = 200  # pages per catch-up build after the tabs' own pages were rendered
FEW = 20  # article files saved in one batch that are built in one go once the tabs' pages are shown
VERIFY_EVERY = 30.0  # seconds between walks of the input folders for changes the watcher did not report
RELOAD_WAIT = 0.5  # at most this long the build waits for reloading tabs to have loaded their page

# Optional build() features (proposed for build.py; used when present):
#   BuildOptions.only: render only these output files; BuildResult.deferred lists the rest
#   build(..., publish_lock=cm): held only while the build moves files into place and prunes
_HAS_ONLY = "only" in {f.name for f in dataclasses.fields(BuildOptions)}
_HAS_PUBLISH_LOCK = "publish_lock" in inspect.signature(build).parameters

Builder = Callable[..., BuildResult]


class Session:
    def __init__(self, root: Path, out: Path, hub: Hub, lock: ReadWriteLock, drafts: bool = True,
                 builder: Builder = build) -> None:
        self.root = root
        self.out = out
        self.hub = hub
        self.lock = lock
        self.options = BuildOptions(out=out, preview=drafts, jobs=1)
        self.state = State()
        self.deferred: list[str] = []  # pages still showing an older build (rendered in chunks)
        self.valid_until: float | None = None  # when the clock alone changes the last good build's pages
        self.ok: bool | None = None  # did the last build succeed
        self.succeeded = False  # has any build succeeded (is there a last good output)
        self.builds = 0
        self.building = False
        self._builder = builder
        self._catch_up_started = 0.0
        self.inputs: snapshot.Inputs | None = None  # the input files' stamps as the last build saw them
        self.walked = 0.0  # time.monotonic() of the last walk of the input folders
        self.memory: early.Memory | None = None  # the last good build's site model and plan
        self._shown_early: tuple[tuple[str, ...], float] = ((), 0.0)  # (paths, seconds) of show_first
        self._reloading = (0, 0.0)  # (streams opened once the tabs told to reload have, until when to wait)

    # ------------------------------------------------------------------ the steps

    def first(self, jobs: int | None = None) -> BuildResult | None:
        """The first build, before any thread runs (it may fork worker processes)."""
        self._inputs_for(None)
        result, _ = self._build(None, jobs)
        if result is not None:
            log.info("built %s", result.summary())
        return result

    def rebuild(self, change: Rebuild) -> BuildResult | None:
        """One rebuild for a batch of changes: the pages on screen first when pages may change."""
        started = time.perf_counter()
        self._inputs_for(change.paths)
        shown = self.hub.shown() if change.pages_may_change else set()
        self.building = True  # (from here: the pages on screen come first)
        try:
            if self._shown_early[0] == change.paths:  # show_first did it, from the same paths
                shown_early = self._shown_early[1]
                self.hub.wait_for_connections(self._reloading[0], self._reloading[1] - time.monotonic())
            else:
                shown_early = self._show_early(change, shown) if shown else 0.0
        finally:
            self.building = False
            self._shown_early = ((), 0.0)
        few = change.kinds == {"content"} and len(change.paths) <= FEW
        only = frozenset(shown) if shown and _HAS_ONLY and not (shown_early and few) else None
        result, told = self._build(only)
        if result is None:
            return None
        more = f"; {len(self.deferred)} more pages to update" if self.deferred else ""
        first = f"; the page on screen first, in {shown_early:.2f} s" if shown_early else ""
        log.info("%s: %s%s%s%s", change.describe(), _short(result, time.perf_counter() - started), first,
                 _tabs(told), more)
        if self.deferred:
            self._catch_up_started = time.perf_counter() - result.seconds
        return result

    def show_first(self, change: Rebuild) -> None:
        """Changes are still coming in (the batch is not due yet), but those so far may be an editor's
        whole save: render the pages on screen from them now. The rebuild of the batch follows."""
        shown = self.hub.shown() if change.pages_may_change else set()
        if shown:
            seconds = self._show_early(change, shown, wait=False)
            if seconds:
                self._shown_early = (change.paths, seconds)

    def catch_up(self) -> BuildResult | None:
        """Render the next chunk of pages left stale by a shown-first rebuild."""
        if not self.deferred:
            return None
        result, _ = self._build(frozenset(self.deferred[:CHUNK]) | self.hub.shown())
        if result is not None and not self.deferred:
            log.info("all pages up to date (%.2f s after the change)",
                     time.perf_counter() - self._catch_up_started)
        return result

    def verify(self) -> BuildResult | None:
        """Walk the input folders; when they differ from what the builds saw (changes the watcher did
        not report), or the clock has passed the last good build's horizon (a scheduled story is due, a
        story leaves the two-day news sitemap, a new year), rebuild. The preview calls this when idle,
        every VERIFY_EVERY seconds."""
        if self.inputs is None:
            return None
        before = self.inputs
        self._inputs_for(None)
        missed = stampdiff.differences(before.stamps, self.inputs.stamps)
        change = rebuild_for(missed) or (Rebuild(("content",), frozenset({"content"})) if missed else None)
        if change is not None:
            log.info("found %d change%s the file watcher did not report", len(missed), "s" if len(missed) != 1 else "")
            return self.rebuild(change)
        if self.valid_until is not None and self.valid_until <= time.time():  # (the last good build's horizon:
            # a build of the pages on screen first saves no snapshot, and with a tab open every build is one)
            log.info("the clock changed what the site shows (a story scheduled is due, or left the news sitemap)")
            return self.rebuild(Rebuild(("content",), frozenset({"content"})))
        return None

    # ------------------------------------------------------------------ one build

    def _inputs_for(self, paths: tuple[str, ...] | None) -> None:
        """The stamps of the inputs: the last ones with `paths` stamped again, or a walk of every folder."""
        found = restamp.refresh(self.root, self.inputs, paths) if self.inputs is not None and paths else None
        if found is None:
            found = snapshot.take(self.root)
            self.walked = time.monotonic()
        self.inputs = found

    def _show_early(self, change: Rebuild, shown: set[str], wait: bool = True) -> float:
        """The pages on screen rendered from the site model in memory, those tabs reloaded; the build
        then waits (`wait`, up to RELOAD_WAIT) until they have loaded them. Returns the seconds it took,
        0.0 when it could not (the build renders them first)."""
        if not self.ok:
            return 0.0
        started = time.perf_counter()
        try:
            changed = early.render_shown(self.root, self.out, self.memory, self.state, change.paths, shown,
                                         self.options.preview, self.lock.writing())
        except BuildError:  # a mistake in the files (a broken catalog): the build reports it, one line each
            changed = None
        except Exception:  # a bug here must not stop the preview: the build does it all
            log.exception("newsgen failed to render the page on screen first (the build does it)")
            changed = None
        if changed is None:
            return 0.0
        # written from the files as they were then: the build renders them again, whichever way it goes (a
        # save undone in the same batch must not leave them showing it): outputs.Outputs(redo=...)
        self.state.early.update(changed)
        seconds = time.perf_counter() - started
        connected = self.hub.connections()
        told = self.hub.built(changed, [])
        self._reloading = (connected + told, time.monotonic() + RELOAD_WAIT)
        if told and wait:
            self.hub.wait_for_connections(connected + told, RELOAD_WAIT)
        return seconds

    def _build(self, only: frozenset[str] | None, jobs: int | None = 1,
               again: int = 3) -> tuple[BuildResult | None, int]:
        """One build; on success the tabs hear about it. Returns the result (None when the build
        failed) and how many tabs were told to reload or refresh their styles. A build stopped only
        because articles were saved while it ran is built again (`again` times at most)."""
        kept: list[object] = []
        changes: dict[str, Any] = {"jobs": jobs, "keep_alive": kept}
        if _HAS_ONLY:
            changes["only"] = only
        options = dataclasses.replace(self.options, **changes)
        kwargs: dict[str, Any] = {} if self.inputs is None else {"inputs": self.inputs}
        guard: AbstractContextManager[object] = nullcontext()
        if _HAS_PUBLISH_LOCK:
            kwargs["publish_lock"] = self.lock.writing()
        else:
            guard = self.lock.writing()  # until build() can say when it publishes: all of it
        self.builds += 1
        self.building = True
        site = self.state.site  # (the last good build's model: the one its pages show)
        try:
            with guard:
                result = self._builder(self.root, options, state=self.state, **kwargs)
        except BuildError as exc:
            # a failed build may have remembered a site model (of files it parsed) that no page was
            # rendered from: the next one must not take it, with the last good pages' inputs, for the
            # model those pages show (`reuse.site_model`): the last good one is put back. Parsed
            # files are kept: keyed by their stamps.
            self.state.site = site
            moved = _saved_meanwhile(exc, self.root)
            if moved and again > 0 and self.inputs is not None:  # "build again": the preview does it itself,
                # with those files stamped again (their watcher event may have been spent on this build)
                self.inputs = restamp.refresh(self.root, self.inputs, moved) or snapshot.take(self.root)
                for rel in moved:  # and read again, whatever their stamps say
                    self.state.parsed.pop(rel, None)
                return self._build(only, jobs, again - 1)
            self._failed([str(d) for d in exc.diagnostics])
            return None, 0
        except Exception as exc:  # a bug in newsgen: report it, keep serving the last good build
            self.state.site = site  # (as above)
            log.exception("newsgen failed while building (a bug: please report it)")
            self._failed([f"newsgen failed while building: {type(exc).__name__}: {exc} "
                          "(a bug in newsgen; the terminal shows the details)"])
            return None, 0
        finally:
            self.building = False
        if self.inputs is not None:  # (the stamps this build saw: the next ones differ in what is refreshed since)
            self.inputs.touched = frozenset()
        self.deferred = list(getattr(result, "deferred", []))
        self.valid_until = getattr(result, "valid_until", None)
        before, self.memory = self.memory, early.remember(kept, self.memory)
        for warning in result.warnings:
            log.warning("warning: %s", warning)
        self.ok = self.succeeded = True
        removed = getattr(result, "removed", [])
        return result, self.hub.built(result.changed, removed, early.moved(before, self.memory, removed))

    def _failed(self, lines: list[str]) -> None:
        self.ok = False
        self.deferred = []
        for line in lines:
            log.error("%s", line)
        n = len(lines)
        showing = "still serving the last good build" if self.succeeded else "nothing to show yet"
        log.error("%d error%s: %s; save a fix and it rebuilds by itself", n, "s" if n != 1 else "", showing)
        self.hub.failed(lines, last_good=self.succeeded)


def _saved_meanwhile(exc: BuildError, root: Path) -> tuple[str, ...]:
    """The articles saved or removed while the failed build ran (a `git checkout`), when that is all that
    stopped it; else ()."""
    from ..content.body import CHANGED_WHILE_BUILDING

    found: set[str] = set()
    for d in exc.diagnostics:
        rel = os.path.relpath(d.path, root) if Path(d.path).is_absolute() else d.path
        gone = d.message.endswith(": No such file or directory") and not os.path.lexists(root / rel)
        if d.message != CHANGED_WHILE_BUILDING and not gone:
            return ()
        found.add(rel)
    return tuple(sorted(found))


def _short(result: BuildResult, seconds: float | None = None) -> str:
    text = f"{result.rendered} rendered, {result.written} written"
    if result.removed:
        text += f", {len(result.removed)} removed"
    return f"{text} in {result.seconds if seconds is None else seconds:.2f} s"


def _tabs(told: int) -> str:
    return f"; {told} tab{'s' if told != 1 else ''} reloaded" if told else ""
