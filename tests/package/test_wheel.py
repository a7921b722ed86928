"""The distributions: what `python -m build` makes passes `twine check`, holds every file a site needs,
and installed into a fresh virtual environment runs `newsgen init`, `new`, `build` and `check`."""

from __future__ import annotations

import signal
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

import newsgen

from .conftest import ROOT, Dist, Installed, clean_env, need, run

# What a site needs from the package besides the Python modules: the theme, the scaffold of
# `newsgen init` (dotfiles ship as dot-x), the live-reload client of `newsgen serve`, the type marker.
NEEDED = ("newsgen/theme/templates/base.html", "newsgen/theme/templates/article.html",
          "newsgen/theme/static/newsgen.css", "newsgen/theme/static/favicon.svg",
          "newsgen/scaffold/newsgen.yaml", "newsgen/scaffold/requirements.txt", "newsgen/scaffold/README.md",
          "newsgen/scaffold/dot-github/workflows/publish.yml", "newsgen/scaffold/dot-gitlab-ci.yml",
          "newsgen/scaffold/dot-gitignore", "newsgen/scaffold/static/images/footbridge.jpg",
          "newsgen/serve/client.js", "newsgen/py.typed")


def tracked_package_files() -> list[str]:
    """Files of src/newsgen in git (untracked work in progress is not required to ship)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "src/newsgen"], cwd=ROOT, capture_output=True, text=True,
                             check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [p.removeprefix("src/") for p in out.split("\0") if p and (ROOT / p).is_file()]


def test_twine_check_passes(dist: Dist) -> None:
    try:
        import twine  # noqa: F401
    except ImportError:
        need("twine is not installed (pip install -e '.[test]')")
    files = [dist.wheel, *([dist.sdist] if dist.sdist else [])]
    proc = run([sys.executable, "-m", "twine", "check", "--strict", *files], cwd=dist.wheel.parent)
    assert proc.stdout.count("PASSED") == len(files), proc.stdout


def test_the_wheel_holds_everything_a_site_needs(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(wheel.read(meta_name).decode("utf-8"))
        entry_points = wheel.read(meta_name.replace("METADATA", "entry_points.txt")).decode("utf-8")
    missing = [n for n in NEEDED if n not in names]
    assert not missing, f"not in the wheel: {missing}"
    not_shipped = [n for n in tracked_package_files() if n not in names]
    assert not not_shipped, f"files of src/newsgen missing from the wheel: {not_shipped}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert meta["Name"] == "newsgen" and meta["Version"] == newsgen.__version__
    assert meta["Requires-Python"] == ">=3.11"
    assert "newsgen = newsgen.cli:run" in entry_points
    assert dist.wheel.name == f"newsgen-{newsgen.__version__}-py3-none-any.whl"


def test_the_sdist_builds_the_same_package(dist: Dist) -> None:
    if dist.sdist is None:
        need("no sdist next to NEWSGEN_WHEEL")
    with tarfile.open(dist.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for rel in ("pyproject.toml", "README.md", "PKG-INFO"):
        assert rel in names
    missing = [n for n in tracked_package_files() if f"src/{n}" not in names]
    assert not missing, f"not in the sdist: {missing}"


def test_version_comes_from_one_place() -> None:
    """pyproject.toml reads newsgen.__version__; no second copy of the number to forget."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "newsgen.__version__"}


def test_the_installed_wheel_makes_builds_and_checks_a_site(installed: Installed, tmp_path: Path) -> None:
    """In a fresh venv with only the wheel: the commands of the site README, as a new user runs them."""
    version = installed.newsgen("--version", cwd=tmp_path).stdout.strip()
    assert version == f"newsgen {newsgen.__version__}"
    where = run([installed.bin / "python", "-c", "import newsgen; print(newsgen.__file__)"], cwd=tmp_path,
                env=installed.env).stdout.strip()
    assert Path(where).is_relative_to(installed.bin.parent), f"newsgen imported from {where}, not the venv"

    made = installed.newsgen("init", "my-news", "--title", "Harbour Times", cwd=tmp_path)
    assert "created my-news" in made.stdout
    site = tmp_path / "my-news"
    pins = [line for line in (site / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert pins == [f"newsgen=={newsgen.__version__}"]
    assert (site / ".github/workflows/publish.yml").is_file() and (site / ".gitlab-ci.yml").is_file()
    path = installed.newsgen("new", "Ferry timetable changes", "--section", "Local", "--no-draft", cwd=site)
    made_file = site / path.stdout.strip()
    text = made_file.read_text(encoding="utf-8")  # what the writer does before publishing: summary, lead
    for prompt in ("Write the summary here", "Write the lead paragraph here"):
        assert prompt in text
        text = text.replace(prompt, "The ferry runs every hour now")
    made_file.write_text(text, encoding="utf-8")
    installed.newsgen("build", "--quiet", cwd=site)
    checked = installed.newsgen("check", cwd=site)
    assert checked.stdout.strip() == "ok: 3 articles, no problems found"

    public = site / "public"
    home = lxml.html.fromstring((public / "index.html").read_bytes())
    assert home.findtext(".//title") == "Harbour Times"
    links = {" ".join(a.text_content().split()): a.get("href") for a in home.iter("a")}
    assert "Ferry timetable changes" in links
    article = public / urlsplit(links["Ferry timetable changes"]).path.lstrip("/") / "index.html"
    assert lxml.html.fromstring(article.read_bytes()).findtext(".//h1") == "Ferry timetable changes"
    for asset in ("theme/newsgen.css", "theme/favicon.svg", "feed.xml", "sitemap.xml"):
        assert (public / asset).is_file(), asset


def test_the_installed_wheel_watches_and_answers_a_plain_build(installed: Installed, tmp_path: Path) -> None:
    """`newsgen build --watch` starts its builds with the venv's own interpreter (`python -m newsgen`), and a
    plain `newsgen build` of the venv asks it."""
    installed.newsgen("init", "watched", cwd=tmp_path)
    site = tmp_path / "watched"
    watching = subprocess.Popen([installed.bin / "newsgen", "build", "--watch"], cwd=site, env=installed.env,
                                text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        said = [watching.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
        assert "watching content/" in said[2], said
        story = next((site / "content").rglob("*.md"))
        story.write_text(story.read_text(encoding="utf-8") + "\nA line added while watched.\n", encoding="utf-8")
        asked = installed.newsgen("build", "-v", cwd=site).stdout
        assert asked.startswith("asked the running `newsgen build --watch`") and " 0 rendered, " not in asked
    finally:
        watching.send_signal(signal.SIGINT)
        assert watching.wait(timeout=60) == 0, watching.stderr.read()  # type: ignore[union-attr]


def test_the_installed_wheel_serves_the_live_reload_client(installed: Installed, tmp_path: Path) -> None:
    """`newsgen serve` needs the client script from the package data."""
    code = ("from importlib import resources; "
            "print(len((resources.files('newsgen') / 'serve' / 'client.js').read_bytes()))")
    size = run([installed.bin / "python", "-c", code], cwd=tmp_path, env=installed.env).stdout.strip()
    assert int(size) > 0


def test_clean_env_hides_the_source_tree() -> None:
    env = clean_env()
    assert str(Path(sys.executable).parent) not in env["PATH"].split(":")
    assert "PYTHONPATH" not in env and "VIRTUAL_ENV" not in env
