"""The CLI surface: check, new, --version, --help of every command, the build summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newsgen
from newsgen.cli import main


def test_version(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(["--version"], tmp_path)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"newsgen {newsgen.__version__}"


def test_version_of_the_real_console_script(run_script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_script(["--version"], tmp_path)
    assert result.exit_code == 0 and result.stdout.strip() == f"newsgen {newsgen.__version__}"


def test_help_lists_every_command(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(["--help"], tmp_path)
    assert result.exit_code == 0
    for name in ("build", "check", "new"):
        assert re.search(rf"^\s+{name}\s+\S", result.stdout, re.M), name


@pytest.mark.parametrize("command", sorted(main.commands))  # type: ignore[attr-defined]
def test_help_of_each_command(command: str, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli([command, "--help"], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Usage: main {command}") or result.stdout.startswith(f"Usage: newsgen {command}")
    described = result.stdout.split("\n\n")[1].strip()
    assert described and not described.startswith("Options")


def test_build_help_documents_its_options(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = run_cli(["build", "--help"], tmp_path).stdout
    for option in ("--out", "--drafts", "--future", "--base-url", "-q", "-v"):
        assert option in text


def test_build_prints_one_summary_line(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("A"),
            "content/sports/b.md": make_site.article("B", section="Sports"),
        }
    )
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0 and result.stderr == ""
    (line,) = result.stdout.splitlines()
    m = re.match(
        r"^2 articles, (\d+) pages: (\d+) rendered, 0 unchanged, (\d+) files written, 0 removed in "
        r"[\d.]+ s$",
        line,
    )
    assert m, line
    assert m[1] == m[2]


def test_quiet_build_prints_nothing(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    result = run_cli(["build", "--jobs", "1", "-q"], root)
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_verbose_build_says_why(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    result = run_cli(["build", "--jobs", "1", "-v"], root)
    assert "/politics/a/: new page" in result.stdout.splitlines()
    # and where the time went, stage by stage
    (timing,) = [line for line in result.stdout.splitlines() if line.startswith("time: ")]
    stages = dict(part.rsplit(" ", 2)[:2] for part in timing.removeprefix("time: ").split(", "))
    assert list(stages) == ["start", "parse", "site model", "plan", "images and files", "render", "write", "cache"]
    assert all(float(seconds) >= 0 for seconds in stages.values())


def test_base_url_override(make_site, run_cli, parse_html) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    result = run_cli(["build", "--jobs", "1", "--base-url", "https://preview.example.net"], root)
    assert result.exit_code == 0, result.stderr
    doc = parse_html(root / "public/politics/a/index.html")
    assert doc.find(".//link[@rel='canonical']").get("href") == "https://preview.example.net/politics/a/"
    bad = run_cli(["build", "--jobs", "1", "--base-url", "not a url"], root)
    assert bad.exit_code == 1 and not bad.traceback
    assert bad.stderr.startswith('--base-url: "not a url" is not a web address')


def test_check_ok_writes_nothing(make_site, run_cli, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("A"),
            "content/politics/d.md": make_site.article("D", draft=True),
        }
    )
    before = snapshot(root)
    result = run_cli(["check"], root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "ok: 2 articles, no problems found"
    assert snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["content", "newsgen.yaml"]
    (root / "content/politics/d.md").unlink()
    assert run_cli(["check"], root).stdout.strip() == "ok: 1 article, no problems found"


def test_check_finds_template_errors(make_site, run_cli, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "content/politics/a.md": make_site.article("A"),
            "templates/404.html": ('{% extends "theme/404.html" %}\n{% block title %}{{ nope.x }}{% endblock %}\n'),
        }
    )
    before = snapshot(root)
    result = run_cli(["check"], root)
    assert result.exit_code == 1 and not result.traceback
    assert result.stderr.splitlines()[0].startswith("templates/404.html:2: template error")
    assert result.stderr.splitlines()[-1] == "newsgen: 1 error found"  # check never writes: no "nothing was written"
    assert snapshot(root) == before


def written_in(path: Path) -> None:
    """What a writer does with the file `newsgen new` made before publishing it: its summary and lead."""
    from newsgen.newarticle import LEAD_PROMPT, SUMMARY_PROMPT

    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(SUMMARY_PROMPT, "The night bus now runs later.")
                    .replace(LEAD_PROMPT, "The city extended the route."), encoding="utf-8")


def test_new_article(make_site, run_cli, fixed_now) -> None:  # type: ignore[no-untyped-def]
    from newsgen.config import load_config
    from newsgen.content.parse import parse_file

    root = make_site({})
    result = run_cli(["new", "Hội nghị Trung ương: kết quả", "--section", "politics", "--author", "Hùng Anh"], root)
    assert result.exit_code == 0, result.stderr
    printed = result.stdout.strip()
    rel = f"content/politics/{fixed_now:%Y}/hoi-nghi-trung-uong-ket-qua.md"
    assert printed.endswith(rel)
    assert (root / rel).is_file()
    article, diags = parse_file(root, rel, load_config(root))
    assert diags == [] and article is not None
    assert article.title == "Hội nghị Trung ương: kết quả"
    assert article.section == "politics" and article.authors == ("Hùng Anh",)
    assert article.draft is True
    assert article.date == fixed_now.replace(second=0, microsecond=0)
    # it builds with --drafts, and is left out without
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert not (root / "public/politics/hoi-nghi-trung-uong-ket-qua").exists()
    assert run_cli(["build", "--jobs", "1", "--drafts"], root).exit_code == 0
    assert (root / "public/politics/hoi-nghi-trung-uong-ket-qua/index.html").is_file()


def test_new_article_with_several_authors_and_no_draft(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    from newsgen.config import load_config
    from newsgen.content.parse import parse_file

    root = make_site({})
    result = run_cli(
        [
            "new",
            'Quotes "inside" the title',
            "--section",
            "Sports",
            "--author",
            "A. One",
            "--author",
            "B: Two",
            "--no-draft",
        ],
        root,
    )
    assert result.exit_code == 0, result.stderr
    rel = next((root / "content/sports").rglob("*.md")).relative_to(root).as_posix()
    written_in(root / rel)
    article, diags = parse_file(root, rel, load_config(root))
    assert diags == [] and article is not None
    assert article.title == 'Quotes "inside" the title' and article.authors == ("A. One", "B: Two")
    assert article.draft is False


def test_new_article_in_a_language_edition(make_site, run_cli, fixed_now) -> None:  # type: ignore[no-untyped-def]
    """`newsgen new --lang vi`: the story goes under content/vi/ in the site's own section folder (where
    its translation would be, docs/languages.md), with the section's name in that language; it builds
    into the edition's section, under the edition's slug."""
    from newsgen.newarticle import LEAD_PROMPT, SUMMARY_PROMPT

    root = make_site({}, extra_config="languages:\n  - code: en\n  - code: vi\n    sections:\n"
                     "      Politics: {name: Chính trị, slug: chinh-tri}\n      Sports: Thể thao\n"
                     "      Culture: Văn hóa\n")
    result = run_cli(["new", "Quốc hội họp phiên cuối", "--section", "Chính trị", "--lang", "vi", "--no-draft"], root)
    assert result.exit_code == 0, result.stderr
    rel = f"content/vi/politics/{fixed_now:%Y}/quoc-hoi-hop-phien-cuoi.md"
    assert result.stdout.strip().endswith(rel)
    assert 'section: "Chính trị"' in (root / rel).read_text(encoding="utf-8")
    by_site_name = run_cli(["new", "Giải đấu mở màn", "--section", "Sports", "--lang", "vi"], root)
    assert by_site_name.exit_code == 0 and f"content/vi/sports/{fixed_now:%Y}/" in by_site_name.stdout
    (root / rel).write_text((root / rel).read_text(encoding="utf-8").replace(SUMMARY_PROMPT, "Tóm tắt.")
                            .replace(LEAD_PROMPT, "Phiên họp cuối năm."), encoding="utf-8")
    built = run_cli(["build", "--jobs", "1"], root)
    assert built.exit_code == 0, built.stderr
    assert (root / "public/vi/chinh-tri/quoc-hoi-hop-phien-cuoi/index.html").is_file()


def test_new_article_errors(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({})
    result = run_cli(["new", "Match report", "--section", "Sprots"], root)
    assert result.exit_code == 1 and not result.traceback
    assert result.stderr.splitlines()[0] == '--section: unknown section "Sprots" (did you mean "Sports"?)'
    assert list((root / "content").iterdir()) == []
    assert run_cli(["new", "Match report", "--section", "Sports"], root).exit_code == 0
    again = run_cli(["new", "Match report", "--section", "Sports"], root)
    assert again.exit_code == 1 and "exists already" in again.stderr
    missing = run_cli(["new", "Match report"], root)
    assert missing.exit_code == 1 and missing.stderr.splitlines() == [  # (click's usage block, status 2: one line)
        "main new: Missing option '--section'. (see main new --help)"] or missing.stderr.splitlines() == [
        "newsgen new: Missing option '--section'. (see newsgen new --help)"]


@pytest.mark.parametrize(("args", "line"), [
    (["build", "-j", "zero"], "newsgen build: Invalid value for '--jobs' / '-j': 'zero' is not a valid integer range."),
    (["build", "extra"], "newsgen build: Got unexpected extra argument (extra)"),
    (["nosuch"], "newsgen: No such command 'nosuch'."),
    (["import", "wordpress"], "newsgen import wordpress: Missing argument 'EXPORT'."),
])
def test_a_command_line_mistake_is_one_line_and_status_1(args: list[str], line: str, make_site, run_script) -> None:  # type: ignore[no-untyped-def]
    """The real program: click's usage block (three lines, status 2) is one line, as every other error."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    result = run_script(args, root)
    assert result.exit_code == 1
    command = line.split(":", 1)[0]
    assert result.stderr.splitlines() == [f"{line} (see {command} --help)"]


