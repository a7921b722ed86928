"""state.py: the build cache is versioned, safe to delete, and a damaged one means a full build."""

from __future__ import annotations

import pickle
from pathlib import Path

from newsgen import state as cache
from newsgen.state import State, cache_file, load, save, stamp


def test_no_cache_is_an_empty_state_without_warning(tmp_path: Path) -> None:
    state, warning = load(tmp_path, tmp_path / "public")
    assert state == State() and warning is None


def test_round_trip_per_output_folder(tmp_path: Path) -> None:
    out_a, out_b = tmp_path / "public", tmp_path / "other"
    save(tmp_path, out_a, State(config_digest="abc", pages={"index.html": "fp"}))
    state, warning = load(tmp_path, out_a)
    assert warning is None and state.pages == {"index.html": "fp"} and state.config_digest == "abc"
    assert load(tmp_path, out_b)[0] == State()  # another output folder has its own cache
    assert (tmp_path / cache.CACHE_DIR / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_corrupt_cache_gives_a_warning_and_an_empty_state(tmp_path: Path) -> None:
    out = tmp_path / "public"
    save(tmp_path, out, State(pages={"index.html": "fp"}))
    cache_file(tmp_path, out).write_bytes(b"\x80\x04garbage, not a pickle")
    state, warning = load(tmp_path, out)
    assert state == State()
    assert warning is not None and "full build" in warning and cache.CACHE_DIR in warning


def test_truncated_cache(tmp_path: Path) -> None:
    out = tmp_path / "public"
    save(tmp_path, out, State(pages={f"p{i}": "x" for i in range(100)}))
    path = cache_file(tmp_path, out)
    path.write_bytes(path.read_bytes()[:-20])
    state, warning = load(tmp_path, out)
    assert state == State() and warning


def test_wrong_object_in_cache(tmp_path: Path) -> None:
    out = tmp_path / "public"
    path = cache_file(tmp_path, out)
    path.parent.mkdir(parents=True)
    with path.open("wb") as f:
        pickle.dump(cache.VERSION, f)
        pickle.dump({"not": "a state"}, f)
    state, warning = load(tmp_path, out)
    assert state == State() and warning


def test_other_version_starts_over_silently(tmp_path: Path) -> None:
    out = tmp_path / "public"
    path = cache_file(tmp_path, out)
    path.parent.mkdir(parents=True)
    with path.open("wb") as f:
        pickle.dump("newsgen 0.0.0 format 0", f)
        pickle.dump(State(pages={"x": "y"}), f)
    assert load(tmp_path, out) == (State(), None)


def test_stamp(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("hello", encoding="utf-8")
    rel, mtime, size = stamp(tmp_path, "a.md")
    assert (rel, size) == ("a.md", 5) and mtime > 0
    assert stamp(tmp_path, "missing.md") == ("missing.md", -1, -1)
