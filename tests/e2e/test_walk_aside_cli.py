"""The real `newsgen build` on a site big enough for its inputs to be walked in a child while it imports
the build (incremental/walkaside.py), and its output checked by that child and itself: nothing to do,
an edit, a new story, a page and a copied file deleted from the output. Each build leaves what a build
from nothing leaves."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import console_script, snapshot_tree

from newsgen.incremental import snapshot
from newsgen.incremental.outputs import Outputs
from newsgen.incremental.walkaside import SIZES

ARTICLE = "---\ntitle: {title}\ndate: 2025-03-19 10:0{n}\nsection: News\nauthor: Ann\n---\n{body}\n"


def _build(root: Path, *args: str) -> str:
    proc = subprocess.run([*console_script(), "build", *args], cwd=root, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert not _left_running(root)  # the walking child ended with the program, whichever way it went
    return proc.stdout


def _left_running(root: Path) -> list[int]:
    """Processes still at work in `root` (a child the program forked would have its folder)."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and Path(f"/proc/{pid}/cwd").resolve() == root.resolve():
                found.append(int(pid))
        except OSError:
            continue
    return found


def _same_as_a_build_from_nothing(root: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    _build(root, "--out", str(fresh))
    built, clean = snapshot_tree(root / "public"), snapshot_tree(fresh)
    manifest = ".newsgen-output"  # (newsgen's list of its files: in the order they came)
    assert sorted(built.pop(manifest).splitlines()) == sorted(clean.pop(manifest).splitlines())
    assert built == clean
    for path in fresh.rglob("*"):  # (the next comparison's build starts from nothing too)
        if path.is_file():
            path.unlink()


def test_builds_of_a_big_site_leave_what_a_build_from_nothing_leaves(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content" / "news").mkdir(parents=True)
    (root / "newsgen.yaml").write_text(  # (every article page with its own Latest News: each build complete)
        "title: T\nbase_url: https://x.org/\nsections: [News]\nshared_latest_news: false\n", encoding="utf-8")
    for n in range(3):
        (root / "content" / "news" / f"a{n}.md").write_text(
            ARTICLE.format(title=f"Story {n}", n=n, body=f"Body {n}."), encoding="utf-8")
    for i in range(Outputs.ASIDE_MIN + 50):  # (copied files: inputs and outputs enough for the child)
        path = root / "static" / f"d{i % 9}" / f"f{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(i), encoding="utf-8")
    _build(root)
    stamps = snapshot.load(root, root / "public")
    assert stamps is not None and len(stamps.packed) in SIZES

    assert " 0 rendered, " in _build(root)  # nothing to do
    (root / "content" / "news" / "a1.md").write_text(ARTICLE.format(title="Story 1", n=1, body="Edited."),
                                                    encoding="utf-8")
    assert " 0 rendered, " not in _build(root)
    assert "Edited." in (root / "public" / "news" / "story-1" / "index.html").read_text(encoding="utf-8")
    _same_as_a_build_from_nothing(root, tmp_path)

    (root / "content" / "news" / "a3.md").write_text(ARTICLE.format(title="Story 3", n=3, body="New."),
                                                    encoding="utf-8")
    _build(root)
    assert (root / "public" / "news" / "story-3" / "index.html").is_file()
    _same_as_a_build_from_nothing(root, tmp_path)

    (root / "public" / "news" / "story-0" / "index.html").unlink()  # in one half of the output check
    (root / "public" / f"d{2048 % 9}" / "f2048.txt").unlink()  # ... and in the other
    _build(root)
    _same_as_a_build_from_nothing(root, tmp_path)
    last = snapshot.load(root, root / "public")
    assert last is not None
    first = root / "public" / last.outputs[0]  # (the check's answer for it alone: index 0, four zero bytes)
    first.unlink()
    assert " 0 rendered, " not in _build(root) and first.is_file()
    _same_as_a_build_from_nothing(root, tmp_path)
    assert " 0 rendered, " in _build(root)
    (root / "content" / "news" / "a0.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")  # an error
    failed = subprocess.run([*console_script(), "build"], cwd=root, capture_output=True, text=True, timeout=300,
                            check=False)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr and not _left_running(root)