def test_the_real_program_ends_a_build_at_once_with_everything_done(make_site, run_script, snapshot) -> None:  # type: ignore[no-untyped-def]
    """`newsgen build` ends its process without the interpreter's shutdown (cli._done): its output
    must be flushed through a pipe, every file written, and the cache saved (the next build of the
    same site renders nothing)."""
    root = make_site({"content/politics/a.md": make_site.article("One", tags=["x"]),
                      "content/politics/b.md": make_site.article("Two", date="2024-02-02 10:00")})
    first = run_script(["build", "--jobs", "1"], root)
    assert first.exit_code == 0, first.stderr
    assert re.fullmatch(r"2 articles, \d+ pages: \d+ rendered, 0 unchanged, \d+ files written, 0 removed in "
                        r"[\d.]+ s\n", first.stdout)
    built = snapshot(root / "public")
    assert {"index.html", "politics/one/index.html", "politics/two/index.html", "feed.xml"} <= built.keys()
    with open(root / "content/politics/b.md", "a", encoding="utf-8") as f:
        f.write("\nA paragraph added at the end.\n")
    second = run_script(["build", "--jobs", "1", "-v"], root)
    assert second.exit_code == 0, second.stderr
    # the article and the feeds that carry its text: what a build with a cache renders
    assert re.search(r"pages: 7 rendered, \d+ unchanged, 7 files written", second.stdout), second.stdout  # + 3 formats x 2
    assert "/politics/two/:" in second.stdout  # -v: why each page was rendered, all of it printed
    after = snapshot(root / "public")
    assert after.keys() == built.keys()
    assert {k for k in after if after[k] != built[k]} == {"politics/two/index.html", *(f"{d}{n}" for d in ("", "politics/") for n in ("feed.xml", "atom.xml", "feed.json"))}


