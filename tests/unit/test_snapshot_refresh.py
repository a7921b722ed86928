"""snapshot.refresh: the last stamps with the paths a watcher reported stamped again are the stamps a
walk would take; anything it cannot know (folders, symlinks) asks for a walk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from newsgen.incremental import snapshot


@pytest.fixture
def site(make_site: Any) -> Path:
    return make_site({
        "content/politics/2025/a.md": make_site.article("A"),
        "content/politics/2025/b.md": make_site.article("B"),
        "templates/article.html": "{% extends 'theme/article.html' %}",
        "static/css/site.css": "body {}\n",
    })


def later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_edits_new_and_removed_files_match_a_walk(site: Path) -> None:
    before = snapshot.take(site)
    (site / "content/politics/2025/a.md").write_text("changed\n", encoding="utf-8")
    later(site / "content/politics/2025/a.md")
    (site / "content/politics/2025/c.md").write_text("new\n", encoding="utf-8")
    (site / "content/politics/2025/b.md").unlink()
    (site / "templates/article.html").write_text("x", encoding="utf-8")
    (site / "newsgen.yaml").write_text((site / "newsgen.yaml").read_text() + "\n", encoding="utf-8")
    later(site / "content/politics/2025")
    changed = ["content/politics/2025/a.md", "content/politics/2025/c.md", "content/politics/2025/b.md",
               "templates/article.html", "newsgen.yaml"]
    refreshed = snapshot.refresh(site, before, changed)
    assert refreshed is not None
    assert refreshed.stamps == snapshot.take(site).stamps
    assert snapshot.differences(refreshed.stamps, snapshot.take(site).stamps) == []


@pytest.mark.parametrize("make", ["folder", "removed folder", "symlink", "outside"])
def test_what_only_a_walk_can_tell(site: Path, make: str) -> None:
    before = snapshot.take(site)
    if make == "folder":
        (site / "content/world").mkdir()
        changed = ["content/world"]
    elif make == "removed folder":
        for p in (site / "content/politics/2025").iterdir():
            p.unlink()
        (site / "content/politics/2025").rmdir()
        changed = ["content/politics/2025"]
    elif make == "symlink":
        (site / "content/politics/2025/link.md").symlink_to(site / "content/politics/2025/a.md")
        changed = ["content/politics/2025/link.md"]
    else:
        changed = ["public/index.html"]
    assert snapshot.refresh(site, before, changed) is None


def test_a_file_in_a_folder_the_walk_did_not_see(site: Path) -> None:
    before = snapshot.take(site)
    (site / "content/world/2025").mkdir(parents=True)
    (site / "content/world/2025/x.md").write_text("x\n", encoding="utf-8")
    assert snapshot.refresh(site, before, ["content/world/2025/x.md"]) is None


def test_differences_leave_editor_junk_out(site: Path) -> None:
    before = snapshot.take(site)
    (site / "content/politics/2025/.a.md.swp").write_bytes(b"vim")
    (site / "content/politics/2025/a.md~").write_bytes(b"backup")
    after = snapshot.take(site)
    missed = snapshot.differences(before.stamps, after.stamps)
    assert missed == []
    (site / "content/politics/2025/a.md").write_text("missed by the watcher\n", encoding="utf-8")
    assert "content/politics/2025/a.md" in snapshot.differences(before.stamps, snapshot.take(site).stamps)
