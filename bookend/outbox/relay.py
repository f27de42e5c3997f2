"""The relay: publishes committed outbox records to Kafka, in order, and marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from bookend.eventbus import MarkerLog, Publisher, Unpublishable
from bookend.mongo import REPLY_RETENTION, Document, forget_replies, write_gate
from bookend.outbox.emit import OUTBOX, PARKED, SENT, SEQUENCE, event_from_outbox
from bookend.outbox.inbox import INBOX_RETENTION, forget_processed

log = logging.getLogger(__name__)

# A shutdown that hangs on the broker or the store is logged and abandoned after this long.
# Seconds between the lines saying the relay's passes still fail.
FAILING_TOLD_EVERY = 30.0
STOP_GRACE = 15.0

LEASE = "outbox_lease"
# Present once this outbox's marker topic was placed on the broker: a broker without it then
# lost its log (ADR 0014).
MARKER = "outbox_marker"


@dataclass(frozen=True)
class LostLogWatch:
    """How a relay notices a broker that lost its log, and what it does then (ADR 0014)."""

    every: float  # seconds between looks for the marker
    marker: MarkerLog
    restore_topics: Callable[[], Awaitable[None]]  # declare every topic again
    started_over: Callable[[], Awaitable[None]]  # the consumers read the new log from its start


class OutboxRelay:
    """One relay per service database holds a lease, so replicas do not interleave events.

    A crash after publishing and before marking sent re-sends the record on the next pass:
    delivery is at-least-once and consumers deduplicate by event id.
    """

    def __init__(
        self,
        db: AsyncDatabase[Document],
        publisher: Publisher,
        *,
        batch_size: int = 100,
        poll_interval: float = 0.5,
        lease_seconds: float = 15.0,
        retention: timedelta = timedelta(days=7),
        inbox_retention: timedelta = INBOX_RETENTION,
        watch: LostLogWatch | None = None,
    ) -> None:
        self._db = db
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._lease = timedelta(seconds=lease_seconds)
        self._retention = retention
        self._inbox_retention = inbox_retention
        self._watch = watch
        self._watched_at = float("-inf")
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
        self._held_until_ms = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def trouble(self, max_age: timedelta) -> str | None:
        """Why events are not leaving, or None: the oldest one waiting is older than `max_age`."""
        async with self._gate():
            oldest = await (
                self._db[OUTBOX].find({SENT: None}).sort([(SEQUENCE, ASCENDING)]).limit(1).to_list()
            )
        if not oldest:
            return None
        waited = datetime.now(UTC) - oldest[0]["created_at"]
        if waited <= max_age:
            return None
        return f"the oldest unsent event has waited {waited.total_seconds():.0f}s"

    def wake(self) -> None:
        """Called after a commit that emitted events, so they leave without waiting a poll."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                async with asyncio.timeout(STOP_GRACE):
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._task
            except TimeoutError:
                log.error("outbox relay did not stop within %.0fs", STOP_GRACE)
        await self._release_lease()

    async def _release_lease(self) -> None:
        """A relay that stops hands its lease back, so the replica (or the process) that takes
        over sends at once instead of waiting the lease out. Best effort: an unreachable store
        leaves the lease to expire."""
        if not self._held_until_ms:
            return
        try:
            async with asyncio.timeout(2), self._gate():
                await self._db[LEASE].update_one(
                    {"_id": "relay", "holder": self._holder}, {"$set": {"until_ms": 0}}
                )
        except Exception as failure:
            log.warning("outbox relay could not hand its lease back: %r", failure)
        self._held_until_ms = 0

    async def drain(self) -> int:
        """Publish every pending record this relay may publish; return how many were sent."""
        sent = 0
        while True:
            # Renewed before every batch: a long backlog outlasts one lease, and a relay that
            # let it lapse would interleave its events with another replica's.
            if not await self._hold_lease():
                return sent
            await self._resend_if_broker_lost_log()
            async with self._gate():
                pending = await (
                    self._db[OUTBOX]
                    .find({SENT: None})
                    .sort([(SEQUENCE, ASCENDING)])
                    .limit(self._batch_size)
                    .to_list()
                )
            if not pending:
                return sent
            published: list[str] = []
            try:
                for doc in pending:
                    try:
                        await self._publisher.publish(event_from_outbox(doc))
                    except Unpublishable as refused:
                        await self._park(doc, str(refused))
                        continue
                    published.append(doc["_id"])
            finally:
                # One write for the batch; on a failed publish, still mark what did go out.
                if published:
                    async with self._gate():
                        await self._db[OUTBOX].update_many(
                            {"_id": {"$in": published}},
                            {"$set": {SENT: _epoch_ms(datetime.now(UTC))}},
                        )
            sent += len(published)

    async def _resend_if_broker_lost_log(self) -> None:
        """Every `watch.every` seconds, look for this outbox's marker topic. Once the broker
        held it and holds it no more, the broker lost its log (the embedded broker keeps it in
        memory, and drops records sent before a topic exists again): declare the topics again,
        send every retained event again in order, and have the consumers read the new log from
        its start; their inboxes skip what they had applied (ADR 0014)."""
        watch = self._watch
        now = asyncio.get_running_loop().time()
        if watch is None or now - self._watched_at < watch.every:
            return
        if await watch.marker.holds_marker():
            self._watched_at = now
            return
        async with self._gate():
            placed = await self._db[MARKER].find_one({"_id": MARKER})
        if placed is None:  # a new outbox: a crash after this errs towards sending again
            async with self._gate():
                await self._db[MARKER].replace_one({"_id": MARKER}, {"_id": MARKER}, upsert=True)
        else:
            await watch.restore_topics()
            async with self._gate():
                again = await self._db[OUTBOX].update_many(
                    {SENT: {"$ne": None}}, {"$set": {SENT: None}}
                )
            log.warning("the broker lost its log: sending %d events again", again.modified_count)
            await watch.started_over()
        # Only now: a crash before this finds the marker missing and sends everything again.
        await watch.marker.place_marker()
        self._watched_at = now

    async def _park(self, doc: Document, reason: str) -> None:
        """Set an event aside so the ones after it flow; `bookend parked` lists them."""
        log.error(
            "outbox event %s (%s on %s) can never be published and is set aside: %s",
            doc["_id"],
            doc["type"],
            doc["topic"],
            reason[:500],
        )
        parked = {**doc, "reason": reason[:2000], "parked_at_ms": _epoch_ms(datetime.now(UTC))}
        async with self._gate():
            # Idempotent: a crash between the two writes parks it again on the next pass.
            with contextlib.suppress(DuplicateKeyError):
                await self._db[PARKED].insert_one(parked)
            await self._db[OUTBOX].delete_one({"_id": doc["_id"]})

    def _gate(self) -> contextlib.AbstractAsyncContextManager[object]:
        return write_gate(self._db.client)

    async def _run(self) -> None:
        passes = failed = 0
        told_at = float("-inf")
        while True:
            try:
                await self.drain()
                passes += 1
                if passes % 1000 == 0:
                    await self.housekeeping()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # The broker or the store is away: the records stay pending and are retried.
                # The first failure is logged with its traceback; the rest of an outage, a
                # line every FAILING_TOLD_EVERY seconds.
                failed += 1
                now = asyncio.get_running_loop().time()
                if failed == 1:
                    log.exception("outbox relay pass failed; retrying")
                    told_at = now
                elif now - told_at >= FAILING_TOLD_EVERY:
                    log.warning(
                        "outbox relay still failing (%d passes in a row): %r", failed, error
                    )
                    told_at = now
            else:
                if failed:
                    log.warning("outbox relay passes work again after %d failed", failed)
                failed = 0
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)

    async def _hold_lease(self) -> bool:
        """Whether this relay holds the lease, renewed once half of it has passed: no other
        replica takes a lease before it expires, so a pass in its first half needs no write."""
        now = _epoch_ms(datetime.now(UTC))
        lease_ms = int(self._lease.total_seconds() * 1000)
        if now < self._held_until_ms - lease_ms // 2:
            return True
        expired_or_mine = [{"until_ms": {"$lt": now}}, {"holder": self._holder}]
        async with self._gate():
            current = await self._db[LEASE].find_one({"_id": "relay"})
        if current is not None and holder_is_gone(str(current.get("holder", ""))):
            # The last holder died on this host (a crash, SIGKILL): its events need not wait
            # out the rest of its lease.
            expired_or_mine.append({"holder": current["holder"]})
        try:
            async with self._gate():
                held = await self._db[LEASE].find_one_and_update(
                    {"_id": "relay", "$or": expired_or_mine},
                    {"$set": {"holder": self._holder, "until_ms": now + lease_ms}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
        except DuplicateKeyError:
            return False  # another replica holds an unexpired lease
        if held is None or held.get("holder") != self._holder:
            return False
        self._held_until_ms = now + lease_ms
        return True

    async def housekeeping(self) -> None:
        """Forget sent outbox records, inbox marks (ADR 0012) and idempotency answers (ADR 0013)
        past their retention."""
        now = datetime.now(UTC)
        async with self._gate():
            sent_before = _epoch_ms(now - self._retention)
            await self._db[OUTBOX].delete_many({SENT: {"$ne": None, "$lt": sent_before}})
            await forget_processed(self._db, _epoch_ms(now - self._inbox_retention))
            await forget_replies(self._db, _epoch_ms(now - REPLY_RETENTION))


def holder_is_gone(holder: str) -> bool:
    """Whether a lease holder ("host:pid:relay") was a process of this host that is no longer
    running. Any doubt (another host, a pid in use again, a malformed name) says no: the lease
    is then waited out."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid = parts[0], int(parts[1])
    if host != socket.gethostname() or pid in (0, os.getpid()):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's): alive
        return False
    return False


def _epoch_ms(instant: datetime) -> int:
    # Bookkeeping times are numbers: the embedded store turns dates written with `$set` into
    # strings, and numbers compare the same on every store.
    return int(instant.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class ParkedEvent:
    event_id: str
    type: str
    topic: str
    key: str
    reason: str
    parked_at: datetime


async def parked_events(db: AsyncDatabase[Document], limit: int = 100) -> list[ParkedEvent]:
    """The events set aside as unpublishable, newest first: for operators (`bookend parked`)."""
    docs = await db[PARKED].find({}).sort([("parked_at_ms", -1)]).limit(limit).to_list()
    return [
        ParkedEvent(
            event_id=doc["_id"],
            type=doc["type"],
            topic=doc["topic"],
            key=doc["key"],
            reason=doc["reason"],
            parked_at=datetime.fromtimestamp(doc["parked_at_ms"] / 1000, UTC),
        )
        for doc in docs
    ]
