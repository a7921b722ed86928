"""Every error rule of issue 2 point 9, end to end through the CLI: one `path:line: message (hint)` line
on stderr, exit code 1, no traceback, and the previous output byte-identical."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

GOOD = """---
title: The council votes on the flood barrier
section: Politics
author: Hung Anh
date: 2025-03-19 17:40
tags: [Flood]
---

The lead paragraph.

## A subheading

More text.
"""
BAD = "content/politics/2025/bad.md"
LINE = re.compile(r"^(?P<path>[^:\s]+)(?::(?P<line>\d+))?: (?P<message>.+?)(?: \((?P<hint>.*)\))?$")


@dataclass(frozen=True)
class Rule:
    files: dict[str, str | bytes]  # written after the first, good build
    path: str
    line: int | None
    message: str  # the diagnostic's message starts with this
    hint: str | None = None  # the hint contains this
    mentions: tuple[str, ...] = ()  # ... and the whole line mentions these
    edits: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # file -> (old, new) bytes


def article(front_matter: str, body: str = "Body text.\n") -> str:
    return f"---\n{front_matter.strip()}\n---\n\n{body}"


def config_edit(old: str | bytes, new: str | bytes) -> dict[str, tuple[bytes, bytes]]:
    """An edit of the test site's newsgen.yaml (conftest.DEFAULT_CONFIG), applied after the good build."""
    as_bytes = [x.encode() if isinstance(x, str) else x for x in (old, new)]
    return {"newsgen.yaml": (as_bytes[0], as_bytes[1])}


