"""`make bench`: start the embedded stack with demo data, seed what each scenario needs, and
print every row of issue 7's table as min / median of `--runs` runs. Never pass / fail."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from benchmarks import environment, load
from benchmarks.harness import Bench
from benchmarks.live import ensure_section
from benchmarks.scenarios import (
    Row,
    checkin,
    fanout,
    feed_cold,
    feed_growth,
    feed_hot,
    floors,
    idle,
    write_effect,
)
from benchmarks.seed import FeedSeeder
from devstack.demo import load_demo
from devstack.processes import Processes, free_port
from devstack.stack import StackConfig, start_stack

# In the order, which is the summary's, then the floors under them; they run in RUN_ORDER.
ROWS = ("feed", "cold", "growth", "checkin", "checkin200", "fanout", "effect", "idle", "floors")
# Idle first, while nothing has run yet; growth last, as its 100,000 rows slow every feed read
# of the embedded store until they are removed.
RUN_ORDER = (
    "idle",
    "feed",
    "cold",
    "checkin",
    "checkin200",
    "fanout",
    "floors",
    "effect",
    "growth",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only", default=",".join(ROWS), help=f"comma-separated, of: {', '.join(ROWS)}"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario (3)")
    parser.add_argument("--seconds", type=float, default=8, help="per hot-feed load (8)")
    parser.add_argument("--idle-seconds", type=float, default=20, help="per idle run (20)")
    parser.add_argument("--subscribers", type=int, default=1000, help="fan-out size (1000)")
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(ROWS)
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(sorted(unknown))}; known: {', '.join(ROWS)}")
    return args


def main() -> None:
    args = arguments()
    if isinstance(sys.stdout, io.TextIOWrapper):  # progress shows as it happens, piped or not
        sys.stdout.reconfigure(line_buffering=True)
    chosen = [name for name in RUN_ORDER if name in args.only.split(",")]
    print("== machine")
    for line in environment.describe(os.getpid()):
        print(f"  {line}")
    print(f"  load generator: {load.generator()}")
    with tempfile.TemporaryDirectory() as home:
        processes = Processes(Path(home) / "logs")
        try:
            began = time.perf_counter()
            # As `make run` does: a gateway worker per core, up to two.
            workers = min(2, os.cpu_count() or 1)
            config = StackConfig(
                home=Path(home),
                gateway_port=free_port(),
                gateway_workers=workers,
                # A few tokens stand for thousands of clients: a budget they never spend, so
                # the figures measure the work, charging included (ADR 0043).
                extra_env={
                    "GATEWAY_COST_PER_MINUTE": "1000000000",
                    "GATEWAY_COST_BURST": "1000000000",
                },
            )
            stack = start_stack(processes, config)
            print(
                f"== stack (broker, store, 3 services, gateway with {workers} workers) started in"
                f" {time.perf_counter() - began:.1f} s"
            )
            began = time.perf_counter()
            load_demo(stack.gateway_url, stack.dev_secret)
            print(f"== demo data loaded through GraphQL in {time.perf_counter() - began:.1f} s")
            rows = asyncio.run(
                _measure(Bench(stack, processes, args.runs, _client()), chosen, args)
            )
        finally:
            processes.stop_all()
    _summary(rows, args.runs)


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=50))


async def _measure(bench: Bench, chosen: list[str], args: argparse.Namespace) -> dict[str, Row]:
    seeder = FeedSeeder(bench.stack.mongo_uri)
    scenarios: dict[str, Callable[[], Awaitable[Row]]] = {
        "idle": lambda: idle.measure(bench, args.idle_seconds),
        "feed": lambda: feed_hot.measure(bench, args.seconds, seeder),
        "cold": lambda: feed_cold.measure(bench, seeder),
        "growth": lambda: feed_growth.measure(bench, seeder),
        "checkin": lambda: checkin.measure(bench),
        "checkin200": lambda: checkin.measure(bench, 200),
        "fanout": lambda: fanout.measure(bench, args.subscribers),
        "floors": lambda: floors.measure(bench, args.subscribers),
        "effect": lambda: write_effect.measure(bench),
    }
    rows: dict[str, Row] = {}
    try:
        if {"checkin", "checkin200", "fanout", "effect"} & set(chosen):
            await ensure_section(bench)
        for name in chosen:
            print(f"== {name}")
            began = time.perf_counter()
            rows[name] = await scenarios[name]()
            print(f"  ({time.perf_counter() - began:.0f} s)")
    finally:
        await seeder.close()
        await bench.http.aclose()
    rows["notes"] = Row("", "; ".join(bench.notes), "")
    return rows


def _summary(rows: dict[str, Row], runs: int) -> None:
    print(f"\n== summary: each figure min / median of {runs} run(s); read ratios, not absolutes")
    width = max(len(row.what) for row in rows.values())
    for name in ROWS:
        if (row := rows.get(name)) is not None:
            print(f"{row.what:<{width}} | {row.measured}\n{'':<{width}} |   target: {row.target}")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if rows["notes"].measured:
        print(f"notes: {rows['notes'].measured}")


if __name__ == "__main__":
    main()
