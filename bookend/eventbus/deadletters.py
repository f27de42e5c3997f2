"""What goes to `<topic>.dlq`: the record as it came, or, when that cannot be sent, a cut copy.

A record another producer wrote may be larger than ours may send (or than the broker takes
again). Sending it whole would fail on every try and hold its partition for ever, so the
consumer falls back to smaller copies that still tell an operator what it was: its reason,
where it came from, its size and digest. A cut copy is never replayed (ADR 0012).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bookend.eventbus.codec import Headers

# Where the record came from and why it failed.
REASON, TOPIC, PARTITION = "dlq_reason", "dlq_topic", "dlq_partition"
OFFSET, GROUP = "dlq_offset", "dlq_consumer_group"
# What a cut copy left out, why, and how to recognise the original value.
VALUE, HEADERS, KEY = "dlq_value", "dlq_headers", "dlq_key"
VALUE_SIZE, VALUE_SHA256, CUT_BECAUSE = "dlq_value_size", "dlq_value_sha256", "dlq_cut_because"
_CUT = (VALUE, HEADERS, KEY)
# Every header the consumer adds; a replay strips them.
DLQ_HEADERS = frozenset(
    {REASON, TOPIC, PARTITION, OFFSET, GROUP, *_CUT, VALUE_SIZE, VALUE_SHA256, CUT_BECAUSE}
)

# The start of a value kept in a cut copy: enough to see what it was, far under any broker's
# limit (Kafka's default is 1 MB).
KEPT_VALUE_BYTES = 64 * 1024
KEPT_KEY_BYTES = 1024


@dataclass(frozen=True)
class DeadLetter:
    key: bytes | None
    value: bytes | None
    headers: Headers


@dataclass(frozen=True)
class Failed:
    """A record that failed, where it came from and why."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes | None]]
    reason: str
    group: str


def letters(failed: Failed) -> Iterator[DeadLetter]:
    """The copies to try, whole first, each smaller than the one before; the last (the
    dead-letter headers, a key of at most KEPT_KEY_BYTES, no value) fits any broker."""
    where: Headers = [
        (REASON, failed.reason[:1000].encode()),
        (TOPIC, failed.topic.encode()),
        (PARTITION, str(failed.partition).encode()),
        (OFFSET, str(failed.offset).encode()),
        (GROUP, failed.group.encode()),
    ]
    # A null header value goes on as null, as the record had it.
    original: Headers = list(failed.headers)  # type: ignore[arg-type]
    yield DeadLetter(failed.key, failed.value, original + where)
    value = failed.value or b""
    identity = [
        (VALUE_SIZE, str(len(value)).encode()),
        (VALUE_SHA256, hashlib.sha256(value).hexdigest().encode()),
    ]
    if len(value) > KEPT_VALUE_BYTES:
        cut = [(VALUE, b"truncated"), *identity]
        yield DeadLetter(failed.key, value[:KEPT_VALUE_BYTES], original + where + cut)
    yield DeadLetter(failed.key, b"", original + where + [(VALUE, b"omitted"), *identity])
    key = failed.key[:KEPT_KEY_BYTES] if failed.key is not None else None
    least = [*where, (VALUE, b"omitted"), *identity, (HEADERS, b"omitted")]
    if key != failed.key:
        least.append((KEY, b"truncated"))
    yield DeadLetter(key, b"", least)


def is_whole(headers: Sequence[tuple[str, bytes | None]]) -> bool:
    """Whether a dead letter holds the record as it came, so it may be replayed."""
    return not any(name in _CUT for name, _ in headers)


def what_was_cut(headers: Sequence[tuple[str, bytes | None]]) -> str:
    """For an operator: `value truncated (1500000 bytes, sha256 …)` and the like."""
    found = {name: (raw or b"").decode(errors="replace") for name, raw in headers}
    parts = [f"{name.removeprefix('dlq_')} {found[name]}" for name in _CUT if name in found]
    return (
        f"{', '.join(parts)} (value of {found.get(VALUE_SIZE, '?')} bytes, "
        f"sha256 {found.get(VALUE_SHA256, '?')})"
    )
