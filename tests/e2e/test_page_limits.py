"""A template that runs away (loops nested under range()'s bound, a string doubled in a loop) stops the
build with one line at the template's line, in bounded time and memory, and leaves the output as it was
(render/limits.py)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from tests.conftest import console_script

from newsgen.render import limits

NESTED = "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}"
DOUBLING = "{% set ns = namespace(s='x' * 100000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"


def _home_with(line: str) -> str:
    """The theme's home page with `line` as its line 2."""
    return '{% extends "theme/home.html" %}\n{% block content %}' + line + "{{ super() }}{% endblock %}\n"


def _site(make_site, run_cli) -> Path:  # type: ignore[no-untyped-def]
    root = make_site({"content/politics/a.md": make_site.article("Alpha"),
                      "content/sports/b.md": make_site.article("Beta", section="Sports")})
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    return root


def _output(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "public").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_nested_loops_stop_at_the_templates_line_and_the_output_stays(make_site, run_cli, write_file, monkeypatch,
                                                                       jobs) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, run_cli)
    before = _output(root)
    write_file(root, "templates/home.html", _home_with(NESTED))
    monkeypatch.setattr(limits, "SECONDS", 0.5)
    started = time.monotonic()
    result = run_cli(["build", "--jobs", jobs], root)
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert re.fullmatch(r"templates/home\.html:2: a page took more than 0\.5 s to render \(while rendering /: .*\)",
                        lines[0]), lines
    assert len(lines) == 2 and "nothing was written" in lines[1]
    assert _output(root) == before


def test_a_string_doubled_in_a_loop_stops_before_the_memory_is_full(make_site, run_cli, write_file,
                                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, run_cli)
    before = _output(root)
    write_file(root, "templates/home.html", _home_with(DOUBLING))
    monkeypatch.setattr(limits, "MEMORY", 200 << 20)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 1
    assert re.match(r"templates/home\.html:2: a page needed more than 200 MB to render \(while rendering /",
                    result.stderr), result.stderr
    assert _output(root) == before


def test_newsgen_check_reports_it_too(make_site, run_cli, write_file, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, run_cli)
    write_file(root, "templates/home.html", _home_with(NESTED))
    monkeypatch.setattr(limits, "SECONDS", 0.3)
    result = run_cli(["check"], root)
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/home.html:2: a page took more than 0.3 s to render"), result.stderr


def test_a_runaway_card_rendered_up_front_stops_the_build(make_site, run_cli, write_file,
                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Enough stories for a parallel build to render the cards up front (render.cards), where a card that
    fails is left out: the pages that show it say why, and the build stops."""
    files = {f"content/politics/s{k:03}.md": make_site.article(f"Story {k}", date=f"2024-01-01 {k // 60:02}:{k % 60:02}")
             for k in range(200)}
    root = make_site(files)
    assert run_cli(["build", "--jobs", "2"], root).exit_code == 0
    card = (Path(limits.__file__).parent.parent / "theme/templates/_card.html").read_text(encoding="utf-8")
    lines = card.splitlines()
    lines.insert(3, NESTED)
    write_file(root, "templates/_card.html", "\n".join(lines) + "\n")
    monkeypatch.setattr(limits, "SECONDS", 0.3)
    started = time.monotonic()
    result = run_cli(["build", "--jobs", "2"], root)
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/_card.html:4: a page took more than 0.3 s to render"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 2


def test_the_limits_come_from_the_environment_for_the_console_script(make_site, run_cli, write_file) -> None:  # type: ignore[no-untyped-def]
    root = _site(make_site, run_cli)
    write_file(root, "templates/home.html", _home_with(NESTED))
    env = {**os.environ, "NEWSGEN_PAGE_SECONDS": "0.4", "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([*console_script(), "build"], cwd=root, capture_output=True, text=True, timeout=60, env=env,
                          check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("templates/home.html:2: a page took more than 0.4 s to render"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_page_is_counted_on_its_own() -> None:
    """Many short pages whose time adds up to more than the limit are not stopped; one long page is."""
    saved = limits.SECONDS
    limits.SECONDS = 0.3
    try:
        limits.reset()
        with limits.limited():
            for _ in range(12):  # ~1.2 s of CPU in all, 0.1 s a page
                limits.guarded(_spin, 0.1)
            with pytest.raises(limits.PageLimit, match="took more than 0.3 s"):
                limits.guarded(_spin, 5)
        assert limits.tripped() is not None
    finally:
        limits.SECONDS = saved
        limits.reset()
    assert limits.tripped() is None


def test_outside_the_main_thread_pages_render_unguarded() -> None:
    import threading

    failures: list[BaseException] = []

    def run() -> None:
        try:
            with limits.limited():
                limits.guarded(_spin, 0.05)
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert failures == []


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_time_past_the_limit_outside_the_pages_code_stops_nothing(make_site, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Only the page's own code is raised in: a page whose write (after it rendered) is slow is written,
    and the build succeeds; no traceback from the loop between two pages."""
    from newsgen import output

    root = make_site({"content/politics/a.md": make_site.article("Alpha")})
    real = output.Staging.write

    def slow_write(self, rel, data):  # type: ignore[no-untyped-def]
        if rel == "index.html":
            _spin(0.8)
        return real(self, rel, data)

    monkeypatch.setattr(output.Staging, "write", slow_write)
    monkeypatch.setattr(limits, "SECONDS", 0.3)
    result = run_cli(["build", "--jobs", "1"], root)
    assert result.exit_code == 0, result.stderr
    assert not result.traceback
    assert (root / "public/index.html").is_file()


def test_a_runaway_page_is_met_once_in_a_site_of_several_languages(make_site, run_cli, write_file,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every edition renders with the same templates: the runaway home page stops the build once, not
    once per edition."""
    root = make_site({"content/politics/a.md": make_site.article("Alpha"),
                      "content/vi/politics/b.md": make_site.article("Bêta"),
                      "content/fr/politics/c.md": make_site.article("Gamma")},
                     extra_config="languages:\n  - code: en\n  - code: vi\n  - code: fr\n")
    assert run_cli(["build", "--jobs", "1"], root).exit_code == 0
    write_file(root, "templates/home.html", _home_with(NESTED))
    monkeypatch.setattr(limits, "SECONDS", 1.0)
    started = time.process_time()
    result = run_cli(["build", "--jobs", "1"], root)
    assert time.process_time() - started < 2.5  # one runaway page (~1.1 s of CPU), not three
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/home.html:2: a page took more than 1 s to render"), result.stderr


@pytest.mark.parametrize("value", ["inf", "1e309", "nan", "-5", "lots", ""])
def test_any_value_of_the_variables_is_a_build(make_site, run_cli, value) -> None:  # type: ignore[no-untyped-def]
    """`inf` is no limit; what is not a positive number is the default; none of them is a traceback."""
    root = make_site({"content/politics/a.md": make_site.article("Alpha")})
    env = {**os.environ, "NEWSGEN_PAGE_SECONDS": value, "NEWSGEN_PAGE_MEMORY_MB": value,
           "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([*console_script(), "build"], cwd=root, capture_output=True, text=True, timeout=60, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
