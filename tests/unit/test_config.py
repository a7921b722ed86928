"""config.py: newsgen.yaml validated key by key, every problem reported together with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.config import SiteConfig, load_config, parse_config
from newsgen.errors import BuildError

ROOT = Path("/site")


def problems(text: str) -> list[str]:
    with pytest.raises(BuildError) as info:
        parse_config(text, ROOT)
    return [str(d) for d in info.value.diagnostics]


def test_minimal_config_gets_defaults() -> None:
    config = parse_config("sections: [Politics]\n", ROOT)
    assert isinstance(config, SiteConfig)
    assert config.title == "News"
    assert config.timezone == "UTC"
    assert config.per_page == 20 and config.latest_news == 10
    assert config.pagination == "stable"
    assert config.unsafe_html is False
    assert [(s.name, s.slug) for s in config.sections] == [("Politics", "politics")]


def test_sections_keep_order_slug_and_description() -> None:
    config = parse_config(
        "sections:\n  - name: Thời sự\n  - Sports\n  - name: World News\n    slug: world\n    description: Abroad\n",
        ROOT,
    )
    assert [(s.name, s.slug, s.description) for s in config.sections] == [
        ("Thời sự", "thoi-su", ""),
        ("Sports", "sports", ""),
        ("World News", "world", "Abroad"),
    ]


def test_section_lookup_by_name_slug_or_case() -> None:
    config = parse_config("sections: [Politics, {name: World News, slug: world}]\n", ROOT)
    assert config.section_by_name("politics").slug == "politics"  # type: ignore[union-attr]
    assert config.section_by_name("world").name == "World News"  # type: ignore[union-attr]
    assert config.section_by_name("WORLD NEWS").slug == "world"  # type: ignore[union-attr]
    assert config.section_by_name("Sport") is None


def test_base_url_gets_a_trailing_slash_and_base_path() -> None:
    config = parse_config("base_url: https://example.org/news\nsections: [A]\n", ROOT)
    assert config.base_url == "https://example.org/news/"
    assert config.base_path == "/news/"
    assert parse_config("base_url: https://example.org\nsections: [A]\n", ROOT).base_path == "/"


def test_derived_paths() -> None:
    config = parse_config("sections: [A]\n", ROOT)
    assert config.content_dir == ROOT / "content"
    assert config.templates_dir == ROOT / "templates"
    assert config.static_dir == ROOT / "static"


def test_every_problem_is_reported_together_with_its_line() -> None:
    text = "title: X\ntimezone: Asia/Ho_Chi_Minn\nsections: [A]\nper_page: 0\nlatest_news: true\ntitel: x\n"
    assert problems(text) == [
        'newsgen.yaml:2: unknown timezone "Asia/Ho_Chi_Minn" (did you mean "Asia/Ho_Chi_Minh"?)',
        "newsgen.yaml:4: per_page must be at least 1 (e.g. per_page: 20)",
        "newsgen.yaml:5: latest_news must be a whole number (e.g. latest_news: 20)",
        'newsgen.yaml:6: unknown setting "titel" (did you mean "title"?)',
    ]


def test_unknown_timezone_without_near_miss_gets_an_example() -> None:
    (line,) = problems("sections: [A]\ntimezone: Mars/Olympus\n")
    assert line.startswith('newsgen.yaml:2: unknown timezone "Mars/Olympus"')
    assert "UTC" in line


def test_wrong_types_are_named_in_editors_words() -> None:
    found = problems("title: [a]\nsections: [A]\nunsafe_html: yes please\n")
    assert found == [
        'newsgen.yaml:1: title must be text (write it in quotes: title: "...")',
        "newsgen.yaml:3: unsafe_html must be true or false (e.g. unsafe_html: true)",
    ]
    assert not any("<class" in line for line in found)


def test_number_title_is_text() -> None:
    assert parse_config("title: 1984\nsections: [A]\n", ROOT).title == "1984"


def test_bad_base_url_language_and_pagination() -> None:
    assert problems("sections: [A]\nbase_url: ftp://x\nlanguage: zz-qq\npagination: weird\n") == [
        'newsgen.yaml:2: base_url "ftp://x" is not a web address (e.g. https://news.example.org/)',
        'newsgen.yaml:3: unknown language "zz-qq" (a code like en, vi or fr)',
        'newsgen.yaml:4: pagination must be "stable" or "classic", not "weird"',
    ]


def test_sections_rules() -> None:
    found = problems(
        "sections:\n  - name: Tags\n  - name: A\n  - name: a\n  - description: x\n  - name: B\n    colour: red\n"
    )
    assert found == [
        'newsgen.yaml:2: section slug "tags" is reserved for newsgen pages (set another `slug:`)',
        'newsgen.yaml:4: section "a" has the same slug as "A" (give one of them its own `slug:`)',
        "newsgen.yaml:5: each section needs a name (- name: Politics)",
        'newsgen.yaml:7: unknown section setting "colour" (a section has name, slug and description)',
    ]


def test_two_sections_by_one_name() -> None:
    """An article's `section:` is a section's name (in any case) or its slug: two sections it cannot tell
    apart are an error (QA: the second was an empty page, the navigation named both alike)."""
    found = problems("sections:\n  - name: Local\n  - name: News\n    slug: local-news\n"
                     "  - name: local\n    slug: opinion\n  - name: Local News\n    slug: sport\n")
    assert found == [
        'newsgen.yaml:5: section "local" has the same name as "Local" (articles choose their section by name: '
        "give each its own)",
    ]
    assert problems("sections:\n  - name: Politics\n    slug: world\n  - name: World\n    slug: politics\n") == [
        'newsgen.yaml:4: section "World" has the same name as "Politics" (articles choose their section by name: '
        "give each its own)",
    ]


def test_missing_and_empty_sections() -> None:
    assert problems("title: X\n") == [
        "newsgen.yaml:1: newsgen.yaml has no sections (add `sections:` with at least one `- name: ...`)"
    ]
    assert problems("sections: []\n") == ["newsgen.yaml:1: sections is empty (add at least one `- name: ...`)"]


def test_not_a_mapping() -> None:
    (line,) = problems("- a\n- b\n")
    assert line.startswith("newsgen.yaml:1: newsgen.yaml must be a mapping")


def test_invalid_yaml_has_line() -> None:
    (line,) = problems("title: X\nsections: [A\nper_page: 3\n")
    assert line.startswith("newsgen.yaml:2: invalid YAML")  # the line the list opens on, not the next (QA)
    assert "a [list] closes on its own line" in line


def test_authors_profiles() -> None:
    config = parse_config("sections: [A]\nauthors:\n  - name: Trần Minh Châu\n    bio: Editor\n", ROOT)
    (author,) = config.authors
    assert (author.name, author.slug, author.bio) == ("Trần Minh Châu", "tran-minh-chau", "Editor")
    assert problems("sections: [A]\nauthors:\n  - bio: nobody\n") == [
        "newsgen.yaml:3: each author needs a name (- name: Hung Anh)"
    ]


def test_extra_and_embed_hosts() -> None:
    config = parse_config("sections: [A]\nembed_hosts: [WWW.Example.org]\nextra:\n  motto: hi\n", ROOT)
    assert config.embed_hosts == ("www.example.org",)
    assert config.extra == {"motto": "hi"}


def test_load_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        load_config(tmp_path)
    assert str(info.value.diagnostics[0]).startswith("newsgen.yaml: no newsgen.yaml here")


def test_load_config_bom_crlf_and_digest(tmp_path: Path) -> None:
    (tmp_path / "newsgen.yaml").write_bytes(b"\xef\xbb\xbftitle: X\r\nsections: [A]\r\n")
    config = load_config(tmp_path)
    assert config.title == "X"
    assert config.root == tmp_path
    first = config.digest
    assert first
    (tmp_path / "newsgen.yaml").write_bytes(b"title: Y\nsections: [A]\n")
    assert load_config(tmp_path).digest != first


def test_load_config_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "newsgen.yaml").write_bytes(b"title: X\nsections: [A]\ndescription: caf\xe9\n")
    with pytest.raises(BuildError) as info:
        load_config(tmp_path)
    assert [str(d) for d in info.value.diagnostics] == ["newsgen.yaml:3: file is not UTF-8 text (save it as UTF-8)"]


def _with_static(tmp_path: Path, *files: str) -> Path:
    for rel in files:
        (tmp_path / "static" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "static" / rel).write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def test_share_image_is_a_file_in_static_or_a_web_address(tmp_path: Path) -> None:
    root = _with_static(tmp_path, "images/share.png")
    for value in ("images/share.png", "/images/share.png", " images/share.png "):
        config = parse_config(f"sections: [Politics]\nshare_image: {value!r}\n", root)
        assert config.share_image == "images/share.png"
        assert config.default_image == "images/share.png"
    url = "https://cdn.example.org/share.jpg"
    assert parse_config(f"sections: [Politics]\nshare_image: {url}\n", root).default_image == url


def test_share_image_falls_back_to_a_photo_logo(tmp_path: Path) -> None:
    root = _with_static(tmp_path, "images/logo.png", "images/logo.svg")
    assert parse_config("sections: [Politics]\nlogo: images/logo.png\n", root).default_image == "images/logo.png"
    assert parse_config("sections: [Politics]\nlogo: images/logo.svg\n", root).default_image == ""  # no card shows SVG
    assert parse_config("sections: [Politics]\n", root).default_image == ""
    config = parse_config("sections: [Politics]\nlogo: images/logo.png\nshare_image: ''\n", root)
    assert config.share_image == "" and config.default_image == "images/logo.png"


def test_share_image_problems(tmp_path: Path) -> None:
    root = _with_static(tmp_path, "images/share.png", "images/share.svg")
    (tmp_path / "secret.png").write_bytes(b"x")
    (tmp_path / "static/images/link.png").symlink_to(tmp_path / "secret.png")

    def problem(value: object) -> str:
        with pytest.raises(BuildError) as info:
            parse_config(f"sections: [Politics]\nshare_image: {value}\n", root)
        (d,) = info.value.diagnostics
        assert d.line == 2
        return str(d)

    assert "no such file in static/" in problem("images/missing.png")
    assert "static/images/missing.png" in problem("images/missing.png")
    assert "must be a JPEG, PNG, GIF or WebP" in problem("images/share.svg")
    assert "must be a JPEG, PNG, GIF or WebP" in problem("images/")
    assert "not a path inside static/" in problem("../secret.png")
    assert "no such file in static/" in problem("images/link.png")  # a symlink out of static/
    assert "not a web address" in problem("ftp://example.org/share.png")
    assert "must be text" in problem("[a, b]")


def test_the_logo_is_a_file_in_static_or_a_web_address(tmp_path: Path) -> None:
    """`logo:` names the publisher's logo in every article's structured data (and stands in for a share
    image): a missing file is an error with its line, as for share_image (QA: it passed, and the pages
    pointed at nothing)."""
    root = _with_static(tmp_path, "images/logo.svg", "images/logo.png")
    for value in ("images/logo.svg", "/images/logo.png", "https://cdn.example.org/logo.svg", "''"):
        parse_config(f"sections: [Politics]\nlogo: {value}\n", root)
    for value, message in (("images/nope.png", "no such file in static/ (looked for static/images/nope.png)"),
                           ("images/logo.txt", "must be a JPEG, PNG, GIF, WebP or SVG image"),
                           ("../secret.png", "not a path inside static/")):
        with pytest.raises(BuildError) as info:
            parse_config(f"sections: [Politics]\nlogo: {value}\n", root)
        (d,) = info.value.diagnostics
        assert d.line == 2 and message in d.message and d.hint, str(d)
