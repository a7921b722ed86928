"""Hostile values in newsgen.yaml, --base-url and front matter (a fuzzing review): a base_url that would
break every absolute address (or write lines into robots.txt), an empty embed host, a UTC offset with
seconds, tag and author names with no letter or digit, an iframe address a browser reads otherwise.
Each is one `path:line: message (hint)` error with the previous output untouched, or a site whose pages
say what they should."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from tests.e2e.test_errors import GOOD, LINE, article

CONFIG = "newsgen.yaml"
BASE_LINE = 2  # base_url's line in conftest.DEFAULT_CONFIG


@pytest.fixture
def built(prebuilt, tmp_path, snapshot):  # type: ignore[no-untyped-def]
    """A site with one good article, already built: (root, snapshot of public/)."""
    root = prebuilt("hostile-config-base", {"content/politics/2025/good.md": GOOD}, tmp_path)
    return root, snapshot(root / "public")


def one_error(result) -> re.Match[str]:  # type: ignore[no-untyped-def]
    """The run failed with exactly one diagnostic line (and the summary): its parts."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert not result.traceback, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] == "newsgen: 1 error, nothing was written", result.stderr
    assert len(lines) == 2, result.stderr
    m = LINE.match(lines[0])
    assert m, lines[0]
    return m


def set_base_url(root: Path, value: str) -> None:
    path = root / CONFIG
    text = path.read_text(encoding="utf-8")
    assert "base_url: https://gazette.example.org/\n" in text
    path.write_text(text.replace("base_url: https://gazette.example.org/\n", f"base_url: {value}\n"), encoding="utf-8")


# ---------------------------------------------------------------------------- base_url


BAD_BASE_URLS = {
    "newline": ('"https://example.org/\\nDisallow: /\\n#"', "line break"),
    "query": ("https://example.org/?a=b", "query"),
    "fragment": ("'https://example.org/#x'", "fragment"),
    "space": ("https://exa mple.org/", "space"),
    "quote-in-host": ("'https://ex\"ample.org/'", "host name"),
    "quote-in-path": ("'https://example.org/a\"b/'", "cannot hold"),
    "bad-port": ("https://example.org:99999/", "port"),
    "user-name": ("https://me@example.org/", "user name"),
    "unclosed-bracket": ("https://[example.org/", "not a web address"),
}


@pytest.mark.parametrize("value", BAD_BASE_URLS.values(), ids=BAD_BASE_URLS.keys())
def test_a_base_url_that_breaks_addresses_is_a_config_error(built, run_cli, snapshot, value) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    written, says = value
    set_base_url(root, written)
    m = one_error(run_cli(["build", "--jobs", "1"], root))
    assert (m["path"], m["line"]) == (CONFIG, str(BASE_LINE))
    assert m["message"].startswith("base_url ") and says in m["message"], m.group(0)
    assert m["hint"], m.group(0)
    assert snapshot(root / "public") == before  # robots.txt keeps its one Allow line


@pytest.mark.parametrize(
    ("value", "says"),
    [("https://example.org/\nDisallow: /\n#", "line break"), ("https://example.org/?a=b", "query"),
     ("https://example.org:99999/", "port"), ('https://ex"ample.org/', "host name")],
)
def test_a_bad_base_url_option_is_the_same_error_naming_the_option(built, run_cli, snapshot, value, says) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    m = one_error(run_cli(["build", "--jobs", "1", "--base-url", value], root))
    assert m["path"] == "--base-url" and m["line"] is None
    assert says in m["message"], m.group(0)
    assert "\\n" in m["message"] if "\n" in value else True  # the line break shown, not obeyed
    assert snapshot(root / "public") == before


