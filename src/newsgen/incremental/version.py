"""What a cache must match to be used: newsgen's version, its code, the Python version."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .. import __version__


def _code_digest() -> str:
    """newsgen's own code: any change to it (an upgrade, an editable install being edited, a field
    added to a model class) invalidates the cache, so a cache can never outlive the code that wrote it."""
    h = hashlib.blake2b(digest_size=8)
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith(("serve/", "importers/", "cli.py", "init.py", "check.py", "newarticle.py")):
            continue  # code that does not shape the output
        h.update(path.read_bytes())
    return h.hexdigest()


VERSION = f"newsgen {__version__} python {sys.version_info[:2]} code {_code_digest()}"
