"""Waking the embedded stack's consumers when an event is sent (ADR 0019).

The embedded broker holds a fetch for a random part of its wait whatever arrives, so a consumer
there either fetches often (CPU while nothing happens) or reads late. With `KAFKA_WAKE_DIR` set
(the embedded stack only), each consuming process listens on a UDP port on the loopback, named
by an empty file in that folder; it stops fetching once it has nothing to read and starts again
when a datagram comes, or after `KAFKA_WAKE_LOOK_ANYWAY_SECONDS` in case the record came from a
client that does not ring (a tool, a test) or a ring was lost. Every publisher rings each port named
there after a send. Apache Kafka answers a fetch when data arrives, so production leaves this
off and long-polls.

A datagram carries nothing: a stray one costs a few fetches, and a lost one a delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from pathlib import Path

log = logging.getLogger(__name__)

# A sleeping consumer looks anyway this often.
LOOK_ANYWAY_SECONDS = 5.0
_LOOPBACK = "127.0.0.1"


class WakeUps:
    """One consuming process's port: `wait` returns once rung (or after the timeout)."""

    def __init__(self, folder: Path, *, look_anyway_seconds: float) -> None:
        self._folder = folder
        self._look_anyway = look_anyway_seconds
        self._rung = asyncio.Event()
        self._transport: asyncio.DatagramTransport | None = None
        self._name: Path | None = None

    async def open(self) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: _Listener(self._rung), local_addr=(_LOOPBACK, 0)
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

    @property
    def rung(self) -> bool:
        """Whether a ring came since the last `clear`."""
        return self._rung.is_set()

    def clear(self) -> None:
        self._rung.clear()

    async def wait(self) -> None:
        """Return once rung since the last `clear`, or when it is time to look anyway."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._rung.wait(), self._look_anyway)


class _Listener(asyncio.DatagramProtocol):
    def __init__(self, rung: asyncio.Event) -> None:
        self._rung = rung

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        self._rung.set()


class Bell:
    """A publisher's side: `ring_soon` rings every port in the folder once, after whatever else
    this turn of the event loop sends (a relay's batch rings once)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        self._pending = False

    def ring_soon(self) -> None:
        if not self._pending:
            self._pending = True
            asyncio.get_running_loop().call_soon(self._ring)

    def close(self) -> None:
        self._socket.close()

    def _ring(self) -> None:
        self._pending = False
        try:
            names = os.listdir(self._folder)
        except FileNotFoundError:
            return
        for name in names:
            if not name.isdigit():
                continue
            # A full buffer means that consumer is already rung; a refusal, that it is gone.
            with contextlib.suppress(OSError):
                self._socket.sendto(b"!", (_LOOPBACK, int(name)))
