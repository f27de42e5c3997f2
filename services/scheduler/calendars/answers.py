"""What one scheduler process remembers of each calendar link between fetches, so polling costs
little: how often it was fetched lately (a throttle), since when its content is what it is
(Last-Modified and DTSTAMP, stable across polls), and the file last written for that content.

A restart forgets it all: stamps move later and files are written again, which costs apps one
more full read, never a stale answer.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from bookend.hosting.limits import Throttle
from services.scheduler.calendars.ics import CalendarContent, calendar_file
from services.scheduler.settings import SchedulerSettings


@dataclass(frozen=True, slots=True)
class Known:
    fingerprint: str
    stamp: datetime
    file: bytes | None = None


class CalendarAnswers:
    def __init__(self, settings: SchedulerSettings, max_links: int = 10_000) -> None:
        per_minute = settings.calendar_fetches_per_minute
        self.settings = settings
        self.throttle = Throttle(rate=per_minute / 60, burst=per_minute, max_keys=max_links)
        self.max_links = max_links
        self.max_bytes = settings.calendar_kept_megabytes * 1_000_000
        self._known: OrderedDict[str, Known] = OrderedDict()
        self._bytes = 0
        # Writing a file is CPU work (about half a millisecond an event with `icalendar`): in
        # a worker thread, so other requests go on, and a few at a time, so a burst of polls
        # queues instead of taking every core.
        self._writing = asyncio.Semaphore(settings.calendar_writes_at_once)

    def stamp(self, link_id: str, fingerprint: str, now: datetime) -> datetime:
        """Since when the link's content has this fingerprint, as far as this process saw."""
        known = self._known.get(link_id)
        if known is None or known.fingerprint != fingerprint:
            # HTTP dates are to the second.
            known = Known(fingerprint, now.replace(microsecond=0))
            self._keep(link_id, known)
        else:
            self._known.move_to_end(link_id)
        return known.stamp

    async def file(self, link_id: str, content: CalendarContent, stamp: datetime) -> bytes:
        """The calendar file for this content: the one kept, or written now (and kept)."""
        fingerprint = content.fingerprint()
        known = self._known.get(link_id)
        if known is not None and known.fingerprint == fingerprint and known.file is not None:
            return known.file
        async with self._writing:
            written = await run_in_threadpool(
                calendar_file,
                content,
                uid_domain=self.settings.calendar_uid_domain,
                stamp=stamp,
                refresh=self.settings.calendar_refresh,
            )
        self._keep(link_id, Known(fingerprint, stamp, written))
        return written

    def kept(self) -> list[str]:
        """The links whose files are kept, the least recently used first."""
        return [link_id for link_id, known in self._known.items() if known.file is not None]

    def _keep(self, link_id: str, known: Known) -> None:
        if (old := self._known.pop(link_id, None)) is not None and old.file is not None:
            self._bytes -= len(old.file)
        if known.file is not None and len(known.file) > self.max_bytes:
            known = Known(known.fingerprint, known.stamp)
        self._known[link_id] = known
        self._bytes += len(known.file or b"")
        while len(self._known) > self.max_links or self._bytes > self.max_bytes:
            _, dropped = self._known.popitem(last=False)
            self._bytes -= len(dropped.file or b"")
