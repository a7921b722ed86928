#!/usr/bin/env python3
"""A site in two language editions at scale: what a new story in one language rewrites.

    python benchmarks/editions.py 10000 [--share 3] [--work /tmp/editions] [--save]

Makes the benchmark corpus (make_corpus.py, N English articles), adds a Vietnamese edition (`languages:`
en + vi, every section named in Vietnamese) holding a translation of every `--share`-th article at the
same path under content/vi/, builds it cold, then times three one-story changes, each followed by a
rebuild, and counts the files each writes, by edition:

    new vi story         a Vietnamese story with no English version
    new vi translation   the Vietnamese version of an English story that had none
    new en story         an English story with no Vietnamese version

What should be rewritten (docs/languages.md): the new story's edition's pages that list it (its home,
section front page, author and tag pages, feeds, sitemaps, latest-news.json) and, for a translation, in
the other edition only the original story's page and that edition's sitemap. `--save` appends the table
to benchmarks/RESULTS.md. Needs newsgen importable (the repository's venv).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VI_SECTIONS = ["Chính trị", "Thế giới", "Kinh doanh", "Công nghệ", "Văn hóa", "Thể thao", "Bình luận",
               "Đời sống", "Giáo dục", "Sức khỏe"]


def make_site(n: int, share: int, work: Path) -> Path:
    site = work / f"site-{n}"
    if site.exists():
        shutil.rmtree(site)
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--articles", str(n), "--out", str(site)],
                   check=True, stdout=subprocess.DEVNULL)
    config = (site / "newsgen.yaml").read_text(encoding="utf-8")
    names = re.findall(r"^\s*- name: (.+)$", config.split("sections:", 1)[1], flags=re.M)
    sections = "\n".join(f"      {name.strip()}: {VI_SECTIONS[k % len(VI_SECTIONS)]}{' ' + str(k) if k >= 10 else ''}"
                         for k, name in enumerate(names))
    config = re.sub(r"^language: .*\n", "", config, flags=re.M)
    config += ("languages:\n  - code: en\n    name: English\n  - code: vi\n    name: Tiếng Việt\n"
               f"    sections:\n{sections}\n")
    (site / "newsgen.yaml").write_text(config, encoding="utf-8")
    articles = sorted((site / "content").rglob("*.md"))
    for k, path in enumerate(articles):
        if k % share:
            continue
        rel = path.relative_to(site / "content")
        target = site / "content" / "vi" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_vietnamese(path.read_text(encoding="utf-8")), encoding="utf-8")
    return site


def _vietnamese(text: str) -> str:
    """The story as its Vietnamese version: a Vietnamese title (the body and any `slug:` stay the corpus's)."""
    head, _, body = text[4:].partition("\n---\n")
    lines = []
    for line in head.split("\n"):
        if line.startswith("title: "):
            line = "title: " + json.dumps("Bản tin – " + line[7:].strip().strip("'\"").replace("'", "’"),
                                          ensure_ascii=False)
        lines.append(line)
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def story(section: str, title: str, date: str) -> str:
    return (f"---\ntitle: {title}\nsection: {section}\nauthor: Benchmark Desk\ndate: {date}\n"
            f"tags: [Benchmark]\n---\n\nA new story, published to see what a rebuild rewrites.\n")


def _an_hour_ago() -> str:
    import datetime as dt

    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")


def run(site: Path) -> tuple[float, list[str]]:
    from newsgen.build import BuildOptions, build

    started = time.perf_counter()
    result = build(site, BuildOptions(out=site / "public"))
    return time.perf_counter() - started, result.changed


def by_edition(files: list[str]) -> tuple[int, int, list[str]]:
    vi = [f for f in files if f.startswith("vi/")]
    en = [f for f in files if not f.startswith("vi/")]
    return len(en), len(vi), en if len(en) <= 12 else en[:12] + ["..."]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("articles", type=int)
    ap.add_argument("--share", type=int, default=3, help="translate every SHARE-th story into Vietnamese")
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsgen-editions"))
    ap.add_argument("--save", action="store_true", help="append the table to benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    site = make_site(args.articles, args.share, args.work)
    en_count = len(list((site / "content").rglob("*.md"))) - len(list((site / "content" / "vi").rglob("*.md")))
    vi_count = len(list((site / "content" / "vi").rglob("*.md")))
    seconds, files = run(site)
    rows = [("cold build", seconds, len(files), None)]
    total = sum(1 for p in (site / "public").rglob("*") if p.is_file())
    first_en = sorted(p for p in (site / "content").rglob("*.md") if "/vi/" not in str(p))[-1]
    section = re.search(r"^section: (.+)$", first_en.read_text(encoding="utf-8"), flags=re.M).group(1).strip()
    changes = [
        ("new vi story", site / "content/vi/bench/new-vi-story.md",
         story(section, "Bản tin mới chỉ có tiếng Việt", _an_hour_ago())),
        ("new vi translation", site / "content/vi" / first_en.relative_to(site / "content"),
         _vietnamese(first_en.read_text(encoding="utf-8"))),
        ("new en story", site / "content/bench/new-en-story.md",
         story(section, "A new story in English only", _an_hour_ago())),
    ]
    if changes[1][1].exists():  # that story has its translation already: take one that has none
        for path in sorted(p for p in (site / "content").rglob("*.md") if "/vi/" not in str(p)):
            target = site / "content/vi" / path.relative_to(site / "content")
            if not target.exists():
                changes[1] = ("new vi translation", target, _vietnamese(path.read_text(encoding="utf-8")))
                break
    for name, path, text in changes:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        seconds, files = run(site)
        rows.append((name, seconds, len(files), by_edition(files)))
    lines = [f"### Two language editions at {args.articles:,} articles ({en_count:,} en + {vi_count:,} vi, "
             f"{total:,} files)", "",
             "`python benchmarks/editions.py " + " ".join(argv or sys.argv[1:]) + "`, in-process builds (no start-up):",
             "", "| change | build s | files written | of them en | of them vi | en files written |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for name, seconds, count, split in rows:
        if split is None:
            lines.append(f"| {name} | {seconds:.2f} | {count:,} | | | |")
        else:
            en, vi, en_files = split
            lines.append(f"| {name} | {seconds:.2f} | {count:,} | {en} | {vi} | {', '.join(en_files) or '-'} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.save:
        results = HERE / "RESULTS.md"
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        with results.open("a", encoding="utf-8") as f:
            f.write(f"\n{table.replace('###', '### (' + stamp + ')', 1)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
