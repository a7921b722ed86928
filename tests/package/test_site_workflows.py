"""The CI workflows `newsgen init` writes, run here as their CI would run them: a small step runner
takes the `run:` steps of the GitHub workflow (and the `script:` of the GitLab job) from the
generated YAML and runs them with bash in a fresh virtual environment, against the built wheel.

What the hosted actions do is stood in for: setup-python by the fresh venv first on PATH,
configure-pages by a Pages address, checkout and cache by nothing (the site folder is the
workspace); upload-pages-artifact checks that its folder holds a site. Any other action, or a
`${{ }}` expression the runner does not know, fails the test: a change to the workflow must be
looked at here too.

Each workflow runs twice: once with NEWSGEN_PACKAGE set to the wheel (what a site does until its
version is on the package index), once without it, installing requirements.txt's pin from an index
that has the wheel (PIP_FIND_LINKS pointing at the wheel's folder stands in for the package index).
And the site README's own commands: from a folder with only the site and the wheel.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml

import newsgen
from newsgen.init import init_site

from .conftest import Dist, clean_env, make_venv, run

PAGES_URL = "https://newsroom.example.org/my-news"  # what configure-pages / CI_PAGES_URL would give
GITHUB = ".github/workflows/publish.yml"
GITLAB = ".gitlab-ci.yml"
KNOWN_ACTIONS = ("actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/cache",
                 "actions/upload-pages-artifact")
_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "my-news"
    init_site(folder, "Harbour Times")
    return folder


def install_source(dist: Dist, how: str) -> dict[str, str]:
    """The CI variables for one way of installing newsgen."""
    if how == "variable":
        return {"NEWSGEN_PACKAGE": str(dist.wheel)}
    # requirements.txt's newsgen==X.Y.Z, found on an "index" holding the wheel (dependencies: the real index)
    return {"NEWSGEN_PACKAGE": "", "PIP_FIND_LINKS": str(dist.wheel.parent)}


def check_built(public: Path, base: str) -> None:
    home = lxml.html.fromstring((public / "index.html").read_bytes())
    assert home.findtext(".//title") == "Harbour Times"
    canonical = home.find(".//link[@rel='canonical']")
    assert canonical is not None and canonical.get("href") == base.rstrip("/") + "/", "--base-url not applied"
    assert (public / "theme" / "newsgen.css").is_file()


def bash(script: str, cwd: Path, env: dict[str, str]) -> str:
    """What GitHub's `shell: bash` runs: bash --noprofile --norc -eo pipefail {0}."""
    path = cwd.parent / "step.sh"
    path.write_text(script, encoding="utf-8")
    return run(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], cwd=cwd, env=env).stdout


# ---------------------------------------------------------------------------- GitHub Actions


