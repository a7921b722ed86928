#!/usr/bin/env python3
"""Rewrite a newsgen corpus (see make_corpus.py) into the layout each peer generator expects.

    python convert.py CORPUS_DIR OUT_DIR [--peers hugo,eleventy,pelican]

Writes OUT_DIR/hugo, OUT_DIR/eleventy and OUT_DIR/pelican: each a complete site for that
generator, with the minimal templates in peers/<name>/ beside this file. Every peer gets the same
articles with the same URLs (/<section-slug>/<slug>/), the same Markdown bodies and the same
static/ files. Needs PyYAML (run it with the peers' venv python). Not part of the timed build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ beside the benchmark files
sys.path.insert(0, HERE)
from make_corpus import slugify  # noqa: E402  (the one slug rule, the corpus's own)

TZ = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has no DST


def q(s) -> str:
    """A JSON string is a valid YAML double-quoted scalar."""
    return json.dumps(str(s), ensure_ascii=False)


def parse_date(v) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v if v.tzinfo else v.replace(tzinfo=TZ)
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day, tzinfo=TZ)
    d = dt.datetime.fromisoformat(str(v).strip())
    return d if d.tzinfo else d.replace(tzinfo=TZ)


def read_corpus(corpus: str):
    with open(os.path.join(corpus, "newsgen.yaml"), encoding="utf-8") as f:
        site = yaml.safe_load(f)
    sections = []
    for s in site["sections"]:
        sections.append({"name": s["name"], "slug": s.get("slug") or slugify(s["name"]),
                         "description": s.get("description", "")})
    by_name = {s["name"]: s for s in sections}
    articles = []
    root = os.path.join(corpus, "content")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(".md"):
                continue
            path = os.path.join(dirpath, fn)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            _, fm, body = text.split("---\n", 2)
            m = yaml.safe_load(fm)
            if m.get("draft"):
                continue
            sec = by_name[m["section"]]
            authors = m.get("authors") or ([m["author"]] if m.get("author") else [])
            a = {
                "rel": os.path.relpath(path, root),
                "title": str(m["title"]),
                "section": sec["name"],
                "section_slug": sec["slug"],
                "slug": str(m.get("slug") or slugify(str(m["title"]))),
                "authors": [str(x) for x in authors],
                "byline": " and ".join(str(x) for x in authors),
                "date": parse_date(m["date"]),
                "updated": parse_date(m["updated"]) if m.get("updated") else None,
                "summary": str(m.get("summary") or ""),
                "image": m.get("image"),
                "image_caption": m.get("image_caption"),
                "image_credit": m.get("image_credit"),
                "image_alt": m.get("image_alt"),
                "tags": [str(t) for t in (m.get("tags") or [])],
                "body": body.lstrip("\n"),
            }
            articles.append(a)
    return site, sections, articles


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def copy_tree(src: str, dst: str) -> None:
    if os.path.isdir(src):
        shutil.copytree(src, dst, dirs_exist_ok=True)


def iso(d: dt.datetime) -> str:
    return d.isoformat(timespec="seconds")


# --------------------------------------------------------------------------- Hugo

def to_hugo(site, sections, articles, corpus, out):
    copy_tree(os.path.join(HERE, "peers", "hugo"), out)
    copy_tree(os.path.join(corpus, "static"), os.path.join(out, "static"))
    perm = "\n".join(f"  {s['slug']} = '/:section/:slug/'" for s in sections)
    cfg = f"""baseURL = {q(site['base_url'])}
locale = {q(site.get('language', 'en'))}
title = {q(site['title'])}
timeZone = {q(site.get('timezone', 'UTC'))}
disableKinds = ['taxonomy', 'term', 'sitemap', 'robotsTXT', '404']
[pagination]
  pagerSize = {int(site.get('per_page', 20))}
  path = 'page'
  disableAliases = true
[params]
  latest_news = {int(site.get('latest_news', 10))}
[permalinks.page]
{perm}
[outputs]
  home = ['html', 'rss']
  section = ['html']
  page = ['html']
[outputFormats.rss]
  baseName = 'feed'
