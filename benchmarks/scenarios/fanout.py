"""Row 5: one check-in fanned out to 1,000 subscribers of one session: time to the last frame
and deliveries per second. Only staff receive check-ins, so the subscribers are 1,000 distinct
staff (district admins of the demo district), one WebSocket each, from this one process; its
CPU is reported so a saturated client would show."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

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
    tokens = [bench.token(admin(f"bench-staff-{n:04d}")) for n in range(subscribers)]
    async with subscribed(ws_url(bench.stack.gateway_url), tokens, session_id) as subs:
        spread = await deliveries(bench, subs, partial(live.check_in, bench, session_id))
    if spread.ended:
        print(
            f"  {len(spread.ended)} subscriptions were ended by the server, e.g. {spread.ended[0]}"
        )
        bench.notes.append(f"fan-out: {len(spread.ended)} of {len(subs)} subscriptions ended early")
    if spread.busiest > BUSY_CLIENT:
        bench.notes.append(
            f"fan-out: the client process reached {spread.busiest:.0%} of a core:"
            " it may be the limit"
        )
    return Row(
        f"1 check-in → {len(subs):,} subscribers", spread.show(), "last ≤ 100 ms p99, ≥ 20,000/s"
    )


@asynccontextmanager
async def subscribed(
    url: str, tokens: list[str], session_id: str
) -> AsyncIterator[list[Subscriber]]:
    """One subscriber per token, each holding its own WebSocket; those that could not subscribe
    are said and left out."""
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    subs = [Subscriber(url, token, session_id) for token in tokens]
    began = time.perf_counter()
    tasks = [asyncio.create_task(s.hold(gate)) for s in subs]
    try:
        await asyncio.gather(*(s.subscribed.wait() for s in subs))
        failed = [s.ended for s in subs if s.ended]
        took = time.perf_counter() - began
        print(f"  {len(subs) - len(failed)} of {len(subs)} subscribed in {took:.1f} s")
        if failed:
            print(f"  could not subscribe: {len(failed)}, e.g. {failed[0]}")
        yield [s for s in subs if not s.ended]
    finally:
        await stop(tasks)


@dataclass
class Spread:
    p99s: list[float]  # ms, the slowest last frame of each run
    rates: list[float]  # deliveries per second from the event sent, each run's median
    spreads: list[float]  # deliveries per second from the first frame to the last, likewise
    busiest: float  # the client's CPU, of a core, at its busiest
    events: int
    ended: list[str]  # why subscriptions the server ended, ended

    def show(self) -> str:
        return (
            f"last frame p99 {Runs.of(self.p99s).show(' ms', 0)};"
            f" {Runs.of(self.rates).show(' deliveries/s', 0)} from the event sent,"
            f" {Runs.of(self.spreads).show('/s', 0)} from the first frame to the last"
            f" ({self.events} events, p99 of a run = its slowest;"
            f" client ≤ {self.busiest:.0%} of a core)"
        )


async def deliveries(
    bench: Bench, subs: list[Subscriber], send: Callable[[], Awaitable[str]]
) -> Spread:
    """`send` makes one event and returns the check-in id its frames carry; each run sends
    CHECK_INS of them, one at a time, each timed until its last frame arrived."""
    p99s, rates, spreads, busiest, events = [], [], [], 0.0, 0
    for run in range(bench.runs):
        lasts, run_rates, run_spreads = [], [], []
        for _ in range(CHECK_INS):
            cpu, began = time.process_time(), time.perf_counter()
            check_in_id = await send()
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
            spread = (max(arrived) - min(arrived)) if len(arrived) > 1 else float("nan")
            run_spreads.append((len(arrived) - 1) / spread if spread > 0 else float("nan"))
            gone = sum(s.ended is not None for s in subs)
            print(
                f"  run {run + 1}: {len(arrived)}/{len(subs)} frames,"
                f" last after {last * 1000:,.0f} ms,"
                f" {run_rates[-1]:,.0f} deliveries/s ({run_spreads[-1]:,.0f}/s from the first"
                f" frame); subscriptions ended {gone};"
                f" client CPU {client:.0%} of a core"
            )
            if last > LONG_SECONDS:
                break  # the run's figure is this one: keep `make bench` within minutes
        events += len(lasts)
        p99s.append(percentile(lasts, 99))
        rates.append(statistics.median(run_rates))
        spreads.append(statistics.median(run_spreads))
    ended = [s.ended for s in subs if s.ended is not None]
    return Spread(p99s, rates, spreads, busiest, events, ended)
