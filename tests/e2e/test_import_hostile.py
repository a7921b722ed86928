"""newsgen import on hostile sources (found by fuzzing): a source that cannot be read is one error line
with its place and nothing written, never a traceback; an item is written only as the build takes it
(its image an http(s) address or a file it copies, its body within the build's limits, its date a real
one), else left out or skipped with a report line, so that what an import writes always builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

ATOM = "http://www.w3.org/2005/Atom"
WP_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>t</title><link>https://old.example.com</link><wp:wxr_version>1.2</wp:wxr_version>
"""


def wp_item(post_id: int, title: str, content: str = "<p>Text.</p>", extra: str = "", kind: str = "post") -> str:
    return f"""<item><title>{title}</title><link>https://old.example.com/?p={post_id}</link>
<content:encoded><![CDATA[{content}]]></content:encoded><wp:post_id>{post_id}</wp:post_id>
<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>{title.lower()}</wp:post_name>
<wp:status>{"inherit" if kind == "attachment" else "publish"}</wp:status><wp:post_type>{kind}</wp:post_type>
<category domain="category" nicename="politics">Politics</category>{extra}</item>
"""


def wxr(*items: str) -> str:
    return WP_HEAD + "".join(items) + "</channel></rss>\n"


def json_feed(*items: dict) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": list(items)})


def json_item(**fields) -> dict:
    return {"id": "1", "title": "Story", "tags": ["Politics"], "date_published": "2024-03-19T10:40:00Z",
            "content_html": "<p>Text.</p>", **fields}


def articles(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md"))


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def run_import(run_cli, root: Path, source: Path, kind: str):
    result = run_cli(["import", kind, str(source), "--site", str(root)], root)
    assert not result.traceback, result.stderr
    return result


def imported_builds(run_cli, root: Path, source: Path, kind: str = "feed") -> list[str]:
    """The report lines of an import that succeeds, after checking that what it wrote builds."""
    result = run_import(run_cli, root, source, kind)
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    built = run_cli(["build"], root)
    assert built.exit_code == 0 and not built.traceback, built.stderr
    return result.stdout.splitlines()


# ---------------------------------------------------------------------------- one error line, nothing written

UNKNOWN_ENCODING = '<?xml version="1.0" encoding="X-NOPE"?>\n<rss version="2.0"><channel><title>F</title></channel></rss>'


@pytest.mark.parametrize(("kind", "name", "text", "expected"), [
    ("wordpress", "export.xml", UNKNOWN_ENCODING,
     '{}:1: the XML declaration names an encoding newsgen cannot read: "X-NOPE" '
     '(save the file as UTF-8, with encoding="UTF-8" in its first line)'),
    ("feed", "feed.xml", UNKNOWN_ENCODING,
     '{}:1: the XML declaration names an encoding newsgen cannot read: "X-NOPE" '
     '(save the file as UTF-8, with encoding="UTF-8" in its first line)'),
    # (expat reads this one byte by byte; feedparser decodes "\\ud800" to a lone surrogate, and failed on it)
    ("feed", "feed.xml", UNKNOWN_ENCODING.replace("X-NOPE", "unicode_escape").replace("<title>F", "<title>F\\ud800"),
     '{}:1: the XML declaration names an encoding newsgen cannot read: "unicode_escape" '
     '(save the file as UTF-8, with encoding="UTF-8" in its first line)'),
    ("feed", "feed.json", '{"version": "https://jsonfeed.org/version/1.1",\n"items": ' + "[" * 100_000 + "]" * 100_000
     + "}", "{}:2: JSON nested too deeply to read: 100,001 levels of arrays or objects (column 100009) "
            "(a JSON Feed has a few levels and short numbers: the file is damaged, or is not a feed)"),
    ("feed", "feed.json", '{"version": "https://jsonfeed.org/version/1.1",\n"items": [{"id": ' + "9" * 5000
     + ', "title": "t", "date_published": "2024-01-01T00:00:00Z", "content_text": "a"}]}',
     "{}:2: a number 5,000 digits long: newsgen reads numbers of up to 4,300 digits (column 18) "
     "(a JSON Feed has a few levels and short numbers: the file is damaged, or is not a feed)"),
])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # (unicode_escape's, on the "\\]" of an invalid escape)
def test_unreadable_source_is_one_line(make_site, run_cli, tmp_path, kind, name, text, expected):
    root = make_site()
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = run_import(run_cli, root, source, kind)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected.format(source)]
    assert articles(root) == []


def test_real_command_prints_no_traceback(make_site, run_script, tmp_path):
    root = make_site()
    source = tmp_path / "feed.json"
    source.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000, encoding="utf-8")
    result = run_script(["import", "feed", str(source), "--site", str(root)], root)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "JSON nested too deeply" in result.stderr
    assert articles(root) == []


# ---------------------------------------------------------------------------- written as the build takes it


