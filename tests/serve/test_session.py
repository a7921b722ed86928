"""session.py with a stand-in for build(): what is built first, chunks, errors, the publish lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import newsgen.serve.session as session_mod
from newsgen.build import BuildOptions
from newsgen.errors import BuildError, Diagnostic
from newsgen.serve.changes import rebuild_for
from newsgen.serve.clients import Hub, Tab
from newsgen.serve.rwlock import ReadWriteLock
from newsgen.serve.session import Session


@dataclass(frozen=True)
class OptionsWithOnly(BuildOptions):
    only: frozenset[str] | None = None


@dataclass
class FakeResult:
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0
    written: int = 0
    seconds: float = 0.01

    def summary(self) -> str:
        return "fake"


class FakeBuild:
    """Pages p0..pN-1 are stale until built; `only` limits what one call renders."""

    def __init__(self, stale: list[str], fail: BaseException | None = None) -> None:
        self.stale = list(stale)
        self.calls: list[dict[str, Any]] = []
        self.fail = fail

    def __call__(self, root: Path, options: Any, state: Any = None, **kwargs: Any) -> FakeResult:
        self.calls.append({"only": getattr(options, "only", None), "jobs": options.jobs, **kwargs})
        if self.fail is not None:
            raise self.fail
        only = getattr(options, "only", None)
        todo = [p for p in self.stale if only is None or p in only]
        self.stale = [p for p in self.stale if p not in todo]
        lock = kwargs.get("publish_lock")
        if lock is not None:
            with lock:
                pass
        return FakeResult(changed=todo, deferred=list(self.stale), rendered=len(todo), written=len(todo))


@pytest.fixture
def with_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_mod, "BuildOptions", OptionsWithOnly)
    monkeypatch.setattr(session_mod, "_HAS_ONLY", True)


def make(builder: FakeBuild, hub: Hub | None = None, lock: ReadWriteLock | None = None) -> Session:
    return Session(Path("/site"), Path("/out"), hub or Hub(), lock or ReadWriteLock(), builder=builder)


def messages(tab: Tab) -> list[str]:
    out = []
    while (m := tab.next(0)) is not None:
        out.append(m[0])
    return out


def test_first_build_uses_every_core_and_renders_everything() -> None:
    fake = FakeBuild(["index.html"])
    s = make(fake)
    assert s.first() is not None
    assert fake.calls[0]["jobs"] is None
    assert s.ok is True


def test_rebuild_without_tabs_is_one_full_build(with_only: None) -> None:
    fake = FakeBuild([f"p{i}" for i in range(10)])
    s = make(fake)
    s.rebuild(rebuild_for(["content/a.md"]))  # type: ignore[arg-type]
    assert [c["only"] for c in fake.calls] == [None]
    assert fake.calls[0]["jobs"] == 1
    assert s.deferred == []


def test_rebuild_renders_what_the_tabs_show_first_then_the_rest_in_chunks(
        with_only: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_mod, "CHUNK", 4)
    hub = Hub()
    tab = hub.connect("/p7", hub.token)
    messages(tab)
    stale = [f"p{i}" for i in range(10)]
    fake = FakeBuild(stale)
    s = make(fake, hub)
    s.rebuild(rebuild_for(["templates/base.html"]))  # type: ignore[arg-type]
    assert fake.calls[0]["only"] == {"p7"}
    assert messages(tab) == ["reload"]  # the tab reloads after the first, small build
    assert len(s.deferred) == 9
    while s.deferred:
        s.catch_up()
    assert [c["only"] for c in fake.calls[1:]] == [
        {"p0", "p1", "p2", "p3", "p7"}, {"p4", "p5", "p6", "p8", "p7"}, {"p9", "p7"}]
    assert fake.stale == []
    assert messages(tab) == []  # its page did not change again


def test_static_change_needs_no_page_first(with_only: None) -> None:
    hub = Hub()
    hub.connect("/p1", hub.token)
    fake = FakeBuild(["css/site.css"])
    make(fake, hub).rebuild(rebuild_for(["static/css/site.css"]))  # type: ignore[arg-type]
    assert [c["only"] for c in fake.calls] == [None]


def test_build_error_keeps_serving_and_reports(with_only: None, caplog: pytest.LogCaptureFixture) -> None:
    hub = Hub()
    tab = hub.connect("/", hub.token)
    messages(tab)
    diag = Diagnostic("content/a.md", 3, "invalid YAML", "check the quotes")
    fake = FakeBuild(["index.html"], fail=BuildError([diag]))
    s = make(fake, hub)
    s.deferred = ["x"]
    with caplog.at_level("ERROR", logger="newsgen.serve"):
        assert s.rebuild(rebuild_for(["content/a.md"])) is None  # type: ignore[arg-type]
    assert s.ok is False and s.deferred == []
    assert hub.errors == ["content/a.md:3: invalid YAML (check the quotes)"]
    assert messages(tab) == ["errors"]
    assert "content/a.md:3: invalid YAML (check the quotes)" in caplog.messages
    fake.fail = None
    s.rebuild(rebuild_for(["content/a.md"]))  # type: ignore[arg-type]
    assert s.ok is True and hub.errors == []
    assert messages(tab) == ["ok", "reload"]


def test_a_crash_in_build_is_shown_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    hub = Hub()
    fake = FakeBuild([], fail=ZeroDivisionError("boom"))
    s = make(fake, hub)
    with caplog.at_level("ERROR", logger="newsgen.serve"):
        assert s.rebuild(rebuild_for(["content/a.md"])) is None  # type: ignore[arg-type]
    assert s.ok is False
    assert "ZeroDivisionError: boom" in hub.errors[0]


def test_without_publish_lock_support_the_whole_build_holds_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_mod, "_HAS_PUBLISH_LOCK", False)
    lock = ReadWriteLock()
    seen: list[bool] = []

    def builder(root: Path, options: Any, state: Any = None, **kwargs: Any) -> FakeResult:
        assert "publish_lock" not in kwargs
        seen.append(_reader_blocked(lock))
        return FakeResult()

    make(builder, lock=lock).first()  # type: ignore[arg-type]
    assert seen == [True]


def test_with_publish_lock_support_only_publishing_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_mod, "_HAS_PUBLISH_LOCK", True)
    lock = ReadWriteLock()
    seen: list[bool] = []

    def builder(root: Path, options: Any, state: Any = None, **kwargs: Any) -> FakeResult:
        seen.append(_reader_blocked(lock))  # rendering: requests go on
        with kwargs["publish_lock"]:
            seen.append(_reader_blocked(lock))  # publishing: requests wait
        return FakeResult()

    make(builder, lock=lock).first()  # type: ignore[arg-type]
    assert seen == [False, True]


def _reader_blocked(lock: ReadWriteLock) -> bool:
    got = threading.Event()

    def read() -> None:
        with lock.reading():
            got.set()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    blocked = not got.wait(0.2)
    return blocked


def test_verify_rebuilds_what_the_watcher_missed(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("a\n", encoding="utf-8")
    fake = FakeBuild([])
    s = Session(tmp_path, tmp_path / "out", Hub(), ReadWriteLock(), builder=fake)
    s.first()
    assert s.verify() is None  # nothing missed: no build
    assert len(fake.calls) == 1
    (tmp_path / "content/b.md").write_text("b\n", encoding="utf-8")  # no event for it
    assert s.verify() is not None
    assert len(fake.calls) == 2
    assert s.inputs is not None and "content/b.md" in s.inputs.stamps
    assert fake.calls[1]["inputs"] is s.inputs


def test_a_scheduled_story_loses_its_badge_when_due_while_a_tab_shows_it(make_site) -> None:  # type: ignore[no-untyped-def]
    """With a tab open every rebuild renders the pages on screen first (and saves no snapshot): the
    preview must still know when the clock alone changes the site, and rebuild then (QA: the "Scheduled"
    badge stayed for minutes). Real build, real clock."""
    import datetime as dt
    import time

    zone = dt.timezone(dt.timedelta(hours=7))  # (the test site's: Asia/Ho_Chi_Minh)
    far = (dt.datetime.now(zone) + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    a = make_site.article
    root = make_site({"content/politics/budget.md": a("Budget passes", date="2024-03-01 09:00"),
                      "content/politics/vote.md": a("Vote tonight", date=far)})
    hub = Hub()
    s = Session(root, root / "public", hub, ReadWriteLock())
    assert s.first() is not None
    page = root / "public/politics/vote-tonight/index.html"
    assert "badge-scheduled" in page.read_text(encoding="utf-8")
    tab = hub.connect("/politics/vote-tonight/", hub.token)
    soon = dt.datetime.now(zone) + dt.timedelta(seconds=2)
    (root / "content/politics/vote.md").write_text(a("Vote tonight", date=soon.strftime("%Y-%m-%d %H:%M:%S")),
                                                   encoding="utf-8")
    assert s.rebuild(rebuild_for(["content/politics/vote.md"])) is not None  # type: ignore[arg-type]
    while s.deferred:
        s.catch_up()
    assert "badge-scheduled" in page.read_text(encoding="utf-8")
    assert s.verify() is None  # not due yet
    time.sleep(max(0.0, soon.timestamp() - time.time()) + 0.1)
    messages(tab)
    assert s.verify() is not None  # due: the clock changed what the site shows
    assert "badge-scheduled" not in page.read_text(encoding="utf-8")
    assert "reload" in messages(tab)


def test_a_broken_catalog_is_one_line_not_a_traceback(make_site, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    """A site's translation file broken while a tab is open: the page on screen is not rendered early
    (that needs the catalogs), and the terminal shows the build's one-line error, no traceback (QA)."""
    a = make_site.article
    root = make_site({"content/politics/budget.md": a("Budget passes", date="2024-03-01 09:00")})
    hub = Hub()
    s = Session(root, root / "public", hub, ReadWriteLock())
    assert s.first() is not None
    hub.connect("/politics/budget-passes/", hub.token)
    po = root / "templates/locale/en/LC_MESSAGES/site.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Photo: %(credit)s"\nmsgstr "Image: %(nope)s"\n', encoding="utf-8")
    (root / "content/politics/budget.md").write_text(a("Budget passes", date="2024-03-01 09:00", body="Edited.\n"),
                                                     encoding="utf-8")
    caplog.clear()
    with caplog.at_level("INFO", logger="newsgen.serve"):
        assert s.rebuild(rebuild_for(["content/politics/budget.md", "templates/locale/en/LC_MESSAGES/site.po"])) is None  # type: ignore[arg-type]
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(line.startswith("templates/locale/en/LC_MESSAGES/site.po") for line in errors), errors


