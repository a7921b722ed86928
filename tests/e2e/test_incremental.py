"""Incremental builds: nothing changed -> nothing rendered or written; one body edit -> that page and the
feeds carrying it; deletions prune; a damaged cache means a full, correct build; parallel == serial."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from markupsafe import Markup

from newsgen.errors import BuildError


def small_site(make_site) -> Path:  # type: ignore[no-untyped-def]
    a = make_site.article
    return make_site(
        {
            "content/politics/one.md": a("One", date="2025-03-01 09:00", tags=["Flood"], author="Hung Anh"),
            "content/politics/two.md": a("Two", date="2025-03-02 09:00", tags=["Flood"], author="Hung Anh"),
            "content/politics/three.md": a("Three", date="2025-03-03 09:00"),
            "content/politics/four.md": a("Four", date="2025-03-04 09:00"),
            "content/sports/five.md": a("Five", section="Sports", date="2025-03-05 09:00", tags=["Flood"]),
            "content/culture/six.md": a("Six", section="Culture", date="2025-03-06 09:00"),
        },
        extra_config="feed_items: 3\n",
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_second_build_without_change_renders_and_writes_nothing(make_site, build, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    first = build(root)
    assert first.rendered == first.pages and first.unchanged == 0
    before = {p: os.stat(root / "public" / p).st_mtime_ns for p in snapshot(root / "public")}
    second = build(root)
    assert (second.rendered, second.written, second.removed, second.changed) == (0, 0, [], [])
    assert second.unchanged == second.pages == first.pages
    assert {p: os.stat(root / "public" / p).st_mtime_ns for p in snapshot(root / "public")} == before


def test_body_edit_rerenders_that_article_and_the_feeds_it_is_in(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    edit(root / "content/culture/six.md", "More text.", "More text, and a new sentence at the end.")
    result = build(root)
    assert sorted(result.changed) == sorted(["culture/atom.xml", "culture/feed.json", "culture/feed.xml",
                                             "culture/six/index.html", "atom.xml", "feed.json", "feed.xml"])
    assert result.rendered == 7 and result.written == 7


def test_body_edit_of_an_old_article_outside_every_feed(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    edit(root / "content/politics/one.md", "More text.", "More text, corrected and longer.")
    result = build(root)
    # "one" is the oldest of politics: its section feed (3 items) and the site feed do not carry it
    assert result.changed == ["politics/one/index.html"]
    assert result.rendered == 1


def test_title_edit_rerenders_the_pages_that_list_it(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    edit(root / "content/culture/six.md", 'title: "Six"', 'title: "Six, renamed"')
    result = build(root)
    out = root / "public"
    assert "culture/six-renamed/index.html" in result.changed
    assert "culture/six/index.html" in result.removed and not (out / "culture/six").exists()
    assert {"index.html", "culture/index.html", "latest-news.json", "feed.xml", "sitemap.xml"} <= set(result.changed)
    assert "politics/one/index.html" not in result.changed  # shows neither Six nor its section
    assert parse_html(out / "culture/index.html").findtext(".//h2[@class='card-title']/a") == "Six, renamed"


def test_deleting_an_article_removes_its_page(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    (root / "content/sports/five.md").unlink()
    result = build(root)
    out = root / "public"
    assert "sports/five/index.html" in result.removed
    assert not (out / "sports/five").exists()
    assert "Five" not in parse_html(out / "tags/flood/index.html").text_content()
    assert "Five" not in parse_html(out / "index.html").text_content()


def test_removed_output_file_is_written_again(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    (root / "public/politics/two/index.html").unlink()
    result = build(root)
    assert result.changed == ["politics/two/index.html"]


def test_config_change_rerenders_everything(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    first = build(root)
    edit(root / "newsgen.yaml", "title: Test Gazette", "title: Test Gazette Weekly")
    result = build(root)
    assert result.rendered == first.pages


def test_corrupt_cache_warns_and_rebuilds_fully_and_correctly(make_site, build, run_cli, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    first = build(root)
    good = snapshot(root / "public")
    (cache,) = (root / ".newsgen-cache").glob("build-*.marshal")
    cache.write_bytes(b"\x80\x05not really a build cache")
    edit(root / "content/politics/two.md", "More text.", "More text, edited while the cache was broken.")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "full build" in result.stderr
    assert f"{first.pages} rendered" in result.stdout
    after = snapshot(root / "public")
    assert after.keys() == good.keys()
    changed = {k for k in good if good[k] != after[k]}
    assert "politics/two/index.html" in changed
    # and the next build trusts the fresh cache again
    assert build(root).rendered == 0


def without_latest_list(html: bytes) -> bytes:
    """An article page without the items of its Latest News aside: by design (issue 5) archived article
    pages are not rewritten when Latest News changes; latest.js refreshes the list from latest-news.json."""
    import lxml.html

    doc = lxml.html.fromstring(html)
    for ol in doc.xpath("//aside[@data-latest]//ol"):
        ol.clear()
    return lxml.html.tostring(doc)


def test_incremental_output_equals_a_clean_build(make_site, build, snapshot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    edit(root / "content/politics/three.md", "The lead paragraph.", "A new lead paragraph, longer than before.")
    (root / "content/politics/seven.md").write_text(
        make_site.article("Seven", date="2025-03-07 09:00"), encoding="utf-8"
    )
    (root / "content/sports/five.md").unlink()
    build(root)
    clean = tmp_path / "clean"
    build(root, out=clean)
    incremental, fresh = snapshot(root / "public"), snapshot(clean)
    assert incremental.keys() == fresh.keys()
    article_pages = {f"{a.section}/{a.slug}/index.html" for a in _articles(root)}
    differ = sorted(k for k in fresh if incremental[k] != fresh[k])
    assert [k for k in differ if k not in article_pages] == []  # 404.html shows Latest News too, with no script
    for k in differ:
        assert without_latest_list(incremental[k]) == without_latest_list(fresh[k]), k


def _articles(root: Path) -> list:  # type: ignore[type-arg]
    from newsgen.config import load_config
    from newsgen.content.discover import discover
    from newsgen.content.parse import parse_file

    config = load_config(root)
    return [a for a in (parse_file(root, rel, config)[0] for rel in discover(root)) if a is not None]


def generated_site(make_site, n: int) -> Path:  # type: ignore[no-untyped-def]
    sections = ("Politics", "Sports", "Culture")
    files = {}
    for i in range(n):
        day = 1 + i % 28
        files[f"content/{sections[i % 3].lower()}/2024/story-{i:03}.md"] = make_site.article(
            f"Story number {i}",
            section=sections[i % 3],
            date=f"2024-{1 + i // 28 % 12:02}-{day:02} {i % 24:02}:{i % 60:02}",
            tags=[f"Tag {i % 7}", f"Topic {i % 11}"],
            author=f"Writer {i % 5}",
            body=f"Lead paragraph of story {i}.\n\n## Details\n\nMore about *story {i}*.\n",
        )
    return make_site(files)


class _CountingPools:
    """Counts the process pools a build starts (to know the parallel path really ran)."""

    def __init__(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        from newsgen.parallel import executor, prerender

        self.count = 0
        real = executor.forked_pool
        outer = self

        class Counting(real):  # type: ignore[misc,valid-type]
            def __init__(self, jobs, state):  # type: ignore[no-untyped-def]
                outer.count += 1
                super().__init__(jobs, state)

        monkeypatch.setattr(executor, "forked_pool", Counting)
        monkeypatch.setattr(prerender, "forked_pool", Counting)


def test_parallel_and_serial_builds_are_byte_identical(make_site, build, snapshot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newsgen.parallel import PARALLEL_MIN

    root = generated_site(make_site, 200)
    pools = _CountingPools(monkeypatch)
    serial = build(root, out=tmp_path / "serial", jobs=1)
    assert pools.count == 0
    parallel = build(root, out=tmp_path / "parallel", jobs=2)
    assert pools.count > 0  # the parallel path really ran
    assert serial.pages == parallel.pages > PARALLEL_MIN
    assert serial.articles == parallel.articles == 200
    one, two = snapshot(tmp_path / "serial"), snapshot(tmp_path / "parallel")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    monkeypatch.setattr("newsgen.render.cards.IN_MEMORY_MAX", 0)  # (a big site's: its cards in spool files)
    build(root, out=tmp_path / "spooled", jobs=2)
    assert snapshot(tmp_path / "spooled") == one


def test_first_build_renders_bodies_ahead_byte_identical(make_site, build, snapshot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A first parallel build renders article bodies in a pool of their own while the site model and
    the plan are made; the pages are the serial build's, and the spool files are gone afterwards."""
    import tempfile

    from newsgen.parallel import prerender

    root = generated_site(make_site, 200)
    monkeypatch.setattr(prerender, "PRERENDER_MIN", 100)
    monkeypatch.setattr("newsgen.parallel.PRERENDER_MIN", 100)
    spool_parent = tmp_path / "tmp"
    spool_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_parent))
    used = _count_spooled(monkeypatch)  # bodies spooled, per build that rendered bodies ahead
    build(root, out=tmp_path / "serial", jobs=1)
    assert used == []
    build(root, out=tmp_path / "parallel", jobs=2)
    assert used[-1] == 200  # every article's body was rendered ahead (the pages take it: see below)
    one, two = snapshot(tmp_path / "serial"), snapshot(tmp_path / "parallel")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    assert list(spool_parent.iterdir()) == []
    # an incremental build has page fingerprints: it renders few pages, and no bodies ahead
    story = root / "content/politics/2024/story-000.md"
    story.write_text(story.read_text().replace("More about", "Much more about"))  # the body only
    used.clear()
    edit = build(root, out=tmp_path / "parallel", jobs=2)
    assert used == []
    assert edit.rendered == 1  # the cache the first build saved (encoded ahead) knew every page
    # no temp folder to write to: a first build still succeeds, its pages rendering their bodies
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    build(root, out=tmp_path / "third", jobs=2)
    assert snapshot(tmp_path / "third") == snapshot(tmp_path / "parallel")


