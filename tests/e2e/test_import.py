"""newsgen import wordpress / feed: a realistic WordPress export and feeds of each format imported into
a fresh site that then builds with 0 errors; the report, --dry-run, a second import, --overwrite, and
malformed or unknown sources as one line with the place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
WXR = FIXTURES / "wordpress.xml"
UPLOADS = FIXTURES / "uploads"
MAPPING = ["--section-map", "Chính trị=Politics", "--section-map", "van-hoa=Culture"]

POST = "content/politics/2024/hoi-nghi-trung-uong-khai-mac/index.md"
DERBY = "content/sports/2024/derby-thu-do/index.md"
GALLERY = "content/culture/2024/trien-lam-tranh-lua/index.md"
DRAFT = "content/politics/2024/ban-nhap-ngan-sach-2025/index.md"
FUTURE = "content/sports/2030/lich-thi-dau-2030/index.md"
UNMAPPED = "content/politics/2024/mua-lon-o-da-nang/index.md"
PAGE = "content/culture/2024/gioi-thieu/index.md"


def front(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


def wp_import(run_cli, root: Path, *extra: str):
    return run_cli(["import", "wordpress", str(WXR), "--site", str(root), "--uploads", str(UPLOADS),
                    *MAPPING, *extra], root)


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "content").rglob("*")) if p.is_file()}


@pytest.fixture
def imported(make_site, run_cli):
    root = make_site()
    result = wp_import(run_cli, root, "--default-section", "Politics", "--pages-section", "Culture")
    assert result.exit_code == 0, result.stderr + result.stdout
    return root, result


def test_wordpress_export_imports_and_builds(imported, build, parse_html):
    root, result = imported
    lines = result.stdout.splitlines()
    for rel in (POST, DERBY, GALLERY, DRAFT, FUTURE, UNMAPPED, PAGE):
        assert f"imported {rel}" in lines
    assert "skipped Bài đã xóa: in the trash" in lines
    assert any(line.startswith('skipped Trang chủ: a "nav_menu_item" item') for line in lines)
    assert any(line.startswith("skipped Tài liệu hội nghị: a media file") and "tai-lieu.pdf" in line for line in lines)
    assert sum(line.startswith("skipped Gallery ") for line in lines) == 2
    assert any('category "Tin vắn" matches no section' in line for line in lines)
    assert any("image kept as a remote URL: https://cdn.example.net/archive/old-photo.jpg" in line for line in lines)
    assert any("shortcode [contact-form-7]" in line for line in lines)
    assert lines[-1] == "newsgen: 7 imported, 6 skipped, 4 warnings"
    assert not result.traceback

    res = build(root)  # raises on any error
    assert res.articles == 5  # the draft and the scheduled post wait
    page = parse_html(root / "public" / "politics" / "hoi-nghi-trung-uong-khai-mac" / "index.html")
    assert page.xpath("string(//h1)").strip() == "Hội nghị Trung ương khai mạc"
    captions = [c.text_content().strip() for c in page.xpath("//figure/figcaption")]
    assert "Quang cảnh hội nghị" in captions
    assert page.xpath("//a[@href='/sports/derby-thu-do/']"), "a link between imported posts points at the new URL"
    assert (root / "public" / "politics" / "hoi-nghi-trung-uong-khai-mac" / "hoi-nghi.jpg").is_file()
    derby = parse_html(root / "public" / "sports" / "derby-thu-do" / "index.html")
    assert derby.xpath("//a[@href='https://www.youtube.com/watch?v=dQw4w9WgXcQ']")
    assert derby.xpath("//figure/figcaption[contains(., 'Khán giả trên sân Hàng Đẫy')]")

    # every old permalink of a published article is a redirect page to its new address
    redirects = (root / "public" / "_redirects").read_text(encoding="utf-8")
    followed = 0
    for rel in (POST, DERBY, GALLERY, UNMAPPED, PAGE):
        fm, _ = front(root / rel)
        new = f"/{rel.split('/')[1]}/{fm['slug']}/"
        for alias in fm["aliases"]:
            if "?" in alias:
                assert f"{alias.split('?')[1]} {new} 301" in redirects
                continue
            old = parse_html(root / "public" / alias.strip("/") / "index.html")
            assert old.xpath("string(//meta[@http-equiv='refresh']/@content)") == f"0; url={new}"
            followed += 1
    assert followed == 5


def test_front_matter_values(imported, site_tz):
    root, _ = imported
    fm, body = front(root / POST)
    assert fm["title"] == "Hội nghị Trung ương khai mạc"
    assert fm["section"] == "Politics"
    assert fm["authors"] == ["Hùng Anh", "Minh Châu"]  # dc:creator's display name, then the co-author
    assert str(fm["date"]) == "2024-03-19 10:40"  # 03:40 UTC in Asia/Ho_Chi_Minh
    assert str(fm["updated"]) == "2024-03-20 08:15"
    assert fm["summary"] == "Hội nghị bàn về kinh tế và công tác cán bộ."
    assert fm["tags"] == ["Quốc hội"]
    assert fm["slug"] == "hoi-nghi-trung-uong-khai-mac"  # the percent-encoded Vietnamese post_name, as a slug
    assert fm["image"] == "hoi-nghi.jpg" and (root / POST).with_name("hoi-nghi.jpg").is_file()
    assert fm["image_caption"] == "Đại biểu dự phiên khai mạc, sáng 19/3"
    assert fm["image_alt"] == "Hội trường Diên Hồng"
    assert fm["aliases"] == ["/2024/03/19/hội-nghị-trung-ương-khai-mạc/", "/?p=101"]
    assert "draft" not in fm and "wp:" not in body and "<!--" not in body
    assert '![Hội trường](hoi-nghi.jpg "Quang cảnh hội nghị")' in body  # the missing resized copy -> the original

    derby, body = front(root / DERBY)
    assert derby["title"] == "Derby thủ đô: 2-1 & một thẻ đỏ"
    assert derby["author"] == "Minh Châu"
    assert derby["extra"] == {"sticky": True}
    assert derby["aliases"] == ["/2024/04/02/derby-thu-do/", "/?p=102"]
    assert "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>" in body
    assert "<https://vimeo.com/76979871>" in body
    assert "more" not in body and "[caption" not in body and "[embed" not in body
    assert '![Sân Hàng Đẫy](stadium.png "Khán giả trên sân Hàng Đẫy")' in body

    _, body = front(root / GALLERY)
    assert "![](gallery-1.jpg" in body and "![Tranh sơn mài](gallery-2.png)" in body
    assert (root / GALLERY).with_name("gallery-2.png").is_file()
    assert "(https://cdn.example.net/archive/old-photo.jpg)" in body

    draft, _ = front(root / DRAFT)
    assert draft["draft"] is True
    assert str(draft["date"]) == "2024-06-01 14:00"  # post_date, the offset the other posts show
    assert draft["aliases"] == ["/?p=104"]
    future, _ = front(root / FUTURE)
    assert str(future["date"]) == "2030-01-01 08:00" and "draft" not in future
    unmapped, _ = front(root / UNMAPPED)
    assert unmapped["section"] == "Politics" and unmapped["tags"] == ["Tin vắn"]
    page, _ = front(root / PAGE)
    assert page["section"] == "Culture" and page["aliases"] == ["/gioi-thieu/", "/?page_id=110"]


def test_dry_run_writes_nothing(make_site, run_cli):
    root = make_site()
    before = files_of(root)
    result = wp_import(run_cli, root, "--dry-run", "--default-section", "Politics")
    assert result.exit_code == 0
    assert f"would import {POST}" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].endswith("(dry run: nothing was written)")
    assert files_of(root) == before


def test_second_import_writes_nothing_and_overwrite_replaces(imported, run_cli):
    root, _ = imported
    before = files_of(root)
    again = wp_import(run_cli, root, "--default-section", "Politics", "--pages-section", "Culture")
    assert again.exit_code == 0
    assert f"skipped Hội nghị Trung ương khai mạc: {POST} exists (--overwrite replaces it)" in again.stdout
    assert again.stdout.splitlines()[-1].startswith("newsgen: 0 imported")
    assert files_of(root) == before

    (root / POST).write_text("edited by hand", encoding="utf-8")
    kept = wp_import(run_cli, root, "--default-section", "Politics")
    assert (root / POST).read_text(encoding="utf-8") == "edited by hand"
    assert kept.exit_code == 0
    replaced = wp_import(run_cli, root, "--default-section", "Politics", "--overwrite")
    assert f"imported {POST}" in replaced.stdout.splitlines()
    assert (root / POST).read_bytes() == before[POST]


def test_unknown_category_without_default_is_skipped(make_site, run_cli):
    root = make_site()
    result = wp_import(run_cli, root)
    assert result.exit_code == 0
    assert ('skipped Mưa lớn ở Đà Nẵng: its categories ("Tin vắn") match no section '
            "(--section-map 'CATEGORY=Section' or --default-section SECTION)") in result.stdout.splitlines()
    assert "skipped Giới thiệu: a page (import pages as articles with --pages-section SECTION)" in result.stdout
    assert not (root / UNMAPPED).exists() and not (root / PAGE).exists()


def test_remote_images_kept_without_uploads(make_site, run_cli, build):
    root = make_site()
    result = run_cli(["import", "wordpress", str(WXR), "--site", str(root), *MAPPING], root)
    assert result.exit_code == 0
    fm, body = front(root / POST)
    assert fm["image"] == "https://old.example.com/wp-content/uploads/2024/03/hoi-nghi.jpg"
    assert "(https://old.example.com/wp-content/uploads/2024/03/hoi-nghi-1024x768.jpg" in body
    assert "image kept as a remote URL: https://old.example.com/wp-content/uploads/2024/03/hoi-nghi.jpg" in result.stdout
    assert [p.name for p in (root / POST).parent.iterdir()] == ["index.md"]
    build(root)


@pytest.mark.parametrize(("text", "line", "message"), [
    (WXR.read_text(encoding="utf-8").replace("</wp:post_name>", "</wp:post_nam>", 1), 52, "malformed XML: mismatched tag"),
    (WXR.read_text(encoding="utf-8")[:5000], None, "malformed XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaa">\n]>\n<rss><channel/></rss>\n', 2,
     "a DTD or entity declaration: refused"),
    ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n', 1, "not a WordPress export"),
    ("<rss version='2.0'><channel><item><title>x</title></item></channel></rss>", 1, "not a WordPress export"),
    ("", 1, "malformed XML: no element found"),
])
def test_bad_export_is_one_line(make_site, run_cli, tmp_path, text, line, message):
    root = make_site()
    bad = tmp_path / "export.xml"
    bad.write_text(text, encoding="utf-8")
    result = run_cli(["import", "wordpress", str(bad), "--site", str(root)], root)
    assert result.exit_code == 1 and not result.traceback
    errors = result.stderr.splitlines()
    assert len(errors) == 1, errors
    if line is None:
        assert errors[0].startswith(f"{bad}:") and errors[0].split(":")[1].isdigit()
    else:
        assert errors[0].startswith(f"{bad}:{line}: ")
    assert message in errors[0]
    assert not any((root / "content").iterdir())


def test_bad_options_are_one_line(make_site, run_cli):
    root = make_site()
    for args, expected in ((["--section-map", "Chính trị=Politcs"], '--section-map: unknown section "Politcs" '
                                                                     '(did you mean "Politics"?)'),
                           (["--section-map", "Politics"], '--section-map: "Politics" is not CATEGORY=Section'),
                           (["--default-section", "World"], '--default-section: unknown section "World"')):
        result = run_cli(["import", "wordpress", str(WXR), "--site", str(root), *args], root)
        assert result.exit_code == 1 and not result.traceback
        assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    missing = run_cli(["import", "wordpress", str(root / "nope.xml"), "--site", str(root)], root)
    assert missing.exit_code == 1 and missing.stderr.startswith(f"{root / 'nope.xml'}: cannot read")


@pytest.mark.parametrize(("name", "rel", "expected"), [
    ("feed.rss", "content/politics/2024/gia-xang-giam/index.md",
     {"title": "Giá xăng giảm lần thứ ba", "author": "Hùng Anh", "tags": ["Năng lượng"],
      "summary": "Giá xăng RON95 giảm 500 đồng/lít.", "aliases": ["/kinh-te/gia-xang-giam.html"],
      "image": "https://old.example.com/images/xang-lead.jpg"}),
    ("feed.atom", "content/culture/2024/le-hoi-hoa-phuong-do/index.md",
     {"title": "Lễ hội <Hoa> phượng đỏ", "authors": ["Minh Châu", "Hùng Anh"], "tags": ["Hải Phòng"],
      "aliases": ["/2024/06/08/le-hoi-hoa-phuong-do/"], "summary": "Hải Phòng mở màn lễ hội hoa phượng đỏ."}),
    ("feed.json", "content/politics/2024/tau-cao-toc/index.md",
     {"title": "Tàu cao tốc Bắc – Nam: phương án mới", "author": "Hùng Anh", "tags": ["Đường sắt"],
      "aliases": ["/2024/06/09/tau-cao-toc/"], "image": "https://old.example.com/images/tau.jpg"}),
])
def test_feed_of_each_format(make_site, run_cli, build, parse_html, name, rel, expected):
    root = make_site()
    result = run_cli(["import", "feed", str(FIXTURES / name), "--site", str(root), "--default-section", "Culture"], root)
    assert result.exit_code == 0, result.stderr
    assert f"imported {rel}" in result.stdout.splitlines()
    fm, _ = front(root / rel)
    for key, value in expected.items():
        assert fm[key] == value, key
    again = run_cli(["import", "feed", str(FIXTURES / name), "--site", str(root), "--default-section", "Culture"], root)
    assert again.stdout.splitlines()[-1].startswith("newsgen: 0 imported")
    build(root)
    slug = rel.split("/")[-2]
    page = parse_html(root / "public" / fm["section"].lower() / slug / "index.html")
    assert page.xpath("string(//h1)").strip() == fm["title"]


def test_feed_details(make_site, run_cli):
    root = make_site()
    result = run_cli(["import", "feed", str(FIXTURES / "feed.json"), "--site", str(root), "--default-section",
                      "Culture"], root)
    assert "skipped (untitled: no link): no title (newsgen needs one)" in result.stdout.splitlines()
    note, body = front(root / "content/culture/2024/ghi-chu-yes/index.md")
    assert note["title"] == "Ghi chú: yes" and note["aliases"] == ["/notes/1/"]
    assert "Dòng một.\\\nDòng hai.\n\nĐoạn hai" in body
    rss = run_cli(["import", "feed", str(FIXTURES / "feed.rss"), "--site", str(root)], root)
    fm, _ = front(root / "content/sports/2024/ket-qua/index.md")
    assert "aliases" not in fm, "a link to another site is no alias"
    assert rss.exit_code == 0


def test_a_json_feed_date_without_a_zone_is_the_sites_time(make_site, run_cli, tmp_path):
    """JSON Feed asks for RFC 3339 dates (with a zone); a CMS that writes local times without one gets
    them read as the site's time (Asia/Ho_Chi_Minh here), with a warning, not silently as UTC."""
    import json

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
        {"id": "1", "title": "Local", "tags": ["Sports"], "content_html": "<p>A.</p>",
         "date_published": "2024-01-02T03:04:05"},
        {"id": "2", "title": "Zoned", "tags": ["Sports"], "content_html": "<p>B.</p>",
         "date_published": "2024-01-02T03:04:05Z"}]}), encoding="utf-8")
    root = make_site()
    result = run_cli(["import", "feed", str(feed), "--site", str(root)], root)
    assert result.exit_code == 0, result.stderr
    local, _ = front(root / "content/sports/2024/local/index.md")
    zoned, _ = front(root / "content/sports/2024/zoned/index.md")
    assert str(local["date"]) == "2024-01-02 03:04:05" and str(zoned["date"]) == "2024-01-02 10:04:05"
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning")]
    assert warnings == ["warning Local: date_published 2024-01-02T03:04:05 has no time zone: read as "
                        "Asia/Ho_Chi_Minh time, the site's"]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("<rss><channel><item></channel></rss>", 1, "malformed XML: mismatched tag"),
    ("<html><body>not a feed</body></html>", 1, "unknown format: the root element is <html>"),
    ('{"version": "https://jsonfeed.org/version/1.1",\n "items": [,]}', 2, "malformed JSON"),
    ('{"title": "no version"}', 1, 'unknown format: JSON without a JSON Feed "version"'),
    ("just text", 1, "unknown format: neither XML nor JSON"),
])
def test_bad_feed_is_one_line(make_site, run_cli, tmp_path, text, line, message):
    root = make_site()
    bad = tmp_path / "feed.xml"
    bad.write_text(text, encoding="utf-8")
    result = run_cli(["import", "feed", str(bad), "--site", str(root), "--default-section", "Culture"], root)
    assert result.exit_code == 1 and not result.traceback
    assert result.stderr.splitlines() == [result.stderr.splitlines()[0]]
    assert result.stderr.startswith(f"{bad}:{line}: {message}")


