"""Random sequences of what a newsroom does to its site between builds (a body or a headline edited, tags,
dates, a story published, unpublished, renamed, moved back in time, a photo added, a file with an error
saved and fixed, several at once), built after every step the way an editor builds: `newsgen build` with
its cache and its shortcuts (the short way of body edits, the site model grown by new stories, the
inputs of pages kept from the last build), and `newsgen serve` with the build state in its memory. After
every step the output is, byte for byte, what a serial build without a cache makes of the same files.

The targeted tests (test_body_edit.py, test_incremental.py, test_new_story.py) check each change once,
from a freshly built site; these check that what one build leaves (its cache, its delta, its snapshot,
the preview's state) is a sound base for the next, whatever came before. The real clock: stories are
dated around now, so the two-day news sitemap and scheduled stories are live. Seeded: a failure names its
seed and step; NEWSGEN_SEQUENCE_SEEDS=1,2,3... runs other seeds, NEWSGEN_SEQUENCE_STEPS=n longer ones."""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import DEFAULT_CONFIG, article_text
from tests.e2e.newsroom import SECTIONS, output_of, when

from newsgen.build import BuildOptions, build
from newsgen.errors import BuildError

SEEDS = [int(s) for s in os.environ.get("NEWSGEN_SEQUENCE_SEEDS", "11,12").split(",") if s.strip()]
STEPS = int(os.environ.get("NEWSGEN_SEQUENCE_STEPS", "12"))
AUTHORS = ("Lan Pham", "Minh Vo", "Trần Minh Châu", "lan pham")  # (the last: another spelling of a name)
TAGS = ("rice", "exports", "football", "ports", "Huế", "elections", "Rice", "Hue")  # (so are the last two)
VI_SECTIONS = {"Politics": "Chính trị", "Sports": "Thể thao", "Culture": "Văn hóa"}
EDITIONS = """\
shared_latest_news: false
languages:
  - code: en
    name: English
  - code: vi
    name: Tiếng Việt
    title: Công báo
    sections:
      Politics: {name: Chính trị, slug: chinh-tri}
      Sports: {name: Thể thao, slug: the-thao}
      Culture: {name: Văn hóa, slug: van-hoa}
"""
KINDS = ["own latest news", "shared latest news", "two editions", "under a path", "classic pages"]


@dataclass
class Story:
    title: str
    section: str
    days: float  # its date: days from now (negative: past)
    body: str
    fields: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return article_text(title=self.title, section=self.section, date=when(self.days), body=self.body,
                            **self.fields)


