"""Jinja: the site's templates/ over the built-in theme, autoescaped, strict, with newsgen's filters."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from importlib import resources
from pathlib import Path
from types import FunctionType, MethodType
from typing import Any

import jinja2
import markupsafe
from babel import Locale
from babel.dates import get_date_format
from jinja2 import meta
from jinja2.runtime import Context, Macro
from jinja2.utils import _PassArg
from markupsafe import Markup

from . import urls
from .config import SiteConfig


def theme_dir() -> Path:
    """The built-in theme, shipped as package data (the one copy)."""
    return Path(str(resources.files("newsgen") / "theme"))


def make_env(config: SiteConfig, cache: bool = True) -> jinja2.Environment:
    theme = jinja2.FileSystemLoader(str(theme_dir() / "templates"))
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(config.templates_dir)))
    loaders.append(theme)
    bytecode: jinja2.BytecodeCache | None = None
    if cache:  # compiled templates kept between builds (not by `newsgen check`, which writes nothing)
        cache_dir = config.root / ".newsgen-cache" / "jinja"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir))
        except OSError:  # a read-only site folder: compile every time
            bytecode = None
    env = _Environment(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"theme": theme}), *loaders]),
        bytecode_cache=bytecode,
        auto_reload=False,  # one build sees one version of the templates: no mtime check per lookup
        cache_size=-1,  # a plain dict of the (few) templates: no LRU bookkeeping and lock per lookup
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    locale = config.language.replace("-", "_")
    env.filters["datetime"] = functools.partial(format_datetime, locale=locale, tz=config.tz)
    env.filters["date"] = functools.partial(format_day, locale=locale, tz=config.tz)
    env.filters["iso"] = iso
    env.filters["rfc822"] = rfc822
    env.filters["jsonld"] = jsonld
    env.globals["url"] = functools.partial(urls.href, config)
    env.globals["abs_url"] = functools.partial(urls.absolute, config)
    return env


# ---------------------------------------------------------------------------- Jinja, made cheaper per page
# A page makes ~50 calls from its template (url(), h.card(), macros) and ~90 autoescapes. Jinja's
# own versions of both check the same attributes every time; these give the same results with one
# set lookup and one C call. (Pinned to Jinja 3.1 in pyproject.toml; with another version the
# template hook is not found and Jinja's own escape stays.)

_escape_inner = getattr(markupsafe, "_escape_inner", None)


def _escape(s: Any) -> str:
    """markupsafe.escape for a {{ }} output, the one place compiled templates call `escape`: the
    piece is only ever joined into the output (a page, or a macro's or block's buffer, which Jinja
    wraps in Markup itself), so a str needs no Markup object around its escaped text (800k of them
    in a 10k build)."""
    if type(s) is str:
        return _escape_inner(s)  # type: ignore[misc,no-any-return]
    if type(s) is Markup:
        return s  # escape(Markup) is an equal Markup
    return markupsafe.escape(s)


class _Context(Context):
    """Context.call, for callables already seen to want neither the context nor the environment
    (every one newsgen gives templates), goes straight to the call."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        kind = type(__obj)
        if kind is Macro:  # Macro.__call__ takes the eval context (a caller's {% autoescape %} decides)
            args = (__self.eval_ctx, *args)
        else:
            key = __obj.__func__ if kind is MethodType else __obj if kind in (functools.partial, FunctionType) else None
            if key is None:
                return super().call(__obj, *args, **kwargs)
            plain: set[object] = __self.environment._plain  # type: ignore[attr-defined]
            if key not in plain:
                if _PassArg.from_obj(__obj) is not None or (
                    hasattr(__obj, "__call__") and _PassArg.from_obj(__obj.__call__) is not None  # noqa: B004
                ):
                    return super().call(__obj, *args, **kwargs)
                plain.add(key)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


class _Template(jinja2.Template):
    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: Any, globals: Any) -> Any:  # noqa: A002
        if _escape_inner is not None and namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = _escape  # what the compiled template calls for every {{ }}
        return super()._from_namespace(environment, namespace, globals)


class _Environment(jinja2.Environment):
    """Templates get the globals as one plain dict, not a ChainMap over the environment's: Jinja
    copies them into every new context (each page, include and fragment), and copying a ChainMap
    costs ~9 us where a dict costs 1. newsgen sets its globals before loading any template."""

    context_class = _Context
    template_class = _Template

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain: set[object] = set()  # callables _Context.call saw want no context: functions, partials

    def make_globals(self, d: Any = None) -> Any:
        return {**self.globals, **(d or {})}


@functools.lru_cache(maxsize=8)
def _patterns(locale: str) -> tuple[Locale, Any]:
    loc = Locale.parse(locale)
    return loc, get_date_format("long", locale=loc)


@functools.lru_cache(maxsize=65536)
def format_datetime(value: dt.datetime, locale: str, tz: Any) -> str:
    """"March 19, 2025 17:40" in English; "19 tháng 3, 2025 17:40" in Vietnamese. The day through
    Babel (once per day: many articles share one), the time as HH:mm (what Babel's pattern gives)."""
    local = value.astimezone(tz)
    return f"{_local_day(local.date(), locale)} {local.hour:02d}:{local.minute:02d}"