"""
    write(os.path.join(out, "hugo.toml"), cfg)
    for i, s in enumerate(sections):
        write(os.path.join(out, "content", s["slug"], "_index.md"),
              f"---\ntitle: {q(s['name'])}\ndescription: {q(s['description'])}\nweight: {i + 1}\n---\n")
    for a in articles:
        fm = [f"title: {q(a['title'])}", f"date: {iso(a['date'])}", f"slug: {q(a['slug'])}",
              f"description: {q(a['summary'])}"]
        if a["updated"]:
            fm.append(f"lastmod: {iso(a['updated'])}")
        fm.append("params:")
        fm.append(f"  byline: {q(a['byline'])}")
        for k in ("image", "image_caption", "image_credit", "image_alt"):
            if a[k]:
                fm.append(f"  {k}: {q(a[k])}")
        fm.append("  keywords: [" + ", ".join(q(t) for t in a["tags"]) + "]")
        write(os.path.join(out, "content", a["rel"]), "---\n" + "\n".join(fm) + "\n---\n\n" + a["body"])


# --------------------------------------------------------------------------- Eleventy

def to_eleventy(site, sections, articles, corpus, out):
    copy_tree(os.path.join(HERE, "peers", "eleventy"), out)
    copy_tree(os.path.join(corpus, "static"), os.path.join(out, "static"))
    data = {"title": site["title"], "base_url": site["base_url"].rstrip("/"),
            "language": site.get("language", "en"), "sections": sections,
            "latest_news": int(site.get("latest_news", 10)), "per_page": int(site.get("per_page", 20))}
    write(os.path.join(out, "_data", "site.json"), json.dumps(data, ensure_ascii=False, indent=1))
    for a in articles:
        fm = [f"title: {q(a['title'])}", f"date: {iso(a['date'])}", f"section: {q(a['section'])}",
              f"section_slug: {a['section_slug']}", f"byline: {q(a['byline'])}",
              f"summary: {q(a['summary'])}"]
        if a["updated"]:
            fm.append(f"updated: {iso(a['updated'])}")
        for k in ("image", "image_caption", "image_credit", "image_alt"):
            if a[k]:
                fm.append(f"{k}: {q(a[k])}")
        fm.append("keywords: [" + ", ".join(q(t) for t in a["tags"]) + "]")
        fm.append(f"permalink: /{a['section_slug']}/{a['slug']}/")
        fm.append("layout: article.njk")
        write(os.path.join(out, "content", a["rel"]), "---\n" + "\n".join(fm) + "\n---\n\n" + a["body"])


# --------------------------------------------------------------------------- Pelican

def to_pelican(site, sections, articles, corpus, out):
    copy_tree(os.path.join(HERE, "peers", "pelican"), out)
    copy_tree(os.path.join(corpus, "static"), os.path.join(out, "content", "static"))
    secs = [(s["name"], s["slug"], s["description"]) for s in sections]
    conf = open(os.path.join(HERE, "peers", "pelican", "pelicanconf.py"), encoding="utf-8").read()
    base = site["base_url"].rstrip("/")
    conf += (f"\nSITENAME = {site['title']!r}\nSITEURL = {base!r}\nFEED_DOMAIN = {base!r}\n"
             f"TIMEZONE = {site.get('timezone', 'UTC')!r}\nDEFAULT_LANG = {site.get('language', 'en')!r}\n"
             f"DEFAULT_PAGINATION = {int(site.get('per_page', 20))}\n"
             f"LATEST_NEWS = {int(site.get('latest_news', 10))}\nSECTIONS = {secs!r}\n")
    write(os.path.join(out, "pelicanconf.py"), conf)

    def one_line(s) -> str:
        return " ".join(str(s).split())

    for a in articles:
        md = [f"Title: {one_line(a['title'])}", f"Date: {a['date'].strftime('%Y-%m-%d %H:%M')}"]
        if a["updated"]:
            md.append(f"Modified: {a['updated'].strftime('%Y-%m-%d %H:%M')}")
        md.append(f"Category: {a['section']}")
        if len(a["authors"]) > 1:
            md.append("Authors: " + ", ".join(a["authors"]))
        elif a["authors"]:
            md.append(f"Author: {a['authors'][0]}")
        md.append(f"Slug: {a['slug']}")
        md.append(f"Summary: {one_line(a['summary'])}")
        for k in ("image", "image_caption", "image_credit", "image_alt"):
            if a[k]:
                md.append(f"{k.capitalize()}: {one_line(a[k])}")
        md.append("Keywords: " + ", ".join(a["tags"]))
        write(os.path.join(out, "content", a["rel"]), "\n".join(md) + "\n\n" + a["body"])


PEERS = {"hugo": to_hugo, "eleventy": to_eleventy, "pelican": to_pelican}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--peers", default="hugo,eleventy,pelican")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    site, sections, articles = read_corpus(a.corpus)
    print(f"read {len(articles)} articles in {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    for name in a.peers.split(","):
        t1 = time.perf_counter()
        dest = os.path.join(a.out, name)
        if os.path.exists(dest):
            shutil.rmtree(dest)
        PEERS[name](site, sections, articles, a.corpus, dest)
        print(f"{name}: converted in {time.perf_counter() - t1:.2f}s -> {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