class Room:
    """The site's files as stories (what each step changes), written to disk; each step returns the
    paths it touched (what a file watcher would report to `newsgen serve`)."""

    def __init__(self, root: Path, rng: random.Random, editions: bool = False) -> None:
        self.root, self.rng, self.n, self.editions = root, rng, 0, editions
        self.stories: dict[str, Story] = {}

    def place(self, name: str) -> tuple[str, str]:
        """A new story's file and section: in the Vietnamese edition now and then, on a site with two."""
        section = self.rng.choice(SECTIONS)
        if self.editions and self.rng.random() < 0.4:
            return f"content/vi/{section.lower()}/{name}.md", VI_SECTIONS[section]
        return f"content/{section.lower()}/{name}.md", section

    def add(self, rel: str, story: Story) -> list[str]:
        self.stories[rel] = story
        return self.write(rel)

    def write(self, rel: str) -> list[str]:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.stories[rel].text(), encoding="utf-8")
        return [rel]

    def pick(self, *, published: bool = True) -> str:
        names = sorted(rel for rel, s in self.stories.items()
                       if not published or not (s.fields.get("draft") or s.days > 0))
        return self.rng.choice(names)

    # ------------------------------------------------------------ the edits

    def body(self) -> list[str]:
        rel = self.pick()
        self.n += 1
        self.stories[rel].body += f"\nA paragraph the desk added, number {self.n}.\n"
        return self.write(rel)

    def headline(self) -> list[str]:
        rel = self.pick()
        self.n += 1
        self.stories[rel].title = f"{self.stories[rel].title.split(' (')[0]} (revised {self.n})"
        return self.write(rel)

    def summary(self) -> list[str]:
        rel = self.pick()
        self.n += 1
        self.stories[rel].fields["summary"] = f"A standfirst written at step {self.n}."
        return self.write(rel)

    def lead(self) -> list[str]:  # no summary: lists show the first paragraph
        rel = self.pick()
        self.n += 1
        story = self.stories[rel]
        story.fields.pop("summary", None)
        story.body = f"A new lead paragraph, number {self.n}.\n\n" + story.body.split("\n\n", 1)[-1]
        return self.write(rel)

    def tags(self) -> list[str]:
        rel = self.pick()
        self.stories[rel].fields["tags"] = self.rng.sample(TAGS, self.rng.randint(0, 3))
        return self.write(rel)

    def author(self) -> list[str]:
        rel = self.pick()
        self.stories[rel].fields.pop("authors", None)
        self.stories[rel].fields["author"] = self.rng.choice(AUTHORS)
        return self.write(rel)

    def byline(self) -> list[str]:  # several authors (now and then two spellings of one name: one page)
        rel = self.pick()
        fields = self.stories[rel].fields
        fields.pop("author", None)
        fields["authors"] = self.rng.sample(AUTHORS, self.rng.randint(1, 3))
        return self.write(rel)

    def profile(self) -> list[str]:  # an author's profile (their page's name and bio) added or taken away
        path = self.root / "newsgen.yaml"
        text = path.read_text(encoding="utf-8")
        block = "authors:\n  - name: Phạm Lan\n    slug: lan-pham\n    bio: Covers the port.\n"
        path.write_text(text.replace(block, "") if block in text else text + block, encoding="utf-8")
        return ["newsgen.yaml"]

    def date(self) -> list[str]:
        rel = self.pick(published=False)
        # back in time, within the news sitemap's two days, or days ahead (scheduled)
        self.stories[rel].days = self.rng.choice([-40.0, -9.5, -1.2, -0.3, 2.0])
        return self.write(rel)

    def publish(self) -> list[str]:  # news: newer than every story (the site model grown)
        self.n += 1
        rel, section = self.place(f"news-{self.n}")
        return self.add(rel, Story(
            f"Breaking story {self.n}", section, -0.001 * self.rng.random(),
            f"What happened, number {self.n}.\n\nMore of it.\n",
            {"author": self.rng.choice(AUTHORS), "tags": self.rng.sample(TAGS, 2)}))

    def backfill(self) -> list[str]:  # a story dated in the past: it lands in the middle of the lists
        self.n += 1
        rel, section = self.place(f"archive-{self.n}")
        return self.add(rel, Story(
            f"From the archive {self.n}", section, -self.rng.uniform(0.5, 20),
            f"An older story, number {self.n}.\n", {"author": self.rng.choice(AUTHORS)}))

    def remove(self) -> list[str]:
        rel = self.pick(published=False)
        del self.stories[rel]
        (self.root / rel).unlink()
        return [rel]

    def draft(self) -> list[str]:
        rel = self.pick(published=False)
        fields = self.stories[rel].fields
        fields["draft"] = not fields.get("draft", False)
        return self.write(rel)

    def alias(self) -> list[str]:
        rel = self.pick()
        self.n += 1
        self.stories[rel].fields.setdefault("aliases", []).append(f"/old/path-{self.n}/")
        return self.write(rel)

    def photo(self) -> list[str]:
        rel = self.pick()
        fields = self.stories[rel].fields
        if "image" in fields:
            for key in ("image", "image_caption", "image_credit"):
                fields.pop(key, None)
        else:
            fields.update(image="/images/photo.png", image_caption="The harbour at dawn.", image_credit="AP")
        return self.write(rel)

    def rename(self) -> list[str]:  # the same story under another file name (its URL comes from its title)
        rel = self.pick(published=False)
        self.n += 1
        new = f"{rel.rsplit('/', 1)[0]}/renamed-{self.n}.md"
        (self.root / rel).rename(self.root / new)
        self.stories[new] = self.stories.pop(rel)
        return [rel, new]

    def touch(self) -> list[str]:  # the same bytes, a new mtime (a checkout)
        rel = self.pick(published=False)
        os.utime(self.root / rel, ns=(self.n + 1, self.n + 1))
        return [rel]

    def bundle(self) -> list[str]:
        rel = "content/culture/lanterns/index.md"
        if rel not in self.stories:  # (removed or renamed by an earlier step)
            return self.body()
        self.n += 1
        self.stories[rel].body += f"\nMore lanterns, number {self.n}.\n"
        return self.write(rel)

    def updated(self) -> list[str]:  # "Updated ...": the story's last change, in feeds and sitemaps
        rel = self.pick()
        self.stories[rel].fields["updated"] = when(-self.rng.uniform(0, 0.2))
        return self.write(rel)

    def correction(self) -> list[str]:
        rel = self.pick()
        self.n += 1
        self.stories[rel].fields.setdefault("corrections", []).append(
            {"date": when(-0.01), "text": f"An earlier version misstated figure {self.n}."})
        return self.write(rel)

    def slug(self) -> list[str]:  # a new address for a story (its old one goes away)
        rel = self.pick()
        self.n += 1
        self.stories[rel].fields["slug"] = f"custom-address-{self.n}"
        return self.write(rel)

    def picture(self) -> list[str]:  # a photo replaced by one of another size: every story showing it
        from tests.conftest import tiny_png

        rel = self.rng.choice(["static/images/photo.png", "content/culture/lanterns/lantern.png"])
        if not (self.root / rel).exists():
            return self.body()
        self.n += 1
        (self.root / rel).write_bytes(tiny_png(20 + self.n % 7 * 10, 10 + self.n % 5 * 10))
        return [rel]

    def template(self) -> list[str]:  # the site's own article template, added or taken away
        rel = "templates/article.html"
        path = self.root / rel
        if path.exists():
            path.unlink()
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text('{% extends "theme/article.html" %}{% block after_body %}<p class="kicker-note">'
                            '{{ article.title }}</p>{% endblock %}', encoding="utf-8")
        return [rel]

    def config(self) -> list[str]:  # a setting every list depends on
        path = self.root / "newsgen.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("per_page: 3", "per_page: 4") if "per_page: 3" in text
                        else text.replace("per_page: 4", "per_page: 3"), encoding="utf-8")
        return ["newsgen.yaml"]

    def static(self) -> list[str]:  # a file published as it is
        self.n += 1
        rel = f"static/files/note-{self.n}.txt"
        (self.root / "static/files").mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(f"Note {self.n}\n", encoding="utf-8")
        return [rel]

    def section(self) -> list[str]:  # a story moved to another section (its address and its lists change)
        rel = self.pick()
        story = self.stories[rel]
        names = list(VI_SECTIONS.values()) if story.section in VI_SECTIONS.values() else list(SECTIONS)
        story.section = self.rng.choice([name for name in names if name != story.section])
        return self.write(rel)

    def settings(self) -> list[str]:  # another setting that lists, feeds or every page depend on, changed back and forth
        path = self.root / "newsgen.yaml"
        text = path.read_text(encoding="utf-8")
        key, value, other = self.rng.choice([
            ("feed_items", "4", None), ("home_per_section", "2", None), ("latest_news", "3", "5"),
            ("title", "Test Gazette Daily", "Test Gazette"), ("description", "Stories from the desk.", "News for tests.")])
        new = other if f"\n{key}: {value}\n" in f"\n{text}" else value
        lines = [line for line in text.splitlines(keepends=True) if not line.startswith(f"{key}:")]
        path.write_text("".join(lines) + (f"{key}: {new}\n" if new is not None else ""), encoding="utf-8")
        return ["newsgen.yaml"]

    def unstatic(self) -> list[str]:  # a published file taken away
        files = sorted((self.root / "static/files").glob("*.txt")) if (self.root / "static/files").is_dir() else []
        if not files:
            return self.static()
        victim = self.rng.choice(files)
        victim.unlink()
        return [victim.relative_to(self.root).as_posix()]

    def several(self) -> list[str]:
        return [*self.body(), *self.rng.choice([self.body, self.headline, self.tags, self.publish])()]

    EDITS: tuple[str, ...] = ("body", "body", "body", "headline", "summary", "lead", "tags", "author", "date",
                              "publish", "publish", "backfill", "remove", "draft", "alias", "photo", "rename",
                              "touch", "bundle", "several", "template", "config", "static", "updated",
                              "correction", "slug", "picture", "section", "settings", "unstatic", "byline",
                              "profile")


