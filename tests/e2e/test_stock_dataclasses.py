"""NEWSGEN_STOCK_DATACLASSES=1 makes the model's objects through their classes' own __init__ instead of
frozen.maker (the cache's articles, the plan's pages): the demo site built both ways, cold and then warm
after edits (the articles then come from the cache), is the same to the byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import copy_demo

PROGRAM = [sys.executable, "-c", "from newsgen.cli import run; run()"]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".newsgen-output"}


def _build(site: Path, out: Path, stock: str) -> None:  # (and startup.py's memos, off with the same runs)
    env = {**os.environ, "NEWSGEN_STOCK_DATACLASSES": stock, "NEWSGEN_STOCK_STARTUP": stock}
    proc = subprocess.run([*PROGRAM, "build", "-q", "--out", str(out), "-j", "1"], cwd=site, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr


def _articles(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("*.md"))


def test_the_switch_is_read_at_import() -> None:
    code = ("from newsgen import frozen; from newsgen.model import Article; from newsgen.incremental import codec; "
            "print(frozen.maker(Article) is Article, codec._NAMESPACE['_make_Article'] is not Article)")
    for stock, expected in (("1", "True False"), ("0", "False True"), ("", "False True")):
        env = {**os.environ, "NEWSGEN_STOCK_DATACLASSES": stock}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected, (stock, out.stdout, out.stderr)


def test_stock_and_fast_dataclasses_build_the_same_site(tmp_path: Path) -> None:
    outputs: dict[str, list[dict[str, bytes]]] = {}
    for stock in ("0", "1"):
        site, out = tmp_path / f"site-{stock}", tmp_path / f"out-{stock}"
        copy_demo(site)
        steps = []
        _build(site, out, stock)  # cold: articles parsed, pages planned
        steps.append(_files(out))
        first, second = _articles(site)[:2]
        first.write_text(first.read_text(encoding="utf-8") + "\nA paragraph added by an editor.\n", encoding="utf-8")
        _build(site, out, stock)  # warm: every other article read back from the cache
        steps.append(_files(out))
        lines = second.read_text(encoding="utf-8").splitlines(keepends=True)
        k = next(i for i, line in enumerate(lines) if line.startswith("title:"))
        lines[k] = "title: A headline rewritten by the desk\n"
        second.write_text("".join(lines), encoding="utf-8")
        _build(site, out, stock)  # a headline: the site model made again from the cached articles
        steps.append(_files(out))
        outputs[stock] = steps
    fast, stock_steps = outputs["0"], outputs["1"]
    assert len(fast[0]) > 50
    assert fast[1] != fast[0] and fast[2] != fast[1]  # (each edit shows)
    for k, (a, b) in enumerate(zip(fast, stock_steps, strict=True)):
        assert a.keys() == b.keys(), k
        assert [name for name in a if a[name] != b[name]] == [], k
