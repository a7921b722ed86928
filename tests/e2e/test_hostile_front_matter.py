"""Hostile and odd front matter (issue 19 item 5, issue 15): every case is a one-line error naming the
article and its line, or a safe result, in bounded time; never a traceback, never a control character
on the terminal. Also the one rule of text fields: what the author wrote is the text."""

from __future__ import annotations

import time

import pytest

HEAD = "---\ntitle: A headline\nsection: Politics\ndate: 2025-03-19 17:40\n"
ARTICLE = "content/politics/a.md"


def article(extra_lines: str, head: str = HEAD) -> str:
    return head + extra_lines + "---\n\nThe lead paragraph.\n"


def fails_with(make_site, run_cli, text: str, *args: str, seconds: float = 5) -> list[str]:  # type: ignore[no-untyped-def]
    """Build a site of one article: it must fail cleanly in time. Returns the error lines."""
    root = make_site({ARTICLE: text})
    start = time.monotonic()
    result = run_cli(["build", "--jobs", "1", *args], root)
    assert time.monotonic() - start < seconds
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert not result.traceback and "Traceback" not in result.stderr
    assert not (root / "public").exists()
    lines = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert lines, result.stderr
    return lines


def test_deep_nesting_is_one_error_not_a_recursion_error(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = fails_with(make_site, run_cli, article("", head="---\ntitle: " + "[" * 500 + "]" * 500 + "\n"))
    assert lines == [f"{ARTICLE}:2: nested more than 32 levels deep"]


def test_block_nesting_too(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    deep = "".join(f"{'  ' * i}k{i}:\n" for i in range(200))
    lines = fails_with(make_site, run_cli, article("extra:\n" + "".join("  " + line + "\n" for line in deep.splitlines())))
    assert len(lines) == 1 and "nested more than 32 levels deep" in lines[0]


def test_alias_bomb_in_date_is_refused_quickly(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for name, prev in zip("bcdefgh", "abcdefg", strict=True):
        bomb += f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]\n"
    text = "---\ntitle: A\nsection: Politics\n" + bomb.replace("h: &h", "date:") + "---\n\nBody.\n"
    lines = fails_with(make_site, run_cli, text)
    assert len(lines) == 1
    assert "more than 100,000 values once aliases (*name) are expanded" in lines[0]
    assert lines[0].startswith(f"{ARTICLE}:9:")  # where the expansion goes over the limit (f:)


def test_self_referring_alias(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = fails_with(make_site, run_cli, article("tags: &t [a, *t]\n"))
    assert lines == [f"{ARTICLE}:5: an alias (*name) refers to the value it is part of (write the value out)"]


@pytest.mark.parametrize("escape", ["\\e]0;owned\\a", "\\x1b[2J", "\\x9b31m"])
def test_no_control_character_reaches_the_terminal(make_site, run_cli, escape: str) -> None:  # type: ignore[no-untyped-def]
    text = f'---\ntitle: A\nsection: "Pol{escape}"\ndate: 2025-03-19 17:40\n"titel{escape}": x\n---\n\nBody.\n'
    lines = fails_with(make_site, run_cli, text)
    assert len(lines) == 2
    for line in lines:
        assert line.isprintable(), line
        assert not any(0x80 <= ord(c) <= 0x9F for c in line)
    assert lines[0].startswith(f'{ARTICLE}:3: section holds a control character (U+')
    assert lines[1].startswith(f'{ARTICLE}:5: unknown key "titel\\x')  # the key itself, escaped


def test_a_bidi_override_in_a_message_is_shown_escaped(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = fails_with(make_site, run_cli, "---\ntitle: A\nsection: Pol\u202eitics\ndate: 2025-03-19 17:40\n---\n\nB.\n")
    assert lines[0].startswith(f'{ARTICLE}:3: unknown section "Pol\\u202eitics"')


def test_a_file_name_with_an_escape_is_shown_escaped(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a\x1b]0;x\x07.md": "---\ntitle: A\n---\n"})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "content/politics/a\\x1b]0;x\\x07.md:" in result.stderr


def test_many_authors_are_bounded(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    names = ", ".join(f"W{i}" for i in range(101))
    assert fails_with(make_site, run_cli, article(f"authors: [{names}]\n")) == [
        f"{ARTICLE}:5: authors: 101 names, at most 100 (keep the ones readers need)"]
    huge = ", ".join(f"W{i}" for i in range(100_000))
    lines = fails_with(make_site, run_cli, article(f"authors: [{huge}]\n"))
    assert len(lines) == 1 and lines[0].startswith(f"{ARTICLE}:2: front matter is ")
    assert "characters, at most 65,536 (move long text into the body)" in lines[0]


def test_far_future_date_with_future_flag(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = "---\ntitle: A\nsection: Politics\ndate: 9999-12-30\n---\n\nBody.\n"
    assert fails_with(make_site, run_cli, text, "--future") == [
        f'{ARTICLE}:4: date: "9999-12-30" is out of range (a date must be between the years 1900 and 9000)']


@pytest.mark.parametrize("value", ["0001-01-01 00:00 +14:00", "1899-12-31", "9001-01-01T00:00Z"])
def test_dates_out_of_range_blame_the_article(make_site, run_cli, value: str) -> None:  # type: ignore[no-untyped-def]
    text = f"---\ntitle: A\nsection: Politics\ndate: 2025-01-01\nupdated: {value}\n---\n\nBody.\n"
    lines = fails_with(make_site, run_cli, text)
    assert lines == [f'{ARTICLE}:5: updated: "{value}" is out of range '
                     "(a date must be between the years 1900 and 9000)"]


def test_edges_of_the_date_range_build(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    """The first and last accepted years, with the widest offsets, through every page and feed."""
    a = make_site.article
    root = make_site({"content/politics/old.md": a("Old", date="1900-01-01 00:00 +14:00"),
                      "content/politics/new.md": a("New", date="9000-12-31 23:59 -12:00")})
    result = run_cli(["build", "--jobs", "1", "--future"], root)
    assert result.exit_code == 0, result.stderr
    assert parse_html(root / "public/politics/old/index.html").findtext(".//h1") == "Old"
    assert (root / "public/politics/new/index.html").exists()


def test_empty_title_is_one_error(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = '---\ntitle: ""\nsection: Politics\ndate: 2025-03-19 17:40\n---\n\nBody.\n'
    assert fails_with(make_site, run_cli, text) == [
        f"{ARTICLE}:2: missing title (add `title: My headline` to the front matter)"]
    blank = '---\ntitle: "   "\nsection: Politics\ndate: 2025-03-19 17:40\n---\n\nBody.\n'
    assert fails_with(make_site, run_cli, blank) == [f"{ARTICLE}:2: title is empty"]


def test_misspelled_key_names_its_line(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    text = "---\ntitel: A headline\nsection: Politics\ndate: 2025-03-19 17:40\n---\n\nBody.\n"
    lines = fails_with(make_site, run_cli, text)
    assert f'{ARTICLE}:2: unknown key "titel" (did you mean "title"? Keys of your own go under extra:)' in lines
    assert f"{ARTICLE}:1: missing title (add `title: My headline` to the front matter)" in lines


def test_a_key_of_the_sites_own_is_kept_for_templates(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The content format's rule: keys newsgen does not know (and that are no misspelling of one it
    does) reach the templates as article.extra.<key>, as do the keys of an extra: mapping."""
    root = make_site({"content/politics/a.md": article("location: Huế\nextra: {series: Floods}\n"),
                      "templates/article.html": '{% extends "theme/article.html" %}{% block content %}'
                                                "<p id=x>{{ article.extra.location }}/{{ article.extra.series }}</p>"
                                                "{{ super() }}{% endblock %}"})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    page = next((root / "public/politics").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<p id=x>Huế/Floods</p>" in page


def test_all_errors_of_all_articles_together(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": article("titel: x\n"),
                      "content/politics/b.md": article("", head="---\ntitle: " + "[" * 50 + "]" * 50 + "\n"),
                      "content/politics/c.md": article("updated: 0001-01-01\n")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    errors = [line.split(":")[0] for line in result.stderr.splitlines() if line.startswith("content/")]
    assert errors == ["content/politics/a.md", "content/politics/b.md", "content/politics/c.md"]


EXTRA_TEMPLATE = """{% extends "theme/article.html" %}
{% block byline %}{{ super() }}<p class="dateline">{{ article.extra.location }}</p>
<p class="sponsor">{{ article.extra.sponsor.name }}</p><p class="lines">{{ article.extra.lines }}</p>{% endblock %}
"""


def test_extra_reaches_templates(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    text = article("extra:\n  location: Huế <city>\n  sponsor: {name: The Foundation}\n  lines: 3\n")
    root = make_site({ARTICLE: text, "templates/article.html": EXTRA_TEMPLATE})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    doc = parse_html(root / "public/politics/a-headline/index.html")
    assert doc.findtext(".//p[@class='dateline']") == "Huế <city>"
    assert doc.findtext(".//p[@class='sponsor']") == "The Foundation"
    assert doc.findtext(".//p[@class='lines']") == "3"  # a key named like a LineMap attribute is the value


def test_extra_must_be_a_mapping(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = fails_with(make_site, run_cli, article("extra: Huế\n"))
    assert lines == [f"{ARTICLE}:5: extra must be a mapping of your own keys (e.g. extra: {{location: Hà Nội}})"]


@pytest.mark.parametrize(
    ("written", "shown"),
    [("yes", "yes"), ("no", "no"), ("2025", "2025"), ("1e3", "1e3"), ("1.50", "1.50"), ("0x1F", "0x1F"),
     ("null", "null"), ("~", "~"), ("2025-01-01", "2025-01-01"), ("1:30", "1:30"), ("true", "true"),
     ('"quoted yes"', "quoted yes"), ("007", "007")],
)
def test_text_fields_are_what_the_author_wrote(make_site, run_cli, parse_html, written: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    text = (f"---\ntitle: {written}\nsection: Politics\ndate: 2025-03-19 17:40\nsummary: {written}\n"
            f"author: {written}\ntags: [{written}, on]\nimage_caption: {written}\nslug: page\n---\n\nBody.\n")
    root = make_site({ARTICLE: text})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    doc = parse_html(root / "public/politics/page/index.html")
    assert doc.findtext(".//h1") == shown
    assert any(a.text_content().strip() == shown for a in doc.iter("a") if "/authors/" in a.get("href", ""))
    tags = {a.text_content().strip() for a in doc.iter("a") if "/tags/" in a.get("href", "")}
    assert {shown, "on"} <= tags


def test_typed_values_stay_typed_where_they_mean_something(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    a = make_site.article
    root = make_site({"content/politics/a.md": a("Kept", raw_front_matter="draft: no"),
                      "content/politics/b.md": a("Left out", raw_front_matter="draft: yes")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert (root / "public/politics/kept/index.html").exists()
    assert not (root / "public/politics/left-out").exists()


def test_a_very_long_title_makes_a_usable_slug(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    title = " ".join(["Lengthy"] * 60)  # 479 characters: its slug would not fit in a file name
    root = make_site({ARTICLE: make_site.article(title)})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    folders = [p.name for p in (root / "public/politics").iterdir() if p.name.startswith("lengthy")]
    assert len(folders) == 1 and len(folders[0]) <= 120


def test_very_long_names_of_authors_tags_and_sections_make_usable_slugs(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A tag, an author or a section named in 60 words: their pages' folders are cut at a word like a
    title's slug (a build stopped at "File name too long"), and an author's profile still finds its page."""
    long = " ".join(["Lengthy"] * 60)
    config = make_site.default_config + f"authors:\n  - name: {long} Author\n    bio: A long-named writer.\n"
    config = config.replace("  - name: Culture", f"  - name: Culture\n  - name: {long} Section")
    root = make_site({ARTICLE: make_site.article("One", tags=[f"{long} Tag"], author=f"{long} Author"),
                      "content/other.md": make_site.article("Two", section=f"{long} Section")}, config=config)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    for folder in ("tags", "authors", ""):
        names = [p.name for p in (root / "public" / folder).iterdir() if p.name.startswith("lengthy")]
        assert len(names) == 1 and len(names[0]) <= 120, (folder, names)
    author_page = next((root / "public/authors").glob("lengthy*/index.html")).read_text(encoding="utf-8")
    assert "A long-named writer." in author_page


def test_the_real_command_through_a_pipe(make_site) -> None:  # type: ignore[no-untyped-def]
    """The repro of the issue, as a CI log would see it: the real command, stderr a pipe, a memory
    cap (the alias bomb grew without bound), the escape that set the terminal's title."""
    import resource
    import subprocess
    import sys

    bomb = "".join(f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]\n" for n, p in zip("bcdefgh", "abcdefg", strict=True))
    root = make_site({
        "content/politics/bomb.md": "---\ntitle: A\nsection: Politics\na: &a [x, x, x, x, x, x, x, x, x]\n"
                                    + bomb.replace("h: &h", "date:") + "---\n\nBody.\n",
        "content/politics/title.md": '---\ntitle: A\nsection: "\\e]0;owned\\a"\ndate: 2025-01-01\n---\n\nB.\n',
        "content/politics/deep.md": "---\ntitle: " + "[" * 500 + "]" * 500 + "\nsection: Politics\n---\n",
        "content/politics/far.md": "---\ntitle: A\nsection: Politics\ndate: 9999-12-30\n---\n\nB.\n"})

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "newsgen.cli", "build", "--future"], cwd=root, capture_output=True,
                          timeout=60, preexec_fn=cap, check=False)  # noqa: PLW1509 - a memory cap for the child
    assert time.monotonic() - start < 30
    assert proc.returncode == 1, proc.stderr
    err = proc.stderr.decode()
    assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err
    assert [line.split(":")[0] for line in err.splitlines() if line.startswith("content/")] == [
        "content/politics/bomb.md", "content/politics/deep.md", "content/politics/far.md", "content/politics/title.md"]
