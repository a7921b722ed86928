"""`newsgen init DIR`: a new site, copied from the scaffold that ships with newsgen.

The scaffold (package data under `newsgen/scaffold/`) is a site as plain files. Two things are
filled in on the way:

- markers `@@NAME@@` in Markdown, YAML and text files (the site title, the sample articles' dates,
  the newsgen version that `requirements.txt` pins) and in paths (the year folder of the sample
  articles);
- a path part named `dot-x` becomes `.x` (`dot-github/` -> `.github/`), because wheels built
  with setuptools' package-data globs leave dotfiles out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo

from . import __version__
from .dates import now as tz_now
from .errors import BuildError, Diagnostic

DEFAULT_TITLE = "Daily Chronicle"
_FILLED_SUFFIXES = (".md", ".yaml", ".yml", ".txt")
_MARKER = re.compile(r"@@([A-Z0-9_]+)@@")
_DOT_PREFIX = "dot-"
_IGNORED_IN_FOLDER = frozenset({".git"})  # a freshly cloned, empty repository is fine
_SKIPPED = frozenset({"__pycache__", ".DS_Store"})
# The sample articles are dated a little in the past, so the first build publishes them even
# if the site's timezone is changed afterwards (naive dates are in the site's timezone).
_SAMPLE_AGES = (dt.timedelta(hours=26), dt.timedelta(hours=30))


def init_site(folder: Path, title: str = DEFAULT_TITLE, *, now: dt.datetime | None = None) -> list[Path]:
    """Create a new site in `folder` (new, or empty but for `.git`). Returns the files written.

    Raises BuildError, with nothing written, when the folder is not empty or the title is blank.
    """
    problems = _problems(folder, title)
    if problems:
        raise BuildError(problems)
    markers = _markers(title, now or tz_now(ZoneInfo("UTC")))
    existed = folder.exists()
    written: list[Path] = []
    try:
        for rel, source in scaffold_files():
            target = folder / fill(target_path(rel), markers)
            data = source.read_bytes()
            if rel.endswith(_FILLED_SUFFIXES):
                data = fill(data.decode("utf-8"), markers).encode("utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as f:  # never overwrite anything
                f.write(data)
            written.append(target)
    except OSError as exc:
        _undo(folder, written, remove_folder=not existed)
        where = str(exc.filename or folder)
        raise BuildError([Diagnostic(where, None, f"cannot write the new site: {exc.strerror or exc}",
                                     "check that the folder is writable, or choose another one")]) from None
    return written


def scaffold_files() -> list[tuple[str, Traversable]]:
    """Every file of the scaffold as (path relative to the scaffold with "/", resource), sorted."""
    return sorted(_walk(resources.files("newsgen") / "scaffold", ""), key=lambda item: item[0])


def target_path(rel: str) -> str:
    """The path a scaffold file gets in the new site: `dot-github/x.yml` -> `.github/x.yml`."""
    return "/".join("." + part[len(_DOT_PREFIX):] if part.startswith(_DOT_PREFIX) else part
                    for part in rel.split("/"))


def fill(text: str, markers: dict[str, str]) -> str:
    """Replace every `@@NAME@@` in one pass (a title holding `@@X@@` is left as it is)."""
    return _MARKER.sub(lambda m: markers[m.group(1)], text)


def _undo(folder: Path, written: list[Path], remove_folder: bool) -> None:
    """Remove what a failed init wrote, so that the folder is as it was and init can run again."""
    folders: set[Path] = set()
    for path in written:
        path.unlink(missing_ok=True)
        folders.update(p for p in path.parents if p != folder and folder in p.parents)
    if remove_folder:
        folders.add(folder)
    for path in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            path.rmdir()
        except OSError:
            pass  # not empty or already gone: keep it


def _walk(node: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for child in node.iterdir():
        if child.name in _SKIPPED:
            continue
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, rel + "/")
        else:
            yield rel, child


def _markers(title: str, now: dt.datetime) -> dict[str, str]:
    clean = " ".join(title.split())
    utc = now.astimezone(dt.UTC)
    first, second = (utc - age for age in _SAMPLE_AGES)
    return {
        "TITLE": clean,
        "TITLE_YAML": json.dumps(clean, ensure_ascii=False),  # a JSON string is a YAML scalar
        "DATE_1": f"{first:%Y-%m-%d %H:%M}",
        "DATE_2": f"{second:%Y-%m-%d %H:%M}",
        "YEAR": f"{first:%Y}",
        "VERSION": __version__,  # requirements.txt: the site installs the newsgen that made it
    }


def _problems(folder: Path, title: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    if not title.strip():
        problems.append(Diagnostic("--title", None, "the site title is empty",
                                   'e.g. --title "Daily Chronicle"'))
    if folder.exists() and not folder.is_dir():
        problems.append(Diagnostic(str(folder), None, "this is a file, not a folder",
                                   "give the name of a new folder, e.g. newsgen init my-site"))
    elif folder.is_dir():
        try:
            found = sorted(p.name for p in folder.iterdir() if p.name not in _IGNORED_IN_FOLDER)
        except OSError as exc:
            return [*problems, Diagnostic(str(folder), None, f"cannot read the folder: {exc.strerror or exc}",
                                          "choose a folder you can write to")]
        if found:
            shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
            problems.append(Diagnostic(str(folder), None, f"the folder is not empty (it has {shown})",
                                       "newsgen init only writes into a new or empty folder: "
                                       "give another name, e.g. newsgen init my-site"))
    return problems
