"""`newsgen build` once its options are read, without click: `build_command` is the body of click's
`build` command (commands.py) and of a plain command line that cli.run builds itself; `fail` and `say`
print as click.echo prints, for every command."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # (the no-change answer prints with `say`: it imports neither typing nor pathlib)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, NoReturn


def build_command(site: Path, out: Path | None, *, drafts: bool = False, future: bool = False,
                  base_url: str | None = None, jobs: int | None = None, quiet: bool = False,
                  verbose: bool = False, changed: list[str] | None = None, program: Any = None,
                  progress: Any = None) -> None:
    """`newsgen build` once its options are read (by click in commands.py, or by _build_now): the
    build, then its warnings, `-v`'s reasons and timings and the summary line, or every diagnostic and
    exit status 1. `changed`: the files --changed named (`restamp.named`). `progress`: a progress bar (with
    close()), or None."""
    from pathlib import Path

    from .build import BuildOptions, build
    from .errors import BuildError

    if program:
        program.gc_off()
    left: list[object] = []  # what the build made, alive until os._exit (freeing it would take 70 ms at 10k)
    options = BuildOptions(out=out if out is None or out.is_absolute() else Path.cwd() / out,
                           drafts=drafts, future=future, base_url=base_url, jobs=jobs, explain=verbose,
                           keep_alive=left if program else None)
    inputs = program.inputs(site) if program else None
    if changed is not None and inputs is None:
        inputs = _told(site, options, changed, verbose)
    try:
        result = build(site, options, progress=progress, inputs=inputs)
    except BuildError as exc:
        if progress:
            progress.close()
        fail(_unnamed(exc) if changed is not None and inputs is not None else exc)
    if progress:
        progress.close()
    for w in result.warnings:
        say(f"warning: {w}", sys.stderr)
    if verbose:
        for reason in result.reasons:
            say(reason)
        for rel in result.removed:
            say(f"removed {rel}")
        if result.stages:
            say(f"time: {result.timings()}")
    if not quiet:
        say(result.summary())
    if program:
        program.done()


def _told(site: Path, options: Any, changed: list[str], verbose: bool) -> Any:
    """The inputs `--changed` names, with the output trusted; None (every file checked) when that cannot be."""
    from .incremental import restamp, snapshot

    out = (options.out or site / "public").absolute()
    found = restamp.named(site, out, snapshot.key(out, options.drafts, options.future, options.preview,
                                                  options.base_url), changed)
    if isinstance(found, str):
        if verbose:
            say(f"--changed: every file checked ({found})")
        return None
    return found


def _unnamed(exc: Any) -> Any:
    """A file --changed did not name, found changed when the build read it (a page it wrote again shows it):
    said so, with what to do (building again as before would meet it again)."""
    from .content.body import CHANGED_WHILE_BUILDING
    from .errors import Diagnostic

    exc.diagnostics = [Diagnostic(d.path, d.line, "the file changed since the last build, but --changed did not "
                                  "name it", "name it too, or build without --changed")
                       if d.message == CHANGED_WHILE_BUILDING else d for d in exc.diagnostics]
    return exc


def fail(exc: Any, outcome: str = ", nothing was written") -> NoReturn:
    """Every diagnostic of a BuildError, one line each, the count, and exit status 1."""
    for d in exc.diagnostics:
        say(str(d), sys.stderr)
    n = len(exc.diagnostics)
    say(f"newsgen: {n} error{'s' if n != 1 else ''}{getattr(exc, 'outcome', None) or outcome}", sys.stderr)
    sys.exit(1)


def say(line: str, stream: Any = None) -> None:
    """click.echo(line) on stdout (or `stream`); a closed pipe (`| head -0`) ends the program as click
    ends it (1)."""
    stream = stream or sys.stdout
    if stream is None:
        return
    try:
        stream.write(line + "\n")
        stream.flush()
    except BrokenPipeError:
        os._exit(1)


def terminal(stream: Any) -> bool:
    """Whether `stream` is a terminal (a progress bar is then shown, by click); not when it is closed."""
    try:
        return stream is not None and bool(stream.isatty())
    except (AttributeError, ValueError):  # closed, or replaced by something that is not a file
        return False
