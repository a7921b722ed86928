"""The data a build remembers for the next one (typed; `codec` turns it into tuples for the file)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..fileio import Stamp

if TYPE_CHECKING:  # imported lazily: a build with nothing to do never loads the model
    from ..errors import Diagnostic
    from ..model import Article
    from .snapshot import Snapshot

Dependency = tuple[Stamp, str]  # a file's stamp and the digest of its content


class Fingerprint(NamedTuple):
    """What decides a page's bytes. The same fingerprint and the file in place: not rendered again."""

    common: str  # newsgen's version, the config, the options, the year (the footer's copyright line)
    templates: str  # the page's template and every template it uses
    kind: str  # the page's kind (article, listing, feed...)
    ref: str  # which feed (a section's or the site's); "" for other pages
    inputs: str  # what the page shows (pages.PageSpec.inputs)


@dataclass(slots=True)
class ParsedEntry:
    stamp: Stamp
    digest: str  # of the file's bytes: a new mtime with the same bytes (a fresh git checkout) is no change
    deps: tuple[Dependency, ...]  # files and folders the article depends on, with their digests
    article: Article | None
    diagnostics: tuple[Diagnostic, ...]  # (a list given is kept as a tuple: () for every clean article)
    packed: tuple[object, ...] | None = field(default=None, compare=False, repr=False)  # the article as stored

    def __post_init__(self) -> None:
        if type(self.diagnostics) is not tuple:
            self.diagnostics = tuple(self.diagnostics)


@dataclass
class State:
    config_digest: str = ""
    parsed: dict[str, ParsedEntry] = field(default_factory=dict)
    # output file -> fingerprint (read lazily: `keyed.Parts` or an `Overlay` of them until `codec.materialize`)
    pages: Mapping[str, Fingerprint] = field(default_factory=dict)
    # image source -> (stamp, digest, sizes of its variants in the image cache): images.Known
    images: dict[str, tuple[Stamp, str, tuple[tuple[str, int], ...]]] = field(default_factory=dict)
    outputs: AbstractSet[str] | None = None  # every file the last build left in the output (None: unknown; names.Names)
    template_refs: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # source hash -> refs
    related: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # site.RelatedMemo
    # (key, reuse.pack_site(site)): the last site model, reused while its key is the same
    site: tuple[str, tuple[object, ...]] | None = None
    # the cache file this state was read from, as read (codec.Base): saving then writes only what
    # changed since, into a small delta file next to it
    base: object = field(default=None, compare=False, repr=False)
    # which save of the cache this state is (a full file's id, or its delta's): the snapshot of the build
    # that saved it says the same, or the output was written by another build (one killed after it
    # published, a delta file lost, a cache restored from elsewhere) and `pages` does not describe it
    token: str = field(default="", compare=False, repr=False)
    # read but not yet decoded (cache.load(lazy=True)): the parsed entries as the file stores them, by
    # source; `codec.materialize` turns them into `parsed`. The body-edit path (bodyedit.py) reads
    # the few articles it needs from here and leaves the rest as they are.
    pending: Mapping[str, tuple[object, ...]] | None = field(default=None, compare=False, repr=False)
    # newsgen serve: the snapshot of the last build that succeeded (the CLI reads it from the output
    # folder), kept in memory, none while a build runs; what the body-edit path compares against
    snapshot: Snapshot | None = field(default=None, compare=False, repr=False)
    # files parsed again by builds that did not finish (newsgen serve keeps the state of a failed build):
    # `pages` holds the fingerprints of the pages of their last version, so none of their pages' inputs
    # may be taken from there (`reuse.known_inputs`); emptied when a build finishes
    unrendered: set[str] = field(default_factory=set, compare=False, repr=False)
    # newsgen serve: output files it rendered early (the page on screen, from an edit that may be undone
    # before the build) and not rendered by a build since (one that leaves them for later keeps them here):
    # the next build renders them, whichever way
    early: set[str] = field(default_factory=set, compare=False, repr=False)
