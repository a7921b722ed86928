"""restamp.refresh: the last stamps with the paths a watcher reported stamped again are the stamps a
walk would take; anything it cannot know (folders, symlinks) asks for a walk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from newsgen.incremental import restamp, snapshot, stampdiff


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
    refreshed = restamp.refresh(site, before, changed)
    assert refreshed is not None
    assert refreshed.stamps == snapshot.take(site).stamps
    assert stampdiff.differences(refreshed.stamps, snapshot.take(site).stamps) == []


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
    assert restamp.refresh(site, before, changed) is None


def test_a_file_in_a_folder_the_walk_did_not_see(site: Path) -> None:
    before = snapshot.take(site)
    (site / "content/world/2025").mkdir(parents=True)
    (site / "content/world/2025/x.md").write_text("x\n", encoding="utf-8")
    assert restamp.refresh(site, before, ["content/world/2025/x.md"]) is None


def test_differences_leave_editor_junk_out(site: Path) -> None:
    before = snapshot.take(site)
    (site / "content/politics/2025/.a.md.swp").write_bytes(b"vim")
    (site / "content/politics/2025/a.md~").write_bytes(b"backup")
    after = snapshot.take(site)
    missed = stampdiff.differences(before.stamps, after.stamps)
    assert missed == []
    (site / "content/politics/2025/a.md").write_text("missed by the watcher\n", encoding="utf-8")
    assert "content/politics/2025/a.md" in stampdiff.differences(before.stamps, snapshot.take(site).stamps)


def test_refresh_says_which_stamps_it_took_again_since_a_base(site: Path) -> None:
    """`Inputs.touched` (newsgen serve sets it to () after a good build): every stamp outside it is the
    base's; a walk knows no base (None)."""
    from newsgen.incremental.bodyedit import _edited, _LastParse
    from newsgen.incremental.state import State

    base = snapshot.take(site)
    assert base.touched is None
    assert restamp.refresh(site, base, ["content/politics/2025/a.md"]).touched is None  # type: ignore[union-attr]
    base.touched = frozenset()
    (site / "content/politics/2025/a.md").write_text("changed\n", encoding="utf-8")
    later(site / "content/politics/2025/a.md")
    one = restamp.refresh(site, base, ["content/politics/2025/a.md"])
    (site / "content/politics/2025/.a.md.swp").write_text("junk\n", encoding="utf-8")
    (site / "templates/article.html").write_text("y", encoding="utf-8")
    two = restamp.refresh(site, one, ["content/politics/2025/.a.md.swp", "templates/article.html"])  # type: ignore[arg-type]
    assert one is not None and two is not None
    assert one.touched == {"content/politics/2025/a.md", "content/politics/2025/"}
    assert two.touched == one.touched | {"content/politics/2025/.a.md.swp", "templates/article.html", "templates/"}
    assert {rel for rel in two.stamps.keys() | base.stamps.keys()
            if two.stamps.get(rel) != base.stamps.get(rel)} <= two.touched
    # the body-edit check gives the same answer from them as from every stamp
    from newsgen.incremental.state import ParsedEntry

    state = State(parsed={"content/politics/2025/a.md": ParsedEntry(("a", 1, 1), "d", (), object(), ())})  # type: ignore[arg-type]
    parsed = _LastParse(state, {})
    for inputs in (one, two):
        assert _edited(inputs.stamps, base.stamps, parsed, inputs.touched) == _edited(inputs.stamps, base.stamps, parsed)
    assert _edited(one.stamps, base.stamps, parsed, one.touched) == ["content/politics/2025/a.md"]
    assert _edited(two.stamps, base.stamps, parsed, two.touched) is None  # a template changed too
