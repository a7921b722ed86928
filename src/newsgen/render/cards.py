"""Cards rendered once per build, up front, and kept in spool files rather than in memory (but on a
site that shows at most IN_MEMORY_MAX of them: in a dict).

A story's card is on its section's, authors' and tags' lists and among newer stories' related lists. A
parallel build first renders, over the pool, each card the pages will show, in the variants their
templates ask for (`h.card(...)` calls with constant arguments: templates.card_variants), once
(10,000 articles: 20k card renders instead of 36k). The card workers append the cards to spool files
in the system's temp folder (one per worker); this process keeps only where each one is (a few bytes
a card, in arrays indexed by article), and a page worker reads a card back by offset whenever a page
shows it. So the cards' HTML is never held in memory, neither here nor copied into each page worker
(at 100,000 articles that was ~250 MB here, and their dict again in every worker).
"""

from __future__ import annotations

import shutil
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..fileio import Readers
from ..parallel import PARALLEL_MIN, Executor, spool_folder, spool_write
from .environment import make_env
from .helpers import Helpers
from .inputs import RenderInputs
from .limits import limited
from .templates import CardVariant, card_variants

if TYPE_CHECKING:
    import jinja2

    from ..model import Site
    from ..pages import PageSpec

CARD = "_card.html"
_FILE_SHIFT = 40  # a place is (spool file number << 40) | offset
_OFFSET = (1 << _FILE_SHIFT) - 1
RECENT = 8192  # cards a process keeps after reading them (~10 MB, whatever the site's size)
# cards up to which they are kept in the build's memory instead (~1.3 KB each: ~65 MB; 10,000 articles
# show ~20,000), in a dict that the page workers inherit: read back ~10x faster than from a spool file
IN_MEMORY_MAX = 50_000


class CardStore:
    """Where each card rendered up front is, and the HTML read back on demand. Made in the build's
    process (`put`, as the card workers report), then inherited read-only by the page workers (`get`);
    each process opens each spool file once."""

    def __init__(self, site: Site) -> None:
        self._index = {a.source: i for i, a in enumerate(site.articles)}
        self._n = len(site.articles)
        self._variants: dict[tuple[object, ...], int] = {}  # card()'s arguments after the article -> number
        self._at: list[array[int]] = []  # per variant, per article: place, -1 when not rendered up front
        self._length: list[array[int]] = []
        self._files: list[str] = []
        self._file_no: dict[str, int] = {}
        self._readers = Readers()
        self._recent: OrderedDict[tuple[object, ...], Markup] = OrderedDict()  # per process, at most RECENT

    def __len__(self) -> int:
        return sum(1 for places in self._at for at in places if at >= 0)

    def put(self, key: tuple[object, ...], path: str, offset: int, length: int) -> None:
        """Card `key` (as Helpers keys fragments: template, article source, card()'s arguments) is in
        `path` at `offset`."""
        v = self._variants.get(key[2:])
        if v is None:
            v = self._variants[key[2:]] = len(self._at)
            self._at.append(array("q", [-1]) * self._n)
            self._length.append(array("l", [0]) * self._n)
        f = self._file_no.get(path)
        if f is None:
            f = self._file_no[path] = len(self._files)
            self._files.append(path)
        i = self._index[str(key[1])]
        self._at[v][i] = (f << _FILE_SHIFT) | offset
        self._length[v][i] = length

    def get(self, key: tuple[object, ...]) -> Markup | None:
        """The card's HTML, None when it was not rendered up front (or cannot be read: then the page
        renders it, as without this). The last RECENT cards read are kept (a story's card is often
        shown again soon: among the related stories of the next ones, on the next list pages)."""
        html = self._recent.get(key)
        if html is not None or key[0] != CARD:
            return html
        v = self._variants.get(key[2:])
        i = self._index.get(key[1])  # type: ignore[call-overload]
        if v is None or i is None:
            return None
        at = self._at[v][i]
        if at < 0:
            return None
        f, offset, length = at >> _FILE_SHIFT, at & _OFFSET, self._length[v][i]
        text = self._readers.read(self._files[f], offset, length)
        if text is None:
            return None
        html = self._recent[key] = Markup(text)  # noqa: S704 - autoescaped by Jinja
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return html

    def close(self) -> None:
        """Close this process's descriptors (before the files are deleted)."""
        self._readers.close()


