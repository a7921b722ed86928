"""The real `newsgen build` with nothing to do answers before click or any stage is imported (cli.run,
snapshot.quick), and prints what the build's own no-change exit prints; anything that changed, any
other option, an output file removed or the clock past the snapshot's horizon goes past it to the
build, as before; a command line it does not read is click's, with click's messages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = [sys.executable, "-c", "from newsgen.cli import run; run()"]
NOTHING = re.compile(r"(\d+) articles, (\d+) pages: 0 rendered, \2 unchanged, 0 files written, 0 removed in [\d.]+ s\n")


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code, self.stdout = proc.returncode, proc.stdout
        lines = proc.stderr.splitlines(keepends=True)
        self.imported = {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}
        self.stderr = "".join(line for line in lines if not line.startswith("import time:"))

    @property
    def answered_early(self) -> bool:
        """Nothing but the no-change answer ran: neither click nor the build was imported."""
        assert "newsgen.incremental.snapshot" in self.imported, sorted(self.imported)
        return not self.imported & {"click", "newsgen.commands", "newsgen.build"}


def program(args: list[str], cwd: Path, command: list[str] = PROGRAM) -> Run:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPROFILEIMPORTTIME": "1"}
    return Run(subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120,
                              check=False))


def built_site(make_site) -> Path:  # type: ignore[no-untyped-def]
    a = make_site.article
    root = make_site({"content/politics/one.md": a("One", date="2024-03-01 09:00", tags=["Flood"]),
                      "content/politics/two.md": a("Two", date="2024-03-02 09:00"),
                      "content/sports/three.md": a("Three", section="Sports", date="2024-03-03 09:00")})
    first = program(["build", "--jobs", "1"], root)
    assert first.code == 0 and not first.answered_early, first.stderr
    return root


def test_nothing_changed_is_answered_before_click_with_the_builds_own_line(make_site) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    early = program(["build"], root)
    assert early.code == 0 and early.stderr == "" and early.answered_early
    # the same line as the build's own no-change exit (a repeated option: click reads it, build() answers)
    late = program(["build", "--jobs", "1", "--jobs", "1"], root)
    assert late.code == 0 and not late.answered_early and late.stderr == ""
    assert NOTHING.fullmatch(early.stdout) and NOTHING.fullmatch(late.stdout)
    assert early.stdout.split(" in ")[0] == late.stdout.split(" in ")[0]
    assert "3 articles" in early.stdout


@pytest.mark.parametrize("args", [["-q"], ["--quiet", "-j", "2"], ["-v"], ["--verbose", "--jobs=1"], ["-j1"],
                                  ["--site", "."], ["-s."], ["--site=./"], ["--out", "public"], ["-o", "./public/"],
                                  ["--out=public"], ["-opublic"], ["--site", "SITE"], ["--out", "SITE/public"],
                                  ["--site", "SITE", "--out", "OUT"]])
def test_each_spelling_of_the_same_build_is_answered_early(make_site, args, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = elsewhere if "--site" in args and "SITE" in args else root
    args = [a.replace("SITE", str(root)).replace("OUT", str(root / "public")) for a in args]
    run = program(["build", *args], cwd)
    assert run.code == 0 and run.stderr == "" and run.answered_early, (run.stderr, sorted(run.imported))
    quiet = "-q" in args or "--quiet" in args
    assert run.stdout == "" if quiet else NOTHING.fullmatch(run.stdout), run.stdout


def test_python_dash_m_newsgen_is_the_program(make_site) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    run = program(["build"], root, command=[sys.executable, "-m", "newsgen"])
    assert run.code == 0 and run.answered_early and NOTHING.fullmatch(run.stdout)


def _edit(root: Path) -> None:
    with open(root / "content/politics/two.md", "a", encoding="utf-8") as f:
        f.write("\nA sentence added.\n")


def _same_bytes_new_mtime(root: Path) -> None:
    st = os.stat(root / "content/politics/two.md")
    os.utime(root / "content/politics/two.md", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _new_article(root: Path) -> None:
    (root / "content/politics/four.md").write_text((root / "content/politics/two.md").read_text(encoding="utf-8")
                                                   .replace('"Two"', '"Four"'), encoding="utf-8")


def _article_removed(root: Path) -> None:
    (root / "content/politics/two.md").unlink()


def _static_file(root: Path) -> None:
    (root / "static").mkdir(exist_ok=True)
    (root / "static/note.txt").write_text("hello\n", encoding="utf-8")


def _template(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/404.html").write_text('{% extends "theme/404.html" %}', encoding="utf-8")


def _config(root: Path) -> None:
    with open(root / "newsgen.yaml", "a", encoding="utf-8") as f:
        f.write("feed_full_content: false\n")


def _output_removed(root: Path) -> None:
    (root / "public/politics/two/index.html").unlink()


def _clock_past_the_horizon(root: Path) -> None:
    from newsgen.incremental import snapshot

    out = root / "public"
    last = snapshot.load(root, out)
    assert last is not None
    last.valid_until = 0.0  # (as if a scheduled article had come due)
    snapshot.save(root, out, last)


@pytest.mark.parametrize("change", [_edit, _same_bytes_new_mtime, _new_article, _article_removed, _static_file,
                                    _template, _config, _output_removed, _clock_past_the_horizon])
def test_anything_changed_goes_past_to_the_build(make_site, change) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    assert program(["build"], root).answered_early
    change(root)
    run = program(["build"], root)
    assert run.code == 0 and not run.answered_early, run.stderr
    if change in (_same_bytes_new_mtime, _clock_past_the_horizon):
        assert NOTHING.fullmatch(run.stdout)  # looked closer: nothing to render
    else:
        assert not NOTHING.fullmatch(run.stdout), run.stdout
    assert (root / "public/politics/one/index.html").is_file()
    assert (root / "public/politics/two/index.html").is_file() == (change is not _article_removed)
    assert program(["build"], root).answered_early  # and the next one is answered early again


@pytest.mark.parametrize("options", [["--drafts"], ["--future"], ["--base-url", "https://other.example/"],
                                    ["--out", "other"]])
def test_other_options_go_past_to_the_build(make_site, options) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    run = program(["build", *options], root)
    assert run.code == 0 and not run.answered_early, run.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--jobs", "0"], "Error: Invalid value for '--jobs' / '-j': 0 is not in the range x>=1."),
    (["-j", "x"], "Error: Invalid value for '--jobs' / '-j': 'x' is not a valid integer range."),
    (["--nope"], "Error: No such option '--nope'."),
    (["--drafts=yes"], "Error: Option '--drafts' does not take a value."),
    (["--out"], "Error: Option '--out' requires an argument."),
    (["extra"], "Error: Got unexpected extra argument (extra)"),
    (["--site", "newsgen.yaml"], "Error: Invalid value for '--site' / '-s': Directory 'newsgen.yaml' is a file."),
])
def test_a_command_line_it_does_not_read_is_clicks(make_site, args, message) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    run = program(["build", *args], root)
    # (click reads it: one line, status 1, as every error; not its usage block and status 2)
    lines = run.stderr.splitlines()
    assert run.code == 1 and len(lines) == 1 and "click" in run.imported, run.stderr
    assert lines[0].endswith(f" build: {message.removeprefix('Error: ')} (see {lines[0].split(' build: ')[0]} build --help)")


def test_help_and_combined_flags_are_clicks(make_site) -> None:  # type: ignore[no-untyped-def]
    root = built_site(make_site)
    helped = program(["build", "--help"], root)
    assert helped.code == 0 and helped.stdout.startswith("Usage: ") and "--base-url" in helped.stdout
    combined = program(["build", "-qv"], root)  # click's: quiet and verbose, the build's no-change exit
    assert combined.code == 0 and not combined.answered_early and combined.stderr == ""


def test_a_build_after_the_answer_found_a_change_does_not_read_or_check_again(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """When `snapshot.quick` walked and found a change, the build goes on with its walk, its snapshot
    and the output check it started: the snapshot is not read a second time, and the pages are the
    same as a build that read everything itself."""
    import time as clock

    from newsgen.build import BuildOptions, build
    from newsgen.incremental import snapshot

    root = built_site(make_site)
    out = root / "public"
    story = root / "content/politics/two.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    key = snapshot.key(out, False, False, False, None)
    walked = snapshot.quick(str(root), str(out), key, clock.time())
    assert isinstance(walked, snapshot.Inputs) and walked.checked is not None
    monkeypatch.setattr(snapshot, "load", lambda *a: pytest.fail("the snapshot was read again"))
    result = build(root, BuildOptions(out=out, jobs=1), inputs=walked)
    assert "politics/two/index.html" in result.changed and "sports/three/index.html" not in result.changed
    assert "One more line." in (out / "politics/two/index.html").read_text(encoding="utf-8")


def _broken_front_matter(root: Path) -> None:
    (root / "content/politics/five.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    (root / "content/politics/six.md").write_text("---\ntitle: Six\n---\nNo section, no date.\n", encoding="utf-8")


def _without_times(text: str) -> str:
    return re.sub(r"[\d.]+ s\b", "N s", text)


@pytest.mark.parametrize("change", [_edit, _new_article, _article_removed, _broken_front_matter])
@pytest.mark.parametrize("options", [[], ["-v"], ["-q"], ["--jobs", "2", "--out", "public"]])
def test_a_plain_build_that_found_a_change_builds_without_click_and_says_what_click_says(
        make_site, change, options) -> None:  # type: ignore[no-untyped-def]
    """After the no-change answer found a change, a plain command line is built without importing click
    (cli._build_now): the same files, the same lines on stdout and stderr and the same exit status as the
    build click runs (a repeated option is click's), errors included."""
    plain, clicked = built_site(make_site), built_site(make_site)
    for root in (plain, clicked):
        change(root)
    direct = program(["build", *options], plain)
    again = options[:2] if options[:1] == ["--jobs"] else options[:1] or ["--jobs", "1", "--jobs", "1"]
    through_click = program(["build", *options, *again], clicked)  # an option repeated: click reads it
    assert "click" not in direct.imported and "newsgen.build" in direct.imported, direct.stderr
    assert "click" in through_click.imported
    assert direct.code == through_click.code == (1 if change is _broken_front_matter else 0)
    assert _without_times(direct.stdout) == _without_times(through_click.stdout), (direct.stdout, through_click.stdout)
    assert direct.stderr.replace(str(plain), "SITE") == through_click.stderr.replace(str(clicked), "SITE")
    if direct.code == 0:
        assert _tree(plain / "public") == _tree(clicked / "public")


def _tree(out: Path) -> dict[str, bytes]:
    """The pages (an empty feed says when it was built)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def test_a_build_without_an_error_stream_still_builds(make_site) -> None:  # type: ignore[no-untyped-def]
    """Python has no sys.stderr when the program is started without one (`pythonw`, some service
    managers): whether to show a progress bar is asked of a stream that is not there; the build goes on."""
    root = built_site(make_site)
    _edit(root)
    done = subprocess.run([sys.executable, "-c", "import sys; sys.stderr = None; from newsgen.cli import run; run()",
                           "build"], cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and " 0 rendered" not in done.stdout, (done.stdout, done.stderr)
    assert "A sentence added." in (root / "public/politics/two/index.html").read_text(encoding="utf-8")
