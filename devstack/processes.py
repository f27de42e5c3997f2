"""Starting, watching and stopping the child processes of the embedded stack."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import httpx


class StartupFailed(RuntimeError):
    """A child process died or never became ready; the message points at its log."""


class UnknownChild(LookupError):
    """No child of that name; the message lists the names there are."""


ChildState = Literal["running", "stopped", "restarting"]


# Resolved in the parent: between fork and exec the child may only make the call itself.
_LIBC = ctypes.CDLL(None) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1
MAX_BACKOFF_SECONDS = 30.0
STABLE_SECONDS = 60.0


def _prepare_child() -> None:
    """Linux: the child gets SIGTERM if the launcher dies, even by SIGKILL: no orphans. Every
    file a child makes (logs, the store's databases) is its owner's alone."""
    os.umask(0o077)
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def http_ok(url: str) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url, timeout=1.0).status_code == 200
    return False


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    restarts: int = 0
    started_at: float = field(default_factory=time.monotonic)
    # When a dead child may start again: back-off doubles from 1 s to 30 s.
    retry_at: float | None = None
    # Stopped by the operator: supervision leaves it down until it is started again.
    held: bool = False

    @property
    def state(self) -> ChildState:
        if self.held:
            return "stopped"
        return "running" if self.process.poll() is None else "restarting"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.state == "running" else None

    def describe_death(self) -> str:
        tail = self.log_path.read_text(errors="replace").splitlines()[-20:]
        return f"{self.name} exited with {self.process.returncode}; last log lines:\n" + "\n".join(
            tail
        )


@dataclass
class Processes:
    """Owns every child it starts and stops them all, newest first."""

    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> Child:
        child = Child(name, *self._spawn(name, argv, dict(env or {})), argv, dict(env or {}))
        self.children.append(child)
        return child

    def supervise(self, now: float | None = None) -> list[str]:
        """Restart each child that died, with back-off; say what happened, one line each.

        A child that stayed up a minute starts its back-off again from one second."""
        now = time.monotonic() if now is None else now
        said: list[str] = []
        for child in self.children:
            if child.held:
                continue
            if child.process.poll() is None:
                if now - child.started_at > STABLE_SECONDS:
                    child.restarts = 0
                continue
            if child.retry_at is None:
                delay = min(MAX_BACKOFF_SECONDS, 2.0**child.restarts)
                child.retry_at = now + delay
                said.append(f"{child.describe_death()}\nrestarting {child.name} in {delay:.0f}s")
            elif now >= child.retry_at:
                child.log_file.close()
                child.process, child.log_path, child.log_file = self._spawn(
                    child.name, child.argv, child.env
                )
                child.restarts += 1
                child.started_at, child.retry_at = now, None
                said.append(f"restarted {child.name} (restart {child.restarts})")
        return said

    def child(self, name: str) -> Child:
        for child in self.children:
            if child.name == name:
                return child
        known = ", ".join(child.name for child in self.children)
        raise UnknownChild(f"no process named {name!r}; there are: {known}")

    def stop(self, name: str, grace: float = 10.0) -> Child:
        """Stop one child and keep it stopped (supervision leaves it) until `resume`."""
        child = self.child(name)
        child.held, child.retry_at = True, None
        if child.process.poll() is None:
            _signal_group(child, signal.SIGTERM)
            _reap(child, time.monotonic() + grace)
        return child

    def resume(self, name: str) -> Child:
        """Start a stopped (or backing-off) child again now, with its own argv and env, so on
        the same port; a running one is left as it is."""
        child = self.child(name)
        if child.process.poll() is None:
            child.held = False
            return child
        child.log_file.close()
        child.process, child.log_path, child.log_file = self._spawn(
            child.name, child.argv, child.env
        )
        child.held, child.retry_at, child.restarts = False, None, 0
        child.started_at = time.monotonic()
        return child

    def _spawn(
        self, name: str, argv: list[str], env: dict[str, str]
    ) -> tuple[subprocess.Popen[bytes], Path, IO[bytes]]:
        self.log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.log_dir.chmod(0o700)
        log_path = self.log_dir / f"{name}.log"
        # Logs name users and events: readable by their owner only.
        log_file = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        log_path.chmod(0o600)
        # argv is built by this package (python_module), never from outside input.
        process = subprocess.Popen(  # noqa: S603
            argv,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env},
            # Own process group: Ctrl-C reaches the launcher, which stops children in order.
            start_new_session=True,
            preexec_fn=_prepare_child,
        )
        return process, log_path, log_file

    def wait_until(self, child: Child, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child.process.poll() is not None:
                raise StartupFailed(child.describe_death())
            if ready():
                return
            time.sleep(0.1)
        raise StartupFailed(
            f"{child.name} was not ready within {timeout:.0f}s; see {child.log_path}"
        )

    def check_alive(self) -> Child | None:
        """The first child that has died, if any."""
        for child in self.children:
            if child.process.poll() is not None:
                return child
        return None

    def stop_all(self, grace: float = 10.0) -> None:
        for child in reversed(self.children):
            if child.process.poll() is None:
                _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in reversed(self.children):
            _reap(child, deadline)
            child.log_file.close()
        self.children.clear()


def _signal_group(child: Child, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.process.pid, signum)


def _reap(child: Child, deadline: float) -> None:
    """Wait for a signalled child until the deadline, then kill its whole group."""
    try:
        child.process.wait(max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _signal_group(child, signal.SIGKILL)
        child.process.wait()


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def uvicorn_app(factory: str, port: int, *more: str) -> list[str]:
    """The command serving the ASGI app `factory` ("module:function") on loopback `port`."""
    return python_module(
        "uvicorn",
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        *more,
    )
