"""Template dependency scans: which templates a page uses (for its fingerprint), and which cards
its templates ask for with constant arguments (rendered once per build, up front)."""

from __future__ import annotations

import hashlib

import jinja2
from jinja2 import meta

from ..config import SiteConfig
from ..errors import Diagnostic

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
            except UnicodeDecodeError as exc:
                from ..errors import BuildError

                raise BuildError([not_utf8(name, exc)]) from None
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
                found = _scan(env, text)[0]
                if found is None:
                    memo[key] = ()  # a syntax error: rendering reports it with its line
                else:
                    memo[key] = None if any(r is None for r in found) else tuple(str(r) for r in found)
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


def compiled(env: jinja2.Environment, names: list[str], skip: frozenset[str] = frozenset()) -> jinja2.Environment:
    """`env` with templates `names`, the fragments the helpers render (but those in `skip`: written
    without Jinja, render.direct) and every template they extend, include or import loaded (compiled,
    or read from the bytecode cache): done once in the build's process before the workers fork, so
    that each inherits them instead of compiling them again (~45 ms of the built-in theme's, per
    worker, on a first build). A template that cannot be loaded is left for the page that uses it to
    report."""
    assert env.loader is not None
    stack, seen = [*names, *(f for f in FRAGMENTS if f not in skip)], set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)
            found = _scan(env, env.loader.get_source(env, name)[0])[0]
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            continue
        stack.extend(str(ref) for ref in found or () if ref is not None)
    return env


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
    assert env.loader is not None
    try:
        refs, calls = _scan(env, env.loader.get_source(env, name)[0])
    except jinja2.TemplateError:
        return frozenset(), ()
    return calls, tuple(str(r) for r in refs or () if r is not None)


Scan = tuple[tuple[str | None, ...] | None, frozenset[CardVariant]]
_SCANNED: dict[tuple[object, ...], Scan] = {}  # per process, a few dozen templates' sources at most
_SCANNED_MAX = 256


def _scan(env: jinja2.Environment, source: str) -> Scan:
    """What a template's source names (extends, includes, imports; None for a name computed when it
    renders), None for a source that does not parse; and its constant h.card calls. Each source is
    parsed once per process (a first build asked ~3 times for each: its page fingerprints, the
    templates loaded before the workers fork, the cards rendered up front)."""
    key = (env.lexer, *env.extensions, source)  # (environments made alike share their lexer: jinja2.lexer.get_lexer)
    known = _SCANNED.get(key)
    if known is not None:
        return known
    from jinja2 import nodes

    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None, frozenset()
    calls = set()
    for call in ast.find_all(nodes.Call):
        f = call.node
        if (isinstance(f, nodes.Getattr) and f.attr == "card" and isinstance(f.node, nodes.Name)
                and f.node.name == "h" and len(call.args) == 1 and call.dyn_args is None
                and call.dyn_kwargs is None and all(isinstance(k.value, nodes.Const) for k in call.kwargs)):
            calls.add(tuple(sorted((k.key, k.value.value) for k in call.kwargs)))  # type: ignore[attr-defined]
    if len(_SCANNED) >= _SCANNED_MAX:
        _SCANNED.clear()
    found = _SCANNED[key] = tuple(meta.find_referenced_templates(ast)), frozenset(calls)
    return found


_TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".txt", ".j2", ".jinja", ".json")


def with_syntax_problems(config: SiteConfig, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` (a build that stops before rendering: mistakes in articles or the site model), and
    with them each template of the site's templates/ folder that does not compile, so that one run
    reports every mistake (a template is otherwise first compiled when a page is rendered)."""
    if not diagnostics or not config.templates_dir.is_dir():
        return diagnostics
    from ..errors import BuildError
    from .environment import make_env

    try:
        env, found = make_env(config, cache=False), list(diagnostics)
    except BuildError as exc:  # (a broken catalog: its own lines, with the others)
        return [*diagnostics, *exc.diagnostics]
    for path in sorted(config.templates_dir.rglob("*")):
        name = path.relative_to(config.templates_dir).as_posix()
        if not path.is_file() or path.name.startswith(".") or not name.endswith(_TEMPLATE_SUFFIXES) or \
                name.startswith("locale/"):  # (catalogs, images, notes: not templates)
            continue
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            found.append(Diagnostic(f"templates/{name}", exc.lineno, f"template syntax error: {exc.message}",
                                    "check the {% %} and {{ }} tags"))
        except UnicodeDecodeError as exc:
            found.append(not_utf8(name, exc))
        except (jinja2.TemplateError, OSError):
            continue  # (anything else is reported when a page renders with it)
    return found


def not_utf8(name: str, exc: UnicodeDecodeError) -> Diagnostic:
    """A site template that is not UTF-8 text (the theme's are), at the line of its first bad byte."""
    line = exc.object[: exc.start].count(b"\n") + 1 if isinstance(exc.object, bytes) else None
    return Diagnostic(f"templates/{name}", line, f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x})",
                      "save it as UTF-8")
