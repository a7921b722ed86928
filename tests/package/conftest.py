"""newsgen as a user gets it: the sdist and wheel that `python -m build` makes, installed into a fresh
virtual environment (never the source tree), and the commands of a new site run there.

The distributions are built once per test session, from a copy of the files a build reads
(pyproject.toml, README.md, src/), so the source tree gets no build/ or egg-info folder. With
NEWSGEN_WHEEL set (the release workflow does), that wheel is tested instead, with the sdist found
next to it.

Installing needs the package index for newsgen's dependencies (pip's cache makes a second install
quick). The tests fail in CI (`CI` set) rather than skip when something they need is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ("pyproject.toml", "README.md", "src")
# Variables that would make a subprocess see the test environment instead of the fresh one.
_LEAKS = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PIP_REQUIRE_VIRTUALENV", "PYTHONSAFEPATH")


def need(problem: str) -> None:
    """Skip for `problem` locally; fail in CI, where a missing tool must never pass as a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"cannot run in CI: {problem}")
    pytest.skip(problem)


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path | None


def clean_env(extra: Mapping[str, str] | None = None, bin_dir: Path | None = None) -> dict[str, str]:
    """os.environ without the test interpreter: its bin folder off PATH (`newsgen` there would be the
    source tree's), no PYTHONPATH or VIRTUAL_ENV; `bin_dir` first on PATH, like an activated venv."""
    ours = str(Path(sys.executable).parent)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != ours]
    if bin_dir is not None:
        path.insert(0, str(bin_dir))
    env = {k: v for k, v in os.environ.items() if k not in _LEAKS}
    env.update({"PATH": os.pathsep.join(path), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(extra or {})
    return env


def run(args: list[str | Path], cwd: Path, env: Mapping[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a command; fail with its output when it does not succeed."""
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=dict(env) if env is not None else clean_env(),
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def make_venv(folder: Path) -> Path:
    """A fresh virtual environment (with pip, without the test environment's packages): its bin folder."""
    run([sys.executable, "-m", "venv", folder], cwd=folder.parent)
    return folder / "bin"


def _copy_build_inputs(dest: Path) -> None:
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*cache"))
        else:
            shutil.copy2(source, dest / name)
    for extra in ROOT.glob("LICEN[CS]E*"):
        shutil.copy2(extra, dest / extra.name)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """The wheel and sdist: NEWSGEN_WHEEL's, or built once per session with `python -m build`."""
    given = os.environ.get("NEWSGEN_WHEEL")
    if given:
        wheel = Path(given).resolve()
        assert wheel.is_file(), f"NEWSGEN_WHEEL={given}: no such file"
        sdists = sorted(wheel.parent.glob("newsgen-*.tar.gz"))
        return Dist(wheel, sdists[-1] if sdists else None)
    try:
        import build  # noqa: F401
    except ImportError:
        need("the build package is not installed (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("dist")
    source, out = work / "source", work / "out"
    source.mkdir()
    _copy_build_inputs(source)
    # sdist first, then the wheel from the unpacked sdist: a file missing from the sdist fails here
    run([sys.executable, "-m", "build", "--outdir", out, source], cwd=work, env=clean_env())
    (wheel,) = out.glob("newsgen-*.whl")
    (sdist,) = out.glob("newsgen-*.tar.gz")
    return Dist(wheel, sdist)


@dataclass(frozen=True)
class Installed:
    bin: Path
    env: dict[str, str]

    def newsgen(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        return run([self.bin / "newsgen", *args], cwd=cwd, env=self.env)


@pytest.fixture(scope="session")
def installed(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """The wheel installed with pip into a fresh virtual environment."""
    folder = tmp_path_factory.mktemp("installed") / "venv"
    bin_dir = make_venv(folder)
    env = clean_env({"VIRTUAL_ENV": str(folder)}, bin_dir)
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", dist.wheel], cwd=folder.parent, env=env)
    yield Installed(bin_dir, env)
