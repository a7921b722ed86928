"""`newsgen serve` as a user runs it: the real console script in a subprocess."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest


def console_script() -> list[str]:
    found = shutil.which("newsgen", path=str(Path(sys.executable).parent)) or shutil.which("newsgen")
    return [found] if found else [sys.executable, "-m", "newsgen.cli"]

STARTUP = 60.0


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*console_script(), "serve", *args], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_url(proc: subprocess.Popen[str]) -> tuple[str, list[str]]:
    """Read stdout until the "serving http://..." line; returns the URL and the lines so far."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"serving (http://\S+)", line)
        if found:
            return found.group(1), lines
    raise AssertionError(f"no address printed: {lines}")


def tempfile_folders() -> list[Path]:
    """Preview output folders: in /dev/shm when it has room, else in the temporary folder."""
    return [p for base in (Path(tempfile.gettempdir()), Path("/dev/shm")) for p in base.glob("newsgen-serve-*")]


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> tuple[int, str, str]:
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err


@pytest.fixture
def site(make_site: Any) -> Path:
    return make_site({"content/politics/a.md": make_site.article("Hello serve")})


def test_serve_then_ctrl_c(site: Path) -> None:
    proc = start(site, "--port", "0")
    try:
        url, _ = wait_for_url(proc)
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "politics/hello-serve/") as resp:  # noqa: S310 - local
            assert b"Hello serve" in resp.read()
    finally:
        code, out, err = stop(proc)
    assert code == 0
    assert "Traceback" not in out + err
    assert out.rstrip().endswith("stopped")
    assert not (site / "public").exists()


def test_sigterm_stops_cleanly_too(site: Path) -> None:
    proc = start(site, "--port", "0")
    wait_for_url(proc)
    code, out, err = stop(proc, signal.SIGTERM)
    assert code == 0 and "Traceback" not in out + err


def test_the_next_serve_removes_the_folder_of_one_killed_with_sigkill(site: Path, tmp_path: Path) -> None:
    """kill -9 leaves the output folder (nothing can run then); the next `newsgen serve` removes it."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(scratch)}
    first = subprocess.Popen([*console_script(), "serve", "--port", "0"], cwd=site, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_url(first)
        left = list(scratch.glob("newsgen-serve-*"))
        assert [p.name.split("-")[2] for p in left] == [str(first.pid)]
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=30)
    assert all(p.is_dir() for p in left)  # what kill -9 leaves
    second = subprocess.Popen([*console_script(), "serve", "--port", "0"], cwd=site, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _, lines = wait_for_url(second)
        assert not any(p.exists() for p in left)
        assert any("left by a stopped preview" in line for line in lines)
        assert len(list(scratch.glob("newsgen-serve-*"))) == 1  # its own
    finally:
        code, out, err = stop(second)
    assert code == 0 and "Traceback" not in out + err
    assert list(scratch.glob("newsgen-serve-*")) == []


def test_ctrl_c_during_the_first_build(make_site: Any) -> None:
    """Ctrl-C reaches the whole process group (worker processes too): still no traceback."""
    files = {f"content/politics/a{i}.md": make_site.article(f"Article {i}") for i in range(400)}
    root = make_site(files)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    before = set(tempfile_folders())
    proc = subprocess.Popen([*console_script(), "serve", "--port", "0"], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None
    assert "building" in proc.stdout.readline()
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err
    assert set(tempfile_folders()) <= before  # its temporary output is gone


def test_port_in_use_is_one_line(site: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([*console_script(), "serve", "--port", str(port)], cwd=site, text=True,
                              capture_output=True, timeout=60, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"port {port} is already in use" in lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_all_interfaces_warns(site: Path) -> None:
    proc = start(site, "--host", "0.0.0.0", "--port", "0")  # noqa: S104 - the point of the test
    try:
        url, _ = wait_for_url(proc)
        assert url.startswith("http://localhost:")
    finally:
        code, _, err = stop(proc)
    assert code == 0
    assert "warning: listening on all interfaces" in err


def test_not_a_site_folder(tmp_path: Path) -> None:
    proc = subprocess.run([*console_script(), "serve", "--port", "0"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "newsgen.yaml" in proc.stderr


def test_broken_site_still_starts_and_prints_the_errors(make_site: Any) -> None:
    root = make_site({"content/politics/a.md": make_site.article("Broken", section="Nowhere")})
    proc = start(root, "--port", "0")
    try:
        url, _ = wait_for_url(proc)
        try:
            urllib.request.urlopen(url)  # noqa: S310 - local
            raise AssertionError("expected an error status")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
            assert b"No preview yet" in exc.read()
    finally:
        code, _, err = stop(proc)
    assert code == 0
    assert re.search(r"^content/politics/a\.md:\d+: ", err, re.M), err


def test_one_network_address_warns_too_and_loopback_does_not() -> None:
    """--host 192.168.1.20 (a LAN address) said nothing, where 0.0.0.0 warns: the same drafts are shown."""
    from newsgen.serve.server import _loopback

    assert [_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST.")] == [True] * 6
    assert [_loopback(h) for h in ("192.168.1.20", "10.0.0.1", "fe80::1", "news.example.org")] == [False] * 4


def test_sighup_when_the_terminal_closes_stops_and_cleans_up(site: Path) -> None:
    """Closing the terminal (SIGHUP) killed the preview without its cleanup: its folder stayed in /dev/shm
    until the next preview started."""
    before = set(tempfile_folders())
    proc = start(site, "--port", "0")
    wait_for_url(proc)
    code, out, err = stop(proc, signal.SIGHUP)
    assert code == 0 and "Traceback" not in out + err
    assert set(tempfile_folders()) <= before
