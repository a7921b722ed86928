"""The pieces of `newsgen build`'s no-change answer (cli.run before click): its reading of the command
line, its paths (what pathlib would make of them), the snapshot's stamps kept as bytes, newsgen's code
stamped into the key, `snapshot.quick`, and what it leaves out of the imports."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
from marshal import dumps as marshal_dumps
from pathlib import Path

import pytest

from newsgen import cli
from newsgen.incremental import snapshot
from newsgen.incremental.outputs import Outputs


@pytest.mark.parametrize("pieces", [
    ("/home/x", "."), ("/home/x", "site"), ("/home/x", "site/"), ("/home/x", "./site/./public"),
    ("/home/x", "a//b", "public"), ("/home/x", "../up", "public"), ("/home/x", "/abs/site", "public"),
    ("/home/x", "//net/share"), ("/home/x", "///three"), ("/", "."), ("/", "public"), ("/home/x/", "", "public"),
    ("/home/x", "a/../b"), ("/home/x", "/"), ("//", "x"), ("/home/x", "dir with space/", "é"),
])
def test_paths_are_what_pathlib_makes_of_them(pieces: tuple[str, ...]) -> None:
    assert cli.path(*pieces) == str(Path(*pieces))


def test_paths_as_the_build_makes_them_from_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for site in (".", "s", "s/", "./s/.", str(tmp_path / "s")):
        assert cli.path(os.getcwd(), site, "public") == str((Path(site) / "public").absolute())
    for out in ("o", "./o/", str(tmp_path / "o"), "../o"):
        given = Path(out)
        assert cli.path(os.getcwd(), out) == str((given if given.is_absolute() else Path.cwd() / given).absolute())


@pytest.mark.parametrize(("args", "options"), [
    (["build"], {}),
    (["build", "-q", "-v", "--drafts", "--future"], {"quiet": "yes", "verbose": "yes", "drafts": "yes", "future": "yes"}),
    (["build", "--site", "s", "--out=o", "-j3", "--base-url", "https://x.example/"],
     {"site": "s", "out": "o", "jobs": "3", "base_url": "https://x.example/"}),
    (["build", "-ss", "-o", "o", "--jobs", "12"], {"site": "s", "out": "o", "jobs": "12"}),
    (["build", "-s=x"], {"site": "=x"}),  # (click reads it so too)
])
def test_plain_command_lines(args: list[str], options: dict[str, str]) -> None:
    assert cli.plain_build(args) == options


@pytest.mark.parametrize("args", [
    [], ["check"], ["--version"], ["build", "--help"], ["build", "-h"], ["build", "-qv"], ["build", "-q", "-q"],
    ["build", "--out", "a", "-o", "b"], ["build", "--out"], ["build", "--out="], ["build", "--out", ""],
    ["build", "--out", "-x"], ["build", "--jobs", "0"], ["build", "-j", "x"], ["build", "-j", "٣"], ["build", "--"],
    ["build", "extra"], ["build", "--drafts=1"], ["build", "--sit", "x"], ["build", "-"], ["build", "--site", "a\0b"],
    ["--site", ".", "build"],
])
def test_anything_else_is_left_to_click(args: list[str]) -> None:
    assert cli.plain_build(args) is None


def test_the_packed_stamps_depend_on_the_values_only() -> None:
    shared = (1_700_000_000_123_456_789, 300)
    a = {"newsgen.yaml": (1, 2), "content/": shared, "content/a.md": shared, "theme:x": (5, 123_456)}
    b = {k: (int(str(v[0])), int(str(v[1]))) for k, v in a.items()}  # equal values, no object shared
    holders = [a[k] for k in a]  # (objects held elsewhere too: marshal's newer formats would say so)
    assert snapshot.pack(a) == snapshot.pack(b) and holders
    assert snapshot.pack(a) != snapshot.pack({**a, "content/a.md": (shared[0] + 1, 300)})
    assert snapshot.pack(a) != snapshot.pack(dict(reversed(a.items())))  # the walk's order counts: look closer


def test_a_snapshot_saved_is_loaded_with_its_stamps(tmp_path: Path) -> None:
    stamps = {"newsgen.yaml": (1, 2), "content/": (3, 4), "content/é.md": (5, 6)}
    snapshot.save(tmp_path, tmp_path / "public", snapshot.Snapshot("k", stamps, 7.5, ["a", "b/c"], 3, 4))
    back = snapshot.load(tmp_path, tmp_path / "public")
    assert back is not None
    assert (back.key, back.valid_until, back.outputs, back.articles, back.pages) == ("k", 7.5, ["a", "b/c"], 3, 4)
    assert back.packed == snapshot.pack(stamps) and back.stamps == stamps
    assert snapshot.load(tmp_path, tmp_path / "other") is None
    path = snapshot.file_for(tmp_path, tmp_path / "public")
    assert path == snapshot.file_for(str(tmp_path), f"{tmp_path}/./public/")  # the same folder, spelled otherwise
    data = bytearray(Path(path).read_bytes())
    data[-1] ^= 1
    Path(path).write_bytes(bytes(data))
    assert snapshot.load(tmp_path, tmp_path / "public") is None  # damaged
    # written in parts (head, packed stamps, the output's names) under one checksum: each read back whole
    names = ["a", "b/c", "é/ü.html", "x" * 300, "", "a\nb", "a"]
    snapshot.save(tmp_path, tmp_path / "public", snapshot.Snapshot("k2", stamps, 9.0, names, 5, 6, since=2.5,
                                                                   state="0123abcd"))
    back = snapshot.load(tmp_path, tmp_path / "public")
    assert back is not None and (back.key, back.outputs, back.since, back.stamps) == ("k2", names, 2.5, stamps)
    assert back.state == "0123abcd"  # (the build cache it goes with: State.token)
    # the symlinks met (newsgen build --changed refuses to take one's word), and the names kept as their bytes
    found = snapshot.Inputs(dict(stamps), ["content/link.md"])
    names = sorted(set(names))
    snapshot.save(tmp_path, tmp_path / "public", snapshot.Snapshot("k3", found, 9.0, names, 5, 6))
    back = snapshot.load(tmp_path, tmp_path / "public")
    assert back is not None and back.links == ["content/link.md"] and back.count == len(names)
    assert snapshot.names(set(names), back, same=True) == back.saved_names() == marshal.dumps(names, 2)
    snapshot.save(tmp_path, tmp_path / "public", back)  # (saved again as loaded: the same bytes, undecoded)
    again = snapshot.load(tmp_path, tmp_path / "public")
    assert again is not None and again.outputs == names and again.links == back.links
    whole = Path(path).read_bytes()
    for cut in (len(whole) - 1, 9, 4, 0):
        Path(path).write_bytes(whole[:cut])
        assert snapshot.load(tmp_path, tmp_path / "public") is None  # cut short
    import zlib

    older = marshal.dumps((5, "k", snapshot.pack(stamps), 7.5, ["a"], 3, 4, 0.0))  # format 5: one tuple
    Path(path).write_bytes(zlib.crc32(older).to_bytes(4, "big") + older)
    assert snapshot.load(tmp_path, tmp_path / "public") is None  # an older newsgen's: no fast path, no crash
    snapshot.forget(tmp_path, tmp_path / "public")
    assert not os.path.exists(path)


def test_the_snapshot_is_written_slice_by_slice_as_the_bytes_of_the_whole(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """save writes the stamps and the names a slice at a time: joined, the slices are marshal's bytes of
    the whole (what pack gives, and what loading reads), for any values."""
    from newsgen.incremental import stampdiff

    monkeypatch.setattr(snapshot, "SLICE", 7)  # (the names' slices)
    monkeypatch.setattr(stampdiff, "SLICE", 7)  # (the stamps')
    for n in (0, 1, 7, 8, 50):
        stamps = {f"content/{i}é/{'x' * (i % 3)}.md": (1_733_000_000_123_456_789 * (i + 1), i) for i in range(n)}
        names = [f"{i}/ü{'y' * (i % 5)}.html" for i in range(n)] + ["", "a\nb"]
        snap = snapshot.Snapshot("k", stamps, 1.0, names, n, n)
        assert b"".join(snapshot._packed_parts(snap)) == snapshot.pack(stamps) == marshal.dumps(stamps, 0)
        assert b"".join(snapshot._names_parts(names)) == marshal.dumps(names, 2)
        snapshot.save(tmp_path, tmp_path / "public", snap)
        back = snapshot.load(tmp_path, tmp_path / "public")
        assert back is not None and back.stamps == stamps and back.outputs == names


def test_the_head_alone_is_read_without_the_stamps_and_names(tmp_path: Path) -> None:
    """load(whole=False): what a plain build that a watcher answers compares (cli._watcher_said)."""
    stamps = {"newsgen.yaml": (1, 2), "content/": (3, 4)}
    (tmp_path / "public").mkdir()
    (tmp_path / "public/.newsgen-output").write_text("a\nb/c\n")  # (its identity is saved: `manifest`)
    snapshot.save(tmp_path, tmp_path / "public", snapshot.Snapshot("k", stamps, 7.5, ["a", "b/c"], 3, 4, since=2.5))
    head, whole = (snapshot.load(tmp_path, tmp_path / "public", whole=w) for w in (False, True))
    assert head is not None and whole is not None and whole.manifest is not None
    assert (head.key, head.valid_until, head.since, head.manifest, head.articles, head.pages) == (
        "k", 7.5, 2.5, whole.manifest, 3, 4)
    assert head.stamps == {} and head.outputs == [] and snapshot.in_time(head, 5.0)
    path = Path(snapshot.file_for(tmp_path, tmp_path / "public"))
    data = bytearray(path.read_bytes())
    data[6] ^= 1  # (in the stamps: the whole file's checksum fails, the head is as it was)
    path.write_bytes(bytes(data))
    assert snapshot.load(tmp_path, tmp_path / "public") is None
    assert snapshot.load(tmp_path, tmp_path / "public", whole=False) is not None
    path.write_bytes(b"garbage")
    assert snapshot.load(tmp_path, tmp_path / "public", whole=False) is None


def test_a_build_saves_the_bytes_its_no_change_check_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamps' bytes made to compare with the last snapshot are the ones saved (at a million inputs,
    ~0.4 s of marshal not done twice): the same bytes, the same stamps read back."""
    stamps = {f"content/{i}.md": (1_733_000_000_000_000_000 + i, i) for i in range(20)}
    found = snapshot.Inputs(stamps)
    last = snapshot.Snapshot("k", {"content/0.md": (1, 1)}, 1e12, [], 1, 1)
    assert not snapshot.up_to_date(last, "k", found, 1.0, Outputs(tmp_path / "public", ()))
    assert found.packed == snapshot.pack(stamps)
    snap = snapshot.Snapshot("k", found, 1.0, ["index.html"], 20, 1)
    monkeypatch.setattr(snapshot, "pack", lambda stamps: pytest.fail("packed again"))
    monkeypatch.setattr(snapshot.marshal, "dumps", lambda *a: pytest.fail("packed again") if isinstance(a[0], dict)
                        else marshal_dumps(*a))
    snapshot.save(tmp_path, tmp_path / "public", snap)
    monkeypatch.undo()
    back = snapshot.load(tmp_path, tmp_path / "public")
    assert back is not None and back.stamps == stamps and back.packed == found.packed


