"""What a cache must match to be used: newsgen's version, its code, the Python version."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from .. import __version__


def code_digest(package: Path = Path(__file__).parent.parent) -> str:
    """newsgen's own code and its built-in theme (templates, style sheet, scripts, catalogs): any change
    to them (an upgrade, an editable install being edited, a field added to a model class) invalidates the
    cache and the no-change shortcut, so neither can outlive the code that wrote the output. Listed with
    os.walk (Path.rglob took ~3 ms of the ~5)."""
    h = hashlib.blake2b(digest_size=8)
    found = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        rel = os.path.relpath(folder, package).replace(os.sep, "/")
        in_theme = rel == "theme" or rel.startswith("theme/")
        found += [f"{rel}/{name}" if rel != "." else name for name in names if in_theme or name.endswith(".py")]
    for rel in sorted(found):
        if rel.startswith(("serve/", "importers/", "cli.py", "init.py", "check.py", "newarticle.py")):
            continue  # code that does not shape the output
        path = package / rel
        if path.is_file():  # (not an editor's lock, a symlink to nowhere; not a FIFO)
            h.update(rel.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


VERSION = f"newsgen {__version__} python {sys.version_info[:2]} code {code_digest()}"
