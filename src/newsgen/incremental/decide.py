"""Which pages to render again, and why: the whole incremental-build rule, in one place.

A page's fingerprint is what decides its bytes: newsgen's version, the config and the options (and
the year, for the footer's copyright line), the catalogs that translate the theme's words, its
templates (each with every template it uses), its kind, and what it shows (`pages.PageSpec.inputs`).
A page whose fingerprint is the last build's, and whose file is still in the output, is not rendered
again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .state import Fingerprint
from .version import VERSION

if TYPE_CHECKING:
    from ..config import SiteConfig
    from ..pages import PageSpec


@dataclass
class Decision:
    todo: list[PageSpec] = field(default_factory=list)  # pages to render now
    # every planned page's, to remember (the body-edit path: an overlay of the last build's, read by key)
    fingerprints: Mapping[str, Fingerprint] = field(default_factory=dict)
    unchanged: int = 0  # pages skipped: nothing they show changed
    deferred: list[str] = field(default_factory=list)  # left out by `only`: their old file stays, still stale
    reasons: list[str] = field(default_factory=list)  # "/url: why" for each page in todo (build -v)


def common_key(config: SiteConfig, preview: bool, now: dt.datetime) -> str:
    """The part of every fingerprint that all pages share. The catalogs of the site's language (the
    theme's and templates/locale/'s) are in it: a changed translation can reach any page."""
    from ..render.translations import load

    catalogs = ",".join(load(edition).digest for edition in config.editions)  # every edition's language
    text = f"{VERSION}|{config.digest}|{preview}|{config.base_url}|{now.year}|{catalogs}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def fingerprint(spec: PageSpec, common: str, templates: Mapping[str, str]) -> Fingerprint:
    return Fingerprint(common, templates.get(spec.template, ""), spec.kind,
                       repr(spec.ref) if spec.kind == "feed" else "", spec.inputs)


def decide(specs: Iterable[PageSpec], common: str, templates: Mapping[str, str], last: Mapping[str, Fingerprint],
           there: Callable[[str], bool], only: frozenset[str] | None = None, explain: bool = False,
           carried: Mapping[str, Fingerprint] | None = None) -> Decision:
    """Split the plan into pages to render and pages to keep. `templates`: each template's digest
    (render.templates.template_digests); `last`: the fingerprints of the last build; `there(out)`: is
    that file in the output folder (outputs.Outputs.there); `only`: render
    just these output files now (newsgen serve: what the browser shows), deferring the rest. `carried`:
    the pages not planned, unchanged (`carry_over`)."""
    fingerprints: dict[str, Fingerprint] = {}
    decision = Decision(fingerprints=fingerprints)
    previous_of, template_of = last.get, templates.get
    new, unchanged = tuple.__new__, 0  # (Fingerprint's own __new__ is a Python function: 12,600 calls at 10k)
    for spec in specs:
        kind, out = spec.kind, spec.out
        fp = new(Fingerprint, (common, template_of(spec.template, ""), kind, repr(spec.ref) if kind == "feed" else "",
                               spec.inputs))  # (= fingerprint(spec, common, templates))
        previous = previous_of(out)
        if previous == fp and there(out):
            fingerprints[out] = previous  # (equal: the state's own object, which saving then compares by identity)
            unchanged += 1
            continue
        fingerprints[out] = fp
        if only is not None and spec.out not in only:
            decision.deferred.append(spec.out)  # its old file stays; the next build renders it
            if previous is None:
                del fingerprints[spec.out]
            else:
                fingerprints[spec.out] = previous
            continue
        decision.todo.append(spec)
        if explain:
            decision.reasons.append(f"/{spec.url}: {why(previous, fp, spec)}")
    if carried:
        fingerprints.update(carried)
        unchanged += len(carried)
    decision.unchanged = unchanged
    return decision


def carry_over(carried: Mapping[tuple[str, str], list[str]], common: str, templates: Mapping[str, str],
               last: Mapping[str, Fingerprint], there: Callable[[str], bool]) -> dict[str, Fingerprint] | None:
    """The last build's fingerprints of the pages `pages.plan` carried (their inputs known: a new story's
    build, 10,000 pages not planned again), or None when one of them must be rendered: its file is not
    in the output, or newsgen, the config, the options or its template changed (then every page is
    planned). What decide() would find for them, without a PageSpec each: unchanged."""
    kept: dict[str, Fingerprint] = {}
    previous_of = last.get
    for (template, kind), outs in carried.items():
        digest = templates.get(template, "")
        for out in outs:
            previous = previous_of(out)  # (its inputs are the known ones: the rest of its fingerprint must be the same)
            if previous is None or previous[:4] != (common, digest, kind, "") or not there(out):
                return None
            kept[out] = previous
    return kept


def why(previous: Fingerprint | None, now: Fingerprint, spec: PageSpec) -> str:
    """Why a page is rendered again, for `build -v`."""
    if previous is None:
        return "new page"
    if previous == now:
        return "its file was missing from the output"
    if previous.common != now.common:
        return "newsgen.yaml, --base-url, a translation catalog or newsgen itself changed"
    if previous.templates != now.templates:
        return f"template {spec.template} (or a template it uses) changed"
    what = {"article": "the article or a story it links to changed",
            "listing": "an article it lists changed, or its page range moved"}
    return what.get(spec.kind, "what it shows changed")
