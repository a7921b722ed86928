"""The body-edit harness: a newsroom of 24 stories dated around today (the real clock: the two-day news
sitemap and "scheduled" are live), built once, and `Newsroom.check`, which builds, asserts which way the
build took and compares its output with a serial build without a cache. The `newsroom` fixture is
registered in tests/e2e/conftest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from newsgen.build import BuildOptions, BuildResult, build

SECTIONS = ("Politics", "Sports", "Culture")


def when(days: float) -> str:
    """A front-matter date `days` from now (negative: in the past), in the site's zone."""
    t = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))) + dt.timedelta(days=days)
    return t.strftime("%Y-%m-%d %H:%M")


def newsroom_files(png: Callable[..., bytes]) -> dict[str, str | bytes]:
    from tests.conftest import article_text

    files: dict[str, str | bytes] = {"static/images/photo.png": png(40, 30)}
    for n in range(24):
        section = SECTIONS[n % 3]
        fields: dict[str, object] = {"author": ["Lan Pham", "Minh Vo"][n % 2],
                                     "tags": [["rice", "exports"], ["football"], ["rice", "ports"]][n % 3]}
        if n % 5 == 0:
            fields.update(image="/images/photo.png", image_caption="The harbour at dawn.", image_credit="AP")
        if n == 7:
            fields["aliases"] = ["/2024/03/old-path/"]
        if n % 4 == 0:
            fields["summary"] = f"A summary written for story {n}."
        files[f"content/{section.lower()}/story-{n}.md"] = article_text(
            title=f"Story number {n}", section=section, date=when(-n * 0.4),
            body=f"The lead paragraph of story {n}.\n\nA second paragraph, with **bold** words.\n", **fields)
    files["content/culture/lanterns/index.md"] = article_text(
        title="Lanterns in a bundle", section="Culture", date=when(-3.3), body="Lead.\n\n![A lantern](lantern.png)\n")
    files["content/culture/lanterns/lantern.png"] = png(20, 10)
    files["content/politics/draft.md"] = article_text(title="Not yet", date=when(-0.1), draft=True)
    files["content/sports/scheduled.md"] = article_text(title="Tomorrow's match", section="Sports", date=when(1))
    return files


def output_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".newsgen-output"}


def assert_same(mine: dict[str, bytes], theirs: dict[str, bytes]) -> None:
    """The same files with the same bytes (the names of those that differ, when not)."""
    assert mine.keys() == theirs.keys()
    assert [name for name in mine if mine[name] != theirs[name]] == []


class Newsroom:
    def __init__(self, root: Path, tmp: Path) -> None:
        self.root, self.tmp, self.out, self.n = root, tmp, root / "public", 0
        self.shared = False

    def build(self) -> BuildResult:
        return build(self.root, BuildOptions(out=self.out, jobs=2))

    def short(self) -> bool:
        """Whether the last build took the short way: no parse and no site model stage."""
        return not {"parse", "site model"} & {name for name, _ in self.last.stages}

    def check(self, short: bool) -> BuildResult:
        """Build; then assert which way it went and that its output is a cache-less serial build's."""
        self.last = self.build()
        assert self.short() is short, self.last.stages
        self.compare()
        return self.last

    def whole_way(self) -> None:
        """Build; assert it took the whole way, and compare its output when the comparison holds (see the
        fixture: with shared Latest News, not after a change to what that list shows)."""
        if self.shared:
            self.last = self.build()
            assert not self.short(), self.last.stages
        else:
            self.check(short=False)

    def compare(self) -> None:
        """The output is what a serial build without a cache makes of the same files."""
        self.n += 1
        reference = self.tmp / f"reference-{self.n}"
        build(self.root, BuildOptions(out=reference, jobs=1))
        assert_same(output_of(self.out), output_of(reference))

    def append(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(params=["latest news in each page", "shared latest news", "shared latest news, cache in small parts"])
def newsroom(request, make_site, png, tmp_path: Path, monkeypatch) -> Newsroom:  # type: ignore[no-untyped-def]
    """The site built once. With the default `shared_latest_news: true` an article page's own Latest News
    list is not kept current (the page shows /latest-news.json's), so it is compared only after body
    edits, which never change that list. "Cache in small parts": the cache file's parts hold ~2 entries
    each, as a site of a million articles' hold 16,384 (`records.RECORD_ENTRIES`), so that reading by key
    (`keyed.Parts`) and saving from the keys changed are what these builds go through."""
    if request.param.endswith("small parts"):
        from newsgen.incremental import records

        monkeypatch.setattr(records, "RECORD_ENTRIES", 2)
    shared = request.param.startswith("shared latest news")
    room = Newsroom(make_site(newsroom_files(png), extra_config=f"shared_latest_news: {str(shared).lower()}\n"), tmp_path)
    room.shared = shared
    room.check(short=False)  # the first build
    return room
