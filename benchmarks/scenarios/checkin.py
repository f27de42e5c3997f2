"""Row 4: a student's check-in → the frame on the teacher's subscription, with the teacher the
only subscriber, and again with 200 subscribers of the session connected (the teacher and 199
other staff, each on a WebSocket of their own, all sent every check-in)."""

from __future__ import annotations

import asyncio
import time

from benchmarks import live, proc
from benchmarks.figures import Runs, percentile
from benchmarks.harness import Bench, admin
from benchmarks.scenarios import Row
from benchmarks.scenarios.fanout import subscribed
from benchmarks.subscriber import Subscriber, stop, ws_url
from devstack.stack import PROCESSES

CHECK_INS = 40  # per run, one at a time


async def measure(bench: Bench, subscribers: int = 1) -> Row:
    """The teacher's frames timed while `subscribers` in all (the teacher included) watch."""
    title = "Bench: one subscriber" if subscribers == 1 else f"Bench: {subscribers} subscribers"
    session_id = await live.live_session(bench, title)
    others = [bench.token(admin(f"bench-watcher-{n:04d}")) for n in range(subscribers - 1)]
    url = ws_url(bench.stack.gateway_url)
    async with subscribed(url, others, session_id) as crowd:
        if len(crowd) < len(others):
            bench.notes.append(f"check-in: {len(crowd) + 1} of {subscribers} subscribed")
        p50s, p99s = await _timed(bench, session_id)
    measured = f"p50 {Runs.of(p50s).show(' ms')}, p99 {Runs.of(p99s).show(' ms')}"
    note = f"(p99 of {CHECK_INS} is their maximum)" if CHECK_INS < 100 else ""
    return Row(
        f"check-in → teacher's frame, {subscribers} sub{'s' if subscribers > 1 else ''}",
        f"{measured} {note}".strip(),
        "p50 ≤ 10 ms, p99 ≤ 30 ms",
    )


async def _timed(bench: Bench, session_id: str) -> tuple[list[float], list[float]]:
    """Each run's p50 and p99, in ms, of CHECK_INS check-ins sent one at a time."""
    p50s, p99s = [], []
    teacher = Subscriber(ws_url(bench.stack.gateway_url), bench.token(live.TEACHER), session_id)
    holding = asyncio.create_task(teacher.hold())
    await teacher.subscribed.wait()
    if teacher.ended:
        raise RuntimeError(f"the teacher could not subscribe: {teacher.ended}")
    try:
        for run in range(bench.runs):
            samples, answers = [], []
            cpu_before = _cpu_by_process(bench)
            for _ in range(CHECK_INS):
                began = time.perf_counter()
                check_in_id = await live.check_in(bench, session_id)
                answers.append((time.perf_counter() - began) * 1000)
                while (await asyncio.wait_for(teacher.frames.get(), 30)) != check_in_id:
                    pass
                samples.append((teacher.arrivals[check_in_id] - began) * 1000)
            p50s.append(percentile(samples, 50))
            p99s.append(percentile(samples, 99))
            print(
                f"  run {run + 1}: {CHECK_INS} check-ins, mutation sent → frame:"
                f" p50 {p50s[-1]:.1f} ms  p99 {p99s[-1]:.1f} ms  max {max(samples):.1f} ms;"
                f" of which the mutation's answer: p50 {percentile(answers, 50):.1f} ms"
            )
            spent = {
                name: (cpu - cpu_before[name]) * 1000 / CHECK_INS
                for name, cpu in _cpu_by_process(bench).items()
            }
            parts = "  ".join(f"{name} {ms:.1f}" for name, ms in spent.items())
            print(f"    CPU per check-in, ms: all {sum(spent.values()):.1f};  {parts}")
    finally:
        await stop([holding])
    return p50s, p99s


def _cpu_by_process(bench: Bench) -> dict[str, float]:
    """Each process's CPU seconds so far (with its children, as a gateway's workers), idle
    polling included: small beside a check-in's work now that consumers sleep (ADR 0019)."""
    stats = proc.all_stats()
    return {name: proc.tree_cpu(bench.pid(name), stats) for name in PROCESSES}
