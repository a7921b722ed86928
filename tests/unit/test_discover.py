"""content/discover.py: article files under content/, editor junk ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.content.discover import discover, is_article, is_junk

JUNK = [
    ".hidden.md",
    "foo.md~",
    ".foo.md.swp",
    ".foo.md.swo",
    "#foo.md#",
    "4913",
    ".#lock.md",
    "~$draft.md",
    "foo.md.tmp",
    "foo.md.bak",
    "foo.md.orig",
    "Thumbs.db",
    ".DS_Store",
    "desktop.ini",
]


@pytest.mark.parametrize("name", JUNK)
def test_editor_junk(name: str) -> None:
    assert is_junk(name)
    assert not is_article(name)


@pytest.mark.parametrize("name", ["a.md", "index.md", "notes.markdown", "2025-budget.md"])
def test_articles(name: str) -> None:
    assert is_article(name)


@pytest.mark.parametrize("name", ["photo.jpg", "README.txt", "a.md.html", "a.mdx"])
def test_not_articles(name: str) -> None:
    assert not is_article(name)


def test_discover_walks_any_depth_sorted_and_skips_junk(tmp_path: Path) -> None:
    files = [
        "content/politics/2025/b.md",
        "content/politics/2025/a.md",
        "content/culture/x/index.md",
        "content/culture/x/photo.jpg",
        "content/top.markdown",
        "content/notes.txt",
        *(f"content/politics/{j}" for j in JUNK),
        "content/.git/objects/x.md",
        "content/.obsidian/workspace.md",
        "content/#tmp#/y.md",
    ]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    assert discover(tmp_path) == [
        "content/culture/x/index.md",
        "content/politics/2025/a.md",
        "content/politics/2025/b.md",
        "content/top.markdown",
    ]


def test_discover_without_content_folder(tmp_path: Path) -> None:
    assert discover(tmp_path) == []