def test_real_command_no_traceback(make_site, run_script, tmp_path):
    root = make_site()
    shutil.copy(WXR, tmp_path / "export.xml")
    result = run_script(["import", "wordpress", str(tmp_path / "export.xml"), "--site", str(root), "--dry-run",
                         *MAPPING, "--default-section", "Politics"], root)
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert f"would import {POST}" in result.stdout


def minimal_wxr(content: str, title: str = "Deep") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>t</title><link>https://old.example.com</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>{title}</title><link>https://old.example.com/deep/</link>
<content:encoded><![CDATA[{content}]]></content:encoded><wp:post_id>1</wp:post_id>
<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>deep</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="politics">Politics</category></item>
</channel></rss>
"""


def test_hostile_body_is_one_skipped_line(make_site, run_cli, tmp_path):
    root = make_site()
    export = tmp_path / "deep.xml"
    export.write_text(minimal_wxr("<div>" * 20000 + "x" + "</div>" * 20000), encoding="utf-8")
    result = run_cli(["import", "wordpress", str(export), "--site", str(root)], root)
    assert result.exit_code == 0 and not result.traceback
    assert "skipped Deep: its HTML is nested too deeply to convert" in result.stdout.splitlines()


def test_feed_url_and_download(make_site, run_cli, tmp_path, png):
    import functools
    import http.server
    import json
    import threading

    served = tmp_path / "served"
    served.mkdir()
    (served / "lead.png").write_bytes(png())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    (served / "feed.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "t", "home_page_url": base,
        "items": [{"id": "1", "url": base + "2024/01/02/story/", "title": "Story", "tags": ["Sports"],
                   "content_html": f'<p>Text <img src="{base}missing.png" alt="gone"></p>',
                   "image": base + "lead.png", "date_published": "2024-01-02T03:04:05Z"}]}), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        root = make_site()
        result = run_cli(["import", "feed", base + "feed.json", "--site", str(root), "--download"], root)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.stderr
    rel = "content/sports/2024/story/index.md"
    fm, body = front(root / rel)
    assert fm["image"] == "lead.png" and (root / rel).with_name("lead.png").read_bytes() == png()
    assert str(fm["date"]) == "2024-01-02 10:04:05"
    assert fm["aliases"] == ["/2024/01/02/story/"]
    assert f"![gone]({base}missing.png)" in body
    assert any(line.startswith(f"warning Story: image kept as a remote URL: {base}missing.png (download failed:")
               for line in result.stdout.splitlines())


MEDIA_FEED = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Delta</title><link>https://olddelta.example.com/</link>
<item><title>Item A</title><link>https://olddelta.example.com/2024/07/item-a/</link><guid>a-1</guid>
<pubDate>Fri, 05 Jul 2024 10:00:00 +0700</pubDate><category>Politics</category>
<description>Standfirst A.</description>
<media:content url="https://olddelta.example.com/a.jpg" medium="image"/>
<media:description>Caption of photo A.</media:description>
<content:encoded><![CDATA[<p>The real long body of article A.</p><p>Second paragraph.</p>]]></content:encoded></item>
<item><title>Item A again</title><link>https://olddelta.example.com/2024/07/item-a/</link><guid>a-1</guid>
<pubDate>Fri, 05 Jul 2024 11:00:00 +0700</pubDate><category>Politics</category><description>Again.</description></item>
<item><title>Item B</title><link>https://olddelta.example.com/2024/07/item-a/</link><guid>b-2</guid>
<pubDate>Fri, 05 Jul 2024 12:00:00 +0700</pubDate><category>Politics</category><description>Same link.</description></item>
</channel></rss>
"""


