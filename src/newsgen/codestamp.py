"""newsgen's code, by the stamps of its files: what a snapshot's key holds (`incremental/snapshot.key`: a
newsgen upgraded, or its code edited, is a build to look closer at) and what the start-up memo keeps
Babel's answers for (`startup`). Imports only os and sys: the no-change answer reads it."""

from __future__ import annotations

import os
import sys

from . import __version__

PACKAGE = os.path.dirname(__file__)


def code_stamps(package: str = PACKAGE) -> str:
    """newsgen's version, the Python version and the stamps (mtime, size) of the `.py` files under
    `package` (not the theme's: they are among a build's inputs). Stamps, not the content digest the
    build cache uses (`version.VERSION`: every file read and hashed, ~5 ms with hashlib's import), like
    the inputs' own: ~0.3 ms."""
    found = []
    folders = [("", package)]
    while folders:
        rel, path = folders.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.name.endswith(".py") and entry.is_file():
                        st = entry.stat()
                        found.append(f"{rel}{entry.name}:{st.st_mtime_ns}:{st.st_size}")
                    elif entry.is_dir(follow_symlinks=False) and entry.name not in ("__pycache__", "theme", "scaffold"):
                        folders.append((f"{rel}{entry.name}/", entry.path))
        except OSError:
            found.append(f"{rel}?")
    found.sort()
    return f"newsgen {__version__} python {sys.version_info[:2]} code {' '.join(found)}"