def test_first_build_renders_bodies_from_the_markdown_the_parse_spooled(make_site, build, snapshot, tmp_path,
                                                                        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A first parallel build's parse stage spools each article's Markdown body as it parses the file;
    the bodies rendered ahead take it from there (their files are not read again), the pages are the
    serial build's, and the spool folder is gone afterwards. A file saved in the last seconds is not
    spooled: its page reads it again and checks it is what was parsed (a second save in the same second
    has the same stamp on some file systems: only that check sees it). When the bodies are not rendered
    ahead (the parse found errors) the spool is removed too."""
    import tempfile
    import time

    from newsgen.content import body, collect, source
    from newsgen.parallel import prerender

    root = generated_site(make_site, 150)
    (root / "content/sports/2024/story-001.md").write_bytes(  # CRLF line ends and non-ASCII text
        (root / "content/sports/2024/story-001.md").read_text().replace("More about", "Más sobre").replace(
            "\n", "\r\n").encode("utf-8"))
    hour_ago = time.time() - 3600
    for path in (root / "content").rglob("*.md"):
        os.utime(path, (hour_ago, hour_ago))
    monkeypatch.setattr("newsgen.parallel.PRERENDER_MIN", 100)
    spool_parent = tmp_path / "tmp"
    spool_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_parent))
    given: list[dict[str, str]] = []
    real_init = prerender.BodiesAhead.__init__

    def init(self, render, articles, jobs, markdown=None):  # type: ignore[no-untyped-def]
        assert markdown is not None
        given.append({k: markdown.read(k) for k in markdown.places})
        real_init(self, render, articles, jobs, markdown)

    monkeypatch.setattr(prerender.BodiesAhead, "__init__", init)
    reread = tmp_path / "reread"  # (appended to by any process that reads an article's body again)
    real_markdown = body.article_markdown

    def markdown(config, article):  # type: ignore[no-untyped-def]
        with reread.open("a") as f:
            f.write(article.source + "\n")
        return real_markdown(config, article)

    monkeypatch.setattr(body, "article_markdown", markdown)
    build(root, out=tmp_path / "serial", jobs=1)
    assert set(reread.read_text().split()) == {str(p.relative_to(root)) for p in (root / "content").rglob("*.md")}
    reread.unlink()
    build(root, out=tmp_path / "parallel", jobs=2)
    assert len(given) == 1 and len(given[0]) == 150
    for rel, text in given[0].items():
        assert text == source.split(source.decode((root / rel).read_bytes(), rel), rel).body
    assert not reread.exists()  # the pages and feeds took the bodies rendered ahead; those the spooled Markdown
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")
    assert list(spool_parent.iterdir()) == []

    # saved just now, then saved again while the build runs (the same size, and the same stamp, as a file
    # system that stamps in whole seconds gives it): not spooled, its page reads it again and the build stops
    recent = root / "content/culture/2024/story-002.md"
    recent.write_text(recent.read_text().replace("More about", "Some about"))
    stamped = recent.stat().st_mtime_ns
    real_parse = collect.parse_site

    def parse_then_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        parsed = real_parse(*args, **kwargs)
        recent.write_text(recent.read_text().replace("Some about", "SOME about"))
        os.utime(recent, ns=(stamped, stamped))
        return parsed

    monkeypatch.setattr(collect, "parse_site", parse_then_save)
    with pytest.raises(BuildError, match="changed while the site was being built"):
        build(root, out=tmp_path / "recent", jobs=2)
    assert str(recent.relative_to(root)) not in given[-1] and len(given[-1]) == 149
    monkeypatch.setattr(collect, "parse_site", real_parse)
    build(root, out=tmp_path / "recent", jobs=2)  # the next build publishes the last save
    assert "SOME about" in (tmp_path / "recent/culture/story-number-2/index.html").read_text()
    assert list(spool_parent.iterdir()) == []

    # a file with errors: the build stops after the site model, nothing rendered ahead, no spool left
    (root / "content/politics/2024/story-000.md").write_text("---\ntitle: x\n---\nno section, no date\n")
    before = len(given)
    with pytest.raises(BuildError):
        build(root, out=tmp_path / "third", jobs=2)
    assert len(given) == before
    assert list(spool_parent.iterdir()) == []


def test_bodies_ahead_with_images_and_failures(make_site, build, snapshot, png, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Photos are resized while the bodies are rendered ahead; a prerender pool that fails to start
    leaves no worker and no spool folder; one left by a killed build is removed; an exception
    mid-build leaves nothing staged."""
    import multiprocessing
    import tempfile

    from newsgen.content.body import article_html
    from newsgen.parallel import prerender

    root = generated_site(make_site, 150)
    (root / "static/images").mkdir(parents=True, exist_ok=True)
    (root / "static/images/shared.png").write_bytes(png(900, 600))
    for rel in sorted(str(p.relative_to(root)) for p in (root / "content").rglob("*.md"))[::3]:
        text = (root / rel).read_text(encoding="utf-8")
        (root / rel).write_text(text.replace("---\n", "---\nimage: /images/shared.png\n", 1), encoding="utf-8")
    monkeypatch.setattr("newsgen.parallel.PRERENDER_MIN", 100)
    spool_parent = tmp_path / "tmp"
    spool_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_parent))
    stale = spool_parent / "newsgen-bodies-999999999-x"  # no such process
    stale.mkdir()
    live = spool_parent / f"newsgen-bodies-{os.getppid()}-y"  # a running process's: kept
    live.mkdir()
    build(root, out=tmp_path / "serial", jobs=1)
    build(root, out=tmp_path / "ahead", jobs=2)
    assert any(p.suffix == ".webp" for p in (tmp_path / "ahead").rglob("*"))
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "ahead")
    assert sorted(p.name for p in spool_parent.iterdir()) == [live.name]

    # the pool fails to start half-way (a process limit): no prerender, no worker left, no folder
    real_chunks = prerender.chunks

    def failing(items, jobs, smallest=16):  # type: ignore[no-untyped-def]
        chunks = real_chunks(items, jobs, smallest)
        yield next(chunks)
        raise BlockingIOError("fork: resource temporarily unavailable")

    monkeypatch.setattr(prerender, "chunks", failing)
    pre = None
    with pytest.raises(BlockingIOError):
        pre = prerender.BodiesAhead(functools.partial(article_html, _config(root)), _articles(root), 2)
    assert pre is None and multiprocessing.active_children() == []
    assert sorted(p.name for p in spool_parent.iterdir()) == [live.name]
    monkeypatch.setattr(prerender, "chunks", real_chunks)

    # an exception while pages render (a worker killed, Ctrl-C): nothing staged is left behind
    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr("newsgen.render.pages.render_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(root, out=tmp_path / "broken", jobs=2)
    assert [p for p in (tmp_path / "broken").rglob("*") if p.is_file()] == []
    assert sorted(p.name for p in spool_parent.iterdir()) == [live.name]
    assert multiprocessing.active_children() == []


def _config(root: Path):  # type: ignore[no-untyped-def]
    from newsgen.config import load_config

    return load_config(root)


def test_bodies_ahead_are_what_the_page_would_render(make_site) -> None:  # type: ignore[no-untyped-def]
    import os

    from newsgen.config import load_config
    from newsgen.content.body import Bodies, article_html
    from newsgen.parallel import BodiesAhead, Spool

    root = generated_site(make_site, 60)
    config = load_config(root)
    articles = _articles(root)
    (root / articles[5].source).write_text("changed after parsing\n")  # left out: its page reports it
    pre = BodiesAhead(functools.partial(article_html, config), articles, 2)
    try:
        spool = pre.spool()
        assert set(spool.places) == {a.source for a in articles} - {articles[5].source}
        ahead, now = Bodies(config, spool), Bodies(config)
        for a in articles:
            if a.source in spool.places:
                assert ahead.html(a) == now.html(a)
        path, offset, length = spool.places[articles[0].source]
        spool.close()  # (the file is read again through a new descriptor below)
        with open(path, "r+b") as f:  # the page really takes the spooled body
            f.seek(offset)
            f.write(b"<p>x</p>".ljust(length))
        assert ahead.html(articles[0]).startswith("<p>x</p>")
        short = Spool({articles[0].source: (path, offset, length + 10**6)})
        assert Bodies(config, short).html(articles[0]) == now.html(articles[0])  # a short read: rendered again
        short.close()
    finally:
        pre.close()
    assert not os.path.exists(pre.folder)
    assert spool._readers._fds == {}  # closed before the files were deleted


def test_cards_rendered_up_front_are_the_ones_pages_ask_for(make_site, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A parallel build renders each card its article and listing pages show once, before the
    pages; a worker seeded with them renders no card itself, and the pages come out the same."""
    from newsgen.config import load_config
    from newsgen.content.body import Bodies
    from newsgen.dates import now
    from newsgen.pages import plan
    from newsgen.parallel import Executor
    from newsgen.render.cards import CardStore, cards_to_warm, cards_up_front
    from newsgen.render.environment import make_env
    from newsgen.render.helpers import Helpers
    from newsgen.render.inputs import RenderInputs
    from newsgen.render.pages import Renderer
    from newsgen.site import build_site

    root = generated_site(make_site, 200)
    config = load_config(root)
    site, _ = build_site(_articles(root), config)
    specs = plan(site, config, now(config.tz))
    inputs = RenderInputs(config=config, site=site, now=now(config.tz), bodies=Bodies(config))
    warm = cards_to_warm(specs, inputs, make_env(config))
    related = (("level", 3), ("summary", False))
    listed = (("level", 2),)
    assert {v for _, v in warm} == {related, listed}
    assert {i for i, v in warm if v == related} == {j for i in range(200) for j in site.related[i]}
    assert {i for i, v in warm if v == listed} == set(range(200))  # every story is on its section's pages
    cards = dict(Renderer(inputs).helpers.render_cards([(site.articles[i], v) for i, v in warm]))
    assert len(cards) == len(warm)

    seeded = Renderer(inputs, cards={k: Markup(v) for k, v in cards.items()})
    plain = Renderer(inputs)
    asked: list[str] = []
    real_fragment = Helpers._fragment

    def counting(self, template, key, keep=True, **variables):  # type: ignore[no-untyped-def]
        seeded = self._seeded is not None and self._seeded.get((template, *key)) is not None
        if (template, *key) not in self._fragments and not seeded:
            asked.append(template)
        return real_fragment(self, template, key, keep, **variables)

    Helpers._fragment = counting  # type: ignore[method-assign]
    try:
        pages = [s for s in specs if s.kind in ("article", "listing")]
        assert [seeded.render(s) for s in pages] == [plain.render(s) for s in pages]
    finally:
        Helpers._fragment = real_fragment  # type: ignore[method-assign]
    assert asked.count("_card.html") == len(warm)  # all by the unseeded renderer
    assert cards_to_warm(specs[:20], inputs, make_env(config)) == []  # too few
    # a constant call card() does not take: no card up front, no crash (the page reports it)
    assert Renderer(inputs).helpers.render_cards([(site.articles[0], (("size", "s"),))]) == []

    # over a pool, up to IN_MEMORY_MAX cards: kept in this process's memory (the page workers inherit them)
    with cards_up_front(specs, inputs, Executor(2)) as kept:
        assert isinstance(kept, dict) and kept == cards
    # past it: the cards go to spool files (not this process's memory), are read back the same, and the
    # files are gone afterwards
    monkeypatch.setattr("newsgen.render.cards.IN_MEMORY_MAX", len(warm) - 1)
    with cards_up_front(specs, inputs, Executor(2)) as store:
        assert isinstance(store, CardStore) and len(store) == len(warm)
        assert all(store.get(key) == html for key, html in cards.items())
        assert store.get(("_card.html", "content/missing.md", 3, True, False, False)) is None
        folder = os.path.dirname(store._files[0])
    assert not os.path.exists(folder) and store._readers._fds == {}


def test_parsing_in_the_pool_keeps_what_each_article_depends_on(make_site, png) -> None:  # type: ignore[no-untyped-def]
    """The workers make the cache entries: stamps, and the digest of the image an article names,
    as a serial parse does (a changed image must re-parse the articles that show it)."""
    from newsgen.config import load_config
    from newsgen.content.collect import parse_site
    from newsgen.incremental import snapshot
    from newsgen.incremental.state import State
    from newsgen.parallel import PARALLEL_MIN, Executor

    root = generated_site(make_site, PARALLEL_MIN + 10)
    (root / "static/images").mkdir(parents=True, exist_ok=True)
    (root / "static/images/shared.png").write_bytes(png(32, 24))
    rels = sorted(str(p.relative_to(root)) for p in (root / "content").rglob("*.md"))
    for rel in rels[::3]:
        text = (root / rel).read_text(encoding="utf-8")
        (root / rel).write_text(text.replace("---\n", "---\nimage: /images/shared.png\n", 1), encoding="utf-8")
    config = load_config(root)
    stamps = snapshot.take(root).stamps
    serial, pooled = State(), State()
    parse_site(root, config, stamps, serial, Executor(1))
    parse_site(root, config, stamps, pooled, Executor(2))
    assert serial.parsed == pooled.parsed and len(pooled.parsed) == len(rels)
    with_image = [e for e in pooled.parsed.values() if e.article is not None and e.article.image is not None]
    assert len(with_image) == len(rels[::3])
    assert all(any(st[0] == "static/images/shared.png" and len(dg) == 24 for st, dg in e.deps) for e in with_image)


def test_a_big_first_parse_keeps_repeated_values_once_and_its_cache_whole(make_site, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Memory at a million articles: the parse workers each send their own copy of every string; a
    section, author, tag or photo's file is kept once. Above KEEP_PACKED_MAX files the articles'
    packed tuples are not kept for the save, which packs them again: the cache reads back the same.
    Each file's path is the walk's string (the key, the stamp's, the article's source), not the worker's copy."""
    import newsgen.content.collect as collect
    from newsgen.config import load_config
    from newsgen.incremental import cache, snapshot
    from newsgen.incremental.state import State
    from newsgen.parallel import PARALLEL_MIN, Executor

    root = generated_site(make_site, PARALLEL_MIN + 10)
    config = load_config(root)
    stamps = snapshot.take(root).stamps
    kept, dropped = State(), State()
    collect.parse_site(root, config, stamps, kept, Executor(2))
    monkeypatch.setattr(collect, "KEEP_PACKED_MAX", 10)
    collect.parse_site(root, config, stamps, dropped, Executor(2))
    assert kept.parsed == dropped.parsed
    assert all(e.packed is not None for e in kept.parsed.values())
    assert all(e.packed is None for e in dropped.parsed.values())
    articles = [e.article for e in dropped.parsed.values() if e.article is not None]
    seen: dict[object, object] = {}
    for a in articles:
        for value in (a.section, a.authors, *a.tags):
            assert seen.setdefault(value, value) is value, f"{value!r} is kept once"
    walked = {rel: rel for rel in stamps}  # each file's path as the walk made it, and its stamp's numbers
    for rel, e in dropped.parsed.items():
        assert rel is walked[rel] and e.stamp[0] is rel and e.article is not None and e.article.source is rel
        assert e.stamp[1:] == stamps[rel] and all(x is y for x, y in zip(e.stamp[1:], stamps[rel], strict=True))
    out = tmp_path / "public"
    cache.save(root, out, cache.encode(root, out, dropped))
    back, warning = cache.load(root, out)
    assert warning is None and back.parsed == kept.parsed


def test_incremental_edit_in_a_larger_site(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = generated_site(make_site, 60)
    build(root)
    assert build(root).rendered == 0
    edit(root / "content/politics/2024/story-000.md", "More about", "Much more about")
    result = build(root)
    # story 0 is the oldest of all: in its section's feed (20 items of 20), not in the site feed
    assert result.changed == ["politics/atom.xml", "politics/feed.json", "politics/feed.xml",
                              "politics/story-number-0/index.html"]


# ---------------------------------------------------------------------------- the no-change fast path


def _cache_must_not_load(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fail the build if it goes past the input snapshot (the fast path never loads the cache)."""
    import newsgen.incremental.cache

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the build cache was loaded: the fast path was not taken")

    monkeypatch.setattr(newsgen.incremental.cache, "load", refuse)


def _count_cache_loads(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """A list that gets one item each time a build loads the build cache (goes past the snapshot)."""
    import newsgen.incremental.cache

    calls: list[int] = []
    real_load = newsgen.incremental.cache.load
    monkeypatch.setattr(newsgen.incremental.cache, "load", lambda *a, **k: calls.append(1) or real_load(*a, **k))
    return calls


def test_no_change_stops_at_the_input_snapshot(make_site, build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    first = build(root)
    _cache_must_not_load(monkeypatch)
    second = build(root)
    assert (second.articles, second.pages, second.unchanged) == (first.articles, first.pages, first.pages)
    assert (second.rendered, second.written, second.changed, second.removed) == (0, 0, [], [])


def _touch_article(root: Path) -> None:
    edit(root / "content/culture/six.md", "More text.", "More text!")


def _delete_output(root: Path) -> None:
    (root / "public/culture/six/index.html").unlink()


def _new_static_file(root: Path) -> None:
    (root / "static").mkdir(exist_ok=True)
    (root / "static/robots-note.txt").write_text("hello\n", encoding="utf-8")


def _template_override(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/404.html").write_text('{% extends "theme/404.html" %}', encoding="utf-8")


def _config_change(root: Path) -> None:
    with (root / "newsgen.yaml").open("a", encoding="utf-8") as f:
        f.write("feed_full_content: false\n")


def _new_image_in_bundle_folder(root: Path) -> None:
    (root / "content/culture/extra.txt").write_text("x", encoding="utf-8")


@pytest.mark.parametrize("change", [_touch_article, _delete_output, _new_static_file, _template_override,
                                    _config_change, _new_image_in_bundle_folder])
def test_any_input_change_goes_past_the_snapshot(make_site, build, monkeypatch, change) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    calls = _count_cache_loads(monkeypatch)
    change(root)
    build(root)
    assert calls == [1]
    assert (root / "public/culture/six/index.html").is_file()


@pytest.mark.parametrize("options", [{"drafts": True}, {"future": True}, {"base_url": "https://other.example/"}])
def test_other_options_go_past_the_snapshot(make_site, build, monkeypatch, options) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    calls = _count_cache_loads(monkeypatch)
    build(root, **options)
    assert calls == [1]


def test_another_output_folder_is_built_in_full(make_site, build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = small_site(make_site)
    build(root)
    other = build(root, out=tmp_path / "elsewhere")
    assert other.rendered == other.pages


def test_a_scheduled_article_is_published_when_its_time_comes(make_site, freeze_clock, site_tz) -> None:  # type: ignore[no-untyped-def]
    """Nothing changed on disk, but the clock passed the scheduled time: the build publishes it."""
    import datetime as dt

    from newsgen.build import BuildOptions, build

    a = make_site.article
    root = make_site({"content/politics/now.md": a("Now", date="2025-06-15 09:00"),
                      "content/politics/later.md": a("Later", date="2025-06-15 15:00")})
    freeze_clock(dt.datetime(2025, 6, 15, 12, 0, tzinfo=site_tz))
    build(root, BuildOptions(jobs=1))
    build(root, BuildOptions(jobs=1))  # fast path: nothing to do
    assert not (root / "public/politics/later/index.html").exists()
    freeze_clock(dt.datetime(2025, 6, 15, 15, 1, tzinfo=site_tz))
    result = build(root, BuildOptions(jobs=1))
    assert (root / "public/politics/later/index.html").is_file()
    assert result.articles == 2


@pytest.mark.parametrize("how", ["build --preview with its cache", "newsgen serve's session"])
def test_in_the_preview_a_scheduled_story_loses_its_badge_when_it_is_due(make_site, freeze_clock, site_tz,  # type: ignore[no-untyped-def]
                                                                          tmp_path, how) -> None:
    """The preview shows scheduled stories with a "Scheduled" badge, on their page and their cards. When
    the clock passes a story's time (nothing changed on disk), the next preview build takes the badge
    off every page that shows it: what a preview build without a cache makes then."""
    import datetime as dt

    from tests.e2e.newsroom import assert_same, output_of

    from newsgen.build import BuildOptions, build
    from newsgen.serve.clients import Hub
    from newsgen.serve.rwlock import ReadWriteLock
    from newsgen.serve.session import Session

    a = make_site.article
    files = {f"content/politics/s{i}.md": a(f"Story {i}", date=f"2025-06-1{i} 10:00", tags=["Floods"]) for i in range(5)}
    files["content/politics/later.md"] = a("Later story", date="2025-06-15 18:00", tags=["Floods"])
    root = make_site(files, extra_config="shared_latest_news: false\n")
    out = tmp_path / "preview"
    freeze_clock(dt.datetime(2025, 6, 15, 12, 0, tzinfo=site_tz))
    session = Session(root, out, Hub(), ReadWriteLock()) if how == "newsgen serve's session" else None
    if session is not None:
        assert session.first() is not None
    else:
        build(root, BuildOptions(out=out, preview=True, jobs=1))
    assert "badge-scheduled" in (out / "politics/later-story/index.html").read_text(encoding="utf-8")
    freeze_clock(dt.datetime(2025, 6, 15, 18, 5, tzinfo=site_tz))
    if session is not None:  # the preview looks again when idle: the clock passed its last build's horizon
        assert session.verify() is not None
    else:
        build(root, BuildOptions(out=out, preview=True, jobs=1))
    build(root, BuildOptions(out=tmp_path / "reference", preview=True, jobs=1))
    assert_same(output_of(out), output_of(tmp_path / "reference"))
    assert not [p for p in out.rglob("*.html") if "badge-scheduled" in p.read_text(encoding="utf-8")]


def test_a_story_leaves_the_news_sitemap_after_two_days(make_site, freeze_clock, site_tz) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from newsgen.build import BuildOptions, build

    a = make_site.article
    root = make_site({"content/politics/now.md": a("Fresh news", date="2025-06-15 09:00")})
    freeze_clock(dt.datetime(2025, 6, 15, 12, 0, tzinfo=site_tz))
    build(root, BuildOptions(jobs=1))
    assert "politics/fresh-news/" in (root / "public/news-sitemap.xml").read_text(encoding="utf-8")
    freeze_clock(dt.datetime(2025, 6, 17, 10, 0, tzinfo=site_tz))
    build(root, BuildOptions(jobs=1))
    assert "politics/fresh-news/" not in (root / "public/news-sitemap.xml").read_text(encoding="utf-8")


def test_the_footer_year_changes_on_new_year(make_site, freeze_clock, site_tz, parse_html) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from newsgen.build import BuildOptions, build

    root = make_site({"content/politics/x.md": make_site.article("X", date="2025-06-15 09:00")})
    freeze_clock(dt.datetime(2025, 12, 31, 23, 0, tzinfo=site_tz))
    build(root, BuildOptions(jobs=1))
    freeze_clock(dt.datetime(2026, 1, 1, 0, 5, tzinfo=site_tz))
    result = build(root, BuildOptions(jobs=1))
    assert result.rendered == result.pages
    footer = parse_html(root / "public/index.html").find(".//footer")
    assert "2026" in "".join(footer.itertext())


def test_a_body_edit_reuses_the_site_model_and_gives_the_same_site_as_a_full_build(
        make_site, build, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import newsgen.site

    root = small_site(make_site)
    build(root)
    calls = []
    real = newsgen.site.build_site
    monkeypatch.setattr(newsgen.site, "build_site", lambda *a, **k: calls.append(1) or real(*a, **k))
    edit(root / "content/politics/three.md", "More text.", "More text, and an edit.")
    result = build(root)
    assert calls == [] and sorted(result.changed) == ["politics/atom.xml", "politics/feed.json", "politics/feed.xml",
                                                      "politics/three/index.html"]
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(".newsgen-cache", "public"))
    build(fresh)
    for page in (root / "public").rglob("*"):
        if page.is_file():
            assert page.read_bytes() == (fresh / "public" / page.relative_to(root / "public")).read_bytes(), page
    # a title edit changes what lists show: the site model is computed again
    calls.clear()
    edit(root / "content/politics/three.md", "title: \"Three\"", "title: \"Three, renamed\"")
    build(root)
    assert calls == [1]


def test_an_edit_does_not_load_pillow_for_images_it_already_knows(make_site, png) -> None:  # type: ignore[no-untyped-def]
    """Image sizes come back from the cache with the articles (same file version): an edit of an
    article with a lead image re-parses it without importing Pillow (50-100 ms of the edit)."""
    import subprocess
    import sys

    root = make_site({"content/politics/one.md": make_site.article("One", image="/images/lead.png")})
    (root / "static/images").mkdir(parents=True, exist_ok=True)
    (root / "static/images/lead.png").write_bytes(png(640, 480))
    probe = ("import sys; from pathlib import Path; from newsgen.build import build, BuildOptions; "
             "r = build(Path(sys.argv[1]), BuildOptions(jobs=1)); print(r.rendered, 'PIL' in sys.modules)")

    def build_apart() -> list[str]:  # a process of its own, as `newsgen build` is
        done = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True, check=True)
        return done.stdout.split()

    assert build_apart()[1] == "True"  # the first build reads the image and makes its variants
    edit(root / "content/politics/one.md", "More text.", "More text, and an update.")
    assert build_apart() == ["7", "False"]  # its page and the two feeds that carry it, in three formats
    page = (root / "public/politics/one/index.html").read_text(encoding="utf-8")
    assert 'width="640" height="480"' in page and "and an update" in page


def test_a_new_story_without_raw_html_does_not_load_the_sanitizer(make_site) -> None:  # type: ignore[no-untyped-def]
    """nh3 is imported when a body first has raw HTML (~5 ms of a new story's build otherwise); a story
    with raw HTML still goes through it: its script is gone from the page."""
    import subprocess
    import sys

    root = make_site({"content/politics/one.md": make_site.article("One")})
    probe = ("import sys; from pathlib import Path; from newsgen.build import build, BuildOptions; "
             "r = build(Path(sys.argv[1]), BuildOptions(jobs=1)); print(r.rendered > 0, 'nh3' in sys.modules)")

    def build_apart() -> list[str]:  # a process of its own, as `newsgen build` is
        done = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True, check=True)
        return done.stdout.split()

    assert build_apart() == ["True", "False"]
    (root / "content/politics/two.md").write_text(make_site.article("Two", body="Plain *Markdown* only."),
                                                  encoding="utf-8")
    assert build_apart() == ["True", "False"]
    (root / "content/politics/three.md").write_text(
        make_site.article("Three", body='Raw <b onclick="x()">HTML</b><script>alert(1)</script> here.'),
        encoding="utf-8")
    assert build_apart() == ["True", "True"]
    page = (root / "public/politics/three/index.html").read_text(encoding="utf-8")
    body = page.split('<div class="story-body">', 1)[1].split("</div>", 1)[0]
    assert "<b>HTML</b>" in body and "<script" not in body and "onclick" not in body


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".newsgen-output"}


@pytest.mark.parametrize("how", ["delta file lost", "killed after publishing"])
def test_an_output_the_cache_did_not_write_is_rendered_again(make_site, build, tmp_path, monkeypatch, how) -> None:  # type: ignore[no-untyped-def]
    """The build cache says what each page of the output was made from; when it is not the cache of the
    build that wrote the output (its delta file lost: the state falls back to the full file, older than the
    output; or a build killed after it published, before it saved), a page whose inputs went back to what
    that older state remembers must still be written again: every page is compared, the output is a
    clean build's."""
    from newsgen.incremental import cache

    root = make_site({"content/politics/one.md": make_site.article("One", body="The first version.\n"),
                      "content/politics/two.md": make_site.article("Two", date="2025-03-18 09:00")})
    build(root)
    edit(root / "content/politics/one.md", "The first version.", "The second version.")
    if how == "delta file lost":
        build(root)
        assert cache.delta_file(root, root / "public").is_file()  # (an edit saves a delta)
        cache.delta_file(root, root / "public").unlink()
    else:
        def killed(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(cache, "save", killed)
        with pytest.raises(KeyboardInterrupt):
            build(root)
        monkeypatch.undo()
    assert "The second version." in (root / "public/politics/one/index.html").read_text("utf-8")
    edit(root / "content/politics/one.md", "The second version.", "The first version.")  # undone
    build(root)
    build(root, out=tmp_path / "clean")
    assert _files(root / "public") == _files(tmp_path / "clean")


def test_an_empty_output_with_a_cache_renders_bodies_ahead_too(make_site, build, snapshot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: a CI runner that restores the cache but not the output renders every page, so it must be
    no slower than a cold build: the bodies are rendered ahead as on a first build, same output."""
    import shutil


    root = generated_site(make_site, 200)
    monkeypatch.setattr("newsgen.parallel.PRERENDER_MIN", 100)
    build(root, jobs=2)
    first = snapshot(root / "public")
    spooled = _count_spooled(monkeypatch)
    shutil.rmtree(root / "public")
    result = build(root, jobs=2)
    assert spooled == [200] and result.rendered == result.pages
    assert snapshot(root / "public") == first


def _count_spooled(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """How many bodies each build rendered ahead (appended when a build takes its spool)."""
    from newsgen.parallel import prerender

    counts: list[int] = []
    real_spool = prerender.BodiesAhead.spool

    def spool(self):  # type: ignore[no-untyped-def]
        found = real_spool(self)
        counts.append(len(found.places))
        return found

    monkeypatch.setattr(prerender.BodiesAhead, "spool", spool)
    return counts
