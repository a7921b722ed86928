"""The build's processes: one executor for every stage's work, article bodies rendered ahead, and a small
job done aside (`aside.Aside`).

This package is the only place that starts processes, and the only one that touches private names
of concurrent.futures or multiprocessing. Its names are imported when first used (PEP 562): the
no-change answer of `newsgen build` imports `parallel.aside` before anything else, and the executor's
modules (typing, pathlib, shutil: ~10 ms) are not wanted there.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .executor import PARALLEL_MIN, Executor, alive, give_back_free_memory, jobs_wanted
    from .prerender import PRERENDER_MIN, BodiesAhead, Spool, spool_folder, spool_write

__all__ = ["PARALLEL_MIN", "PRERENDER_MIN", "BodiesAhead", "Executor", "Spool", "alive", "give_back_free_memory",
           "jobs_wanted", "spool_folder", "spool_write"]

_HOME = {"PARALLEL_MIN": "executor", "Executor": "executor", "alive": "executor", "jobs_wanted": "executor",
         "give_back_free_memory": "executor",
         "PRERENDER_MIN": "prerender", "BodiesAhead": "prerender", "Spool": "prerender", "spool_folder": "prerender",
         "spool_write": "prerender"}


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)  # (importlib itself: ~5 ms)
    globals()[name] = value
    return value
