"""Row 7: the stack's CPU with no requests at all, per process and together."""

from __future__ import annotations

import asyncio

from benchmarks import proc
from benchmarks.figures import Runs
from benchmarks.harness import Bench
from benchmarks.scenarios import Row
from devstack.stack import PROCESSES

SETTLE_SECONDS = 5.0  # let the demo load's events drain first


async def measure(bench: Bench, seconds: float) -> Row:
    await asyncio.sleep(SETTLE_SECONDS)
    roots = {name: bench.pid(name) for name in PROCESSES if _running(bench, name)}
    totals: list[float] = []
    each: dict[str, list[float]] = {name: [] for name in roots}
    for run in range(bench.runs):
        stats = proc.all_stats()
        members = {name: proc.tree(pid, stats) for name, pid in roots.items()}
        pids = {pid for group in members.values() for pid in group}
        before = proc.sample(pids)
        await asyncio.sleep(seconds)
        shares = proc.share_of_core(before, proc.sample(pids))
        per_process = {
            name: sum(shares.get(p, 0.0) for p in group) for name, group in members.items()
        }
        for name, share in per_process.items():
            each[name].append(share * 100)
        totals.append(sum(per_process.values()) * 100)
        parts = "  ".join(f"{name} {share:.1%}" for name, share in per_process.items())
        print(f"  run {run + 1} ({seconds:.0f} s): all {totals[-1]:.1f} % of a core;  {parts}")
    print("  each: " + ", ".join(f"{name} {Runs.of(v).show(' %')}" for name, v in each.items()))
    busiest = sorted(each.items(), key=lambda item: Runs.of(item[1]).median, reverse=True)
    top = ", ".join(f"{name} {Runs.of(v).median:.1f}" for name, v in busiest[:3])
    measured = f"{Runs.of(totals).show(' % of a core')} (medians: {top} %, …)"
    return Row("idle stack", measured, "≤ 5 % of a core")


def _running(bench: Bench, name: str) -> bool:
    try:
        return bench.processes.child(name).pid is not None
    except LookupError:
        return False
