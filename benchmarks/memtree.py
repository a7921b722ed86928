#!/usr/bin/env python3
"""Peak memory of a command and of every process it starts (Linux). Standard library only.

    python3 benchmarks/memtree.py [--cwd DIR] [--every 0.02] -- COMMAND [ARG ...]

Polls /proc every --every seconds for the command's process tree and prints one JSON object:
  main_mb         the command's own peak RSS (its VmHWM at the last poll: a peak in the last poll
                  interval before it exits is missed);
  workers_mb      the largest peak RSS (VmHWM) of any process it started (forked workers count the
                  pages they share with the main process too);
  any_mb          the largest peak RSS of any single process (ru_maxrss from wait4: exact);
  tree_rss_mb     the largest sum of RSS over the tree seen at one poll (shared pages counted twice);
  tree_pss_mb     the largest sum of PSS (proportional set size: shared pages split between the
                  processes sharing them) seen at one poll (every 25th): what the build costs the machine;
  wall, user, sys seconds; rc.
A process that lives less than one poll is missed by the sums, never by main_mb.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(_children(p))
    return seen


def _status_kb(pid: int, *keys: str) -> dict[str, int]:
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in keys:
                    found[name] = int(rest.split()[0])
    except (OSError, ValueError):
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cwd", default=None)
    ap.add_argument("--every", type=float, default=0.02)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=a.cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    main_kb = workers_kb = tree_rss = tree_pss = 0
    polls = 0
    while True:
        pids = _tree(p.pid)
        rss = pss = 0
        for pid in pids:
            st = _status_kb(pid, "VmRSS", "VmHWM")
            rss += st.get("VmRSS", 0)
            if pid == p.pid:
                main_kb = max(main_kb, st.get("VmHWM", 0))
            else:
                workers_kb = max(workers_kb, st.get("VmHWM", 0))
            if polls % 25 == 0:  # (smaps_rollup walks the page tables: slow for big processes)
                pss += _pss_kb(pid)
        tree_rss, tree_pss = max(tree_rss, rss), max(tree_pss, pss)
        polls += 1
        if p.poll() is not None:
            break
        time.sleep(a.every)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"main_mb": round(main_kb / 1024, 1), "workers_mb": round(workers_kb / 1024, 1),
                      "any_mb": round(usage.ru_maxrss / 1024, 1),
                      "tree_rss_mb": round(tree_rss / 1024, 1), "tree_pss_mb": round(tree_pss / 1024, 1),
                      "wall": round(wall, 2), "user": round(usage.ru_utime, 2), "sys": round(usage.ru_stime, 2),
                      "rc": p.returncode}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
