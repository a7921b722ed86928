"""events.py: a burst of events becomes one batch once the disk is quiet."""

from __future__ import annotations

import threading
import time

import pytest

from newsgen.serve.events import ChangeQueue, Coalescer


def test_batch_due_after_quiet_period() -> None:
    c = Coalescer(quiet=0.1, longest=5.0)
    assert c.due_in(0.0) is None and c.take(0.0) is None
    c.add(["a"], now=1.0)
    assert c.take(1.05) is None
    assert c.due_in(1.05) == pytest.approx(0.05)
    assert c.take(1.1) == {"a"}
    assert not c and c.take(2.0) is None


def test_every_event_restarts_the_quiet_period() -> None:
    c = Coalescer(quiet=0.1, longest=5.0)
    now = 0.0
    for i in range(500):  # a git checkout: 500 files, 5 ms apart
        c.add([f"content/a/{i}.md"], now)
        assert c.take(now) is None
        now += 0.005
    batch = c.take(now - 0.005 + 0.1)
    assert batch is not None and len(batch) == 500


def test_duplicates_collapse() -> None:
    c = Coalescer(quiet=0.1)
    for _ in range(50):  # modified, closed, modified... of one save
        c.add(["content/a.md"], 0.0)
    assert c.take(0.2) == {"content/a.md"}


def test_longest_wait_caps_a_never_ending_stream() -> None:
    c = Coalescer(quiet=0.1, longest=1.0)
    now = 0.0
    batches = []
    while now < 2.5:
        c.add([f"f{now}"], now)
        got = c.take(now)
        if got:
            batches.append(got)
        now += 0.05
    assert len(batches) == 2  # at 1.0 and at about 2.0 s, though events never paused


def test_empty_add_does_not_start_a_batch() -> None:
    c = Coalescer()
    c.add([], 0.0)
    assert c.due_in(0.0) is None


def test_queue_hands_over_one_batch_from_another_thread() -> None:
    q = ChangeQueue(quiet=0.05)

    def writer() -> None:
        for i in range(200):
            q.put([f"content/{i}.md"])

    t = threading.Thread(target=writer)
    started = time.monotonic()
    t.start()
    batch = q.get(timeout=5)
    t.join()
    assert batch is not None and len(batch) == 200
    assert time.monotonic() - started < 2
    assert not q.pending()
    assert q.get(timeout=0.1) is None


def test_queue_get_times_out_and_close_wakes_it() -> None:
    q = ChangeQueue(quiet=0.05)
    assert q.get(timeout=0.05) is None
    result: list[object] = []
    t = threading.Thread(target=lambda: result.append(q.get()))
    t.start()
    time.sleep(0.1)
    q.close()
    t.join(timeout=2)
    assert result == [None]


def test_queue_pending_before_due() -> None:
    q = ChangeQueue(quiet=10)
    q.put(["content/a.md"])
    assert q.pending()
    assert q.get(timeout=0.01) is None


def test_queue_with_a_fake_clock() -> None:
    now = [0.0]
    q = ChangeQueue(quiet=0.1, clock=lambda: now[0])
    q.put(["a"])
    now[0] = 0.05
    q.put(["b"])
    assert q.get(timeout=0) is None
    now[0] = 0.2
    assert q.get(timeout=0) == {"a", "b"}


def test_peek_hands_out_each_version_of_the_waiting_paths_once() -> None:
    c = Coalescer(quiet=0.1)
    assert c.peek(0.0, 0.01) == (float("inf"), None)
    c.add(["content/a.md"], 0.0)
    wait, paths = c.peek(0.005, 0.01)
    assert paths is None and abs(wait - 0.005) < 1e-9
    assert c.peek(0.02, 0.01) == (0.0, {"content/a.md"})
    assert c.peek(0.03, 0.01)[1] is None  # already handed out
    c.add(["content/b.md"], 0.04)
    assert c.peek(0.05, 0.01) == (0.0, {"content/a.md", "content/b.md"})
    assert c.take(0.2) == {"content/a.md", "content/b.md"}  # the batch itself is still due once


def test_queue_next_shows_an_editors_save_before_the_batch_is_due() -> None:
    q = ChangeQueue(quiet=0.3)
    q.put(["content/a.md"])
    started = time.monotonic()
    assert q.next(timeout=5, early=0.01) == (False, {"content/a.md"})
    assert time.monotonic() - started < 0.25
    assert q.pending()
    assert q.next(timeout=5, early=0.01) == (True, {"content/a.md"})
    assert not q.pending()


def test_wake_makes_a_waiting_next_return_and_take_all_takes_what_is_not_due() -> None:
    queue = ChangeQueue(quiet=10.0)
    queue.put(["content/a.md"])
    threading.Timer(0.05, queue.wake).start()
    started = time.monotonic()
    assert queue.next(timeout=5.0) is None
    assert time.monotonic() - started < 2.0
    assert queue.take_all() == {"content/a.md"}
    assert not queue.pending() and queue.take_all() == set()
