"""Template overrides: a site's templates/ replaces the theme file by file and can extend it; template
mistakes are one-line errors pointing into the template."""

from __future__ import annotations

import re
import shutil

import pytest

OVERRIDE = """{% extends "theme/article.html" %}
{% block title %}Override: {{ article.title }}{% endblock %}
{% block scripts %}{{ super() }}<p class="override-marker">{{ article.extra.location }}</p>{% endblock %}
"""


def test_override_extends_the_builtin_template(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("Alpha", extra={"location": "Huế <city>"}),
            "templates/article.html": OVERRIDE,
        }
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    doc = parse_html(root / "public/politics/alpha/index.html")
    assert doc.findtext(".//title") == "Override: Alpha"
    assert doc.findtext(".//h1") == "Alpha"  # the rest of the built-in page is there
    assert doc.find(".//aside[@class='latest']") is not None
    assert doc.findtext(".//p[@class='override-marker']") == "Huế <city>"  # extra keys reach templates, escaped
    assert any(s.get("src", "").endswith("/theme/latest.js") for s in doc.iter("script"))  # super() kept
    home = parse_html(root / "public/index.html")  # other pages still use the theme
    assert home.findtext(".//title") == "Test Gazette"


def test_override_of_a_partial_reaches_every_page_that_includes_it(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    base = '{% extends "theme/base.html" %}{% block head %}<meta name="x-site" content="custom">{% endblock %}'
    root = make_site({"content/politics/a.md": make_site.article("Alpha"), "templates/base.html": base})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    for page in ("index.html", "politics/alpha/index.html", "politics/index.html", "404.html"):
        doc = parse_html(root / "public" / page)
        assert doc.find(".//meta[@name='x-site']") is not None, page


def test_word_count_on_demand(make_site, run_cli, parse_html, write_file) -> None:  # type: ignore[no-untyped-def]
    """h.word_count(article): the body's words, counted when a template asks; an edit changes it."""
    override = ('{% extends "theme/article.html" %}'
                '{% block after_body %}<p class="words">{{ h.word_count(article) }}</p>{% endblock %}')
    body = "One two  three.\n\n## Four five\n\n- six\n- seven\n"
    root = make_site({"content/politics/a.md": make_site.article("Alpha", body=body),
                      "templates/article.html": override})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert parse_html(root / "public/politics/alpha/index.html").findtext(".//p[@class='words']") == "10"
    write_file(root, "content/politics/a.md", make_site.article("Alpha", body=body + "\nEight nine.\n"))
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert parse_html(root / "public/politics/alpha/index.html").findtext(".//p[@class='words']") == "12"


def test_comments_slot_from_config(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("Alpha")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert parse_html(root / "public/politics/alpha/index.html").find(".//*[@id='comments_slot']") is None
    root2 = make_site(
        {"content/politics/a.md": make_site.article("Alpha")},
        extra_config='comments_html: "<div id=\\"talk\\">Comments here</div>"\n',
    )
    assert run_cli(["build", "--jobs", "1"], root2).exit_code == 0
    slot = parse_html(root2 / "public/politics/alpha/index.html").find(".//*[@id='comments_slot']")
    assert slot is not None and slot.findtext(".//div[@id='talk']") == "Comments here"


def test_jinja_syntax_error_in_a_site_template(make_site, run_cli, snapshot, write_file) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("Alpha")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    before = snapshot(root / "public")
    write_file(
        root,
        "templates/article.html",
        '{% extends "theme/article.html" %}\n\n{% block title %}{% if %}{% endblock %}\n',
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] == "newsgen: 1 error, nothing was written"
    assert len(lines) == 2, lines
    assert re.match(r"^templates/article\.html:3: template syntax error: .+", lines[0]), lines[0]
    assert snapshot(root / "public") == before


def test_undefined_variable_in_a_site_template(make_site, run_cli, snapshot, write_file) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("Alpha")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    before = snapshot(root / "public")
    write_file(
        root,
        "templates/404.html",
        '{% extends "theme/404.html" %}\n{% block title %}\n{{ site.no_such_setting }}{% endblock %}\n',
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, lines
    assert lines[0].startswith("templates/404.html:3: template error"), lines[0]
    assert "no_such_setting" in lines[0]
    assert snapshot(root / "public") == before


def test_missing_parent_template(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("Alpha"),
            "templates/404.html": '{% extends "theme/nope.html" %}\n',
        }
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    first = result.stderr.splitlines()[0]
    assert first.startswith("templates/404.html:1: ") and "nope.html" in first


def test_template_change_rerenders_exactly_the_pages_that_use_it(make_site, build, write_file) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("Alpha"),
            "content/sports/b.md": make_site.article("Beta", section="Sports"),
        }
    )
    build(root)
    write_file(root, "templates/404.html", '{% extends "theme/404.html" %}{% block title %}Lost{% endblock %}')
    result = build(root)
    assert result.rendered == 1 and result.changed == ["404.html"]
    write_file(root, "templates/article.html", '{% extends "theme/article.html" %}{% block title %}A{% endblock %}')
    result = build(root)
    assert sorted(result.changed) == ["politics/alpha/index.html", "sports/beta/index.html"]


def test_a_failed_first_build_leaves_the_new_output_folder_empty(make_site, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    """Into an empty output folder pages are written under their own names (nothing to keep
    intact); when the build then fails, every page it wrote is removed again."""
    root = make_site({f"content/politics/a{i}.md": make_site.article(f"Alpha {i}") for i in range(5)})
    write_file(root, "templates/404.html",
               '{% extends "theme/404.html" %}\n{% block title %}\n{{ site.no_such_setting }}{% endblock %}\n')
    (root / "public").mkdir()
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert "templates/404.html:3: template error" in result.stderr
    left = sorted(str(p.relative_to(root / "public")) for p in (root / "public").rglob("*"))
    assert left in ([], [".newsgen-output"]), left


def test_a_template_error_on_every_article_of_every_edition_is_one_line(make_site, run_cli, snapshot, write_file) -> None:  # type: ignore[no-untyped-def]
    """A mistake in article.html fails every article page of both editions: the build says so once, in
    one run (not the English pages now and the Vietnamese ones after they are fixed), names the type as
    a template writer knows it whether the articles came from the cache or not, and leaves the output."""
    a = make_site.article
    root = make_site({
        "content/politics/one.md": a("One"), "content/politics/two.md": a("Two", date="2025-03-18 10:00"),
        "content/vi/politics/mot.md": a("Một"), "content/vi/politics/hai.md": a("Hai", date="2025-03-18 10:00"),
    }, extra_config="languages:\n  - code: en\n  - code: vi\n")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    before = snapshot(root / "public")
    write_file(root, "templates/article.html", '{% extends "theme/article.html" %}\n{% block byline %}\n{{ super() }}\n'
                                               "<p>{{ article.extra.location.upper() }}</p>\n{% endblock %}\n")
    for cache in (True, False):  # articles decoded from the cache, then parsed anew
        if not cache:
            shutil.rmtree(root / ".newsgen-cache")
        result = run_cli(["build", "--jobs", "1"], root)
        assert result.exit_code == 1 and not result.traceback, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("templates/")]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("templates/article.html:4: template error: 'dict object' has no attribute "
                                   "'location' (while rendering /"), lines[0]
        assert lines[0].endswith(", and 3 more pages with it)"), lines[0]
        assert "newsgen." not in result.stderr
        assert snapshot(root / "public") == before


@pytest.mark.parametrize("command", [["build", "--jobs", "1"], ["check"]])
def test_a_template_syntax_error_is_reported_with_the_articles_mistakes(command, make_site, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    """A run that stops at an article's mistake (before any page is rendered) still names the broken
    template: one run, every mistake (before, the template's line came only after the article was fixed)."""
    root = make_site({"content/politics/a.md": make_site.article("Alpha"),
                      "content/politics/b.md": "---\ntitle: Bad\nsection: Sprots\ndate: 2025-03-18 10:00\n---\nx\n"})
    write_file(root, "templates/article.html",
               '{% extends "theme/article.html" %}\n{% block byline %}\n{{ super() }\n{% endblock %}\n')
    result = run_cli(command, root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/politics/b.md:3: unknown section") for line in lines), lines
    assert "templates/article.html:3: template syntax error: unexpected '}' (check the {% %} and {{ }} tags)" in lines


def test_the_syntax_check_of_a_failed_run_reads_templates_only(make_site, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    """With an article's mistake, the site's templates are compiled to report theirs too: not its catalogs
    (a broken one is reported as a catalog), nor other files kept there."""
    root = make_site({"content/politics/b.md": "---\ntitle: Bad\nsection: Sprots\ndate: 2025-03-18 10:00\n---\nx\n"})
    write_file(root, "templates/locale/vi/LC_MESSAGES/site.po", 'msgid "{{ x"\nmsgstr "{%% y"\n')
    write_file(root, "templates/notes.md", "A note with {{ an unclosed tag\n")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    assert [line for line in result.stderr.splitlines() if "syntax" in line] == []
    assert any("Sprots" in line for line in result.stderr.splitlines())


def test_a_runaway_range_in_a_template_stops_the_build_at_its_line(make_site, run_cli, snapshot, write_file) -> None:  # type: ignore[no-untyped-def]
    """`range()` in a template makes at most 100,000 items (as in Jinja's sandbox): a typo that asks for a
    billion stops the build at once with the template's line, not after filling the memory; the output
    stays as it was. A range within the limit works as Python's."""
    import time

    root = make_site({"content/politics/one.md": make_site.article("One")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    before = snapshot(root / "public")
    write_file(root, "templates/404.html", '{% extends "theme/404.html" %}\n{% block title %}\n'
                                           "{% for i in range(10 ** 9) %}{{ i }}{% endfor %}{% endblock %}\n")
    started = time.monotonic()
    result = run_cli(["build", "--jobs", "1"], root)
    assert time.monotonic() - started < 30
    assert result.exit_code == 1 and not result.traceback, result.stderr
    assert ("templates/404.html:3: template error: OverflowError: range() of 1,000,000,000 items, more than the "
            "100,000 a template may make (while rendering /404.html)") in result.stderr, result.stderr
    assert snapshot(root / "public") == before
    write_file(root, "templates/404.html", '{% extends "theme/404.html" %}\n{% block title %}\n'
                                           "{% for i in range(2, 100002, 25000) %}{{ i }},{% endfor %}{% endblock %}\n")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert "2,25002,50002,75002," in (root / "public/404.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("template", "message"), [
    ("{{ 'x' * 10**10 }}", "a repetition of 10,000,000,000 items, more than the 10,000,000 a template may make"),
    ("{{ [0] * (10**9) }}", "a repetition of 1,000,000,000 items, more than the 10,000,000 a template may make"),
    ("{{ 3 ** (10**8) }}", "a power of 200,000,000 bits, more than a template may make"),
    ("{{ lipsum(10**6) }}", "lipsum() of 1,000,000 paragraphs, more than the 1,000 a template may make"),
])
def test_a_template_expression_too_big_to_make_stops_the_build_at_its_line(template: str, message: str, make_site,
                                                                          run_cli) -> None:  # type: ignore[no-untyped-def]
    """`{{ 'x' * 10**10 }}` in a template took 22 GB (Jinja folds constants when it compiles) before the
    kernel killed the build; such an expression is now a template error at its line, with a small memory."""
    import resource

    root = make_site({"content/politics/a.md": make_site.article("A"),
                      "templates/article.html": "{% extends 'base.html' %}\n{% block content %}\n" + template +
                      "\n{% endblock %}\n"})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    assert result.stderr.splitlines()[0].startswith(f"templates/article.html:3: template error: OverflowError: {message}")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 500_000  # KB
