"""The release of newsgen itself: .github/workflows/release.yml (actionlint, and what it must do) and
its helper, which checks the tag against __version__ and takes the release notes from CHANGELOG.md."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import newsgen

from .conftest import ROOT, need

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
SCRIPT = ROOT / ".github" / "scripts" / "release.py"

CHANGELOG = """\
# Changelog

Intro text.

## [Unreleased]

### Added
- Something new.

## [1.2.0] - 2026-11-30

### Added
- Feature A.

### Fixed
- Bug B.

## [1.1.0]

- Undated.

## [1.0.0] - 2026-01-02

[1.2.0]: https://example.org/compare/v1.1.0...v1.2.0
[1.0.0]: https://example.org/releases/v1.0.0
"""


@pytest.fixture(scope="module")
def release() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_helper", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_release_workflow_passes_actionlint() -> None:
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if binary is None:
        need("actionlint is not installed (pip install -e '.[test]')")
    proc = subprocess.run([binary, "-no-color", str(WORKFLOW.relative_to(ROOT))], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_release_workflow_builds_tests_and_publishes_a_tag_with_trusted_publishing() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers == {"push": {"tags": ["v*"]}}
    assert flow["permissions"] == {"contents": "read"}  # more only where a job needs it
    jobs = flow["jobs"]
    build_runs = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    for command in ("release.py check", "python -m build", "twine check --strict", "NEWSGEN_WHEEL=",
                    "pytest", "tests/package"):
        assert command in build_runs, command
    publish = jobs["publish"]
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert any(u.startswith("pypa/gh-action-pypi-publish@") for u in uses)
    assert not any("password" in s.get("with", {}) for s in publish["steps"])  # no token: trusted publishing
    notes = jobs["github-release"]
    assert notes["needs"] == "publish" and notes["permissions"] == {"contents": "write"}
    notes_runs = "\n".join(s.get("run", "") for s in notes["steps"])
    assert "release.py notes" in notes_runs and "--notes-file" in notes_runs


def test_notes_are_the_section_of_the_version(release: ModuleType) -> None:
    text = release.notes(CHANGELOG, "1.2.0")
    assert text == "### Added\n- Feature A.\n\n### Fixed\n- Bug B.\n"
    with pytest.raises(release.ReleaseError, match="no section"):
        release.notes(CHANGELOG, "9.9.9")
    with pytest.raises(release.ReleaseError, match="no date"):
        release.notes(CHANGELOG, "1.1.0")
    with pytest.raises(release.ReleaseError, match="empty"):
        release.notes(CHANGELOG, "1.0.0")  # only link references below it


def test_check_wants_the_tag_of_the_version_and_a_dated_section(release: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "src" / "newsgen").mkdir(parents=True)
    (tmp_path / "src" / "newsgen" / "__init__.py").write_text('"""x"""\n\n__version__ = "1.2.0"\n', encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    assert release.check("v1.2.0", tmp_path) == "1.2.0"
    with pytest.raises(release.ReleaseError, match="not v1.2.0"):
        release.check("v1.2.1", tmp_path)
    with pytest.raises(release.ReleaseError, match="not v1.2.0"):
        release.check("1.2.0", tmp_path)
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG.replace("## [1.2.0] - 2026-11-30", "## [1.2.0]"), encoding="utf-8")
    with pytest.raises(release.ReleaseError, match="no date"):
        release.check("v1.2.0", tmp_path)


def test_the_script_reads_this_repository(release: ModuleType) -> None:
    assert release.package_version() == newsgen.__version__
    proc = subprocess.run([sys.executable, str(SCRIPT), "version"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert (proc.returncode, proc.stdout.strip()) == (0, newsgen.__version__)
    wrong = subprocess.run([sys.executable, str(SCRIPT), "check", "v0.0.0-not-it"], capture_output=True, text=True,
                           timeout=60, check=False)
    assert wrong.returncode == 1 and wrong.stderr.startswith("release: the tag v0.0.0-not-it is not v")


def test_changelog_is_keep_a_changelog_with_this_version(release: ModuleType) -> None:
    """The next release's notes exist: a section of __version__, or Unreleased entries to become it."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n") and "Keep a Changelog" in text
    found = release.sections(text)
    assert found, "no ## [version] sections"
    versions = [v for v in found if v != "Unreleased"]
    assert newsgen.__version__ in found or found.get("Unreleased", (None, ""))[1].strip(), (
        f"CHANGELOG.md has neither a section for {newsgen.__version__} nor Unreleased entries")
    for version in versions:  # every released section is dated and has notes
        assert release.notes(text, version)
