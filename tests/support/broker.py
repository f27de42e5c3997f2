"""A broker of a test's own, to kill and start again without troubling any other test."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devstack.infrastructure import start_broker
from devstack.processes import Processes, free_port


@dataclass
class OwnBroker:
    processes: Processes
    port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: the embedded broker's in-memory log is gone with it."""
        for child in self.processes.children:
            if child.name == "broker" and child.process.poll() is None:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()

    def start(self) -> str:
        return start_broker(self.processes, port=self.port)


@contextmanager
def own_broker(logs: Path) -> Iterator[OwnBroker]:
    broker = OwnBroker(Processes(logs), free_port())
    try:
        broker.start()
        yield broker
    finally:
        broker.processes.stop_all()