def evaluate(text: str, context: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        assert m.group(1) in context, f"the step runner does not know ${{{{ {m.group(1)} }}}}: add it to the test"
        return context[m.group(1)]

    return _EXPR.sub(value, text)


@pytest.mark.parametrize("how", ["variable", "requirements"])
def test_github_workflow_installs_and_builds(site: Path, dist: Dist, how: str) -> None:
    flow = yaml.safe_load((site / GITHUB).read_text(encoding="utf-8"))
    job = flow["jobs"]["build"]
    variables = install_source(dist, how)
    context = {"vars.NEWSGEN_PACKAGE": variables["NEWSGEN_PACKAGE"], "runner.os": "Linux"}
    extra = {k: v for k, v in variables.items() if k != "NEWSGEN_PACKAGE"}
    env: dict[str, str] | None = None
    ran: list[str] = []
    for step in job["steps"]:
        name = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
        if "uses" in step:
            action = step["uses"].split("@")[0]
            assert action in KNOWN_ACTIONS, f"the step runner does not know {action}: add it to the test"
            if action == "actions/setup-python":
                assert step["with"]["python-version"]
                bin_dir = make_venv(site.parent / "runner-python")
                env = clean_env({"GITHUB_WORKSPACE": str(site), "CI": "true", **extra}, bin_dir)
            elif action == "actions/configure-pages":
                context[f"steps.{step['id']}.outputs.base_url"] = PAGES_URL
            elif action == "actions/upload-pages-artifact":
                check_built(site / step["with"]["path"], PAGES_URL)
            ran.append(name)
            continue
        assert env is not None, f"{name}: a run step before setup-python"
        step_env = {**env, **{k: evaluate(str(v), context) for k, v in {**flow.get("env", {}), **job.get("env", {}),
                                                                       **step.get("env", {})}.items()}}
        out = bash(evaluate(step["run"], context), site, step_env)
        if "newsgen --version" in step["run"]:
            assert f"newsgen {newsgen.__version__}" in out
        ran.append(name)
    assert "Install newsgen" in ran and "Build" in ran and "actions/upload-pages-artifact@v5" in str(job)
    assert (site / ".newsgen-cache").is_dir()  # what the cache step keeps between runs


# ---------------------------------------------------------------------------- GitLab CI


@pytest.mark.parametrize("how", ["variable", "requirements"])
def test_gitlab_job_installs_and_builds(site: Path, dist: Dist, how: str) -> None:
    ci = yaml.safe_load((site / GITLAB).read_text(encoding="utf-8"))
    job = ci["pages"]
    assert re.fullmatch(r"python:3\.\d+(-slim)?", job["image"]), "the runner's venv stands in for this image"
    bin_dir = make_venv(site.parent / "image-python")
    predefined = {"CI": "true", "CI_PROJECT_DIR": str(site), "CI_PAGES_URL": PAGES_URL, "CI_DEFAULT_BRANCH": "main",
                  "CI_COMMIT_BRANCH": "main", "CI_PIPELINE_SOURCE": "push"}
    env = clean_env({**predefined, **install_source(dist, how)}, bin_dir)
    if how != "variable":
        env.pop("NEWSGEN_PACKAGE")  # not defined at all, as in a project without the variable
    for key, value in job.get("variables", {}).items():  # $VAR in variables: expanded from what is known
        env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), str(value))
    # the runner stops at the first failing line, like bash -e
    out = bash("\n".join(job["script"]) + "\n", site, env)
    assert f"newsgen {newsgen.__version__}" in out
    for path in job["artifacts"]["paths"]:
        check_built(site / path, PAGES_URL)
    assert (site / ".newsgen-cache").is_dir()


# ---------------------------------------------------------------------------- the site README


def sh_blocks(markdown: str, heading: str) -> list[str]:
    """The ```sh blocks of one section (## or ###) of the README."""
    part = markdown.split(heading + "\n", 1)[1]
    part = re.split(r"\n#{2,3} ", part, maxsplit=1)[0]
    return re.findall(r"```sh\n(.*?)```", part, flags=re.S)


def test_the_site_readme_commands_work_with_only_the_wheel(site: Path, dist: Dist) -> None:
    """From the site and the wheel alone: the README's setup, with its install-from-a-wheel line
    instead of requirements.txt (the version is not on the index yet), then a new article and a build."""
    readme = (site / "README.md").read_text(encoding="utf-8")
    (setup,) = sh_blocks(readme, "## Set up once")
    (alternatives,) = sh_blocks(readme, "### Install newsgen")
    (write,) = sh_blocks(readme, "## Write an article")
    from_wheel = next(line for line in alternatives.splitlines() if ".whl" in line)
    shutil.copy2(dist.wheel, site / dist.wheel.name)
    lines = []
    for line in setup.splitlines():
        if "requirements.txt" in line:
            line = from_wheel
        if line.startswith("newsgen serve"):
            continue  # runs until stopped
        lines.append(line)
    script = "\n".join([*lines, write.strip(), "newsgen build --drafts", "newsgen check"]) + "\n"
    out = bash(script, site, clean_env())
    assert "ok: 3 articles" in out
    assert (site / ".venv" / "bin" / "newsgen").is_file()
    check_built(site / "public", "https://example.org/")
    assert (site / "public/local/council-votes-to-extend-the-night-bus/index.html").is_file()
