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


def test_is_article_is_markdown_and_not_junk() -> None:
    """is_article checks only junk prefixes: for every name, the same answer as is_junk's rules."""
    import itertools

    from newsgen.content.discover import MARKDOWN_SUFFIXES, is_article, is_junk

    stems = ["story", ".story", "#story#", "~story", "story~", "4913", "sedAbC123", "sed", "thumbs", "Thumbs.db",
             "desktop.ini", "x.swp", "x.tmp", "x___jb_tmp___", "x.bak", "x.orig", "x.part", "x.crdownload", ""]
    tails = ["", *MARKDOWN_SUFFIXES, ".MD", ".md~", ".md.swp", ".markdown.bak", ".txt", ".md.tmp", "___jb_old___"]
    for stem, tail in itertools.product(stems, tails):
        name = stem + tail
        assert is_article(name) == (name.endswith(MARKDOWN_SUFFIXES) and not is_junk(name)), name
