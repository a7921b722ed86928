"""The build's processes: one executor for every stage's work, and article bodies rendered ahead.

This package is the only place that starts processes, and the only one that touches private names
of concurrent.futures or multiprocessing.
"""

from .executor import PARALLEL_MIN, Executor, alive, jobs_wanted
from .prerender import PRERENDER_MIN, BodiesAhead, Spool, spool_folder

__all__ = ["PARALLEL_MIN", "PRERENDER_MIN", "BodiesAhead", "Executor", "Spool", "alive", "jobs_wanted", "spool_folder"]