def test_the_cache_folder_is_the_caches() -> None:
    from newsgen.incremental import cache

    assert snapshot.CACHE_DIR == cache.CACHE_DIR


def test_newsgens_code_is_in_the_key_by_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "newsgen"
    for rel in ("__init__.py", "build.py", "render/pages.py", "__pycache__/build.cpython-311.pyc", "theme/x.html",
                "scaffold/y.py"):
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(snapshot, "PACKAGE", str(package))
    before = snapshot.key(tmp_path / "public", False, False, False, None)
    assert "render/pages.py:" in before and "__pycache__" not in before and "x.html" not in before
    (package / "__pycache__/build.cpython-311.pyc").write_text("other bytecode", encoding="utf-8")
    (package / "scaffold/y.py").write_text("y = 2\n", encoding="utf-8")
    assert snapshot.key(tmp_path / "public", False, False, False, None) == before
    st = os.stat(package / "render/pages.py")
    os.utime(package / "render/pages.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert snapshot.key(tmp_path / "public", False, False, False, None) != before
    (package / "new.py").write_text("", encoding="utf-8")
    assert "new.py:" in snapshot.key(tmp_path / "public", False, False, False, None)


def _site(tmp_path: Path, outputs: int) -> tuple[Path, Path, list[str]]:
    root, out = tmp_path / "site", tmp_path / "site/public"
    for rel in ("newsgen.yaml", "content/politics/a.md", "content/politics/b.md", "static/x.css"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    left = [f"p{i}/index.html" for i in range(outputs)]
    for rel in left:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x", encoding="utf-8")
    (out / ".newsgen-output").write_text("newsgen\n", encoding="utf-8")  # the manifest a build writes
    return root, out, left


@pytest.mark.parametrize("outputs", [3, Outputs.ASIDE_MIN])  # checked here, and aside
def test_quick_says_what_build_would(tmp_path: Path, outputs: int) -> None:
    root, out, left = _site(tmp_path, outputs)
    key = snapshot.key(out, False, False, False, None)
    now = time.time()
    assert snapshot.quick(str(root), str(out), key, now) is None  # no snapshot yet
    snapshot.save(root, out, snapshot.Snapshot(key, snapshot.take(root).stamps, now + 60, left, 2, outputs))
    answer = snapshot.quick(str(root), str(out), key, now)
    assert isinstance(answer, snapshot.Snapshot) and (answer.articles, answer.pages) == (2, outputs)
    assert snapshot.quick(str(root), str(out), key + "x", now) is None  # other options
    assert snapshot.quick(str(root), str(out), key, now + 60) is None  # the clock past the horizon
    (out / left[-1]).unlink()
    assert snapshot.quick(str(root), str(out), key, now) == snapshot.take(root)  # walked: the build goes on with it
    (out / left[-1]).write_text("x", encoding="utf-8")
    (out / ".newsgen-output").unlink()  # the manifest deleted by hand: not an answer either (the build writes it)
    assert snapshot.quick(str(root), str(out), key, now) == snapshot.take(root)
    (out / ".newsgen-output").write_text("newsgen\n", encoding="utf-8")
    (root / "content/politics/c.md").write_text("c", encoding="utf-8")
    walked = snapshot.quick(str(root), str(out), key, now)
    assert isinstance(walked, snapshot.Inputs) and "content/politics/c.md" in walked.stamps
    assert walked == snapshot.take(root)


def _slow() -> bytes:
    time.sleep(10)
    return b"late"


def test_an_aside_not_wanted_is_stopped_not_waited_for() -> None:
    from newsgen.parallel.aside import Aside

    aside = Aside(_slow)
    pid = aside._pid
    started = time.perf_counter()
    aside.cancel()
    assert time.perf_counter() - started < 5
    assert aside.result() is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped


def test_the_build_goes_on_with_what_was_walked_for_its_site_only(tmp_path: Path) -> None:
    program = cli._Program()
    walked = snapshot.Inputs({"newsgen.yaml": (1, 2)})
    program.walked = ("./site/", walked)
    assert program.inputs(Path("other")) is None and program.inputs(Path("site")) is None  # (once)
    program.walked = ("./site/", walked)
    assert program.inputs(Path("site")) is walked


def test_the_answer_imports_neither_click_nor_pathlib_nor_typing() -> None:
    code = ("import sys; before = set(sys.modules); import newsgen.cli, newsgen.incremental.snapshot, newsgen.parallel.aside; "
            "print(' '.join(sorted(set(sys.modules) - before)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert not loaded & {"click", "pathlib", "typing", "dataclasses", "re", "enum", "hashlib", "signal", "datetime",
                         "collections", "newsgen.parallel.executor", "newsgen.parallel.prerender", "newsgen.commands",
                         "newsgen.build"}, sorted(loaded)


def test_the_answer_as_the_program_gives_it_loads_none_of_the_build(tmp_path: Path) -> None:
    """The real program answering "nothing to do" on a built site, to its os._exit: what it imported
    (-X importtime), not what its modules import. (program.done saves frozen's memo only when a build
    loaded frozen: importing it there cost the answer ~25 ms of dataclasses.)"""
    site = tmp_path / "site"
    (site / "content" / "news").mkdir(parents=True)
    (site / "newsgen.yaml").write_text("title: T\nbase_url: https://x.org/\nsections: [News]\n", encoding="utf-8")
    (site / "content" / "news" / "a.md").write_text(
        "---\ntitle: A\ndate: 2025-03-19 10:00\nsection: News\nauthor: Ann\n---\nBody.\n", encoding="utf-8")
    program = [sys.executable, "-X", "importtime", "-c", "from newsgen.cli import run; run()", "build", "-q"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run(program, cwd=site, env=env, capture_output=True, check=True)
    answer = subprocess.run(program, cwd=site, env=env, capture_output=True, text=True, check=True)
    loaded = {line.split("|")[-1].strip() for line in answer.stderr.splitlines() if line.startswith("import time:")}
    assert "newsgen.incremental.snapshot" in loaded  # (the answer, not a build)
    assert not loaded & {"click", "dataclasses", "newsgen.frozen", "newsgen.build", "jinja2", "yaml"}, sorted(loaded)


def test_the_commands_are_still_found_in_cli() -> None:
    from newsgen import commands

    assert cli.main is commands.main and cli.fail is commands.fail
    with pytest.raises(AttributeError):
        cli.no_such_thing  # noqa: B018
    assert not hasattr(cli, "__path__")


def _walk_by_path(path: str, rel: str, stamps: dict[str, tuple[int, int]], links: list[str] | None) -> None:
    """take()'s walk as it was, by whole paths: what the walk by descriptor must find."""
    try:
        st = os.stat(path)
        entries = os.scandir(path)
    except OSError:
        return
    stamps[f"{rel}/"] = (st.st_mtime_ns, st.st_size)
    with entries:
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel != "theme:" else f"theme:{entry.name}"
            try:
                if links is not None and entry.is_symlink():
                    links.append(child)
                if entry.is_dir(follow_symlinks=False):
                    _walk_by_path(entry.path, child, stamps, links)
                else:
                    est = entry.stat()
                    stamps[child] = (est.st_mtime_ns, est.st_size)
            except OSError:
                continue


def test_the_walk_by_descriptor_finds_what_a_walk_by_path_finds(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    for rel in ("newsgen.yaml", "content/politics/2025/a.md", "content/politics/2025/b/index.md",
                "content/politics/2025/b/photo.jpg", "content/x.md", "templates/base.html", "static/css/s.css"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    (elsewhere / "sub").mkdir(parents=True)
    (elsewhere / "sub/f.md").write_text("f", encoding="utf-8")
    (root / "content/politics/linked.md").symlink_to(root / "content/x.md")
    (root / "content/politics/folder").symlink_to(elsewhere)
    (root / "content/politics/broken.md").symlink_to(tmp_path / "nowhere")
    (root / "static/linked").symlink_to(elsewhere / "sub")
    closed = root / "content/closed"
    closed.mkdir()
    (closed / "hidden.md").write_text("h", encoding="utf-8")
    closed.chmod(0o000)
    try:
        stamps: dict[str, tuple[int, int]] = {}
        links: list[str] = []
        for name in snapshot.INPUT_FOLDERS:
            _walk_by_path(f"{root}/{name}", name, stamps, links)
        _walk_by_path(snapshot.THEME, "theme:", stamps, None)
        found = snapshot.take(root)
    finally:
        closed.chmod(0o755)
    assert list(found.stamps.items())[1:] == list(stamps.items())  # (the first: newsgen.yaml)
    assert found.links == links and len(links) == 4
    assert "content/politics/linked.md" in found.stamps and "content/politics/folder/sub/f.md" not in found.stamps


def test_a_whole_way_build_lets_go_of_the_last_stamps(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The last snapshot's stamps (~190 MB at a million inputs) are not held through a build that takes the
    whole way: it compares none of them. The clock that build saw is what it keeps."""
    import newsgen.build as build_module

    released: list[tuple[float, bytes]] = []
    real = snapshot.Snapshot.release

    def spy(self: snapshot.Snapshot) -> float:
        since = real(self)
        released.append((since, self.packed))
        return since

    monkeypatch.setattr(snapshot.Snapshot, "release", spy)
    site = make_site({"content/politics/a.md": make_site.article("Alpha")})
    build_module.build(site, build_module.BuildOptions(jobs=1))
    last = snapshot.load(site, site / "public")
    assert last is not None and last.packed
    (site / "newsgen.yaml").write_text((site / "newsgen.yaml").read_text() + "\n# edited\n")  # the whole way
    build_module.build(site, build_module.BuildOptions(jobs=1))
    assert released == [(last.since, b"")]