def start(make_site: Callable[..., Path], png: Callable[..., bytes], seed: int, kind: str) -> Room:
    """18 stories, a bundle and a scheduled one; on a site with two editions, every third story translated
    (the same path under content/vi/) and a few of the edition's own."""
    rng = random.Random(seed)
    editions = kind == "two editions"
    extra = EDITIONS if editions else f"shared_latest_news: {str(kind == 'shared latest news').lower()}\n"
    config = DEFAULT_CONFIG  # (under a path: every link of every page, feed and body under /news/)
    if kind == "classic pages":  # (newest first: every page of a list moves when a story is added)
        extra += "pagination: classic\n"
    if kind == "under a path":
        config = config.replace("base_url: https://gazette.example.org/", "base_url: https://gazette.example.org/news/")
    root = make_site({"static/images/photo.png": png(40, 30), "content/culture/lanterns/lantern.png": png(20, 10)},
                     config=config + extra)
    room = Room(root, rng, editions)
    if editions:
        for n in range(0, 18, 3):
            section = SECTIONS[n % 3]
            room.add(f"content/vi/{section.lower()}/story-{n}.md", Story(
                f"Bài số {n}", VI_SECTIONS[section], -n * 0.7 - 0.1, f"Đoạn mở đầu của bài {n}.\n",
                {"author": AUTHORS[2], "tags": [TAGS[4]]}))
        room.add("content/vi/sports/rieng.md", Story("Chỉ có ở bản tiếng Việt", "Thể thao", -2.2, "Nội dung.\n"))
    for n in range(18):
        fields: dict[str, Any] = {"author": AUTHORS[n % 3], "tags": [TAGS[n % 6], TAGS[(n * 2 + 1) % 6]]}
        if n % 4 == 0:
            fields.update(image="/images/photo.png", image_caption="The harbour at dawn.", image_credit="AP")
        room.add(f"content/{SECTIONS[n % 3].lower()}/story-{n}.md", Story(
            f"Story number {n}", SECTIONS[n % 3], -n * 0.7, f"The lead paragraph of story {n}.\n\nMore text"
            f"{', and [the section](/politics/)' if n % 5 == 1 else ''}.\n", fields))
    room.add("content/culture/lanterns/index.md", Story("Lanterns in a bundle", "Culture", -3.3,
                                                        "Lead.\n\n![A lantern](lantern.png)\n"))
    room.add("content/sports/scheduled.md", Story("Tomorrow's match", "Sports", 1.5, "Preview.\n"))
    return room


