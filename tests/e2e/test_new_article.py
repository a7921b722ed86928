"""Publishing one article must not rewrite the archive (issue 5, point 4), and a fresh checkout of
an unchanged site must not rewrite anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.build import BuildOptions, build

SECTIONS = ("politics", "sports", "culture")
TAGS = ("Harbour", "Budget", "Festivals", "Rail", "Rice")


def _write(root: Path, i: int, day: int) -> None:
    section = SECTIONS[i % 3]
    tags = ", ".join({TAGS[i % 5], TAGS[(i * 7) % 5]})
    (root / "content" / section / f"story-{i:03d}.md").write_text(
        f"---\ntitle: Story number {i}\nsection: {section.title()}\nauthor: Writer {i % 4}\n"
        f"date: 2025-{1 + day // 28:02d}-{1 + day % 28:02d} 10:00\ntags: [{tags}]\n---\n\nBody of story {i}.\n",
        encoding="utf-8")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "newsgen.yaml").write_text(
        "title: T\nbase_url: https://e.org/\ntimezone: UTC\nper_page: 5\nlatest_news: 5\n"
        "sections: [Politics, Sports, Culture]\n", encoding="utf-8")
    for s in SECTIONS:
        (tmp_path / "content" / s).mkdir(parents=True)
    for i in range(120):
        _write(tmp_path, i, i)
    build(tmp_path, BuildOptions(jobs=1))
    return tmp_path


def _mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_one_new_article_rewrites_only_the_pages_that_show_it(archive: Path) -> None:
    out = archive / "public"
    before = _mtimes(out)
    _write(archive, 120, 130)  # the newest story: politics, tags Harbour (+ Harbour)
    result = build(archive, BuildOptions(jobs=1))
    after = _mtimes(out)
    written = {f for f in after if before.get(f) != after[f]} - {".newsgen-output"}  # the manifest: + the new files
    articles = [f for f in written if f.count("/") == 2 and f.endswith("/index.html")
                and f.split("/")[0] in SECTIONS]
    # the new page, and the previous newest politics story (its "Next" link)
    assert sorted(articles) == ["politics/story-number-117/index.html", "politics/story-number-120/index.html"]
    # front pages of its section, tag and author listing; no archive page moved. Once per per_page
    # articles a listing gains an archive page: then that page is new, and the one below it gains
    # a "Newer" link to it.
    for f in (f for f in written if "/page/" in f):
        base, number = f.rsplit("/page/", 1)
        n = int(number.split("/")[0])
        assert f not in before or f"{base}/page/{n + 1}/index.html" not in before, f
    assert {"index.html", "politics/index.html", "tags/harbour/index.html", "authors/writer-0/index.html",
            "feed.xml", "politics/feed.xml", "sitemap.xml", "latest-news.json"} <= written
    assert len(written) <= 18, sorted(written)  # (the feeds in three formats: RSS, Atom, JSON Feed)
    assert len(written) <= 0.1 * len(after)
    assert result.written == len(written)


def test_classic_pagination_shifts_every_page(archive: Path) -> None:
    cfg = archive / "newsgen.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "pagination: classic\n", encoding="utf-8")
    build(archive, BuildOptions(jobs=1))
    before = _mtimes(archive / "public")
    _write(archive, 120, 130)
    build(archive, BuildOptions(jobs=1))
    after = _mtimes(archive / "public")
    moved = [f for f in after if "/page/" in f and f.startswith("politics/") and before.get(f) != after[f]]
    assert len(moved) == 8  # 41 politics stories, 5 a page: every page after the first shifts (and a 9th)


def test_a_fresh_checkout_of_an_unchanged_site_writes_nothing(archive: Path) -> None:
    """A new clone gives every file a new mtime: newsgen compares content, not just dates."""
    for dirpath, _, files in os.walk(archive / "content"):
        for name in files:
            os.utime(Path(dirpath) / name, ns=(1, 1))
    result = build(archive, BuildOptions(jobs=1))
    assert (result.rendered, result.written, result.removed) == (0, 0, [])


def test_an_article_saved_during_the_build_is_reported_not_mixed(archive: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies are read again at render time: a save in between must not give a page with the old
    title and the new body."""
    import newsgen.render.pages as workers_module
    from newsgen.errors import BuildError

    target = archive / "content" / "politics" / "story-000.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    real = workers_module.render_all

    def save_then_render(*args, **kwargs):  # type: ignore[no-untyped-def]
        target.write_text(target.read_text(encoding="utf-8").replace("Story number 0", "Renamed"), encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(workers_module, "render_all", save_then_render)  # build imports it when it runs
    before = _mtimes(archive / "public")
    with pytest.raises(BuildError) as info:
        build(archive, BuildOptions(jobs=1))
    assert [str(d) for d in info.value.diagnostics] == [
        "content/politics/story-000.md: the file changed while the site was being built (build again)"]
    assert _mtimes(archive / "public") == before
    monkeypatch.setattr(workers_module, "render_all", real)
    assert build(archive, BuildOptions(jobs=1)).rendered >= 1


def test_an_article_saved_while_it_is_parsed_is_read_again(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor saves while the build parses the file: the cache must not pair the new file's stamp
    with the text read before it (the next build would take that text as current). A draft made
    public in that moment stayed unpublished, build after build."""
    import newsgen.content.collect as collect

    target = archive / "content" / "politics" / "story-000.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("---\n\n", "draft: true\n---\n\n", 1), encoding="utf-8")
    real, saves = collect.read_and_parse, [text.replace("Story number 0", "Published at last")]

    def parse_then_save(root: Path, rel: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed = real(root, rel, *args, **kwargs)
        if rel.endswith("story-000.md") and saves:
            target.write_text(saves.pop(), encoding="utf-8")
        return parsed

    monkeypatch.setattr(collect, "read_and_parse", parse_then_save)
    build(archive, BuildOptions(jobs=1))  # it read the draft: nothing of it published
    assert not (archive / "public/politics/published-at-last").exists()
    monkeypatch.setattr(collect, "read_and_parse", real)
    build(archive, BuildOptions(jobs=1))
    assert (archive / "public/politics/published-at-last/index.html").is_file()


# ---------------------------------------------------------------------------- `newsgen new`, as written


def test_an_article_from_newsgen_new_shows_its_lead_once(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    """The file `newsgen new` writes, built as it is (a draft, previewed): headline, a standfirst, and the
    lead paragraph once (an empty or missing summary falls back to the lead, which the page then showed
    twice). Published as it is, with `--no-draft`, its placeholder text is an error."""
    from newsgen.newarticle import LEAD_PROMPT, SUMMARY_PROMPT

    root = make_site({})
    published = run_cli(["new", "Night bus runs until two", "--section", "Politics", "--no-draft"], root)
    assert published.exit_code == 0, published.stderr
    refused = run_cli(["build", "--jobs", "1"], root)
    assert refused.exit_code == 1 and not refused.traceback
    assert "still holds the placeholder text of newsgen new (write the summary and the lead" in refused.stderr
    Path(root / published.stdout.strip()).unlink()
    result = run_cli(["new", "Night bus runs until two", "--section", "Politics", "--author", "Mira Castell"], root)
    assert result.exit_code == 0, result.stderr
    assert run_cli(["build", "--jobs", "1", "--drafts"], root).exit_code == 0
    doc = parse_html(root / "public/politics/night-bus-runs-until-two/index.html")
    story = doc.find(".//article")
    assert story is not None
    texts = [" ".join(p.text_content().split()) for p in story.iter("p")]
    assert texts.count(LEAD_PROMPT) == 1, texts
    assert texts.count(SUMMARY_PROMPT) == 1, texts
    assert [" ".join(h.text_content().split()) for h in doc.iter("h1")] == ["Night bus runs until two"]
    standfirst = story.find(".//p[@class='standfirst']")
    first_body = story.find(".//div[@class='story-body']/p")
    assert standfirst is not None and first_body is not None
    assert standfirst.text_content().strip() != first_body.text_content().strip()
    assert first_body.text_content().strip() == LEAD_PROMPT


def test_an_image_replaced_while_its_article_is_parsed_is_read_again(make_site, png, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The photo is replaced (another size) after the parse read its size but before the build stamped
    it: the next build must not take the old size for the new file's."""
    from tests.conftest import article_text

    import newsgen.content.collect as collect

    root = make_site({"static/images/photo.png": png(40, 30),
                      "content/politics/harbour.md": article_text(title="Harbour", image="/images/photo.png",
                                                                  image_caption="The harbour.")})
    build(root, BuildOptions(jobs=1))
    story = root / "content/politics/harbour.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Harbour", "Harbour at dawn", 1), encoding="utf-8")
    real, swaps = collect.read_and_parse, [png(80, 50)]

    def parse_then_swap(*args, **kwargs):  # type: ignore[no-untyped-def]
        parsed = real(*args, **kwargs)
        if swaps:
            (root / "static/images/photo.png").write_bytes(swaps.pop())
        return parsed

    monkeypatch.setattr(collect, "read_and_parse", parse_then_swap)
    build(root, BuildOptions(jobs=1))
    monkeypatch.setattr(collect, "read_and_parse", real)
    build(root, BuildOptions(jobs=1))
    fresh = root.parent / "fresh"
    build(root, BuildOptions(out=fresh, jobs=1))
    page = "politics/harbour-at-dawn/index.html"
    assert (root / "public" / page).read_bytes() == (fresh / page).read_bytes()
