"""Frozen dataclasses made fast, for the few places that make them by the ten thousand (the cache's
articles, the plan's pages).

A frozen dataclass's __init__ stores each field through object.__setattr__, the slow way round its own
__setattr__ (which refuses). `maker(cls)` gives a function that takes the fields' values in order
and stores them straight into the slots instead: about half the time for a class of 7 to 21 fields,
for the same object (equal, same hash, still frozen). Classes whose __init__ does more than store
what it is given (a __post_init__, a field left out of __init__) are made through __init__ as usual,
and so is everything when FAST is False: `NEWSGEN_STOCK_DATACLASSES=1` in the environment, read at
import (the cache's codec is generated then). tests/e2e/test_stock_dataclasses.py builds a site both
ways, cold and after an edit, and compares every byte.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

FAST = os.environ.get("NEWSGEN_STOCK_DATACLASSES", "") in ("", "0")

_made: dict[type, Callable[..., Any]] = {}


def maker(cls: type[T]) -> Callable[..., T]:
    """f(*values) -> cls(*values), for every field of `cls` in order (defaults apply to the last ones)."""
    if not FAST or not fast_enough(cls):
        return cls
    found = _made.get(cls)
    if found is None:
        found = _made[cls] = _generate(cls)
    return found


def fast_enough(cls: type) -> bool:
    """Whether storing the fields is all that cls's __init__ does, and frozen slots are what it stores into."""
    params = getattr(cls, "__dataclass_params__", None)
    return (params is not None and params.frozen and "__slots__" in cls.__dict__ and not hasattr(cls, "__post_init__")
            and all(f.init for f in dataclasses.fields(cls)) and bool(dataclasses.fields(cls)))


def _generate(cls: type[T]) -> Callable[..., T]:
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # (fast_enough: a dataclass)
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params = []
    for i, f in enumerate(fields):
        namespace[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{i}"] = f.default
            params.append(f"a{i}=_default{i}")
        elif f.default_factory is not dataclasses.MISSING:  # (a new value each time, as __init__ makes it)
            namespace[f"_factory{i}"] = f.default_factory
            namespace["_none"] = _NONE
            params.append(f"a{i}=_none")
        else:
            params.append(f"a{i}")
    body = "".join((f"    _set{i}(o, _factory{i}() if a{i} is _none else a{i})\n"
                    if f.default_factory is not dataclasses.MISSING else f"    _set{i}(o, a{i})\n")
                   for i, f in enumerate(fields))
    source = f"def make_{cls.__name__}({', '.join(params)}):\n    o = _new(_cls)\n{body}    return o\n"
    exec(compile(source, f"<newsgen.frozen {cls.__qualname__}>", "exec"), namespace)  # noqa: S102 - our own code
    made: Callable[..., T] = namespace[f"make_{cls.__name__}"]
    return made


class _None:
    pass


_NONE = _None()

