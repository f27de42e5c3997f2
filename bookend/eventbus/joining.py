"""Reaching the broker in the background: a process started while the broker is away serves
what needs only its store meanwhile, and joins the broker once it answers (ADR 0041)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

# Seconds between tries, and between the lines saying a process still waits.
RETRY_EVERY = 1.0
TOLD_EVERY = 30.0

Step = Callable[[], Awaitable[None]]


async def once_it_answers(
    step: Step, what: str, *, every: float = RETRY_EVERY, waiting: Callable[[], None] = lambda: None
) -> None:
    """Await `step` (one step of joining the broker, safe to try again after it failed) until
    the broker lets it succeed; `waiting` is called at each failed try. Anything but the
    broker being away or too slow is a fault of ours and is raised."""
    loop = asyncio.get_running_loop()
    told_at: float | None = None
    while True:
        try:
            await step()
        except (KafkaError, OSError, TimeoutError) as away:
            waiting()
            now = loop.time()
            if told_at is None or now - told_at >= TOLD_EVERY:
                log.warning("%s waits for the broker: %r", what, away)
                told_at = now
            await asyncio.sleep(every)
        else:
            if told_at is not None:
                log.warning("%s reached the broker", what)
            return


class Joining:
    """A process's steps of joining the broker, taken in order in the background."""

    def __init__(self, what: str, *steps: Step, every: float = RETRY_EVERY) -> None:
        self.joined = False
        # Set once joined, or once a step has to wait for the broker: a process with the
        # broker at hand starts serving only after joining it, as it always did.
        self._settled = asyncio.Event()
        self._task = asyncio.create_task(self._run(what, steps, every), name=f"joining: {what}")

    async def settled(self) -> None:
        await self._settled.wait()

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self, what: str, steps: tuple[Step, ...], every: float) -> None:
        try:
            for step in steps:
                await once_it_answers(step, what, every=every, waiting=self._settled.set)
            self.joined = True
        except asyncio.CancelledError:
            raise
        except Exception:
            # Readiness keeps saying the broker is not joined; the cause is here.
            log.exception("%s could not join the broker", what)
        finally:
            self._settled.set()
