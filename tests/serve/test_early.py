"""early.py: the page on screen rendered from the site model in memory gives the bytes a cache-less
`newsgen build` gives, and edits that could change the model's shape render nothing early."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from newsgen.build import BuildOptions, build
from newsgen.incremental.state import State
from newsgen.serve import early
from newsgen.serve.changes import rebuild_for
from newsgen.serve.clients import Hub
from newsgen.serve.rwlock import ReadWriteLock
from newsgen.serve.session import Session

BUDGET = "content/politics/2025/budget.md"
PAGE = "politics/budget-passes/index.html"


@pytest.fixture
def site(make_site: Any) -> Path:
    art = make_site.article
    return make_site({
        BUDGET: art("Budget passes", body="The council voted.\n", tags=["council", "money"],
                    slug="budget-passes"),
        "content/politics/2025/bridge.md": art("Bridge opens", date="2025-03-18 09:00", tags=["council"]),
        "content/politics/2025/same-minute.md": art("Zoo reopens", tags=["money"]),
        "content/politics/2025/older.md": art("Older story", date="2025-03-01 08:00", tags=["council", "money"]),
        "content/sports/2025/race.md": art("Boat race", section="Sports", tags=["money"]),
        "templates/article.html": '{% extends "theme/article.html" %}',
    }, extra_config="shared_latest_news: false\n")  # (else article pages keep an older Latest News list
    # by design: the browser refreshes it from latest-news.json, and a fresh build's list is newer)


def files(folder: Path) -> dict[str, bytes]:
    """The pages."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.html"))}


def fresh_build(site: Path, tmp_path: Path, name: str) -> dict[str, bytes]:
    out = tmp_path / name
    build(site, BuildOptions(out=out, preview=True, jobs=1), state=State())  # no cache read or written
    return files(out)


def session(site: Path, tmp_path: Path, shown: str = PAGE) -> Session:
    hub = Hub()
    hub.connect(f"/{shown.removesuffix('index.html')}", hub.token)
    s = Session(site, tmp_path / "serve-out", hub, ReadWriteLock())
    assert s.first(jobs=1) is not None
    assert s.memory is not None
    return s


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text), (old, text)
    path.write_text(re.sub(old, new, text, count=1), encoding="utf-8")


def render_early(s: Session, rel: str) -> list[str] | None:
    return early.render_shown(s.root, s.out, s.memory, s.state, (rel,), s.hub.shown(), True, s.lock.writing())


@pytest.mark.parametrize(("rel", "old", "new"), [
    (BUDGET, r'title: "Budget passes"', 'title: "Budget passes at last"'),  # a headline
    (BUDGET, r"The council voted\.", "The council voted again."),  # the body
    (BUDGET, r'title: "Budget passes"', 'title: "Budget passes"\nsummary: "A new standfirst"'),  # the card
    ("templates/article.html", r"$", "{% block title %}NEW {{ super() }}{% endblock %}"),  # a template
])
def test_the_early_page_is_the_builds_page(site: Path, tmp_path: Path, rel: str, old: str, new: str) -> None:
    s = session(site, tmp_path)
    edit(site, rel, old, new)
    assert render_early(s, rel) == [PAGE]
    early_bytes = (s.out / PAGE).read_bytes()
    assert early_bytes == fresh_build(site, tmp_path, "fresh")[PAGE]
    result = s.rebuild(rebuild_for([rel]))  # type: ignore[arg-type]
    assert result is not None and PAGE not in result.changed  # the build did not write it again
    while s.deferred:  # (a template: the rest of the site in chunks)
        s.catch_up()
    assert files(s.out) == fresh_build(site, tmp_path, "fresh2")


@pytest.mark.parametrize(("old", "new"), [
    (r'date: "2025-03-19 17:40"', 'date: "2025-03-19 17:41"'),  # the order and the news sitemap
    (r'"money"\]', '"money", "new-tag"]'),  # a new tag page
    (r'section: "Politics"', 'section: "Sports"'),  # another URL
    (r'title: "Budget passes"', 'title: "Zz after the zoo"'),  # the same minute as "Zoo reopens": moves
])
def test_edits_that_change_the_model_render_nothing_early(site: Path, tmp_path: Path, old: str, new: str) -> None:
    s = session(site, tmp_path)
    edit(site, BUDGET, old, new)
    assert render_early(s, BUDGET) is None
    assert s.rebuild(rebuild_for([BUDGET])) is not None  # type: ignore[arg-type]
    while s.deferred:
        s.catch_up()
    assert files(s.out) == fresh_build(site, tmp_path, "fresh")


