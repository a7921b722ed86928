"""The build state as plain tuples, for `marshal`: about five times faster to read and write than
pickling the dataclasses (10,000 articles: ~0.1 s instead of ~0.5 s each way).

The tuple layout of each model class is derived from its dataclass fields when this module is
imported: a pack and an unpack function are generated from `dataclasses.fields()` and the fields'
types (a datetime, an optional one, a nested dataclass, a tuple of them, a mapping of YAML data),
so adding a field to `Article` means editing `Article` only. (The cache's version includes a digest
of newsgen's code, so a cache written with the old layout is never read with the new one.)

Dates are stored as (local fields, zone, fold): a ZoneInfo by key, a fixed offset in seconds.
Front-matter `extra` values are YAML data (mappings, lists, scalars); anything marshal cannot hold
is stored pickled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import pickle
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from .. import frozen
from ..errors import Diagnostic
from ..model import Article, Author, Image, Listing, Tag
from . import keyed, names
from .later import Later
from .state import Fingerprint, ParsedEntry, State


@dataclass
class Base:
    """A full cache file as read: what a delta is computed against (the same objects, not copies)."""

    base_id: str
    parsed: Mapping[str, Any]  # (keyed.Parts, as read; once the whole way decoded it, its keys only: values None)
    pages: Mapping[str, Any]
    outputs: frozenset[str] | None
    related: Any  # (the file's memo: a `keyed.Merged` read lazily, or a dict)
    site: Any
    entries: dict[str, ParsedEntry] | None = None  # decoded from `parsed` as is: the same object = unchanged
    by_delta: frozenset[str] = frozenset()  # entries the delta file read with it replaced
    pages_read: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # the delta's fingerprints, as read
    site_file: tuple[str, Any] | None = None  # (its token, the site model read from it): the delta's site file


DELTA_MAX = 2000  # changed entries above which a full file is written instead of a delta


# ---------------------------------------------------------------------------- the model's layout


def _date(d: dt.datetime) -> tuple[tuple[int, ...], object, int]:
    """(fields, zone, fold): the fields, not ISO text, because datetime(*fields, tz) is 4x faster
    than fromisoformat(text).replace(tzinfo=tz), and a warm build reads 10k of them."""
    tz = d.tzinfo
    if isinstance(tz, ZoneInfo):
        zone: object = tz.key
    elif isinstance(tz, dt.timezone):
        zone = int(tz.utcoffset(None).total_seconds())
    else:
        zone = pickle.dumps(tz)
    return ((d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond), zone, d.fold)


def _to_date(t: tuple[tuple[int, ...], object, int], zones: dict[object, dt.tzinfo]) -> dt.datetime:
    fields, zone, fold = t
    tz = zones.get(zone)
    if tz is None:
        if isinstance(zone, str):
            tz = ZoneInfo(zone)
        elif isinstance(zone, int):
            tz = dt.timezone(dt.timedelta(seconds=zone))
        else:
            tz = pickle.loads(zone)  # type: ignore[arg-type]  # noqa: S301 - our own cache file
        zones[zone] = tz
    year, month, day, hour, minute, second, micro = fields
    return dt.datetime(year, month, day, hour, minute, second, micro, tz, fold=fold)


def _plain(extra: dict[str, Any]) -> object:
    """YAML data as marshal-able values; anything else pickled (tagged so it comes back as it was)."""
    if not extra:
        return None
    try:
        marshal.dumps(extra)  # exact dicts, lists, scalars
        return extra
    except ValueError:
        return ("pickle", pickle.dumps(extra, protocol=pickle.HIGHEST_PROTOCOL))


class _NoExtra(dict[str, Any]):
    """The `extra` of every article without one: one empty read-only mapping, not a dict each (64 bytes)."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("an article's extra is read-only")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[None]]:
        return _from_plain, (None,)  # (copied or pickled: the one instance)


_NoExtra.__module__, _NoExtra.__name__, _NoExtra.__qualname__ = "builtins", "dict", "dict"  # (in errors: 'dict object')
NO_EXTRA = _NoExtra()


