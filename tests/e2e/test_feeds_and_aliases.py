"""Issue 17: URLs that never break (aliases: -> redirect pages and _redirects) and syndication in three
formats (RSS 2.0, Atom, JSON Feed 1.1), each advertised with <link rel=alternate> and valid."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
SECTIONS = ("Politics", "Sports")


def _site(make_site, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    files = {f"content/{SECTIONS[i % 2].lower()}/a{i}.md":
             make_site.article(f"Story {i}", section=SECTIONS[i % 2], date=f"2025-03-{10 + i} 10:00",
                               author=f"Writer {i % 2}", tags=["Floods"],
                               body=f"Lead of story {i}.\n\nMore text with [a link](/politics/story-0/).\n")
             for i in range(6)}
    return make_site({**files, **(extra or {})})


def test_every_feed_format_for_the_site_and_each_section_is_linked_and_valid(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    build(root)
    out = root / "public"
    for folder in ("", "politics/", "sports/"):
        rss = feedparser.parse((out / f"{folder}feed.xml").read_bytes())
        atom = feedparser.parse((out / f"{folder}atom.xml").read_bytes())
        assert not rss.bozo and not atom.bozo and atom.version == "atom10"
        assert [e.link for e in atom.entries] == [e.link for e in rss.entries] and atom.entries
        assert [e.id for e in atom.entries] == [e.id for e in rss.entries]  # one identity per story
        _rfc4287(etree.parse(str(out / f"{folder}atom.xml")).getroot(), f"{folder}atom.xml")
        feed = json.loads((out / f"{folder}feed.json").read_text(encoding="utf-8"))
        _json_feed_11(feed, f"{folder}feed.json")
        assert [i["url"] for i in feed["items"]] == [e.link for e in rss.entries]
    # advertised: the site's three on every page, a section's three on its pages
    page = parse_html(out / "politics/index.html")
    links = {(e.get("type"), e.get("href")) for e in page.iterfind(".//link[@rel='alternate']")}
    assert {("application/rss+xml", "/feed.xml"), ("application/atom+xml", "/atom.xml"),
            ("application/feed+json", "/feed.json"), ("application/atom+xml", "/politics/atom.xml"),
            ("application/feed+json", "/politics/feed.json")} <= links
    assert all((out / href.lstrip("/")).is_file() for _, href in links)


def _rfc4287(feed: etree._Element, where: str) -> None:
    """The Atom rules a validator checks (RFC 4287 section 4): one id, title and updated per feed and
    entry, an author for every entry (its own or the feed's), an alternate link or content, dates
    that are RFC 3339."""
    assert feed.tag == f"{ATOM}feed", where
    for el in (feed, *feed.iterfind(f"{ATOM}entry")):
        for name in ("id", "title", "updated"):
            assert len(el.findall(f"{ATOM}{name}")) == 1, (where, name)
        for stamp in el.iterfind(f"{ATOM}updated"):
            dt.datetime.fromisoformat(stamp.text or "")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href", "").endswith(where)
    for entry in feed.iterfind(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        content = entry.find(f"{ATOM}content")
        assert content is None or content.get("type") == "html"
        assert "<a href=\"https://" in (content.text or "")  # links in bodies are absolute in feeds


def _json_feed_11(feed: dict, where: str) -> None:  # type: ignore[type-arg]
    """The JSON Feed 1.1 fields (https://www.jsonfeed.org/version/1.1/): version and title required,
    feed_url where the file is; every item an id, and content_html or content_text; dates RFC 3339."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"].endswith(where) and feed["home_page_url"].startswith("https://")
    assert feed["items"]
    ids = [item["id"] for item in feed["items"]]
    assert len(set(ids)) == len(ids) and all(isinstance(i, str) for i in ids)
    for item in feed["items"]:
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            assert dt.datetime.fromisoformat(item[key]).tzinfo is not None
        for person in item.get("authors", []):
            assert set(person) <= {"name", "url", "avatar"} and person["name"]


def test_an_old_path_redirects_to_the_article(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, {"content/politics/moved.md": make_site.article(
        "Moved story", date="2025-03-01 08:00",
        raw_front_matter="aliases: [/2024/03/19/old-slug, /politics/old-slug/, /?p=123, /old.html]")})
    build(root)
    out = root / "public"
    for old in ("2024/03/19/old-slug/index.html", "politics/old-slug/index.html", "old.html"):
        page = parse_html(out / old)
        refresh = page.find(".//meta[@http-equiv='refresh']")
        assert refresh is not None and refresh.get("content") == "0; url=/politics/moved-story/"
        assert page.find(".//link[@rel='canonical']").get("href") == "https://gazette.example.org/politics/moved-story/"
        assert page.find(".//meta[@name='robots']").get("content") == "noindex"
        assert page.find(".//a").get("href") == "/politics/moved-story/"
    lines = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/2024/03/19/old-slug/ /politics/moved-story/ 301" in lines
    assert "/ p=123 /politics/moved-story/ 301" in lines
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '"p=123": "/politics/moved-story/"' in home  # a static host cannot answer /?p=123 otherwise
    assert "old-slug" not in (out / "sitemap.xml").read_text(encoding="utf-8")  # old paths are not listed


def test_a_new_slug_keeps_the_old_link_working(make_site, build) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site)
    build(root)
    story = root / "content/politics/a0.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "---\n\n", "slug: story-zero-renamed\naliases: [/politics/story-0/]\n---\n\n", 1), encoding="utf-8")
    result = build(root)
    out = root / "public"
    assert (out / "politics/story-zero-renamed/index.html").is_file()
    old = (out / "politics/story-0/index.html").read_text(encoding="utf-8")
    assert 'content="0; url=/politics/story-zero-renamed/"' in old
    assert "politics/story-0/index.html" in result.changed