def test_new_removed_broken_files_and_config_render_nothing_early(site: Path, tmp_path: Path, make_site: Any) -> None:
    s = session(site, tmp_path)
    new = "content/politics/2025/new.md"
    (site / new).write_text(make_site.article("A new story"), encoding="utf-8")
    assert render_early(s, new) is None
    (site / new).unlink()
    assert render_early(s, "newsgen.yaml") is None
    assert render_early(s, "static/css/site.css") is None
    (site / BUDGET).write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    assert render_early(s, BUDGET) is None


def test_patch_keeps_everything_but_the_article(site: Path, tmp_path: Path) -> None:
    s = session(site, tmp_path)
    assert s.memory is not None
    k, i = s.memory.where[BUDGET]
    old = s.memory.editions[k].site.articles[i]
    import dataclasses

    new = dataclasses.replace(old, title="Budget passes at last", card_digest="x")
    editions = early.patched(s.memory.editions, s.memory.where, old, new)
    assert editions is not None
    site_before, site_after = s.memory.editions[k].site, editions[k].site
    assert site_after.articles[i] is new
    assert [a for j, a in enumerate(site_after.articles) if j != i] == \
        [a for j, a in enumerate(site_before.articles) if j != i]
    assert (site_after.listings, site_after.related, site_after.prev_next) == \
        (site_before.listings, site_before.related, site_before.prev_next)
    assert early.patched(s.memory.editions, s.memory.where, old,
                         dataclasses.replace(old, tags=("other",))) is None


