"""keyed.py: the cache's parsed entries and page fingerprints read by key, a part at a time, and saved
from the keys a build changed; the same answers as the dicts they stand for."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsgen.build import BuildOptions, build
from newsgen.incremental import cache, keyed, records
from newsgen.incremental.cache import cache_file, delta_file, load
from newsgen.incremental.state import Fingerprint


def _parts(d: dict[str, Any], n: int, decoded: list[int] | None = None, where: Any = keyed.part_of) -> keyed.Parts:
    split = keyed.split(d, n, where)

    def loader(i: int) -> keyed.Load:
        def load() -> dict[str, Any]:
            if decoded is not None:
                decoded.append(i)
            return {k: d[k] for k in split[i]}
        return load

    return keyed.Parts([loader(i) for i in range(len(split))], len(d), where=where)


def _keys(rng: random.Random) -> list[str]:
    odd = ["content/é.md", "content/\udcff.md", "", "a/b/", "x" * 300, "feed.xml", "politics/index.html", "a/index.html"]  # (non-ASCII, a lone surrogate from a file name)
    return list(dict.fromkeys(odd + [f"content/s{rng.randrange(1000)}/{rng.random()}.md" for _ in range(rng.randrange(60))]))


@pytest.mark.parametrize("seed", range(40))
def test_parts_and_overlays_answer_as_the_dicts_they_stand_for(seed: int) -> None:
    rng = random.Random(seed)
    keys = _keys(rng)
    d = {k: (i, k) for i, k in enumerate(keys)}
    n = rng.choice([0, 1, 2, 3, 7]) if d else 0
    n = max(n, 1) if d else 0
    parts = _parts(d, n, where=rng.choice([keyed.part_of, keyed.page_part]))
    assert len(parts) == len(d) and dict(parts.items()) == d and parts == d
    for k in [*keys, "missing", "content/s1/x.md"]:
        assert (k in parts) == (k in d) and parts.get(k) == d.get(k)
    changed = {k: ("new", k) for k in rng.sample(keys, min(len(keys), 5))} | {"added.md": ("added",)}
    removed = frozenset(rng.sample(keys, min(len(keys), 4))) | {"never there.md"}
    overlay = keyed.Overlay(parts, changed, removed)
    expected = {k: v for k, v in {**d, **changed}.items() if k not in removed or k in changed}
    assert len(overlay) == len(expected) and dict(overlay.items()) == expected and overlay == expected
    assert keyed.whole(overlay) == expected and keyed.whole(parts) == d
    for k in [*keys, "added.md", "never there.md"]:
        assert (k in overlay) == (k in expected) and overlay.get(k) == expected.get(k)
    more = {keys[0]: "again"} if keys else {}
    again = keyed.over(overlay, more)
    assert isinstance(again, keyed.Overlay) and again.base is parts and dict(again.items()) == {**expected, **more}
    # what a delta needs: from the overlay's own keys, the same as comparing every key
    upd, gone = keyed.changes(again, parts)  # type: ignore[misc]
    every = {k: v for k, v in again.items() if d.get(k, object()) != v}
    assert upd == every and sorted(gone) == sorted(k for k in d if k not in again)
    assert keyed.differ(again, overlay) == (dict(again.items()) != dict(overlay.items()))
    assert keyed.differ(again, keyed.over(again, {})) is False
    assert keyed.differ(parts, dict(parts.items())) is False


def test_a_key_is_looked_up_in_its_own_part_only() -> None:
    d = {f"content/{i}.md": i for i in range(500)}
    decoded: list[int] = []
    parts = _parts(d, 31, decoded)
    assert parts["content/7.md"] == 7 and "content/9.md" in parts and parts.get("content/nope.md") is None
    assert 1 <= len(decoded) <= 3 and len(set(decoded)) == len(decoded)  # each part decoded once
    assert parts["content/7.md"] == 7 and len(decoded) <= 3
    assert parts.whole() == d and sorted(decoded) == list(range(31))


def test_a_mapping_of_no_parts_holds_nothing() -> None:
    for where in (keyed.part_of, keyed.page_part, records.InOrder([])):
        empty = keyed.Parts([], 0, where=where)
        assert empty.get("x") is None and "x" not in empty and list(empty) == [] and empty.whole() == {}
        assert dict(keyed.Overlay(keyed.Parts([], 0, where=where), {"a": 1}).items()) == {"a": 1}


def test_a_part_that_is_not_a_mapping_is_damage() -> None:
    parts = keyed.Parts([lambda: ["not", "a", "dict"]], 3)
    with pytest.raises(ValueError):
        parts.get("x")
    short = keyed.Parts([lambda: {"a": 1}], 2)  # (the head says two entries)
    with pytest.raises(ValueError):
        short.whole()


def _site(make_site: Any) -> Path:
    art = make_site.article
    files = {f"content/politics/2025/p{i}.md": art(f"Council story {i}", date=f"2025-{i // 28 + 3:02d}-{i % 28 + 1:02d} 09:00",
                                                   tags=["council", f"t{i % 3}"]) for i in range(80)}
    return make_site(files)


def test_a_body_edit_decodes_a_few_parts_and_saves_a_delta_of_its_keys(make_site: Any, tmp_path: Path,
                                                                        monkeypatch: Any) -> None:
    """A site whose cache is in many parts (2 entries each, as a million articles' are in parts of
    16,384): an edit of one body reads the parts of the entries and pages it needs, not the others, and
    saves a delta with that article's entry and the pages it changed; read back whole, the state is the
    one a build that decoded everything would have saved."""
    monkeypatch.setattr(records, "RECORD_ENTRIES", 2)
    root, out = _site(make_site), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    assert not delta_file(root, out).exists()
    path = root / "content/politics/2025/p5.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA line the desk added.\n", encoding="utf-8")
    decoded = []
    real = cache._Record.__call__

    def counted(self: Any) -> object:
        found = real(self)
        decoded.append(found)
        return found

    monkeypatch.setattr(cache._Record, "__call__", counted)
    result = build(root, BuildOptions(out=out, jobs=1))
    monkeypatch.setattr(cache._Record, "__call__", real)
    assert "parse" not in {name for name, _ in result.stages}  # (the body-edit path)
    assert result.rendered >= 1 and delta_file(root, out).exists()
    found = cache._read(cache_file(root, out))
    assert found is not None
    head = found[1]()
    n_parsed, n_pages = head[4], head[5]  # type: ignore[index]
    assert n_parsed == 40 and n_pages > 60
    parts = [r for r in decoded if isinstance(r, dict) and r and all(isinstance(v, tuple) and len(v) == 5 for v in r.values())]
    entries = [r for r in parts if all(k.startswith("content/") for k in r)]
    pages = [r for r in parts if r not in entries]
    # (the edited one and what its page and the feeds show: its neighbours, related stories, feed items)
    assert 1 <= len(entries) < n_parsed * 3 // 4, len(entries)
    assert 1 <= len(pages) <= 2, len(pages)  # (its page's, and the first: every feed's)
    outputs = [r for r in decoded if isinstance(r, list) and r and all(isinstance(name, str) for name in r)]
    assert outputs == [outputs[0]] and outputs[0][0] == ".newsgen-output"  # (the output's files: the first part)
    lazily, _ = load(root, out)
    assert lazily.outputs == theirs_outputs(root, out)
    delta = [r() for r in cache._read(delta_file(root, out))]  # type: ignore[union-attr]
    assert set(delta[0][4]) == {"content/politics/2025/p5.md"}  # (the parsed entries it carries)
    assert "politics/council-story-5/index.html" in delta[0][6] and len(delta[0][6]) <= 8  # (the pages)
    # the same as a cache-less build's state, read back whole
    fresh = tmp_path / "fresh"
    build(root, BuildOptions(out=fresh, jobs=1))
    theirs, _ = load(root, fresh)
    assert lazily.parsed.keys() == theirs.parsed.keys()
    assert all(lazily.parsed[k].article == theirs.parsed[k].article for k in theirs.parsed)
    assert dict(lazily.pages) == dict(theirs.pages)


def theirs_outputs(root: Path, out: Path) -> set[str]:
    """Every file in `out` (and the manifest, as the state lists it)."""
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("seed", range(30))
def test_stamps_compared_pairwise_find_what_a_lookup_of_each_finds(seed: int) -> None:
    """bodyedit._changed: two walks of the same files (the same order) compared pairwise in C; any other
    pair of stamps (a file added, removed, or listed in another order) the old way. The same answer."""
    from newsgen.incremental.bodyedit import _changed

    rng = random.Random(seed)
    then = {f"content/{i}.md": (rng.randrange(5), rng.randrange(3)) for i in range(rng.randrange(1, 200))}
    now = {k: (v if rng.random() < 0.9 else (v[0] + 1, v[1])) for k, v in then.items()}
    kind = seed % 4
    if kind == 1:  # another order
        items = list(now.items())
        rng.shuffle(items)
        now = dict(items)
    elif kind == 2:  # a file added and one removed
        now.pop(next(iter(now)))
        now["content/new.md"] = (1, 1)
    elif kind == 3:  # a file added at the end: the same length no more
        now["content/z.md"] = (0, 0)
    expected = [rel for rel, st in now.items() if then.get(rel, st) != st]
    assert sorted(_changed(now, then)) == sorted(expected)


def test_the_snapshot_keeps_the_last_builds_sorted_names_when_the_files_are_the_same() -> None:
    from newsgen.incremental import snapshot

    last = snapshot.Snapshot("k", {}, 0.0, ["a/index.html", "b.xml", "c/d.html"], 3, 3)
    same = frozenset(last.outputs)
    assert snapshot.names(same, last) is last.outputs
    assert snapshot.names(same | {"e.html"}, last) == [*last.outputs, "e.html"]
    assert snapshot.names(frozenset({"a/index.html", "b.xml", "x.html"}), last) == ["a/index.html", "b.xml", "x.html"]
    assert snapshot.names(same, None) == last.outputs


def _records_at(path: Path) -> list[tuple[int, int]]:
    raw = path.read_bytes()
    at, found = len(cache._MAGIC), []
    while at < len(raw):
        n = int.from_bytes(raw[at : at + cache._LENGTH], "big")
        at += cache._LENGTH + cache._SUM
        found.append((at, n))
        at += n
    return found


@pytest.mark.parametrize("small_parts", [False, True])
@pytest.mark.parametrize("where", ["an entry part", "a page part"])
@pytest.mark.parametrize("then", ["a body edit", "the snapshot lost, then builds and an edit"])
def test_a_part_found_damaged_late_is_a_warning_and_a_full_build(make_site: Any, tmp_path: Path, monkeypatch: Any,
                                                                  small_parts: bool, where: str, then: str) -> None:
    """A part of the cache is decoded only when a key in it is asked for: damage in one that the short
    way meets is the whole way, which reads every part and says so (warning, full build); damage met
    while a delta is made (the snapshot lost: the pages start over, the file's were never read) is a
    cache not saved, with a warning, never a traceback; and the output is what a build without a cache
    makes, every time."""
    from tests.e2e.newsroom import assert_same, output_of

    from newsgen.incremental import snapshot

    if small_parts:
        monkeypatch.setattr(records, "RECORD_ENTRIES", 2)
    root, out = _site(make_site), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    path = cache_file(root, out)
    head = cache._read(path)[1]()  # type: ignore[index]
    n_parsed, n_pages = head[4], head[5]  # type: ignore[index]
    spans = _records_at(path)
    pages = spans[len(spans) - n_pages :]
    entries = spans[len(spans) - n_pages - n_parsed : len(spans) - n_pages]
    at, n = (entries if where == "an entry part" else pages)[0 if not small_parts else 1]
    data = bytearray(path.read_bytes())
    data[at + n // 2] ^= 0x55
    path.write_bytes(bytes(data))

    def edit(i: int) -> None:
        file = root / f"content/politics/2025/p{i}.md"
        file.write_text(file.read_text(encoding="utf-8") + f"\nA line added {i}.\n", encoding="utf-8")

    def check() -> list[str]:
        result = build(root, BuildOptions(out=out, jobs=1))
        reference = tmp_path / f"reference-{len(list(tmp_path.iterdir()))}"
        build(root, BuildOptions(out=reference, jobs=1))
        assert_same(output_of(out), output_of(reference))
        return result.warnings

    if then == "a body edit":
        edit(5)
        warnings = check()
        assert all("full build" in w for w in warnings), warnings
        assert warnings or small_parts  # (in parts of two, the edit may not need the damaged one: then it is not read)
        headline = root / "content/politics/2025/p9.md"  # the whole way: every part read
        headline.write_text(headline.read_text(encoding="utf-8").replace("Council story 9", "Council story nine"),
                            encoding="utf-8")
        warnings += check()
        assert len(warnings) == 1 and "full build" in warnings[0], warnings
    else:
        Path(snapshot.file_for(root, out)).unlink()
        check()
        check()
        edit(7)
        check()
    assert load(root, out)[1] is None  # (the cache saved again is sound)


@pytest.mark.parametrize("beside", [False, True])
def test_an_edit_saved_by_renaming_asks_the_heads_folders_not_every_entry(make_site: Any, png: Any, tmp_path: Path,
                                                                         monkeypatch: Any, beside: bool) -> None:
    """An editor that saves by renaming a temporary file over the article changes its folder's stamp.
    Whether an article depends on that folder (a bundle's, or one naming a file beside it) is read from
    the file's head (`records._folders`), not from every entry: the short way then decodes a few parts.
    With an article that names an image beside it in that folder, the build takes the whole way, as it
    must (a new image there may change that article); the output is a cache-less build's either way."""
    from tests.e2e.newsroom import assert_same, output_of

    monkeypatch.setattr(records, "RECORD_ENTRIES", 2)
    art = make_site.article
    files: dict[str, str | bytes] = {
        f"content/politics/2025/p{i}.md": art(f"Council story {i}", date=f"2025-{i // 28 + 3:02d}-{i % 28 + 1:02d} 09:00")
        for i in range(60)}
    files["content/sports/2025/race/index.md"] = art("A race in a bundle", section="Sports", date="2025-01-05 08:00",
                                                     body="Lead.\n\n![The finish](finish.png)\n")
    files["content/sports/2025/race/finish.png"] = png(20, 10)
    if beside:
        files["content/politics/2025/map.png"] = png(12, 8)
        files["content/politics/2025/p3.md"] = art("Council story 3", date="2025-03-04 09:00",
                                                   body="Lead.\n\n![A map](map.png)\n")
    root, out = make_site(files), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    head = cache._read(cache_file(root, out))[1]()  # type: ignore[index]
    expected = ["content/politics/2025", "content/sports/2025/race"] if beside else ["content/sports/2025/race"]
    assert list(head[13]) == expected  # type: ignore[index]
    path = root / "content/politics/2025/p40.md"
    tmp = path.with_name(".p40.md.tmp")
    tmp.write_text(path.read_text(encoding="utf-8") + "\nSaved by renaming.\n", encoding="utf-8")
    os.replace(tmp, path)
    decoded: list[object] = []
    real = cache._Record.__call__
    monkeypatch.setattr(cache._Record, "__call__", lambda self: decoded.append(found := real(self)) or found)
    result = build(root, BuildOptions(out=out, jobs=1))
    monkeypatch.setattr(cache._Record, "__call__", real)
    short = "parse" not in {name for name, _ in result.stages}
    assert short is not beside
    if short:
        entries = [r for r in decoded if isinstance(r, dict) and r and all(str(k).startswith("content/") for k in r)
                   and all(isinstance(v, tuple) and len(v) == 5 for v in r.values())]
        assert len(entries) < head[4] * 3 // 4, (len(entries), head[4])  # type: ignore[index]
    reference = tmp_path / "reference"
    build(root, BuildOptions(out=reference, jobs=1))
    assert_same(output_of(out), output_of(reference))


def test_in_order_places_each_key_in_its_part_whatever_is_asked_first() -> None:
    """InOrder places only the part that holds a key asked for (a story in the middle of a million: one part,
    not every newer one), then, past a bound of misses, every part: every answer is the one a map of every key
    gives, in any order of look-ups, with `outside` in between."""
    rng = random.Random(7)
    parts = [tuple(f"content/{p}/{i}.md" for i in range(rng.randrange(1, 40))) for p in range(9)]
    truth = {key: i for i, part in enumerate(parts) for key in part}
    others = [f"drafts/{n}.md" for n in range(30)]
    middle = records.InOrder(parts)
    assert middle(parts[5][0], len(parts)) == 5 and set(middle._at) == set(parts[5])  # (its part alone placed)
    for _ in range(20):
        asked = rng.sample([*truth, *others], 60)
        where = records.InOrder(parts)
        for n, key in enumerate(asked):
            if n == 30:
                assert where.outside([*others, *truth]) == len(others)
            for total in (len(parts), len(parts) + 4):
                expected = truth[key] if key in truth else (
                    len(parts) + keyed.part_of(key, total - len(parts)) if total > len(parts) else -1)
                assert where(key, total) == expected, key


@pytest.mark.parametrize("seed", range(20))
def test_compared_part_by_part_finds_what_comparing_every_key_finds(seed: int) -> None:
    """`keyed.compared`: a build that started its page fingerprints over compares them with the file's part by
    part, each part decoded once and let go of (it is the file's last use); the same answer as every key
    compared; None for anything but parts not yet decoded whole."""
    rng = random.Random(seed)
    keys = _keys(rng)
    d = {k: (i, k) for i, k in enumerate(keys)}
    n = rng.choice([1, 2, 3, 7])
    decoded: list[int] = []
    where = rng.choice([keyed.part_of, keyed.page_part])
    parts = _parts(d, n, decoded, where=where)
    now = {k: v for k, v in d.items() if rng.random() < 0.8}
    now.update({k: ("new", k) for k in rng.sample(list(now), min(len(now), 3))} | {"added.md": ("added",)})
    found = keyed.compared(now, parts)
    assert found is not None
    upd, gone = found
    assert upd == {k: v for k, v in now.items() if d.get(k, object()) != v}
    assert sorted(gone) == sorted(k for k in d if k not in now)
    assert sorted(decoded) == list(range(n))  # each part once
    with pytest.raises(ValueError):  # and let go of
        for k in keys:
            parts.get(k)
    assert keyed.compared(now, d) is None
    whole = _parts(d, n, where=where)
    whole.whole()
    assert keyed.compared(now, whole) is None
    assert keyed.compared({"a": 1}, keyed.Parts([], 0)) == ({"a": 1}, [])


def test_an_emptied_output_folder_decodes_no_page_fingerprint_before_the_save(make_site: Any, tmp_path: Path,
                                                                              monkeypatch: Any) -> None:
    """A CI runner that restored the cache but not the output: every page is rendered, so the last build's page
    fingerprints are not decoded while the build runs (at a million articles, ~0.35 GB held all build long);
    the save compares them part by part. The entries' packed copies and the stored tuples are let go of once
    decoded. The output and the state saved are a cache-less build's."""
    import shutil

    from tests.e2e.newsroom import output_of

    from newsgen.incremental import codec

    monkeypatch.setattr(records, "RECORD_ENTRIES", 4)
    root, out = _site(make_site), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    shutil.rmtree(out)
    out.mkdir()
    made: list[str] = []
    real_make = keyed.Parts.part
    seen: dict[str, Any] = {}

    def part(self: keyed.Parts, i: int) -> dict[str, Any]:
        found = real_make(self, i)
        if found and all(isinstance(v, Fingerprint) for v in found.values()):
            made.append(f"{id(self)}:{i}:{'saving' if seen.get('saving') else 'building'}")
        return found

    real_encode = codec.encode_delta

    def encode(state: Any) -> Any:
        seen["saving"] = True
        seen["packed"] = [e.packed for e in state.parsed.values()]
        seen["stored"] = set(state.base.parsed.values())
        return real_encode(state)

    monkeypatch.setattr(keyed.Parts, "part", part)
    monkeypatch.setattr(codec, "encode_delta", encode)
    result = build(root, BuildOptions(out=out, jobs=1))
    monkeypatch.undo()
    assert result.rendered == result.pages and result.unchanged == 0
    assert made and all(m.endswith(":saving") for m in made) and len(made) == len(set(made))  # each part once, then
    assert delta_file(root, out).exists()
    assert seen["stored"] == {None} and set(seen["packed"]) == {None}  # (the entries the build kept)
    mine, warning = load(root, out)
    assert warning is None
    fresh = tmp_path / "fresh"
    shutil.rmtree(root / cache.CACHE_DIR)
    build(root, BuildOptions(out=fresh, jobs=1))
    assert output_of(out) == output_of(fresh)
    theirs, _ = load(root, fresh)
    assert mine.parsed.keys() == theirs.parsed.keys()
    assert all(mine.parsed[k].article == theirs.parsed[k].article for k in theirs.parsed)
    assert dict(mine.pages) == dict(theirs.pages) and mine.outputs == theirs.outputs


def test_a_damaged_fingerprint_part_met_with_an_empty_output_leaves_a_whole_cache(make_site: Any,
                                                                                  tmp_path: Path,
                                                                                  monkeypatch: Any) -> None:
    """The last build's page fingerprints are not decoded when the output is empty, so a damaged part of them
    is found only when the new ones are compared at the save: the build then writes a full cache file
    (which holds every fingerprint) instead of throwing the cache away, and the build after it renders
    nothing."""
    import shutil

    from tests.e2e.newsroom import output_of

    monkeypatch.setattr(records, "RECORD_ENTRIES", 4)
    root, out = _site(make_site), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    path = cache_file(root, out)
    found = cache._read(path)
    assert found is not None
    n_pages = found[1]()[5]  # type: ignore[index]
    last = found[-n_pages]  # (a part of the page fingerprints)
    at, size = last._at, len(last._data)  # type: ignore[arg-type]
    del found, last
    data = bytearray(path.read_bytes())
    data[at + size // 2] ^= 0xFF
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(data))
    os.replace(tmp, path)
    shutil.rmtree(out)
    result = build(root, BuildOptions(out=out, jobs=1))
    assert result.rendered == result.pages
    assert not [w for w in result.warnings if "cannot save" in w], result.warnings
    assert not delta_file(root, out).exists()  # (a full file)
    again = build(root, BuildOptions(out=out, jobs=1))
    assert again.rendered == 0 and again.unchanged == again.pages
    fresh = tmp_path / "fresh"
    build(root, BuildOptions(out=fresh, jobs=1))
    assert output_of(out) == output_of(fresh)


def test_a_later_sequence_that_fails_to_be_made_fails_again() -> None:
    """A listing record found damaged when first used is not taken for no listings the next time."""
    from newsgen.incremental.later import Later

    calls: list[int] = []

    def make() -> tuple[int, ...]:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("damaged")
        return (1, 2)

    later = Later(make)
    with pytest.raises(ValueError, match="damaged"):
        later.made()
    assert list(later) == [1, 2] and later == (1, 2) and len(calls) == 2
    assert later.then(lambda seq: tuple(x * 10 for x in seq)) == (10, 20)


def test_merged_reads_parts_as_one_and_damage_makes_it_differ() -> None:
    from newsgen.incremental.keyed import Merged, differ, unchanged

    def damaged() -> dict[str, int]:
        raise ValueError("damaged")

    merged = Merged([lambda: {"a": 1}, lambda: {"b": 2}])
    assert merged["b"] == 2 and "a" in merged and "c" not in merged and merged.get("c") is None
    assert dict(merged) == {"a": 1, "b": 2} and merged == {"a": 1, "b": 2} and len(merged) == 2
    kept = Merged([{"a": 1}])
    assert unchanged(kept) is kept and not differ(kept, kept) and differ({"a": 2}, kept)
    assert not differ({"a": 1}, kept)
    plain = {"x": 1}
    assert unchanged(plain) == plain and unchanged(plain) is not plain
    assert differ({}, Merged([damaged]))  # (the state started over: not the same, never a traceback)


def test_merged_in_key_order_decodes_only_the_part_a_key_can_be_in() -> None:
    """The site model's related lists and neighbours, stored by article index with each part's least key:
    an edit's look-up decodes one part; a key in no part, or of another kind, decodes none."""
    from newsgen.incremental.keyed import Merged

    decoded: list[int] = []

    def part(i: int) -> Callable[[], dict[int, str]]:
        return lambda: decoded.append(i) or {k: f"v{k}" for k in range(10 * i, 10 * i + 10) if k != 25}

    merged = Merged([part(i) for i in range(4)], firsts=(0, 10, 20, 30))
    assert merged[23] == "v23" and decoded == [2]
    assert merged.get(25) is None and 25 not in merged and decoded == [2]  # (its part, already decoded: not in it)
    assert merged.get(-1) is None and "23" not in merged and decoded == [2]  # (before every part; another kind)
    assert merged[39] == "v39" and merged.get(40) is None and decoded == [2, 3]
    assert len(merged) == 39 and merged[5] == "v5" and decoded == [2, 3, 0, 1]  # (counted: every part, once)
    assert list(Merged([{1: "a"}, {2: "b"}], firsts=(1,))) == [1, 2]  # (firsts that do not fit: looked up in turn)


def test_the_last_deltas_changes_carried_as_read_are_not_looked_up_again() -> None:
    """A delta saved after a delta: the changes it read and carried on (the very objects) are still changes
    against the same full file, so their parts are not decoded to compare them; a value made again is
    compared; only the removals, when that is all that is asked."""
    decoded: list[int] = []

    def part(i: int) -> Callable[[], dict[str, tuple[int]]]:
        return lambda: decoded.append(i) or {f"k{j}": (j,) for j in range(i, 40, 4)}

    base = keyed.Parts([part(i) for i in range(4)], 40, where=lambda key, n: int(key[1:]) % n)
    read = {"k1": (100,), "k2": (200,), "new": (7,)}  # (as the last delta had them)
    mapping = keyed.Overlay(base, {**read, "k3": (3,)}, frozenset({"k4"}))
    assert keyed.changes(mapping, base, read) == ({**read}, ["k4"]) and decoded == [3, 0]  # (k3 compared: same)
    decoded.clear()
    again = keyed.Overlay(base, {**read, "k1": (1,)})  # (k1 made again, as the file has it: no change)
    assert keyed.changes(again, base, read) == ({"k2": (200,), "new": (7,)}, []) and decoded == [1]
    assert keyed.changes(mapping, base, values=False) == ({}, ["k4"])
