"""render.sitemap: the built-in theme's sitemap.xml written without Jinja makes the template's bytes, on
synthetic sites (parts of a big site, updated and corrected stories, dates with microseconds, a base URL
and slugs that need escaping, no story at all) and on whole sites built both ways (one edition, two
editions with xhtml:link alternates, a site under a path)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from tests.unit.test_site import T0, art, config

import newsgen.pages as pages
import newsgen.render.sitemap as fast
from newsgen.content.body import Bodies
from newsgen.model import Correction
from newsgen.pages import PageSpec
from newsgen.render.inputs import RenderInputs
from newsgen.render.pages import Renderer
from newsgen.site import build_site


def both_ways(site, cfg, part: int | None = None) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    renderer = Renderer(RenderInputs(cfg, site, T0, Bodies(cfg, None)), cache=False)
    assert renderer.stock_sitemap  # (no templates/ folder: the theme's)
    spec = PageSpec("sitemap.xml", "sitemap.xml", "sitemap", "sitemap.xml", (part,) if part else ())
    mine = renderer.render(spec)
    renderer.stock_sitemap = False
    return mine, renderer.render(spec)


def stories(n: int, **kw: object) -> list:  # type: ignore[type-arg]
    return [art(k, ("politics", "sports")[k % 2], tags=("Rail",) if k % 3 else (), **kw) for k in range(n)]


@pytest.mark.parametrize("limit", [None, 1, 3, 7, 40])
def test_every_part_is_the_templates(limit: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(per_page=2)
    site, _ = build_site(stories(17), cfg)
    if limit is None:
        mine, template = both_ways(site, cfg)
        assert mine == template and mine.count(b"<url>") > 17
        return
    monkeypatch.setattr(pages, "SITEMAP_LIMIT", limit)
    total = len(both_ways(site, cfg)[1].split(b"<url>")) - 1
    for part in range(1, -(-total // limit) + 1):
        mine, template = both_ways(site, cfg, part)
        assert mine == template, part


def test_dates_updates_and_corrections() -> None:
    cfg = config()
    arts = [art(0, updated=T0 + dt.timedelta(days=3, microseconds=250)),
            art(1, date=T0 + dt.timedelta(hours=1, microseconds=999_999)),
            art(2, corrections=(Correction(T0 + dt.timedelta(days=9), "A name was misspelt."),)),
            art(3, date=(T0 + dt.timedelta(hours=5)).astimezone(dt.timezone(dt.timedelta(hours=7)))),
            art(4)]
    site, _ = build_site(arts, cfg)
    mine, template = both_ways(site, cfg)
    assert mine == template and b".000250" not in mine


@pytest.mark.parametrize("base", ["https://example.org/?a=1&b=2/", "https://example.org/it's/", "https://example.org/"])
def test_what_needs_escaping(base: str) -> None:
    cfg = dataclasses.replace(config(), base_url=base)
    site, _ = build_site([*stories(3), art(9, slug="r&d-<lab>")], cfg)
    mine, template = both_ways(site, cfg)
    assert mine == template and b"r&amp;d-&lt;lab&gt;" in mine


def test_a_site_without_stories() -> None:
    cfg = config()
    site, _ = build_site([], cfg)
    mine, template = both_ways(site, cfg)
    assert mine == template


def test_a_site_template_of_that_name_is_used(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "sitemap.xml").write_text("<urlset/>\n", encoding="utf-8")
    cfg = dataclasses.replace(config(), root=tmp_path)
    site, _ = build_site(stories(3), cfg)
    renderer = Renderer(RenderInputs(cfg, site, T0, Bodies(cfg, None)), cache=False)
    assert not renderer.stock_sitemap
    assert renderer.render(PageSpec("sitemap.xml", "sitemap.xml", "sitemap", "sitemap.xml", ())) == b"<urlset/>\n"


@pytest.mark.parametrize("kind", ["own latest news", "two editions", "under a path"])
def test_whole_sites_built_both_ways(kind: str, make_site, png, tmp_path: Path,  # type: ignore[no-untyped-def]
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.e2e.test_edit_sequences import start

    from newsgen.build import BuildOptions, build

    room = start(make_site, png, 5, kind)
    sitemaps = []
    for on in (True, False):
        monkeypatch.setattr(fast, "ON", on)
        out = tmp_path / f"out-{on}"
        build(room.root, BuildOptions(out=out, jobs=1))
        sitemaps.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("sitemap*.xml")})
    assert sitemaps[0] == sitemaps[1] and any(b"<url>" in data for data in sitemaps[0].values())
    if kind == "two editions":
        assert any(b"xhtml:link" in data for data in sitemaps[0].values())


@pytest.mark.parametrize("fields", [
    {},
    {"updated": "2025-03-21 08:05"},
    {"updated": "2025-03-21T08:05:09.5+02:00"},  # (to the second, and in its own offset)
    {"corrections": [{"date": "2025-04-02 10:00", "text": "A name was misspelt."}]},
    {"updated": "2025-03-20 09:00", "corrections": [{"date": "2025-03-19 18:00", "text": "A date."}]},
])
def test_the_parsers_modified_iso_is_the_sitemaps_lastmod(fields: dict[str, object], tmp_path: Path) -> None:
    """Article.modified_iso (made by the parser, kept in the cache) is what the sitemap computes from
    `modified` when an article has none; a sitemap is the same bytes either way."""
    from tests.conftest import article_text

    from newsgen.content.parse import parse_bytes
    from newsgen.render.context import lastmod

    cfg = dataclasses.replace(config(), root=tmp_path)
    raw = article_text(date="2025-03-19T17:40:00.25+07:00", **fields).encode()
    a, diags = parse_bytes(raw, "content/politics/x.md", tmp_path, cfg)
    assert a is not None, diags
    assert a.modified_iso == lastmod(a.modified) != ""
    site, _ = build_site([a, *stories(4)], cfg)
    blank, _ = build_site([dataclasses.replace(a, modified_iso=""), *stories(4)], cfg)
    assert both_ways(site, cfg) == both_ways(blank, cfg)
    assert both_ways(site, cfg)[0] == both_ways(site, cfg)[1]
