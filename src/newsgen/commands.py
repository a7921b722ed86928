"""The commands of the command line (click): options in, one line per diagnostic out, exit codes.
The program itself (`newsgen`, `python -m newsgen`) is `cli.run`, which answers a `newsgen build` that
has nothing to do before this module, and click, are imported."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import click

from . import __version__
from .buildcommand import fail, terminal  # fail: every command's errors, one line each, then status 1
from .errors import BuildError

if TYPE_CHECKING:
    from .incremental.snapshot import Inputs


@runtime_checkable
class Program(Protocol):
    """Given as click's context object by `cli.run`: this process is the `newsgen` program, not a
    caller's (tests, newsgen serve), so it may turn the garbage collector off and end with os._exit."""

    def gc_off(self) -> None: ...

    def done(self) -> None: ...

    def inputs(self, site: Path) -> Inputs | None: ...


def _program() -> Program | None:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Program) else None


SITE_OPTION = click.option("--site", "-s", "site", type=click.Path(file_okay=False, path_type=Path),
                           default=".", show_default=True, help="The site folder (holds newsgen.yaml).")


class _UsageLine(click.ClickException):
    """A mistake on the command line (an unknown option, `-j zero`, `-o` naming a file): one line and status
    1, like every other error, where click shows its usage block and exits with 2."""

    exit_code = 1

    def __init__(self, exc: click.UsageError, within: click.Context | None = None) -> None:
        from .errors import visible

        command = exc.ctx.command_path if exc.ctx is not None else "newsgen"
        if within is not None and within.invoked_subcommand and exc.ctx in (None, within):  # (its options' parser)
            command = f"{within.command_path} {within.invoked_subcommand}"
        super().__init__(visible(f"{command}: {exc.format_message()} (see {command} --help)"))

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class _Main(click.Group):
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise _usage_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # (a command's options and arguments, read here)
            raise _usage_line(exc, ctx) from None


def _usage_line(exc: click.UsageError, within: click.Context | None = None) -> click.ClickException:
    """The one line of a mistake; `newsgen` or `newsgen import` alone is click's help, as it was (click 8.2
    and later raise that as a usage error whose message is the whole help)."""
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        return exc
    return _UsageLine(exc, within)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="newsgen", message="%(prog)s %(version)s")
def main() -> None:
    """newsgen: build a news site from Markdown articles.

    Run the commands in the site folder (the one with newsgen.yaml), or pass --site.
    """


@main.command()
@SITE_OPTION
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder.  [default: public]")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include scheduled articles (dated in the future).")
@click.option("--base-url", default=None, help="Override base_url from newsgen.yaml.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes to use.  [default: all cores]")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Say why each page was rendered again, and where the time went.")
@click.option("--changed", metavar="PATH", multiple=True,
              help="Only these files changed since the last build (repeat it; '-': a list, one a line, on stdin). "
                   "Skips checking every file: for very large sites.")
@click.option("--watch", "-w", is_flag=True, help="Keep building: after the first build, build again each time a "
              "file is saved, until Ctrl-C.")
def build(site: Path, out: Path | None, drafts: bool, future: bool, base_url: str | None, jobs: int | None,
          quiet: bool, verbose: bool, changed: tuple[str, ...], watch: bool) -> None:
    """Build the site into the output folder (only what changed is written)."""
    from .buildcommand import build_command

    if watch:
        if changed:
            raise click.UsageError("--watch finds what changed itself: leave out --changed")
        from .watchbuild import run

        given = {"--drafts": drafts, "--future": future, "-v": verbose}  # (-q: the loop's: it reads each summary)
        run(site, out, [name for name, on in given.items() if on] + (["--base-url", base_url] if base_url else [])
            + (["--jobs", str(jobs)] if jobs else []), quiet)
        return

    build_command(site, out, drafts=drafts, future=future, base_url=base_url, jobs=jobs, quiet=quiet,
                  verbose=verbose, changed=_named(changed) if changed else None, program=_program(),
                  progress=_ProgressBar() if not quiet and terminal(sys.stderr) else None)


def _named(changed: tuple[str, ...]) -> list[str]:
    """The paths of --changed, with those of the lines on stdin for '-'."""
    paths = [path for path in changed if path != "-"]
    if "-" in changed and sys.stdin is not None:  # (bytes: a name need not be UTF-8, as on the command line)
        paths += [os.fsdecode(line.rstrip(b"\r")) for line in sys.stdin.buffer.read().split(b"\n") if line.strip()]
    return paths