def _from_plain(value: object) -> dict[str, Any]:
    if value is None:
        return NO_EXTRA
    if isinstance(value, tuple):
        return pickle.loads(value[1])  # type: ignore[no-any-return]  # noqa: S301 - our own cache file
    return value  # type: ignore[return-value]


_NAMESPACE: dict[str, Any] = {"_date": _date, "_to_date": _to_date, "_plain": _plain, "_from_plain": _from_plain}


def _field_code(kind: Any, value: str, stored: str, depth: int = 0) -> tuple[str, str]:
    """Python expressions that pack `value` (of type `kind`) and unpack `stored` back. Nested dataclasses
    are written inline (a call per nested object would cost ~20 % of reading 10k articles)."""
    args = typing.get_args(kind)
    if isinstance(kind, types.UnionType) and type(None) in args and len(args) == 2:
        inner = next(a for a in args if a is not type(None))
        pack, unpack = _field_code(inner, value, stored, depth)
        if (pack, unpack) == (value, stored):
            return value, stored
        return f"({pack} if {value} is not None else None)", f"({unpack} if {stored} is not None else None)"
    if kind is dt.datetime:
        return f"_date({value})", f"_to_date({stored}, zones)"
    if dataclasses.is_dataclass(kind):
        return _dataclass_code(typing.cast(type, kind), value, stored, depth)
    if typing.get_origin(kind) is tuple and args[1:] == (Ellipsis,) and dataclasses.is_dataclass(args[0]):
        item = f"_x{depth}"
        pack, unpack = _dataclass_code(typing.cast(type, args[0]), item, item, depth + 1)
        return (f"tuple([{pack} for {item} in {value}])",
                f"(tuple([{unpack} for {item} in {stored}]) if {stored} else ())")
    if typing.get_origin(kind) is dict:
        return f"_plain({value})", f"_from_plain({stored})"
    return value, stored  # str, int, bool, tuples of them: marshal holds them as they are


def _dataclass_code(cls: type, value: str, stored: str, depth: int) -> tuple[str, str]:
    """A tuple of the fields' packed values, and the constructor call that unpacks it."""
    name = cls.__name__
    _NAMESPACE[name] = cls
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    codes = [_field_code(hints[f], f"{value}.{f}", f"{stored}[{i}]", depth + 1) for i, f in enumerate(fields)]
    pack = f"({', '.join(p for p, _ in codes)},)"
    make = _maker(cls)
    if all(p == f"{value}.{f}" and u == f"{stored}[{i}]"
           for i, ((p, u), f) in enumerate(zip(codes, fields, strict=True))):
        return pack, f"{make}(*{stored})"  # every field as stored: the fastest way back
    return pack, f"{make}({', '.join(u for _, u in codes)})"


def _maker(cls: type) -> str:
    """The name of what makes a `cls` from its fields' values in order: `frozen.maker(cls)` (the class itself,
    or ~40 % less time for 10,000 articles read from the cache, a million at 1M)."""
    _NAMESPACE[f"_make_{cls.__name__}"] = frozen.maker(cls)
    return f"_make_{cls.__name__}"


def _codecs(*classes: type) -> None:
    """Generate _pack_<Class>(o) -> tuple and _unpack_<Class>(v, zones) -> object for each class, from its
    fields, compiled at once."""
    source = []
    for cls in classes:
        pack, unpack = _dataclass_code(cls, "o", "v", 0)
        source.append(f"def _pack_{cls.__name__}(o):\n    return {pack}\n"
                      f"def _unpack_{cls.__name__}(v, zones):\n    return {unpack}\n")
    exec(compile("".join(source), "<newsgen codec>", "exec"), _NAMESPACE)  # noqa: S102 - our own generated code


_codecs(Article, Author, Tag, Listing)
pack_article, unpack_article = _NAMESPACE["_pack_Article"], _NAMESPACE["_unpack_Article"]
pack_author, unpack_author = _NAMESPACE["_pack_Author"], _NAMESPACE["_unpack_Author"]  # (the site model's parts:
pack_tag, unpack_tag = _NAMESPACE["_pack_Tag"], _NAMESPACE["_unpack_Tag"]  # reuse.pack_site)
pack_listing, unpack_listing = _NAMESPACE["_pack_Listing"], _NAMESPACE["_unpack_Listing"]


