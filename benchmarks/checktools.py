"""What the *_check.py benchmarks share (standard library only): a module loaded from its file, the
article bodies of a content folder (or of a corpus made for the run), and one timed round."""

from __future__ import annotations

import importlib.util
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def load_module(name: str, path: Path) -> ModuleType:
    """The module in the file at `path` (a test's reference module, make_corpus.py)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_bodies(content: Path | None, articles: int) -> list[str]:
    """The Markdown after the front matter of every .md under `content`; without one, of a corpus of
    `articles` made by make_corpus.py in a temporary folder."""
    from newsgen.content.source import decode, split

    with tempfile.TemporaryDirectory() as tmp:
        if content is None:
            load_module("make_corpus", HERE / "make_corpus.py").make_corpus(articles, tmp)
            content = Path(tmp) / "content"
        return [split(decode(p.read_bytes(), str(p)), str(p)).body for p in sorted(content.rglob("*.md"))]


def timed_round(fn: Callable[[str], object], inputs: list[str]) -> float:
    """Seconds of this process' CPU time (the machine may be running other work) for fn over inputs."""
    started = time.process_time()
    for text in inputs:
        fn(text)
    return time.process_time() - started
