"""Waking the embedded stack's consumers when an event is sent (ADR 0019).

The embedded broker holds a fetch for a random part of its wait whatever arrives, so a consumer
there either fetches often (CPU while nothing happens) or reads late. With `KAFKA_WAKE_DIR` set
(the embedded stack only), each consuming process listens on a UDP port on the loopback, named
by an empty file in that folder. Every publisher, after a send, rings each port there with
where its records landed (topic, partition, offset). A consumer reads while a record announced
for one of its partitions is unread, and otherwise sleeps: until a ring, or until
`KAFKA_WAKE_LOOK_ANYWAY_SECONDS` have passed, in case the record came from a client that does
not ring (a tool, a test) or a ring was lost. Apache Kafka answers a fetch when data arrives,
so production leaves this off and long-polls.

A ring carries no data, only positions: a stray or hostile one keeps a consumer fetching for
at most `ANNOUNCED_FOR_SECONDS`, and a lost one delays a record until the consumer looks anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger(__name__)

_LOOPBACK = "127.0.0.1"
# An announced record not read within this long is no longer waited for (a broker that lost
# it, a hostile ring): the consumer sleeps and looks anyway later.
ANNOUNCED_FOR_SECONDS = 2.0
# Kafka topic names are ASCII letters, digits, '.', '_' and '-': none of them a space, so a
# ring is lines of "topic partition offset". A line cut by this limit is skipped.
_MAX_DATAGRAM = 60_000

Position = tuple[str, int]  # topic, partition


class WakeUps:
    """One consuming process's port: what was announced to it, and a wait for the next ring."""

    def __init__(self, folder: Path, *, look_anyway_seconds: float) -> None:
        self._folder = folder
        self._look_anyway = look_anyway_seconds
        self._rung = asyncio.Event()
        self._announced: dict[Position, tuple[int, float]] = {}
        self._transport: asyncio.DatagramTransport | None = None
        self._name: Path | None = None

    async def open(self) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: _Listener(self._heard), local_addr=(_LOOPBACK, 0)
        )
        self._transport = transport
        port = transport.get_extra_info("sockname")[1]
        self._name = self._folder / str(port)
        self._name.touch()

    def close(self) -> None:
        if self._name is not None:
            self._name.unlink(missing_ok=True)
            self._name = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def announced(self, mine: Iterable[Position]) -> dict[Position, int]:
        """The last offset announced for each of `mine` in the last ANNOUNCED_FOR_SECONDS."""
        now = time.monotonic()
        fresh = {
            at: offset
            for at, (offset, heard) in self._announced.items()
            if now - heard < ANNOUNCED_FOR_SECONDS
        }
        self._announced = {at: self._announced[at] for at in fresh}
        return {at: fresh[at] for at in mine if at in fresh}

    @property
    def look_anyway_seconds(self) -> float:
        return self._look_anyway

    def clear(self) -> None:
        """Forget that a ring came: check `announced` after this, then `wait`."""
        self._rung.clear()

    async def wait(self, seconds: float) -> bool:
        """Whether a ring came since `clear` (at once if one did), waiting up to `seconds`."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._rung.wait(), seconds)
        return self._rung.is_set()

    def _heard(self, data: bytes) -> None:
        now = time.monotonic()
        for line in data.decode("ascii", errors="replace").splitlines():
            parts = line.split(" ")
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                continue  # not a ring of ours
            at, offset = (parts[0], int(parts[1])), int(parts[2])
            known = self._announced.get(at)
            self._announced[at] = (max(offset, known[0]) if known else offset, now)
        self._rung.set()


class _Listener(asyncio.DatagramProtocol):
    def __init__(self, heard: Callable[[bytes], None]) -> None:
        self._heard = heard

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        self._heard(data)


class Bell:
    """A publisher's side: `ring_soon` announces a record's position; every position announced
    in one turn of the event loop goes out in one datagram to every port in the folder (a
    relay's batch rings once)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        self._positions: dict[Position, int] = {}

    def ring_soon(self, topic: str, partition: int, offset: int) -> None:
        if not self._positions:
            asyncio.get_running_loop().call_soon(self._ring)
        at = (topic, partition)
        self._positions[at] = max(offset, self._positions.get(at, offset))

    def close(self) -> None:
        self._socket.close()

    def _ring(self) -> None:
        lines = "".join(f"{t} {p} {o}\n" for (t, p), o in self._positions.items())
        self._positions = {}
        try:
            names = os.listdir(self._folder)
        except FileNotFoundError:
            return
        datagram = lines.encode("ascii")[:_MAX_DATAGRAM]
        for name in names:
            if not name.isdigit():
                continue
            # A full buffer means that consumer has rings to read already; a refusal, that it
            # is gone.
            with contextlib.suppress(OSError):
                self._socket.sendto(datagram, (_LOOPBACK, int(name)))
