"""The code digest that a cache and the no-change shortcut must match covers the built-in theme too."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsgen.incremental.version import code_digest

PACKAGE = Path(code_digest.__code__.co_filename).parent.parent


def test_a_change_to_the_theme_or_the_code_changes_the_digest(tmp_path: Path) -> None:
    package = tmp_path / "newsgen"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(package)
    assert code_digest(package) == before
    css = package / "theme" / "static" / "newsgen.css"
    css.write_text(css.read_text("utf-8") + "\n/* changed */\n", "utf-8")
    after_css = code_digest(package)
    assert after_css != before  # a newer style sheet is copied, not skipped as "nothing changed"
    template = package / "theme" / "templates" / "base.html"
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    assert code_digest(package) not in (before, after_css)
    (package / "site.py").write_text((package / "site.py").read_text("utf-8") + "\n# x\n", "utf-8")
    last = code_digest(package)
    (package / "serve" / "handler.py").write_text("# the preview server does not shape the output\n", "utf-8")
    assert code_digest(package) == last


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    """An editor's lock (a symlink to nowhere) or a FIFO in the theme or among the modules: left out,
    as Path.is_file left them out, instead of failing (or hanging) every build at its start."""
    import os

    package = tmp_path / "newsgen"
    (package / "theme" / "templates").mkdir(parents=True)
    (package / "model.py").write_text("x = 1\n", encoding="utf-8")
    (package / "theme" / "templates" / "base.html").write_text("<p>", encoding="utf-8")
    before = code_digest(package)
    (package / "theme" / "templates" / ".#base.html").symlink_to("user@host.123:456")
    (package / ".#model.py").symlink_to("user@host.123:456")
    os.mkfifo(package / "theme" / "pipe")
    assert code_digest(package) == before
