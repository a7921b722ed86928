"""slugs.py: readable ASCII slugs, Vietnamese diacritics folded."""

from __future__ import annotations

import pytest

from newsgen.slugs import is_valid_slug, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hội nghị Trung ương", "hoi-nghi-trung-uong"),
        ("Đà Nẵng đón khách", "da-nang-don-khach"),
        ("ĐẠI HỘI ĐẢNG", "dai-hoi-dang"),
        ("đường Đồng Khởi", "duong-dong-khoi"),
        (
            "New turning point for the Russia-Ukraine conflict",
            "new-turning-point-for-the-russia-ukraine-conflict",
        ),
        ("  --Hello,   World!--  ", "hello-world"),
        ("C'est l'été à Paris", "c-est-l-ete-a-paris"),
        ("Müller & Sons: 50% off", "muller-sons-50-off"),
        ("Москва", "moskva"),
        ("2025 budget: what's next?", "2025-budget-what-s-next"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_letters_without_a_combining_mark_are_transliterated_not_dropped() -> None:
    assert slugify("Søren Ærø") == "soren-aero"
    assert slugify("北京") != ""


@pytest.mark.parametrize("text", [*map(chr, range(128)), "".join(map(chr, range(128))), "A\u0301", "Tom & Jerry's 2nd"])
def test_ascii_fast_path_gives_the_folded_slug(text: str) -> None:
    from newsgen.slugs import _folded_slug

    assert slugify(text) == _folded_slug(text)


def test_slug_of_nothing_readable_is_empty() -> None:
    assert slugify("!!! ???") == ""
    assert slugify("") == ""


@pytest.mark.parametrize("text", ["Hội nghị Trung ương", "北京 news", "a/../../b", "x\\y", "A  B", "Ελληνικά"])
def test_slugify_output_is_always_a_valid_slug(text: str) -> None:
    assert is_valid_slug(slugify(text))


@pytest.mark.parametrize(
    ("slug", "ok"),
    [
        ("hoi-nghi", True),
        ("a1", True),
        ("2025", True),
        ("Hoi-nghi", False),
        ("a--b", False),
        ("-a", False),
        ("a-", False),
        ("../x", False),
        ("a/b", False),
        ("", False),
        ("a_b", False),
        ("a b", False),
    ],
)
def test_is_valid_slug(slug: str, ok: bool) -> None:
    assert is_valid_slug(slug) is ok
