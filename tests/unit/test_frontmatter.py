"""content/frontmatter.py: one validator per field, messages in editors' words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsgen import slugs
from newsgen.config import parse_config
from newsgen.content import frontmatter as fmv
from newsgen.content.frontmatter import FieldError
from newsgen.yamlio import load

CONFIG = parse_config(
    "timezone: Asia/Ho_Chi_Minh\nsections: [Politics, Sports, {name: World News, slug: world}]\n",
    Path("/site"),
)


def fails(check, *args) -> FieldError:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldError) as info:
        check(*args)
    return info.value


@pytest.mark.parametrize(("value", "expected"), [("  A title ", "A title"), (2025, "2025"), (3.5, "3.5")])
def test_text(value: object, expected: str) -> None:
    assert fmv.text(value, "title") == expected


@pytest.mark.parametrize("value", [{"a": 1}, ["a"]])
def test_text_refuses_non_text(value: object) -> None:
    e = fails(fmv.text, value, "title")
    assert e.message == "title must be text"
    assert e.hint and "title:" in e.hint


def test_nothing_is_empty_text() -> None:
    assert fmv.text(None, "summary") == ""


@pytest.mark.parametrize("char", ["\x1b", "\x00", "\x07", "\x7f", "\x9b", "\x0c"])
def test_text_refuses_control_characters(char: str) -> None:
    e = fails(fmv.text, f"Vote{char}]0;owned", "section")
    assert e.message.startswith("section holds a control character (U+")
    assert char not in e.message


def test_text_keeps_newlines_and_tabs_of_block_text() -> None:
    assert fmv.text("one\ntwo\tthree\n", "summary") == "one\ntwo\tthree"
    assert fmv.text("a\u00a0b \u202bשלום\u202c", "title") == "a\u00a0b \u202bשלום\u202c"  # no-break space, RTL


def test_required_text_refuses_blank() -> None:
    assert fails(fmv.required_text, "   ", "title").message == "title is empty"


def test_text_list() -> None:
    assert fmv.text_list(["Russia", "Ukraine", "Russia", " "], "tags") == ("Russia", "Ukraine")
    assert fmv.text_list("Russia, Ukraine", "tags") == ("Russia", "Ukraine")
    assert fmv.text_list([2025, "x"], "tags") == ("2025", "x")
    # names that lead to one page are one name, spelled as first written
    assert fmv.text_list("Flood, City Council, , flood, FLOOD", "tags") == ("Flood", "City Council")
    assert fmv.text_list(["Đà Nẵng", "Da Nang", "ĐÀ NẴNG"], "tags") == ("Đà Nẵng",)
    assert fmv.text_list(["Mira Castell", "mira castell"], "author") == ("Mira Castell",)
    assert fmv.text_list(["!!", "??"], "tags") == ("!!", "??")  # no slug: compared as written, case aside
    assert fails(fmv.text_list, {"a": 1}, "tags").message == "tags must be a list"
    assert fails(fmv.text_list, [["nested"]], "tags").message == "tags must be text"
    assert fmv.text_list([None, "x"], "tags") == ("x",)


def test_text_list_is_bounded() -> None:
    names = [f"Writer {i}" for i in range(fmv.MAX_NAMES)]
    assert len(fmv.text_list(names, "authors")) == fmv.MAX_NAMES
    e = fails(fmv.text_list, [*names, "One more"], "authors")
    assert e.message == f"authors: {fmv.MAX_NAMES + 1} names, at most {fmv.MAX_NAMES}"


@pytest.mark.parametrize(
    ("key", "hint_start"),
    [("titel", 'did you mean "title"?'), ("Title", 'did you mean "title"?'), ("sumary", 'did you mean "summary"?'),
     ("tag", 'did you mean "tags"?'), ("image-credit", 'did you mean "image_credit"?'),
     ("caption", 'did you mean "image_caption"?'), ("headline", 'did you mean "title"?')],
)
def test_misspelled_keys_get_a_hint(key: str, hint_start: str) -> None:
    found = fmv.unknown_key(key)
    assert found is not None
    message, hint = found
    assert message == f'unknown key "{key}"'
    assert hint.startswith(hint_start)
    assert "extra:" in hint


@pytest.mark.parametrize("key", ["location", "kicker", "sponsor", "series_name"])
def test_keys_of_the_sites_own_are_kept(key: str) -> None:
    assert fmv.unknown_key(key) is None  # article.extra.<key>, as the content format says


def test_extra_is_a_mapping_of_plain_dicts() -> None:
    from newsgen.yamlio import load

    fm = load("extra:\n  location: Huế\n  sponsor: {name: X, lines: [1]}\n")
    out = fmv.extra(fm["extra"])
    assert out == {"location": "Huế", "sponsor": {"name": "X", "lines": [1]}}
    assert type(out["sponsor"]) is dict
    assert fails(fmv.extra, "Huế", ).message.startswith("extra must be a mapping")


def test_slug_length_is_bounded() -> None:
    long = "-".join(["word"] * 40)  # 199 characters
    e = fails(fmv.slug, long)
    assert e.message == f"slug is {len(long)} characters long, at most {slugs.MAX_SLUG}"
    short = slugs.short_slug(long)
    assert len(short) <= slugs.MAX_SLUG and short.endswith("word") and long.startswith(short)
    assert slugs.short_slug("x" * 300) == "x" * slugs.MAX_SLUG
    assert slugs.short_slug("short-one") == "short-one"


def test_boolean() -> None:
    assert fmv.boolean(True, "draft") is True
    assert fmv.boolean(False, "draft") is False
    for value in ("true", 1, None):
        assert fails(fmv.boolean, value, "draft").message == "draft must be true or false"


def test_date_in_site_zone_and_error_names_the_key() -> None:
    assert fmv.date("2025-03-19 17:40", "date", CONFIG).utcoffset() == dt.timedelta(hours=7)
    e = fails(fmv.date, "next tuesday", "updated", CONFIG)
    assert e.message == 'updated: "next tuesday" is not a date'
    assert e.hint and "YYYY-MM-DD" in e.hint


def test_section_by_name_slug_or_case() -> None:
    assert fmv.section("Politics", CONFIG) == "politics"
    assert fmv.section("world", CONFIG) == "world"
    assert fmv.section("world news", CONFIG) == "world"


def test_unknown_section_did_you_mean() -> None:
    e = fails(fmv.section, "Sprots", CONFIG)
    assert e.message == 'unknown section "Sprots"'
    assert e.hint == 'did you mean "Sports"?'


def test_unknown_section_lists_the_sections() -> None:
    e = fails(fmv.section, "Weather", CONFIG)
    assert e.hint == "sections in newsgen.yaml: Politics, Sports, World News"


@pytest.mark.parametrize("value", ["../../x", "a/b", "Upper", "with space", "a--b", "/abs", ".."])
def test_slug_must_be_plain(value: str) -> None:
    e = fails(fmv.slug, value)
    assert "may only hold lower-case letters, digits and hyphens" in e.message
    assert e.hint and e.hint.startswith("e.g. slug: ")
    assert ".." not in e.hint.removeprefix("e.g. slug: ")


def test_slug_ok() -> None:
    assert fmv.slug("hoi-nghi-2025") == "hoi-nghi-2025"


def test_corrections_sorted_oldest_first() -> None:
    fixes = fmv.corrections(
        [{"date": "2025-03-21 09:00", "text": "Second."}, {"date": "2025-03-20 09:00", "text": "First."}],
        CONFIG,
    )
    assert [c.text for c in fixes] == ["First.", "Second."]
    assert fails(fmv.corrections, "oops", CONFIG).message == "corrections must be a list"
    assert fails(fmv.corrections, [{"text": "no date"}], CONFIG).message == "each correction needs a date and a text"
    assert "not a date" in fails(fmv.corrections, [{"date": "soon", "text": "x"}], CONFIG).message


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("photo.jpg", "content/politics/x/photo.jpg"),
        ("img/photo.jpg", "content/politics/x/img/photo.jpg"),
        ("../shared.jpg", "content/politics/shared.jpg"),
        ("/images/a.jpg", "static/images/a.jpg"),
        ("../../../etc/passwd", None),
        ("/../../etc/passwd", None),
        ("..\\..\\secret.jpg", None),
        ("/images/../../newsgen.yaml", None),
    ],
)
def test_resolve_file_stays_inside_the_site(ref: str, expected: str | None) -> None:
    assert fmv.resolve_file(ref, "content/politics/x/index.md", Path("/site")) == expected


def image_of(fm_text: str, root: Path, rel: str = "content/politics/x/index.md") -> tuple[object, list[tuple]]:
    reported: list[tuple] = []
    img = fmv.image(load(fm_text), rel, "politics/x/", root, lambda *a: reported.append(a))
    return img, reported


def test_image_next_to_the_article(tmp_path: Path, png) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "content/politics/x").mkdir(parents=True)
    (tmp_path / "content/politics/x/photo.png").write_bytes(png(8, 6))
    img, reported = image_of("image: photo.png\nimage_caption: The caption\nimage_credit: AFP\n", tmp_path)
    assert reported == []
    assert img.url == "politics/x/photo.png"  # type: ignore[attr-defined]
    assert img.source == "content/politics/x/photo.png"  # type: ignore[attr-defined]
    assert (img.width, img.height, img.mime) == (8, 6, "image/png")  # type: ignore[attr-defined]
    assert img.alt == "The caption"  # type: ignore[attr-defined]  # alt defaults to the caption
    assert img.credit == "AFP"  # type: ignore[attr-defined]


def test_image_under_static(tmp_path: Path, png) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "static/images").mkdir(parents=True)
    (tmp_path / "static/images/a.png").write_bytes(png())
    img, reported = image_of("image: /images/a.png\nimage_alt: Alt\n", tmp_path)
    assert reported == []
    assert img.url == "images/a.png" and img.alt == "Alt"  # type: ignore[attr-defined]


def test_remote_image_is_not_checked(tmp_path: Path) -> None:
    img, reported = image_of("image: https://cdn.example.org/a.jpg\n", tmp_path)
    assert reported == [] and img.url == "https://cdn.example.org/a.jpg"  # type: ignore[attr-defined]


def test_missing_image(tmp_path: Path) -> None:
    img, reported = image_of("image: nope.jpg\n", tmp_path)
    assert img is None
    assert reported == [("image", 'image "nope.jpg" not found: there is no content/politics/x/nope.jpg',
                         "put it there, or use /images/name.jpg for a file in static/images/")]
    img, reported = image_of("image: /images/night-bus.jpg\n", tmp_path)  # QA: the hint said to write what it says
    assert reported == [("image", 'image "/images/night-bus.jpg" not found: there is no static/images/night-bus.jpg',
                         "copy the file there, or put it next to the article and write its name (night-bus.jpg)")]


def test_image_outside_the_site(tmp_path: Path) -> None:
    img, reported = image_of("image: ../../../../etc/passwd\n", tmp_path)
    assert img is None
    assert reported[0][1] == 'image "../../../../etc/passwd" leads out of content/'


def test_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "content/politics/x").mkdir(parents=True)
    (tmp_path / "content/politics/x/fake.jpg").write_text("not a picture", encoding="utf-8")
    img, reported = image_of("image: fake.jpg\n", tmp_path)
    assert img is None
    assert "is not an image" in reported[0][1]


def test_aliases_every_bad_one_in_one_error_and_paths_compared_as_written() -> None:
    err = fails(fmv.aliases, ["/fine/", "/../../../../tmp/evil/", "/../outside.html", "no-slash"])
    assert err.message == ('alias "/../../../../tmp/evil/" cannot be an address of this site; also '
                           '"/../outside.html", "no-slash"')
    assert err.hint == "remove it"
    # paths differing in case or in their slashes are different addresses: each kept
    assert fmv.aliases(["/Old-Page/", "/old-page/", "/a/b/", "/a-b/", "/a-b/"]) == ("/Old-Page/", "/old-page/",
                                                                                     "/a/b/", "/a-b/")
