"""stampdiff: the stamps packed in slices are `snapshot.pack`'s bytes, and `changed_slices` finds exactly
the paths whose stamps differ between two walks (what comparing every stamp finds), decoding the slices that
differ only. `patched` (newsgen build --changed) makes the bytes packing the changed stamps makes, and
`lookup` finds any path's stamp, each decoding one slice a path."""

from __future__ import annotations

import random

import pytest

from newsgen.incremental import snapshot, stampdiff
from newsgen.incremental.stampdiff import changed_slices, pack_sliced


def _walk(n: int, seed: int = 1) -> dict[str, tuple[int, int]]:
    rng = random.Random(seed)
    stamps: dict[str, tuple[int, int]] = {}
    for i in range(n):
        if i % 50 == 0:
            stamps[f"content/s{i // 50}/"] = (1_700_000_000_000_000_000 + i, 4096)
        stamps[f"content/s{i // 50}/story-{i}-{'é' if i % 7 == 0 else ''}.md"] = (
            1_700_000_000_000_000_000 + rng.randrange(10**12), rng.randrange(1, 10**6))
    return stamps


def _truth(now: dict[str, tuple[int, int]], then: dict[str, tuple[int, int]]) -> set[str]:
    return {rel for rel in now.keys() | then.keys() if now.get(rel) != then.get(rel)}