def test_an_alias_that_collides_names_both_files(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, {
        "content/politics/x.md": make_site.article("X", raw_front_matter="aliases: [/sports/story-1/]"),
        "content/politics/y.md": make_site.article("Y", raw_front_matter="aliases: [/old/]"),
        "content/politics/z.md": make_site.article("Z", raw_front_matter="aliases: [/old/]")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert any(line.startswith("content/politics/x.md:") and "content/sports/a1.md" in line for line in lines)
    assert any("content/politics/y.md" in line and "content/politics/z.md" in line for line in lines)


def test_a_bad_alias_is_one_clear_line(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    for bad in ("old-path/", "//evil.example/x", "/%2e%2e/%2e%2e/etc/", "/a b/"):
        root = _site(make_site, {"content/politics/x.md": make_site.article("X", aliases=[bad])})
        result = run_cli(["build", "--jobs", "1"], root)
        assert result.exit_code == 1 and not result.traceback, bad
        assert any(line.startswith("content/politics/x.md:") and "alias" in line
                   for line in result.stderr.splitlines()), result.stderr
        assert not Path(root / "etc").exists()


def test_a_feed_says_when_its_stories_last_changed_not_when_it_was_built(make_site, freeze_clock, site_tz) -> None:  # type: ignore[no-untyped-def]
    """The feeds' own date (Atom <updated>, RSS <lastBuildDate>) is the latest change among their stories,
    an older story updated after the newest was published included; a feed with no story yet (a section
    that is empty) says the Unix epoch. Not the clock: the same files give the same feeds, so a build
    at another time (or an incremental one, which does not render them again) writes the same bytes."""
    from newsgen.build import BuildOptions, build

    root = _site(make_site, {"content/politics/a0.md": make_site.article(
        "Story 0", section="Politics", date="2025-03-10 10:00", updated="2025-03-20 08:30", author="Writer 0")})
    config = root.joinpath("newsgen.yaml").read_text(encoding="utf-8")
    root.joinpath("newsgen.yaml").write_text(config.replace("sections:\n", "sections:\n  - name: Weather\n"), "utf-8")
    outputs = []
    for day in (1, 2):  # two builds a day apart, each without a cache
        freeze_clock(dt.datetime(2025, 4, day, 9, 0, tzinfo=site_tz))
        out = root / f"public-{day}"
        build(root, BuildOptions(out=out, jobs=1))
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.xml")})
    assert outputs[0] == outputs[1]
    out = root / "public-1"
    site_atom = etree.parse(str(out / "atom.xml")).getroot()
    assert site_atom.findtext(f"{ATOM}updated") == "2025-03-20T08:30:00+07:00"  # story 0's update, not story 5's date
    assert b"<lastBuildDate>Thu, 20 Mar 2025 08:30:00 +0700</lastBuildDate>" in outputs[0]["feed.xml"]
    empty = etree.parse(str(out / "weather/atom.xml")).getroot()
    assert empty.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00+00:00" and not empty.findall(f"{ATOM}entry")
    _rfc4287(empty, "weather/atom.xml")
    assert b"lastBuildDate" not in outputs[0]["weather/feed.xml"]


def test_an_rss_description_is_html_holding_the_summary_as_text(make_site, build) -> None:  # type: ignore[no-untyped-def]
    """RSS readers read <description> as HTML: a summary written as text ("<new>", "Q&A") is HTML-escaped
    inside it (else "<new>" vanished as an unknown tag), as feedparser, a reader's parser, shows it."""
    import html

    summary = "Council passes the <new> budget: Q&A with <b>the mayor</b>"
    root = make_site({"content/politics/a.md": make_site.article("Budget", summary=summary)})
    build(root)
    rss = etree.parse(str(root / "public/feed.xml"))
    (description,) = rss.xpath("//item/description/text()")
    assert html.unescape(description) == summary and "<" not in description
    entry = feedparser.parse((root / "public/feed.xml").read_bytes()).entries[0]
    assert html.unescape(entry.summary) == summary
    atom = feedparser.parse((root / "public/atom.xml").read_bytes()).entries[0]
    assert atom.summary == summary  # (Atom says its summary is text: once escaped, as before)


def test_a_storys_feed_id_survives_a_new_headline_a_corrected_date_and_another_section(make_site, build,
                                                                                      write_file) -> None:  # type: ignore[no-untyped-def]
    """Feed readers key stories by their id: one made of the headline's slug or the date showed an edited
    story twice. It is the story's file, in all three formats, and it is a valid IRI for any file name."""
    root = make_site({"content/politics/2025/council vote.md": make_site.article("Council votes", date="2025-03-10 10:00"),
                      "content/politics/2025/other.md": make_site.article("Other story", date="2025-03-09 10:00")})
    build(root)
    out = root / "public"

    def ids() -> tuple[list[str], list[str], list[str]]:
        rss = feedparser.parse((out / "feed.xml").read_bytes())
        atom = feedparser.parse((out / "atom.xml").read_bytes())
        feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
        return [e.id for e in rss.entries], [e.id for e in atom.entries], [i["id"] for i in feed["items"]]

    before = ids()
    assert before[0] == before[1] == before[2]
    assert before[0][0] == "https://gazette.example.org/#content/politics/2025/council%20vote.md"
    write_file(root, "content/politics/2025/council vote.md",
               make_site.article("Council votes again, headline fixed", date="2025-03-10 11:30", section="Sports"))
    build(root)
    after = ids()
    assert sorted(after[0]) == sorted(before[0]) and after[0] == after[1] == after[2]
    assert json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"][0]["title"] == (
        "Council votes again, headline fixed")
