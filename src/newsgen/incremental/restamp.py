"""The inputs without a walk of every folder: the last ones with the files someone named stamped again.

Two callers know what changed. newsgen serve's file watcher reports each path saved, created or removed
(`refresh`). `newsgen build --changed PATH...` is told by whoever runs it (an editor's save hook, a script
given `git diff --name-only`): `named` trusts that word for the inputs and for the output folder, the way
Eleventy's `--incremental=FILE` does. At a million articles that skips the two checks a plain build makes
(one stat of every input file, one of every output file: ~3.4 s of this machine's two cores, mostly the
kernel's), which no build that checks everything can go below (docs/performance.md)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..fileio import MANIFEST, identity
from . import stampdiff
from .outputs import Outputs
from .snapshot import CONFIG, INPUT_FOLDERS, Inputs, load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from .snapshot import Place


def refresh(root: Place, previous: Inputs, changed: Iterable[str]) -> Inputs | None:
    """The inputs after the files `changed` (site-relative paths a file watcher reported since
    `previous` was taken) were saved, created or removed: `previous` with those files and their
    folders stamped again, without walking every folder (newsgen serve, 10,000 articles: ~1 ms instead
    of ~60 ms). None when only a walk can tell: a folder appeared, vanished or was renamed (what is
    under it is unknown), a symlink is involved, or a path is outside the input folders. The paths it
    stamped again (and their folders) are added to `previous.touched`, when that is known."""
    stamps = dict(previous.stamps)
    touched: set[str] = set()
    for rel in dict.fromkeys(changed):
        touched.add(rel)
        if rel in previous.links:
            return None
        top = rel.split("/", 1)[0]
        if rel != CONFIG and (top not in INPUT_FOLDERS or rel == top or rel.endswith("/")):
            return None
        try:
            st = os.lstat(f"{root}/{rel}")
        except FileNotFoundError:
            if f"{rel}/" in stamps:
                return None  # a folder removed or renamed: its files went with it
            stamps.pop(rel, None)
        except OSError:
            return None
        else:
            if not stat.S_ISREG(st.st_mode):
                return None  # a folder, a symlink, something else: walk
            stamps[rel] = (st.st_mtime_ns, st.st_size)
        if rel == CONFIG:
            continue
        folder = rel.rpartition("/")[0]
        if f"{folder}/" not in stamps:
            return None  # in a folder the last walk did not see
        try:
            st = os.stat(f"{root}/{folder}")
        except OSError:
            return None
        stamps[f"{folder}/"] = (st.st_mtime_ns, st.st_size)
        touched.add(f"{folder}/")
    found = Inputs(stamps, list(previous.links))
    found.touched = None if previous.touched is None else previous.touched | touched
    return found


SCANNED = 8 * 10**9  # bytes of packed stamps searched for the paths named, at most: past that a walk is as fast


def named(root: Place, out: Place, key: str, paths: Iterable[str]) -> Inputs | str:
    """`newsgen build --changed PATH...`: the inputs of the last build with `paths` (as typed: relative to the
    working folder, or absolute) stamped again, and the output taken to be as that build left it (only its
    manifest is checked: an output folder emptied or written by another build is looked at closely). Paths that
    are not inputs (not newsgen.yaml, nor under content/, static/ or templates/) change nothing and are left out.
    The stamps stay packed, those named replaced in their bytes (`stampdiff.patched`). Or why the build must
    check every file after all (the caller's word cannot say it all): a phrase for `-v`."""
    last = load(root, out)
    if last is None or last.key != key or last.slices is None:
        return "no record of a complete build with these options into this output folder"
    if last.manifest is None or identity(os.path.join(out, MANIFEST)) != last.manifest:
        return "the output folder is not as the last build left it"
    if any(Path(root, name).is_symlink() for name in (CONFIG, *INPUT_FOLDERS)):
        return "an input folder is a symlink"  # (its files' paths are not what a walk stamps)
    rels = inputs_of(root, paths)
    if isinstance(rels, str):
        return rels
    stamps: dict[str, tuple[int, int] | None] = {}
    for rel in rels:
        if rel in last.links:
            return "a symlink was named"
        try:
            st = os.lstat(f"{root}/{rel}")
            if not stat.S_ISREG(st.st_mode):
                return "a folder or a symlink was named"
            stamps[rel] = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamps[rel] = None
        except (OSError, ValueError):
            return "a file that cannot be read was named"
        if rel != CONFIG:
            folder = rel.rpartition("/")[0]
            try:
                st = os.stat(f"{root}/{folder}")
            except (OSError, ValueError):
                return "a file in a folder that is gone was named"
            stamps[f"{folder}/"] = (st.st_mtime_ns, st.st_size)
    if len(stamps) * len(last.packed) > SCANNED:
        return "too many files were named"
    if last.links and _linked_to(root, last.links, rels):
        return "a file a symlink points to was named"  # (the walk stamps a symlink with its target's stamp)
    packed = stampdiff.patched(last.packed, last.slices, stamps)
    if packed is None:
        return "a new file, or one in a new folder, was named"
    found = Inputs(None, last.links)  # (decoded only if asked for: an edit of one body is not)
    found.packed, found.slices = packed
    found.touched = frozenset(stamps)
    found.checked = (os.fspath(out), last, Outputs.trusted(out, lambda: last.outputs))
    return found


def inputs_of(root: Place, paths: Iterable[str]) -> list[str] | str:
    """The site-relative names of the input files among `paths` (folders on the way resolved, the file's own
    name not: a symlink stays one), or why they cannot say which (an input folder itself named, a path that
    is no path)."""
    site = os.path.realpath(root)
    rels = []
    for path in paths:
        try:
            folder, name = os.path.split(os.path.abspath(path))  # noqa: PTH100 - (not resolved: see below)
            rel = os.path.relpath(os.path.join(os.path.realpath(folder), name), site).replace(os.sep, "/")
        except ValueError:  # (a NUL in it)
            return "a path that cannot be one was named"
        top = rel.split("/", 1)[0]
        if rel == top and top in INPUT_FOLDERS:
            return "an input folder itself was named"
        if rel == CONFIG or top in INPUT_FOLDERS:
            rels.append(rel)
    return rels


def _linked_to(root: Place, links: list[str], rels: list[str]) -> bool:
    """Whether a symlink the last walk met points to one of the files `rels` (the symlink's stamp is its
    target's, and changes with it)."""
    named = {os.path.realpath(f"{root}/{rel}") for rel in rels}
    return any(os.path.realpath(f"{root}/{link}") in named for link in links)
