"""An edit of article bodies only takes the short way (incremental/bodyedit.py: the last build's plan,
the edited pages and the feeds fingerprinted again, the other articles left in the cache undecoded);
anything else takes the whole way. Either way the output is, byte for byte, what a serial build
without a cache makes of the same files. The real clock: the stories are dated around today, so
the two-day news sitemap and "scheduled" are live."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.newsroom import Newsroom, newsroom_files, when


def test_body_edits_take_the_short_way_and_write_what_a_full_build_writes(newsroom: Newsroom) -> None:
    newsroom.append("content/politics/story-12.md", "\nA paragraph the desk added.\n")
    result = newsroom.check(short=True)
    assert "politics/story-number-12/index.html" in result.changed
    assert {rel.rpartition("/")[2] for rel in result.changed} <= {"index.html", "feed.xml", "atom.xml", "feed.json"}
    assert len([rel for rel in result.changed if rel.endswith("index.html")]) == 1
    assert "A paragraph the desk added." in (newsroom.out / "politics/story-number-12/index.html").read_text("utf-8")

    # the newest story: in the site's and its section's feeds too
    newsroom.append("content/politics/story-0.md", "\nBreaking: a line added.\n")
    result = newsroom.check(short=True)
    assert result.rendered > 1 and "Breaking: a line added." in (newsroom.out / "feed.xml").read_text("utf-8")

    # two at once; a bundle's article; a story with an image and a summary of its own
    newsroom.append("content/sports/story-1.md", "\nOne.\n")
    newsroom.append("content/culture/lanterns/index.md", "\nTwo.\n")
    newsroom.append("content/politics/story-15.md", "\nThree.\n")
    newsroom.check(short=True)

    # a draft and a scheduled story are not on the site: nothing to render, their entries saved
    newsroom.append("content/politics/draft.md", "\nStill a draft.\n")
    newsroom.append("content/sports/scheduled.md", "\nPreview text.\n")
    assert newsroom.check(short=True).rendered == 0

    # the same bytes under a new mtime (a checkout)
    os.utime(newsroom.root / "content/sports/story-4.md", ns=(1, 1))
    assert newsroom.check(short=True).rendered == 0

    # saved by renaming a temporary file over it: the folder's stamp changes too
    path = newsroom.root / "content/culture/story-2.md"
    tmp = path.with_name(".story-2.md.tmp")
    tmp.write_text(path.read_text(encoding="utf-8") + "\nRenamed into place.\n", encoding="utf-8")
    os.replace(tmp, path)
    newsroom.check(short=True)

    # and after all that, the next build has nothing to do
    assert newsroom.build().rendered == 0

    # the whole way after short ones (its cache was saved by them), and a short one after it
    newsroom.append("content/culture/story-5.md", "\nBefore a headline.\n")
    if not newsroom.shared:  # (a headline changes every page's own Latest News list: see the fixture)
        newsroom.replace("content/sports/story-1.md", "Story number 1", "Story number one")
        newsroom.check(short=False)
    else:
        newsroom.check(short=True)
    newsroom.append("content/culture/story-5.md", "\nAfter it.\n")
    newsroom.check(short=True)


def test_a_clock_past_the_last_builds_horizon_takes_the_whole_way(newsroom: Newsroom, freeze_clock) -> None:  # type: ignore[no-untyped-def]
    """The scheduled story comes due a day from now: a body edit built then takes the whole way, and
    its output is what a cache-less build makes at that moment (the story is on the site)."""
    freeze_clock(dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=5))
    newsroom.append("content/politics/story-12.md", "\nA day later.\n")
    newsroom.whole_way()
    assert (newsroom.out / "sports/tomorrow-s-match/index.html").is_file()


@pytest.mark.parametrize("change", [
    "headline", "lead paragraph (the standfirst)", "tags", "date", "draft", "alias", "new article",
    "removed article", "static file", "template", "config", "output file removed", "error in a file",
    "bundle file", "renamed bundle file"])
def test_anything_else_takes_the_whole_way(newsroom: Newsroom, change: str) -> None:
    if newsroom.shared:
        pytest.skip("an article page's own Latest News list is left as it was, by design (see the fixture)")
    story = "content/politics/story-3.md"
    body_too = True
    if change == "headline":
        newsroom.replace(story, "Story number 3", "Story number three")
    elif change == "lead paragraph (the standfirst)":  # no summary: lists show the first paragraph
        newsroom.replace(story, "The lead paragraph of story 3.", "A new lead for story 3.")
        body_too = False
    elif change == "tags":
        newsroom.replace(story, '"rice", "exports"', '"rice", "harvest"')
    elif change == "date":
        newsroom.replace(story, "date: ", "date: 2020-01-01 10:00\nx_old_date: ")
    elif change == "draft":
        newsroom.replace(story, "---\n\n", "draft: true\n---\n\n")
    elif change == "alias":
        newsroom.replace(story, "---\n\n", 'aliases: ["/old/story-3/"]\n---\n\n')
    elif change == "new article":
        from tests.conftest import article_text

        (newsroom.root / "content/politics/fresh.md").write_text(article_text(title="Fresh", date=when(-0.01)), "utf-8")
    elif change == "removed article":
        (newsroom.root / "content/politics/story-6.md").unlink()
    elif change == "static file":
        (newsroom.root / "static/robots-note.txt").write_text("hello\n", "utf-8")
    elif change == "template":
        (newsroom.root / "templates").mkdir()
        (newsroom.root / "templates/article.html").write_text(
            '{% extends "base.html" %}{% block content %}<p>{{ article.title }}</p>{{ body }}{% endblock %}', "utf-8")
    elif change == "config":
        (newsroom.root / "newsgen.yaml").write_text(
            (newsroom.root / "newsgen.yaml").read_text("utf-8").replace("Test Gazette", "Test Herald"), "utf-8")
    elif change == "output file removed":
        (newsroom.out / "sports/story-number-1/index.html").unlink()
    elif change == "error in a file":
        newsroom.replace("content/sports/story-4.md", "section: ", "section: Nowhere\nx_section: ")
    elif change == "bundle file":
        (newsroom.root / "content/culture/lanterns/lantern.png").write_bytes(
            (newsroom.root / "static/images/photo.png").read_bytes())
        body_too = False
    elif change == "renamed bundle file":
        (newsroom.root / "content/culture/lanterns/lantern.png").rename(newsroom.root / "content/culture/lanterns/l.png")
        newsroom.replace("content/culture/lanterns/index.md", "lantern.png", "l.png")
        body_too = False
    if body_too:  # a body edit along with it does not make it short
        newsroom.append("content/politics/story-9.md", "\nAnd a body edit.\n")
    if change == "error in a file":
        from newsgen.errors import BuildError

        with pytest.raises(BuildError, match="Nowhere"):
            newsroom.build()
        return
    newsroom.check(short=False)


def test_the_real_program_takes_the_short_way(newsroom: Newsroom) -> None:
    newsroom.append("content/sports/story-7.md", "\nFrom the command line.\n")
    proc = subprocess.run([sys.executable, "-c", "from newsgen.cli import run; run()", "build", "-v", "--out",
                           str(newsroom.out)], cwd=newsroom.root, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    timings = next(line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("time: "))
    assert "start" in timings and "parse" not in timings and "site model" not in timings, timings
    assert "From the command line." in (newsroom.out / "sports/story-number-7/index.html").read_text("utf-8")


def test_a_clock_set_back_before_the_last_build_takes_the_whole_way(newsroom: Newsroom, freeze_clock) -> None:  # type: ignore[no-untyped-def]
    """A build a day ahead (another machine's clock) put the scheduled story on the site; with the clock
    back, a body edit must take it off again, as a cache-less build does (the snapshot keeps the
    clock its build saw: `snapshot.in_time`)."""
    real = dt.datetime.now(dt.UTC)
    freeze_clock(real + dt.timedelta(days=1, minutes=5))
    newsroom.append("content/politics/story-12.md", "\nA day later.\n")
    newsroom.last = newsroom.build()
    assert (newsroom.out / "sports/tomorrow-s-match/index.html").is_file()
    freeze_clock(real + dt.timedelta(minutes=1))
    newsroom.append("content/politics/story-12.md", "\nBack.\n")
    newsroom.whole_way()
    assert not (newsroom.out / "sports/tomorrow-s-match/index.html").exists()
    assert newsroom.build().rendered == 0  # and the no-change answer holds again at that clock


def test_editor_junk_beside_the_article_keeps_the_short_way(newsroom: Newsroom) -> None:
    """vim writes its swap file while the article is open: it is no input, so the edit is still short."""
    swap = newsroom.root / "content/politics/.story-12.md.swp"
    swap.write_bytes(b"vim swap 1")
    newsroom.append("content/politics/story-12.md", "\nEdited in vim.\n")
    newsroom.check(short=True)
    swap.write_bytes(b"vim swap 2, longer")
    newsroom.append("content/politics/story-12.md", "\nAgain.\n")
    newsroom.check(short=True)
    swap.unlink()
    newsroom.append("content/politics/story-12.md", "\nClosed.\n")
    newsroom.check(short=True)


def test_the_search_index_is_the_one_a_fresh_build_makes(make_site, png, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """search: true. Pagefind names its files by content: each build's index replaces the last one
    whole, so no file of an older index stays behind (the short way and the whole way alike)."""
    room = Newsroom(make_site(newsroom_files(png), extra_config="shared_latest_news: false\nsearch: true\n"), tmp_path)
    room.check(short=False)
    first = {p.name for p in (room.out / "pagefind").rglob("*") if p.is_file()}
    room.append("content/politics/story-12.md", "\nA paragraph with the word zanzibar.\n")
    room.check(short=True)
    room.replace("content/politics/story-0.md", "Story number 0", "Story number zero")
    room.check(short=False)
    last = {p.name for p in (room.out / "pagefind").rglob("*") if p.is_file()}
    assert first - last  # (the index changed: files of the first one are gone)
    assert not [p for p in room.out.iterdir() if p.name.startswith(".pagefind")]


@pytest.mark.parametrize("edit", ["body", "headline"])
def test_an_article_the_cache_cannot_give_means_a_full_build(newsroom: Newsroom, monkeypatch, edit: str) -> None:  # type: ignore[no-untyped-def]
    """The cache's articles are decoded after the file was read and checked: one that cannot be decoded
    all the same gives a warning and a full build, as a damaged file does, never a traceback."""
    from newsgen.incremental import codec

    real = codec.entry

    def entry(t, zones, common=None):  # type: ignore[no-untyped-def]
        if common is None:  # (read from the cache, not sent back by a parse worker)
            raise ValueError("damaged")
        return real(t, zones, common)

    monkeypatch.setattr(codec, "entry", entry)
    if edit == "body":
        newsroom.append("content/politics/story-12.md", "\nAn edit.\n")
    else:
        newsroom.replace("content/politics/story-12.md", "Story number 12", "Story number twelve")
    result = newsroom.build()
    assert any("build cache unreadable" in w for w in result.warnings), result.warnings
    assert result.rendered == result.pages  # (a full build)
    monkeypatch.setattr(codec, "entry", real)
    newsroom.compare()


def test_a_cache_that_could_not_be_saved_leaves_no_snapshot(newsroom: Newsroom, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The next build then looks at everything, instead of trusting an older cache beside a newer snapshot."""
    from newsgen.incremental import cache, snapshot

    monkeypatch.setattr(cache, "save", lambda root, out, encoded: f"{out}: cannot save the build cache (test)")
    newsroom.append("content/politics/story-12.md", "\nAn edit.\n")
    result = newsroom.build()
    assert any("cannot save the build cache" in w for w in result.warnings)
    assert snapshot.load(newsroom.root, newsroom.out) is None


def _manifest_reads(monkeypatch) -> list[Path]:  # type: ignore[no-untyped-def]
    """The output manifests read from disk from now on, as a fresh `newsgen build` process reads them (the
    one read last, which a process keeps while the file is unchanged, forgotten)."""
    from newsgen import output

    monkeypatch.setattr(output, "_LAST_READ", {})
    reads: list[Path] = []
    real = output.Manifest._read

    def counted(path: Path) -> output.Manifest:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(output.Manifest, "_read", staticmethod(counted))
    return reads


def test_a_body_edit_trusts_the_manifest_the_last_build_left(newsroom: Newsroom, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The output's manifest (1.28 million lines at a million articles, ~0.7 s to read) is not read by an
    edit of bodies while it is the file the last build left: the snapshot records its identity. Any other
    file in its place is read, and what it says holds."""
    manifest = newsroom.out / ".newsgen-output"
    reads = _manifest_reads(monkeypatch)
    newsroom.append("content/politics/story-12.md", "\nA paragraph the desk added.\n")
    newsroom.check(short=True)
    assert manifest not in reads

    # the same bytes written again: another ctime (a copy, a restore, an editor's save): read
    manifest.write_bytes(manifest.read_bytes())
    newsroom.append("content/politics/story-12.md", "\nAnd another.\n")
    newsroom.check(short=True)
    assert manifest in reads

    # linked from elsewhere (`cp -al`: another folder's now too): read
    reads.clear()
    os.link(manifest, newsroom.tmp / "linked-manifest")
    newsroom.append("content/politics/story-12.md", "\nAnd linked.\n")
    newsroom.check(short=True)
    assert manifest in reads
    (newsroom.tmp / "linked-manifest").unlink()

    # a line changed by hand, the file's size and mtime kept: read, and the file no longer listed is refused
    # as someone else's (the build would write over it)
    from newsgen.build import BuildError

    reads.clear()
    text = manifest.read_text(encoding="utf-8")
    before = manifest.stat()
    line = "politics/story-number-3/index.html\n"
    assert line in text
    manifest.write_text(text.replace(line, "politics/story-number-3/index.htmx\n"), encoding="utf-8")
    os.utime(manifest, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert manifest.stat().st_size == before.st_size
    newsroom.append("content/politics/story-12.md", "\nA third.\n")
    with pytest.raises(BuildError) as caught:
        newsroom.build()
    assert manifest in reads
    assert [d.path for d in caught.value.diagnostics] == [str(newsroom.out / "politics/story-number-3/index.html")]


def test_a_body_edit_decodes_only_the_slices_of_stamps_that_differ(newsroom: Newsroom, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The last build's stamps (a million at a million articles: ~0.4 s to decode, ~0.15 s to compare) are
    compared as bytes, slice by slice (incremental/stampdiff.py), for an edit and for a save by renaming."""
    from newsgen.incremental import snapshot

    decoded: list[int] = []
    real = snapshot.Snapshot.stamps

    def stamps(self: snapshot.Snapshot) -> snapshot.Stamps:
        if self._stamps is None:
            decoded.append(len(self.packed))
        return real.fget(self)  # type: ignore[no-any-return, attr-defined]

    monkeypatch.setattr(snapshot.Snapshot, "stamps", property(stamps))
    newsroom.append("content/politics/story-12.md", "\nA paragraph the desk added.\n")
    newsroom.check(short=True)
    path = newsroom.root / "content/culture/story-2.md"
    tmp = path.with_name(".story-2.md.tmp")
    tmp.write_text(path.read_text(encoding="utf-8") + "\nRenamed into place.\n", encoding="utf-8")
    os.replace(tmp, path)
    newsroom.check(short=True)
    assert decoded == []
