"""Row 3: one feed page's latency from the scheduler as the feed table grows from 100 to
100,000 rows and one student's items from 10 to 10,000; the first page and a deep one (the
last full page, through its cursor). Each size is seeded once; every run measures it again.

Every page read holds the same number of items at every size (`PAGE`, the smallest feed's
length): a page of 50 costs more than a page of 10 to decode, check and send whatever the
data, so pages of 50 against a 10-item feed would measure the page's size, not the data's.
Beside each latency, the CPU the store and the scheduler spend per deep page: on a shared
machine the latencies wander with other work, their CPU much less."""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks import proc
from benchmarks.figures import Runs, number, ratio
from benchmarks.harness import Bench, student
from benchmarks.scenarios import Row
from benchmarks.seed import FeedSeeder, cursor_after

STAGES = ((100, 10), (1_000, 100), (10_000, 1_000), (100_000, 10_000))  # table rows, big's items
SMALL_ITEMS = 10
PAGE = SMALL_ITEMS
REQUESTS = 10  # per page kind, stage and run; the figure is their median
SETTLE_SECONDS = 3.0  # after seeding a size, so the store's own follow-up work is done
WARM_UP = 2  # requests first, not counted: a new page shape's first read pays for more
CPU_READS = 40  # deep pages per stage and run, for the CPU figures
IDLE_SECONDS = 2.0  # each process's own background CPU (polling), taken off the reads' share
SERVERS = ("store", "scheduler")
SMALL = student("bench-grow-small")  # 10 items while the table grows
BIG = student("bench-grow-big")  # the student whose own items grow
KINDS = ("first page, 10-item student", "first page, growing student", "deep page, growing student")


async def measure(bench: Bench, seeder: FeedSeeder) -> Row:
    # Rows other scenarios seeded would make the smallest table far bigger than 100.
    await seeder.remove_all()
    began = time.perf_counter()
    await seeder.add(SMALL.subject, 0, SMALL_ITEMS)
    seeded_items, filler_batches = 0, 0
    medians: dict[str, list[Runs]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[Runs]] = {server: [] for server in SERVERS}
    rows_seen: list[int] = []
    seeding = time.perf_counter() - began
    for table_rows, items in STAGES:
        began = time.perf_counter()
        await seeder.add(BIG.subject, seeded_items, items - seeded_items)
        seeded_items = items
        missing = table_rows - await seeder.rows()
        if missing > 0:
            fillers = [f"bench-grow-filler-{filler_batches}-{n:03d}" for n in range(missing // 100)]
            await seeder.add_many(fillers, 100)
            await seeder.add(f"bench-grow-filler-{filler_batches}-rest", 0, missing % 100)
            filler_batches += 1
        seeding += time.perf_counter() - began
        await asyncio.sleep(SETTLE_SECONDS)
        rows = await seeder.rows()
        rows_seen.append(rows)
        deep = cursor_after(BIG.subject, items - PAGE - 1) if items > PAGE else None
        pages = ((SMALL, None), (BIG, None), (BIG, deep))
        runs: dict[str, list[float]] = {kind: [] for kind in KINDS}
        cpu_runs: dict[str, list[float]] = {server: [] for server in SERVERS}
        for _ in range(bench.runs):
            for kind, (who, after) in zip(KINDS, pages, strict=True):
                runs[kind].append(await _median_ms(bench, who.subject, after))
            for server, ms in (await _cpu_per_read_ms(bench, deep)).items():
                cpu_runs[server].append(ms)
        for kind in KINDS:
            medians[kind].append(Runs.of(runs[kind]))
        for server in SERVERS:
            cpu[server].append(Runs.of(cpu_runs[server]))
        shown = "  ".join(f"{kind}: {medians[kind][-1].show(' ms')}" for kind in KINDS)
        print(f"  {rows:>7,} rows, growing student {items:>6,} items:  {shown}")
        shown = "  ".join(f"{server}: {cpu[server][-1].show(' ms')}" for server in SERVERS)
        print(f"    CPU per deep page, net of idle:  {shown}")
    print(f"  seeding took {seeding:.1f} s (direct inserts into feed_items)")
    print(f"  (pages of {PAGE} items; at 10 items the deep page is the first page: none deeper)")
    await seeder.remove_all()
    ratios = {kind: ratio(m[-1].median, m[0].median) for kind, m in medians.items()}
    for kind in KINDS:
        print(f"  {kind}: largest/smallest (medians) x{number(ratios[kind], 2)}")
    for server in SERVERS:
        print(f"  {server} CPU per deep page: largest/smallest (medians) {_span(cpu[server])}")
    first, last = rows_seen[0], rows_seen[-1]
    small, grow, deep_page = (medians[kind] for kind in KINDS)
    measured = (
        f"{first:,}→{last:,} rows: {_span(small)}; 10→10k items: first {_span(grow)},"
        f" deep {_span(deep_page)} (median ms, xlargest/smallest); CPU per deep page: store"
        f" {_span(cpu['store'])}, scheduler {_span(cpu['scheduler'])}"
    )
    return Row("feed page as data grows", measured, "flat within 20 % (x ≤ 1.2)")


def _span(stages: list[Runs]) -> str:
    low, high = stages[0].median, stages[-1].median
    return f"{number(low)}→{number(high)} x{number(ratio(high, low), 2)}"


async def _median_ms(bench: Bench, student_id: str, after: str | None) -> float:
    samples = []
    for _ in range(WARM_UP + REQUESTS):
        began = time.perf_counter()
        await _read_page(bench, student_id, after)
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples[WARM_UP:])


async def _cpu_per_read_ms(bench: Bench, after: str | None) -> dict[str, float]:
    """Each server's CPU per deep page of the growing student, less its idle rate."""
    pids = {server: bench.pid(server) for server in SERVERS}
    idle_from = {server: proc.tree_cpu(pid) for server, pid in pids.items()}
    await asyncio.sleep(IDLE_SECONDS)
    idle = {s: (proc.tree_cpu(pid) - idle_from[s]) / IDLE_SECONDS for s, pid in pids.items()}
    loop = asyncio.get_running_loop()
    before, began = {server: proc.tree_cpu(pid) for server, pid in pids.items()}, loop.time()
    for _ in range(CPU_READS):
        await _read_page(bench, BIG.subject, after)
    wall = loop.time() - began
    return {
        s: (proc.tree_cpu(pid) - before[s] - idle[s] * wall) / CPU_READS * 1000
        for s, pid in pids.items()
    }


async def _read_page(bench: Bench, student_id: str, after: str | None) -> None:
    params: dict[str, str | int] = {"first": PAGE}
    if after is not None:
        params["after"] = after
    headers = bench.auth(student(student_id))
    response = await bench.http.get(
        f"{bench.service('scheduler')}/feed", params=params, headers=headers
    )
    response.raise_for_status()
    got = len(response.json()["items"])
    if got != PAGE:
        raise RuntimeError(f"{student_id}: {got} items, expected {PAGE}")