@pytest.mark.parametrize(
    ("base_url", "option"),
    [("https://example.org/news/", False), ("http://localhost:8000/", False), ("https://example.org/news/", True),
     ("http://localhost:8000/", True)],
)
def test_ordinary_base_urls_still_build(make_site, run_cli, parse_html, base_url, option) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": GOOD})
    args = ["build", "--jobs", "1"]
    if option:
        args += ["--base-url", base_url]
    else:
        set_base_url(root, base_url)
    result = run_cli(args, root)
    assert result.exit_code == 0, result.stderr
    page = parse_html(root / "public/politics/the-council-votes-on-the-flood-barrier/index.html")
    canonical = page.find(".//link[@rel='canonical']").get("href")
    assert canonical == base_url + "politics/the-council-votes-on-the-flood-barrier/"
    robots = (root / "public/robots.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in robots if line.startswith("Disallow")] == []
    assert f"Sitemap: {base_url}sitemap.xml" in robots


# ---------------------------------------------------------------------------- embed_hosts and iframes


@pytest.mark.parametrize("hosts", ["['']", "['www.youtube.com', '  ']", "[https://www.youtube.com/]",
                                   "['www.you tube.com']", "[-bad-.example]"])
def test_an_empty_or_invalid_embed_host_is_a_config_error(built, run_cli, snapshot, hosts) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    lines = (root / CONFIG).read_text(encoding="utf-8").count("\n")
    with (root / CONFIG).open("a", encoding="utf-8") as f:
        f.write(f"embed_hosts: {hosts}\n")
    m = one_error(run_cli(["build", "--jobs", "1"], root))
    assert (m["path"], m["line"]) == (CONFIG, str(lines + 1))
    assert m["message"].startswith("embed_hosts: ") and "is not a host name" in m["message"], m.group(0)
    assert snapshot(root / "public") == before


BROWSER_READS_OTHERWISE = [
    "https:\\\\evil.example/",  # https://evil.example/ to a browser
    "https://evil.example\\@www.youtube.com/embed/x",  # a backslash ends the host: evil.example
    "https:/\\evil.example/www.youtube.com",
    " https://evil.example/",
    "https://www.youtube.com@evil.example/embed/x",
]


def test_iframes_are_judged_by_the_host_a_browser_loads(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    frames = "".join(f'<iframe src="{src}"></iframe>\n\n' for src in BROWSER_READS_OTHERWISE)
    kept = ["HTTPS://WWW.YOUTUBE.COM/embed/a", "https://www.youtube.com./embed/b"]
    frames += "".join(f'<iframe src="{src}"></iframe>\n\n' for src in kept)
    root = make_site({"content/politics/a.md": GOOD.replace("The lead paragraph.\n", "The lead paragraph.\n\n" + frames)})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    page = parse_html(root / "public/politics/the-council-votes-on-the-flood-barrier/index.html")
    assert [f.get("src") for f in page.iter("iframe")] == kept


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("front_matter", "line", "key"),
    [
        ("title: T\nsection: Politics\ndate: 2025-03-19 10:00 +07:00:30", 4, "date"),
        ("title: T\nsection: Politics\ndate: 2025-03-19T10:00:00-00:00:01", 4, "date"),
        ("title: T\nsection: Politics\ndate: 2025-03-19\nupdated: 2025-03-20 10:00 +07:00:30", 5, "updated"),
        ("title: T\nsection: Politics\ndate: 2025-03-19\ncorrections:\n  - date: 2025-03-20 09:00 +07:00:30\n"
         "    text: A name was misspelt.", 5, "correction date"),  # (at `corrections:`, as a correction's errors are)
    ],
)
def test_a_utc_offset_with_seconds_is_a_date_error(built, run_cli, snapshot, write_file, front_matter, line,  # type: ignore[no-untyped-def]
                                                   key) -> None:
    root, before = built
    write_file(root, "content/politics/2025/bad.md", article(front_matter))
    m = one_error(run_cli(["build", "--jobs", "1"], root))
    assert (m["path"], m["line"]) == ("content/politics/2025/bad.md", str(line))
    assert m["message"].startswith(f"{key}: ") and "offset with seconds" in m["message"], m.group(0)
    assert "hours and minutes" in m["hint"]
    assert snapshot(root / "public") == before


def test_a_date_in_the_timezones_local_mean_time_is_written_valid(make_site, run_cli, parse_xml, parse_html) -> None:  # type: ignore[no-untyped-def]
    """Asia/Ho_Chi_Minh was UTC+07:06:30 until 1911: a date written without an offset is that moment,
    written in UTC, so every feed, sitemap and JSON-LD date is valid; the page shows the time as written."""
    root = make_site({"content/politics/old.md": article("title: Old\nsection: Politics\ndate: 1905-03-19 10:00")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    pub = root / "public"
    rss = parse_xml(pub / "feed.xml").findtext("channel/item/pubDate")
    assert rss == "Sun, 19 Mar 1905 02:53:30 +0000"
    atom = "{http://www.w3.org/2005/Atom}"
    assert parse_xml(pub / "atom.xml").findtext(f"{atom}entry/{atom}updated") == "1905-03-19T02:53:30+00:00"
    lastmods = [e.text for e in parse_xml(pub / "sitemap.xml").iter("{*}lastmod")]
    assert "1905-03-19T02:53:30+00:00" in lastmods
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)")
    assert all(iso.fullmatch(t) for t in lastmods), lastmods
    page = parse_html(pub / "politics/old/index.html")
    data = [json.loads(s.text) for s in page.iterfind(".//script[@type='application/ld+json']")]
    published = [d["datePublished"] for d in data if "datePublished" in d]
    assert published == ["1905-03-19T02:53:30+00:00"]
    assert "10:00" in page.findtext(".//time")  # (shown in the site's timezone, as written)


# ---------------------------------------------------------------------------- names with no letter or digit


def story(title: str, tags: str = "[]", author: str = "Hung Anh", date: str = "2025-03-19 10:00") -> str:
    return article(f"title: {title}\nsection: Politics\ndate: {date}\nauthor: {author}\ntags: {tags}")


def names_on(page) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """The (text, href) of the tag links and of the author links of an article page."""
    return ([(a.text_content().strip(), a.get("href")) for a in page.iterfind(".//a[@rel='tag']")],
            [(a.text_content().strip(), a.get("href")) for a in page.iterfind(".//a[@rel='author']")])


def listing_heading(parse_html, root: Path, href: str) -> str:  # type: ignore[no-untyped-def]
    """The name a tag's or author's page shows in its heading (after its kind: "Topic", "Author")."""
    h1 = parse_html(root / "public" / href.strip("/") / "index.html").find(".//h1")
    kind = h1.find("span[@class='listing-kind']")
    return (kind.tail if kind is not None else h1.text_content()).strip()


def test_names_with_no_letter_or_digit_each_have_their_own_page(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = make_site({
        "content/politics/a.md": story("Symbols", tags='["!!!", "???"]', date="2025-03-19 10:00"),
        "content/politics/b.md": story("Real names", tags="[Tag]", author="Author", date="2025-03-18 10:00"),
        "content/politics/c.md": story("Dashes", author='"---"', date="2025-03-17 10:00"),
        "content/politics/d.md": story("Stars", author='"***"', date="2025-03-16 10:00"),
    })
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    pub = root / "public/politics"
    tags, _ = names_on(parse_html(pub / "symbols/index.html"))
    assert [name for name, _ in tags] == ["!!!", "???"]
    assert len({href for _, href in tags}) == 2
    real_tags, real_authors = names_on(parse_html(pub / "real-names/index.html"))
    assert real_tags == [("Tag", "/tags/tag/")] and real_authors == [("Author", "/authors/author/")]  # URLs kept
    _, dashes = names_on(parse_html(pub / "dashes/index.html"))
    _, stars = names_on(parse_html(pub / "stars/index.html"))
    hrefs = {href for _, href in [*tags, *real_tags, *real_authors, *dashes, *stars]}
    assert len(hrefs) == 6  # six names, six pages
    for name, href in [*tags, *dashes, *stars]:
        assert re.fullmatch(r"/(tags/tag|authors/author)-[0-9a-f]{6}/", href), href
        assert listing_heading(parse_html, root, href) == name  # each page named by its own name
    assert dashes[0][0] == "---" and stars[0][0] == "***"
    assert listing_heading(parse_html, root, "/tags/tag/") == "Tag"


def test_a_real_name_keeps_its_slug_when_a_symbol_name_would_take_it(make_site, build, run_cli, parse_html,  # type: ignore[no-untyped-def]
                                                                     snapshot, tmp_path) -> None:
    """A tag really named as the fallback slug of "!!!" (tag-e84c53), published later: it gets that address
    and "!!!" moves to a longer one, in an incremental build as in a clean one."""
    root = make_site({"content/politics/a.md": story("Symbols", tags='["!!!"]', date="2025-03-18 10:00")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    first, _ = names_on(parse_html(root / "public/politics/symbols/index.html"))
    assert first == [("!!!", "/tags/tag-e84c53/")]
    (root / "content/politics/b.md").write_text(story("Later", tags="[tag-e84c53]"), encoding="utf-8")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    later, _ = names_on(parse_html(root / "public/politics/later/index.html"))
    moved, _ = names_on(parse_html(root / "public/politics/symbols/index.html"))
    assert later == [("tag-e84c53", "/tags/tag-e84c53/")]
    assert moved[0][0] == "!!!" and re.fullmatch(r"/tags/tag-e84c53[0-9a-f]{4}/", moved[0][1]), moved
    assert listing_heading(parse_html, root, "/tags/tag-e84c53/") == "tag-e84c53"
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".newsgen-cache", "public"))
    assert run_cli(["build", "--jobs", "1"], clean).exit_code == 0
    assert snapshot(clean / "public").keys() == snapshot(root / "public").keys()
    assert names_on(parse_html(clean / "public/politics/symbols/index.html"))[0] == moved