RULES = {
    "missing-title": Rule(
        {BAD: article("section: Politics\ndate: 2025-03-19 17:40")}, BAD, 1, "missing title", "title:"
    ),
    "missing-section": Rule(
        {BAD: article("title: No section\ndate: 2025-03-19 17:40")}, BAD, 1, "missing section", "section:"
    ),
    "missing-date": Rule({BAD: article("title: No date\nsection: Politics")}, BAD, 1, "missing date", "date:"),
    "unparsable-date": Rule(
        {BAD: article("title: Bad date\nsection: Politics\ndate: next tuesday")},
        BAD,
        4,
        'date: "next tuesday" is not a date',
        "YYYY-MM-DD",
    ),
    "impossible-date": Rule(
        {BAD: article("title: Bad date\nsection: Politics\ndate: 2025-02-30 10:00")},
        BAD,
        4,
        'date: "2025-02-30 10:00" is not a date',
        "YYYY-MM-DD",
    ),
    "unparsable-updated": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-01-01\nupdated: later")},
        BAD,
        5,
        'updated: "later" is not a date',
        "YYYY-MM-DD",
    ),
    "unknown-section": Rule(
        {BAD: article("title: Typo\nsection: Sprots\ndate: 2025-03-19 17:40")},
        BAD,
        3,
        'unknown section "Sprots"',
        'did you mean "Sports"?',
    ),
    "front-matter-not-a-mapping": Rule(
        {BAD: article("- title\n- section")}, BAD, 2, "front matter must be a list of `key: value` lines"
    ),
    "front-matter-a-plain-string": Rule(
        {BAD: article("just a sentence")}, BAD, 2, "front matter must be a list of `key: value` lines"
    ),
    "wrong-type-title": Rule(
        {BAD: article("title: [a, b]\nsection: Politics\ndate: 2025-03-19")}, BAD, 2, "title must be text"
    ),
    "wrong-type-tags": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\ntags: {a: 1}")},
        BAD,
        5,
        "tags must be a list",
    ),
    "wrong-type-draft": Rule(
        {BAD: article('title: T\nsection: Politics\ndate: 2025-03-19\ndraft: "maybe"')},
        BAD,
        5,
        "draft must be true or false",
    ),
    "wrong-type-date": Rule({BAD: article("title: T\nsection: Politics\ndate: [2025]")}, BAD, 4, "date:", "YYYY-MM-DD"),
    "invalid-yaml-in-article": Rule(
        {BAD: article("title: Vote: what next\nsection: Politics\ndate: 2025-03-19")},
        BAD,
        2,
        "invalid YAML",
        "quote",
    ),
    "duplicate-key-in-article": Rule(
        {BAD: article("title: A\nsection: Politics\ntitle: B\ndate: 2025-03-19")},
        BAD,
        4,
        'duplicate key "title"',
    ),
    "invalid-yaml-in-config": Rule(
        {},
        "newsgen.yaml",
        5,
        "invalid YAML",
        "quote",
        edits=config_edit("description: News for tests.", "description: News: for tests."),
    ),
    "unknown-setting-in-config": Rule(
        {},
        "newsgen.yaml",
        12,
        'unknown setting "per_paeg"',
        'did you mean "per_page"?',
        edits=config_edit("per_page: 3", "per_paeg: 3"),
    ),
    "unknown-timezone": Rule(
        {},
        "newsgen.yaml",
        4,
        'unknown timezone "Asia/Ho_Chi_Minn"',
        'did you mean "Asia/Ho_Chi_Minh"?',
        edits=config_edit("Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minn"),
    ),
    "config-not-utf8": Rule(
        {},
        "newsgen.yaml",
        5,
        "file is not UTF-8 text",
        edits=config_edit(b"News for tests.", b"Caf\xe9 news."),
    ),
    "article-not-utf8": Rule(
        {BAD: b"---\ntitle: Caf\xe9 society\nsection: Culture\ndate: 2025-03-19\n---\n\nx\n"},
        BAD,
        2,
        "file is not UTF-8 text",
        "UTF-8",
    ),
    "empty-article": Rule({BAD: b""}, BAD, 1, "article file is empty"),
    "whitespace-only-article": Rule({BAD: "\n  \n"}, BAD, 1, "article file is empty"),
    "no-front-matter": Rule({BAD: "Just some text.\n"}, BAD, 1, "article has no front matter"),
    "unclosed-front-matter": Rule(
        {BAD: "---\ntitle: T\nsection: Politics\ndate: 2025-03-19\n\nBody\n"},
        BAD,
        1,
        "front matter is not closed",
    ),
    "same-url-twice": Rule(
        {"content/politics/2025/zz-copy.md": GOOD},
        "content/politics/2025/zz-copy.md",
        2,
        "publishes to the same URL /politics/the-council-votes-on-the-flood-barrier/",
        "slug",
        ("content/politics/2025/good.md",),
    ),
    "same-url-by-slug": Rule(
        {
            BAD: article(
                "title: Other\nsection: Politics\ndate: 2025-03-19\nslug: the-council-votes-on-the-flood-barrier"
            )
        },
        "content/politics/2025/good.md",
        2,
        "publishes to the same URL",
        None,
        (BAD,),
    ),
    "alias-at-an-article": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\naliases: [/politics/the-council-votes-on-the-flood-barrier/]")},
        BAD,
        5,
        'alias "/politics/the-council-votes-on-the-flood-barrier/" is also the address of content/politics/2025/good.md',
    ),
    "missing-image": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\nimage: nowhere.jpg")},
        BAD,
        5,
        'image "nowhere.jpg" not found: there is no content/politics/2025/nowhere.jpg',
    ),
    "missing-static-image": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\nimage: /images/nowhere.jpg")},
        BAD,
        5,
        'image "/images/nowhere.jpg" not found: there is no static/images/nowhere.jpg',
        "copy the file there",
    ),
    "image-not-an-image": Rule(
        {
            BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\nimage: fake.jpg"),
            "content/politics/2025/fake.jpg": "this is text",
        },
        BAD,
        5,
        '"fake.jpg" is not an image',
    ),
    "escaping-slug": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\nslug: ../../x")},
        BAD,
        5,
        'slug "../../x" may only hold lower-case letters, digits and hyphens',
    ),
    "escaping-image": Rule(
        {BAD: article("title: T\nsection: Politics\ndate: 2025-03-19\nimage: ../../../../../../etc/passwd")},
        BAD,
        5,
        'image "../../../../../../etc/passwd" leads out of content/',
    ),
}


@pytest.fixture
def built(prebuilt, tmp_path, snapshot):  # type: ignore[no-untyped-def]
    """A site with one good article, already built: (root, snapshot of public/)."""
    root = prebuilt("errors-base", {"content/politics/2025/good.md": GOOD}, tmp_path)
    before = snapshot(root / "public")
    assert "politics/the-council-votes-on-the-flood-barrier/index.html" in before
    return root, before


def apply(root: Path, rule: Rule, write_file) -> None:  # type: ignore[no-untyped-def]
    for rel, data in rule.files.items():
        write_file(root, rel, data)
    for rel, (old, new) in rule.edits.items():
        raw = (root / rel).read_bytes()
        assert old in raw, (rel, old)
        (root / rel).write_bytes(raw.replace(old, new))