def normalized(files: dict[str, bytes], shared: bool) -> dict[str, bytes]:
    """With shared Latest News an article page's own copy of that list is not kept current, by design
    (latest.js shows /latest-news.json's): compared without its items."""
    if not shared:
        return files
    from tests.e2e.test_incremental import without_latest_list

    return {name: without_latest_list(data) if name.endswith("/index.html") and b"data-latest" in data else data
            for name, data in files.items()}


def same(mine: Path, reference: Path, shared: bool, where: str) -> None:
    ours, theirs = normalized(output_of(mine), shared), normalized(output_of(reference), shared)
    assert sorted(ours.keys() ^ theirs.keys()) == [], where
    assert [name for name in ours if ours[name] != theirs[name]] == [], where


class Clock:
    """Now and then the clock moves on between two steps, by half an hour to a day and a half: scheduled
    stories come due, stories leave the two-day news sitemap (the builds of newsgen, in this process,
    see it; the real program does not, so it is not run once the clock has moved)."""

    def __init__(self, freeze: Callable[[dt.datetime], None]) -> None:
        self.freeze, self.hours = freeze, 0.0
        self.start = dt.datetime.now(dt.UTC)

    def advance(self, rng: random.Random) -> str:
        if rng.random() >= 0.15:
            return ""
        self.hours += rng.uniform(0.5, 36)
        self.freeze(self.start + dt.timedelta(hours=self.hours))
        return f" (the clock {self.hours:.1f} h on)"


