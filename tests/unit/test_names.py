"""incremental.names: the output's files as the build cache holds them, a set made only when used as one. What an
edit of bodies asks (the size, whether the manifest is listed, the names a delta adds and removes, the output less
its manifest) is answered without decoding them; every other use gives what the frozenset would."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from newsgen.fileio import MANIFEST
from newsgen.incremental.names import Names, changed, delta, first_the_manifest, without
from newsgen.output import lists_exactly


def _stored(names: frozenset[str], size: int, decoded: list[int]) -> Names:
    """`names` as a full cache file stores them (the manifest first, `size` a part), each part's decoding noted."""
    ordered = list(first_the_manifest(names))
    parts = [ordered[i : i + size] for i in range(0, len(ordered), size)]

    def load(i: int) -> Callable[[], Any]:
        return lambda: decoded.append(i) or parts[i]

    return Names([load(i) for i in range(len(parts))], len(names))


def test_what_an_edit_asks_is_answered_without_making_the_set() -> None:
    files = frozenset({MANIFEST, *(f"a/{i}/index.html" for i in range(20))})
    decoded: list[int] = []
    outputs = _stored(files, 3, decoded)
    assert len(outputs) == 21 and MANIFEST in outputs and decoded == [0]  # (the first part: the manifest first)
    keep = without(outputs, MANIFEST)
    assert len(keep) == 20 and MANIFEST not in keep and keep <= outputs and lists_exactly(keep, outputs)
    assert delta(outputs, outputs) == ([], []) and decoded == [0]
    assert keep == files - {MANIFEST} and decoded == [0, 1, 2, 3, 4, 5, 6]  # (used as a set: made, once)
    assert "a/3/index.html" in outputs and sorted(outputs) == sorted(files) and decoded == [0, 1, 2, 3, 4, 5, 6]
    assert lists_exactly(files - {MANIFEST}, outputs) and not lists_exactly(keep, files | {"b.html"})


def test_a_deltas_names_are_carried_and_give_the_same_set() -> None:
    rng = random.Random(3)
    files = frozenset({MANIFEST, *(f"s/{i}.html" for i in range(50))})
    decoded: list[int] = []
    read = _stored(files, 7, decoded)
    added, removed = ["s/new.html", "s/other.html"], ["s/4.html", "s/9.html"]
    ours = changed(read, added, removed)
    assert len(ours) == 51 and MANIFEST in ours and delta(ours, read) == (added, removed) and decoded == [0]
    assert ours == (files - set(removed)) | set(added)
    assert delta(ours, read) == (added, removed)  # (made now: compared, the same answer)
    plain = frozenset(rng.sample(sorted(files), 30))
    assert delta(plain, read) == (sorted(plain - files), sorted(files - plain))
    assert changed(plain, ["x"], []) == plain | {"x"} and delta(None, read) == ([], []) and delta(plain, None) == ([], [])
    unmarked = _stored(frozenset({"a.html", "b.html"}), 1, [])
    assert MANIFEST not in unmarked and without(unmarked, MANIFEST) == {"a.html", "b.html"}
    assert len(without(unmarked, MANIFEST)) == 2


def test_set_operations_give_frozensets_and_damage_is_a_value_error() -> None:
    files = frozenset({MANIFEST, "a.html", "b.html"})
    names = _stored(files, 2, [])
    assert names - {"a.html"} == {MANIFEST, "b.html"} and isinstance(names - {"a.html"}, frozenset)
    assert {"c.html"} | names == files | {"c.html"} and names >= {"a.html"} and names <= files | {"z"}
    assert frozenset({"a.html"}) <= names and files == names and names == files
    short = Names([lambda: [MANIFEST, "a.html"]], 3)  # (the head said three)
    with pytest.raises(ValueError):
        short.made()
    with pytest.raises(ValueError):
        list(Names([lambda: {"not": "a list"}], 1))