def check_one_line(result, rule: Rule) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert not result.traceback, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] in ("newsgen: 1 error, nothing was written", "newsgen: 1 error found")  # build, check
    assert len(lines) == 2, result.stderr
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert m["path"] == rule.path, lines[0]
    assert (int(m["line"]) if m["line"] else None) == rule.line, lines[0]
    assert m["message"].startswith(rule.message), lines[0]
    if rule.hint:
        assert m["hint"] and rule.hint in m["hint"], lines[0]
    for text in rule.mentions:
        assert text in lines[0]


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_build_error_rule(rule: Rule, built, run_cli, snapshot, write_file) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    apply(root, rule, write_file)
    result = run_cli(["build", "--jobs", "1"], root)
    check_one_line(result, rule)
    assert result.stdout == ""
    assert snapshot(root / "public") == before


@pytest.mark.parametrize(
    "rule",
    [
        RULES[k]
        for k in (
            "unknown-section",
            "invalid-yaml-in-config",
            "same-url-twice",
            "article-not-utf8",
            "missing-image",
        )
    ],
    ids=["unknown-section", "invalid-yaml-in-config", "same-url-twice", "article-not-utf8", "missing-image"],
)
def test_check_reports_the_same_errors_and_writes_nothing(
    rule: Rule,
    make_site,
    run_cli,
    snapshot,  # type: ignore[no-untyped-def]
    write_file,
) -> None:
    root = make_site({"content/politics/2025/good.md": GOOD})
    apply(root, rule, write_file)
    before = snapshot(root)
    result = run_cli(["check"], root)
    check_one_line(result, rule)
    assert snapshot(root) == before
    assert not (root / "public").exists()


def test_every_error_of_a_run_is_reported(built, run_cli, snapshot, write_file) -> None:  # type: ignore[no-untyped-def]
    root, before = built
    write_file(root, "content/politics/a.md", article("title: A\nsection: Sprots\ndate: 2025-03-19"))
    write_file(root, "content/sports/b.md", article("title: B\nsection: Sports\ndate: someday\ntags: {x: 1}"))
    write_file(root, "content/culture/c.md", b"")
    write_file(root, "content/culture/d.md", article("title: D\nsection: Culture\ndate: 2025-03-19\nimage: no.jpg"))
    write_file(root, "content/culture/e.md", GOOD.replace("Politics", "Culture"))
    write_file(root, "content/culture/f.md", GOOD.replace("Politics", "Culture"))
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] == "newsgen: 6 errors, nothing was written"
    located = [(m["path"], m["line"]) for m in map(LINE.match, lines[:-1])]  # type: ignore[index]
    assert located == [
        ("content/culture/c.md", "1"),
        ("content/culture/d.md", "5"),
        ("content/culture/f.md", "2"),
        ("content/politics/a.md", "3"),
        ("content/sports/b.md", "4"),
        ("content/sports/b.md", "5"),
    ]
    assert snapshot(root / "public") == before


