"""render.direct: the built-in theme's article pages, listing pages, cards and pictures written without
Jinja are the templates' bytes. Whole sites built both ways (NEWSGEN_STOCK_TEMPLATES=1 renders every
page with Jinja) and compared file by file: the demo newsroom with its two editions (with and without
its own article.html, in the preview with badges too), and a site made to reach every branch of those
templates (right-to-left, a site under a path, comments, several authors or none, text that needs
escaping, images with and without captions, credits and sizes, corrections, an empty section, pagers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import article_text, copy_demo
from tests.e2e.newsroom import assert_same, output_of

from newsgen.build import BuildOptions, build
from newsgen.fileio import digest
from newsgen.render import direct
from newsgen.render.environment import theme_dir


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How many pages and fragments render.direct wrote (builds with -j 1: in this process)."""
    seen = {"page": 0, "fragment": 0}
    for name in ("page", "fragment"):
        original = getattr(direct.Direct, name)

        def spy(self: Any, *args: Any, _original: Callable[..., Any] = original, _name: str = name) -> Any:
            result = _original(self, *args)
            seen[_name] += result is not None
            return result

        monkeypatch.setattr(direct.Direct, name, spy)
    yield seen


def both_ways(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any) -> dict[str, bytes]:
    """The site built with Jinja only and with render.direct; asserts the same files, returns them."""
    outputs = []
    for stock in ("1", "0"):
        monkeypatch.setenv("NEWSGEN_STOCK_TEMPLATES", stock)
        out = tmp_path / f"out-{stock}-{len(list(tmp_path.iterdir()))}"
        build(site, BuildOptions(out=out, jobs=1, **options))  # (a failed build raises BuildError)
        outputs.append(output_of(out))
    assert_same(outputs[1], outputs[0])
    assert len(outputs[0]) > 20
    return outputs[0]


def test_the_theme_files_are_the_ones_render_direct_writes() -> None:
    for name, known in direct.THEME.items():
        now = digest(theme_dir() / "templates", name)
        assert now == known, (
            f"the built-in theme's {name} changed: make render/direct.py write what it writes now (these tests "
            f"compare both), then set its digest in THEME to {now!r}")


@pytest.mark.parametrize("own_article", [True, False])
@pytest.mark.parametrize("preview", [False, True])
def test_the_demo_newsroom_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int],
                                     own_article: bool, preview: bool) -> None:
    site = copy_demo(tmp_path / "site")
    if not own_article:  # the demo's article.html extends the theme's: with it, article pages are Jinja's
        (site / "templates" / "article.html").unlink()
    files = both_ways(site, tmp_path, monkeypatch, drafts=preview, preview=preview)
    articles = sum(1 for name in files if name.count("/") >= 2 and name.endswith("/index.html")
                   and "/page/" not in name and not name.startswith(("tags/", "authors/", "vi/tags/", "vi/authors/")))
    assert counted["fragment"] > 50
    assert counted["page"] >= (articles if not own_article else 20)  # listing pages in both cases


