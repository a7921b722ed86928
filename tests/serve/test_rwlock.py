"""rwlock.py: requests read together, a publishing build writes alone and is not starved."""

from __future__ import annotations

import threading
import time

from newsgen.serve.rwlock import ReadWriteLock


def test_readers_share() -> None:
    lock = ReadWriteLock()
    inside = threading.Barrier(3, timeout=2)

    def read() -> None:
        with lock.reading():
            inside.wait()  # all three are inside at once, or this times out

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_writer_waits_for_readers_and_then_goes_before_new_readers() -> None:
    lock = ReadWriteLock()
    order: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first_reader() -> None:
        with lock.reading():
            first_in.set()
            release_first.wait(2)
            order.append("reader 1 out")

    def writer() -> None:
        with lock.writing():
            order.append("writer")

    def late_reader() -> None:
        with lock.reading():
            order.append("reader 2")

    r1 = threading.Thread(target=first_reader)
    r1.start()
    first_in.wait(2)
    w = threading.Thread(target=writer)
    w.start()
    time.sleep(0.1)  # the writer is waiting now
    r2 = threading.Thread(target=late_reader)
    r2.start()
    time.sleep(0.1)
    assert order == []  # the late reader does not overtake the waiting writer
    release_first.set()
    for t in (r1, w, r2):
        t.join(2)
    assert order == ["reader 1 out", "writer", "reader 2"]
