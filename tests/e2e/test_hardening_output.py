"""Issue 19, items 2, 3 and 9: newsgen removes only what it wrote, an interrupted build leaves nothing that
the next build does not clean, and two builds never write one output folder at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import console_script

from newsgen.incremental import snapshot
from newsgen.incremental.walkaside import SIZES
from newsgen.output import MARKER, STAGING, unfinished
from newsgen.output_guard import locked

SECTIONS = ("Politics", "Sports", "Culture")


def _many(make_site, count: int):  # type: ignore[no-untyped-def]
    body = "\n\n".join(f"Paragraph {i} of a story, with words enough to take a moment to render." for i in range(12))
    files = {f"content/{SECTIONS[i % 3].lower()}/2024/story-{i}.md":
             make_site.article(f"Story number {i}", section=SECTIONS[i % 3], date=f"2024-01-{1 + i % 28:02d} 10:00",
                               tags=[f"tag{i % 7}"], body=body + "\n")
             for i in range(count)}
    return make_site(files)


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _script() -> list[str]:
    return [sys.executable, "-c", "from newsgen.cli import run; run()"]


def test_a_killed_build_leaves_nothing_the_next_build_does_not_clean(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """kill -9 at several moments of a cold build and of a rebuild; the next build's output is byte for byte a
    clean build's, with no temporary file anywhere in it."""
    root = _many(make_site, 250)
    reference = tmp_path / "reference"
    subprocess.run([*_script(), "build", "--out", str(reference), "--jobs", "2"], cwd=root, check=True,
                   capture_output=True)
    clean = _tree(reference)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    caught_writing = 0
    for step, delay in enumerate((0.05, 0.3, 0.15)):
        if step == 2:  # the output removed, the cache kept: pages are written in place, then killed
            subprocess.run(["rm", "-rf", str(root / "public")], check=True)
        proc = subprocess.Popen([*_script(), "build", "--jobs", "2"], cwd=root, env=env,  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while not _writing(root, proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until the build holds the output's lock: it is about to write
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers
        proc.wait()
        if (root / "public" / STAGING).exists() or unfinished(root / "public"):
            caught_writing += 1
        if step == 1:
            (root / ".newsgen-cache").exists() and subprocess.run(["rm", "-rf", str(root / ".newsgen-cache")],
                                                                   check=True)
        done = subprocess.run([*_script(), "build", "--jobs", "2"], cwd=root, capture_output=True, text=True,
                              env=env, check=False)
        assert done.returncode == 0, done.stderr
        out = _tree(root / "public")
        assert not [rel for rel in out if rel.endswith(".newsgen-tmp") or rel.startswith(STAGING)]
        assert not (root / "public" / STAGING).exists()  # not even an empty staging folder is published
        out.pop(MARKER)
        assert out == {k: v for k, v in clean.items() if k != MARKER}, delay
        # the next build is touched with content changes to be interrupted mid-way again
        victim = root / "content/politics/2024/story-0.md"
        victim.write_text(victim.read_text(encoding="utf-8") + f"\nOne more line {delay}.\n", encoding="utf-8")
        subprocess.run([*_script(), "build", "--out", str(reference), "--jobs", "2"], cwd=root, check=True,
                       capture_output=True)
        clean = _tree(reference)
    assert caught_writing, "no kill landed while the build was writing: the test proves nothing"


def test_two_builds_at_once_one_is_refused_with_a_clear_line(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    before = _tree(root / "public")
    (root / "content/politics/a.md").write_text(make_site.article("A", body="Changed.\n"), encoding="utf-8")
    with locked(root, (root / "public").absolute()):  # as another build would hold it
        result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1 and not result.traceback
    assert f"another build is writing this folder (pid {os.getpid()})" in result.stderr
    assert _tree(root / "public") == before
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0  # released


def test_two_real_builds_at_once_never_crash(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The issue's repro: an output but no cache, two builds started together. Each either succeeds or is
    refused with the lock's line; never a traceback; the output ends complete."""
    root = _many(make_site, 150)
    subprocess.run([*_script(), "build", "--jobs", "1"], cwd=root, check=True, capture_output=True)
    reference = _tree(root / "public")
    for _ in range(2):
        subprocess.run(["rm", "-rf", str(root / ".newsgen-cache")], check=True)
        procs = [subprocess.Popen([*_script(), "build", "--jobs", "1"], cwd=root, stdout=subprocess.PIPE,  # noqa: S603
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in procs]
        for code, err in results:
            assert "Traceback" not in err, err
            assert code == 0 or "another build is writing" in err, err
        assert any(code == 0 for code, _ in results)
        assert _tree(root / "public") == reference


def _writing(root: Path, pid: int) -> bool:
    return any(lock.read_text().strip() == str(pid) for lock in (root / ".newsgen-cache").glob("output-*.pid"))


def test_sigterm_and_ctrl_c_stop_a_build_cleanly(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 19 item 8: SIGTERM is handled like Ctrl-C; an interrupted build exits non-zero without a
    traceback, leaves no temporary file and no worker, and the previous output as it was."""
    import multiprocessing  # noqa: F401 - (its children would be listed by the process table below)

    root = _many(make_site, 250)
    subprocess.run([*_script(), "build", "--jobs", "2"], cwd=root, check=True, capture_output=True)
    before = _tree(root / "public")
    for path in (root / "content/politics/2024").glob("story-*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("Paragraph 1 ", "Paragraph one "), encoding="utf-8")
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 1)):
        subprocess.run(["rm", "-rf", str(root / ".newsgen-cache")], check=True)  # a long build: every page
        # (Ctrl-C as a terminal gives it: a test run started in the background, `pytest &`, has SIGINT
        # ignored, and an ignored signal stays ignored through exec)
        proc = subprocess.Popen([*_script(), "build", "--jobs", "2"], cwd=root, stdout=subprocess.PIPE,  # noqa: S603
                                stderr=subprocess.PIPE, text=True, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
        deadline = time.monotonic() + 30
        while not _writing(root, proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until the build holds the output's lock: it is writing
        assert proc.poll() is None, "the build ended before it could be interrupted"
        os.killpg(proc.pid, sig) if sig == signal.SIGINT else os.kill(proc.pid, sig)  # Ctrl-C: the whole group
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == code, (sig, proc.returncode, err)
        assert "Traceback" not in err + out
        assert _tree(root / "public") == before
        assert not (root / "public" / STAGING).exists()
        leftover = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert leftover == [], leftover  # no worker of the build's session still running


_STOPPED_IN_A_CLASS = """
import os, signal, sys
import newsgen.commands
from newsgen.cli import run

class Field:
    def __set_name__(self, owner, name):  # as a dataclass field is named while its class is made
        os.kill(os.getpid(), signal.SIG{0})
        for _ in range(100_000):  # the handler runs between two of these steps
            pass

def main(obj):
    class Inputs:  # Python 3.11 turns what __set_name__ raises into RuntimeError
        field = Field()

newsgen.commands.main = main
sys.argv = ["newsgen", "version"]
run()
"""


def test_a_stop_that_comes_while_a_module_is_being_imported_is_still_a_clean_stop(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A signal that arrives while a class is created (a module imported late in the build) reaches the
    program as a RuntimeError on Python 3.11; it is still reported as the stop it is, without a traceback."""
    for name, code, says in (("TERM", 143, "stopped (SIGTERM)"), ("INT", 1, "Aborted!")):
        done = subprocess.run([sys.executable, "-c", _STOPPED_IN_A_CLASS.format(name)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
        assert done.returncode == code, (name, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert says in done.stderr


_STOPPED_IN = """
import os, signal, sys
from {package} import {name}

def stop(*args, **kwargs):  # Ctrl-C in the middle of it
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(100_000):
        pass

{name}.{function} = stop
sys.argv = ["newsgen", "build"]
from newsgen.cli import run
run()
"""
_STOPPED_IN_THE_ANSWER = _STOPPED_IN.format(package="newsgen.incremental", name="snapshot", function="quick")  # (the walk)


def test_ctrl_c_during_the_no_change_answer_is_a_clean_stop(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/one.md": make_site.article("One")})
    done = subprocess.run([sys.executable, "-c", _STOPPED_IN_THE_ANSWER], cwd=root, capture_output=True, text=True,
                          timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    assert done.returncode == 1 and done.stderr == "\nAborted!\n", done.stderr


def test_ctrl_c_while_the_build_is_imported_is_a_clean_stop(make_site) -> None:  # type: ignore[no-untyped-def]
    """A site whose inputs a child walks (incremental/walkaside.py): the child is stopped with the program."""
    root = make_site({"content/politics/one.md": make_site.article("One")} | {
        f"static/s{i % 5}/file-{i}.txt": str(i) for i in range(1200)})
    subprocess.run([*console_script(), "build", "-q"], cwd=root, check=True, timeout=120)
    last = snapshot.load(root, root / "public")
    assert last is not None and len(last.packed) in SIZES
    (root / "content/politics/two.md").write_text(make_site.article("Two"), encoding="utf-8")
    script = _STOPPED_IN.format(package="newsgen", name="startup", function="warm_up")  # (a child walks meanwhile)
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                          text=True, timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    assert done.returncode == 1 and done.stderr == "\nAborted!\n", done.stderr


def test_a_file_the_user_keeps_in_the_output_is_never_replaced_nor_removed(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """public/CNAME, put there by hand (not in .newsgen-output): a static/CNAME added later was copied over
    it, and when that static file went, the next build removed public/CNAME as its own. Now the build
    that would replace it stops, with one line naming it, and writes nothing."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    cname = root / "public" / "CNAME"
    cname.write_text("news.example.org\n", encoding="utf-8")
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "CNAME").write_text("other.example.org\n", encoding="utf-8")
    before = _tree(root / "public")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{cname}: is not newsgen's (not in .newsgen-output), and this build would replace it (to publish it with "
        "the site, move it into static/; else remove it)", "newsgen: 1 error, nothing was written"]
    assert _tree(root / "public") == before
    (root / "static" / "CNAME").unlink()
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    assert cname.read_text(encoding="utf-8") == "news.example.org\n"
    (root / "content/politics/b.md").write_text(make_site.article("B"), encoding="utf-8")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0  # (another build: still there)
    assert cname.read_text(encoding="utf-8") == "news.example.org\n"


def test_a_first_build_into_a_gh_pages_checkout_publishes_the_site_s_own_cname(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A gh-pages worktree (.git and CNAME only) is a folder newsgen may build into, and the site's
    static/CNAME goes there: the check of files newsgen did not write needs a manifest that says which
    ones it did (review: this first build was refused)."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    out = root / "public"
    (out / ".git").mkdir(parents=True)
    (out / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert (out / "CNAME").read_text(encoding="utf-8") == "news.example.org\n" and (out / ".git").is_dir()


def test_a_finished_build_leaves_no_note_of_its_lock(make_site, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The note naming the build that holds an output folder's lock (for "another build is writing this
    folder (pid N)") stayed after it: newsgen serve, with a new output folder each session, piled them up."""
    root = make_site({"content/politics/a.md": make_site.article("A")})
    for out in ("public", "other"):
        assert run_cli(["build", "--jobs", "1", "--out", str(root / out)], root).exit_code == 0
    assert sorted(p.name for p in (root / ".newsgen-cache").glob("output-*.pid")) == []
