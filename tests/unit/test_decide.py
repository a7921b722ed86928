"""incremental/decide.py: a page is rendered again exactly when its fingerprint changed or its file is gone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from newsgen.fileio import present
from newsgen.incremental.decide import decide, fingerprint, why
from newsgen.incremental.state import Fingerprint
from newsgen.pages import PageSpec

SPECS = [PageSpec("index.html", "", "home", "home.html", inputs="h1"),
         PageSpec("a/x/index.html", "a/x/", "article", "article.html", (0,), inputs="x1"),
         PageSpec("a/feed.xml", "a/feed.xml", "feed", "feed.xml", (0,), inputs="f1")]
TEMPLATES = {"home.html": "th", "article.html": "ta", "feed.xml": "tf"}


def _last(out: Path) -> dict[str, Fingerprint]:
    for spec in SPECS:
        (out / spec.out).parent.mkdir(parents=True, exist_ok=True)
        (out / spec.out).write_text("x", encoding="utf-8")
    return {s.out: fingerprint(s, "c", TEMPLATES) for s in SPECS}


def test_nothing_changed_nothing_to_render(tmp_path: Path) -> None:
    d = decide(SPECS, "c", TEMPLATES, _last(tmp_path), present(str(tmp_path)))
    assert (d.todo, d.unchanged) == ([], 3) and set(d.fingerprints) == {s.out for s in SPECS}


def test_each_reason_to_render_again(tmp_path: Path) -> None:
    last = _last(tmp_path)
    (tmp_path / "index.html").unlink()
    changed = [SPECS[0], dataclasses.replace(SPECS[1], inputs="x2"), SPECS[2]]
    d = decide(changed, "c", {**TEMPLATES, "feed.xml": "tf2"}, last, present(str(tmp_path)), explain=True)
    assert [s.out for s in d.todo] == ["index.html", "a/x/index.html", "a/feed.xml"]
    assert d.reasons == ["/: its file was missing from the output",
                         "/a/x/: the article or a story it links to changed",
                         "/a/feed.xml: template feed.xml (or a template it uses) changed"]
    assert decide(SPECS, "c2", TEMPLATES, last, present(str(tmp_path))).unchanged == 0  # config or newsgen changed
    assert why(None, last["index.html"], SPECS[0]) == "new page"


def test_only_defers_the_other_pages_keeping_their_old_fingerprints(tmp_path: Path) -> None:
    last = _last(tmp_path)
    del last["a/feed.xml"]
    changed = [dataclasses.replace(s, inputs=s.inputs + "!") for s in SPECS]
    d = decide(changed, "c", TEMPLATES, last, present(str(tmp_path)), only=frozenset({"a/x/index.html"}))
    assert [s.out for s in d.todo] == ["a/x/index.html"]
    assert d.deferred == ["index.html", "a/feed.xml"]
    assert d.fingerprints["index.html"] == last["index.html"]  # still the old one: rendered later
    assert "a/feed.xml" not in d.fingerprints  # never rendered: no fingerprint
