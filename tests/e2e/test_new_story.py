"""Stories added (news just published, newer than every other one; or filed late, with an earlier date):
the build adds them to the last build's site model (`incremental.grow.with_added`) instead of making the
model again, and carries the pages they do not change with the last build's fingerprints instead of
planning them (`decide.carry_over`). Its output must be, byte for byte, what the same build makes with the
model made again (the twin below), and (with each page's own Latest News list) what a serial build
without a cache makes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.newsroom import Newsroom, assert_same, output_of, when

import newsgen.incremental.grow as grow_mod


def _story(title: str, days: float, section: str = "Politics", **fields: object) -> str:
    """(days=0: this minute, the newest story's too when the site was built in it: the titles here sort
    before theirs, and each batch's before the last one's)"""
    from tests.conftest import article_text

    return article_text(title=title, section=section, date=when(days), body=f"The lead of {title}.\n", **fields)


def _build_both(room: Newsroom, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[bool]]:
    """The build made twice from the same files, output and cache (put back in place between the two):
    first with the model made anew, then as it is. The outputs must be the same. Returns the second
    build's result and what with_added answered in it."""
    backup = tmp / f"backup-{room.n}"
    shutil.copytree(room.root, backup, symlinks=True)  # (mtimes kept: the same stamps)
    real, grown = grow_mod.with_added, []
    monkeypatch.setattr(grow_mod, "with_added", lambda *args, **kwargs: None)
    room.build()
    theirs = output_of(room.out)
    shutil.rmtree(room.root)
    shutil.copytree(backup, room.root, symlinks=True)

    def spy(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        grown.append(got is not None)
        return got

    monkeypatch.setattr(grow_mod, "with_added", spy)
    result = room.build()
    monkeypatch.setattr(grow_mod, "with_added", real)
    assert_same(output_of(room.out), theirs)
    if not room.shared:  # (shared: article pages keep the Latest News list they were written with)
        room.compare()
    else:
        room.n += 1
    return result, grown


def test_news_just_published_grows_the_last_model(newsroom: Newsroom, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = newsroom.root
    (root / "content/politics/breaking.md").write_text(
        _story("Breaking: the port reopens", 0, author="Lan Pham", tags=["rice", "ports"]), "utf-8")
    result, grown = _build_both(newsroom, tmp_path, monkeypatch)
    assert grown == [True]
    assert "politics/breaking-the-port-reopens/index.html" in result.changed
    if newsroom.shared:  # only the pages that show it: not every article page
        assert result.rendered < 30, result.changed

    # two at once, in two sections, with a new tag, a new author, a lead image
    (root / "content/sports/final.md").write_text(
        _story("A final whistle", 0, section="Sports", author="Quang Le", tags=["football", "finals"],
               image="/images/photo.png", image_caption="The stand.", image_credit="AP"), "utf-8")
    (root / "content/culture/opening.md").write_text(
        _story("A gallery opens", 0, section="Culture", author="Minh Vo", tags=["art"]), "utf-8")
    result, grown = _build_both(newsroom, tmp_path, monkeypatch)
    assert grown == [True]
    assert (newsroom.out / "tags/finals/index.html").is_file() and (newsroom.out / "authors/quang-le/index.html").is_file()

    # with a body edit of an older story in the same build
    (root / "content/politics/late.md").write_text(_story("A brief late note", 0), "utf-8")
    newsroom.append("content/politics/story-3.md", "\nA correction to the body.\n")
    result, grown = _build_both(newsroom, tmp_path, monkeypatch)
    assert grown == [True]
    assert "A correction to the body." in (newsroom.out / "politics/story-number-3/index.html").read_text("utf-8")


def test_a_story_filed_late_grows_the_last_model_too(newsroom: Newsroom, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A story dated before the newest (written this morning, published now), and one dated the same
    minute as another: put in their places, the stories above them move down one."""
    root = newsroom.root
    (root / "content/politics/backdated.md").write_text(
        _story("Filed late", -1.5, author="Minh Vo", tags=["rice", "ports"]), "utf-8")
    result, grown = _build_both(newsroom, tmp_path, monkeypatch)
    assert grown == [True]
    assert "politics/filed-late/index.html" in result.changed
    from tests.conftest import article_text

    same_minute = (root / "content/sports/story-4.md").read_text("utf-8").split('date: "', 1)[1].split('"', 1)[0]
    (root / "content/sports/same-minute.md").write_text(article_text(
        title="A story at the same minute", section="Sports", date=same_minute, tags=["football"]), "utf-8")
    _, grown = _build_both(newsroom, tmp_path, monkeypatch)
    assert grown == [True]
    page = (newsroom.out / "sports/a-story-at-the-same-minute/index.html").read_text("utf-8")
    assert page.split('<time datetime="', 1)[1][:10] == same_minute[:10]  # (dated as story 4)


def _names(page: Path, rel: str) -> list[str]:
    """The names a page shows in links of kind `rel` (its byline's authors, its tags)."""
    import re

    return re.findall(rf'rel="{rel}">([^<]*)</a>', page.read_text("utf-8"))


def test_another_spelling_of_a_name_renames_it_on_every_page(newsroom: Newsroom, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Spellings of a name share one page, named by the newest story's spelling of an author and the
    oldest story's of a tag: a story published, or one removed, that changes which spelling that is
    renames the author or tag on every page that shows them (bylines, tag lists, feed entries of stories
    that did not change), as a build without a cache does."""
    root, out = newsroom.root, newsroom.out
    older = out / "politics/story-number-0/index.html"  # by Lan Pham, tagged rice
    assert _names(older, "author") == ["Lan Pham"] and "rice" in _names(older, "tag")
    (root / "content/sports/spelt.md").write_text(
        _story("Spelt another way", 0, section="Sports", author="lan pham", tags=["football"]), "utf-8")
    _, grown = _build_both(newsroom, tmp_path, monkeypatch)
    assert grown == [False]  # (a page of the site is named anew: the model is made again)
    assert _names(older, "author") == ["lan pham"]
    assert "<dc:creator>Lan Pham</dc:creator>" not in (out / "politics/feed.xml").read_text("utf-8")

    (root / "content/culture/oldest.md").write_text(
        _story("The oldest word on rice", -30, section="Culture", author="Minh Vo", tags=["Rice"]), "utf-8")
    newsroom.whole_way()
    assert "Rice" in _names(older, "tag")  # the oldest story's spelling names the tag now
    (root / "content/culture/oldest.md").unlink()
    newsroom.whole_way()
    assert "rice" in _names(older, "tag")
    (root / "content/sports/spelt.md").unlink()
    newsroom.whole_way()
    assert _names(older, "author") == ["Lan Pham"]


def test_a_story_at_a_taken_address_is_reported(newsroom: Newsroom) -> None:
    from newsgen.errors import BuildError

    (newsroom.root / "content/politics/again.md").write_text(_story("Again", 0, slug="story-number-3"), "utf-8")
    with pytest.raises(BuildError, match="same URL"):
        newsroom.build()


def _carried(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """What `decide.carry_over` answers in the builds that follow: how many pages it carried, or None."""
    import newsgen.incremental.decide as decide_mod

    real, answers = decide_mod.carry_over, []

    def spy(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        answers.append(None if got is None else len(got))
        return got

    monkeypatch.setattr(decide_mod, "carry_over", spy)
    return answers


def test_the_pages_a_new_story_does_not_change_are_carried_not_planned(newsroom: Newsroom, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A new story's build plans only the pages whose inputs it changed; the others keep the last build's
    fingerprints (decide.carry_over), unless one of them must be rendered: its file removed by hand, its
    template changed. Each time the output is a build without a cache's."""
    root, out = newsroom.root, newsroom.out
    answers = _carried(monkeypatch)
    (root / "content/politics/first.md").write_text(_story("First of the day", 0, tags=["ports"]), "utf-8")
    result = newsroom.build()
    assert answers and answers[-1] is not None and answers[-1] > 10, answers  # (the lists it is not in at least)
    from newsgen.build import BuildOptions, build

    assert result.pages == build(root, BuildOptions(out=tmp_path / "whole", jobs=1)).pages  # (counted all the same)
    newsroom.compare() if not newsroom.shared else None

    (out / "sports/index.html").unlink()  # a page the next story does not change, removed by hand
    (root / "content/politics/second.md").write_text(_story("Second of the day", 0), "utf-8")
    newsroom.build()
    assert answers[-1] is None  # (that page to render: every page planned)
    assert (out / "sports/index.html").is_file()
    newsroom.compare() if not newsroom.shared else None

    (root / "templates").mkdir(exist_ok=True)
    theme = Path(__import__("newsgen.render.environment", fromlist=["theme_dir"]).theme_dir())
    (root / "templates/listing.html").write_text(
        (theme / "templates/listing.html").read_text("utf-8").replace("{% block content %}", "{% block content %}<!-- ours -->", 1), "utf-8")
    (root / "content/politics/third.md").write_text(_story("Third of the day", 0), "utf-8")
    newsroom.build()
    assert answers[-1] is None  # (a template of carried pages changed)
    assert "<!-- ours -->" in (out / "tags/ports/index.html").read_text("utf-8")
    newsroom.compare() if not newsroom.shared else None


def test_a_new_storys_old_address_at_a_carried_page_is_reported(newsroom: Newsroom,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An alias of the new story names the address of a story whose page is carried (not planned): the
    whole plan finds the collision and reports it; nothing is written over that story's page."""
    from newsgen.errors import BuildError

    page = newsroom.out / "culture/story-number-2/index.html"
    before = page.read_bytes()
    (newsroom.root / "content/politics/moved.md").write_text(
        _story("Moved here", 0, aliases=["/culture/story-number-2/"]), "utf-8")
    with pytest.raises(BuildError, match="alias"):
        newsroom.build()
    assert page.read_bytes() == before


def test_newsgen_serve_plans_every_page(make_site, png, tmp_path: Path,  # type: ignore[no-untyped-def]
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview (its build state in memory) renders a page on screen early from the last plan, which
    must hold every page: nothing is carried there, drafts shown or not."""
    from tests.e2e.newsroom import newsroom_files

    from newsgen.build import BuildOptions, build
    from newsgen.incremental.state import State

    root = make_site(newsroom_files(png))
    answers = _carried(monkeypatch)
    for preview in (True, False):
        state, kept = State(), []  # type: ignore[var-annotated]
        options = BuildOptions(out=tmp_path / f"preview-{preview}", preview=preview, jobs=1, keep_alive=kept)
        build(root, options, state=state)
        (root / f"content/politics/new-{preview}.md").write_text(_story(f"New {preview}", 0), "utf-8")
        result = build(root, options, state=state)
        assert kept[-1][2] is not None and len(kept[-1][2]) == result.pages  # (the plan: every page)
    assert answers == []


def test_the_grown_model_is_written_once_and_the_edits_after_it_name_it(newsroom: Newsroom) -> None:
    """A new story's build writes the grown site model to a file of its own (`cache.site_file`); the edits
    after it take the short way and leave that file as it is (at a million articles it is ~190 MB, which a
    delta carrying it wrote and read again at every build until the next full file): the delta stays small,
    and every output is a cache-less serial build's."""
    from newsgen.incremental.cache import delta_file, site_file

    root, out = newsroom.root, newsroom.out
    (root / "content/politics/breaking.md").write_text(_story("Breaking: the port reopens", 0), "utf-8")
    newsroom.whole_way()
    site = site_file(root, out)
    written, identity = site.read_bytes(), site.stat().st_ino
    for k in range(2):
        newsroom.append("content/politics/breaking.md", f"\nA line added, number {k}.\n")
        newsroom.last = newsroom.build()
        assert newsroom.short(), newsroom.last.stages
        if not newsroom.shared:  # (shared: the older pages keep the Latest News list they were written with)
            newsroom.compare()
        assert site.read_bytes() == written and site.stat().st_ino == identity
        assert delta_file(root, out).stat().st_size < len(written)
    newsroom.replace("content/politics/breaking.md", "Breaking: the port reopens", "The port reopens")
    newsroom.whole_way()  # (a headline: the model made again, in a new site file)
    assert site.read_bytes() != written
