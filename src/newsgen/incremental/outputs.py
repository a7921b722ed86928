"""Which of the files the last build left are still in the output folder: for the no-change answer
(`snapshot.quick`) and for every page whose fingerprint is unchanged (`decide`)."""

from __future__ import annotations

from ..fileio import present

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from collections.abc import Set as AbstractSet

    from ..parallel.aside import Aside


class Outputs:
    """Which of the files the last build left (`left`: the snapshot's) are still in the output folder:
    `there(rel)`, for the no-change exit and for every page whose fingerprint is unchanged. With
    thousands of them, the check runs aside (a forked child) while this process walks the inputs,
    loads the cache and plans; a file the last build did not leave is checked when asked for.
    `aside=False`: no child of its own; `shared()` gives the check to another one (incremental/walkaside.py)."""

    ASIDE_MIN = 2000  # fewer files: a fork is not worth it
    ASK_FIRST = 256  # files asked of the file system before a set of the files left is made

    def __init__(self, out: str | os.PathLike[str], left: Sequence[str] = (),
                 redo: AbstractSet[str] = frozenset(), aside: bool = True) -> None:
        from ..parallel.aside import Aside

        self._redo = redo  # not there, for this build: pages newsgen serve rendered early (State.early)
        self._check = present(str(out))
        self._left = left
        self._lazy_left: Callable[[], Sequence[str]] | None = None  # (`trusted`: `left` asked for when needed)
        self._missing: frozenset[str] | None = None  # known once the aside has answered
        self._answers: list[bytes] | None = None  # what it answered, until `_missing` is made of them
        self._left_set: frozenset[str] = frozenset()  # made once ASK_FIRST files were asked for
        self._asked = 0
        self._gone: AbstractSet[str] | None = None  # not there: the aside's missing files and `redo`
        self._aside: Aside | Shared | None = (
            Aside(_missing, self._check, left) if aside and self.ASIDE_MIN <= len(left) else None)

    @classmethod
    def trusted(cls, out: str | os.PathLike[str], left: Callable[[], Sequence[str]]) -> Outputs:
        """Every file the last build left (`left()`, asked for only if needed) taken to be there, none checked
        but the first few asked for (`there`): the caller vouches for the output as that build left it
        (`newsgen build --changed`)."""
        outputs = cls(out, (), aside=False)
        outputs._missing, outputs._lazy_left = frozenset(), left
        return outputs

    def shared(self) -> Shared | None:
        """The check, to be shared with another child (`Shared`), when it is worth one and this object
        has none of its own."""
        if self._aside is None and self.ASIDE_MIN <= len(self._left):
            self._aside = Shared(self._check, self._left)
            return self._aside
        return None

    def unshared(self) -> None:
        """No child to share the check with after all: this object checks each file when asked."""
        if isinstance(self._aside, Shared):
            self._aside = None

    def there(self, rel: str) -> bool:
        """(Asked for every page whose fingerprint is unchanged: two set lookups once the aside answered.
        The first few are asked of the file system: an edit of one body asks for a few dozen pages, and a
        set of the files left would take ~0.25 s at a million articles.)"""
        gone = self._gone
        if gone is None:
            missing = self._known_missing()
            if missing is None or not self._redo:
                gone = self._gone = missing if missing is not None else self._redo
            else:
                gone = self._gone = missing | self._redo
        if rel in gone:
            return False
        if self._asked < self.ASK_FIRST:
            self._asked += 1
            if self._asked == self.ASK_FIRST and self._missing is not None:
                self._left_set = frozenset(self._lazy_left() if self._lazy_left else self._left)
            return self._check(rel)
        return rel in self._left_set or self._check(rel)

    def cancel(self) -> None:
        """Not asked after all (the inputs changed): the aside is stopped, not waited for."""
        if self._aside is not None:
            self._aside.cancel()
            self._aside = None

    def all_there(self) -> bool:
        """(From the aside's answers as they came: a set of the missing files is made only if `there` is asked;
        an output folder emptied, 1.28 million names at a million articles, held all build long.)"""
        if self._missing is None and (answers := self._answered()) is not None:
            return not any(map(_any_missing, answers))
        missing = self._known_missing()
        return not missing if missing is not None else all(map(self._check, self._left))

    def _answered(self) -> list[bytes] | None:
        """The aside's answers (waited for once), or None when one did not come."""
        if self._aside is not None:
            aside, self._aside = self._aside, None
            answers = aside.answers() if isinstance(aside, Shared) else [aside.result()]
            found = [a for a in answers if a is not None]
            self._answers = found if len(found) == len(answers) else None  # (one that did not come: each file checked
        return self._answers  # when asked)

    def _known_missing(self) -> frozenset[str] | None:
        if self._missing is None and (found := self._answered()) is not None:
            left = self._left
            self._missing = frozenset(left[i] for a in found for i in _indices(a, len(left)))
            self._answers = None
        return self._missing


