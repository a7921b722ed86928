"""incremental/ahead.py: a first parallel build saves its cache before its pages are rendered (while
the bodies rendered ahead keep the pool busy) and drops the state from its memory; what it leaves is
what a build that saves at the end leaves, and a build that fails after saving ahead leaves the last
build's cache and no temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.test_incremental import generated_site

from newsgen.errors import BuildError
from newsgen.incremental import ahead, cache, snapshot


def _saved_ahead(monkeypatch) -> list[object]:  # type: ignore[no-untyped-def]
    """The states a build saved ahead (appended as each SavedAhead is made)."""
    monkeypatch.setattr("newsgen.parallel.PRERENDER_MIN", 100)
    states: list[object] = []
    real = ahead.SavedAhead.__init__

    def spy(self, root, out, state, *args):  # type: ignore[no-untyped-def]
        real(self, root, out, state, *args)
        states.append(state)

    monkeypatch.setattr(ahead.SavedAhead, "__init__", spy)
    return states


def _temporary(root: Path) -> list[str]:
    return sorted(p.name for p in (root / cache.CACHE_DIR).iterdir() if p.suffix == ".tmp")


def test_a_build_saved_ahead_leaves_what_a_build_saved_at_the_end_leaves(make_site, build, snapshot,  # type: ignore[no-untyped-def]
                                                                         tmp_path, monkeypatch) -> None:
    root = generated_site(make_site, 200)
    states = _saved_ahead(monkeypatch)
    build(root, out=tmp_path / "end", jobs=1)
    assert states == []
    build(root, out=tmp_path / "ahead", jobs=2)
    assert len(states) == 1 and states[0].parsed == {} and states[0].site is None  # type: ignore[attr-defined]
    assert snapshot(tmp_path / "end") == snapshot(tmp_path / "ahead") and _temporary(root) == []
    end, warning_end = cache.load(root, tmp_path / "end")
    saved, warning_ahead = cache.load(root, tmp_path / "ahead")
    assert warning_end is warning_ahead is None and len(saved.parsed) == 200
    assert (saved.parsed, saved.pages, saved.related, saved.site, saved.outputs, saved.images) == (
        end.parsed, end.pages, end.related, end.site, end.outputs, end.images)
    one, two = snapshot_of(root, tmp_path / "end"), snapshot_of(root, tmp_path / "ahead")
    assert (one.packed, one.outputs, one.articles, one.pages) == (two.packed, two.outputs, two.articles, two.pages)
    # the next build of each stops at the snapshot; an edit takes the cache saved ahead
    assert build(root, out=tmp_path / "ahead", jobs=2).rendered == 0
    story = root / "content/politics/2024/story-000.md"
    story.write_text(story.read_text().replace("More about", "Much more about"))
    assert build(root, out=tmp_path / "ahead", jobs=2).rendered == build(root, out=tmp_path / "end", jobs=1).rendered
    assert snapshot(tmp_path / "end") == snapshot(tmp_path / "ahead")


def test_a_build_that_fails_after_saving_ahead_leaves_no_cache_and_the_output_as_it_was(  # type: ignore[no-untyped-def]
        make_site, build, snapshot, tmp_path, monkeypatch) -> None:
    import shutil

    root = generated_site(make_site, 200)
    states = _saved_ahead(monkeypatch)
    out = tmp_path / "public"
    build(root, out=out, jobs=2)
    before = snapshot(out)
    shutil.rmtree(root / cache.CACHE_DIR)  # (a first build again: the whole state written ahead)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/article.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ (article.title | length) // 0 }}{% endblock %}')
    with pytest.raises(BuildError):
        build(root, out=out, jobs=2)
    assert len(states) == 2 and sorted(p.name for p in (root / cache.CACHE_DIR).iterdir() if "build-" in p.name) == []
    assert snapshot(out) == before and snapshot_of(root, out) is None


def snapshot_of(root: Path, out: Path) -> snapshot.Snapshot | None:
    return snapshot.load(root, out)
