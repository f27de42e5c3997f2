"""Row 6: a write in one service → its effect observable in another, by polling the target.

- publish → schedulable: `publishLesson` through the gateway, then the scheduler's own
  `GET /lessons/{id}` (the copy `scheduleLiveSession` checks) until it answers 200.
- start → check-in accepted: `startSession` through the gateway, then feedback's
  `POST /sessions/{id}/checkins` as a student of the section until it answers 201.

The clock starts when the write's answer reaches the client (the write is committed) and stops
when a poll's answer shows the effect; polls go back to back with `POLL_INTERVAL` between
them, so a figure is late by at most one interval plus one poll's own round trip (printed)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial

from benchmarks import live
from benchmarks.figures import Runs, percentile
from benchmarks.harness import Bench, poll
from benchmarks.scenarios import Row

SAMPLES = 20  # per run and kind of write
POLL_INTERVAL = 0.002


async def measure(bench: Bench) -> Row:
    print(f"  polling every {POLL_INTERVAL * 1000:.0f} ms after each answer")
    known_lesson = await live.create_lesson(bench, "Bench: write → effect")
    await live.publish(bench, known_lesson)
    await poll(partial(_lesson_known, bench, known_lesson), interval=0.05)
    figures: dict[str, list[tuple[float, float]]] = {"publish": [], "start": []}
    for run in range(bench.runs):
        publish: list[float] = []
        start: list[float] = []
        polls: list[float] = []
        for n in range(SAMPLES):
            lesson_id = await live.create_lesson(bench, f"Bench: publish {run}.{n}")
            publish.append(
                await _lag(
                    partial(live.publish, bench, lesson_id),
                    partial(_lesson_known, bench, lesson_id, polls),
                )
            )
            session_id = await live.schedule(bench, known_lesson)
            assert session_id is not None
            start.append(
                await _lag(
                    partial(live.start, bench, session_id),
                    partial(_accepted, bench, session_id, polls),
                )
            )
        for name, samples in (("publish", publish), ("start", start)):
            figures[name].append((percentile(samples, 50), percentile(samples, 99)))
            print(
                f"  run {run + 1} {name:8} → effect: p50 {figures[name][-1][0]:.1f} ms"
                f"  p99 {figures[name][-1][1]:.1f} ms  (n={len(samples)})"
            )
        print(f"  run {run + 1}: one poll's round trip p50 {percentile(polls, 50):.1f} ms")
    parts = []
    for name, label in (("publish", "publish→schedulable"), ("start", "start→check-in")):
        p50 = Runs.of([p for p, _ in figures[name]])
        p99 = Runs.of([p for _, p in figures[name]])
        parts.append(f"{label} p50 {p50.show(' ms')}, p99 {p99.show(' ms')}")
    return Row("write → effect in another service", "; ".join(parts), "p99 ≤ 50 ms")


async def _lag(
    write: Callable[[], Awaitable[None]], effect: Callable[[], Awaitable[bool]]
) -> float:
    await write()
    answered = time.perf_counter()
    seen = await poll(effect, interval=POLL_INTERVAL)
    return (seen - answered) * 1000


async def _lesson_known(bench: Bench, lesson_id: str, polls: list[float] | None = None) -> bool:
    began = time.perf_counter()
    lesson = live.service_id(lesson_id, "Lesson")
    response = await bench.http.get(
        f"{bench.service('scheduler')}/lessons/{lesson}", headers=bench.auth(live.TEACHER)
    )
    if polls is not None:
        polls.append((time.perf_counter() - began) * 1000)
    return response.status_code == 200


async def _accepted(bench: Bench, session_id: str, polls: list[float]) -> bool:
    began = time.perf_counter()
    accepted = await live.check_in_accepted(bench, session_id)
    polls.append((time.perf_counter() - began) * 1000)
    return accepted
