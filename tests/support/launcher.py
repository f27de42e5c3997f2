"""The real `bookend run` as a child process, with the operator's `bookend` commands beside it
(run in-process: they only read the launcher's home and talk to it over its socket)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.cli import main
from devstack.processes import free_port
from devstack.running import NotRunning, Running, read_running


@dataclass(frozen=True)
class Said:
    code: int
    out: str
    err: str


@dataclass
class Launcher:
    home: Path
    process: subprocess.Popen[bytes]
    running: Running
    output: Path  # what the launcher and its children print

    def bookend(self, *args: str) -> Said:
        # Caught here rather than by pytest's capsys, so a launcher can outlive one test.
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
        return Said(code, out.getvalue(), err.getvalue())

    def healthz(self, name: str) -> int:
        return httpx.get(f"{self.running.urls[name]}/healthz", timeout=5).status_code

    def pids(self) -> dict[str, int]:
        """Each running process's pid, from `bookend status`."""
        rows = [line.split() for line in self.bookend("status").out.splitlines()[1:]]
        return {row[0]: int(row[3]) for row in rows if row[2] == "pid"}

    def readyz(self, name: str) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(f"{self.running.urls[name]}/readyz", timeout=5).json()
        return body

    def broker_lost(self, name: str) -> list[str] | None:
        """What `name`'s readiness says of the broker, once it says it is away."""
        return [r for r in self.readyz(name)["reasons"] if "broker" in r] or None

    def ready(self, *names: str) -> bool | None:
        """Whether every one of `names` says it is ready (None while one restarts)."""
        try:
            return all(self.readyz(name)["ready"] for name in names) or None
        except httpx.TransportError:
            return None


# The launcher starts its own broker, store and secret, whatever this shell points at.
IGNORED = ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "AUTH_DEV_SECRET", "BOOKEND_PORT")

# A stack for tests gives its few tokens a budget of cost they never spend: a test polls far
# more often than a person asks. The limit has tests of its own (ADR 0043).
UNSPENT_BUDGET = {"GATEWAY_COST_PER_MINUTE": "1000000000", "GATEWAY_COST_BURST": "1000000000"}


def launcher_env(home: Path) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in IGNORED}
    return kept | UNSPENT_BUDGET | {"BOOKEND_HOME": str(home)}


def use_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point this process's `bookend` commands at `home`, as an operator's shell would."""
    for name, value in launcher_env(home).items():
        monkeypatch.setenv(name, value)
    for name in IGNORED:
        monkeypatch.delenv(name, raising=False)


@contextmanager
def launched(home: Path, output: Path) -> Iterator[Launcher]:
    """`bookend run --no-demo` on `home` until it has written running.json; stopped (SIGTERM,
    as Ctrl-C) at the end unless it is gone already."""
    with output.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "devstack.cli", "run", "--no-demo", "--port", str(free_port())],
            env=launcher_env(home),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                running = read_running(home)
                if running.launcher_pid == process.pid:
                    break
            except NotRunning:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bookend run did not start:\n{output.read_text()}")
            time.sleep(0.2)
        yield Launcher(home, process, running, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