# ---------------------------------------------------------------------------- entries and the whole state


def raw(e: ParsedEntry) -> tuple[Any, ...]:
    """The entry as plain tuples: what the cache stores, and what the parse workers send back
    (cheaper to pickle than objects, and the save then has the article already packed)."""
    return (e.stamp, e.digest, e.deps, _packed(e), tuple([dataclasses.astuple(d) for d in e.diagnostics]))


def entry(t: tuple[Any, ...], zones: dict[object, dt.tzinfo], common: dict[Any, Any] | None = None) -> ParsedEntry:
    """raw() undone; `zones`: time zones already made, by key. `common`: values already seen in this
    batch (entries sent back by parse workers, each with its own copy of every string): the repeated
    ones (sections, authors, tags, images' files and credits, dependencies) are kept once (see
    `_shared`). Entries read from the cache need none: `marshal` keeps what was shared when written."""
    st, dg, deps, a, diags = t  # tuples as stored (marshal and pickle give tuples back as tuples)
    if common is not None and a is not None:
        a, deps = _shared(a, common), tuple([common.setdefault(d, d) for d in deps])
    return ParsedEntry(st, dg, deps, unpack_article(a, zones) if a is not None else None,
                       tuple([Diagnostic(*d) for d in diags]) if diags else (), a)


def _positions(cls: type, names: tuple[str, ...]) -> tuple[int, ...]:
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    return tuple(fields.index(n) for n in names)


# the fields of a packed article whose values repeat over a site: kept once per value, not once per article
_REPEATED = _positions(Article, ("section", "authors", "edition", "translation_key"))
_TAGS, _IMAGE, _SOURCE = _positions(Article, ("tags", "image", "source"))
_IMAGE_REPEATED = _positions(Image, ("url", "source", "credit", "mime"))
_CAPTION, _ALT = _positions(Image, ("caption", "alt"))


def _shared(a: tuple[Any, ...], common: dict[Any, Any]) -> tuple[Any, ...]:
    """The packed article `a` with each repeated value replaced by the one `common` holds (at a million
    articles, ~0.5 GB less: a tag's name is written in thousands of articles, a photo's file and
    credit in many)."""
    v = list(a)
    v[_SOURCE] = common.get(v[_SOURCE], v[_SOURCE])  # (the walk's path, when the caller gave it)
    for i in _REPEATED:
        v[i] = common.setdefault(v[i], v[i])
    v[_TAGS] = tuple([common.setdefault(t, t) for t in v[_TAGS]])
    image = v[_IMAGE]
    if image is not None:
        w = list(image)
        for i in _IMAGE_REPEATED:
            w[i] = common.setdefault(w[i], w[i])
        if w[_ALT] == w[_CAPTION]:
            w[_ALT] = w[_CAPTION]
        v[_IMAGE] = tuple(w)
    return tuple(v)