def test_errors_in_a_fresh_site_create_no_output(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/bad.md": article("title: T\nsection: Nope\ndate: 2025-03-19")})
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert not (root / "public").exists()
    assert not (root / ".newsgen-cache").exists()


def test_fixing_the_error_builds_again(built, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    root, _ = built
    write_file(root, BAD, article("title: Fixed later\nsection: Sprots\ndate: 2025-03-19"))
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 1
    write_file(root, BAD, article("title: Fixed later\nsection: Sports\ndate: 2025-03-19"))
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert (root / "public/sports/fixed-later/index.html").is_file()


def test_a_drafts_mistake_does_not_stop_what_is_published(built, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    """A reporter's unfinished draft (`draft: true`) with a mistake (a photo not there yet): `newsgen build`
    publishes the site and shows the draft's problem as a warning, one line; built with the drafts
    (`--drafts`, and newsgen serve), and in `newsgen check`, it is an error. A file whose mistake hides
    whether it is a draft (its YAML does not parse) stops the build as before (QA)."""
    root, _ = built
    draft = "content/politics/2025/draft.md"
    write_file(root, draft, article("title: Unfinished\nsection: Politics\ndate: 2025-03-20\nimage: later.jpg\n"
                                    "draft: true"))
    write_file(root, "content/politics/2025/news.md", article("title: Breaking news\nsection: Politics\ndate: 2025-03-21"))
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0 and not result.traceback, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith(f'warning: {draft}:5: image "later.jpg" not found') and "a draft, not published" in warning
    assert (root / "public/politics/breaking-news/index.html").is_file()
    for command in (["build", "--jobs", "1", "--drafts"], ["check"]):
        failed = run_cli(command, root)
        assert failed.exit_code == 1 and not failed.traceback, (command, failed.stdout)
        assert failed.stderr.startswith(f'{draft}:5: image "later.jpg" not found'), (command, failed.stderr)
    write_file(root, draft, "---\ntitle: [Unfinished\ndraft: true\n---\n\nText.\n")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 1


def test_missing_config(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(["build"], tmp_path)
    assert result.exit_code == 1 and not result.traceback
    assert result.stderr.splitlines()[0].startswith("newsgen.yaml: no newsgen.yaml here")
    assert list(tmp_path.iterdir()) == []


def test_real_console_script_error_has_no_traceback(make_site, run_script, snapshot) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/2025/good.md": GOOD})
    assert run_script(["build", "--jobs", "1"], root).exit_code == 0
    before = snapshot(root / "public")
    (root / BAD).write_text(article("title: Typo\nsection: Sprots\ndate: 2025-03-19 17:40"), encoding="utf-8")
    result = run_script(["build", "--jobs", "1"], root)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f'{BAD}:3: unknown section "Sprots" (did you mean "Sports"?)',
        "newsgen: 1 error, nothing was written",
    ]
    assert snapshot(root / "public") == before


def test_search_without_pagefind_stops_the_build_before_anything_is_written(built, run_cli, snapshot, monkeypatch,
                                                                           write_file) -> None:  # type: ignore[no-untyped-def]
    """`search: true` where Pagefind is not installed: the pages link to the search page, and the index is
    made once they are in place, so the missing program was found only after the site had been
    published (19 files rewritten, the search page added, the cache not saved). It is an error before
    anything is written now, in `newsgen check` too."""
    import sys

    root, before = built
    cache_before = snapshot(root / ".newsgen-cache")
    raw = (root / "newsgen.yaml").read_text(encoding="utf-8")
    write_file(root, "newsgen.yaml", raw + "search: true\n")
    monkeypatch.setitem(sys.modules, "pagefind", None)  # (`import pagefind` fails, as when it is not installed)
    for command in (["build", "--jobs", "1"], ["check"]):
        result = run_cli(command, root)
        check_one_line(result, Rule(files={}, path="newsgen.yaml", line=None,
                                    message="search: true needs Pagefind, which is not installed",
                                    hint="pip install 'pagefind[bin]'"))
    assert snapshot(root / "public") == before
    assert snapshot(root / ".newsgen-cache") == cache_before


def test_a_failed_search_index_says_the_pages_were_published_and_the_next_build_makes_it(
        built, run_cli, monkeypatch, write_file) -> None:  # type: ignore[no-untyped-def]
    """Pagefind reads the pages where they are, so it runs once they are published: when it fails, the
    summary said "nothing was written", and the next build (nothing else changed) kept the old index."""
    import subprocess

    root, _ = built
    write_file(root, "newsgen.yaml", (root / "newsgen.yaml").read_text(encoding="utf-8") + "search: true\n")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert (root / "public" / "pagefind").is_dir()
    edited = (root / "content/politics/2025/good.md").read_text(encoding="utf-8") + "\nOne more line.\n"
    write_file(root, "content/politics/2025/good.md", edited)
    real = subprocess.run

    def failing(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        if "pagefind" in args:
            return subprocess.CompletedProcess(args, 1, "", "Error: out of disk space\n")
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", failing)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert result.stderr.splitlines() == [
        "newsgen.yaml: search indexing failed: Error: out of disk space",
        "newsgen: 1 error, the pages were published without their search index (the next build makes it)"]
    assert "One more line." in (root / "public/politics/the-council-votes-on-the-flood-barrier/index.html").read_text(
        encoding="utf-8")
    assert not (root / "public" / "pagefind").exists()
    monkeypatch.setattr(subprocess, "run", real)
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert (root / "public" / "pagefind" / "pagefind-entry.json").is_file()