def format_day(value: dt.datetime, locale: str, tz: Any) -> str:
    return _local_day(value.astimezone(tz).date(), locale)


@functools.lru_cache(maxsize=65536)
def _local_day(day: dt.date, locale: str) -> str:
    loc, date_pattern = _patterns(locale)
    return str(date_pattern.apply(day, loc))


@functools.lru_cache(maxsize=65536)
def iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def rfc822(value: dt.datetime) -> str:
    from email.utils import format_datetime as fmt

    return fmt(value)


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once, not per call: every page uses it


def jsonld(value: Any) -> Markup:
    """JSON for a <script type="application/ld+json">: `<`, `>`, `&` escaped so that no
    `</script>` in a title can break out of the element."""
    text = _JSON.encode(value)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for the script context


# fragments rendered once through helpers (h.card, h.footer, h.latest_list, h.nav) or included by every page
FRAGMENTS = ("_card.html", "_footer.html", "_latest.html", "_nav.html", "_picture.html")


def template_digests(env: jinja2.Environment, names: list[str],
                     memo: dict[str, tuple[str, ...] | None] | None = None) -> dict[str, str]:
    """For each page template, a hash of its source and of every template it extends, includes or
    imports (transitively). A template change re-renders exactly the pages that use it.
    `memo` keeps each template source's references between builds (parsing is the slow part)."""
    memo = {} if memo is None else memo
    loader = env.loader
    assert loader is not None
    source_cache: dict[str, str | None] = {}

    def source(name: str) -> str | None:
        if name not in source_cache:
            try:
                source_cache[name] = loader.get_source(env, name)[0]
            except jinja2.TemplateNotFound:
                source_cache[name] = None
        return source_cache[name]

    def closure(name: str) -> list[str] | None:
        seen: list[str] = []
        stack = [name, *FRAGMENTS]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.append(current)
            text = source(current)
            if text is None:
                continue
            key = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
            if key not in memo:
                try:
                    found = list(meta.find_referenced_templates(env.parse(text)))
                    memo[key] = None if any(r is None for r in found) else tuple(str(r) for r in found)
                except jinja2.TemplateSyntaxError:
                    memo[key] = ()  # rendering reports the error with its line
            refs = memo[key]
            if refs is None:
                return None  # a dynamic include: depend on every template
            stack.extend(refs)
        return sorted(seen)

    everything: str | None = None
    out: dict[str, str] = {}
    for name in names:
        deps = closure(name)
        if deps is None:
            if everything is None:
                everything = _hash_all(env)
            out[name] = everything
        else:
            h = hashlib.blake2b(digest_size=12)
            for dep in deps:
                h.update(dep.encode() + b"\0" + (source(dep) or "<missing>").encode() + b"\0")
            out[name] = h.hexdigest()
    return out


def _hash_all(env: jinja2.Environment) -> str:
    h = hashlib.blake2b(digest_size=12)
    for name in sorted(env.list_templates()):
        h.update(name.encode() + b"\0" + env.loader.get_source(env, name)[0].encode())  # type: ignore[union-attr]
    return h.hexdigest()


CardVariant = tuple[tuple[str, object], ...]  # h.card()'s keyword arguments, sorted


def card_variants(env: jinja2.Environment, name: str,
                  memo: dict[str, tuple[frozenset[CardVariant], tuple[str, ...]]] | None = None,
                  ) -> frozenset[CardVariant]:
    """The `h.card(article, key=constant, ...)` calls that template `name` makes, with what it
    extends, includes and imports: the card variants its pages will ask for, which a parallel
    build renders once, up front (workers.py). A call with a non-constant argument is left out
    (its cards are rendered when a page asks), and so is a template that cannot be read or
    parsed (rendering reports that). `memo`: each template's own calls and references, so that
    templates sharing a base are parsed once."""
    memo = {} if memo is None else memo
    found: set[CardVariant] = set()
    seen: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in memo:
            memo[current] = _card_calls(env, current)
        calls, refs = memo[current]
        found |= calls
        stack.extend(refs)
    return frozenset(found)


def _card_calls(env: jinja2.Environment, name: str) -> tuple[frozenset[CardVariant], tuple[str, ...]]:
    """One template's constant h.card calls, and the templates it names."""
    from jinja2 import nodes

    assert env.loader is not None
    try:
        ast = env.parse(env.loader.get_source(env, name)[0])
    except jinja2.TemplateError:
        return frozenset(), ()
    calls = set()
    for call in ast.find_all(nodes.Call):
        f = call.node
        if (isinstance(f, nodes.Getattr) and f.attr == "card" and isinstance(f.node, nodes.Name)
                and f.node.name == "h" and len(call.args) == 1 and call.dyn_args is None
                and call.dyn_kwargs is None and all(isinstance(k.value, nodes.Const) for k in call.kwargs)):
            calls.add(tuple(sorted((k.key, k.value.value) for k in call.kwargs)))  # type: ignore[attr-defined]
    return frozenset(calls), tuple(str(r) for r in meta.find_referenced_templates(ast) if r is not None)