def encode_delta(state: State) -> tuple[Any, ...] | None:
    """What changed since `state.base`, or None when a full file should be written (no base, or too
    much changed for a delta to pay). A new site model goes into a file of its own (`_site`)."""
    base = state.base
    if not isinstance(base, Base):
        return None
    parsed_upd = {}
    if state.pending is not None:  # read lazily: `parsed` holds only the entries this build replaced
        pending = state.pending
        parsed_upd = {rel: pending[rel] for rel in base.by_delta if rel in pending and rel not in state.parsed}
        parsed_upd.update({rel: raw(e) for rel, e in state.parsed.items()})
        known = keyed.changes(pending, base.parsed, values=False)  # (the delta's removals: not every key looked at)
        removed = known[1] if known is not None else [rel for rel in base.parsed if rel not in pending]
        parsed_del = [rel for rel in removed if rel not in state.parsed]
    else:
        decoded = base.entries or {}
        for rel, e in state.parsed.items():
            if decoded.get(rel) is e:
                continue  # the very entry read from the file (a changed one is a new object): no need to compare
            old = base.parsed.get(rel)
            now = raw(e)
            if old is None or old[3] is not now[3] or old[:3] != now[:3] or old[4] != now[4]:
                parsed_upd[rel] = now
        parsed_del = _gone(base.parsed, state.parsed)
    known = keyed.changes(state.pages, base.pages, base.pages_read)  # (by key: only those this build or the delta set)
    try:  # (or part by part; a part found damaged only now: a full file, which holds every fingerprint)
        known = known if known is not None else keyed.compared(state.pages, base.pages)
    except ValueError:
        return None
    if known is not None:
        pages_upd, pages_del = {k: tuple(v) for k, v in known[0].items()}, known[1]
    else:  # (every page compared: looked up in C, and the same object, carried over, not compared at all)
        get = (old := keyed.as_read(base.pages)).get
        pages_upd = {k: tuple(v) for k, v in state.pages.items() if (was := get(k)) is not v and was != v}
        pages_del = _gone(old, state.pages)
    if state.related is base.related:  # (read lazily and not decoded again: the same)
        related_upd, related_del = {}, []
    elif isinstance(state.related, keyed.Overlay) and state.related.base is base.related:  # (the delta's, as read)
        related_upd, related_del = dict(state.related.changed), sorted(state.related.removed)
    else:
        get = (memo := keyed.as_read(base.related)).get
        related_upd = {k: v for k, v in state.related.items() if (was := get(k)) is not v and was != v}
        related_del = _gone(memo, state.related)
    if (len(parsed_upd) + len(parsed_del) + len(pages_upd) + len(pages_del) + len(related_upd) + len(related_del)
            > DELTA_MAX or (base.outputs is None) != (state.outputs is None)):
        return None
    outputs_add, outputs_del = names.delta(state.outputs, base.outputs)  # (the same set: not compared; 1.28M at 1M)
    site = None if state.site is base.site else _site(base, state.site)
    return (base.base_id, state.config_digest, parsed_upd, parsed_del, pages_upd, pages_del, state.images,
            outputs_add, outputs_del, state.template_refs, related_upd, related_del, site)


