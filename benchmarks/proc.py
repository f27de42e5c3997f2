"""CPU time of processes from /proc (Linux), with no dependency: a process's own threads
included, its exited children not."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC = Path("/proc")


@dataclass(frozen=True)
class Stat:
    pid: int
    ppid: int
    name: str
    cpu_seconds: float  # user + system


def parse_stat(line: str) -> Stat:
    """One `/proc/<pid>/stat` line. The name sits in parentheses and may hold spaces and
    parentheses itself, so the fields after it are found from the last ')'."""
    head, _, tail = line.rpartition(")")
    pid_text, _, name = head.partition(" (")
    fields = tail.split()
    # fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
    return Stat(int(pid_text), ppid, name, (utime + stime) / TICKS)


def read_stat(pid: int) -> Stat | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None  # gone between listing and reading


def all_stats() -> dict[int, Stat]:
    stats: dict[int, Stat] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := read_stat(int(entry.name))) is not None:
            stats[stat.pid] = stat
    return stats


def tree(root: int, stats: Mapping[int, Stat]) -> set[int]:
    """The root and every descendant (a server with worker processes counts as one)."""
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def tree_cpu(root: int, stats: Mapping[int, Stat] | None = None) -> float:
    stats = all_stats() if stats is None else stats
    return sum(stats[pid].cpu_seconds for pid in tree(root, stats))


@dataclass(frozen=True)
class Sample:
    at: float  # monotonic seconds
    cpu: dict[int, float]  # pid -> CPU seconds so far


def sample(pids: Iterable[int] | None = None) -> Sample:
    stats = all_stats()
    wanted = stats.keys() if pids is None else pids
    return Sample(time.monotonic(), {pid: stats[pid].cpu_seconds for pid in wanted if pid in stats})


def share_of_core(before: Sample, after: Sample) -> dict[int, float]:
    """Each process's CPU between two samples as a fraction of one core (1.0 = a whole core);
    a process absent from either sample is left out."""
    wall = after.at - before.at
    if wall <= 0:
        return {}
    return {
        pid: (after.cpu[pid] - before.cpu[pid]) / wall for pid in after.cpu if pid in before.cpu
    }