def test_feed_body_is_the_story_and_a_repeated_item_is_taken_once(make_site, run_cli, tmp_path):
    """A news feed's photo description (media:description, which feedparser lists with the content) is not
    the story: the body is content:encoded. An item repeated in the feed (the same guid or the same link)
    is skipped with a line, so the site still builds (two articles claimed one old address)."""
    root = make_site()
    feed = tmp_path / "media.rss"
    feed.write_text(MEDIA_FEED, encoding="utf-8")
    result = run_cli(["import", "feed", str(feed), "--site", str(root)], root)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "skipped Item A again: repeats an earlier item of the feed (the same id or link)" in lines
    assert "skipped Item B: repeats an earlier item of the feed (the same id or link)" in lines
    fm, body = front(root / "content/politics/2024/item-a/index.md")
    assert "The real long body of article A." in body and "Second paragraph." in body
    assert "Caption of photo A." not in body and fm["summary"] == "Standfirst A."
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0


RELATIVE_FEED = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Delta</title>
<link>https://olddelta.example.com/</link>
<item><title>Item A</title><link>https://olddelta.example.com/2024/07/item-a/</link><guid>a</guid>
<pubDate>Fri, 05 Jul 2024 10:00:00 +0700</pubDate><category>Politics</category><description>A.</description></item>
<item><title>Item C</title><link>https://olddelta.example.com/2024/07/item-c/</link><guid>c</guid>
<pubDate>Fri, 05 Jul 2024 11:00:00 +0700</pubDate><category>Politics</category><description>C.</description>
<content:encoded><![CDATA[<p>See <a href="budget.pdf">the budget (PDF)</a>, <a href="../item-a/">the first</a>,
<a href="/about/">about us</a> and <a href="#notes">the notes</a>.</p><p><img src="img/pic.png" alt="Pic"></p>]]>
</content:encoded></item>
</channel></rss>
"""


def test_feed_relative_addresses_are_read_against_the_item(make_site, run_cli, tmp_path):
    """An item's relative links and images are relative to the item's own page (its <link>): one to another
    imported item becomes its new address, one to a file of the old site its full old address (a relative
    one would lead nowhere on the new site); a root-relative link is kept."""
    root = make_site()
    feed = tmp_path / "relative.rss"
    feed.write_text(RELATIVE_FEED, encoding="utf-8")
    result = run_cli(["import", "feed", str(feed), "--site", str(root), "--dry-run"], root)
    assert result.exit_code == 0, result.stderr
    result = run_cli(["import", "feed", str(feed), "--site", str(root)], root)
    _, body = front(root / "content/politics/2024/item-c/index.md")
    assert "[the budget (PDF)](https://olddelta.example.com/2024/07/item-c/budget.pdf)" in body
    assert "[the first](/politics/item-a/)" in body
    assert "[about us](/about/)" in body and "[the notes](/politics/item-c/#notes)" in body  # (its own new page)
    assert "![Pic](https://olddelta.example.com/2024/07/item-c/img/pic.png)" in body  # (not fetched: kept as a link)


def test_feed_text_title_is_kept_and_an_audio_enclosure_is_reported(make_site, run_cli, tmp_path):
    """An RSS title is text: "&lt;new&gt;" in it is the words "<new>", not a tag to drop. An enclosure that is
    not a photo (a podcast's audio) cannot be imported: a warning line says so, instead of silence."""
    root = make_site()
    feed = tmp_path / "podcast.rss"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://old.example.com/</link>
<item><title>Council passes &amp; signs the &lt;new&gt; budget</title><link>https://old.example.com/budget/</link>
<guid>b</guid><pubDate>Fri, 05 Jul 2024 10:00:00 +0700</pubDate><category>Politics</category>
<description>Text.</description><enclosure url="https://old.example.com/ep1.mp3" length="1000" type="audio/mpeg"/>
</item></channel></rss>""", encoding="utf-8")
    result = run_cli(["import", "feed", str(feed), "--site", str(root)], root)
    assert result.exit_code == 0, result.stderr
    fm, _ = front(next((root / "content/politics").rglob("index.md")))
    assert fm["title"] == "Council passes & signs the <new> budget"
    assert any("enclosure not imported (audio/mpeg): https://old.example.com/ep1.mp3" in line
               for line in result.stdout.splitlines()), result.stdout
