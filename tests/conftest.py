"""Shared fixtures: small temporary sites, the CLI (in-process and as the real console script),
a fixed clock and timezone, and HTML/XML parsing helpers.

Fixtures hand out plain callables so that test modules need no imports from this file:

    def test_x(make_site, build, parse_html):
        root = make_site({"content/politics/a.md": make_site.article("A title")})
        build(root)
        doc = parse_html(root / "public" / "index.html")
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

SITE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The clock every test build sees unless a test says otherwise: far from "today", inside the site's zone.
FIXED_NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=SITE_TZ)
# The host's zone during tests: deliberately neither UTC nor the site's zone, so that any use of the
# machine's local time instead of the site's timezone shows up as a wrong date.
HOST_TZ = "America/New_York"

DEFAULT_CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.org/
language: en
timezone: Asia/Ho_Chi_Minh
description: News for tests.
sections:
  - name: Politics
  - name: Sports
  - name: Culture
    description: Arts and ideas
latest_news: 5
per_page: 3
"""


# ---------------------------------------------------------------------------- options and environment


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/expected/ from the current output instead of comparing.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _fixed_host_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fixed host timezone and locale for every test, so output never depends on the machine."""
    monkeypatch.setenv("TZ", HOST_TZ)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("NO_COLOR", raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def site_tz() -> ZoneInfo:
    """The timezone of every test site (DEFAULT_CONFIG)."""
    return SITE_TZ


@pytest.fixture
def fixed_now() -> dt.datetime:
    return FIXED_NOW


@pytest.fixture
def freeze_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """`freeze_clock(when)`: newsgen's build, check and new, and the preview's page rendered early, all see
    `when` as now."""
    import newsgen.build
    import newsgen.check
    import newsgen.newarticle
    import newsgen.serve.early

    def freeze(when: dt.datetime) -> None:
        def fake_now(tz: ZoneInfo) -> dt.datetime:
            return when.astimezone(tz)

        for module in (newsgen.build, newsgen.check, newsgen.newarticle, newsgen.serve.early):
            monkeypatch.setattr(module, "tz_now", fake_now)

    return freeze


@pytest.fixture
def frozen(freeze_clock: Callable[[dt.datetime], None]) -> dt.datetime:
    """The clock fixed at FIXED_NOW for the whole test."""
    freeze_clock(FIXED_NOW)
    return FIXED_NOW


# ---------------------------------------------------------------------------- sites


def article_text(
    title: str | None = "A headline",
    section: str | None = "Politics",
    date: str | None = "2025-03-19 17:40",
    body: str = "The lead paragraph.\n\nMore text.\n",
    **fields: Any,
) -> str:
    """An article file. Values are written as JSON scalars/lists (valid YAML, no quoting surprises);
    pass None to leave a required field out. `raw_front_matter=` appends YAML lines as they are."""
    raw = fields.pop("raw_front_matter", "")
    lines = ["---"]
    for key, value in (("title", title), ("section", section), ("date", date), *fields.items()):
        if value is None:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    if raw:
        lines.append(raw.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


@dataclass
class SiteFactory:
    base: Path
    count: int = 0

    article = staticmethod(article_text)
    default_config = DEFAULT_CONFIG

    def __call__(
        self,
        files: Mapping[str, str | bytes] | None = None,
        *,
        config: str | None = None,
        extra_config: str = "",
        name: str | None = None,
    ) -> Path:
        """Write a site: newsgen.yaml (DEFAULT_CONFIG + extra_config, or `config` verbatim) and
        `files` as {path relative to the site: text or bytes}. Returns the site root."""
        self.count += 1
        root = self.base / (name or f"site{self.count}")
        root.mkdir(parents=True)
        (root / "newsgen.yaml").write_text(
            (DEFAULT_CONFIG if config is None else config) + extra_config, encoding="utf-8"
        )
        (root / "content").mkdir()
        for rel, data in (files or {}).items():
            write(root, rel, data)
        return root


DEMO = Path(__file__).resolve().parents[1]  # the repository root is also the demo newsroom


def copy_demo(site: Path) -> Path:
    """The demo newsroom's inputs (newsgen.yaml, content/, templates/, static/) copied into `site`, so that
    no build cache or output lands in the repository. Returns `site`."""
    import shutil

    site.mkdir(parents=True, exist_ok=True)
    for name in ("newsgen.yaml", "content", "templates", "static"):
        source = DEMO / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        elif source.is_file():
            shutil.copy2(source, site / name)
    return site


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.fixture
def make_site(tmp_path: Path) -> SiteFactory:
    return SiteFactory(tmp_path)


@pytest.fixture
def write_file() -> Callable[[Path, str, str | bytes], Path]:
    return write


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def png() -> Callable[..., bytes]:
    return tiny_png


# ---------------------------------------------------------------------------- building


@pytest.fixture
def build(frozen: dt.datetime) -> Callable[..., Any]:
    """`build(root, out=None, jobs=1, **BuildOptions)` through the Python API, clock frozen."""
    from newsgen.build import BuildOptions
    from newsgen.build import build as run_build

    def run(root: Path, out: Path | None = None, jobs: int = 1, **options: Any) -> Any:
        return run_build(root, BuildOptions(out=out, jobs=jobs, **options))

    return run


class Prebuilt:
    """Sites built once per session and handed to each test as a fresh copy (a build compiles every
    template, so sharing the first build keeps the suite fast)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.built: dict[str, Path] = {}

    def __call__(self, key: str, files: Mapping[str, str | bytes], dest: Path, config: str | None = None) -> Path:
        if key not in self.built:
            from newsgen.build import BuildOptions
            from newsgen.build import build as run_build

            factory = SiteFactory(self.base)
            root = factory(files, config=config, name=key)
            with pytest.MonkeyPatch.context() as mp:
                import newsgen.build

                mp.setattr(newsgen.build, "tz_now", lambda tz: FIXED_NOW.astimezone(tz))
                run_build(root, BuildOptions(jobs=1))
            self.built[key] = root
        copy = dest / key
        shutil.copytree(self.built[key], copy, symlinks=True)
        return copy


