"""Jinja, made cheaper per page: the one module that uses private names of jinja2 and markupsafe.

A page makes ~50 calls from its template (url(), h.card(), macros) and ~90 autoescapes. Jinja's own
versions of both check the same attributes every time; these give the same results with one set
lookup and one C call. Pinned to Jinja 3.1 in pyproject.toml; with another version the template hook
is not found and Jinja's own escape stays.

`NEWSGEN_STOCK_JINJA=1` in the environment makes `environment.make_env` build a stock
`jinja2.Environment` instead, so that any output difference can be bisected to these hooks;
tests/unit/test_render.py renders with both and compares.
"""

from __future__ import annotations

import functools
import os
from types import FunctionType, MethodType
from typing import Any

import jinja2
import markupsafe
from jinja2.runtime import Context, Macro
from jinja2.utils import _PassArg
from markupsafe import Markup

_escape_inner = getattr(markupsafe, "_escape_inner", None)


def enabled() -> bool:
    """False when NEWSGEN_STOCK_JINJA is set (to anything but "" or "0"): stock Jinja everywhere."""
    return os.environ.get("NEWSGEN_STOCK_JINJA", "") in ("", "0")


def environment_class() -> type[jinja2.Environment]:
    return FastEnvironment if enabled() else jinja2.Environment


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


output_escape = _escape  # (render.direct writes the theme's pages with the same escape)


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


class FastEnvironment(jinja2.Environment):
    """Templates get the globals as one plain dict, not a ChainMap over the environment's: Jinja
    copies them into every new context (each page, include and fragment), and copying a ChainMap
    costs ~9 us where a dict costs 1. newsgen sets its globals before loading any template."""

    context_class = _Context
    template_class = _Template
    # `*` and `**` in templates go through call_binop, which refuses a result too big to make: Jinja folds
    # constants at compile time, and {{ 'x' * 10**10 }} took 22 GB before the kernel killed the build.
    # Jinja does this for an environment that says it is sandboxed; nothing else of its sandbox is taken
    # (its compiled calls then go through `call`, which is the context's own)
    sandboxed = True
    intercepted_binops = frozenset(("*", "**"))
    intercepted_unops: frozenset[str] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain: set[object] = set()  # callables _Context.call saw want no context: functions, partials

    def make_globals(self, d: Any = None) -> Any:
        return {**self.globals, **(d or {})}

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and type(times) is int and len(seq) * times > MAX_MADE:
                    raise OverflowError(f"a repetition of {len(seq) * times:,} items, more than the {MAX_MADE:,} a "
                                        "template may make")
            return left * right
        if type(left) is int and type(right) is int and right > 0 and abs(left) > 1 and \
                right * abs(left).bit_length() > MAX_BITS:
            raise OverflowError(f"a power of {right * abs(left).bit_length():,} bits, more than a template may make")
        return left**right


GUARDS = "guarded1"  # the bytecode cache's folder of FastEnvironment's templates: renamed when what they call changes
MAX_MADE = 10_000_000  # characters (or items) a template's `*` may make: a page is ~100 KB
MAX_BITS = 1_000_000  # of an integer a template's `**` may make (~300,000 digits; a page shows at most 4,300)


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:  # noqa: A002 - Jinja's
    """Jinja's `lipsum()` (placeholder text) of at most 1,000 paragraphs (lipsum(10**6) made 1.7 GB)."""
    if n > 1000:
        raise OverflowError(f"lipsum() of {n:,} paragraphs, more than the 1,000 a template may make")
    return jinja2.utils.generate_lorem_ipsum(n, html, min, max)
