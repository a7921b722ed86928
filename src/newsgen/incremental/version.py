"""What a cache must match to be used: newsgen's version, its code, the Python version."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .. import __version__


def code_digest(package: Path = Path(__file__).parent.parent) -> str:
    """newsgen's own code and its built-in theme (templates, style sheet, scripts, catalogs): any change
    to them (an upgrade, an editable install being edited, a field added to a model class) invalidates the
    cache and the no-change shortcut, so neither can outlive the code that wrote the output."""
    h = hashlib.blake2b(digest_size=8)
    for path in sorted([*package.rglob("*.py"), *(p for p in (package / "theme").rglob("*") if p.is_file())]):
        rel = path.relative_to(package).as_posix()
        if rel.startswith(("serve/", "importers/", "cli.py", "init.py", "check.py", "newarticle.py")):
            continue  # code that does not shape the output
        h.update(rel.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


VERSION = f"newsgen {__version__} python {sys.version_info[:2]} code {code_digest()}"
