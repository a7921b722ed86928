"""Content rules end to end: drafts and scheduled articles, editor junk, BOM + CRLF, bundles, static files."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser

FIXTURES = Path(__file__).parent.parent / "fixtures" / "content"


def published(out: Path) -> set[str]:
    return {
        p.parent.relative_to(out).as_posix()
        for p in out.glob("*/*/index.html")
        if p.parent.parent.name not in ("authors", "tags", "page")
    }


def feed_titles(out: Path) -> set[str]:
    return {e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries}


def draft_site(make_site) -> Path:  # type: ignore[no-untyped-def]
    a = make_site.article
    return make_site(
        {
            "content/politics/live.md": a("Live story", date="2025-06-01 09:00", tags=["Shared"]),
            "content/politics/draft.md": a("Draft story", date="2025-06-02 09:00", draft=True, tags=["Draft only"]),
            # FIXED_NOW is 2025-06-15 12:00 in the site's zone: 12:30 the same day is still scheduled
            "content/politics/future.md": a(
                "Scheduled story", date="2025-06-15 12:30", tags=["Shared"], author="Future Writer"
            ),
        }
    )


def test_drafts_and_scheduled_are_left_out(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = draft_site(make_site)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    out = root / "public"
    assert published(out) == {"politics/live-story"}
    assert feed_titles(out) == {"Live story"}
    assert not (out / "tags/draft-only").exists()
    assert not (out / "authors/future-writer").exists()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "draft-story" not in sitemap and "scheduled-story" not in sitemap
    home = parse_html(out / "index.html")
    assert "Draft story" not in home.text_content() and "Scheduled story" not in home.text_content()
    assert len(parse_html(out / "tags/shared/index.html").findall(".//h2[@class='card-title']")) == 1


def test_drafts_flag(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = draft_site(make_site)
    assert run_cli(["build", "--jobs", "1", "--drafts"], root).exit_code == 0
    assert published(root / "public") == {"politics/live-story", "politics/draft-story"}


def test_future_flag(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = draft_site(make_site)
    assert run_cli(["build", "--jobs", "1", "--future"], root).exit_code == 0
    out = root / "public"
    assert published(out) == {"politics/live-story", "politics/scheduled-story"}
    assert (out / "authors/future-writer/index.html").is_file()


def test_both_flags_and_no_badges_in_build_output(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = draft_site(make_site)
    assert run_cli(["build", "--jobs", "1", "--drafts", "--future"], root).exit_code == 0
    out = root / "public"
    assert len(published(out)) == 3
    for page in out.rglob("*.html"):
        assert not parse_html(page).xpath("//*[contains(concat(' ', @class, ' '), ' badge ')]"), page


def test_the_preview_s_latest_news_list_marks_drafts_and_scheduled_stories(make_site, parse_html, freeze_clock,  # type: ignore[no-untyped-def]
                                                                          fixed_now) -> None:
    """In the preview (newsgen serve's build), the Latest News list says which of its stories are a draft or
    scheduled, as their cards do: in every page's list and in the shared latest-news.json that article pages
    refresh their list from (theme/static/latest.js). A build with --drafts --future shows neither."""
    import json

    from newsgen.build import BuildOptions, build

    freeze_clock(fixed_now)
    root = draft_site(make_site)
    for out, preview in ((root / "preview", True), (root / "public", False)):
        build(root, BuildOptions(out=out, preview=preview, drafts=True, future=True, jobs=1))
        for page in ("index.html", "politics/live-story/index.html"):
            items = parse_html(out / page).xpath("//ol[@class='latest-list']/li")
            badges = {li.findtext("a"): [(b.get("class"), b.text) for b in li.xpath("span")] for li in items}
            assert badges == ({"Scheduled story": [("badge badge-scheduled", "Scheduled")],
                               "Draft story": [("badge badge-draft", "Draft")], "Live story": []} if preview else
                              {"Scheduled story": [], "Draft story": [], "Live story": []}), (page, preview)
        listed = json.loads((out / "latest-news.json").read_text(encoding="utf-8"))["items"]
        assert {item["title"]: (item.get("status"), item.get("badge")) for item in listed} == (
            {"Scheduled story": ("scheduled", "Scheduled"), "Draft story": ("draft", "Draft"),
             "Live story": (None, None)} if preview else
            {"Scheduled story": (None, None), "Draft story": (None, None), "Live story": (None, None)})


def test_scheduled_article_appears_once_its_time_has_come(make_site, run_cli, freeze_clock, fixed_now) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    root = draft_site(make_site)
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert "politics/scheduled-story" not in published(root / "public")
    freeze_clock(fixed_now + dt.timedelta(hours=1))
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert "politics/scheduled-story" in published(root / "public")


JUNK_NAMES = [
    ".hidden.md",
    "foo.md~",
    ".foo.md.swp",
    "#foo.md#",
    "4913",
    ".#lock.md",
    "foo.md.bak",
    ".~lock.foo.md#",
]


def test_editor_junk_is_ignored(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    broken = "---\ntitle: [this would be an error\n---\n"
    files: dict[str, str | bytes] = {"content/politics/real.md": make_site.article("Real story")}
    for name in JUNK_NAMES:
        files[f"content/politics/{name}"] = broken
        files[f"content/politics/2025/bundle/{name}"] = broken
    files["content/.git/HEAD.md"] = broken
    files["content/politics/.obsidian/note.md"] = broken
    files["static/.DS_Store"] = b"\x00\x01"
    files["static/css/.site.css.swp"] = b"junk"
    files["static/css/site.css~"] = b"junk"
    files["static/css/site.css"] = "body{}"
    root = make_site(files)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    out = root / "public"
    assert published(out) == {"politics/real-story"}
    assert (out / "css/site.css").read_text(encoding="utf-8") == "body{}"
    assert not (out / ".DS_Store").exists()
    assert sorted(p.name for p in (out / "css").iterdir()) == ["site.css"]


def test_bom_and_crlf_are_accepted(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/bom.md": (FIXTURES / "bom_crlf.md").read_bytes()})
    (root / "newsgen.yaml").write_bytes(b"\xef\xbb\xbf" + (root / "newsgen.yaml").read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    doc = parse_html(root / "public/politics/with-a-bom-and-crlf/index.html")
    assert doc.findtext(".//h1") == "With a BOM and CRLF"
    body = doc.find(".//div[@class='story-body']")
    assert [p.text_content() for p in body.findall("p")] == ["First paragraph\nstill first.", "Second."]
    assert body.find("h2").text == "A heading"
    assert "\r" not in (root / "public/politics/with-a-bom-and-crlf/index.html").read_text(encoding="utf-8")


def resolve(out: Path, page_url: str, ref: str) -> Path:
    """The file a (relative or root-relative) URL on a page points at."""
    path = urlsplit(urljoin("https://gazette.example.org" + page_url, ref)).path
    return out / path.lstrip("/")


def test_bundle_images_are_published_next_to_the_page(make_site, run_cli, parse_html, png) -> None:  # type: ignore[no-untyped-def]
    lead, chart = png(8, 6), png(5, 5)
    root = make_site(
        {
            "content/politics/2025/summit/index.md": make_site.article(
                "Summit ends",
                image="photo.png",
                image_caption="Leaders at the summit",
                image_credit="AFP",
                body='The lead.\n\n![A chart](chart.png "Votes by ward")\n\n[Data](data.csv)\n',
            ),
            "content/politics/2025/summit/photo.png": lead,
            "content/politics/2025/summit/chart.png": chart,
            "content/politics/2025/summit/data.csv": "a,b\n1,2\n",
        }
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    out = root / "public"
    page_url = "/politics/summit-ends/"
    assert (out / "politics/summit-ends/photo.png").read_bytes() == lead
    assert (out / "politics/summit-ends/chart.png").read_bytes() == chart
    assert (out / "politics/summit-ends/data.csv").read_text(encoding="utf-8") == "a,b\n1,2\n"
    doc = parse_html(out / "politics/summit-ends/index.html")
    lead_img = doc.find(".//figure[@class='lead-figure']//img")
    assert resolve(out, page_url, lead_img.get("src")).read_bytes() == lead
    body_img = doc.find(".//div[@class='story-body']//figure//img")
    assert resolve(out, page_url, body_img.get("src")).read_bytes() == chart
    link = doc.find(".//div[@class='story-body']//a[.='Data']")
    assert resolve(out, page_url, link.get("href")).is_file()
    assert not (out / "politics/2025").exists() and not (out / "content").exists()


def test_every_local_link_and_image_resolves(make_site, run_cli, parse_html, png) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/2025/a/index.md": make_site.article("A", image="p.png", tags=["T"], author="Hung Anh"),
            "content/politics/2025/a/p.png": png(),
            "content/sports/b.md": make_site.article("B", section="Sports", image="/images/s.png", tags=["T"]),
            "static/images/s.png": png(),
        }
    )
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    out = root / "public"
    for page in out.rglob("*.html"):
        url = "/" + page.relative_to(out).as_posix().removesuffix("index.html")
        for el in parse_html(page).iter():
            ref = el.get("href") if el.tag in ("a", "link") else el.get("src") if el.tag in ("img", "script") else None
            if not ref or ref.startswith(("http://", "https://", "mailto:", "#")):
                continue
            target = resolve(out, url, ref)
            if ref.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (page, ref)


def test_static_files_are_copied_and_win_over_the_theme(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("A"),
            "static/robots-extra.txt": "hello",
            "static/theme/newsgen.css": "/* mine */",
        }
    )
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    out = root / "public"
    assert (out / "robots-extra.txt").read_text(encoding="utf-8") == "hello"
    assert (out / "theme/newsgen.css").read_text(encoding="utf-8") == "/* mine */"
    assert (out / "theme/latest.js").is_file()


def test_a_site_copied_elsewhere_builds_the_same(make_site, run_cli, snapshot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    copy = tmp_path / "moved"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("public", ".newsgen-cache"))
    assert run_cli(["build", "--jobs", "1"], copy).exit_code == 0
    assert snapshot(copy / "public") == snapshot(root / "public")