def test_a_lone_surrogate_is_replaced_and_reported(make_site, run_cli, tmp_path):
    """A JSON "\\ud800" (half of a UTF-16 pair, as a CMS that cuts an emoji in two writes) cannot be
    written to a UTF-8 file: it becomes U+FFFD, with a warning, and the rest of the story is kept."""
    root = make_site()
    source = tmp_path / "feed.json"
    source.write_text(json_feed(json_item(title="Cut \ud83d emoji", content_html="<p>x \udc00 y</p>")),
                      encoding="utf-8")
    lines = imported_builds(run_cli, root, source)
    assert lines == ["warning Cut \\ud83d emoji: 2 invalid characters (a lone UTF-16 surrogate, such as \\ud800) "
                     "replaced with U+FFFD",
                     "imported content/politics/2024/cut-emoji/index.md",
                     "newsgen: 1 imported, 0 skipped, 1 warning"]
    text = (root / "content/politics/2024/cut-emoji/index.md").read_text(encoding="utf-8")
    assert front(root / "content/politics/2024/cut-emoji/index.md")["title"] == "Cut \ufffd emoji"
    assert "x \ufffd y" in text


def test_an_image_that_is_no_web_address_is_left_out(make_site, run_cli, tmp_path):
    root = make_site()
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
                    "<item><title>T</title><link>https://f.example/a</link><category>Politics</category>"
                    "<pubDate>Tue, 19 Mar 2024 03:30:00 +0000</pubDate><description>x</description>"
                    '<enclosure url="file:///etc/passwd" type="image/jpeg"/></item></channel></rss>', encoding="utf-8")
    lines = imported_builds(run_cli, root, feed)
    assert "warning T: image left out: file:///etc/passwd (not a web address: an article's image is a file next " \
           "to it or an http(s) address)" in lines
    assert "image" not in front(root / "content/politics/2024/a/index.md")

    root = make_site()
    export = tmp_path / "export.xml"
    attachment = ("<wp:post_parent>1</wp:post_parent><wp:attachment_url>file:///etc/passwd</wp:attachment_url>"
                  "<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>/etc/passwd</wp:meta_value>"
                  "</wp:postmeta>")
    thumbnail = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>2</wp:meta_value></wp:postmeta>"
    export.write_text(wxr(wp_item(1, "Post", '<p>A.</p><img src="file:///etc/shadow"><img src="/wp/x.jpg">',
                                  extra=thumbnail), wp_item(2, "Photo", "", extra=attachment, kind="attachment")),
                      encoding="utf-8")
    lines = imported_builds(run_cli, root, export, "wordpress")
    assert [line for line in lines if "image left out" in line] == [
        f"warning Post: image left out: {url} (not a web address: an article's image is a file next to it or "
        "an http(s) address)" for url in ("file:///etc/passwd", "file:///etc/shadow")]
    fm = front(root / "content/politics/2024/post/index.md")
    assert "image" not in fm
    body = (root / "content/politics/2024/post/index.md").read_text(encoding="utf-8")
    assert "/etc/" not in body
    assert "(https://old.example.com/wp/x.jpg)" in body  # a path on the old site: its full address


def test_a_body_beyond_the_builds_limits_is_skipped(make_site, run_cli, tmp_path):
    root = make_site()
    export = tmp_path / "export.xml"
    export.write_text(wxr(wp_item(1, "Huge", "<p>" + "word " * 4_000_000 + "</p>"), wp_item(2, "Small")),
                      encoding="utf-8")
    lines = imported_builds(run_cli, root, export, "wordpress")
    assert "skipped Huge: newsgen build would refuse it: the body is 20,000,000 characters long; newsgen renders " \
           "up to 1,000,000 (split it into several articles)" in lines
    assert lines[-1] == "newsgen: 1 imported, 1 skipped, 0 warnings"
    assert articles(root) == ["content/politics/2024/small/index.md"]


