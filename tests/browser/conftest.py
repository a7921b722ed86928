"""Browser tests: Playwright for Python driving Debian's Chromium (never `playwright install`).

Without /usr/bin/chromium (or NEWSGEN_CHROMIUM) the tests are skipped with the reason, except
when the CI environment variable is set: then they fail, so a broken install can never pass as a
silent skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("NEWSGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: Playwright's sync API runs one event loop at a time, so it must
    be closed before another module (tests/quality) starts its own."""
    problem = _missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield tab
    finally:
        context.close()


@contextmanager
def _preview(root: Path, drafts: bool = True) -> Iterator[Any]:
    from newsgen.serve.server import Preview

    preview = Preview.open(root, port=0, drafts=drafts)
    loop: threading.Thread | None = None
    try:
        preview.start(jobs=1)
        loop = threading.Thread(target=preview.loop, name="test-build-loop", daemon=True)
        loop.start()
        yield preview
    finally:
        preview.stopping.set()
        preview.changes.close()
        if loop is not None:
            loop.join(30)
        preview.close()


@pytest.fixture
def serve() -> Callable[..., Any]:
    """`with serve(root) as preview:` newsgen serve in-process on a free port (preview.url)."""
    return _preview
