"""records.py: a full cache file in bounded parts (a part of a million articles' state made the build's
largest process ~0.3 GB larger while it was marshalled), read back as the same state."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pytest

from newsgen.build import BuildOptions, build
from newsgen.incremental import cache, keyed, records
from newsgen.incremental.cache import cache_file, load
from newsgen.incremental.state import State


def _site(make_site: Any) -> Path:
    art = make_site.article
    files = {f"content/politics/2025/p{i}.md": art(f"Council story {i}", date=f"2025-03-{i + 1:02d} 09:00",
                                                   tags=["council", f"t{i % 3}"]) for i in range(9)}
    files |= {f"content/sports/2025/s{i}.md": art(f"Race {i}", section="Sports", date=f"2025-03-{i + 1:02d} 10:00",
                                                  tags=["council"], author=f"Writer {i % 2}") for i in range(5)}
    return make_site(files)


def _decoded(root: Path, out: Path) -> list[object]:
    found = cache._read(cache_file(root, out))
    assert found is not None
    return [record() for record in found]


def _full(root: Path, out: Path, state: State) -> None:
    state.base = None  # (else a delta: only what changed)
    assert cache.save(root, out, cache.encode(root, out, state)) is None


def test_a_site_in_small_parts_reads_back_the_same(make_site: Any, tmp_path: Path, monkeypatch: Any) -> None:
    root, out = _site(make_site), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    state, warning = load(root, out)
    assert warning is None and state.site is not None and len(state.related) == 14
    state.related["content/elsewhere.md"] = ("k", ("content/politics/2025/p1.md",))  # a memo entry outside the order
    _full(root, out, state)
    whole = _decoded(root, out)
    monkeypatch.setattr(records, "RECORD_ENTRIES", 3)
    monkeypatch.setattr(records, "PAGES_A_PART", 2)
    monkeypatch.setattr(records, "SECTION_ITEMS", 6)
    _full(root, out, state)
    parts = _decoded(root, out)
    assert len(parts) > len(whole) + 15
    back, warning = load(root, out)
    assert warning is None and back == state
    assert back.site == state.site and back.related == state.related and back.outputs == state.outputs
    head = parts[1]
    assert isinstance(head, tuple) and head[7] == 5  # (14 stories: the order in parts of 3)
    n_parsed, n_pages = head[4], head[5]
    keyed_parts = parts[len(parts) - n_parsed - n_pages:]  # the parsed entries and the pages: each key in its part
    assert n_parsed == 5 and n_pages == -(-len(state.pages) // 3)
    order = parts[2 + head[6][0] : 2 + head[6][0] + head[7]]  # (the order's parts, then their memo's: records of their own)
    memo = parts[2 + head[6][0] + head[7] : 2 + head[6][0] + 2 * head[7]]
    assert all(set(m) <= set(o) for o, m in zip(order, memo, strict=True))  # (each part's memo: its stories')
    for i, part in enumerate(keyed_parts[:n_parsed]):  # each story in its place in the order, the others after
        assert all((i < len(order) and key in order[i]) or (i >= len(order) and not any(key in o for o in order))
                   for key in part)
    for i, part in enumerate(keyed_parts[n_parsed:]):
        assert all(keyed.page_part(key, n_pages) == i for key in part)
    small = 0
    for record in parts[2 : len(parts) - n_parsed - n_pages]:  # every part bounded: at most 3 names or lists
        if isinstance(record, tuple) and len(record) == 9:  # the model's small fields, how many parts of each kind
            related, prev_next = parts[-n_parsed - n_pages - record[5] - record[6] : -n_parsed - n_pages - record[6]], (
                parts[-n_parsed - n_pages - record[6] : -n_parsed - n_pages])
            for dicts, firsts in ((related, record[7]), (prev_next, record[8])):  # by index, each part's least known
                assert [min(d) for d in dicts] == list(firsts) and sorted(dicts[-1]) == list(dicts[-1])
                assert [k for d in dicts for k in d] == sorted(k for d in dicts for k in d)
            small += 1
            continue
        if isinstance(record, tuple) and record and all(isinstance(source, str) for source in record):
            assert len(record) <= 3  # a part of the order
        elif isinstance(record, tuple):  # listings: two pages a part, or one listing
            assert all(listing[0] in ("section", "tag", "author") for listing in record)
            assert len(record) == 1 or sum(len(listing[-1]) for listing in record[:-1]) < 2
        else:
            assert len(record) <= 3, record
    assert small == 1


def test_the_skipped_model_parts_are_those_past_the_order(make_site: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """A delta with its own site model: the full file's model parts (its listings, related lists and
    previous/next links) left undecoded, its memo read; its order only where an entry is looked up by key
    (here every entry is decoded whole: not at all)."""
    root, out = _site(make_site), tmp_path / "public"
    build(root, BuildOptions(out=out, jobs=1))
    state, _ = load(root, out)
    monkeypatch.setattr(records, "RECORD_ENTRIES", 4)
    _full(root, out, state)
    found = _decoded(root, out)
    decoded: list[object] = []
    real = marshal.loads
    monkeypatch.setattr(cache.marshal, "loads", lambda data: decoded.append(real(data)) or decoded[-1])
    loads = cache._read(cache_file(root, out))
    assert loads is not None
    data = records.from_records(loads[1:], model=False)
    data[1].whole()  # (the parsed entries, the pages and the output's files: read when asked for)
    data[2].whole()
    data[4].made()
    memo = data[6]  # (the related lists' memo: decoded when first looked into, as the whole way does)
    assert isinstance(memo, keyed.Merged) and memo._parts and all(map(callable, memo._parts))
    memo.whole()
    monkeypatch.undo()
    assert data[-1] is None  # (no site model)
    gone = [i for i, r in enumerate(found) if i and not any(r is d or r == d for d in decoded)]
    order = [i for i, r in enumerate(found) if isinstance(r, tuple) and r and all(  # (its parts: sources)
        isinstance(source, str) and source.startswith("content/") for source in r)]
    assert order and set(order) <= set(gone)
    gone = [i for i in gone if i not in order]
    assert gone and gone == list(range(gone[0], gone[-1] + 1)) and gone[-1] < len(found) - 1
    packed = state.site[1]  # type: ignore[index]
    assert found[gone[0]][:3] == (packed[1], packed[2], packed[5])  # its small fields: authors, tags, latest
    assert all(marshal.loads(marshal.dumps(r)) == r for r in found if r is not None)


def test_the_order_is_read_a_part_at_a_time_and_a_part_that_does_not_fit_is_damage() -> None:
    """records.Ordered: the site model's order as stored, a part decoded when an index or a source in it is
    first asked for (the first always: it sets the parts' length); the tuple it reads as, whatever is asked."""
    sources = tuple(f"content/{i}.md" for i in range(10))
    decoded: list[int] = []

    def loads(parts: list[tuple[str, ...]]) -> list[Any]:
        return [lambda p=p, part=part: decoded.append(p) or part for p, part in enumerate(parts)]

    order = records.Ordered(loads([sources[0:4], sources[4:8], sources[8:]]), 10)
    assert len(order) == 10 and not decoded
    assert order[9] == "content/9.md" and decoded == [0, 2]
    assert order.index("content/1.md") == 1 and decoded == [0, 2]
    assert order.index("content/5.md") == 5 and order[-5] == "content/5.md" and decoded == [0, 2, 1]
    assert order.index("content/5.md", 2) == 5 and order.index("content/9.md", 2, 10) == 9
    assert order[2:6] == sources[2:6] and list(order) == list(sources) and order == sources and sources == order
    assert order.whole() == sources and order != sources[:9] and "content/7.md" in order
    with pytest.raises(IndexError):
        order[10]
    with pytest.raises(ValueError):
        order.index("drafts/a.md")
    assert records.Ordered([], 0) == () and list(records.Ordered([], 0)) == []
    for parts, size in (([sources[0:4], sources[4:7], sources[7:]], 10),  # a middle part too short
                        ([sources[0:4], sources[4:8], sources[8:]], 11),  # the last
                        ([sources[0:3], sources[3:6], sources[6:]], 10),  # the first: 3 + 3 + 4
                        ([sources], 9), ([sources[:3]], 4)):
        with pytest.raises(ValueError):
            list(records.Ordered(loads(parts), size))
