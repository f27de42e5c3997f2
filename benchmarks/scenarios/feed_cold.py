"""Row 2: the gateway's CPU per cold `feed(first: 50)`: each request is the first read of a
student's feed, so nothing about that reader's answer can have been computed before."""

from __future__ import annotations

import asyncio
import time

from benchmarks import proc
from benchmarks.figures import Runs
from benchmarks.harness import Bench, student
from benchmarks.scenarios import Row
from benchmarks.scenarios.feed_hot import FEED, PAGE
from benchmarks.seed import FeedSeeder

REQUESTS = 40  # per run
IDLE_SECONDS = 2.0  # the gateway's own background CPU, taken off each request's share

WHY = (
    "  cold = N distinct students, each read once (one at a time): a response cache keyed by\n"
    "  the caller's scope cannot have the answer, with no race against the invalidation that a\n"
    "  change to the feed would need to reach the gateway first. Caches shared by every caller\n"
    "  (parsed documents, validation) stay warm, as they would in production."
)


async def measure(bench: Bench, seeder: FeedSeeder) -> Row:
    print(WHY)
    students = [student(f"bench-cold-{n:04d}") for n in range(REQUESTS * bench.runs)]
    began = time.perf_counter()
    await seeder.add_many([s.subject for s in students], PAGE)
    took = time.perf_counter() - began
    print(f"  seeded {len(students)} students x {PAGE} feed items in {took:.1f} s")
    gateway = bench.pid("gateway")
    raw, net = [], []
    for run in range(bench.runs):
        idle_before = proc.tree_cpu(gateway)
        await asyncio.sleep(IDLE_SECONDS)
        idle_rate = (proc.tree_cpu(gateway) - idle_before) / IDLE_SECONDS
        batch = students[run * REQUESTS : (run + 1) * REQUESTS]
        headers = [bench.auth(s) for s in batch]  # tokens signed before the clock starts
        loop = asyncio.get_running_loop()
        cpu_before, began = proc.tree_cpu(gateway), loop.time()
        for one in headers:
            page = await bench.graphql(one, FEED)
            assert len(page["feed"]["edges"]) == PAGE
        cpu, wall = proc.tree_cpu(gateway) - cpu_before, loop.time() - began
        per_request = cpu / REQUESTS * 1000
        corrected = (cpu - idle_rate * wall) / REQUESTS * 1000
        raw.append(per_request)
        net.append(corrected)
        print(
            f"  run {run + 1}: gateway CPU {per_request:.1f} ms per cold request"
            f" ({corrected:.1f} ms without its idle {idle_rate:.1%} of a core);"
            f" {wall / REQUESTS * 1000:.1f} ms wall each"
        )
    measured = (
        f"gateway CPU {Runs.of(raw).show(' ms')} per request"
        f" ({Runs.of(net).show(' ms')} net of its idle CPU)"
    )
    return Row("feed(first: 50) cold", measured, "gateway CPU ≤ 8 ms per cold request")