def test_news_just_published_in_the_preview_is_what_a_fresh_build_makes(site: Path, tmp_path: Path,
                                                                         make_site: Any) -> None:
    """The preview keeps its build state in memory: a story newer than every other one grows the
    model kept there (incremental.grow.with_added), and the preview's pages are a fresh build's."""
    import newsgen.incremental.grow as grow_mod

    s = session(site, tmp_path)
    real, grown = grow_mod.with_added, []

    def spy(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        grown.append(got is not None)
        return got

    new = "content/politics/2025/newest.md"
    (site / new).write_text(make_site.article("Newest story", date="2025-03-20 08:00", tags=["council"]),
                            encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(grow_mod, "with_added", spy)
        assert s.rebuild(rebuild_for([new])) is not None  # type: ignore[arg-type]
        while s.deferred:
            s.catch_up()
    assert grown and grown[0] is True
    assert files(s.out) == fresh_build(site, tmp_path, "fresh")


def shown_early_then_undone(s: Session, site: Path) -> bytes:
    """A body saved, the page on screen rendered early from it, then the save undone (the same bytes as
    before, a new mtime) before the batch is built. Returns the page as it was before."""
    before = (s.out / PAGE).read_bytes()
    original = (site / BUDGET).read_text(encoding="utf-8")
    edit(site, BUDGET, r"The council voted\.", "The council voted twice.")
    s.show_first(rebuild_for([BUDGET]))  # type: ignore[arg-type]
    assert b"voted twice" in (s.out / PAGE).read_bytes()
    (site / BUDGET).write_text(original, encoding="utf-8")
    return before


def test_a_save_undone_before_the_build_leaves_no_early_page(site: Path, tmp_path: Path) -> None:
    """An editor saves, the page on screen is rendered from that save, then the save is undone (the
    same bytes as before, a new mtime) before the batch is built: the build renders that page again
    (by the short way of a body edit) and the preview shows the file as it is."""
    s = session(site, tmp_path)
    before = shown_early_then_undone(s, site)
    result = s.rebuild(rebuild_for([BUDGET]))  # type: ignore[arg-type]
    assert result is not None and not {"parse", "site model"} & {name for name, _ in result.stages}
    assert (s.out / PAGE).read_bytes() == before == fresh_build(site, tmp_path, "fresh")[PAGE]


def test_a_headline_undone_before_the_build_leaves_no_early_list(site: Path, tmp_path: Path) -> None:
    """The same with the section's page on screen and a headline: the list rendered early from the save
    is rendered again by the build (the output is taken not to hold it, whatever its fingerprint says),
    whichever way it goes."""
    s = session(site, tmp_path, shown="politics/index.html")
    before = (s.out / "politics/index.html").read_bytes()
    original = (site / BUDGET).read_text(encoding="utf-8")
    edit(site, BUDGET, "Budget passes", "Budget passes at last")
    s.show_first(rebuild_for([BUDGET]))  # type: ignore[arg-type]
    assert b"Budget passes at last" in (s.out / "politics/index.html").read_bytes()
    (site / BUDGET).write_text(original, encoding="utf-8")
    assert s.rebuild(rebuild_for([BUDGET])) is not None  # type: ignore[arg-type]
    assert (s.out / "politics/index.html").read_bytes() == before == fresh_build(site, tmp_path, "fresh")[
        "politics/index.html"]


def test_a_page_shown_early_then_left_is_rendered_again_when_the_preview_catches_up(site: Path,
                                                                                     tmp_path: Path) -> None:
    """The tab moves to another page before the build, the save is undone, and the batch holds a template
    (so the build renders only the page now on screen and leaves the rest for later): the page rendered
    early from the undone save is among the pages left for later, and the catch-up renders it again."""
    hub = Hub()
    tab = hub.connect(f"/{PAGE.removesuffix('index.html')}", hub.token)
    s = Session(site, tmp_path / "serve-out", hub, ReadWriteLock())
    assert s.first(jobs=1) is not None
    before = shown_early_then_undone(s, site)
    hub.disconnect(tab)
    hub.connect("/politics/", hub.token)  # the editor went on to the section's page
    (site / "templates/section.html").write_text('{% extends "theme/section.html" %}\n', encoding="utf-8")
    assert s.rebuild(rebuild_for([BUDGET, "templates/section.html"])) is not None  # type: ignore[arg-type]
    assert PAGE in s.deferred
    while s.deferred:
        assert s.catch_up() is not None
    assert (s.out / PAGE).read_bytes() == before == fresh_build(site, tmp_path, "fresh")[PAGE]


def _memory(root: Path, out: Path) -> early.Memory | None:
    kept: list[object] = []
    build(root, BuildOptions(out=out, jobs=1, keep_alive=kept), state=State())
    return early.remember(kept)


def test_moved_pairs_stories_whose_files_moved_by_headline(site: Path, tmp_path: Path, make_site: Any) -> None:
    """Files moved to other folders with their sections changed (a reorganisation): each removed page is
    paired with the new file of the same headline; a story deleted outright is followed nowhere."""
    art = make_site.article
    before = _memory(site, tmp_path / "a")
    (site / BUDGET).unlink()
    (site / "content/politics/2025/bridge.md").unlink()
    (site / "content/politics/2025/older.md").unlink()  # deleted
    (site / "content/culture/2025").mkdir(parents=True)
    (site / "content/culture/2025/budget-story.md").write_text(
        art("Budget passes", section="Culture", slug="budget-passes"), encoding="utf-8")
    (site / "content/culture/2025/bridge-story.md").write_text(
        art("Bridge opens", section="Culture", date="2025-03-18 09:00"), encoding="utf-8")
    after = _memory(site, tmp_path / "b")
    removed = [PAGE, "politics/bridge-opens/index.html", "politics/older-story/index.html", "politics/index.html"]
    assert early.moved(before, after, removed) == {PAGE: "culture/budget-passes/",
                                                   "politics/bridge-opens/index.html": "culture/bridge-opens/"}


def test_moved_pairs_one_gone_with_one_new_whatever_its_headline(site: Path, tmp_path: Path, make_site: Any) -> None:
    """One file gone and one new in the same build: the same story, renamed and re-headlined at once."""
    before = _memory(site, tmp_path / "a")
    (site / BUDGET).unlink()
    (site / "content/sports/2025/budget.md").write_text(
        make_site.article("Budget passes, sport pays", section="Sports"), encoding="utf-8")
    after = _memory(site, tmp_path / "b")
    assert early.moved(before, after, [PAGE]) == {PAGE: "sports/budget-passes-sport-pays/"}
    assert early.moved(before, after, []) == {}
