"""The inputs walked in a forked child (`parallel.aside.Answers`) while this process imports the build.

`newsgen build` walks every input, and checks that the files the last build left are still in the output,
before it knows whether there is anything to do (`snapshot.quick`); when there is, it then imports the
build's modules. At 10,000 articles that was ~30 ms of walk (the output checked beside it by another
child), then ~70 ms of imports, one after the other. Here the child walks, answers, then checks the
output (`outputs.Shared`), while this process imports the build's modules (`startup.warm_up`) until
the walk has answered:
- something changed: the imports go on, the child checks the output meanwhile; the build begins with
  its modules loaded, ~30 ms sooner;
- nothing changed: this process checks the second half of the output while the child checks the first
  (~20 ms more than before: the imports took the core the output check had beside the walk).
The child compares what it found with the last build's stamps itself, and sends them only when they
differ (the whole walk then: ~0.5 MB at 10,000 articles).

What the child finds is what `snapshot.take` finds in this process (it runs it: `snapshot.quick` gives
it): the same stamps in the same order, the same symlinks. When no child can do it (no fork here, the
child killed), the caller walks, and checks the output, as before. So it does on a site of fewer than
~1,000 inputs or more than ~25,000 (`SIZES`).
"""

from __future__ import annotations

import marshal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from .outputs import Outputs, Shared

    Walk = Callable[[], tuple[bytes, Any]]  # the stamps packed (snapshot.pack), and what else goes with them

_SAME, _OTHER = b"=", b"!"
# bytes of the last build's packed stamps (~100 each) for which a child walks: below, a fork does not pay;
# above (~25,000 inputs), the walk outlasts the imports, and the output checked after it costs the no-change
# answer more (100,000 articles: +0.14 s of 0.38) than sending the stamps over saves the build
SIZES = range(50_000, 2_500_000)


def walk_aside(walk: Walk, same_as: bytes, outputs: Outputs,
               meanwhile: Callable[[Callable[[], bool]], None]) -> tuple[Any, memoryview | None] | None:
    """What goes with the stamps (the symlinks met, ...) and the stamps as `pack` makes them, or None for stamps
    packed as `same_as`: what
    `walk()` finds (snapshot.take's walk), in a forked child while `meanwhile(ready)` runs here (`ready()`:
    whether the child has answered). The child then checks `outputs` (with this process, when it asks:
    `Outputs.shared`). None when no child did the walk: the caller walks."""
    from ..parallel.aside import Answers

    shared = outputs.shared()
    child = Answers(_walked, walk, same_as, shared)
    if not child.started:
        outputs.unshared()
        return None
    if shared is not None:
        shared.given(child.next, child.close)
    try:
        meanwhile(child.ready)
    except BaseException:
        child.close()
        raise
    answer = child.next()
    if answer is None or answer[:1] not in (_SAME, _OTHER) or len(answer) < 5:
        return None
    view = memoryview(answer)
    end = 5 + int.from_bytes(view[1:5], "little")
    links = marshal.loads(view[5:end])  # noqa: S302 - our own child's, through a pipe
    return links, None if answer[:1] == _SAME else view[end:]


def _walked(walk: Walk, same_as: bytes, shared: Shared | None) -> Iterator[bytes]:
    """(In the child.) `_SAME` or `_OTHER`, the length of the marshal bytes of what goes with the stamps (4
    bytes), those, and the packed stamps when they are not `same_as`; then the output check's answers."""
    packed, found = walk()
    links = marshal.dumps(found)
    head = (_SAME if packed == same_as else _OTHER) + len(links).to_bytes(4, "little") + links
    yield head if packed == same_as else head + packed
    if shared is not None:
        yield from shared.in_child()
