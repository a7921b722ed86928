"""The preview takes the short way of an edit of article bodies too (incremental/bodyedit.py, over the
build state in its memory): only the edited articles' pages and the feeds are fingerprinted again, and
the output is, byte for byte, what a serial preview build without a cache makes of the same files. A
build that failed, or took any other way, leaves nothing the next short way could trust."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.newsroom import assert_same, newsroom_files, output_of

from newsgen.build import BuildOptions, BuildResult, build
from newsgen.serve.changes import rebuild_for
from newsgen.serve.clients import Hub
from newsgen.serve.rwlock import ReadWriteLock
from newsgen.serve.session import Session


def short(result: BuildResult | None) -> bool:
    assert result is not None
    return not {"parse", "site model"} & {name for name, _ in result.stages}


class Preview:
    def __init__(self, root: Path, tmp: Path) -> None:
        self.root, self.tmp, self.n = root, tmp, 0
        self.session = Session(root, tmp / "preview", Hub(), ReadWriteLock())
        assert self.session.first() is not None

    def save(self, rel: str, text: str | None = None, old: str = "", new: str = "") -> BuildResult | None:
        path = self.root / rel
        before = path.read_text(encoding="utf-8")
        path.write_text(before + text if text is not None else before.replace(old, new, 1), encoding="utf-8")
        return self.session.rebuild(rebuild_for([rel]))  # type: ignore[arg-type]

    def same_as_a_full_build(self) -> None:
        self.n += 1
        reference = self.tmp / f"reference-{self.n}"
        build(self.root, BuildOptions(out=reference, preview=True, jobs=1))
        assert_same(output_of(self.tmp / "preview"), output_of(reference))

    def memory_matches_state(self) -> None:
        """What the page-first shortcut renders from: every article as the build state holds it."""
        memory, parsed = self.session.memory, self.session.state.parsed
        assert memory is not None
        for article in memory.editions[0].site.articles:
            assert article == parsed[article.source].article


def test_body_edits_in_the_preview_take_the_short_way(make_site, png, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site(newsroom_files(png), extra_config="shared_latest_news: false\n")
    p = Preview(root, tmp_path)

    result = p.save("content/politics/story-12.md", "\nA paragraph the desk added.\n")
    assert short(result) and result is not None and "politics/story-number-12/index.html" in result.changed
    assert len([rel for rel in result.changed if rel.endswith("index.html")]) == 1
    p.same_as_a_full_build()
    p.memory_matches_state()
    assert p.session.inputs is not None and p.session.inputs.touched == frozenset()  # (the next: only what it stamps)

    # again, right after a short one (its snapshot kept in memory), and the newest story (in the feeds)
    assert short(p.save("content/politics/story-0.md", "\nBreaking: a line added.\n"))
    assert "Breaking: a line added." in (tmp_path / "preview/feed.xml").read_text("utf-8")
    p.same_as_a_full_build()
    p.memory_matches_state()

    # a headline: the whole way; then short again
    assert not short(p.save("content/sports/story-1.md", old="Story number 1", new="Story number one"))
    p.same_as_a_full_build()
    assert short(p.save("content/sports/story-1.md", "\nAfter the headline.\n"))
    p.same_as_a_full_build()
    p.memory_matches_state()


def test_a_failed_preview_build_is_never_the_base_of_a_short_way(make_site, png, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A headline changed while a new file has an error: the build fails, after parsing both. The new
    file removed, the headline is the only change since the last good build, and it must reach every
    list: the whole way, not a short one from the state the failed build left."""
    from tests.conftest import article_text

    root = make_site(newsroom_files(png), extra_config="shared_latest_news: false\n")
    p = Preview(root, tmp_path)
    story = root / "content/sports/story-1.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Story number 1", "Renamed story"), encoding="utf-8")
    broken = root / "content/culture/broken.md"
    broken.write_text(article_text(title="Broken", section="Culture", date="not a date"), encoding="utf-8")
    assert p.session.rebuild(rebuild_for(["content/sports/story-1.md", "content/culture/broken.md"])) is None  # type: ignore[arg-type]
    broken.unlink()
    result = p.session.rebuild(rebuild_for(["content/culture/broken.md"]))  # type: ignore[arg-type]
    assert result is not None and not short(result)
    assert "Renamed story" in (tmp_path / "preview/index.html").read_text("utf-8")
    p.same_as_a_full_build()
    assert short(p.save("content/sports/story-1.md", "\nOnce more.\n"))
    p.same_as_a_full_build()


def test_a_body_edited_before_a_failed_build_is_on_the_page_after_the_fix(make_site, png, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A body saved, then a file with a mistake: the failed build parsed the body (the preview keeps its
    parse), rendered nothing. Once the mistake is fixed, the next build must render that article's page:
    the last good build's fingerprint of it is of the body before the edit (State.unrendered). Found by
    tests/e2e/test_edit_sequences.py."""
    from tests.conftest import article_text

    root = make_site(newsroom_files(png), extra_config="shared_latest_news: false\n")
    p = Preview(root, tmp_path)
    story = root / "content/culture/story-14.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA paragraph the desk added.\n", encoding="utf-8")
    broken = root / "content/politics/broken.md"
    broken.write_text(article_text(title="Half written", section="Nowhere"), encoding="utf-8")
    assert p.session.rebuild(rebuild_for(["content/culture/story-14.md", "content/politics/broken.md"])) is None  # type: ignore[arg-type]
    broken.unlink()
    assert p.session.rebuild(rebuild_for(["content/politics/broken.md"])) is not None  # type: ignore[arg-type]
    assert "A paragraph the desk added." in (tmp_path / "preview/culture/story-number-14/index.html").read_text("utf-8")
    p.same_as_a_full_build()
    assert short(p.save("content/culture/story-14.md", "\nAnd one more.\n"))  # (short again once a build finished)
    p.same_as_a_full_build()


def test_an_emptied_preview_folder_is_filled_again_by_the_next_edit(make_site, png, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The short way trusts the preview's folder to hold what it wrote while its manifest is there;
    a folder emptied under it (a temp-folder cleaner) makes the next edit take the whole way."""
    import shutil

    root = make_site(newsroom_files(png), extra_config="shared_latest_news: false\n")
    p = Preview(root, tmp_path)
    shutil.rmtree(tmp_path / "preview")
    (tmp_path / "preview").mkdir()
    assert not short(p.save("content/politics/story-12.md", "\nA paragraph the desk added.\n"))
    p.same_as_a_full_build()
    assert short(p.save("content/politics/story-12.md", "\nAnd one more.\n"))
    p.same_as_a_full_build()
