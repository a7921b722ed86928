"""content/parse.py: text in, Article (or every diagnostic of the file) out."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from newsgen.config import parse_config
from newsgen.content.parse import lead_paragraph, parse_bytes, parse_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "content"
HCM = dt.timezone(dt.timedelta(hours=7))
DATE_HINT = "write it as YYYY-MM-DD HH:MM, e.g. 2025-03-19 17:40"


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "content").mkdir()
    config = parse_config("timezone: Asia/Ho_Chi_Minh\nsections: [Politics, Sports, Culture]\n", tmp_path)
    return tmp_path, config


def parse(site, text: str | bytes, rel: str = "content/politics/a.md"):  # type: ignore[no-untyped-def]
    root, config = site
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_bytes(raw, rel, root, config)


def lines(diags) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(d) for d in diags]


def test_a_full_article(site) -> None:  # type: ignore[no-untyped-def]
    article, diags = parse(
        site,
        """---
title: Hội nghị Trung ương mở rộng
section: politics
authors: [Hung Anh, Minh Chau]
date: 2025-03-19 17:40
updated: 2025-03-20T08:05:00+07:00
tags: [Russia, Ukraine, Russia]
draft: false
corrections:
  - date: 2025-03-20 09:00
    text: An earlier version misstated the length of the call.
---

The lead paragraph.

## A subheading

More.
""",
    )
    assert diags == []
    assert article is not None
    assert article.source == "content/politics/a.md"
    assert article.title == "Hội nghị Trung ương mở rộng"
    assert article.slug == "hoi-nghi-trung-uong-mo-rong"
    assert article.section == "politics"
    assert article.url == "politics/hoi-nghi-trung-uong-mo-rong/"
    assert article.authors == ("Hung Anh", "Minh Chau")
    assert article.date == dt.datetime(2025, 3, 19, 17, 40, tzinfo=HCM)
    assert article.updated == dt.datetime(2025, 3, 20, 8, 5, tzinfo=HCM)
    assert article.modified == dt.datetime(2025, 3, 20, 9, 0, tzinfo=HCM)  # the correction is the latest change
    assert article.tags == ("Russia", "Ukraine")
    assert article.draft is False
    assert article.summary == "The lead paragraph." and not article.summary_given
    assert article.body_line == 13
    assert article.digest and article.card_digest


def test_single_author_and_explicit_slug(site) -> None:  # type: ignore[no-untyped-def]
    article, diags = parse(
        site,
        "---\ntitle: X\nsection: Politics\ndate: 2025-01-01\nauthor: Hung Anh\nslug: my-own-slug\n---\nBody\n",
    )
    assert diags == [] and article is not None
    assert article.authors == ("Hung Anh",)
    assert article.url == "politics/my-own-slug/"


def test_keys_of_ones_own_are_kept_under_extra(site) -> None:  # type: ignore[no-untyped-def]
    article, diags = parse(site, (FIXTURES / "unknown_keys.md").read_bytes())
    assert diags == [] and article is not None
    assert article.extra == {
        "location": "Hà Nội",
        "sponsor": {"name": "The Foundation", "url": "https://example.org/"},
        "rating": 4,
    }
    assert type(article.extra) is dict and type(article.extra["sponsor"]) is dict  # no LineMap attributes


def test_summary_defaults_to_the_first_paragraph(site) -> None:  # type: ignore[no-untyped-def]
    article, _ = parse(site, (FIXTURES / "summary_default.md").read_bytes())
    assert article is not None
    assert article.summary == "The first real paragraph, with a link and code on two lines."
    assert not article.summary_given


def test_given_summary_wins(site) -> None:  # type: ignore[no-untyped-def]
    article, _ = parse(site, (FIXTURES / "summary_given.md").read_bytes())
    assert article is not None
    assert article.summary == "The editor's own standfirst." and article.summary_given


def test_lead_paragraph_of_an_empty_body() -> None:
    assert lead_paragraph("") == ""
    assert lead_paragraph("## Only a heading\n") == ""


def test_bom_and_crlf_file(site) -> None:  # type: ignore[no-untyped-def]
    article, diags = parse(site, (FIXTURES / "bom_crlf.md").read_bytes())
    assert diags == [] and article is not None
    assert article.title == "With a BOM and CRLF"
    assert article.summary == "First paragraph still first."


@pytest.mark.parametrize(
    ("fixture", "line", "start"),
    [
        ("not_utf8.md", 2, "file is not UTF-8 text"),
        ("empty.md", 1, "article file is empty"),
        ("unclosed_front_matter.md", 1, "front matter is not closed"),
        ("front_matter_not_mapping.md", 2, "front matter must be a list of `key: value` lines"),
        ("invalid_yaml_colon.md", 2, "invalid YAML: mapping values are not allowed"),
        ("duplicate_key.md", 4, 'duplicate key "title"'),
    ],
)
def test_file_level_problems(site, fixture: str, line: int, start: str) -> None:  # type: ignore[no-untyped-def]
    rel = f"content/politics/{fixture}"
    article, diags = parse(site, (FIXTURES / fixture).read_bytes(), rel)
    assert article is None
    (d,) = diags
    assert (d.path, d.line) == (rel, line)
    assert d.message.startswith(start)


def test_duplicate_key_hint_names_the_file_line(site) -> None:  # type: ignore[no-untyped-def]
    """The hint must count lines in the FILE, like the diagnostic itself (title is first set on line 2)."""
    _, (d,) = parse(site, (FIXTURES / "duplicate_key.md").read_bytes())
    assert d.line == 4
    assert d.hint == "first set on line 2"


def test_every_field_problem_of_a_file_is_reported(site) -> None:  # type: ignore[no-untyped-def]
    article, diags = parse(
        site,
        """---
