"""Site search with Pagefind (PyPI `pagefind[bin]`, which ships the binary): run after the pages are
in place, it indexes every article body (marked `data-pagefind-body`) into `<out>/pagefind/`."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import BuildError, Diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .config import SiteConfig

FOLDER = "pagefind"
# the summary line of a build whose indexing failed: the pages are in place (Pagefind reads them there)
PUBLISHED = ", the pages were published without their search index (the next build makes it)"


_MISSING = Diagnostic("newsgen.yaml", None, "search: true needs Pagefind, which is not installed",
                      "pip install 'pagefind[bin]'")


def missing(config: SiteConfig) -> list[Diagnostic]:
    """The error of a site with `search: true` where Pagefind is not installed, asked before anything is
    written (the index is made once the pages are in place, and a build that fails writes nothing)."""
    from importlib.util import find_spec

    return [_MISSING] if config.search and find_spec("pagefind") is None else []


def refresh(config: SiteConfig, out: Path, changed: bool) -> None:
    """The index made again after a build that `changed` the output, or made when it is not there."""
    if config.search and (changed or not (out / FOLDER).is_dir()):
        index(out)


def index(out: Path) -> None:
    try:
        import pagefind  # noqa: F401
    except ImportError:
        raise BuildError([_MISSING]) from None
    import shutil
    import subprocess  # here: every build imports this module, few sites index for search

    # a new index in a folder of its own, then put in place of the old one: Pagefind names its files by
    # their content, and indexing over the last index would leave every file that changed beside its
    # new version, build after build
    new, old = out / f".{FOLDER}-new", out / f".{FOLDER}-old"
    for leftover in (new, old):  # (from a build stopped while it indexed)
        shutil.rmtree(leftover, ignore_errors=True)
    proc = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(out), "--output-subdir", new.name, "--silent"],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if proc.returncode != 0:
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(out / FOLDER, ignore_errors=True)  # (not an index of other pages: the next build makes it)
        message = (proc.stderr or proc.stdout).strip().splitlines()
        raise BuildError([Diagnostic("newsgen.yaml", None, "search indexing failed: "
                                     + (message[-1] if message else f"exit {proc.returncode}"))], PUBLISHED)
    _languages_in_order(new / "pagefind-entry.json")
    target = out / FOLDER
    try:
        if target.is_dir() and not target.is_symlink():
            target.rename(old)
        new.rename(target)
    except OSError as exc:
        shutil.rmtree(new, ignore_errors=True)
        raise BuildError([Diagnostic(str(target), None, f"cannot put the search index in place: {exc.strerror}",
                                     "remove what is there in its place")], PUBLISHED) from None
    shutil.rmtree(old, ignore_errors=True)


def _languages_in_order(entry: Path) -> None:
    """Pagefind lists a site's languages in its entry file in an order that changes from run to run
    (a site with language editions): sorted here, so that the same site makes the same bytes (and a
    host that uploads what changed does not upload it again). The format is Pagefind's own (compact,
    UTF-8); the file is left as it is if it is not what this expects."""
    import json

    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        languages = data["languages"]
        if not isinstance(languages, dict):
            return
        data["languages"] = dict(sorted(languages.items()))
        entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    except (OSError, ValueError, KeyError, TypeError):
        return
