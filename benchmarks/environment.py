"""What else the machine is doing, printed first: the figures are only comparable as ratios."""

from __future__ import annotations

import os
import time

from benchmarks import proc

SAMPLE_SECONDS = 2.0


def describe(own_pid: int) -> list[str]:
    """Cores, load average and the busiest other processes over a short sample."""
    load = os.getloadavg()
    stats = proc.all_stats()
    ours = proc.tree(own_pid, stats)
    before = proc.sample(set(stats) - ours)
    time.sleep(SAMPLE_SECONDS)
    shares = proc.share_of_core(before, proc.sample(before.cpu))
    names = {pid: stats[pid].name for pid in shares}
    busiest = sorted(shares.items(), key=lambda item: item[1], reverse=True)[:5]
    others = sum(shares.values())
    lines = [
        f"cores {os.cpu_count()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        f"other processes used {others:.0%} of a core over {SAMPLE_SECONDS:.0f} s; busiest: "
        + (
            ", ".join(f"{names[pid]}[{pid}] {share:.0%}" for pid, share in busiest if share > 0.005)
            or "none"
        ),
    ]
    return lines
