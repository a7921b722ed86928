"""Site search with Pagefind (PyPI `pagefind[bin]`, which ships the binary): run after the pages are
in place, it indexes every article body (marked `data-pagefind-body`) into `<out>/pagefind/`."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import BuildError, Diagnostic

FOLDER = "pagefind"


def index(out: Path) -> None:
    try:
        import pagefind  # noqa: F401
    except ImportError:
        raise BuildError([Diagnostic("newsgen.yaml", None, "search: true needs Pagefind, which is not installed",
                                     "pip install 'pagefind[bin]'")]) from None
    import subprocess  # here: every build imports this module, few sites index for search

    proc = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(out), "--output-subdir", FOLDER, "--silent"],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if proc.returncode != 0:
        message = (proc.stderr or proc.stdout).strip().splitlines()
        raise BuildError([Diagnostic("newsgen.yaml", None, "search indexing failed: "
                                     + (message[-1] if message else f"exit {proc.returncode}"))])