@pytest.mark.parametrize("n", [0, 1, stampdiff.SLICE - 1, stampdiff.SLICE, 3 * stampdiff.SLICE + 5])
def test_packed_in_slices_is_pack(n: int) -> None:
    stamps = _walk(n)
    packed, slices = pack_sliced(stamps)
    assert packed == snapshot.pack(stamps)
    assert sum(slices) == len(packed) - 2 and len(slices) == -(-len(stamps) // stampdiff.SLICE)


def _changes(now: dict[str, tuple[int, int]], then: dict[str, tuple[int, int]], monkeypatch) -> tuple[set[str], int]:  # type: ignore[no-untyped-def]
    """What changed_slices finds, checked against the last walk's stamps, and how many slices it decoded."""
    decoded: list[bytes] = []
    real = stampdiff._loads
    monkeypatch.setattr(stampdiff, "_loads", lambda pairs: decoded.append(pairs) or real(pairs))
    found = changed_slices(*pack_sliced(now), *pack_sliced(then))
    assert found is not None
    old, new, touched = found
    assert all(then[rel] == st for rel, st in old.items()) and all(now[rel] == st for rel, st in new.items())
    assert {rel for rel in touched if rel in now} <= new.keys()
    assert {rel for rel in touched if rel in then} <= old.keys()  # (`_edited` looks them up there)
    return set(touched), len(decoded) // 2


def test_one_edit_decodes_one_slice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    then = _walk(5 * stampdiff.SLICE)
    now = dict(then)
    rel = list(now)[3 * stampdiff.SLICE + 17]
    now[rel] = (now[rel][0] + 1, now[rel][1] + 300)  # (another size: the same length in bytes)
    assert _changes(now, then, monkeypatch) == ({rel}, 1)


@pytest.mark.parametrize("change", ["nothing", "many edits", "one added", "one removed", "renamed", "reordered",
                                    "another size of number", "all new"])
def test_what_differs_is_what_comparing_every_stamp_finds(change: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    then = _walk(3 * stampdiff.SLICE + 100)
    items = list(then.items())
    rng = random.Random(change)
    if change == "many edits":
        for k in rng.sample(range(len(items)), 40):
            items[k] = (items[k][0], (items[k][1][0] + 5, items[k][1][1]))
    elif change == "one added":
        items.insert(stampdiff.SLICE + 808, ("content/new-one.md", (1, 2)))
    elif change == "one removed":
        del items[100]
    elif change == "renamed":  # (a name of the same length: the slices' lengths stay the same)
        k = 2 * stampdiff.SLICE + 450
        items[k] = (items[k][0].replace("story", "stori"), items[k][1])
    elif change == "reordered":  # (a folder listed in another order by the file system)
        items[stampdiff.SLICE - 192 : stampdiff.SLICE + 108] = list(reversed(items[stampdiff.SLICE - 192 : stampdiff.SLICE + 108]))
    elif change == "another size of number":
        items[5] = (items[5][0], (items[5][1][0], 2**40))
    elif change == "all new":
        items = list(_walk(3 * stampdiff.SLICE + 100, seed=2).items())
    now = dict(items)
    touched, _ = _changes(now, then, monkeypatch)
    assert touched == _truth(now, then)


def test_unknown_or_inconsistent_slices_mean_every_stamp(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    now, then = pack_sliced(_walk(100)), pack_sliced(_walk(100, seed=3))
    assert changed_slices(now[0], None, *then) is None
    assert changed_slices(*now, then[0], None) is None
    assert changed_slices(now[0], [now[1][0] + 1], *then) is None  # (lengths that do not add up: damage)
    assert changed_slices(b"", [], *then) is None


@pytest.mark.parametrize("change", ["one edit", "edits in several slices", "a number of another size",
                                    "removed", "the first and the last", "unchanged"])
def test_patched_is_what_packing_the_changed_stamps_makes(change: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    then = _walk(3 * stampdiff.SLICE + 100)
    names = list(then)
    rng = random.Random(change)
    changed: dict[str, tuple[int, int] | None] = {}
    if change == "one edit":
        changed[names[2 * stampdiff.SLICE + 3]] = (then[names[2 * stampdiff.SLICE + 3]][0] + 1, 77)
    elif change == "edits in several slices":
        for rel in rng.sample(names, 30):
            changed[rel] = (then[rel][0] + 10**9, then[rel][1] + 1)
    elif change == "a number of another size":  # (marshal writes it in more bytes: its slice grows)
        changed[names[40]] = (then[names[40]][0], 2**62)
    elif change == "removed":
        changed[names[stampdiff.SLICE + 1]] = None
        changed[names[7]] = None
    elif change == "the first and the last":
        changed[names[0]] = (1, 1)
        changed[names[-1]] = (2, 2)
    else:
        changed[names[5]] = then[names[5]]
    now = {rel: changed.get(rel, st) for rel, st in then.items() if changed.get(rel, st) is not None}
    decoded: list[bytes] = []
    real = stampdiff._loads
    monkeypatch.setattr(stampdiff, "_loads", lambda pairs: decoded.append(pairs) or real(pairs))
    packed, slices = stampdiff.patched(*pack_sliced(then), changed)  # type: ignore[misc]
    assert packed == snapshot.pack(now)  # (what the no-change check compares with a walk's)
    assert sum(slices) == len(packed) - 2
    assert len(decoded) == len(changed)  # (one slice each, never all of them)
    # what changed_slices then finds between the two
    found = changed_slices(packed, slices, *pack_sliced(then))
    assert found is not None and set(found[2]) == _truth(now, then)


def test_patched_cannot_add_a_path_and_lookup_finds_any() -> None:
    stamps = _walk(2 * stampdiff.SLICE + 10)
    packed, slices = pack_sliced(stamps)
    assert stampdiff.patched(packed, slices, {"content/s1/new.md": (1, 2)}) is None  # (a walk puts it elsewhere)
    assert stampdiff.patched(packed, slices, {"content/s1/": None, "content/s1": (1, 2)}) is None
    for rel in [*list(stamps)[:3], *random.Random(4).sample(list(stamps), 20), list(stamps)[-1]]:
        assert stampdiff.lookup(packed, slices, rel) == stamps[rel]
    # a name that is the end of another's, or its start: only a whole key matches
    assert stampdiff.lookup(packed, slices, "s1/story-50-.md") is None
    assert stampdiff.lookup(packed, slices, "content/s1/story-50") is None
    assert stampdiff.lookup(packed, slices, "content/s1/story-51-.md") == stamps["content/s1/story-51-.md"]
    odd = {"content/\udcff-bytes.md": (1, 2), "content/x.md": (3, 4)}  # (a name that is not UTF-8: surrogates)
    assert stampdiff.lookup(*pack_sliced(odd), "content/\udcff-bytes.md") == (1, 2)


def _inserted(stamps: dict[str, tuple[int, int]], at: int, rel: str) -> dict[str, tuple[int, int]]:
    items = list(stamps.items())
    return dict([*items[:at], (rel, (1_800_000_000_000_000_000, 12)), *items[at:]])


@pytest.mark.parametrize("at", [0, 5, stampdiff.SLICE - 1, stampdiff.SLICE, 2 * stampdiff.SLICE + 40])
def test_first_added_names_the_new_file_from_one_slice(at: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file added (a story just filed): named from the first slice that differs, not every later one."""
    then = _walk(3 * stampdiff.SLICE + 100)
    now = _inserted(then, at, "content/s1/just-filed.md")
    decoded: list[bytes] = []
    real = stampdiff._loads
    monkeypatch.setattr(stampdiff, "_loads", lambda pairs: decoded.append(pairs) or real(pairs))
    assert stampdiff.first_added(*pack_sliced(now), *pack_sliced(then)) == "content/s1/just-filed.md"
    assert len(decoded) <= 2  # (its slice in each walk; the look-up in the last walk finds no such key)


def test_first_added_is_none_for_edits_removals_and_unknown_slices() -> None:
    then = _walk(2 * stampdiff.SLICE + 10)
    names = list(then)
    edited = {**then, names[30]: (then[names[30]][0] + 1, 5)}
    removed = {rel: st for rel, st in then.items() if rel != names[stampdiff.SLICE + 3]}
    for now in (then, edited, removed):
        assert stampdiff.first_added(*pack_sliced(now), *pack_sliced(then)) is None
    # an edit before the new file: the first slice that differs shows the edit, so no file is named
    both = _inserted(edited, 2 * stampdiff.SLICE, "content/s9/late.md")
    assert stampdiff.first_added(*pack_sliced(both), *pack_sliced(then)) is None
    assert stampdiff.first_added(pack_sliced(then)[0], None, *pack_sliced(then)) is None
    # a path moved within the walk (removed and added elsewhere) is not a new file
    moved = _inserted(removed, 2, names[stampdiff.SLICE + 3])
    assert stampdiff.first_added(*pack_sliced(moved), *pack_sliced(then)) is None