def test_control_characters_are_removed_from_a_body(make_site, run_cli, tmp_path):
    root = make_site()
    source = tmp_path / "feed.json"
    source.write_text(json_feed(json_item(content_html="<p>a\u0001b\u001bc</p>")), encoding="utf-8")
    lines = imported_builds(run_cli, root, source)
    assert "warning Story: 2 control characters (U+0001, U+001B) removed from its body" in lines
    assert "abc" in (root / "content/politics/2024/story/index.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- dates: real ones only


def atom(*entries: str) -> str:
    return f'<?xml version="1.0"?><feed xmlns="{ATOM}"><title>A</title>{"".join(entries)}</feed>'


def atom_entry(title: str, dates: str) -> str:
    return (f'<entry><title>{title}</title><id>{title}</id><category term="Politics"/>{dates}'
            f'<content type="html">&lt;p&gt;Text.&lt;/p&gt;</content></entry>')


def test_a_date_that_names_no_real_moment_is_never_taken(make_site, run_cli, tmp_path):
    """feedparser reads 2024-13-45T99:00:00Z as 2025-01-01 00:00: the item is skipped, or its other
    date used, with a line saying so."""
    root = make_site()
    feed = tmp_path / "feed.xml"
    feed.write_text(atom(atom_entry("Impossible", "<updated>2024-13-45T99:00:00Z</updated>"),
                         atom_entry("Other", "<published>2024-02-30T10:00:00+07:00</published>"
                                             "<updated>2024-03-02T10:00:00+07:00</updated>"),
                         atom_entry("Fine", "<updated>2024-03-19T10:40:00+07:00</updated>")), encoding="utf-8")
    lines = imported_builds(run_cli, root, feed)
    assert lines == [
        "skipped Impossible: its updated date 2024-13-45T99:00:00Z cannot be read (a date such as "
        "2024-03-19T10:40:00+07:00 or Tue, 19 Mar 2024 10:40:00 +0700)",
        "warning Other: its published date 2024-02-30T10:00:00+07:00 cannot be read: its updated date used",
        "imported content/politics/2024/other/index.md",
        "imported content/politics/2024/fine/index.md",
        "newsgen: 2 imported, 1 skipped, 1 warning"]
    assert str(front(root / "content/politics/2024/other/index.md")["date"]) == "2024-03-02 10:00"

    rss = tmp_path / "feed.rss"
    rss.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>Late</title>'
                   "<category>Politics</category><pubDate>Tue, 31 Feb 2024 03:30:00 +0000</pubDate>"
                   "<description>x</description></item></channel></rss>", encoding="utf-8")
    lines = run_import(run_cli, make_site(), rss, "feed").stdout.splitlines()
    assert lines[0] == ("skipped Late: its published date Tue, 31 Feb 2024 03:30:00 +0000 cannot be read (a date "
                        "such as 2024-03-19T10:40:00+07:00 or Tue, 19 Mar 2024 10:40:00 +0700)")

    feed = tmp_path / "feed.json"
    feed.write_text(json_feed(json_item(date_published="2024-02-30T00:00:00Z")), encoding="utf-8")
    lines = run_import(run_cli, make_site(), feed, "feed").stdout.splitlines()
    assert lines[0] == ("skipped Story: its published date 2024-02-30T00:00:00Z cannot be read (a date such as "
                        "2024-03-19T10:40:00+07:00 or Tue, 19 Mar 2024 10:40:00 +0700)")


@pytest.mark.parametrize(("text", "real"), [
    ("2024-03-19T10:40:00+07:00", True), ("2024-03-19", True), ("2024-03", True), ("20240319T104000Z", True),
    ("2024-03-19T23:59:60Z", True), ("2024-03-19T10:40:00.5-05:00", True), ("2024-079", True),
    ("Tue, 19 Mar 2024 03:30:00 +0000", True), ("19 Mar 24 03:30 GMT", True), ("Sun Jan  4 16:29:06 2004", True),
    ("2024-13-45T99:00:00Z", False), ("2024-02-30", False), ("2024-03-19T24:00:00Z", False),
    ("2024-03-19T10:40:00+25:00", False), ("Tue, 45 Mar 2024 99:30:00 +0000", False),
    ("Tue, 29 Feb 2023 03:30:00 EST", False),
])
def test_real_dates(text, real):
    from newsgen.importers.feeddates import real as is_real

    assert is_real(text) is real


def test_addresses_urllib_refuses_and_values_that_are_no_text(make_site, run_cli, tmp_path):
    """An unclosed IPv6 bracket (`http://[x/`) made urllib raise ValueError: a traceback. A JSON Feed
    title that is a list was written as Python's repr of it."""
    root = make_site()
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>https://f.example/</link>'
                    "<item><title>T</title><link>http://[oops/a</link><category>Politics</category>"
                    "<pubDate>Tue, 19 Mar 2024 03:30:00 +0000</pubDate>"
                    '<description>&lt;a href="http://[x/"&gt;link&lt;/a&gt; &lt;img src="http://[y/a.jpg"&gt;'
                    '</description><enclosure url="http://[z/a.jpg" type="image/jpeg"/></item></channel></rss>',
                    encoding="utf-8")
    lines = imported_builds(run_cli, root, feed)
    assert [line.split(" (")[0] for line in lines if "image left out" in line] == [
        "warning T: image left out: http://[z/a.jpg", "warning T: image left out: http://[y/a.jpg"]
    assert articles(root) == ["content/politics/2024/t/index.md"]

    source = tmp_path / "feed.json"
    source.write_text(json_feed(json_item(title=[["Not", "text"]])), encoding="utf-8")
    lines = run_import(run_cli, make_site(), source, "feed").stdout.splitlines()
    assert lines[0] == "skipped (untitled: no link): no title (newsgen needs one)"
