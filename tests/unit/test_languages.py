"""languages.py and config.py's editions (issue 16): `languages:` in newsgen.yaml validated entry by
entry, each problem one `newsgen.yaml:LINE: message (hint)` diagnostic at the line of what is wrong, and
each edition's config (the site's with the language's title, description, timezone, section names and
slugs, authors' bios and URL folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale, UnknownLocaleError

from newsgen.config import SiteConfig, parse_config
from newsgen.errors import BuildError
from newsgen.languages import og_locale, text_direction

ROOT = Path("/site")
SECTIONS = "sections:\n  - name: Politics\n    description: City hall\n  - name: Sports\n"


def config(languages: str, head: str = "") -> SiteConfig:
    return parse_config(head + SECTIONS + "languages:\n" + languages, ROOT)


def problems(languages: str, head: str = "") -> list[str]:
    with pytest.raises(BuildError) as info:
        config(languages, head)
    return [str(d) for d in info.value.diagnostics]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def one_problem(languages: str, needle: str, head: str = "") -> str:
    """The single diagnostic of `languages:`, checked to be at the line containing `needle`."""
    found = problems(languages, head)
    assert len(found) == 1, found
    line = line_of(head + SECTIONS + "languages:\n" + languages, needle)
    assert found[0].startswith(f"newsgen.yaml:{line}: "), (found[0], line)
    assert re.search(r" \(.+\)$", found[0]), f"no hint: {found[0]}"
    return found[0]


# ---------------------------------------------------------------------------- defaults


def test_defaults_name_from_babel_and_path_from_code() -> None:
    c = config("  - code: en\n  - code: vi\n  - code: pt-BR\n")
    assert [(lang.code, lang.name, lang.prefix) for lang in c.languages] == [
        ("en", "English", ""), ("vi", "Tiếng Việt", "vi/"), ("pt-BR", "português (Brasil)", "pt-br/")]
    assert c.language == "en"  # the first language, without `language:`
    assert [(e.language, e.prefix) for e in c.editions] == [("en", ""), ("vi", "vi/"), ("pt-BR", "pt-br/")]
    vi = c.editions[1]
    assert [s.url for s in vi.sections] == ["vi/politics/", "vi/sports/"]  # the site's names, under vi/
    assert [(s.name, s.slug) for s in vi.sections] == [("Politics", "politics"), ("Sports", "sports")]
    assert vi.title == c.title and vi.timezone == c.timezone
    assert c.editions[0] is c  # the default edition changes nothing
    assert [s.url for s in c.sections] == ["politics/", "sports/"]


def test_a_name_given_is_kept() -> None:
    c = config("  - code: en\n    name: English edition\n  - code: vi\n    name: Bản tiếng Việt\n")
    assert [lang.name for lang in c.languages] == ["English edition", "Bản tiếng Việt"]


def test_path_overrides_the_url_folder() -> None:
    c = config("  - code: en\n  - code: vi\n    path: tieng-viet\n")
    assert c.languages[1].prefix == "tieng-viet/"
    vi = c.editions[1]
    assert vi.prefix == "tieng-viet/" and vi.language == "vi"
    assert [s.url for s in vi.sections] == ["tieng-viet/politics/", "tieng-viet/sports/"]
    # content under the language's code, or its URL folder
    assert c.edition_for("content/vi/politics/a.md") is vi
    assert c.edition_for("content/tieng-viet/politics/a.md") is vi


def test_a_site_without_languages_is_one_edition() -> None:
    c = parse_config(SECTIONS, ROOT)
    assert c.languages == () and c.editions == (c,) and c.prefix == ""
    assert c.language_entry is None
    assert c.edition_for("content/vi/politics/a.md") is c


def test_each_editions_config() -> None:
    text = (
        "title: Courier\ndescription: News\ntimezone: Asia/Ho_Chi_Minh\n" + SECTIONS
        + "authors:\n  - name: Trần Minh Châu\n    bio: Business editor.\n  - name: Sarah Whitfield\n    bio: World.\n"
        + "languages:\n  - code: en\n  - code: vi\n    title: Tin Ven Sông\n    description: Tin tức\n"
        + "    timezone: Asia/Bangkok\n    sections:\n"
        + "      Politics: {name: Chính trị, slug: chinh-tri, description: Tòa thị chính}\n"
        + "      sports: Thể thao\n"
        + "    authors:\n      - name: Trần Minh Châu\n        bio: Biên tập viên.\n"
    )
    c = parse_config(text, ROOT)
    en, vi = c.editions
    assert (en.title, en.description, en.timezone) == ("Courier", "News", "Asia/Ho_Chi_Minh")
    assert (vi.title, vi.description, vi.timezone) == ("Tin Ven Sông", "Tin tức", "Asia/Bangkok")
    assert [(s.name, s.slug, s.description, s.url) for s in vi.sections] == [
        ("Chính trị", "chinh-tri", "Tòa thị chính", "vi/chinh-tri/"),
        ("Thể thao", "the-thao", "", "vi/the-thao/"),  # slug from the name; a section by its slug
    ]
    assert [(s.name, s.slug) for s in en.sections] == [("Politics", "politics"), ("Sports", "sports")]
    assert {a.name: a.bio for a in vi.authors} == {"Trần Minh Châu": "Biên tập viên.", "Sarah Whitfield": "World."}
    assert {a.name: a.bio for a in en.authors}["Trần Minh Châu"] == "Business editor."
    assert vi.language_entry is c.languages[1] and en.language_entry is c.languages[0]
    assert vi.digest != en.digest  # an edition's pages have fingerprints of their own
    with pytest.raises(RuntimeError):
        vi.editions  # noqa: B018 - a question for the site's config only


def test_edition_for_a_content_file() -> None:
    c = config("  - code: en\n  - code: vi\n")
    en, vi = c.editions
    assert c.edition_for("content/vi/politics/2026/a.md") is vi
    assert c.edition_for("content/vi/a/index.md") is vi
    assert c.edition_for("content/politics/a.md") is en
    assert c.edition_for("content/vietnam/a.md") is en  # a folder, not the code
    assert c.edition_for("content/en/a.md") is en


def test_language_agreeing_with_the_first_code_is_fine() -> None:
    assert config("  - code: en-US\n  - code: vi\n", head="language: en_US\n").language == "en-US"
    assert config("  - code: vi\n  - code: en\n", head="language: vi\n").language == "vi"


def test_open_graph_locale_and_direction() -> None:
    assert og_locale("vi") == "vi_VN" and og_locale("en") == "en_US" and og_locale("pt-BR") == "pt_BR"
    assert [text_direction(code) for code in ("ar", "he", "fa", "ur")] == ["rtl"] * 4
    assert [text_direction(code) for code in ("en", "vi", "zh-Hant-TW")] == ["ltr"] * 3
    c = config("  - code: en\n  - code: ar\n")
    assert c.editions[1].text_direction == "rtl" and c.editions[0].text_direction == "ltr"
    assert c.editions[1].og_locale.startswith("ar")


# ---------------------------------------------------------------------------- mistakes


def test_the_first_language_has_no_path() -> None:
    message = one_problem("  - code: en\n    path: en\n  - code: vi\n", "path: en")
    assert "first language" in message and "root" in message


def test_language_disagreeing_with_the_first_code() -> None:
    message = one_problem("  - code: en\n  - code: fr\n", "code: en", head="language: fr\n")
    assert '"en"' in message and '"fr"' in message


def test_a_language_listed_twice() -> None:
    message = one_problem("  - code: en\n  - code: vi\n  - code: VI\n", "code: VI")
    assert "twice" in message


def test_an_unknown_language_code() -> None:
    for code in ("xx", "english", "vx"):
        message = one_problem(f"  - code: en\n  - code: {code}\n", f"code: {code}")
        assert f'unknown language code "{code}"' in message
    one_problem("  - code: en\n  - code: 12\n", "code: 12")  # a number: an error at its line too


def test_a_language_without_code() -> None:
    assert "needs a code" in one_problem("  - code: en\n  - name: Tiếng Việt\n", "name: Tiếng Việt")


def test_an_unknown_language_setting() -> None:
    message = one_problem("  - code: en\n  - code: vi\n    titel: Tin\n", "titel")
    assert '"titel"' in message and "title" in message  # did you mean


def test_a_path_that_is_not_a_url_folder_or_is_taken() -> None:
    assert "not a valid URL folder" in one_problem("  - code: en\n  - code: vi\n    path: Tiếng Việt\n", "path:")
    for taken in ("politics", "tags", "authors"):
        message = one_problem(f"  - code: en\n  - code: vi\n    path: {taken}\n", "path:")
        assert "taken" in message, message


def test_an_unknown_timezone() -> None:
    assert "Mars/Base" in one_problem("  - code: en\n  - code: vi\n    timezone: Mars/Base\n", "timezone:")


def test_a_bad_section_slug() -> None:
    text = "  - code: en\n  - code: vi\n    sections:\n      Politics: {name: Chính trị, slug: Chinh Tri}\n" \
           "      Sports: Thể thao\n"
    found = problems(text)
    line = line_of(SECTIONS + "languages:\n" + text, "slug: Chinh Tri")
    assert any(p.startswith(f"newsgen.yaml:{line}: ") and 'slug "Chinh Tri"' in p for p in found), found


def test_a_bad_section_slug_is_one_error() -> None:
    one_problem("  - code: en\n  - code: vi\n    sections:\n      Politics: {name: Chính trị, slug: Chinh Tri}\n"
                "      Sports: Thể thao\n", "slug: Chinh Tri")


def test_two_sections_with_one_slug() -> None:
    found = problems("  - code: en\n  - code: vi\n    sections:\n      Politics: Chính trị\n"
                     "      Sports: {name: Thể thao, slug: chinh-tri}\n")
    assert any('the same slug "chinh-tri"' in p for p in found), found


def test_a_language_that_misses_a_section() -> None:
    message = one_problem("  - code: en\n  - code: vi\n    sections:\n      Politics: Chính trị\n",
                          "    sections:")
    assert "Sports" in message and "vi" in message


def test_a_language_that_names_an_unknown_section() -> None:
    message = one_problem("  - code: en\n  - code: vi\n    sections:\n      Politics: Chính trị\n"
                          "      Sport: Thể thao\n      Sports: Thể thao\n", "Sport: ")
    assert '"Sport"' in message and '"Sports"' in message  # did you mean


def test_languages_must_be_a_non_empty_list() -> None:
    for value in ("[]", "en"):
        found = parse_problems(SECTIONS + f"languages: {value}\n")
        assert len(found) == 1 and found[0].startswith(f"newsgen.yaml:{line_of(SECTIONS + 'languages:', 'languages:')}: ")


def parse_problems(text: str) -> list[str]:
    with pytest.raises(BuildError) as info:
        parse_config(text, ROOT)
    return [str(d) for d in info.value.diagnostics]


def test_every_problem_is_reported_at_once() -> None:
    found = problems("  - code: en\n    path: en\n  - code: xx\n  - code: vi\n    timezone: Mars/Base\n")
    assert len(found) == 3, found


def test_a_language_given_as_its_code_alone() -> None:
    """The short form (a code for a language): was a TypeError crash (LineMap({...})) while this was written."""
    for text in ("languages: [en, vi]\n", "languages:\n  - en\n  - vi\n"):
        c = parse_config(SECTIONS + text, ROOT)
        assert [(lang.code, lang.name, lang.prefix) for lang in c.languages] == [
            ("en", "English", ""), ("vi", "Tiếng Việt", "vi/")]
    found = parse_problems(SECTIONS + "languages:\n  - en\n  - xx\n")
    assert len(found) == 1 and 'unknown language code "xx"' in found[0], found
    assert found[0].startswith("newsgen.yaml:"), found


def test_a_code_is_bcp47_or_an_error() -> None:
    try:
        c = config("  - code: en\n  - code: vi_VN\n    path: vi\n")
    except BuildError:
        return
    code = c.languages[1].code
    assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", code), code
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):  # pragma: no cover
        pytest.fail(code)


def test_a_short_form_mistake_is_at_its_line() -> None:
    text = SECTIONS + "languages:\n  - en\n  - xx\n"
    (found,) = parse_problems(text)
    assert found.startswith(f"newsgen.yaml:{line_of(text, '- xx')}: "), found


def test_one_language_is_a_site_in_that_language_without_editions() -> None:
    """`languages:` with one entry: no editions, no hreflang or switcher to show; its names apply."""
    c = config("  - code: vi\n    title: Tin Ven Sông\n    sections:\n      Politics: Chính trị\n      Sports: Thể thao\n")
    assert c.languages == () and c.editions == (c,) and c.prefix == ""
    assert (c.language, c.title) == ("vi", "Tin Ven Sông")
    assert [(s.name, s.slug) for s in c.sections] == [("Chính trị", "chinh-tri"), ("Thể thao", "the-thao")]


def test_two_languages_with_one_path_and_a_code_that_is_a_section_folder() -> None:
    found = problems("  - code: en\n  - code: vi\n    path: x\n  - code: fr\n    path: x\n")
    assert len(found) == 1 and 'path "x" of language fr is also that of language vi' in found[0], found
    clash = parse_problems("sections:\n  - name: Politics\n  - name: IT\nlanguages:\n  - code: en\n  - code: it\n"
                           "    path: italiano\n")
    assert len(clash) == 1 and "content/it/" in clash[0] and 'section "it"' in clash[0], clash


def test_the_languages_as_news_sitemaps_and_open_graph_write_them() -> None:
    from newsgen.languages import news_language, og_locale

    assert [news_language(c) for c in ("en", "vi", "pt-BR", "zh-Hant", "zh", "zh-TW")] == \
        ["en", "vi", "pt", "zh-tw", "zh-cn", "zh-tw"]
    assert [og_locale(c) for c in ("vi", "pt-BR", "zh-Hant", "zh")] == ["vi_VN", "pt_BR", "zh_TW", "zh_CN"]


def test_a_language_folder_in_any_case_or_as_its_path() -> None:
    c = config("  - code: en\n  - code: pt-BR\n  - code: vi\n    path: tieng-viet\n")
    assert c.edition_for("content/pt-br/politics/a.md").language == "pt-BR"
    assert c.edition_for("content/pt_BR/politics/a.md").language == "pt-BR"
    assert c.edition_for("content/tieng-viet/politics/a.md").language == "vi"
    assert c.edition_for("content/fr/politics/a.md").language == "en"  # not a language of the site
