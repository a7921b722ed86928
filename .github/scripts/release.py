"""Release helpers for .github/workflows/release.yml (plain Python, no dependencies).

    python .github/scripts/release.py version        the version in src/newsgen/__init__.py
    python .github/scripts/release.py check vX.Y.Z   the tag, __version__ and CHANGELOG.md agree
    python .github/scripts/release.py notes X.Y.Z    the CHANGELOG.md section of that version

CHANGELOG.md follows Keep a Changelog: one `## [X.Y.Z] - YYYY-MM-DD` heading per release, newest
first, under `## [Unreleased]`; link references (`[X.Y.Z]: https://...`) at the end are not notes.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.M)
_LINK_REFERENCE = re.compile(r"^\[[^\]]+\]: \S+\s*$")


class ReleaseError(Exception):
    pass


def package_version(root: Path = ROOT) -> str:
    """`__version__` of src/newsgen/__init__.py, read without importing newsgen."""
    tree = ast.parse((root / "src" / "newsgen" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        named = any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
        if named and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node.value.value
    raise ReleaseError("src/newsgen/__init__.py has no __version__ = \"...\"")


def sections(changelog: str) -> dict[str, tuple[str | None, str]]:
    """version -> (date or None, the section's text without its heading and link references)."""
    found: dict[str, tuple[str | None, str]] = {}
    heads = list(_HEADING.finditer(changelog))
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        end = following.start() if following else len(changelog)
        body = changelog[head.end():end]
        lines = [line for line in body.splitlines() if not _LINK_REFERENCE.match(line)]
        found[head["version"]] = (head["date"], "\n".join(lines).strip() + "\n")
    return found


def notes(changelog: str, version: str) -> str:
    """The release notes of `version`: its section of the changelog. Raises ReleaseError without one."""
    found = sections(changelog)
    if version not in found:
        raise ReleaseError(f"CHANGELOG.md has no section ## [{version}] - YYYY-MM-DD")
    date, text = found[version]
    if date is None:
        raise ReleaseError(f"CHANGELOG.md: the section of {version} has no date (## [{version}] - YYYY-MM-DD)")
    if not text.strip():
        raise ReleaseError(f"CHANGELOG.md: the section of {version} is empty")
    return text


def check(tag: str, root: Path = ROOT) -> str:
    """The version a tag releases, once the tag, __version__ and the changelog agree."""
    version = package_version(root)
    if tag != f"v{version}":
        raise ReleaseError(f"the tag {tag} is not v{version}, the version in src/newsgen/__init__.py")
    notes((root / "CHANGELOG.md").read_text(encoding="utf-8"), version)
    return version


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["version"] and len(argv) == 1:
            sys.stdout.write(package_version() + "\n")
        elif argv[:1] == ["check"] and len(argv) == 2:
            sys.stdout.write(check(argv[1]) + "\n")
        elif argv[:1] == ["notes"] and len(argv) == 2:
            sys.stdout.write(notes((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), argv[1].removeprefix("v")))
        else:
            sys.stderr.write(__doc__ or "")
            return 2
    except ReleaseError as exc:
        sys.stderr.write(f"release: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
