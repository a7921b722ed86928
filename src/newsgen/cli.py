"""The `newsgen` program: `run()`, the console script (also `python -m newsgen`, `python -m newsgen.cli`).
The commands themselves are in `commands.py` (click); this module holds what only the real program
does: turn the garbage collector off, end with os._exit, and answer a `newsgen build` that has nothing
to do before click, the config or any stage is imported.

That answer (docs/performance.md, "When little changed") is the one `build()` gives: the same
snapshot, key, clock and output checks (`snapshot.quick`), ~40 ms of imports sooner. Only a plain
command line takes this way: `build` with each of its options at most once and values that need no
conversion; anything else goes to click as before. A plain build that found a change is built here too
(`buildcommand.build_command`, which click's `build` command also runs; with the inputs walked here,
so that they are not walked twice), without importing click, unless a progress bar is wanted (a
terminal). Ctrl-C and SIGTERM are reported in one place, `run()`, whichever way the program took.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any, NoReturn

    from .incremental.snapshot import Inputs


def run() -> None:
    """The `newsgen` program. SIGTERM (a CI job cancelled, `kill`) stops a build like Ctrl-C: nothing
    it staged stays, and the exit status says so (143)."""
    import _signal  # type: ignore[import-not-found]  # the C module: `signal` imports enum (~3 ms)

    stops: list[int] = []  # the signals that came: a stop is a stop whatever exception carried it out

    def terminated(signum: int, frame: object) -> None:
        stops.append(signum)
        raise _Terminated

    def interrupted(signum: int, frame: object) -> None:
        stops.append(signum)
        raise KeyboardInterrupt

    _signal.signal(_signal.SIGTERM, terminated)
    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:  # not when ignored (`newsgen &`)
        _signal.signal(_signal.SIGINT, interrupted)
    try:
        program = _Program()
        program.walked = _no_change(sys.argv[1:], program)
        from . import startup  # (past the no-change answer: there is work to do, and modules to import)

        startup.compile_once()
        if program.walked is not None:
            from .buildcommand import terminal

            if "quiet" in program.options or not terminal(sys.stderr):
                _build_now(program)  # a plain command line and a change: built without click (~30 ms)
        from .commands import main

        main(obj=program)
    except BaseException as exc:
        # What the handlers raise may reach here as another exception: Python 3.11 turns any exception
        # raised while a class is created (a dataclass's fields, `__set_name__`) into a RuntimeError,
        # and a stop caught by a handler of damage (a cache read) may end the run another way.
        if not (stops or isinstance(exc, KeyboardInterrupt)) or (
                isinstance(exc, SystemExit) and stops[-1] != _signal.SIGTERM):
            raise  # no stop, or Ctrl-C as click reports it ("Aborted!", status 1)
        if _signal.SIGTERM in stops:
            print("newsgen: stopped (SIGTERM); the output is as it was", file=sys.stderr)  # noqa: T201
            sys.exit(143)
        print("\nAborted!", file=sys.stderr)  # noqa: T201
        sys.exit(1)


class _Terminated(BaseException):  # noqa: N818 - not an error: a stop asked for
    """Raised in the main thread by SIGTERM; unwinds the build like Ctrl-C (click turns Ctrl-C into
    "Aborted!" and exit status 1)."""


class _Program:
    """Given as click's context object by run() (a `commands.Program`): this process is the `newsgen`
    program, not a caller's (tests, newsgen serve), so it may turn the garbage collector off and end
    with os._exit."""

    def __init__(self) -> None:
        self.walked: tuple[str, Inputs] | None = None  # (site, its inputs): what _no_change walked
        self.options: dict[str, str] = {}  # of the plain command line _no_change read (plain_build)

    def gc_off(self) -> None:
        """One short-lived process that builds big acyclic structures (the cache, the site model, the
        plan): the cyclic garbage collector would scan them over and over (10k articles, one edit:
        1.7 s -> 1.25 s). Worker processes turn it back on (parallel/executor.py)."""
        import gc

        gc.disable()

    def inputs(self, site: Path) -> Inputs | None:
        """The inputs _no_change walked when they are `site`'s (once): the build goes on with them."""
        from pathlib import Path

        walked, self.walked = self.walked, None
        return walked[1] if walked is not None and Path(walked[0]) == site else None

    def done(self) -> NoReturn:
        """A successful `newsgen build` ends the program at once: the interpreter's shutdown would free
        every object of the build one by one (80 ms at 10k articles) with nothing left to save: every
        file is written and closed, and a build leaves no process or thread behind."""
        startup = sys.modules.get("newsgen.startup")  # (not imported by the no-change answer: not loaded for it)
        if startup is not None:
            startup.remember()  # (a first run: what it compiled, kept for the next)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):  # closed or gone (`>&-`, a closed pipe): the build is done
                pass
        os._exit(0)


def __getattr__(name: str) -> Any:
    """`from newsgen.cli import main` (and the other commands) as before: from `commands`, imported
    when asked for. Not for dunder names: `from newsgen.cli import run` itself asks for `__path__`."""
    if not name.startswith("__"):
        from . import commands

        if hasattr(commands, name):
            return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------- the build command


def _build_now(program: _Program) -> NoReturn:
    """A plain `newsgen build` that found a change (_no_change read its options and walked its inputs):
    built as commands.build builds it, without importing click (~30 ms of an edit's build)."""
    from pathlib import Path

    from .buildcommand import build_command

    options = program.options  # (Ctrl-C: run() says "Aborted!" as click does)
    build_command(Path(options.get("site", ".")), Path(options["out"]) if "out" in options else None,
                  drafts="drafts" in options, future="future" in options, base_url=options.get("base_url"),
                  jobs=int(options["jobs"]) if "jobs" in options else None, quiet="quiet" in options,
                  verbose="verbose" in options, program=program)
    program.done()  # (build_command ends the program; this is for the type checker)


