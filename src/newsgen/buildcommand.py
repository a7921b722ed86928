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
                  verbose: bool = False, program: Any = None, progress: Any = None) -> None:
    """`newsgen build` once its options are read (by click in commands.py, or by _build_now): the
    build, then its warnings, `-v`'s reasons and timings and the summary line, or every diagnostic and
    exit status 1. `progress`: a progress bar (with close()), or None."""
    from pathlib import Path

    from .build import BuildOptions, build
    from .errors import BuildError

    if program:
        program.gc_off()
    left: list[object] = []  # what the build made, alive until os._exit (freeing it would take 70 ms at 10k)
    options = BuildOptions(out=out if out is None or out.is_absolute() else Path.cwd() / out,
                           drafts=drafts, future=future, base_url=base_url, jobs=jobs, explain=verbose,
                           keep_alive=left if program else None)
    try:
        result = build(site, options, progress=progress, inputs=program.inputs(site) if program else None)
    except BuildError as exc:
        if progress:
            progress.close()
        fail(exc)
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