def test_every_branch_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int],
                                png: Callable[..., bytes]) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsgen.yaml").write_text(
        "title: 'Al-Nahr & \"Sons\"'\nbase_url: https://example.org/news/\nlanguage: ar\ntimezone: Asia/Dubai\n"
        "description: <News> & views\nsections:\n  - name: Politics\n  - name: Sports\n  - name: Empty\n"
        "per_page: 2\nlatest_news: 3\nsearch: true\nshared_latest_news: false\n"
        "comments_html: '<p>Write to <a href=\"mailto:x@example.org\">us</a></p>'\n", encoding="utf-8")
    (site / "static" / "images").mkdir(parents=True)
    (site / "static" / "images" / "wide.png").write_bytes(png(60, 30))
    (site / "static" / "images" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    people = [[], ["Lan"], ["Lan", "Minh"], ["Lan", "Minh", "O'Brien & Co"]]
    for n in range(9):
        fields: dict[str, Any] = {"authors": people[n % 4], "tags": [["Rice & <Ports>"], [], ["rice & <ports>", "Q\"A"]][n % 3]}
        if n % 3 == 0:
            fields.update(image="/images/wide.png", image_caption="The \"harbour\" at <dawn>", image_credit="AP & Co")
        elif n % 3 == 1:
            fields.update(image="/images/wide.png", image_credit="Only a credit")
        if n % 2:
            fields["summary"] = f"A summary -- with 'quotes' & <marks> for {n}"
        if n == 4:
            fields["updated"] = "2025-03-21 09:00"
            fields["corrections"] = [{"date": "2025-03-22 10:00", "text": "A name was <misspelt> & fixed."}]
        (site / "content" / f"story-{n}.md").write_text(article_text(
            title=f"Story {n}: \"quoted\" & <tagged> -- it's {n}", section=("Politics", "Sports")[n % 2],
            date=f"2025-03-{10 + n} 0{n}:30", body=f"Lead {n}.\n\nMore *text* & <b>bold</b>.\n", **fields),
            encoding="utf-8")
    (site / "content" / "draft.md").write_text(article_text(title="A draft", draft=True), encoding="utf-8")
    (site / "content" / "later.md").write_text(article_text(title="Scheduled", date="2999-01-01 08:00"),
                                               encoding="utf-8")
    files = both_ways(site, tmp_path, monkeypatch)
    page = next(data for name, data in files.items() if name.startswith("sports/story-1-")).decode()
    assert 'dir="rtl"' in page and 'href="/news/sports/"' in page and "x@example.org" in page
    assert "Lan</a>" in page and "&lt;tagged&gt;" in page and "Only a credit" in page
    assert counted["page"] >= 9 + 3
    both_ways(site, tmp_path, monkeypatch, drafts=True, preview=True)  # the badges
    with (site / "newsgen.yaml").open("a", encoding="utf-8") as f:
        f.write("logo: images/logo.svg\n")
    both_ways(site, tmp_path, monkeypatch)  # the logo as the share image of pages without their own


def test_a_template_of_the_site_renders_those_pages_with_jinja(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                make_site: Any, counted: dict[str, int]) -> None:
    site = make_site({"content/a.md": article_text(title="One"), "content/b.md": article_text(title="Two"),
                      "templates/base.html": "<!doctype html><title>mine</title>{% block content %}{% endblock %}\n"})
    files = both_ways(site, tmp_path, monkeypatch)
    assert files["politics/one/index.html"].startswith(b"<!doctype html><title>mine</title>")
    assert counted["page"] == 0 and counted["fragment"] > 0  # its cards are still the theme's


def test_a_page_that_fails_there_is_rendered_by_jinja(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       make_site: Any) -> None:
    site = make_site({"content/a.md": article_text(title="One"), "content/b.md": article_text(title="Two")})
    expected = both_ways(site, tmp_path, monkeypatch)

    def broken(*args: Any) -> str:
        raise KeyError("a mistake in render.direct")

    monkeypatch.setattr(direct.Direct, "_article", broken)
    monkeypatch.setattr(direct.Direct, "_card", broken)
    monkeypatch.setenv("NEWSGEN_STOCK_TEMPLATES", "0")
    out = tmp_path / "out-broken"
    build(site, BuildOptions(out=out, jobs=1))
    assert output_of(out) == expected


def test_a_changed_theme_file_is_rendered_by_jinja(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_demo(tmp_path / "site")
    monkeypatch.setitem(direct.THEME, "_macros.html", "0" * 24)  # as if the theme's file were edited
    config_theme = str(theme_dir() / "templates")
    from newsgen.config import load_config

    used = direct.usable(load_config(site), config_theme)
    assert "_macros.html" not in used and "_card.html" in used
    monkeypatch.setenv("NEWSGEN_STOCK_TEMPLATES", "1")
    assert direct.usable(load_config(site), config_theme) == frozenset()