title: [not, text]
section: Sprots
date: next tuesday
updated: 2025-99-01
draft: "maybe"
tags: {a: 1}
slug: ../../x
image: ../../../etc/passwd
author: A
authors: [B]
---
Body
""",
    )
    assert article is None
    assert sorted(lines(diags)) == sorted(
        [
            'content/politics/a.md:2: title must be text (write it as title: "...")',
            'content/politics/a.md:3: unknown section "Sprots" (did you mean "Sports"?)',
            f'content/politics/a.md:4: date: "next tuesday" is not a date ({DATE_HINT})',
            f'content/politics/a.md:5: updated: "2025-99-01" is not a date ({DATE_HINT})',
            "content/politics/a.md:6: draft must be true or false",
            "content/politics/a.md:7: tags must be a list (write it as tags: [One, Two])",
            'content/politics/a.md:8: slug "../../x" may only hold lower-case letters, digits and hyphens '
            "(e.g. slug: x)",
            'content/politics/a.md:9: image "../../../etc/passwd" leads out of content/ '
            "(name a file next to the article (photo.jpg), or one under static/ from its first slash (/images/x.jpg))",
            "content/politics/a.md:11: use either author or authors, not both",
        ]
    )


@pytest.mark.parametrize("missing", ["title", "section", "date"])
def test_missing_required_field(site, missing: str) -> None:  # type: ignore[no-untyped-def]
    fields = {"title": "title: X", "section": "section: Politics", "date": "date: 2025-01-01"}
    del fields[missing]
    article, diags = parse(site, "---\n" + "\n".join(fields.values()) + "\n---\nBody\n")
    assert article is None
    (d,) = diags
    assert d.message == f"missing {missing}"
    assert d.hint and f"{missing}:" in d.hint
    assert d.line == 1


def test_blank_required_field_is_missing(site) -> None:  # type: ignore[no-untyped-def]
    _, diags = parse(site, "---\ntitle:\nsection: Politics\ndate: 2025-01-01\n---\n")
    assert [d.message for d in diags] == ["missing title"]


def test_title_without_slug_material(site) -> None:  # type: ignore[no-untyped-def]
    _, diags = parse(site, '---\ntitle: "!!!"\nsection: Politics\ndate: 2025-01-01\n---\n')
    assert lines(diags) == [
        "content/politics/a.md:2: cannot make a URL slug from this title (add `slug: a-readable-slug`)"
    ]


def test_bundle_assets_are_published_next_to_the_page(site, png) -> None:  # type: ignore[no-untyped-def]
    root, _ = site
    bundle = root / "content/politics/2025/summit"
    bundle.mkdir(parents=True)
    (bundle / "photo.png").write_bytes(png())
    (bundle / "chart.png").write_bytes(png())
    (bundle / "data.csv").write_text("a,b\n", encoding="utf-8")
    (bundle / ".photo.png.swp").write_text("junk", encoding="utf-8")
    (bundle / "photo.png~").write_text("junk", encoding="utf-8")
    (bundle / "index.md").write_text(
        "---\ntitle: Summit\nsection: Politics\ndate: 2025-01-01\nimage: photo.png\n---\n\n![Chart](chart.png)\n",
        encoding="utf-8",
    )
    article, diags = parse_file(root, "content/politics/2025/summit/index.md", site[1])
    assert diags == [] and article is not None
    assert article.image is not None and article.image.url == "politics/summit/photo.png"
    assert {a.source: a.url for a in article.assets} == {
        "content/politics/2025/summit/photo.png": "politics/summit/photo.png",
        "content/politics/2025/summit/chart.png": "politics/summit/chart.png",
        "content/politics/2025/summit/data.csv": "politics/summit/data.csv",
    }


def test_local_image_named_by_a_plain_article(site, png) -> None:  # type: ignore[no-untyped-def]
    root, config = site
    (root / "content/politics").mkdir(parents=True)
    (root / "content/politics/map.png").write_bytes(png())
    (root / "content/politics/other.md").write_text("x", encoding="utf-8")
    article, diags = parse(
        site,
        "---\ntitle: Map\nsection: Politics\ndate: 2025-01-01\n---\n\n"
        "![Map](map.png) [other](other.md) ![remote](https://x.org/a.png) [up](../x.png)\n",
    )
    assert diags == [] and article is not None
    assert [(a.source, a.url) for a in article.assets] == [("content/politics/map.png", "politics/map/map.png")]


def test_digests_follow_what_changed(site) -> None:  # type: ignore[no-untyped-def]
    base = "---\ntitle: X\nsection: Politics\ndate: 2025-01-01\nsummary: S\n---\n\nBody one.\n"
    a, _ = parse(site, base)
    body_edit, _ = parse(site, base.replace("Body one.", "Body two."))
    title_edit, _ = parse(site, base.replace("title: X", "title: Y"))
    assert a and body_edit and title_edit
    assert body_edit.digest != a.digest and body_edit.card_digest == a.card_digest
    assert title_edit.card_digest != a.card_digest


def test_file_that_cannot_be_read(site) -> None:  # type: ignore[no-untyped-def]
    root, config = site
    article, (d,) = parse_file(root, "content/missing.md", config)
    assert article is None and d.path == "content/missing.md" and "cannot read" in d.message


def test_fixture_copy_parses_from_disk(site) -> None:  # type: ignore[no-untyped-def]
    root, config = site
    (root / "content/politics").mkdir(parents=True)
    shutil.copy(FIXTURES / "bom_crlf.md", root / "content/politics/bom.md")
    article, diags = parse_file(root, "content/politics/bom.md", config)
    assert diags == [] and article is not None and article.url == "politics/with-a-bom-and-crlf/"


def test_a_body_beyond_the_limits_is_one_error_at_its_first_line(site) -> None:  # type: ignore[no-untyped-def]
    from newsgen.content.markdown import MAX_DEFINITIONS

    body = "".join(f"[d{i}]: https://example.org/{i}\n" for i in range(MAX_DEFINITIONS + 1))
    article, diags = parse(site, f"---\ntitle: X\nsection: Politics\ndate: 2025-01-01\n---\n\n{body}")
    assert article is None and len(diags) == 1
    assert diags[0].line == 6 and "definitions" in diags[0].message


def test_the_raw_control_check_is_the_regex_it_replaced() -> None:
    """_raw_control (translate + a C1 search) says what the single regex over the bytes said."""
    import random
    import re

    from newsgen.content.parse import _raw_control

    reference = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
    for a in range(256):
        for b in range(256):
            raw = bytes([a, b])
            assert _raw_control(raw) == bool(reference.search(raw)), raw
    rng = random.Random(7)
    alphabet = b"ab \t\n\r\x00\x1f\x7f\xc2\x80\x9f\xa0\xc3\xe1"
    for _ in range(5000):
        raw = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _raw_control(raw) == bool(reference.search(raw)), raw


def test_a_change_dated_before_the_story_is_an_error(site) -> None:  # type: ignore[no-untyped-def]
    """updated: or a correction dated before date: is a typo (the page would say "Updated" before the
    story existed, and dateModified would come before datePublished)."""
    text = ("---\ntitle: Levy\nsection: Politics\ndate: 2026-05-01 10:00\nupdated: 2026-04-01 10:00\n"
            "corrections:\n  - date: 2020-01-01 10:00\n    text: An earlier figure was wrong.\n---\nBody.\n")
    article, diags = parse(site, text)
    assert article is None
    assert [(d.line, d.message) for d in diags] == [
        (5, "updated (2026-04-01 10:00) is before date (2026-05-01 10:00)"),
        (6, "a correction is dated before the story's date (2026-05-01 10:00)")]
    fine, diags = parse(site, text.replace("2026-04-01", "2026-05-02").replace("2020-01-01", "2026-05-01"))
    assert diags == [] and fine is not None


def test_a_body_image_that_is_not_there_is_an_error(site) -> None:  # type: ignore[no-untyped-def]
    """An image the body names next to the article, missing: the page would show a broken image (as a
    missing lead image is an error). Other addresses are not files of this article: not checked here."""
    text = ("---\ntitle: Photos\nsection: Politics\ndate: 2026-05-01 10:00\n---\n\nText.\n\n![Chart](chart.png)\n\n"
            "![Logo](/images/logo.png) [a page](other-story/) [the site](https://example.org/x.jpg)\n")
    article, diags = parse(site, text)
    assert article is None
    assert lines(diags) == ['content/politics/a.md:9: image "chart.png" not found next to the article '
                            "(put it next to the article, or use /images/name.jpg for static/images/)"]
    root, _ = site
    (root / "content/politics").mkdir(parents=True, exist_ok=True)
    (root / "content/politics/chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    article, diags = parse(site, text)
    assert article is not None or all("chart.png" not in str(d) or "not found" not in str(d) for d in diags)


def test_a_body_image_under_static_that_is_not_there_is_an_error(site) -> None:  # type: ignore[no-untyped-def]
    """`![x](/images/x.jpg)` is static/images/x.jpg: when static/images/ is there and the file is not, the
    page would show a broken image. A site-rooted address in another folder (another article's photo,
    a page) is not a file of static/: not checked."""
    root, _ = site
    (root / "static/politics").mkdir(parents=True, exist_ok=True)  # (a section's folder: another story's photo)
    (root / "static/images").mkdir(parents=True, exist_ok=True)
    (root / "static/images/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    text = ("---\ntitle: Photos\nsection: Politics\ndate: 2026-05-01 10:00\n---\n\nText.\n\n"
            "![Logo](/images/logo.png) ![Other](/politics/other/photo.jpg) [feed](/images/) ![Me](/images/logo%2Epng) "
            "![Up](/images/../../secret.png)\n\n"
            "![Map](</images/maps/map.PNG?v=2>) ![Gone](/images/gone.jpg \"A title\")\n")
    article, diags = parse(site, text)
    assert article is None
    assert lines(diags) == [
        'content/politics/a.md:11: image "/images/maps/map.PNG?v=2" not found: no static/images/maps/map.PNG '
        "(put the file there, or fix the path)",
        'content/politics/a.md:11: image "/images/gone.jpg" not found: no static/images/gone.jpg '
        "(put the file there, or fix the path)"]
