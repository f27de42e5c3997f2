"""Imports run beside the requests that start them: a district's roster takes longer to write
than a request may last (ADR 0028). The runner keeps each running import's latest record, lets
a request wait for it a while, and stops what still runs when the app stops."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Awaitable, Callable

from services.scheduler.roster.imports.report import ImportRecord

# How an import tells the runner where it is.
Seen = Callable[[ImportRecord], None]


class ImportRunner:
    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[ImportRecord]] = {}
        self._latest: dict[str, ImportRecord] = {}

    def start(self, record: ImportRecord, work: Callable[[Seen], Awaitable[ImportRecord]]) -> None:
        """Run `work` as a task of its own, outside the starting request's context: the time
        budget of a request (a deadline its context carries) does not bound the import, whose
        every batch has a budget of its own."""
        self._latest[record.id] = record

        async def run() -> ImportRecord:
            return await work(lambda seen: self._latest.__setitem__(record.id, seen))

        task = asyncio.create_task(run(), context=contextvars.Context())
        self._tasks[record.id] = task
        task.add_done_callback(lambda _: self._forget(record.id))

    async def wait(self, record: ImportRecord, seconds: float) -> ImportRecord:
        """The import's record once it is done, or as it stands after `seconds`."""
        task = self._tasks.get(record.id)
        if task is not None:
            await asyncio.wait([task], timeout=max(seconds, 0))
            if task.done() and not task.cancelled() and task.exception() is None:
                return task.result()
        return self._latest.get(record.id, record)

    def _forget(self, import_id: str) -> None:
        self._tasks.pop(import_id, None)
        # Kept a little longer than the task, for a request waiting on it to read.
        asyncio.get_running_loop().call_later(60, self._latest.pop, import_id, None)

    async def stop(self) -> None:
        """Cancel every running import and wait for each to stop (they record that they did)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
