"""A broker or store of a test's own, to kill and start again without troubling any other test."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devstack.infrastructure import start_broker, start_store
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
        kill(self.processes, "broker")

    def start(self) -> str:
        return start_broker(self.processes, port=self.port)


@dataclass
class OwnStore:
    processes: Processes
    data_dir: Path
    port: int

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def kill(self) -> None:
        """SIGKILL: what it had committed stays in its files under `data_dir`."""
        kill(self.processes, "store")

    def start(self) -> None:
        start_store(self.processes, self.data_dir, port=self.port)


def kill(processes: Processes, name: str) -> None:
    for child in processes.children:
        if child.name == name and child.process.poll() is None:
            os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()


@contextmanager
def own_store(logs: Path, data_dir: Path) -> Iterator[OwnStore]:
    store = OwnStore(Processes(logs), data_dir, free_port())
    try:
        store.start()
        yield store
    finally:
        store.processes.stop_all()


@contextmanager
def own_broker(logs: Path) -> Iterator[OwnBroker]:
    broker = OwnBroker(Processes(logs), free_port())
    try:
        broker.start()
        yield broker
    finally:
        broker.processes.stop_all()
