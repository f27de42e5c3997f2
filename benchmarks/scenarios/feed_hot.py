"""Row 1: `feed(first: 50)` read again and again by one student at 32 connections, through the
gateway, from the scheduler directly, and from a plain FastAPI endpoint serving the same page."""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path

from benchmarks import load
from benchmarks.figures import Runs, number, ratio
from benchmarks.harness import Bench, student
from benchmarks.scenarios import Row
from benchmarks.seed import FeedSeeder
from devstack.processes import free_port, http_ok, uvicorn_app

CONNECTIONS = 32
PAGE = 50
STUDENT = student("bench-hot-student")
FEED = """query { feed(first: 50) { timeZone
  edges { cursor node { id kind title status minutes sectionId sessionId lessonId actionableAt
    timeZone ... on LiveSessionItem { startsAt endsAt }
    ... on TaskItem { bookend opensAt dueAt } } }
  pageInfo { hasNextPage endCursor } } }"""


async def measure(bench: Bench, seconds: float, seeder: FeedSeeder) -> Row:
    began = time.perf_counter()
    await seeder.add(STUDENT.subject, 0, 2 * PAGE)
    print(f"  seeded {2 * PAGE} feed items in {time.perf_counter() - began:.1f} s")
    headers = bench.auth(STUDENT)
    scheduler_url = f"{bench.service('scheduler')}/feed?first={PAGE}"
    page = await bench.http.get(scheduler_url, headers=headers)
    page.raise_for_status()
    through_gateway = await bench.graphql(headers, FEED)
    assert len(through_gateway["feed"]["edges"]) == PAGE == len(page.json()["items"])
    plain_url = _start_plain(bench, page.text)

    targets = [
        load.Target(
            "gateway",
            bench.stack.gateway_url,
            "POST",
            load.graphql_body(FEED),
            {**headers, "Content-Type": "application/json"},
            failure_marker='"errors"',
        ),
        load.Target("scheduler", scheduler_url, headers=headers),
        load.Target("plain", plain_url),
    ]
    print(f"  load: {load.generator()}, {CONNECTIONS} connections, {seconds:.0f} s per target")
    for target in targets:  # warm every process and pool up first
        await load.run(target, connections=CONNECTIONS, seconds=2)
    figures: dict[str, list[load.Load]] = {target.name: [] for target in targets}
    for run in range(bench.runs):
        for target in targets[run % 3 :] + targets[: run % 3]:  # no target always goes first
            done = await load.run(target, connections=CONNECTIONS, seconds=seconds)
            figures[target.name].append(done)
            print(
                f"  run {run + 1} {target.name:10} {done.rate:8.1f} req/s"
                f"  p50 {done.p50_ms:7.1f} ms"
                f"  p99 {done.p99_ms:7.1f} ms  errors {done.errors}"
                f"  (load generator {done.generator_cpu:.0%} of a core)"
            )
    rates = {name: Runs.of([f.rate for f in runs]) for name, runs in figures.items()}
    p99 = {name: Runs.of([f.p99_ms for f in runs]) for name, runs in figures.items()}
    per_run = list(zip(figures["gateway"], figures["scheduler"], figures["plain"], strict=True))
    gateway_share = Runs.of([ratio(g.rate, p.rate) for g, _, p in per_run])
    scheduler_share = Runs.of([ratio(s.rate, p.rate) for _, s, p in per_run])
    # The gateway's overhead: its rate beside the scheduler's own feed endpoint, run by run.
    overhead = Runs.of([ratio(g.rate, s.rate) for g, s, _ in per_run])
    p50 = {name: Runs.of([f.p50_ms for f in runs]) for name, runs in figures.items()}
    for name in figures:
        print(
            f"  {name:10} req/s {rates[name].show()}  p50 {p50[name].show(' ms')}"
            f"  p99 {p99[name].show(' ms')}"
        )
    print(
        f"  ratio gateway/plain {gateway_share.show(digits=3)}"
        f"  scheduler/plain {scheduler_share.show(digits=3)}"
        f"  gateway/scheduler {overhead.show(digits=3)}"
    )
    measured = (
        f"gateway {rates['gateway'].show(' req/s', 0)}, p50 {p50['gateway'].show(' ms', 1)},"
        f" p99 {p99['gateway'].show(' ms', 0)};"
        f" scheduler directly {rates['scheduler'].show(' req/s', 0)},"
        f" p50 {p50['scheduler'].show(' ms', 1)}, p99 {p99['scheduler'].show(' ms', 0)};"
        f" gateway/scheduler {_pct(overhead)};"
        f" gateway {_pct(gateway_share)} and scheduler {_pct(scheduler_share)} of plain"
        f" ({rates['plain'].show(' req/s', 0)})"
    )
    return Row(
        "feed(first: 50) hot, 32 conn",
        measured,
        "≥ 1,000 req/s, p99 ≤ 50 ms, ≥ 50 % of plain; overhead = gateway/scheduler",
    )


def _pct(runs: Runs) -> str:
    return f"{number(runs.min * 100)} / {number(runs.median * 100)} %"


def _start_plain(bench: Bench, body: str) -> str:
    path = Path(bench.processes.log_dir) / "plain-feed.json"
    path.write_text(json.dumps(json.loads(body)))
    port = free_port()
    app = uvicorn_app("benchmarks.plain_app:create_app", port)
    child = bench.processes.start("plain", app, {"BENCH_PLAIN_BODY": str(path)})
    url = f"http://127.0.0.1:{port}/feed"
    bench.processes.wait_until(child, partial(http_ok, url), timeout=30)
    return url
