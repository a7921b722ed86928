"""Find article files under content/, skipping editor junk."""

from __future__ import annotations

import os
from pathlib import Path

MARKDOWN_SUFFIXES = (".md", ".markdown")
_JUNK_PREFIXES = (".", "#", "~")
_JUNK_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part", ".crdownload",
                  "___jb_tmp___", "___jb_old___")  # JetBrains safe-write files


def is_junk(name: str) -> bool:
    """Hidden files, backups, swap and lock files that editors leave next to real files."""
    return (
        name.startswith(_JUNK_PREFIXES)
        or name.endswith(_JUNK_SUFFIXES)
        or name == "4913"  # vim's write test
        or (name.startswith("sed") and len(name) == 9 and "." not in name)  # sed -i temporaries
        or name.lower() in ("thumbs.db", "desktop.ini")
        or name == "Icon\r"  # macOS Finder: a folder's custom icon
    )


def is_article(name: str) -> bool:
    """A Markdown file that is not junk. (Of is_junk's rules, only the prefixes can match a name ending in
    .md or .markdown: tests/unit/test_discover.py checks that this is is_junk's answer.)"""
    return name.endswith(MARKDOWN_SUFFIXES) and not name.startswith(_JUNK_PREFIXES)


def discover(root: Path) -> list[str]:
    """Article files as paths relative to `root` (the site folder), sorted. (A build finds them among
    the stamps it takes of every input: `articles_in`.)"""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root / "content"):
        dirnames[:] = [d for d in dirnames if not is_junk(d)]
        folder = Path(dirpath).relative_to(root).as_posix()
        found.extend(f"{folder}/{name}" for name in filenames if is_article(name))
    return sorted(found)


def articles_in(stamps: dict[str, tuple[int, int]]) -> list[str]:
    """Article files among stamped paths (snapshot.take: a build walks content/ once), sorted."""
    found = []
    folder_ok: dict[str, bool] = {}
    for rel in stamps:
        if not rel.startswith("content/") or not rel.endswith(MARKDOWN_SUFFIXES):
            continue
        folder, _, name = rel.rpartition("/")
        ok = folder_ok.get(folder)
        if ok is None:
            ok = folder_ok[folder] = not any(is_junk(p) for p in folder.split("/")[1:])
        if ok and not name.startswith(_JUNK_PREFIXES):  # (= is_article(name): the suffix is checked above)
            found.append(rel)
    found.sort()
    return found
