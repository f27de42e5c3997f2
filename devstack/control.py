"""The launcher's control channel: `bookend status`, `stop` and `start` send one JSON request
on a Unix socket in the launcher's home (its owner's alone) and read one JSON answer."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from devstack.processes import ChildState, Processes, UnknownChild

# A socket's path must fit in sockaddr_un (104 bytes on macOS, 108 on Linux).
MAX_SOCKET_PATH = 100
MAX_REQUEST_BYTES = 4096


class ControlError(RuntimeError):
    """The launcher refused the request, or could not be reached; the message says which."""


@dataclass(frozen=True)
class ChildStatus:
    name: str
    state: ChildState
    pid: int | None
    restarts: int
    log: str


@dataclass(frozen=True)
class Answer:
    message: str
    children: list[ChildStatus]


Handler = Callable[[dict[str, Any]], Answer]


@dataclass
class LauncherControl:
    """What the launcher does for each request: `status`, or `stop`/`start` of one of the
    of the processes an operator may stop: the services, the gateway, and the broker and store
    (to see the stack survive their loss, ADR 0014)."""

    processes: Processes
    stoppable: Collection[str]
    # Tells whoever watches the launcher what an operator did (its terminal, under `make run`).
    say: Callable[[str], None] = lambda line: None

    def __call__(self, request: dict[str, Any]) -> Answer:
        command = request.get("command")
        if command == "status":
            return self._answer("")
        if command not in ("stop", "start"):
            raise ControlError(f"unknown command {command!r}; use status, stop or start")
        name = request.get("service")
        if not isinstance(name, str) or name not in self.stoppable:
            raise ControlError(
                f"unknown service {name!r}; use one of: {', '.join(sorted(self.stoppable))}"
            )
        try:
            child = self.processes.child(name)
        except UnknownChild as missing:
            raise ControlError(str(missing)) from None
        if command == "stop":
            if child.state == "stopped":
                return self._answer(f"{name} was already stopped")
            self.processes.stop(name)
            self.say(f"stopped {name} (bookend stop): it stays down until `bookend start {name}`")
            return self._answer("")
        if child.state == "running":
            return self._answer(f"{name} is already running (pid {child.process.pid})")
        self.processes.resume(name)
        self.say(f"started {name} again (bookend start)")
        return self._answer("")

    def _answer(self, message: str) -> Answer:
        return Answer(
            message,
            [
                ChildStatus(c.name, c.state, c.pid, c.restarts, str(c.log_path))
                for c in self.processes.children
            ],
        )


class ControlServer:
    """Serves requests one at a time, from the launcher's own loop: no thread, so supervision
    and requests never change the children at the same time."""

    def __init__(self, path: Path, handle: Handler) -> None:
        if len(os.fsencode(path)) > MAX_SOCKET_PATH:
            raise ControlError(f"{path} is too long for a Unix socket; use a shorter BOOKEND_HOME")
        self.path, self.handle = path, handle
        path.unlink(missing_ok=True)  # left by a launcher that was killed; the home is ours
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)  # the socket is born 0600: only its owner may connect
        try:
            self._socket.bind(str(path))
        finally:
            os.umask(previous)
        self._socket.listen(8)

    def serve(self, timeout: float) -> None:
        """Answer each request that arrives within `timeout` seconds (at least wait that long
        when none does, so the launcher's loop can call this instead of sleeping)."""
        ready, _, _ = select.select([self._socket], [], [], timeout)
        while ready:
            connection, _ = self._socket.accept()
            with connection:
                self._answer(connection)
            ready, _, _ = select.select([self._socket], [], [], 0)

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(2.0)  # a client that never sends must not hold the launcher
        reply: dict[str, Any]
        try:
            request = json.loads(_read_line(connection))
        except (OSError, ValueError) as broken:
            reply = {"ok": False, "error": f"unreadable request: {broken}"}
        else:
            reply = self._reply(request)
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps(reply).encode() + b"\n")

    def _reply(self, request: object) -> dict[str, Any]:
        if not isinstance(request, dict):
            return {"ok": False, "error": "a request is one JSON object"}
        try:
            return {"ok": True, **asdict(self.handle(request))}
        except ControlError as refused:
            return {"ok": False, "error": str(refused)}
        except Exception as failure:  # one bad request must not bring the whole stack down
            return {"ok": False, "error": f"the launcher could not do it: {failure!r}"}

    def close(self) -> None:
        self._socket.close()
        self.path.unlink(missing_ok=True)


def ask(path: Path, request: dict[str, str], timeout: float = 60.0) -> Answer:
    """Send one request to the launcher listening at `path`; its answer, or ControlError."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)  # stopping a process waits for it to exit
        try:
            connection.connect(str(path))
            connection.sendall(json.dumps(request).encode() + b"\n")
            reply = json.loads(_read_line(connection))
        except (OSError, ValueError) as failure:
            raise ControlError(f"the launcher did not answer on {path}: {failure}") from None
    if not reply.get("ok"):
        raise ControlError(str(reply.get("error")))
    return Answer(reply["message"], [ChildStatus(**child) for child in reply["children"]])


def _read_line(connection: socket.socket) -> bytes:
    received = b""
    while b"\n" not in received:
        chunk = connection.recv(MAX_REQUEST_BYTES)
        if not chunk:
            break
        received += chunk
        if len(received) > MAX_REQUEST_BYTES * 64:
            raise ValueError("message too long")
    return received.split(b"\n", 1)[0]
