"""Tag and author names with no letter or digit ("!!!", "---"): each its own slug, a short stable hash of
the name, never a real name's slug (fuzzing review: they all shared /tags/tag/ with a real tag "Tag")."""

from __future__ import annotations

import re
from pathlib import Path

from tests.unit.test_site import art, config

from newsgen.config import parse_config
from newsgen.model import Tag
from newsgen.site import authors_of, build_site, tags_of
from newsgen.slugs import fallback_slugs

FALLBACK = re.compile(r"(tag|author)-[0-9a-f]{6}")


def test_each_name_its_own_stable_slug() -> None:
    slugs = fallback_slugs("tag", ["!!!", "???", "!!!"], ())
    assert slugs == fallback_slugs("tag", ["???", "!!!"], ())  # the same in every build, whatever the order
    assert slugs["!!!"] != slugs["???"]
    assert all(FALLBACK.fullmatch(s) for s in slugs.values())


def test_never_a_slug_taken_by_a_real_name_or_another_fallback() -> None:
    short = fallback_slugs("tag", ["!!!"], ())["!!!"]
    longer = fallback_slugs("tag", ["!!!"], {short})["!!!"]
    assert longer.startswith(short) and longer != short
    assert fallback_slugs("tag", ["!!!"], {short}, {"???": longer})["!!!"] not in (short, longer)


def test_tags_with_no_letter_or_digit_keep_their_names_and_pages() -> None:
    arts = [art(1, tags=("!!!", "???")), art(2, tags=("Tag", "!!!"))]
    site, _ = build_site(arts, config())
    assert site.tags["!!!"].name == "!!!" and site.tags["???"].name == "???"
    assert site.tags["!!!"].slug != site.tags["???"].slug
    assert site.tags["Tag"].slug == "tag" and site.tags["Tag"].name == "Tag"
    listed = {lst.key: lst.title for lst in site.listings if lst.kind == "tag"}
    assert listed == {"tag": "Tag", site.tags["!!!"].slug: "!!!", site.tags["???"].slug: "???"}


def test_authors_with_no_letter_or_digit_keep_their_names_and_profiles() -> None:
    cfg = parse_config('sections: [Politics]\nauthors:\n  - name: "---"\n    bio: Anonymous desk\n', Path("/site"))
    authors = authors_of((art(2, authors=("---", "Author")), art(1, authors=("***",))), cfg)
    assert authors["Author"].slug == "author"
    assert authors["---"].name == "---" and authors["---"].bio == "Anonymous desk"  # its profile, found by name
    assert authors["***"].name == "***" and authors["***"].bio == ""
    assert len({a.slug for a in authors.values()}) == 3
    assert all(FALLBACK.fullmatch(authors[n].slug) for n in ("---", "***"))


def test_a_newer_real_name_takes_an_older_fallbacks_slug() -> None:
    """tags_of with `older` (an incremental build): the real name gets its own slug, the fallback moves
    (the site model then differs from the last one's, and the build starts over), as a clean build gives."""
    older = tags_of([art(1, tags=("!!!",))], "")
    taken = older["!!!"].slug
    newer = art(2, tags=(taken,))
    grown = tags_of([newer], "", older)
    clean = tags_of([newer, art(1, tags=("!!!",))], "")
    assert grown == clean
    assert grown[taken] == Tag(name=taken, slug=taken)
    assert grown["!!!"].name == "!!!" and grown["!!!"].slug not in (taken, "tag")