def test_new_article_with_a_long_title_keeps_its_address(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A headline longer than a file name may be: the file and the URL take the build's slug, cut at a word
    (no traceback); the slug is written out, so a later change of the headline does not move the page."""
    from newsgen.slugs import MAX_SLUG

    root = make_site({})
    title = "Residents of the canal district gather again " * 6
    result = run_cli(["new", title, "--section", "Politics", "--no-draft"], root)
    assert result.exit_code == 0 and not result.traceback, result.stderr
    path = root / result.stdout.strip()
    written_in(path)
    slug = path.stem
    assert len(slug) <= MAX_SLUG and slug.startswith("residents-of-the-canal-district") and not slug.endswith("-")
    assert f"\nslug: {slug}\n" in path.read_text(encoding="utf-8")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert (root / f"public/politics/{slug}/index.html").is_file()
    text = path.read_text(encoding="utf-8").replace(title.strip(), "Canal district residents meet")
    path.write_text(text, encoding="utf-8")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    page = (root / f"public/politics/{slug}/index.html").read_text(encoding="utf-8")
    assert "Canal district residents meet" in page


@pytest.mark.parametrize("title", ["Esc \x1b[31m red", "Line one\nline two", "Tab\there"])
def test_new_article_refuses_a_title_check_would_refuse(make_site, run_cli, title: str) -> None:  # type: ignore[no-untyped-def]
    root = make_site({})
    result = run_cli(["new", title, "--section", "Politics"], root)
    assert result.exit_code == 1 and not result.traceback, result.stderr
    assert result.stderr.splitlines()[0].startswith("TITLE: the title must be one line")
    assert list((root / "content").iterdir()) == []


@pytest.mark.parametrize("args", [[], ["import"]])
def test_a_command_group_alone_shows_its_help(args: list[str], make_site, run_script) -> None:  # type: ignore[no-untyped-def]
    """`newsgen` alone is click's help, not that help flattened into one error line (click 8.2+ raises it
    as a usage error)."""
    result = run_script(args, make_site({}))
    assert result.stdout.startswith(f"Usage: newsgen {'import ' if args else ''}[OPTIONS] COMMAND") or \
        result.stderr.startswith(f"Usage: newsgen {'import ' if args else ''}[OPTIONS] COMMAND")
    assert "Commands:" in result.stdout + result.stderr