def run_program(root: Path, out: Path, options: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-c", "from newsgen.cli import run; run()", "build", "-q", "--out", str(out),
                           *options], cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def damage_cache(room: Room, out: Path) -> str:
    """One of the files the cache keeps for the output `out` (the build state, its delta, the inputs'
    snapshot) cut short, filled with other bytes, or removed: the build after it must still write what a
    full build writes (it may warn and build more)."""
    from newsgen.incremental import cache, snapshot

    places = [cache.cache_file(room.root, out), cache.delta_file(room.root, out), snapshot.file_for(room.root, out)]
    files = [Path(p) for p in places if Path(p).is_file()]
    assert files, "the last build left no cache for its output"
    victim = room.rng.choice(files)
    how = room.rng.choice(["cut short", "other bytes", "removed"])
    if how == "removed":
        victim.unlink()
    elif how == "cut short":
        victim.write_bytes(victim.read_bytes()[: room.rng.randint(0, max(victim.stat().st_size - 1, 0))])
    else:
        data = bytearray(victim.read_bytes())
        for _ in range(8):
            if data:
                data[room.rng.randrange(len(data))] ^= 0xFF
        victim.write_bytes(bytes(data))
    return f"cache file {victim.name} {how}"


def an_error(room: Room) -> str:
    """A file saved with a mistake in it (an unknown section): the build fails and changes nothing."""
    rel = "content/politics/broken.md"
    (room.root / rel).write_text(article_text(title="Half written", section="Nowhere", date=when(-0.01)), "utf-8")
    return rel


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_newsgen_build_after_every_step_writes_what_a_full_build_writes(make_site, png, freeze_clock,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path, seed: int, kind: str) -> None:
    room = start(make_site, png, seed, kind)
    clock = Clock(freeze_clock)
    shared = kind == "shared latest news"
    out = room.root / "public"
    flags: dict[str, bool] = {}  # --drafts, --future: now and then turned on or off for the builds that follow
    build(room.root, BuildOptions(out=out, jobs=2))
    for step in range(STEPS):
        name = room.rng.choice(Room.EDITS)
        getattr(room, name)()
        where = f"seed {seed}, step {step}: {name}"
        where += clock.advance(room.rng)
        if room.rng.random() < 0.2:
            option = room.rng.choice(["drafts", "future"])
            flags[option] = not flags.get(option, False)
            where += f", {flags}"
        if room.rng.random() < 0.15:  # a mistake saved too: nothing is written, then it is fixed
            before = output_of(out)
            broken = an_error(room)
            with pytest.raises(BuildError, match="Nowhere"):
                build(room.root, BuildOptions(out=out, jobs=room.rng.choice([1, 2]), **flags))
            assert output_of(out) == before, where
            (room.root / broken).unlink()
        damage = room.rng.random()
        if damage < 0.08:  # a CI runner that restored the cache but not the output
            shutil.rmtree(out)
        elif damage < 0.16:  # a page removed by hand
            room.rng.choice(sorted(out.rglob("index.html"))).unlink()
        elif damage < 0.24:  # the build cache damaged (a runner's cache half restored, a disk full)
            where += ", " + damage_cache(room, out)
        if room.rng.random() < 0.25 and not clock.hours:  # the real program (the no-change answer, the walk first)
            run_program(room.root, out, [f"--{option}" for option, on in sorted(flags.items()) if on])
        else:
            build(room.root, BuildOptions(out=out, jobs=room.rng.choice([1, 2]), **flags))
        reference = tmp_path / f"reference-{step}"
        build(room.root, BuildOptions(out=reference, jobs=1, **flags))
        same(out, reference, shared, where)
        assert build(room.root, BuildOptions(out=out, jobs=2, **flags)).rendered == 0, where  # then nothing to do


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_newsgen_serve_after_every_save_shows_what_a_full_build_writes(make_site, png, freeze_clock,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path, seed: int, kind: str) -> None:
    from newsgen.serve.changes import rebuild_for
    from newsgen.serve.clients import Hub
    from newsgen.serve.rwlock import ReadWriteLock
    from newsgen.serve.session import Session

    room = start(make_site, png, seed + 1000, kind)
    shared = kind == "shared latest news"
    preview = tmp_path / "preview"
    session = Session(room.root, preview, Hub(), ReadWriteLock())
    assert session.first() is not None
    clock = Clock(freeze_clock)
    for step in range(STEPS):
        name = room.rng.choice(Room.EDITS)
        touched = getattr(room, name)()
        where = f"seed {seed + 1000}, step {step}: {name}" + clock.advance(room.rng)
        if room.rng.random() < 0.15:  # saved with a mistake: the preview keeps the last good pages; then fixed
            before = output_of(preview)
            broken = an_error(room)
            assert session.rebuild(rebuild_for([*touched, broken])) is None, where  # type: ignore[arg-type]
            assert output_of(preview) == before, where
            (room.root / broken).unlink()
            touched = [*touched, broken]
        # a tab open on a page now and then: the preview renders it first, from the model in its memory,
        # then builds only it and catches up with the rest in chunks (as between an editor's saves)
        pages = sorted(p.relative_to(preview).as_posix() for p in preview.rglob("index.html"))
        tab = room.rng.choice(pages) if pages and room.rng.random() < 0.5 else None
        session.hub.shown = functools.partial(set, [tab] if tab else [])  # type: ignore[method-assign]
        change = rebuild_for(touched)
        if tab and change is not None and room.rng.random() < 0.4:  # the save's first events: shown before the batch
            session.show_first(change)
            if room.rng.random() < 0.3:  # and the editor goes on to another page before the build
                other = room.rng.choice(pages)
                session.hub.shown = functools.partial(set, [other])  # type: ignore[method-assign]
                where += f", the tab moved from {tab} to {other}"
                tab = other
        assert session.rebuild(change) is not None, where  # type: ignore[arg-type]
        reference = tmp_path / f"reference-{step}"
        build(room.root, BuildOptions(out=reference, preview=True, jobs=1))
        if tab and (reference / tab).is_file():  # the page on screen is current before the rest is
            assert normalized({tab: (preview / tab).read_bytes()}, shared) == \
                normalized({tab: (reference / tab).read_bytes()}, shared), f"{where}, the tab on {tab}"
        if session.deferred and room.rng.random() < 0.3 and step < STEPS - 1:
            session.catch_up()  # the next save comes before the preview has caught up with this one
            continue
        while session.deferred:
            assert session.catch_up() is not None, where
        same(preview, reference, shared, where)
