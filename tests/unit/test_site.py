"""site.py: order, selection, Latest News, previous/next, related (older only), pagination maths."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from newsgen.config import SiteConfig, parse_config
from newsgen.model import Article
from newsgen.site import Selection, build_site, order, paginate, select

TZ = dt.timezone(dt.timedelta(hours=7))
T0 = dt.datetime(2025, 1, 1, 8, 0, tzinfo=TZ)


def config(**settings: object) -> SiteConfig:
    cfg = parse_config(
        "sections: [Politics, Sports, Culture]\nauthors:\n  - name: Hùng Anh\n    bio: Editor\n",
        Path("/site"),
    )
    return dataclasses.replace(cfg, **settings)


def art(
    n: int, section: str = "politics", tags: tuple[str, ...] = (), authors: tuple[str, ...] = (), **kw: object
) -> Article:
    """Article number n, published n hours after T0 (a bigger n is newer)."""
    fields: dict[str, object] = {
        "source": f"content/{section}/a{n:03}.md",
        "title": f"Article {n:03}",
        "section": section,
        "slug": f"a{n:03}",
        "date": T0 + dt.timedelta(hours=n),
        "tags": tags,
        "authors": authors,
        "card_digest": f"card{n}",
        "digest": f"d{n}",
    }
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def titles(site, ids) -> list[str]:  # type: ignore[no-untyped-def]
    return [site.articles[i].title for i in ids]


# ---------------------------------------------------------------------------- order and selection


def test_order_is_newest_first_with_stable_ties() -> None:
    same = T0 + dt.timedelta(days=1)
    arts = [
        art(1),
        art(3),
        art(2, title="B tie", date=same, source="content/z.md"),
        art(4, title="B tie", date=same, source="content/a.md"),
        art(5, title="A tie", date=same),
    ]
    assert [(a.title, a.source) for a in order(arts)] == [
        ("A tie", "content/politics/a005.md"),
        ("B tie", "content/a.md"),
        ("B tie", "content/z.md"),
        ("Article 003", "content/politics/a003.md"),
        ("Article 001", "content/politics/a001.md"),
    ]


def test_order_compares_instants_across_offsets() -> None:
    utc = art(1, date=dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.UTC))  # 09:00 at +07
    local = art(2, date=dt.datetime(2025, 1, 1, 8, 30, tzinfo=TZ))  # 01:30 UTC
    assert [a.title for a in order([local, utc])] == ["Article 001", "Article 002"]


def test_select_leaves_out_drafts_and_future_unless_asked() -> None:
    now = T0 + dt.timedelta(hours=10)
    arts = [art(1), art(2, draft=True), art(20), art(5, date=now)]
    assert [a.title for a in select(arts, now, Selection())] == ["Article 001", "Article 005"]
    assert {a.title for a in select(arts, now, Selection(drafts=True))} == {
        "Article 001",
        "Article 002",
        "Article 005",
    }
    assert {a.title for a in select(arts, now, Selection(future=True))} == {
        "Article 001",
        "Article 020",
        "Article 005",
    }
    assert len(select(arts, now, Selection(drafts=True, future=True))) == 4


# ---------------------------------------------------------------------------- the model


def test_latest_news_is_the_newest_n_site_wide() -> None:
    arts = [art(i, section=("politics", "sports", "culture")[i % 3]) for i in range(12)]
    site, diags = build_site(arts, config(latest_news=5))
    assert diags == []
    assert titles(site, site.latest) == [f"Article {i:03}" for i in (11, 10, 9, 8, 7)]
    small, _ = build_site(arts[:2], config(latest_news=5))
    assert len(small.latest) == 2


def test_sections_in_config_order_and_by_section_newest_first() -> None:
    arts = [art(1, "sports"), art(2, "politics"), art(3, "sports")]
    site, _ = build_site(arts, config())
    assert [s.slug for s in site.sections] == ["politics", "sports", "culture"]
    assert titles(site, site.by_section["sports"]) == ["Article 003", "Article 001"]
    assert site.by_section["culture"] == ()


def test_prev_next_within_the_section() -> None:
    arts = [art(1), art(2, "sports"), art(3), art(4)]
    site, _ = build_site(arts, config())
    index = {a.title: i for i, a in enumerate(site.articles)}

    def neighbours(title: str) -> tuple[str | None, str | None]:
        older, newer = site.prev_next[index[title]]
        return (
            site.articles[older].title if older is not None else None,
            site.articles[newer].title if newer is not None else None,
        )

    assert neighbours("Article 003") == ("Article 001", "Article 004")
    assert neighbours("Article 001") == (None, "Article 003")
    assert neighbours("Article 004") == ("Article 003", None)
    assert neighbours("Article 002") == (None, None)


def test_related_are_older_only_ranked_by_shared_tags_then_section() -> None:
    arts = [
        art(1, "sports", tags=("Flood", "Budget")),  # 2 shared tags, other section
        art(2, "politics", tags=("Flood",)),  # 1 shared tag, same section
        art(3, "culture", tags=("Flood",)),  # 1 shared tag, other section
        art(4, "politics"),  # same section, no tag
        art(5, "culture"),  # nothing in common
        art(6, "politics", tags=("Flood", "Budget")),  # the article
        art(7, "politics", tags=("Flood", "Budget")),  # NEWER: never related to 6
    ]
    site, _ = build_site(arts, config())
    index = {a.title: i for i, a in enumerate(site.articles)}
    assert titles(site, site.related[index["Article 006"]]) == [
        "Article 001",
        "Article 002",
        "Article 003",
        "Article 004",
    ]
    for i, related in site.related.items():
        assert all(site.articles[j].date < site.articles[i].date for j in related)
        assert len(related) <= 4 and i not in related


def test_related_falls_back_to_older_in_the_same_section_then_the_site() -> None:
    arts = [art(1), art(2), art(3, "sports"), art(4)]
    site, _ = build_site(arts, config())
    index = {a.title: i for i, a in enumerate(site.articles)}
    assert titles(site, site.related[index["Article 004"]]) == ["Article 002", "Article 001", "Article 003"]
    assert titles(site, site.related[index["Article 003"]]) == ["Article 002", "Article 001"]
    assert site.related[index["Article 001"]] == ()


def test_publishing_a_new_article_never_changes_older_related_lists() -> None:
    arts = [art(i, ("politics", "sports")[i % 2], tags=(("A",), ("B",), ("A", "B"))[i % 3]) for i in range(10)]
    before, _ = build_site(arts, config())
    after, _ = build_site([*arts, art(10, "politics", tags=("A", "B"))], config())

    def by_title(site):  # type: ignore[no-untyped-def]
        return {site.articles[i].title: titles(site, rel) for i, rel in site.related.items()}

    old, new = by_title(before), by_title(after)
    assert all(new[t] == old[t] for t in old)


def test_authors_use_profiles_and_tags_merge_by_slug() -> None:
    arts = [
        art(1, tags=("Flood Barrier",), authors=("Hùng Anh", "Guest Writer")),
        art(2, tags=("flood barrier", "Đà Nẵng"), authors=("hung anh",)),
    ]
    site, _ = build_site(arts, config())
    assert site.authors["Hùng Anh"].slug == "hung-anh"
    assert site.authors["Hùng Anh"].bio == "Editor"
    assert site.authors["hung anh"] is site.authors["Hùng Anh"]  # the profile's spelling wins
    assert site.authors["hung anh"].name == "Hùng Anh"
    assert site.authors["Guest Writer"].url == "authors/guest-writer/"
    assert site.tags["flood barrier"] is site.tags["Flood Barrier"]
    assert site.tags["Flood Barrier"].name == "Flood Barrier"  # the oldest spelling names the tag
    assert site.tags["Đà Nẵng"].url == "tags/da-nang/"
    kinds = [(lst.kind, lst.key) for lst in site.listings]
    assert kinds == [
        ("section", "politics"),
        ("section", "sports"),
        ("section", "culture"),
        ("author", "guest-writer"),
        ("author", "hung-anh"),
        ("tag", "da-nang"),
        ("tag", "flood-barrier"),
    ]


def test_url_collision_names_both_files() -> None:
    a = art(1, slug="same", source="content/politics/one.md")
    b = art(2, slug="same", source="content/politics/two.md")
    _, diags = build_site([b, a], config())
    (d,) = diags
    assert d.path == "content/politics/two.md"
    assert "content/politics/one.md" in d.message and "/politics/same/" in d.message
    assert d.hint and "slug" in d.hint


def test_same_slug_in_different_sections_is_fine() -> None:
    _, diags = build_site([art(1, slug="same"), art(2, "sports", slug="same")], config())
    assert diags == []


# ---------------------------------------------------------------------------- pagination


def pages_of(n: int, per_page: int, mode: str) -> tuple:  # type: ignore[type-arg]
    arts = tuple(order([art(i) for i in range(n)]))
    return paginate(tuple(range(n)), "politics/", config(per_page=per_page, pagination=mode), arts)


@pytest.mark.parametrize("n", range(0, 23))
@pytest.mark.parametrize("per_page", [1, 3, 5])
def test_stable_pagination_maths(n: int, per_page: int) -> None:
    pagers = pages_of(n, per_page, "stable")
    oldest_first = list(range(n - 1, -1, -1))  # indexes are newest first
    front, archive = pagers[0], pagers[1:]
    assert front.number == 1 and front.url == "politics/"
    # the front page holds everything newer than the archive: per_page .. 2*per_page-1 articles
    if n >= per_page:
        assert per_page <= len(front.items) <= 2 * per_page - 1
    else:
        assert len(front.items) == n
    assert list(front.items) == sorted(front.items)  # newest first
    # archive page N always holds the (N-1)th block of per_page counted from the OLDEST
    for pager in archive:
        block = oldest_first[(pager.number - 2) * per_page : (pager.number - 1) * per_page]
        assert sorted(pager.items) == sorted(block)
        assert len(pager.items) == per_page
        assert pager.url == f"politics/page/{pager.number}/"
    # display order: front, then older and older; every article exactly once
    assert [p.number for p in pagers] == [1, *range(len(pagers), 1, -1)]
    assert sorted(i for p in pagers for i in p.items) == list(range(n))
    assert all(p.total == len(pagers) for p in pagers)
    for a, b in zip(pagers, pagers[1:], strict=False):
        assert a.older_url == b.url and b.newer_url == a.url
    assert pagers[0].newer_url is None and pagers[-1].older_url is None


@pytest.mark.parametrize("n", range(1, 23))
def test_stable_pages_never_shift_when_an_article_is_published(n: int) -> None:
    per_page = 3
    before = {p.number: p for p in pages_of(n, per_page, "stable")}
    after = {p.number: p for p in pages_of(n + 1, per_page, "stable")}
    # the same article is index i in a list of n and index i+1 in a list of n+1 (one newer on top)
    for number, pager in before.items():
        if number == 1:
            continue
        assert [i + 1 for i in pager.items] == list(after[number].items)
        assert after[number].label == pager.label
    assert len(after) - len(before) in (0, 1)


@pytest.mark.parametrize("n", range(0, 12))
def test_classic_pagination_is_newest_first(n: int) -> None:
    pagers = pages_of(n, 3, "classic")
    assert [p.number for p in pagers] == list(range(1, len(pagers) + 1))
    assert [list(p.items) for p in pagers] == ([list(range(n))[k : k + 3] for k in range(0, n, 3)] or [[]])
    assert [p.url for p in pagers][1:] == [f"politics/page/{k}/" for k in range(2, len(pagers) + 1)]


def test_pager_labels_are_date_ranges() -> None:
    pagers = pages_of(7, 3, "stable")
    assert pagers[1].label == "2025-01-01 – 2025-01-01"
    assert pages_of(0, 3, "stable")[0].label == ""


def _random_articles(seed: int, n: int) -> list[Article]:
    import random

    rnd = random.Random(seed)
    sections = ["politics", "sports", "culture"]
    pool = [f"Tag {k}" for k in range(8)]
    return [art(i, rnd.choice(sections), tags=tuple(rnd.sample(pool, rnd.randint(0, 3)))) for i in range(n)]


def _edits(arts: list[Article]) -> dict[str, list[Article]]:
    newest = max(a.date for a in arts)
    return {
        "nothing": arts,
        "new article": [*arts, art(999, "sports", tags=("Tag 1", "Tag 2"), date=newest + dt.timedelta(hours=1))],
        "backdated article": [*arts, art(998, "politics", tags=("Tag 3",), date=T0 + dt.timedelta(minutes=30))],
        # a changed card digest, as parse gives one when the title, date, section or tags change
        "old article retagged": [dataclasses.replace(a, tags=("Tag 5",), card_digest="new") if a.slug == "a010"
                                 else a for a in arts],
        "old article retitled": [dataclasses.replace(a, title="Zzz", card_digest="new") if a.slug == "a012"
                                 else a for a in arts],
        "article deleted": [a for a in arts if a.slug != "a020"],
        "moved to another section": [dataclasses.replace(a, section="culture", card_digest="new")
                                     if a.slug == "a030" else a for a in arts],
    }


@pytest.mark.parametrize("edit", list(_edits(_random_articles(0, 3))))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_related_lists_reused_from_the_last_build_equal_fresh_ones(edit: str, seed: int) -> None:
    """The memo of related lists (kept between builds) never gives a list a fresh build would not."""
    arts = _random_articles(seed, 60)
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    build_site(arts, config(), memo)
    changed = _edits(arts)[edit]
    reused, _ = build_site(changed, config(), memo)
    fresh, _ = build_site(changed, config())
    assert [a.source for a in reused.articles] == [a.source for a in fresh.articles]
    assert reused.related == fresh.related
    assert len(memo) == len(changed)


def test_a_new_article_computes_only_its_own_related_list() -> None:
    arts = _random_articles(4, 50)
    memo: dict[str, tuple[str, tuple[str, ...]]] = {}
    build_site(arts, config(), memo)
    computed: list[list[int]] = []

    def rank(ranker, ids):  # type: ignore[no-untyped-def]
        computed.append(ids)
        return [(i, ranker(i)) for i in ids]

    build_site([*arts, art(500, "sports", tags=("Tag 1",))], config(), memo, rank)
    assert computed == [[0]]  # the new article is the newest: index 0


def test_related_lists_ranked_in_the_pool_are_the_same() -> None:
    from newsgen.parallel import Executor
    from newsgen.site import RANK_PARALLEL_MIN, rank_task

    arts = _random_articles(5, RANK_PARALLEL_MIN + 100)
    executor = Executor(2)
    assert executor.forks(len(arts), RANK_PARALLEL_MIN)
    pooled, _ = build_site(arts, config(), {},
                           lambda ranker, ids: executor.map(rank_task, ranker, ids, inline_below=RANK_PARALLEL_MIN))
    inline, _ = build_site(arts, config(), {})
    assert pooled.related == inline.related and len(pooled.related) == len(arts)
