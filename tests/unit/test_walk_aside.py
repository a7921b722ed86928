"""incremental/walkaside.py and outputs.Shared: `newsgen build`'s inputs walked in a forked child while
the program imports the build, then the output checked by that child and this process together. What
they find is what `snapshot.take` and checking each file here find; when the child cannot do its part,
this process does it; the modules imported meanwhile are the build's."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.unit.test_outputs_aside import _tree

from newsgen import startup
from newsgen.incremental import snapshot
from newsgen.incremental.outputs import Outputs
from newsgen.incremental.walkaside import SIZES, walk_aside
from newsgen.parallel.aside import Answers


def _inputs(root: Path, files: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "newsgen.yaml").write_text("title: T\n", encoding="utf-8")
    for i in range(files):
        path = root / ("content" if i % 3 else "static") / f"f{i % 7}" / f"{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(i), encoding="utf-8")
    (root / "static" / "link.css").symlink_to(root / "newsgen.yaml")


def _walk(root: Path):  # type: ignore[no-untyped-def]
    return lambda: (snapshot.pack((found := snapshot.take(root)).stamps), found.links)


def _idle(ready) -> None:  # type: ignore[no-untyped-def]
    while not ready():
        time.sleep(0.001)


def test_the_child_finds_what_a_walk_here_finds(tmp_path: Path) -> None:
    _inputs(tmp_path, 300)
    here = snapshot.take(tmp_path)
    packed = snapshot.pack(here.stamps)
    outputs = Outputs(tmp_path / "public", aside=False)
    assert walk_aside(_walk(tmp_path), packed, outputs, _idle) == (here.links, None)  # the same: no stamps sent
    assert here.links == ["static/link.css"]
    (tmp_path / "content" / "f1" / "new.md").write_text("new", encoding="utf-8")
    os.utime(tmp_path / "static" / "f0" / "0.md", ns=(1, 1))
    walked = walk_aside(_walk(tmp_path), packed, outputs, _idle)
    assert walked is not None and walked[1] is not None
    assert walked[0] == here.links and bytes(walked[1]) == snapshot.pack(snapshot.take(tmp_path).stamps)  # (order too)


def test_what_is_done_meanwhile_stops_when_the_child_has_answered(tmp_path: Path) -> None:
    _inputs(tmp_path, 50)
    asked = []

    def meanwhile(ready) -> None:  # type: ignore[no-untyped-def]
        while not ready():
            asked.append(1)
            time.sleep(0.001)
        asked.append(0)

    assert walk_aside(_walk(tmp_path), b"", Outputs(tmp_path), meanwhile) is not None
    assert asked[-1] == 0


def test_a_failure_meanwhile_stops_the_child(tmp_path: Path) -> None:
    _inputs(tmp_path, 50)

    def meanwhile(ready) -> None:  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    before = _children()
    with pytest.raises(KeyboardInterrupt):
        walk_aside(_walk(tmp_path), b"", Outputs(tmp_path), meanwhile)
    assert _children() == before  # stopped and reaped


def _children() -> set[int]:
    me = str(os.getpid())
    found = set()
    for pid in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        except OSError:
            continue
        if pid.isdigit() and stat[stat.rindex(")") + 2 :].split()[1] == me:
            found.add(int(pid))
    return found


def test_no_child_no_walk_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _inputs(tmp_path, 20)

    def no_fork() -> int:
        raise OSError("no fork here")

    monkeypatch.setattr(os, "fork", no_fork)
    rels = _tree(tmp_path / "out", Outputs.ASIDE_MIN)
    (tmp_path / "out" / rels[5]).unlink()
    outputs = Outputs(tmp_path / "out", rels, aside=False)
    assert walk_aside(_walk(tmp_path), b"", outputs, _idle) is None  # the caller walks
    assert outputs._aside is None  # and the output is checked here, once (review: it was checked twice)
    assert [r for r in rels if not outputs.there(r)] == [rels[5]]


def _shared_job(shared):  # type: ignore[no-untyped-def]
    yield b"walked"
    yield from shared.in_child()


@pytest.mark.parametrize("when", ["at once", "after the child", "child stopped"])
def test_the_output_checked_together_finds_what_checking_each_file_finds(tmp_path: Path, when: str) -> None:
    rels = _tree(tmp_path, Outputs.ASIDE_MIN + 101)
    gone = set(random.Random(7).sample(rels, 40)) | {rels[0], rels[-1], rels[len(rels) // 2]}
    for rel in gone:
        (tmp_path / rel).unlink()
    outputs = Outputs(tmp_path, rels, aside=False)
    shared = outputs.shared()
    assert shared is not None and outputs.shared() is None  # (one)
    child = Answers(_shared_job, shared)
    shared.given(child.next, child.close)
    assert child.next() == b"walked"
    if when == "after the child":  # a build that went on: the child did both halves long before
        time.sleep(0.5)
    elif when == "child stopped":
        child.close()
    assert [r for r in rels if not outputs.there(r)] == [r for r in rels if r in gone]
    assert not outputs.all_there()


def test_small_outputs_are_not_shared(tmp_path: Path) -> None:
    assert Outputs(tmp_path, ["a.html"], aside=False).shared() is None
    assert Outputs(tmp_path, [f"{i}" for i in range(Outputs.ASIDE_MIN)]).shared() is None  # (its own aside)


def _big_site(root: Path, out: Path) -> tuple[str, list[str]]:
    _inputs(root, 1500)
    left = _tree(out, Outputs.ASIDE_MIN)
    (out / ".newsgen-output").write_text("newsgen\n", encoding="utf-8")
    key = snapshot.key(out, False, False, False, None)
    stamps = snapshot.take(root).stamps
    assert len(snapshot.pack(stamps)) in SIZES
    snapshot.save(root, out, snapshot.Snapshot(key, stamps, time.time() + 600, left, 1500, len(left)))
    return key, left


@pytest.mark.parametrize("fork", [True, False])
def test_quick_says_what_build_would_on_a_big_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   fork: bool) -> None:
    root, out = tmp_path / "site", tmp_path / "site" / "public"
    key, left = _big_site(root, out)
    if not fork:
        monkeypatch.setattr(os, "fork", lambda: (_ for _ in ()).throw(OSError("no fork")))
    now = time.time()
    assert isinstance(snapshot.quick(str(root), str(out), key, now, _idle), snapshot.Snapshot)  # nothing to do
    (out / left[1234]).unlink()
    answer = snapshot.quick(str(root), str(out), key, now, _idle)
    assert isinstance(answer, snapshot.Inputs) and answer == snapshot.take(root)  # the build goes on
    assert answer.checked is not None and not answer.checked[2].there(left[1234])
    assert answer.checked[2].there(left[1233])
    (out / left[1234]).write_text("x", encoding="utf-8")
    (root / "content" / "f1" / "1.md").write_text("edited", encoding="utf-8")
    answer = snapshot.quick(str(root), str(out), key, now, _idle)
    assert isinstance(answer, snapshot.Inputs) and answer == snapshot.take(root)
    assert answer.stamps["content/f1/1.md"][1] == len("edited")


def test_the_modules_imported_meanwhile_are_the_builds(make_site) -> None:  # type: ignore[no-untyped-def]
    """Every newsgen module a build that found a change imports is one `startup.warm_up` imports, or one
    those import, or one the no-change answer imports before the walk (`cli`, `walkaside`, `aside`, and
    `watchask`, which looks for a running watcher): none is left to be imported after the walk, in the middle
    of the build."""
    article = "---\ntitle: {}\ndate: 2025-03-19 10:00\nsection: News\nauthor: Ann\n---\nBody.\n"
    root = make_site({"content/news/a.md": article.format("A")},
                     config="title: T\nbase_url: https://x.org/\nsections: [News]\n")
    program = [sys.executable, "-X", "importtime", "-c", "from newsgen.cli import run; run()", "build", "-q"]
    subprocess.run(program, cwd=root, capture_output=True, check=True)
    (root / "content" / "news" / "b.md").write_text(article.format("B"), encoding="utf-8")
    built = subprocess.run(program, cwd=root, capture_output=True, text=True, check=True)
    loaded = {line.split("|")[-1].strip() for line in built.stderr.splitlines() if line.startswith("import time:")}
    code = ("import sys; import newsgen.cli, newsgen.incremental.walkaside, newsgen.parallel.aside, newsgen.watchask; "
            "import newsgen.startup as s; [__import__(m) for m in s.BUILD_MODULES]; print(' '.join(sys.modules))")
    warmed = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert "newsgen.render.pages" in loaded
    assert {m for m in loaded if m.startswith("newsgen")} <= warmed
    assert set(startup.BUILD_MODULES) <= warmed


def test_a_site_too_small_or_too_big_is_walked_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, out = tmp_path / "site", tmp_path / "site" / "public"
    key, left = _big_site(root, out)
    called = []
    monkeypatch.setattr("newsgen.incremental.walkaside.SIZES", range(0))

    def meanwhile(ready) -> None:  # type: ignore[no-untyped-def]
        called.append(ready)

    assert isinstance(snapshot.quick(str(root), str(out), key, time.time(), meanwhile), snapshot.Snapshot)
    (root / "content" / "f1" / "1.md").write_text("edited", encoding="utf-8")
    assert snapshot.quick(str(root), str(out), key, time.time(), meanwhile) == snapshot.take(root)
    assert called == []
