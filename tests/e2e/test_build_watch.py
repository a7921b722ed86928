"""`newsgen build --watch`: the first build, then a build of each batch of saved files (told what changed,
as --changed is), and a plain build when idle that finds what the watcher cannot see (an output file
deleted by hand). The real program, its real watcher (inotify), the real clock; each output compared with a
build from nothing."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import console_script
from tests.e2e.newsroom import assert_same, newsroom_files, output_of

from newsgen import watchbuild


class Running:
    """`newsgen build --watch` in a process of its own, its lines collected as they come."""

    def __init__(self, root: Path, *args: str) -> None:
        self.proc = subprocess.Popen([*console_script(), "build", "--watch", *args], cwd=root, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, ls=lines: ls.extend(iter(s.readline, "")), daemon=True).start()

    def wait_for(self, what: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not what():
            assert self.proc.poll() is None, "".join(self.err)
            assert time.monotonic() < deadline, f"waited {timeout} s; it said:\n{''.join(self.out + self.err)}"
            time.sleep(0.05)

    def said(self, text: str) -> Callable[[], bool]:
        return lambda: any(text in line for line in self.out + self.err)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)


@pytest.fixture
def site(make_site, png) -> Path:  # type: ignore[no-untyped-def]
    return make_site(newsroom_files(png), extra_config="shared_latest_news: false\n")


def _page(root: Path, rel: str) -> str:
    path = root / "public" / rel
    return path.read_text("utf-8") if path.is_file() else ""


def _same_as_a_build_from_nothing(root: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    subprocess.run([*console_script(), "build", "-q", "-j", "1", "--out", str(fresh)], cwd=root, check=True,
                   timeout=120)
    assert_same(output_of(root / "public"), output_of(fresh))


def test_each_save_is_built_until_ctrl_c(site: Path, tmp_path: Path) -> None:
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        assert (site / "public/index.html").is_file()
        story = site / "content/politics/story-12.md"
        story.write_text(story.read_text("utf-8") + "\nA paragraph the desk added.\n", encoding="utf-8")
        watching.wait_for(watching.said("content/politics/story-12.md changed: "))
        assert "A paragraph the desk added." in _page(site, "politics/story-number-12/index.html")
        # a new story, then a mistake in it: the output stays as the last good build left it, the error is one line
        new = site / "content/politics/a-new-story.md"
        new.write_text(story.read_text("utf-8").replace("Story number 12", "A new story"), encoding="utf-8")
        watching.wait_for(watching.said("content/politics/a-new-story.md changed: "))
        assert (site / "public/politics/a-new-story/index.html").is_file()
        before = output_of(site / "public")
        new.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
        watching.wait_for(watching.said("the build failed; the output is as the last good build left it"))
        assert any(line.startswith("content/politics/a-new-story.md:") for line in watching.err), watching.err
        assert output_of(site / "public") == before
        new.unlink()
        watching.wait_for(watching.said(" 3 removed in "))  # (its page, and its author's and tag's)
        assert not (site / "public/politics/a-new-story").exists()
    finally:
        status = watching.stop()
    assert status == 0, "".join(watching.err)
    assert watching.out[-1].rstrip().endswith(" stopped")
    assert not [line for line in watching.err if "Traceback" in line]
    _same_as_a_build_from_nothing(site, tmp_path)


def test_an_output_file_deleted_by_hand_is_written_again_by_the_check_when_idle(site: Path, tmp_path: Path) -> None:
    loop = watchbuild.WatchBuild(site, site / "public", program=console_script())
    try:
        loop.start()
        assert loop.verify_every >= watchbuild.VERIFY_EVERY  # (at the least; longer after a long build)
        (site / "public/feed.xml").unlink()
        loop.verify_every = 0.5
        deadline = time.monotonic() + 60
        while not (site / "public/feed.xml").is_file() and time.monotonic() < deadline:
            loop.loop(until=time.monotonic() + 0.5)
        assert loop.missed  # (until a check finds nothing to do, a plain build that asks checks every file)
    finally:
        loop.stop()
    assert (site / "public/feed.xml").is_file()
    _same_as_a_build_from_nothing(site, tmp_path)


def test_watch_and_changed_together_is_a_one_line_mistake(site: Path) -> None:
    proc = subprocess.run([*console_script(), "build", "--watch", "--changed", "content/politics/story-12.md"],
                          cwd=site, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "leave out --changed" in proc.stderr


# ---------------------------------------------------------------------------- a plain build asks the watcher


def _build(root: Path, *args: str, env: dict[str, str] | None = None, status: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*console_script(), "build", *args], cwd=root, capture_output=True, text=True, timeout=120,
                          check=False, env=env)
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


ASKED = "asked the running `newsgen build --watch`"


def test_a_plain_build_asks_the_watcher_and_sees_every_save_made_before_it(site: Path, tmp_path: Path) -> None:
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        proc = _build(site, "-v")
        assert proc.stdout.startswith(ASKED) and " 0 rendered, " in proc.stdout
        story = site / "content/politics/story-12.md"
        for n in range(5):  # each save, then the build at once: the watcher has seen it (Watcher.sync)
            story.write_text(story.read_text("utf-8") + f"\nParagraph {n} of the update.\n", encoding="utf-8")
            proc = _build(site, "-v")
            assert proc.stdout.startswith(ASKED), proc.stdout
            assert f"Paragraph {n} of the update." in _page(site, "politics/story-number-12/index.html")
        # what the builds made is what a build from nothing makes, and what a build that checks every file finds
        _same_as_a_build_from_nothing(site, tmp_path)
        itself = _build(site, "-v", env={**os.environ, "NEWSGEN_CHECK_EVERY_FILE": "1"})
        assert ASKED not in itself.stdout and " 0 rendered, " in itself.stdout
        # other options: another build, that checks every file itself
        other = _build(site, "-v", "--drafts", "--out", str(tmp_path / "with-drafts"))
        assert ASKED not in other.stdout
    finally:
        assert watching.stop() == 0


def test_a_watcher_that_cannot_vouch_for_the_output_leaves_the_build_to_check_every_file(site: Path) -> None:
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        # a mistake: the watcher's build failed, so the plain build checks for itself and says what is wrong
        story = site / "content/politics/story-12.md"
        good = story.read_text("utf-8")
        story.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
        failed = _build(site, status=1)
        assert failed.stderr.splitlines()[0].startswith("content/politics/story-12.md:2: ")
        # an output folder emptied by hand: the last build's manifest is gone, so the build looks closely
        story.write_text(good + "\nFixed.\n", encoding="utf-8")
        assert ASKED in _build(site, "-v").stdout
        shutil.rmtree(site / "public")
        proc = _build(site, "-v")
        assert ASKED not in proc.stdout and (site / "public/index.html").is_file()
    finally:
        assert watching.stop() == 0


def test_a_watcher_killed_leaves_its_socket_and_the_build_goes_on_without_it(site: Path) -> None:
    watching = Running(site)
    watching.wait_for(watching.said("watching content/"))
    sockets = list((site / ".newsgen-cache").glob("watch-*.sock"))
    assert len(sockets) == 1 and stat.S_IMODE(sockets[0].stat().st_mode) == 0o600
    watching.proc.kill()
    watching.proc.wait(timeout=30)
    proc = _build(site, "-v")
    assert ASKED not in proc.stdout and " 0 rendered, " in proc.stdout
    again = Running(site)  # (a new watcher takes the place of the one killed)
    try:
        again.wait_for(again.said("watching content/"))
        assert _build(site, "-v").stdout.startswith(ASKED)
    finally:
        assert again.stop() == 0
    assert not list((site / ".newsgen-cache").glob("watch-*.sock"))


def test_a_quiet_watcher_prints_nothing_and_still_answers(site: Path) -> None:
    watching = Running(site, "-q")
    try:
        watching.wait_for(lambda: bool(list((site / ".newsgen-cache").glob("watch-*.sock"))))
        story = site / "content/politics/story-12.md"
        story.write_text(story.read_text("utf-8") + "\nA quiet update.\n", encoding="utf-8")
        proc = _build(site, "-v")  # (asked while its first build may still run: answered after it)
        assert proc.stdout.startswith(ASKED)
        assert "A quiet update." in _page(site, "politics/story-number-12/index.html")
    finally:
        assert watching.stop() == 0
    assert watching.out == [] and watching.err == []


@pytest.mark.parametrize(("lines", "nothing"), [
    (["25 articles, 71 pages: 0 rendered, 71 unchanged, 0 files written, 0 removed in 0.01 s"], True),
    (["time: start 0.01 s", "25 articles, 71 pages: 3 rendered, 68 unchanged, 0 files written, 0 removed in 0.09 s"],
     True),
    (["25 articles, 71 pages: 3 rendered, 68 unchanged, 10 files written, 0 removed in 0.09 s"], False),
    (["25 articles, 71 pages: 0 rendered, 71 unchanged, 0 files written, 1 removed in 0.09 s"], False),
    ([], False),
])
def test_what_a_check_of_every_file_found(lines: list[str], nothing: bool) -> None:
    assert watchbuild.wrote_nothing(lines) is nothing


def _edit(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text("utf-8") + text, encoding="utf-8")


BROKEN = "---\ntitle: [unclosed\n---\nText.\n"


def test_a_failed_build_is_not_forgotten_by_the_next_one(site: Path, tmp_path: Path) -> None:
    """A save whose build failed is built again with the next: a file still broken still fails the plain build
    that asks, and a good edit saved with a broken file is built once the broken one is fixed."""
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        broken = site / "content/politics/story-12.md"
        good = broken.read_text("utf-8")
        broken.write_text(BROKEN, encoding="utf-8")
        watching.wait_for(watching.said("the build failed"))
        _edit(site, "content/sports/story-13.md", "\nA line about the match.\n")
        failed = _build(site, status=1)
        assert failed.stderr.startswith("content/politics/story-12.md:2: "), failed.stderr
        # one batch: a good edit and a broken file; the fix of the broken one builds both
        _edit(site, "content/culture/story-14.md", "\nA line about the lanterns.\n")
        (site / "content/politics/story-15.md").write_text(BROKEN, encoding="utf-8")
        broken.write_text(good, encoding="utf-8")
        _build(site, status=1)
        fixed = site / "content/politics/story-15.md"
        fixed.write_text(good.replace("Story number 12", "Story number 15"), encoding="utf-8")
        assert _build(site, "-v").stdout.startswith(ASKED)
        assert "A line about the lanterns." in _page(site, "culture/story-number-14/index.html")
        assert "A line about the match." in _page(site, "sports/story-number-13/index.html")
    finally:
        assert watching.stop() == 0
    _same_as_a_build_from_nothing(site, tmp_path)


def test_a_build_with_other_options_or_a_watcher_that_cannot_answer_is_not_trusted(site: Path) -> None:
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        drafts = _build(site, "-v", "--drafts")  # (the same output folder, other options: its own build)
        assert ASKED not in drafts.stdout and "Not yet" in _page(site, "politics/not-yet/index.html")
        _build(site, "-q")  # (back to the watcher's options)
        watching.proc.send_signal(signal.SIGSTOP)  # a watcher stopped (Ctrl-Z): the build does not wait for it
        started = time.monotonic()
        itself = _build(site, "-v")
        assert "cannot vouch for the output: it did not answer" in itself.stdout
        assert time.monotonic() - started < 20
    finally:
        watching.proc.send_signal(signal.SIGCONT)
        assert watching.stop() == 0


def test_mistakes_that_would_fail_every_build_end_the_watch_at_once(site: Path, tmp_path: Path) -> None:
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        second = subprocess.run([*console_script(), "build", "--watch"], cwd=site, capture_output=True, text=True,
                                timeout=60, check=False)
        assert second.returncode == 1 and second.stderr.splitlines()[0].endswith(
            "public: another `newsgen build --watch` builds this folder (stop it first, or use another --out)")
    finally:
        assert watching.stop() == 0
    for args, message in ((["--site", str(tmp_path)], "newsgen.yaml: no newsgen.yaml in "),
                          (["--out", "content/x"], "the output folder cannot be inside content/")):
        proc = subprocess.run([*console_script(), "build", "--watch", *args], cwd=site, capture_output=True,
                              text=True, timeout=60, check=False)
        assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_a_symlinked_input_folder_is_checked_by_the_build_itself(site: Path) -> None:
    (site / "content").rename(site / "articles")
    (site / "content").symlink_to("articles")
    watching = Running(site)
    try:
        watching.wait_for(watching.said("watching content/"))
        started = time.monotonic()
        proc = _build(site, "-v")
        assert "cannot vouch for the output" in proc.stdout and " 0 rendered, " in proc.stdout
        assert time.monotonic() - started < 4  # (no wait for an event that never comes)
    finally:
        assert watching.stop() == 0


def test_a_change_of_newsgens_own_theme_is_built_by_a_plain_build(site: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    """The built-in theme is an input the watcher does not watch (it changes with an upgrade, or in a checkout of
    newsgen): a question after it changed is answered by a plain build."""
    loop = watchbuild.WatchBuild(site, site / "public", program=console_script())
    answers: list[tuple[list[str] | None, str]] = []
    try:
        loop.start()
        loop._asked(lambda lines, reason="": answers.append((lines, reason)))
        loop._answer()
        assert answers[-1] == ([], "")  # nothing to build
        monkeypatch.setattr(watchbuild, "_theme", lambda: {"theme:templates/base.html": (1, 1)})
        loop._asked(lambda lines, reason="": answers.append((lines, reason)))
        loop._answer()
        lines, reason = answers[-1]
        assert reason == "" and lines and watchbuild.wrote_nothing(lines)
        assert loop.theme == {"theme:templates/base.html": (1, 1)}
    finally:
        loop.stop()


def test_a_check_that_keeps_failing_waits_longer_each_time(site: Path) -> None:
    """A broken file is not reported every 30 s while nothing is saved: each check that fails again waits twice
    as long; a build that succeeds brings the wait back."""
    story = site / "content/politics/story-12.md"
    good = story.read_text("utf-8")
    story.write_text(BROKEN, encoding="utf-8")
    loop = watchbuild.WatchBuild(site, site / "public", program=console_script())
    try:
        loop.start()
        assert loop.failed and loop.verify_every == watchbuild.VERIFY_EVERY
        loop.verify()
        assert loop.verify_every == 2 * watchbuild.VERIFY_EVERY
        loop.verify()
        assert loop.verify_every == 4 * watchbuild.VERIFY_EVERY
        story.write_text(good, encoding="utf-8")
        assert loop.changed("fixed", ["content/politics/story-12.md"]) is not None
        assert not loop.failed and loop.verify_every == watchbuild.VERIFY_EVERY
    finally:
        loop.stop()
