"""Consuming CloudEvents: manual commits after the effect, bounded retries, then dead-letter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition

from bookend.contracts import CloudEvent, dead_letter_topic
from bookend.eventbus.codec import UndecodableRecord, decode
from bookend.eventbus.deadletters import CUT_BECAUSE, Failed, letters, what_was_cut
from bookend.eventbus.publisher import Publisher, Unpublishable, shut
from bookend.eventbus.settings import KafkaSettings
from bookend.eventbus.tables import PoisonRecord
from bookend.eventbus.wakeup import WakeUps

log = logging.getLogger(__name__)

# A shutdown that hangs on the broker or the store is logged and abandoned after this long.
STOP_GRACE = 15.0
# After this many failed passes in a row (about a second apart) the service reports not ready.
MAX_FAILURES_IN_A_ROW = 5
# How long one read waits for records: a long-poll in production. With wake-ups, a read while
# an announced record is unread (repeated until it is read), a read when the consumer looks
# anyway, and a read before it has partitions (joining a group and a new assignment's first
# fetch take longer).
READ_MS = 500
ANNOUNCED_MS = 10
LOOKING_MS = 30
FIRST_MS = 1000

Handler = Callable[[CloudEvent], Awaitable[None]]


class EventConsumer:
    """Runs one consumer loop in the background.

    With a `group_id`, offsets are committed after each record's effect, so a crash re-delivers
    (consumers are idempotent). A record that still fails after `max_attempts` goes to
    `<topic>.dlq` with the failure in its headers, and the loop moves on; one that cannot be
    decoded or whose payload breaks its contract (a poison record) goes there at once.
    Without a `group_id` (the gateway's fan-out) the consumer reads from the latest offset and
    commits nothing. With `KAFKA_WAKE_DIR` (the embedded stack), it stops fetching while there
    is nothing to read and waits to be rung by a publisher (ADR 0019).
    """

    def __init__(
        self,
        settings: KafkaSettings,
        *,
        topics: Collection[str],
        handle: Handler,
        group_id: str | None,
        dead_letters: Publisher | None,
    ) -> None:
        self._settings = settings
        self._topics = [str(topic) for topic in topics]
        self._handle = handle
        self._group_id = group_id
        self._dead_letters = dead_letters
        self._consumer = self._new_consumer(from_start=False)
        self._wake_ups = (
            WakeUps(settings.wake_dir, look_anyway_seconds=settings.wake_look_anyway_seconds)
            if settings.wake_dir
            else None
        )
        self._task: asyncio.Task[None] | None = None
        # When the consumer last began to look after sleeping (ms since 1970, as aiokafka
        # stamps each partition's fetch answers): the ends the broker told before are stale.
        self._looking_since_ms = 0.0
        self._failures_in_a_row = 0
        self._last_failure = ""

    def trouble(self) -> str | None:
        """Why this consumer cannot be counted on now, or None: its loop ended, or has failed
        MAX_FAILURES_IN_A_ROW times in a row (a broker away, commits refused)."""
        if self._task is None or self._task.done():
            return f"consumer {self._group_id} is not running"
        if self._failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
            return (
                f"consumer {self._group_id} failed {self._failures_in_a_row} times in a row: "
                f"{self._last_failure}"
            )
        return None

    @property
    def asleep(self) -> bool:
        """Whether it fetches nothing until rung (with wake-ups, while there is nothing to read)."""
        return bool(self._consumer.paused())

    def _new_consumer(self, *, from_start: bool) -> AIOKafkaConsumer[bytes, bytes]:
        settings = self._settings
        consumer: AIOKafkaConsumer[bytes, bytes] = AIOKafkaConsumer(
            **settings.client_options(),
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if self._group_id or from_start else "latest",
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=settings.heartbeat_interval_ms,
            rebalance_timeout_ms=settings.rebalance_timeout_ms,
            fetch_max_wait_ms=settings.fetch_max_wait_ms,
        )
        # A group member starting over ignores what was committed: commits made on the new log
        # from positions on the lost one may lie past records it never read.
        listener = _FromTheStart(consumer) if self._group_id and from_start else None
        consumer.subscribe(self._topics, listener=listener)
        return consumer

    async def start(self) -> None:
        """Connect and run the loop. With the broker away it raises, and may be tried again;
        once running, starting again changes nothing."""
        if self._task is not None and not self._task.done():
            return
        await self._consumer.start()
        if self._wake_ups is not None:
            await self._wake_ups.open()
        self._task = asyncio.create_task(self._run(), name=f"consumer:{self._group_id}")

    async def start_over(self) -> None:
        """Read every topic again from its first record, with a new client: the broker lost its
        log, so this one's positions and commits point at records that are gone or were never
        read (ADR 0014). Consumers are idempotent: the inbox skips what was applied."""
        await self.stop()
        self._consumer = self._new_consumer(from_start=True)
        self._failures_in_a_row = 0
        await self.start()
        log.warning("consumer %s reads again from the start of each topic", self._group_id)

    async def stop(self) -> None:
        """Stop within STOP_GRACE seconds."""
        try:
            async with asyncio.timeout(STOP_GRACE):
                if self._task is not None:
                    self._task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._task
                await shut(self._consumer.stop(), f"consumer {self._group_id}")
        except TimeoutError:
            log.error("consumer %s did not stop within %.0fs", self._group_id, STOP_GRACE)
        finally:
            if self._wake_ups is not None:
                self._wake_ups.close()

    async def _run(self) -> None:
        wake_ups, wait_ms = self._wake_ups, READ_MS if self._wake_ups is None else FIRST_MS
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=wait_ms, max_records=200)
                for partition, records in batches.items():
                    for record in records:
                        await self._process(record)
                    if self._group_id:
                        await self._consumer.commit({partition: records[-1].offset + 1})
                self._failures_in_a_row = 0
                if wake_ups is not None:
                    # A member still joining its group waits for its partitions, not for a ring.
                    wait_ms = ANNOUNCED_MS if self._consumer.assignment() else FIRST_MS
                    if not batches and await self._caught_up(wake_ups):
                        wait_ms = ANNOUNCED_MS if await self._sleep(wake_ups) else LOOKING_MS
            except asyncio.CancelledError:
                raise
            except Exception as failure:
                self._failures_in_a_row += 1
                self._last_failure = f"{type(failure).__name__}: {failure}"[:300]
                # A broker outage, a lost commit (rebalance) or a dead letter that could not be
                # sent. The fetch position has already moved past the batch, so go back to the
                # last commit: the uncommitted records come again (consumers are idempotent)
                # instead of being skipped.
                log.exception("consumer %s loop failed; retrying", self._group_id)
                await asyncio.sleep(1)
                if self._group_id:
                    with contextlib.suppress(Exception):
                        await self._rewind_to_last_commit()

    async def _sleep(self, wake_ups: WakeUps) -> bool:
        """Stop fetching until a record is announced for one of this consumer's partitions
        (True) or it is time to look anyway (False)."""
        until = time.monotonic() + wake_ups.look_anyway_seconds
        self._consumer.pause(*self._consumer.assignment())
        try:
            while (left := until - time.monotonic()) > 0:
                wake_ups.clear()  # before looking: a ring from now on ends the wait
                if await self._unread(wake_ups):
                    return True
                await wake_ups.wait(left)
            return False
        finally:
            self._looking_since_ms = time.time() * 1000
            self._consumer.resume(*self._consumer.paused())

    async def _caught_up(self, wake_ups: WakeUps) -> bool:
        """Whether nothing is known to be left to read: every partition read up to the end the
        broker reported for it since the consumer began to look (a backlog nobody announced,
        as after a start-over or a restart, is read however slow the fetches: an end told
        before the look may be older than records sent while it slept), and no record
        announced since is unread. A member with no partitions yet is still joining its group,
        not caught up."""
        assigned = self._consumer.assignment()
        if not assigned:
            return False
        for partition in assigned:
            end = self._consumer.highwater(partition)
            told_at = self._consumer.last_poll_timestamp(partition)
            if end is None or told_at is None or told_at < self._looking_since_ms:
                return False
            if await self._consumer.position(partition) < end:
                return False
        return not await self._unread(wake_ups)

    async def _unread(self, wake_ups: WakeUps) -> bool:
        """Whether a record announced for a partition of this consumer is still to be read."""
        assigned = {(tp.topic, tp.partition): tp for tp in self._consumer.assignment()}
        for at, offset in wake_ups.announced(assigned).items():
            if await self._consumer.position(assigned[at]) <= offset:
                return True
        return False

    async def _rewind_to_last_commit(self) -> None:
        for partition in self._consumer.assignment():
            committed = await self._consumer.committed(partition)
            if committed is None:  # nothing committed yet: where a new member would start
                await self._consumer.seek_to_beginning(partition)
            else:
                self._consumer.seek(partition, committed)

    async def _process(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            event = decode(record.topic, record.key, record.value, record.headers)
        except UndecodableRecord as bad:
            self._log_failure(record, None, bad, attempt=1)
            await self._dead_letter(record, f"undecodable: {bad}")
            return
        attempts = self._settings.max_attempts
        for attempt in range(1, attempts + 1):
            try:
                await self._handle(event)
                return
            except asyncio.CancelledError:
                raise
            except PoisonRecord as poison:  # no retry can mend it
                self._log_failure(record, event.id, poison, attempt=attempt)
                await self._dead_letter(record, f"poison: {poison}")
                return
            except Exception as failure:  # any handler failure is retried, then dead-lettered
                self._log_failure(record, event.id, failure, attempt=attempt)
                if attempt == attempts:
                    await self._dead_letter(record, f"{type(failure).__name__}: {failure}")
                else:
                    await asyncio.sleep(self._settings.retry_backoff_ms * attempt / 1000)

    def _log_failure(
        self,
        record: ConsumerRecord[bytes, bytes],
        event_id: str | None,
        failure: BaseException,
        *,
        attempt: int,
    ) -> None:
        # Everything needed to replay the record: topic, partition, offset, key and event id.
        log.error(
            "consumer %s failed on %s[%d]@%d key=%s event=%s attempt=%d/%d: %r",
            self._group_id,
            record.topic,
            record.partition,
            record.offset,
            (record.key or b"").decode(errors="replace"),
            event_id,
            attempt,
            self._settings.max_attempts,
            failure,
        )

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        """Send the record to `<topic>.dlq`; if it cannot be sent whole (too large for our
        producer or the broker), a copy cut to fit, so the partition moves on either way."""
        if self._dead_letters is None:
            return
        failed = Failed(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
            headers=record.headers,
            reason=reason,
            group=self._group_id or "",
        )
        refusal: Unpublishable | None = None
        for letter in letters(failed):
            headers = letter.headers
            if refusal is not None:
                headers = [*headers, (CUT_BECAUSE, str(refusal)[:500].encode())]
            try:
                await self._dead_letters.publish_raw(
                    dead_letter_topic(record.topic), letter.key, letter.value, headers
                )
            except Unpublishable as refused:
                refusal = refused
                continue
            if refusal is not None:
                log.error(
                    "consumer %s dead-lettered %s[%d]@%d cut to fit (%s): %s",
                    self._group_id,
                    record.topic,
                    record.partition,
                    record.offset,
                    what_was_cut(headers),
                    refusal,
                )
            return
        raise refusal or RuntimeError("no dead letter to send")  # the loop retries


class _FromTheStart(ConsumerRebalanceListener):  # type: ignore[misc]
    """Moves each partition to its first record the first time it is assigned."""

    def __init__(self, consumer: AIOKafkaConsumer[bytes, bytes]) -> None:
        self._consumer = consumer
        self._moved: set[TopicPartition] = set()

    async def on_partitions_revoked(self, revoked: Collection[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Collection[TopicPartition]) -> None:
        first_time = [partition for partition in assigned if partition not in self._moved]
        if first_time:
            await self._consumer.seek_to_beginning(*first_time)
            self._moved.update(first_time)