# ---------------------------------------------------------------------------- nothing to do

_FLAGS = {"--drafts": "drafts", "--future": "future", "-q": "quiet", "--quiet": "quiet", "-v": "verbose",
          "--verbose": "verbose"}
_VALUES = {"--site": "site", "-s": "site", "--out": "out", "-o": "out", "--base-url": "base_url", "--jobs": "jobs",
           "-j": "jobs"}


def _no_change(args: list[str], program: _Program) -> tuple[str, Inputs] | None:
    """When `args` is a plain `build` with nothing to do: what `newsgen build` prints then, and the end
    of the program. Else None, or the site and its inputs when they were walked (something changed)."""
    options = plain_build(args)
    if options is None or os.name != "posix":
        return None
    program.options = options
    started = time.perf_counter()
    try:
        site = options.get("site", ".")
        if not _folder(site) or ("out" in options and not _folder(options["out"])):
            return None  # click says what is wrong with them (a file, unreadable), or the build does
        cwd = os.getcwd()  # noqa: PTH109 - pathlib is not imported here
        out = path(cwd, options["out"]) if "out" in options else path(cwd, site, "public")
        from .incremental import snapshot

        program.gc_off()
        key = snapshot.key(out, "drafts" in options, "future" in options, False, options.get("base_url"))
        if _watcher_said(site, out, key, options, started):
            program.done()
        answer = snapshot.quick(site, out, key, time.time(), meanwhile=_warm_up)
    except OSError:
        return None
    if answer is None or isinstance(answer, snapshot.Inputs):
        return (site, answer) if answer is not None else None
    if "quiet" not in options:
        from .buildcommand import say

        say(_nothing_done(answer, started))
    program.done()


def _watcher_said(site: str, out: str, key: str, options: dict[str, str], started: float) -> bool:
    """A running `newsgen build --watch` of this output folder built what changed (watchask.py): what it
    printed is said, when the last build's snapshot shows these options, before and after the question, the
    clock before its horizon and the output's manifest as that build left it. False when there is no such
    watcher or it cannot vouch for the output (with -v: why), and the build checks every file."""
    from .watchask import ask, place

    path = place(site, out)
    if not os.path.lexists(path):  # noqa: PTH114 - (no pathlib here)
        return False
    from .incremental import snapshot

    last = snapshot.load(site, out, whole=False)
    if last is not None and last.key != key:  # (a watcher with other options: not asked, not waited for)
        return False
    said = ask(path)
    if isinstance(said, str):
        if said and "verbose" in options:
            from .buildcommand import say

            say(f"the running `newsgen build --watch` cannot vouch for the output: {said}; every file checked")
        return False
    from .fileio import MANIFEST, identity

    last = snapshot.load(site, out, whole=False)
    if (last is None or last.key != key or not snapshot.in_time(last, time.time()) or last.manifest is None
            or identity(os.path.join(out, MANIFEST)) != last.manifest):
        return False
    if "quiet" not in options:
        from .buildcommand import say

        if "verbose" in options:
            say("asked the running `newsgen build --watch`: it built what was saved (no file checked here)")
        for line in said or [_nothing_done(last, started)]:
            say(line)
    return True


def _nothing_done(last: Any, started: float) -> str:
    """BuildResult.summary of a build with nothing to do, after the snapshot `last`'s build."""
    return (f"{last.articles} articles, {last.pages} pages: 0 rendered, {last.pages} unchanged, "
            f"0 files written, 0 removed in {time.perf_counter() - started:.2f} s")


def _warm_up(ready: Callable[[], bool]) -> None:
    """While a child walks the inputs: the build's modules imported until it has answered (startup.warm_up)."""
    from . import startup

    startup.warm_up(ready)


def plain_build(args: list[str]) -> dict[str, str] | None:
    """The options of `newsgen build ...` when they are plain: each at most once, spelled out (`-q -v`,
    `--out x`, `--out=x`, `-ox`), values not empty and not starting with "-", --jobs a number from 1.
    None for anything else (another command, --help, `-qv`, an unknown or repeated option), which
    click reads, and answers, as it always has."""
    if not args or args[0] != "build":
        return None
    found: dict[str, str] = {}
    rest = iter(args[1:])
    for arg in rest:
        if arg in _FLAGS:
            name, value = _FLAGS[arg], "yes"
        else:
            option, given, value = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
            name = _VALUES.get(option, "")
            if not name:
                return None
            if not (given or value):
                value = next(rest, "")
            if not value or value.startswith("-") or "\0" in value:
                return None
        if name in found:
            return None
        found[name] = value
    jobs = found.get("jobs", "1")
    return found if jobs.isascii() and jobs.isdigit() and int(jobs) >= 1 else None


def path(*pieces: str) -> str:
    """str(pathlib.Path(*pieces)), without importing pathlib: empty and "." parts dropped, ".." kept,
    a piece that starts with "/" starts over (two leading slashes stay two, as POSIX allows)."""
    root = ""
    parts: list[str] = []
    for piece in pieces:
        if piece.startswith("/"):
            rest = piece.lstrip("/")
            root, parts, piece = ("//" if len(piece) - len(rest) == 2 else "/"), [], rest
        parts += [p for p in piece.split("/") if p and p != "."]
    return root + "/".join(parts) or "."


def _folder(given: str) -> bool:
    """What click.Path(file_okay=False) lets through, and a folder: the no-change answer needs one."""
    import stat

    return stat.S_ISDIR(os.stat(given).st_mode) and os.access(given, os.R_OK)


if __name__ == "__main__":  # pragma: no cover
    run()
