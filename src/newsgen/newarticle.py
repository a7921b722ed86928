"""`newsgen new`: a correctly filled article file in the right folder."""

from __future__ import annotations

import json
from pathlib import Path

from .config import load_config
from .content.frontmatter import LEAD_PROMPT, SUMMARY_PROMPT
from .dates import now as tz_now
from .errors import BuildError, Diagnostic, did_you_mean
from .slugs import name_slug


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def new_article(root: Path, title: str, section: str, authors: list[str], draft: bool = True,
                lang: str | None = None) -> Path:
    site = load_config(root)
    config, content = site, root / "content"
    if lang is not None:
        codes = [e.language for e in site.editions]
        lang = next((c for c in codes if c.lower() == lang.replace("_", "-").lower()), lang)
        if lang not in codes:
            raise BuildError([Diagnostic("--lang", None, f'"{lang}" is not a language of this site',
                                         "languages in newsgen.yaml: " + (", ".join(codes)))])
        config = site.editions[codes.index(lang)]
        if config.prefix:
            content = content / lang
    found = config.section_by_name(section)
    if found is None and site.section_by_name(section) is not None:
        found = config.sections[[s.name for s in site.sections].index(site.section_by_name(section).name)]  # type: ignore[union-attr]
    if found is None:
        raise BuildError([Diagnostic("--section", None, f'unknown section "{section}"',
                                     did_you_mean(section, [s.name for s in config.sections])
                                     or "sections: " + ", ".join(s.name for s in config.sections))])
    title = title.strip()
    slug = name_slug(title)  # the URL's slug, as the build makes it (a long title's cut at a word)
    if not title or not slug:
        raise BuildError([Diagnostic("TITLE", None, "the title needs letters or digits")])
    if not title.isprintable():  # a line break or a control character: check would refuse the file
        raise BuildError([Diagnostic("TITLE", None, "the title must be one line of text, without control characters",
                                     "type it again as one line")])
    now = tz_now(config.tz)
    # an edition's story goes where its translation would (docs/languages.md): content/<code>/ and the
    # site's own section folder, which an edition's section slug (a URL's word in its language) is not
    folder = content / site.sections[[s.name for s in config.sections].index(found.name)].slug / f"{now:%Y}"
    path = folder / f"{slug}.md"
    if path.exists():
        raise BuildError([Diagnostic(str(path), None, "an article with this file name exists already",
                                     "choose another title")])
    # slug: written out, so that the page keeps its address when the headline is changed later (a
    # link shared or indexed goes on working); an editor may change it before the story is published
    lines = ["---", f"title: {_yaml_text(title)}", f"slug: {slug}", f"section: {_yaml_text(found.name)}"]
    if len(authors) == 1:
        lines.append(f"author: {_yaml_text(authors[0])}")
    elif authors:
        lines.append("authors: [" + ", ".join(_yaml_text(a) for a in authors) + "]")
    lines += [
        f"date: {now:%Y-%m-%d %H:%M}",
        # A summary of its own: without one the page would show the lead paragraph twice (as the
        # standfirst under the headline, and again as the body's first paragraph).
        f"summary: {_yaml_text(SUMMARY_PROMPT)}",
        "tags: []",
        "# image: photo.jpg",
        "# image_caption: ",
        "# image_credit: ",
    ]
    if draft:
        lines.append("draft: true")
    lines += ["---", "", LEAD_PROMPT, "", "## A subheading", "", "More text.", ""]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:  # "x": never over a file made meanwhile
            f.write("\n".join(lines))
    except OSError as exc:
        raise BuildError([Diagnostic(str(path), None, f"cannot write the article: {exc.strerror}",
                                     "check the folder's permissions and free space")]) from None
    return path