class _ProgressBar:
    """A progress bar on a terminal, shown only once a build has run for a second."""

    def __init__(self) -> None:
        import time

        self._start = time.perf_counter()
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        import time

        if self._bar is None or stage != self._stage:
            if time.perf_counter() - self._start < 1.0 and self._bar is None:
                return
            self.close()
            self._stage = stage
            self._bar = click.progressbar(length=total, label=f"{stage:<7}", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command()
@SITE_OPTION
@click.option("--drafts", is_flag=True, help="Check drafts too (always parsed; this only affects URLs).")
def check(site: Path, drafts: bool) -> None:
    """Validate the config, every article and every template; write nothing."""
    from .check import check_site

    try:
        count = check_site(site, drafts=drafts)
    except BuildError as exc:
        fail(exc, " found")  # check never writes: "nothing was written" would suggest a build was stopped
        return
    click.echo(f"ok: {count} article{'' if count == 1 else 's'}, no problems found")


@main.command()
@SITE_OPTION
@click.argument("title")
@click.option("--section", required=True, help="Section name, as in newsgen.yaml.")
@click.option("--author", "authors", multiple=True, help="Author name (repeat for several).")
@click.option("--draft/--no-draft", default=True, show_default=True,
              help="Start it as a draft. With --no-draft it is published by the next build, which first asks "
                   "for its summary and lead to be written in place of the placeholder text.")
@click.option("--lang", default=None, help="The language edition to write it in (a code of `languages:`).  "
              "[default: the first]")
def new(site: Path, title: str, section: str, authors: tuple[str, ...], draft: bool, lang: str | None) -> None:
    """Write a new article file, filled in, and print its path."""
    from .newarticle import new_article

    try:
        path = new_article(site, title, section, list(authors), draft=draft, lang=lang)
    except BuildError as exc:
        fail(exc)
        return
    click.echo(str(path))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Daily Chronicle", show_default=True, help="The site's name.")
def init(folder: Path, title: str) -> None:
    """Start a new site in FOLDER: config, sample articles, templates/, static/, CI workflows."""
    from .init import init_site

    try:
        written = init_site(folder, title=title)
    except BuildError as exc:
        fail(exc)
        return
    click.echo(f"created {folder} ({len(written)} files). Next: cd {folder} && newsgen build")


@main.command()
@SITE_OPTION
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--no-drafts", is_flag=True, help="Preview without drafts and scheduled articles.")
def serve(site: Path, port: int, host: str, no_drafts: bool) -> None:
    """Preview the site with live reload while you write."""
    from .serve.server import run

    sys.exit(run(site, host=host, port=port, drafts=not no_drafts))


# ---------------------------------------------------------------------------- newsgen import (docs/importing.md)

def _import_options(f: Any) -> Any:
    for option in reversed([
        SITE_OPTION,
        click.option("--download/--no-download", default=False, show_default=True,
                     help="Download images that are not in --uploads (timeout 20 s each)."),
        click.option("--section-map", "section_map", multiple=True, metavar="CATEGORY=Section",
                     help="Put a category's items in a section (repeat for several)."),
        click.option("--default-section", metavar="SECTION",
                     help="The section of items whose categories match none.  [default: skip them]"),
        click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing."),
        click.option("--overwrite", is_flag=True, help="Replace articles that exist already."),
    ]):
        f = option(f)
    return f


@main.group("import")
def import_group() -> None:
    """Write articles from a WordPress export or a feed (RSS, Atom, JSON Feed)."""


@import_group.command("wordpress")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@_import_options
@click.option("--uploads", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="The old site's wp-content/uploads folder: images are copied from it.")
@click.option("--pages-section", metavar="SECTION", help="Import pages as articles of this section.  [default: skip]")
def import_wordpress(export: Path, **options: Any) -> None:
    """Import a WordPress export (Tools > Export > All content)."""
    _import("wordpress", str(export), **options)


@import_group.command("feed")
@click.argument("source")
@_import_options
def import_feed(source: str, **options: Any) -> None:
    """Import the items of a feed (FILE or URL): RSS, Atom or JSON Feed."""
    _import("feed", source, **options)


def _import(kind: str, source: str, site: Path, **options: Any) -> None:
    from .importers.command import run_import

    sys.exit(run_import(kind, source, site, click.echo, lambda line: click.echo(line, err=True), **options))


