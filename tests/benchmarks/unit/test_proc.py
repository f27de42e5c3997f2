"""Reading CPU time from /proc: the stat line, process trees and shares of a core."""

from __future__ import annotations

import os

from benchmarks.proc import TICKS, Sample, Stat, parse_stat, read_stat, share_of_core, tree

# proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
# utime stime …; a name may hold spaces and parentheses.
LINE = "4242 (uvicorn (gw) x) S 17 4242 4242 0 -1 4194560 1 2 3 4 250 50 0 0 20 0 3 0"


def test_a_stat_line_with_parentheses_in_the_name_is_read_from_the_last_one() -> None:
    stat = parse_stat(LINE)
    assert (stat.pid, stat.ppid, stat.name) == (4242, 17, "uvicorn (gw) x")
    assert stat.cpu_seconds == 300 / TICKS


def test_this_process_can_be_read() -> None:
    stat = read_stat(os.getpid())
    assert stat is not None and stat.pid == os.getpid() and stat.cpu_seconds >= 0


def test_a_tree_is_the_root_and_its_descendants_only() -> None:
    stats = {
        pid: Stat(pid, ppid, "p", 0.0)
        for pid, ppid in [(1, 0), (10, 1), (11, 10), (12, 11), (20, 1), (21, 20)]
    }
    assert tree(10, stats) == {10, 11, 12}
    assert tree(99, stats) == set()


def test_shares_of_a_core_leave_out_processes_missing_from_a_sample() -> None:
    before = Sample(at=100.0, cpu={1: 5.0, 2: 1.0})
    after = Sample(at=102.0, cpu={1: 6.0, 3: 4.0})
    assert share_of_core(before, after) == {1: 0.5}
