"""Row 5: one check-in fanned out to 1,000 subscribers of one session: time to the last frame
and deliveries per second. Only staff receive check-ins, so the subscribers are 1,000 distinct
staff (district admins of the demo district), one WebSocket each, from this one process; its
CPU is reported so a saturated client would show."""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks import live
from benchmarks.figures import Runs, percentile
from benchmarks.harness import Bench, admin
from benchmarks.scenarios import Row
from benchmarks.subscriber import Subscriber, stop, ws_url

CHECK_INS = 3  # per run, unless one takes longer than LONG_SECONDS (then one a run)
LONG_SECONDS = 10.0
CONNECTING_AT_ONCE = 50
TIMEOUT_SECONDS = 120.0
BUSY_CLIENT = 0.8  # of a core: above it, the client may be what is slow


async def measure(bench: Bench, subscribers: int) -> Row:
    session_id = await live.live_session(bench, "Bench: fan-out")
    url, gate = ws_url(bench.stack.gateway_url), asyncio.Semaphore(CONNECTING_AT_ONCE)
    subs = [
        Subscriber(url, bench.token(admin(f"bench-staff-{n:04d}")), session_id)
        for n in range(subscribers)
    ]
    began = time.perf_counter()
    tasks = [asyncio.create_task(s.hold(gate)) for s in subs]
    try:
        await asyncio.gather(*(s.subscribed.wait() for s in subs))
        failed = [s.ended for s in subs if s.ended]
        print(
            f"  {subscribers - len(failed)} of {subscribers} subscribed in"
            f" {time.perf_counter() - began:.1f} s"
        )
        if failed:
            print(f"  could not subscribe: {len(failed)}, e.g. {failed[0]}")
        return await _fan_out(bench, session_id, [s for s in subs if not s.ended])
    finally:
        await stop(tasks)


async def _fan_out(bench: Bench, session_id: str, subs: list[Subscriber]) -> Row:
    p99s, rates, busiest, measured_check_ins = [], [], 0.0, 0
    for run in range(bench.runs):
        lasts, run_rates = [], []
        for _ in range(CHECK_INS):
            cpu, began = time.process_time(), time.perf_counter()
            check_in_id = await live.check_in(bench, session_id)
            deadline = began + TIMEOUT_SECONDS
            while time.perf_counter() < deadline:
                waiting = [s for s in subs if s.ended is None and check_in_id not in s.arrivals]
                if not waiting:
                    break
                await asyncio.sleep(0.01)
            arrived = [s.arrivals[check_in_id] for s in subs if check_in_id in s.arrivals]
            wall = time.perf_counter() - began
            client = (time.process_time() - cpu) / wall
            busiest = max(busiest, client)
            last = (max(arrived) - began) if arrived else float("nan")
            lasts.append(last * 1000)
            run_rates.append(len(arrived) / last if arrived else 0.0)
            gone = sum(s.ended is not None for s in subs)
            slow = last > LONG_SECONDS
            print(
                f"  run {run + 1}: {len(arrived)}/{len(subs)} frames,"
                f" last after {last * 1000:,.0f} ms,"
                f" {run_rates[-1]:,.0f} deliveries/s; subscriptions ended {gone};"
                f" client CPU {client:.0%} of a core"
            )
            if slow:
                break  # the run's figure is this one: keep `make bench` within minutes
        measured_check_ins += len(lasts)
        p99s.append(percentile(lasts, 99))
        rates.append(statistics.median(run_rates))
    ended = [s.ended for s in subs if s.ended is not None]
    if ended:
        print(f"  {len(ended)} subscriptions were ended by the server, e.g. {ended[0]}")
        bench.notes.append(f"fan-out: {len(ended)} of {len(subs)} subscriptions ended early")
    if busiest > BUSY_CLIENT:
        bench.notes.append(
            f"fan-out: the client process reached {busiest:.0%} of a core: it may be the limit"
        )
    rate = Runs.of(rates)
    measured = (
        f"last frame p99 {Runs.of(p99s).show(' ms', 0)}; {rate.show(' deliveries/s', 0)}"
        f" ({measured_check_ins} check-ins, p99 of a run = its slowest;"
        f" client ≤ {busiest:.0%} of a core)"
    )
    return Row(f"1 check-in → {len(subs):,} subscribers", measured, "last ≤ 100 ms p99, ≥ 20,000/s")
