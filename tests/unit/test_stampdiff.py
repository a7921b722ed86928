"""stampdiff: the stamps packed in slices are `snapshot.pack`'s bytes, and `changed_slices` finds exactly
the paths whose stamps differ between two walks (what comparing every stamp finds), decoding the slices that
differ only."""

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
    old, touched = found
    assert all(then[rel] == st for rel, st in old.items())
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
        items.insert(9000, ("content/new-one.md", (1, 2)))
    elif change == "one removed":
        del items[100]
    elif change == "renamed":  # (a name of the same length: the slices' lengths stay the same)
        items[20000] = (items[20000][0].replace("story", "stori"), items[20000][1])
    elif change == "reordered":  # (a folder listed in another order by the file system)
        items[8000:8300] = list(reversed(items[8000:8300]))
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
