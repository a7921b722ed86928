"""incremental/cache.py and codec.py: the build cache is versioned, checksummed, safe to delete, and a
damaged one means a full build."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from newsgen.fileio import stamp
from newsgen.incremental import cache
from newsgen.incremental.cache import cache_file, delta_file, load, site_file
from newsgen.incremental.state import Fingerprint, State


def FP(inputs: str) -> Fingerprint:  # noqa: N802 - reads like the type
    return Fingerprint("common", "templates", "article", "", inputs)


def save(root: Path, out: Path, state: State) -> None:
    assert cache.save(root, out, cache.encode(root, out, state)) is None


def test_no_cache_is_an_empty_state_without_warning(tmp_path: Path) -> None:
    state, warning = load(tmp_path, tmp_path / "public")
    assert state == State() and warning is None


def test_round_trip_per_output_folder(tmp_path: Path) -> None:
    out_a, out_b = tmp_path / "public", tmp_path / "other"
    save(tmp_path, out_a, State(config_digest="abc", pages={"index.html": FP("fp")}))
    state, warning = load(tmp_path, out_a)
    assert warning is None and state.pages == {"index.html": FP("fp")} and state.config_digest == "abc"
    assert load(tmp_path, out_b)[0] == State()  # another output folder has its own cache
    assert (tmp_path / cache.CACHE_DIR / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_corrupt_cache_gives_a_warning_and_an_empty_state(tmp_path: Path) -> None:
    out = tmp_path / "public"
    save(tmp_path, out, State(pages={"index.html": FP("fp")}))
    cache_file(tmp_path, out).write_bytes(b"\x80\x04garbage, not a cache")
    state, warning = load(tmp_path, out)
    assert state == State()
    assert warning is not None and "full build" in warning and cache.CACHE_DIR in warning


def test_truncated_cache(tmp_path: Path) -> None:
    out = tmp_path / "public"
    save(tmp_path, out, State(pages={f"p{i}": FP("x") for i in range(100)}))
    path = cache_file(tmp_path, out)
    path.write_bytes(path.read_bytes()[:-20])
    state, warning = load(tmp_path, out)
    assert state == State() and warning


def test_an_empty_cache_file_means_a_full_build(tmp_path: Path) -> None:
    out = tmp_path / "public"
    save(tmp_path, out, State(pages={"index.html": FP("fp")}))
    cache_file(tmp_path, out).write_bytes(b"")
    state, warning = load(tmp_path, out)
    assert state == State() and warning is not None and "full build" in warning


def test_the_cache_file_is_not_left_mapped_or_open(tmp_path: Path) -> None:
    """Cache files are mapped to be read (fileio.map_regular): once loaded, neither a mapping nor a
    descriptor of them is left (the next build replaces them; at a million articles one is ~1 GB)."""
    out = tmp_path / "public"
    save(tmp_path, out, State(pages={f"p{i}": FP("x") for i in range(2000)}))
    save(tmp_path, out, State(pages={f"p{i}": FP("x") for i in range(2001)}))  # (a delta: two files read)
    assert load(tmp_path, out)[0].pages["p2000"] == FP("x")
    folder = str(tmp_path / cache.CACHE_DIR)
    assert folder not in Path("/proc/self/maps").read_text(encoding="utf-8")
    opened = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            opened.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # (the listing's own descriptor, closed by now)
            pass
    assert not [target for target in opened if target.startswith(folder)]


def test_wrong_object_in_cache(tmp_path: Path) -> None:
    out = tmp_path / "public"
    path = cache_file(tmp_path, out)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps({"not": "a state"}))
    state, warning = load(tmp_path, out)
    assert state == State() and warning


def test_other_version_starts_over_silently(tmp_path: Path) -> None:
    out = tmp_path / "public"
    path = cache_file(tmp_path, out)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps(("newsgen 0.0.0 format 0", "", {}, {"x": "y"}, {}, None, {}, {})))
    assert load(tmp_path, out) == (State(), None)


def test_stamp(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("hello", encoding="utf-8")
    rel, mtime, size = stamp(tmp_path, "a.md")
    assert (rel, size) == ("a.md", 5) and mtime > 0
    assert stamp(tmp_path, "missing.md") == ("missing.md", -1, -1)


def test_every_article_field_survives_the_cache(tmp_path: Path) -> None:
    """The cache stores plain tuples: an article read back is equal to the one written, dates keep
    their zone (named or fixed offset) and YAML mappings in `extra` come back whole."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from newsgen.errors import Diagnostic
    from newsgen.incremental.state import ParsedEntry
    from newsgen.model import Article, Asset, Correction, Image
    from newsgen.yamlio import load as load_yaml

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    image = Image("a/b/photo.jpg", "content/a/b/photo.jpg", "Caption", "Credit", "Alt", 800, 600, 1234, "image/jpeg")
    article = Article(
        source="content/a/b/index.md", title="T “quoted”", section="a", slug="b",
        date=dt.datetime(2025, 3, 19, 17, 40, tzinfo=hcm), authors=("An", "Bình"),
        updated=dt.datetime(2025, 3, 20, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        summary="S", summary_given=True, image=image, tags=("x", "y"), draft=True,
        corrections=(Correction(dt.datetime(2025, 3, 21, tzinfo=hcm), "Fixed a name."),
                     # the second 02:30 of the night the clocks go back, to the microsecond
                     Correction(dt.datetime(2025, 10, 26, 2, 30, 0, 17, tzinfo=ZoneInfo("Europe/Berlin"), fold=1),
                                "Second fix.")),
        extra={"location": "Huế", "nested": load_yaml("a: 1\nb: [x, {c: d}]\n"), "n": 3, "f": 1.5, "none": None},
        assets=(Asset("content/a/b/photo.jpg", "a/b/photo.jpg", image), Asset("content/a/b/x.pdf", "a/b/x.pdf")),
        body_line=9, digest="d" * 24, card_digest="c" * 24,
    )
    out = tmp_path / "public"
    entry = ParsedEntry(("content/a/b/index.md", 1, 2), "d" * 24, ((("content/a/b", 3, 4), "e" * 24),), article,
                        [Diagnostic("content/a/b/index.md", 3, "a warning", "a hint")])
    save(tmp_path, out, State(config_digest="cfg", parsed={"content/a/b/index.md": entry},
                              pages={"a/b/index.html": FP("z")}, outputs=frozenset({"a/b/index.html"}),
                              images={"static/p.jpg": (("static/p.jpg", 5, 6), "f" * 24)},
                              template_refs={"h": ("base.html",), "i": None}))
    state, warning = load(tmp_path, out)
    assert warning is None
    back = state.parsed["content/a/b/index.md"]
    assert back == entry
    assert back.article is not None and back.article.date.tzinfo is hcm
    second_fix = back.article.corrections[1].date
    assert (second_fix.fold, second_fix.microsecond, second_fix.utcoffset()) == (1, 17, dt.timedelta(hours=1))
    assert back.article.extra["nested"] == {"a": 1, "b": ["x", {"c": "d"}]}
    assert state.pages == {"a/b/index.html": FP("z")} and state.outputs == frozenset({"a/b/index.html"})
    assert state.images == {"static/p.jpg": (("static/p.jpg", 5, 6), "f" * 24)}
    assert state.template_refs == {"h": ("base.html",), "i": None} and state.config_digest == "cfg"


def _entry(rel: str, n: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    from newsgen.incremental.state import ParsedEntry
    from newsgen.model import Article

    article = Article(source=rel, title=f"T{n}", section="a", slug=f"s{n}",
                      date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n), digest=f"d{n}")
    return ParsedEntry((rel, n, n), f"d{n}", (), article, [])


def _state(n: int) -> State:
    parsed = {f"content/a{i}.md": _entry(f"content/a{i}.md", i) for i in range(n)}
    return State(config_digest="c", parsed=parsed, pages={f"p{i}/index.html": FP(f"z{i}") for i in range(n)},
                 outputs=frozenset(f"p{i}/index.html" for i in range(n)),
                 related={f"content/a{i}.md": ("k", ()) for i in range(n)})


def _saved_with_a_delta(tmp_path: Path, text: str = "changed") -> tuple[Path, State]:
    """A full cache file of 10 articles, then one page changed and saved: a delta file next to it."""
    out = tmp_path / "public"
    save(tmp_path, out, _state(10))
    state, _ = load(tmp_path, out)
    state.pages = {**state.pages, "p1/index.html": FP(text)}
    save(tmp_path, out, state)
    return out, state


def test_a_small_change_is_saved_as_a_delta_and_read_back_whole(tmp_path: Path) -> None:
    out = tmp_path / "public"
    save(tmp_path, out, _state(50))
    base_bytes = cache_file(tmp_path, out).read_bytes()
    state, _ = load(tmp_path, out)
    state.parsed["content/a3.md"] = _entry("content/a3.md", 103)  # edited
    del state.parsed["content/a4.md"]  # deleted
    state.parsed["content/new.md"] = _entry("content/new.md", 200)  # added
    state.pages = {**state.pages, "p1/index.html": FP("changed"), "new/index.html": FP("n")}
    del state.pages["p4/index.html"]
    state.outputs = (state.outputs or frozenset()) - {"p4/index.html"} | {"new/index.html"}
    state.related["content/a5.md"] = ("k2", ("content/a1.md",))
    state.site = ("new key", ((), {}, {}, (), {}, (), {}, {}))  # a new site model travels in the delta
    save(tmp_path, out, state)
    assert cache_file(tmp_path, out).read_bytes() == base_bytes  # the big file is not rewritten
    assert delta_file(tmp_path, out).stat().st_size < len(base_bytes) / 5
    back, warning = load(tmp_path, out)
    assert warning is None and back == state
    # a second change: the delta holds both (it is counted from the same base)
    back.pages = {**back.pages, "p2/index.html": FP("again")}
    save(tmp_path, out, back)
    again, _ = load(tmp_path, out)
    assert again == back and again.pages["p1/index.html"] == FP("changed")
    assert again.site == ("new key", ((), {}, {}, (), {}, (), {}, {}))


def test_a_big_change_writes_the_whole_file_and_drops_the_delta(tmp_path: Path) -> None:
    from newsgen.incremental import codec as statecodec
    out, _ = _saved_with_a_delta(tmp_path)
    assert delta_file(tmp_path, out).exists()
    state, _ = load(tmp_path, out)
    state.parsed = {f"content/b{i}.md": _entry(f"content/b{i}.md", i) for i in range(statecodec.DELTA_MAX + 1)}
    save(tmp_path, out, state)
    assert not delta_file(tmp_path, out).exists()
    assert load(tmp_path, out)[0] == state


def test_a_damaged_delta_means_a_full_build(tmp_path: Path) -> None:
    out, _ = _saved_with_a_delta(tmp_path)
    delta_file(tmp_path, out).write_bytes(b"\x00garbage")
    back, warning = load(tmp_path, out)
    assert back == State() and warning is not None and "full build" in warning


def test_a_delta_left_from_an_older_base_is_ignored(tmp_path: Path) -> None:
    out, _ = _saved_with_a_delta(tmp_path, "from the old base")
    old_delta = delta_file(tmp_path, out).read_bytes()
    fresh = _state(12)
    save(tmp_path, out, fresh)  # a full save (no base): a new base id
    delta_file(tmp_path, out).write_bytes(old_delta)  # e.g. restored from an older CI cache
    back, warning = load(tmp_path, out)
    assert warning is None and back == fresh


def test_an_unchanged_bundle_is_recognised_from_the_build_start_stamps(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """still_valid's fast path: the article, its image and its bundle folder (stamped as "content/x/"
    by snapshot.take) as they were: the same entry back, without a stat or a read."""
    import newsgen.incremental.parsed
    from newsgen.incremental import snapshot
    from newsgen.incremental.parsed import dep, still_valid
    from newsgen.incremental.state import ParsedEntry

    (tmp_path / "newsgen.yaml").write_text("title: T\n", encoding="utf-8")
    bundle = tmp_path / "content/politics/story"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text("---\ntitle: A\n---\nBody.\n", encoding="utf-8")
    (bundle / "photo.jpg").write_bytes(b"jpeg")
    rel = "content/politics/story/index.md"
    entry = ParsedEntry(stamp(tmp_path, rel), "d" * 24,
                        (dep(tmp_path, "content/politics/story/photo.jpg"), dep(tmp_path, "content/politics/story")),
                        _entry("x", 1).article, [])
    known = snapshot.take(tmp_path).stamps
    assert "content/politics/story/" in known

    def no_io(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the fast path looked at the disk")

    monkeypatch.setattr(newsgen.incremental.parsed, "stamp", no_io)
    monkeypatch.setattr(newsgen.incremental.parsed, "digest", no_io)
    assert still_valid(tmp_path, entry, known) is entry


def test_a_flipped_byte_anywhere_is_caught_by_the_checksum(tmp_path: Path) -> None:
    """Issue 19 item 4: 1-30 random bytes flipped gave wrong output in 2 of 60 tries; now every damage
    is a warning and a full build."""
    import random

    out = tmp_path / "public"
    save(tmp_path, out, _state(30))
    path = cache_file(tmp_path, out)
    good = path.read_bytes()
    rng = random.Random(19)
    for _ in range(200):
        data = bytearray(good)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        if bytes(data) == good:
            continue
        path.write_bytes(bytes(data))
        state, warning = load(tmp_path, out)
        assert state == State()  # never used: a full build
        if bytes(data).startswith(b"newsgen-cache 6\n"):  # (a flip in the header's version reads as an upgrade)
            assert warning is not None and "full build" in warning


def test_a_folder_or_a_fifo_in_place_of_the_cache(tmp_path: Path) -> None:
    out = tmp_path / "public"
    path = cache_file(tmp_path, out)
    path.mkdir(parents=True)
    state, warning = load(tmp_path, out)
    assert state == State() and warning is not None and "not a file" in warning
    warning = cache.save(tmp_path, out, cache.encode(tmp_path, out, _state(2)))  # cannot replace a folder: a warning
    assert warning is not None and "cannot save" in warning
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]
    path.rmdir()
    os.mkfifo(path)
    state, warning = load(tmp_path, out)  # must not block
    assert state == State() and warning is not None


def test_the_older_newsgen_cache_starts_over_silently(tmp_path: Path) -> None:
    out = tmp_path / "public"
    path = cache_file(tmp_path, out)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps(("newsgen 0.1.0 format 6 python (3, 11) code x", "", {}, {}, {}, None, {}, {})))
    assert load(tmp_path, out) == (State(), None)
    path.write_bytes(b"newsgen-cache 2\n" + b"\x00" * 40)  # another layout of this header: an upgrade too
    assert load(tmp_path, out) == (State(), None)


def test_the_codec_layout_follows_the_dataclass_fields() -> None:
    """Adding a field to a model class needs no codec edit: pack/unpack are made from the fields."""
    import dataclasses

    from newsgen.incremental import codec
    from newsgen.model import Article

    article = _entry("content/x.md", 1).article
    packed = codec.pack_article(article)
    assert len(packed) == len(dataclasses.fields(Article))
    assert codec.unpack_article(packed, {}) == article


def test_a_full_file_is_written_in_records_and_read_back_whole(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Parsed entries and fingerprints go into the file a part at a time (saving never holds the whole
    file's bytes); read back, the parts are one state again. A state encoded and not saved leaves no
    temporary file, nor does one a killed build left."""
    from newsgen.incremental import records

    monkeypatch.setattr(records, "RECORD_ENTRIES", 7)
    out = tmp_path / "public"
    state = _state(30)
    save(tmp_path, out, state)
    back, warning = load(tmp_path, out)
    assert warning is None and back == state and len(back.parsed) == len(back.pages) == 30
    folder = cache_file(tmp_path, out).parent
    stale = folder / f"{cache_file(tmp_path, out).stem}.999999999.tmp"  # no such process
    stale.write_bytes(b"left by a killed build")
    encoded = cache.encode(tmp_path, out, _state(31))
    assert encoded.tmp is not None and encoded.tmp.exists() and not stale.exists()
    cache.discard(encoded)
    assert [p.name for p in folder.iterdir() if p.suffix == ".tmp"] == []
    assert load(tmp_path, out)[0] == state  # the saved one, untouched


def test_objects_read_back_are_the_ones_their_classes_make() -> None:
    """The cache makes the model's frozen dataclasses with frozen.maker, not through __init__: what it
    reads back is equal to what was written, every field set, and still frozen."""
    import dataclasses

    import pytest

    from newsgen.incremental import codec
    from newsgen.model import Article, Asset, Author, Correction, Image, Listing, Tag

    for cls in (Article, Image, Correction, Asset, Author, Tag, Listing):
        assert codec._NAMESPACE.get(f"_make_{cls.__name__}") is not None, cls
    image = Image("u", "s", "c", "cr", "a", 1, 2, 3, "image/jpeg")
    article = dataclasses.replace(_entry("content/x.md", 1).article, image=image, tags=("t",))
    made = codec.unpack_article(codec.pack_article(article), {})
    assert type(made) is Article and made == article and hash(made.image) == hash(image)
    assert [getattr(made, f.name) for f in dataclasses.fields(Article)] == \
        [getattr(article, f.name) for f in dataclasses.fields(Article)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.title = "changed"  # type: ignore[misc]


def test_a_file_system_that_cannot_map_files_is_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import mmap

    out = tmp_path / "public"
    save(tmp_path, out, State(pages={f"p{i}": FP("x") for i in range(50)}))

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(19, "No such device")  # (ENODEV: what mmap says on such a file system)

    monkeypatch.setattr(mmap, "mmap", refuse)
    state, warning = load(tmp_path, out)
    assert warning is None and state.pages["p49"] == FP("x")


def test_remember_keeps_the_same_output_set_and_saves_only_a_change(tmp_path: Path) -> None:
    from newsgen.output import MARKER

    fp = Fingerprint("c", "t", "article", "", "i")
    state = State(pages={"a.html": fp}, outputs=frozenset({"a.html", MARKER}))
    last = state.outputs
    assert cache.remember(tmp_path, tmp_path / "out", state, {"a.html": fp}, {"a.html"}, False, True) is None
    assert state.outputs is last and not cache_file(tmp_path, tmp_path / "out").exists()  # nothing changed: not saved
    assert cache.remember(tmp_path, tmp_path / "out", state, {"a.html": fp}, {"a.html", "b.html"}, False,
                          True) is None
    assert state.outputs == {"a.html", "b.html", MARKER} and cache_file(tmp_path, tmp_path / "out").exists()
    assert cache.remember(tmp_path, tmp_path / "out", state, {"a.html": fp}, frozenset({"b.html"}), False,
                          False) is None
    assert state.outputs == {"b.html", MARKER}


def test_each_save_is_named_and_the_state_read_says_which(tmp_path: Path) -> None:
    """State.token: the id of the save a state was read from (the full file's, or its delta's), which the
    build's snapshot records: a delta lost gives the full file's id back, not the one the output went with."""
    out = tmp_path / "public"
    first = _state(10)
    save(tmp_path, out, first)
    full, _ = load(tmp_path, out)
    assert full.token == first.token and len(full.token) == 16
    out, delta = _saved_with_a_delta(tmp_path)
    back, _ = load(tmp_path, out)
    assert back.token == delta.token and back.token not in ("", full.token)
    delta_file(tmp_path, out).unlink()
    assert load(tmp_path, out)[0].token not in ("", delta.token)


def _reads(monkeypatch) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Which records of which cache file (by its suffix) a load decodes, in order."""
    called: dict[str, list[int]] = {}
    real = cache._read

    def read(path: Path):  # type: ignore[no-untyped-def]
        found = real(path)
        log = called.setdefault(path.suffix, [])
        return None if found is None else [
            (lambda r=record, i=i: (log.append(i), r())[1]) for i, record in enumerate(found)]

    monkeypatch.setattr(cache, "_read", read)
    return called


def test_a_delta_with_a_site_model_spares_decoding_the_full_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A new story's build saves its site model in a site file that its delta names; the builds after it
    read that one, and leave the full file's (its order aside) undecoded."""
    out = tmp_path / "public"
    first = _state(10)
    first.site = ("key one", (("content/a0.md",), {}, {}, (), {"politics": (0,)}, (0,), {0: ()}, {0: (None, None)}))
    save(tmp_path, out, first)
    state, _ = load(tmp_path, out)
    assert state.site == first.site
    state.site = ("key two", (("content/a0.md",), {}, {}, (), {"politics": (0,)}, (0,), {0: (1,)}, {0: (None, None)}))
    save(tmp_path, out, state)  # (a delta: one page of ten changed, and the site model)
    assert delta_file(tmp_path, out).exists() and site_file(tmp_path, out).exists()
    called = _reads(monkeypatch)
    back, warning = load(tmp_path, out)
    assert warning is None and back == state and back.site == state.site
    monkeypatch.undo()
    found = cache._read(cache_file(tmp_path, out))
    assert found is not None
    records = [record() for record in found]
    # all of the full file's records but its site model: (after the file's head, the state's, one part of
    # names) its order (3: where the entries are stored, and every entry is decoded here), (then one part of
    # its memo and one of the memo of the stories outside the order) its small fields, the sections' lists,
    # related lists, previous/next
    assert sorted(set(called[".marshal"])) == [i for i in range(len(records)) if i not in (3, 6, 7, 8, 9)]
    assert records[7:10] == [{"politics": (0,)}, {0: ()}, {0: (None, None)}]
    site_records = cache._read(site_file(tmp_path, out))
    assert site_records is not None and len(site_records) == 6  # (head, order, the model's: small fields, lists)
    assert called[".delta"] == [0] and sorted(called[".site"]) == list(range(6))  # (compared whole above)


def test_a_site_file_is_written_once_and_named_by_the_deltas_after_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The builds after a new story name its site file, never write it again (at a million articles it is
    ~190 MB); an edit of bodies decodes its order only. Missing, damaged or another save's: a full build.
    A full file written removes it."""
    out = tmp_path / "public"
    first = _state(10)
    first.site = ("key one", (("content/a0.md",), {}, {}, (), {"politics": (0,)}, (0,), {0: ()}, {0: (None, None)}))
    save(tmp_path, out, first)
    state, _ = load(tmp_path, out)
    from newsgen.incremental import codec as statecodec
    from newsgen.model import Listing, Pager

    pager = Pager(number=1, total=1, url="/politics/", items=(0, 1))
    listing = statecodec.pack_listing(Listing("section", "politics", "Politics", "", "/politics/", (pager,)))
    model = ("key two", (("content/a0.md", "content/a1.md"), {}, {}, (listing,), {"politics": (0, 1)}, (0, 1),
                         {0: (), 1: (0,)}, {0: (None, 1), 1: (0, None)}))
    state.site = model
    save(tmp_path, out, state)
    written = site_file(tmp_path, out).read_bytes()
    identity = site_file(tmp_path, out).stat().st_ino
    for text in ("edit one", "edit two"):  # (edits after it: the same site model, read lazily)
        called = _reads(monkeypatch)
        later, warning = load(tmp_path, out, lazy=True)
        # its head, the model's small fields; not its order, listings or dicts (each part read when first used)
        assert warning is None and called[".site"] == [0, 2]
        assert later.site is not None and later.site[1][6][1] == (0,) and called[".site"] == [0, 2, 5]
        assert later.site[1][7][0] == (None, 1) and called[".site"] == [0, 2, 5, 6]
        assert later.site[1][0][1] == "content/a1.md" and called[".site"] == [0, 2, 5, 6, 1]
        monkeypatch.undo()
        later.pages = {**later.pages, "p1/index.html": FP(text)}
        save(tmp_path, out, later)
        assert site_file(tmp_path, out).read_bytes() == written and site_file(tmp_path, out).stat().st_ino == identity
        assert delta_file(tmp_path, out).stat().st_size < 2000
    back, _ = load(tmp_path, out)
    assert back.site == model and back.pages["p1/index.html"] == FP("edit two")
    # another story: a new site file, and the delta names it
    back.site = ("key three", model[1])
    save(tmp_path, out, back)
    assert site_file(tmp_path, out).read_bytes() != written
    assert load(tmp_path, out)[0].site == ("key three", model[1])
    # the site file lost, damaged, or one of another save (a build killed between the two files): a full build
    kept = site_file(tmp_path, out).read_bytes()
    for damage in (b"", kept[:-3] + b"xyz", written):
        if damage:
            site_file(tmp_path, out).write_bytes(damage)
        else:
            site_file(tmp_path, out).unlink()
        again, warning = load(tmp_path, out)
        assert again == State() and warning is not None and "full build" in warning
    site_file(tmp_path, out).write_bytes(kept)
    # a full file written: the delta and the site file removed
    whole, _ = load(tmp_path, out)
    whole.parsed = {f"content/b{i}.md": _entry(f"content/b{i}.md", i) for i in range(statecodec.DELTA_MAX + 1)}
    save(tmp_path, out, whole)
    assert not delta_file(tmp_path, out).exists() and not site_file(tmp_path, out).exists()
    assert load(tmp_path, out)[0] == whole


def test_an_upgrade_starts_over_silently_with_a_delta_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The delta is read before the full file now; one written by another newsgen (or damaged) next to a
    full file of another newsgen is still an upgrade, said nothing of; next to a full file of this one,
    it is damage (a full build, with a warning)."""
    out = tmp_path / "public"
    save(tmp_path, out, _state(3))
    state, _ = load(tmp_path, out)
    state.pages = {**state.pages, "p1/index.html": FP("changed")}
    save(tmp_path, out, state)  # (a delta)
    full, delta = cache_file(tmp_path, out).read_bytes(), delta_file(tmp_path, out).read_bytes()
    monkeypatch.setattr(cache, "VERSION", "newsgen 9.9.9 (an upgrade)")
    assert load(tmp_path, out) == (State(), None)
    delta_file(tmp_path, out).write_bytes(delta[:-3])  # (cut short: damaged)
    assert load(tmp_path, out) == (State(), None)
    monkeypatch.undo()
    back, warning = load(tmp_path, out)
    assert back == State() and warning is not None and "full build" in warning
    delta_file(tmp_path, out).write_bytes(delta)
    assert cache_file(tmp_path, out).read_bytes() == full and load(tmp_path, out)[0] == state


def test_a_cache_of_another_newsgen_is_not_decoded_past_its_head(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An upgrade: the cache is started over silently, and only its first record is decoded (at a million
    articles the rest took ~4 s and gigabytes, only to be thrown away). That record's checksum is still
    verified: damage there is still reported as damage (damage past it is in what is thrown away)."""
    out = tmp_path / "public"
    save(tmp_path, out, _state(50))
    monkeypatch.setattr(cache, "VERSION", "newsgen 9.9 python (3, 11) code 0123456789abcdef")
    decoded: list[object] = []
    real = marshal.loads
    monkeypatch.setattr(cache.marshal, "loads", lambda data: decoded.append(real(data)) or decoded[-1])
    state, warning = load(tmp_path, out)
    assert warning is None and state == State()
    assert len(decoded) == 1
    path = cache_file(tmp_path, out)
    good = path.read_bytes()
    data = bytearray(good)
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert load(tmp_path, out) == (State(), None)
    data = bytearray(good)
    data[len(cache._MAGIC) + cache._LENGTH + cache._SUM + 3] ^= 1  # (in the first record)
    path.write_bytes(bytes(data))
    state, warning = load(tmp_path, out)
    assert state == State() and warning is not None and "checksum" in warning


def test_the_listings_are_read_when_first_used_and_damage_in_them_is_a_full_build(tmp_path: Path) -> None:
    """An edit of article bodies shows no listing: the site model's listings are read from the file when first
    used (later.Later), as they were saved. A build that uses them all (the whole way, a full save) reads
    them first (`codec.materialize`): one found damaged then means a full build, as any damage does."""
    from newsgen.incremental import codec
    from newsgen.incremental.later import Later

    out = tmp_path / "public"
    first = _state(10)
    listing = ("section", "politics", "Politics", "A description found in one record", "politics/", ())
    first.site = ("key", (("content/a0.md",), {}, {}, (listing,), {"politics": (0,)}, (0,), {0: ()}, {0: (None, None)}))
    save(tmp_path, out, first)
    state, warning = load(tmp_path, out, lazy=True)
    assert warning is None and state.site is not None
    listings = state.site[1][3]
    assert isinstance(listings, Later) and listings._make is not None  # (not read yet)
    assert list(listings) == [listing] and listings == (listing,) and len(listings) == 1
    assert load(tmp_path, out)[0].site == first.site  # (read whole: made by materialize)

    path = cache_file(tmp_path, out)
    data = bytearray(path.read_bytes())
    at = data.index(b"found in one record")
    data[at] ^= 1  # (the record's own checksum fails: the file's head and the other records are sound)
    path.write_bytes(bytes(data))
    state, warning = load(tmp_path, out, lazy=True)
    assert warning is None and state.site is not None  # (not read yet: nothing known)
    assert codec.materialize(state) is False and state.site is None and not state.parsed  # a full build
    state, warning = load(tmp_path, out)
    assert warning is not None and "build cache unreadable" in warning and state.site is None

    # the related lists' memo: read when first looked into (the whole way), damage in it a full build too
    first.related["content/a0.md"] = ("a memo found in one record", ())
    save(tmp_path, out, first)
    state, warning = load(tmp_path, out, lazy=True)
    assert warning is None and state.related == first.related
    data = bytearray(path.read_bytes())
    data[data.index(b"a memo found in one record")] ^= 1
    path.write_bytes(bytes(data))
    state, warning = load(tmp_path, out, lazy=True)
    assert warning is None and codec.materialize(state) is False and not state.related

    # the site model's related lists: a part decoded when a key in it is looked up, damage in one a full build
    first.related = {}
    first.site = ("key", (("content/a0.md",), {}, {}, (), {"politics": (0,)}, (0,), {0: (987_654_321,)}, {0: (None, None)}))
    save(tmp_path, out, first)
    state, warning = load(tmp_path, out, lazy=True)
    assert warning is None and state.site is not None and state.site[1][6][0] == (987_654_321,)
    data = bytearray(path.read_bytes())
    data[data.index(marshal.dumps(987_654_321)[1:])] ^= 1
    path.write_bytes(bytes(data))
    state, warning = load(tmp_path, out, lazy=True)
    assert warning is None and state.site is not None  # (not read yet)
    assert codec.materialize(state) is False and state.site is None


def test_the_memo_under_a_deltas_changes_is_read_only_when_used(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A new story's build changes the related lists' memo (its delta carries the changes); the builds after
    it that do not use the memo (an edit of bodies) neither decode the full file's memo nor compare it
    with anything to save theirs (at a million articles ~1 s each way): they carry the delta's changes on."""
    from newsgen.incremental import keyed

    out = tmp_path / "public"
    first = _state(10)
    first.site = ("key one", (tuple(first.related), {}, {}, (), {}, (), {}, {}))  # (the memo's parts follow the order)
    save(tmp_path, out, first)
    state, _ = load(tmp_path, out)
    state.related = {**state.related, "content/a1.md": ("k2", ("content/a0.md",))}
    del state.related["content/a2.md"]
    save(tmp_path, out, state)  # (a delta: the memo's changes)
    expected = dict(state.related)
    for text in ("edit one", "edit two"):
        called = _reads(monkeypatch)
        later, _ = load(tmp_path, out, lazy=True)
        monkeypatch.undo()
        assert isinstance(later.related, keyed.Overlay) and keyed.lazy(later.related)
        memo_records = set(called[".marshal"])
        later.pages = {**later.pages, "p1/index.html": FP(text)}
        save(tmp_path, out, later)
        assert keyed.unchanged(later.related) is later.related
        # the full file's memo part (after the head, the state's, names and order) was never decoded
        assert 4 not in memo_records
    called = _reads(monkeypatch)
    back, _ = load(tmp_path, out)  # (read whole: the memo part decoded)
    monkeypatch.undo()
    assert 4 in called[".marshal"]
    assert back.related == expected and back.pages["p1/index.html"] == FP("edit two")