@pytest.fixture(scope="session")
def prebuilt(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    """`prebuilt("name", files, tmp_path)`: a copy of a site (as make_site writes it) already built once
    into its public/ with the clock at FIXED_NOW. The same key always means the same files."""
    return Prebuilt(tmp_path_factory.mktemp("prebuilt"))


def snapshot_tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones included) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    return snapshot_tree


# ---------------------------------------------------------------------------- the CLI


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def traceback(self) -> bool:
        """True when the command died of an exception instead of exiting (a crash, not a user error)."""
        crashed = self.exception is not None and not isinstance(self.exception, SystemExit)
        return crashed or "Traceback (most recent call last)" in self.stderr + self.stdout


def invoke_cli(args: list[str], cwd: Path) -> CliResult:
    from newsgen.cli import main

    runner = CliRunner()
    with contextlib.chdir(cwd):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=True)
    return CliResult(result.exit_code, result.stdout, result.stderr, result.exception)


@pytest.fixture
def run_cli(frozen: dt.datetime) -> Callable[[list[str], Path], CliResult]:
    """`run_cli(["build", "--jobs", "1"], cwd=root)`: newsgen in-process (click's CliRunner), clock frozen."""
    return invoke_cli


def console_script() -> list[str]:
    found = shutil.which("newsgen", path=str(Path(sys.executable).parent)) or shutil.which("newsgen")
    return [found] if found else [sys.executable, "-m", "newsgen.cli"]


def run_script_in(args: list[str], cwd: Path, timeout: float = 60) -> CliResult:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [*console_script(), *[str(a) for a in args]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr, None)


@pytest.fixture
def run_script() -> Callable[..., CliResult]:
    """`run_script(["--version"], cwd=root)`: the real `newsgen` console script in a subprocess
    (real clock: use sites whose dates are far in the past)."""
    return run_script_in


def diagnostic_lines(stderr: str) -> list[str]:
    """The `path:line: message` lines of a failed run, without the closing summary line."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("newsgen: ")]


@pytest.fixture
def diagnostics() -> Callable[[str], list[str]]:
    return diagnostic_lines


# ---------------------------------------------------------------------------- parsing output


def parse_html_file(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


@pytest.fixture
def parse_html() -> Callable[[Path], lxml.html.HtmlElement]:
    """`parse_html(path)`: the page as an lxml.html tree."""
    return parse_html_file


def parse_xml_file(path: Path) -> etree._Element:
    """Strict XML parsing: raises on anything not well-formed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    return etree.fromstring(path.read_bytes(), parser)


@pytest.fixture
def parse_xml() -> Callable[[Path], etree._Element]:
    return parse_xml_file