Cards = CardStore | dict[tuple[object, ...], Markup]  # (a plain mapping where cards come from elsewhere)


@contextmanager
def cards_up_front(specs: Sequence[PageSpec], inputs: RenderInputs, executor: Executor) -> Iterator[Cards]:
    """The cards the pages will show, rendered over the pool into a spool folder that is removed when
    the block ends; none when the pages render inline, too few cards would be shared or there is no
    temp folder to write to."""
    warm = cards_to_warm(specs, inputs, _env(inputs)) if executor.forks(len(specs)) else []
    if warm and len(warm) <= IN_MEMORY_MAX:  # a dict the page workers inherit: a lookup, not a read
        kept: dict[tuple[object, ...], Markup] = {}

        def keep(part: list[tuple[tuple[object, ...], str]]) -> None:
            for key, html in part:
                kept[key] = Markup(html)  # noqa: S704 - autoescaped by Jinja (or render.direct, the same)

        executor.map(_card_task, (inputs, None), warm, each=keep)
        yield kept
        return
    try:
        folder = spool_folder("cards") if warm else None
    except OSError:  # no temp folder to write to: each worker renders the cards its pages show
        folder = None
    if folder is None:
        yield {}
        return
    store = CardStore(inputs.site)

    def put(part: list[tuple[tuple[object, ...], str, int, int]]) -> None:
        for card in part:
            store.put(*card)

    try:
        executor.map(_card_task, (inputs, folder), warm, each=put)
        yield store
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def _env(inputs: RenderInputs) -> jinja2.Environment:
    return inputs.env if inputs.env is not None else make_env(inputs.config)


def _card_task(shared: tuple[RenderInputs, str | None], local: dict[str, Any],
               todo: list[tuple[int, CardVariant]]) -> list[Any]:
    """Cards rendered and appended to this worker's spool file: (key, file, offset, length) each; with
    no spool folder, (key, HTML) each."""
    inputs, folder = shared
    helpers = local.get("helpers")
    if helpers is None:
        helpers = local["helpers"] = Helpers(inputs, _env(inputs))
    arts = inputs.site.articles
    with limited():
        rendered = helpers.render_cards([(arts[i], variant) for i, variant in todo])
    if folder is None:
        return rendered
    try:
        placed = spool_write(folder, [(key, html.encode("utf-8")) for key, html in rendered])
    except OSError:  # a full disk: these cards are rendered by the pages that show them
        return []
    return [(key, *place) for key, place in placed]


def cards_to_warm(specs: Sequence[PageSpec], inputs: RenderInputs,
                  env: jinja2.Environment) -> list[tuple[int, CardVariant]]:
    """The (article, card variant) pairs the pages to render will show, when a parallel build gains by
    rendering each once up front. Article and listing pages only, for the variants their templates ask
    for with constant arguments (templates.card_variants)."""
    site = inputs.site
    variants: dict[str, frozenset[CardVariant]] = {}
    scanned: dict[str, tuple[frozenset[CardVariant], tuple[str, ...]]] = {}  # templates sharing a base: parsed once
    wanted: dict[CardVariant, set[int]] = {}  # per variant, the articles shown (sets filled in C: 10k pages)
    uses = 0
    for spec in specs:
        if spec.kind == "article":
            ids: Sequence[int] = site.related[spec.ref[0]]
        elif spec.kind == "listing":
            ids = site.listings[spec.ref[0]].pages[spec.ref[1]].items
        else:
            continue
        found = variants.get(spec.template)
        if found is None:
            found = variants[spec.template] = card_variants(env, spec.template, scanned)
        for v in found:
            uses += len(ids)
            shown = wanted.get(v)
            if shown is None:
                shown = wanted[v] = set()
            shown.update(ids)
    # story by story, its variants one after the other: they share its picture (Helpers.picture keeps the last few)
    pairs = [(i, v) for i in sorted(set().union(*wanted.values())) for v, shown in wanted.items() if i in shown]
    return pairs if len(pairs) >= PARALLEL_MIN and uses >= 2 * len(pairs) else []