class Shared:
    """The output check shared by this process and a child that has other work first (the walk of the
    inputs: `walkaside`): the files are checked in slices of CHUNK, each taken by whichever is free (a
    counter in memory both see). The no-change answer asks at once: both check side by side; a build that
    goes on asks when the child has long checked them all."""

    CHUNK = 500

    def __init__(self, check: Callable[[str], bool], left: Sequence[str]) -> None:
        import mmap  # (a C module)

        self._check, self._left = check, left
        self._next_chunk = mmap.mmap(-1, 8)  # shared with the child forked after (MAP_SHARED)
        self._answer: Callable[[], bytes | None] = lambda: None
        self._stop: Callable[[], None] = lambda: None

    def in_child(self) -> Iterator[bytes]:
        """(In the child.) The missing files of the slices it took."""
        yield self._take_slices()

    def given(self, answer: Callable[[], bytes | None], stop: Callable[[], None]) -> None:
        """How this process reads the child's answer, and stops the child."""
        self._answer, self._stop = answer, stop

    def answers(self) -> list[bytes | None]:
        """The missing files of the slices this process took, and of the child's (None: its answer did
        not come, and the caller checks every file itself)."""
        mine = self._take_slices()
        theirs = self._answer()
        self.cancel()
        return [mine, theirs]

    def _take_slices(self) -> bytes:
        """The slices no one has taken yet, checked (two taking one at the same moment both check it)."""
        counter, left, size, gone = self._next_chunk, self._left, self.CHUNK, []
        while (start := int.from_bytes(counter[:8], "little") * size) < len(left):
            counter[:8] = (start // size + 1).to_bytes(8, "little")
            gone += _gone(self._check, left, start, min(start + size, len(left)))
        return _answer(gone, len(left))

    def cancel(self) -> None:
        self._stop()
        self._answer, self._stop = lambda: None, lambda: None


def _missing(there: Callable[[str], bool], left: Sequence[str]) -> bytes:
    """Which files of `left` are missing, as the aside child answers it: b"i" and their indices (4 bytes
    each), or b"b" and a bit per file when that is shorter. Usually none is missing: one byte, however
    many files (1.28 million at a million articles) were checked. An answer too long for the pipe makes
    the caller check them itself (`Aside`)."""
    return _answer(_gone(there, left, 0, len(left)), len(left))


def _gone(there: Callable[[str], bool], left: Sequence[str], start: int, stop: int) -> list[int]:
    return [i for i in range(start, stop) if not there(left[i])]


def _answer(gone: list[int], count: int) -> bytes:
    if len(gone) * 4 <= (count + 7) // 8:  # (no `array`: it imports collections, which `quick` never needs)
        return b"i" + b"".join(i.to_bytes(4, "little") for i in gone)
    bits = bytearray((count + 7) // 8)
    for i in gone:
        bits[i >> 3] |= 1 << (i & 7)
    return b"b" + bytes(bits)


def _any_missing(answer: bytes) -> bool:
    """Whether `_missing` answered any file (indices, or a bit set; an index's zero bytes are file 0)."""
    return answer != b"i" if answer[:1] == b"i" else bool(answer[1:].strip(b"\0"))


def _indices(answer: bytes, count: int) -> Iterable[int]:
    """The indices `_missing` answered."""
    if answer[:1] == b"i":
        return [int.from_bytes(answer[k : k + 4], "little") for k in range(1, len(answer), 4)]
    bits = answer[1:]
    return (i for i in range(count) if bits[i >> 3] & (1 << (i & 7)))
