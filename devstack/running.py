"""`running.json`: where a live launcher's stack answers; a record whose launcher is gone is
never believed, and the home has one launcher at a time."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

RECORD = "running.json"
LOCK = "launcher.lock"


class NotRunning(RuntimeError):
    """No live launcher owns the home; the message says why (and what was cleaned up)."""


class HomeTaken(RuntimeError):
    """Another live launcher owns the home."""


def process_start(pid: int) -> str | None:
    """When the process `pid` started, as the system tells it, or None when there is no such
    process (a zombie counts as none). With the pid it names one process: a pid is reused,
    a pid and start time are not."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.exists():  # Linux: fields after the command name, which may hold ")"
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return None
        return None if fields[0] in ("Z", "X") else fields[19]
    # macOS and the BSDs: ps knows the same
    found = subprocess.run(  # noqa: S603
        ["ps", "-o", "stat=", "-o", "lstart=", "-p", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split(maxsplit=1)
    return None if len(found) < 2 or found[0].startswith("Z") else found[1].strip()


@dataclass(frozen=True)
class Running:
    """What `bookend run` writes once its stack answers: the launcher that owns it (pid and
    start time), where to reach the stack, and the launcher's control socket."""

    launcher_pid: int
    launcher_started: str
    gateway_url: str
    urls: dict[str, str]  # each service's and the gateway's base URL, by process name
    kafka_bootstrap: str
    mongo_uri: str
    control_socket: str

    @property
    def alive(self) -> bool:
        return process_start(self.launcher_pid) == self.launcher_started


def write_running(home: Path, running: Running) -> None:
    """Whole or not at all: a reader never sees half a record."""
    partial = home / f".{RECORD}.{os.getpid()}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(asdict(running), out)
    partial.replace(home / RECORD)


def read_running(home: Path) -> Running:
    """The record of the live launcher of `home`; NotRunning otherwise. A record left by a
    launcher that is gone (killed, crashed, or another process on its pid) is removed."""
    path = home / RECORD
    try:
        text = path.read_text()
    except FileNotFoundError:
        starting = _live_owner(home)
        if starting is not None:
            raise NotRunning(
                f"Bookend is not running: its launcher (pid {starting}) is starting or stopping it"
            ) from None
        raise NotRunning(f"Bookend is not running (no launcher for {home})") from None
    try:
        running = Running(**json.loads(text))
    except (ValueError, TypeError):
        _remove_if_unchanged(path, text)
        raise NotRunning(
            f"Bookend is not running: {path} was not written by a launcher of this version; "
            "removed it"
        ) from None
    if not running.alive:
        _remove_if_unchanged(path, text)
        raise NotRunning(
            f"Bookend is not running: its launcher (pid {running.launcher_pid}) is gone "
            f"without stopping it; removed the stale {path}"
        )
    return running


def remove_running(home: Path) -> None:
    (home / RECORD).unlink(missing_ok=True)


def _remove_if_unchanged(path: Path, seen: str) -> None:
    # A new launcher may have replaced the stale record since it was read: keep its record.
    with contextlib.suppress(FileNotFoundError):
        if path.read_text() == seen:
            path.unlink()


@dataclass
class HomeClaim:
    """The launcher's exclusive lock on its home, held while it lives. The system releases it
    when the launcher dies in any way, so a killed launcher never keeps the home taken."""

    fd: int

    def release(self) -> None:
        os.ftruncate(self.fd, 0)  # names no owner once released, though this process lives on
        os.close(self.fd)


def claim_home(home: Path) -> HomeClaim:
    """Take the home for this launcher, or HomeTaken naming the live one that has it."""
    fd = os.open(home / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = (os.read(fd, 64).decode(errors="replace").split() or ["unknown"])[0]
        os.close(fd)
        raise HomeTaken(f"launcher pid {owner} owns {home}") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()} {process_start(os.getpid())}".encode())
    return HomeClaim(fd)


def _live_owner(home: Path) -> int | None:
    """The pid of the launcher that holds the home, if it lives (read, never locked: taking
    the lock, even for a moment, could make a launcher starting then refuse)."""
    try:
        pid, started = (home / LOCK).read_text().split(" ", 1)
    except (FileNotFoundError, ValueError):
        return None
    return int(pid) if pid.isdigit() and process_start(int(pid)) == started else None