def _gone(before: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """The keys of `before` that `now` has not, sorted (two dicts': a set difference in C, ~0.1 s for 1M keys)."""
    return sorted(before.keys() - now.keys())


def _site(base: Base, site: Any) -> tuple[Any, ...]:
    """A site model other than the full file's, in a delta: ("file", token) for the one read from the site file
    (named, not written again: ~190 MB at 1M), ("new", model) for `cache.encode` to write one, (None,): none."""
    if base.site_file is not None and site is base.site_file[1]:
        return ("file", base.site_file[0])
    return ("new", site) if site is not None else (None,)


def decode(data: tuple[Any, ...], delta: tuple[Any, ...] | None = None, lazy: bool = False,
           site_file: tuple[str, Any] | None = None) -> State:
    """The state a cache file (and its delta) holds. `lazy`: the parsed entries left as read (`State.pending`),
    for `materialize` or for reading a few. `site_file`: (token, model) of the site file the delta names."""
    base_id, config_digest, parsed, pages, images, outputs, template_refs, related, site = data
    base = Base(base_id, parsed, pages, outputs, related, site, site_file=site_file)
    parsed_upd: dict[str, Any] = {}
    parsed_del = pages_del = related_del = []
    pages_upd: dict[str, Any] = {}
    related_upd: dict[str, Any] = {}
    if delta is not None:
        (config_digest, parsed_upd, parsed_del, pages_upd, pages_del, images, outputs_add, outputs_del,
         template_refs, related_upd, related_del, new_site) = delta
        if new_site is not None:  # (("file", token): the site file's; (None,): no model)
            site = site_file[1] if site_file is not None and new_site == ("file", site_file[0]) else new_site[0]
        if outputs is not None and (outputs_del or outputs_add):  # (else the same set: not copied, nor compared
            outputs = names.changed(outputs, outputs_add, outputs_del)  # when saved: 1.28M names at 1M)
    # a build changes `parsed` and `related` in place, and the base must stay as read: both are read through
    # (pending: the file's parts, the delta's changes over them; the memo likewise), copied when decoded
    pending = _over(parsed, parsed_upd, parsed_del)
    typed_pages = _over(pages, dict(zip(pages_upd, map(Fingerprint._make, pages_upd.values()), strict=True)),
                        pages_del)
    if related_upd or related_del:  # (read through too when lazily: ~1 s to merge and compare at a million
        related = (keyed.Overlay(related, related_upd, frozenset(related_del)) if lazy  # articles, for every
                   else keyed.updated(related, related_upd, related_del))  # build after a new story's)
    base.by_delta, base.pages_read = frozenset(parsed_upd), getattr(typed_pages, "changed", {})
    state = State(config_digest=config_digest, pages=typed_pages, images=images, outputs=outputs,
                  template_refs=template_refs, related=related, site=site, base=base, pending=pending)
    if not lazy:
        materialize(state)
    return state


def _over(base: keyed.Parts, upd: dict[str, Any], deleted: list[str]) -> Mapping[str, Any]:
    """The file's parts with a delta's changes put over them (read through, never copied)."""
    return keyed.Overlay(base, upd, frozenset(deleted)) if upd or deleted else base


def materialize(state: State) -> bool:
    """The entries and the pages a lazily read state left as read, decoded (`state.parsed`, `state.pages`
    as dicts). False when one cannot be: the state is then an empty one (a full build)."""
    pending, base = state.pending, state.base
    try:  # (the site model's listings and dicts, the related lists' memo, left as read: `later.Later`, `keyed.Merged`)
        if state.site is not None and isinstance(listings := state.site[1][3], Later):
            listings.made()
        for read in (state.related, state.outputs,  # (the file's memo, under the delta's changes or not)
                     *(state.site[1][:1] + state.site[1][4:] if state.site is not None else ())):
            keyed.read_whole(read)
    except Exception:  # noqa: BLE001 - any damage means: rebuild everything
        return _emptied(state)
    if pending is None and isinstance(state.pages, dict):
        return True
    zones: dict[object, dt.tzinfo] = {}
    try:
        if isinstance(base, Base):  # (one dict each from here on, looked up by every key to save; damage found now;
            # the pages not, when this build started them over: compared part by part when saved, keyed.compared)
            for read in (base.parsed, base.pages if not isinstance(state.pages, dict) else None):
                if isinstance(read, keyed.Parts):
                    read.whole()
        entries = {rel: entry(raw, zones) for rel, raw in pending.items()} if pending is not None else {}
        pages = keyed.whole(state.pages)
    except Exception:  # noqa: BLE001 - any damage means: rebuild everything
        return _emptied(state)
    if isinstance(base, Base):
        if pending is not None:  # entries exactly as in the full file (not changed by its delta): unchanged
            base.entries = {rel: e for rel, e in entries.items() if rel not in base.by_delta}  # while the same object
        if isinstance(base.parsed, keyed.Parts):  # the entries as stored let go of, and their packed articles: an
            base.parsed = dict.fromkeys(base.parsed.whole())  # entry the build replaces is saved whole (no stored
            for e in entries.values():  # one to compare it with); one it keeps is saved in no delta, and packed
                e.packed = None  # again only by a full save (~0.6 KB an article less, all build long)
        if state.related is base.related or keyed.lazy(state.related):
            memo = keyed.whole(state.related)  # (the build changes it, the base stays as read: an overlay's is a copy)
            state.related = memo if isinstance(state.related, keyed.Overlay) else dict(memo)
    state.parsed = {**entries, **state.parsed}  # (entries a build already replaced stay)
    state.pages = pages
    state.pending = None
    return True


def _emptied(state: State) -> bool:
    """The state made an empty one (a full build); False."""
    empty = State()
    for f in dataclasses.fields(State):
        setattr(state, f.name, getattr(empty, f.name))
    return False


def _packed(e: ParsedEntry) -> tuple[Any, ...] | None:
    """The article as a tuple: kept from when it was read, so an unchanged article costs nothing to save."""
    if e.article is None:
        return None
    if e.packed is None:
        e.packed = pack_article(e.article)
    return e.packed