def test_rebuild_stamps_only_the_reported_paths(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("a\n", encoding="utf-8")
    s = Session(tmp_path, tmp_path / "out", Hub(), ReadWriteLock(), builder=FakeBuild([]))
    s.first()
    walked = s.walked
    (tmp_path / "content/a.md").write_text("edited\n", encoding="utf-8")
    s.rebuild(rebuild_for(["content/a.md"]))  # type: ignore[arg-type]
    assert s.walked == walked and s.inputs is not None and s.inputs.stamps["content/a.md"][1] == 7
    (tmp_path / "content/new").mkdir()
    s.rebuild(rebuild_for(["content/new"]))  # type: ignore[arg-type]
    assert s.walked > walked  # a folder: walked


def test_an_article_saved_while_the_preview_builds_is_built_again_by_itself(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The build read an article, then the editor saved it again before its page was rendered: the build
    stops ("the file changed while the site was being built"), and the preview builds again at once with
    that file stamped again, instead of showing the error until the next save."""
    import newsgen.pages as build_mod

    a = make_site.article
    root = make_site({"content/politics/budget.md": a("Budget passes", date="2024-03-01 09:00"),
                      "content/politics/other.md": a("Other", date="2024-03-02 09:00")})
    story = root / "content/politics/budget.md"
    s = Session(root, root / "public", Hub(), ReadWriteLock())
    assert s.first() is not None
    story.write_text(a("Budget passes after a long night", date="2024-03-01 09:00"), encoding="utf-8")
    planned = build_mod.plan_editions
    saves = [a("Budget passes at dawn, with changes", date="2024-03-01 09:00")]

    def plan_then_save(*args: Any, **kwargs: Any) -> Any:  # the editor saves between parse and render
        if saves:
            story.write_text(saves.pop(), encoding="utf-8")
        return planned(*args, **kwargs)

    monkeypatch.setattr(build_mod, "plan_editions", plan_then_save)
    result = s.rebuild(rebuild_for(["content/politics/budget.md"]))  # type: ignore[arg-type]
    assert result is not None and s.ok is True and s.builds == 3  # the first, the stopped one, again
    assert "Budget passes at dawn, with changes" in (root / "public/politics/budget-passes-at-dawn-with-changes/index.html").read_text(
        encoding="utf-8")


def test_an_article_saved_while_the_preview_parses_it_is_built_again_by_itself(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The same, with the save landing while the file is parsed: the build in memory must not keep the
    text read before the save under the stamp after it (every build again then stopped the same way,
    and the error stayed until the next save)."""
    import newsgen.content.collect as collect

    a = make_site.article
    root = make_site({"content/politics/budget.md": a("Budget passes", date="2024-03-01 09:00")})
    story = root / "content/politics/budget.md"
    s = Session(root, root / "public", Hub(), ReadWriteLock())
    assert s.first() is not None
    real, saves = collect.read_and_parse, [a("Budget passes at dawn, with changes", date="2024-03-01 09:00")]

    def parse_then_save(*args: Any, **kwargs: Any) -> Any:
        parsed = real(*args, **kwargs)
        if saves:
            story.write_text(saves.pop(), encoding="utf-8")
        return parsed

    story.write_text(a("Budget passes after a long night", date="2024-03-01 09:00"), encoding="utf-8")
    monkeypatch.setattr(collect, "read_and_parse", parse_then_save)
    result = s.rebuild(rebuild_for(["content/politics/budget.md"]))  # type: ignore[arg-type]
    assert result is not None and s.ok is True, s.hub.errors
    assert (root / "public/politics/budget-passes-at-dawn-with-changes/index.html").is_file()


def test_a_build_that_keeps_meeting_saves_reports_it_after_a_few_tries(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import newsgen.pages as build_mod

    a = make_site.article
    root = make_site({"content/politics/budget.md": a("Budget passes", date="2024-03-01 09:00")})
    story = root / "content/politics/budget.md"
    s = Session(root, root / "public", Hub(), ReadWriteLock())
    assert s.first() is not None
    planned = build_mod.plan_editions
    count = iter(range(100))

    def plan_then_save(*args: Any, **kwargs: Any) -> Any:  # an editor (or a tool) saving all the time
        story.write_text(a(f"Budget passes, version {next(count)}", date="2024-03-01 09:00"), encoding="utf-8")
        return planned(*args, **kwargs)

    story.write_text(a("Budget passes, first change", date="2024-03-01 09:00"), encoding="utf-8")
    monkeypatch.setattr(build_mod, "plan_editions", plan_then_save)
    assert s.rebuild(rebuild_for(["content/politics/budget.md"])) is None  # type: ignore[arg-type]
    assert s.ok is False and s.builds == 1 + 4
    assert s.hub.errors == ["content/politics/budget.md: the file changed while the site was being built (build again)"]


def test_files_removed_while_a_build_read_them_are_built_again_not_reported(tmp_path: Path) -> None:
    """A `git checkout` that removes articles while the preview builds them: "cannot read file: No such
    file or directory" for each (up to 500 lines) is the same as a file saved meanwhile: build again, quietly.
    One that is still there, or any other error, is reported as before."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "here.md").write_text("x", encoding="utf-8")
    gone = Diagnostic("content/gone.md", None, "cannot read file: No such file or directory")
    rendered = Diagnostic(str(tmp_path / "content" / "gone2.md"), None, "cannot read: No such file or directory")
    here = Diagnostic("content/here.md", None, "cannot read file: No such file or directory")
    other = Diagnostic("content/bad.md", 3, 'unknown section "Sprots"')
    assert session_mod._saved_meanwhile(BuildError([gone, rendered]), tmp_path) == ("content/gone.md",
                                                                                    "content/gone2.md")
    assert session_mod._saved_meanwhile(BuildError([gone, here]), tmp_path) == ()
    assert session_mod._saved_meanwhile(BuildError([gone, other]), tmp_path) == ()
