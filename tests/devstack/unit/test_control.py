"""`bookend stop`/`start`/`status` reach the launcher's children through its control channel."""

from __future__ import annotations

import re
import socket
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.control import Answer, ControlError, ControlServer, LauncherControl, ask
from devstack.processes import Processes

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    processes = Processes(tmp_path / "logs")
    for name in ("store", "catalog", "scheduler"):
        processes.start(name, SLEEPER)
    try:
        yield processes
    finally:
        processes.stop_all(grace=5)


@pytest.fixture
def control(processes: Processes) -> LauncherControl:
    return LauncherControl(processes, stoppable=("catalog", "scheduler"))


def states(answer: Answer) -> dict[str, str]:
    return {child.name: child.state for child in answer.children}


def test_a_stopped_service_stays_stopped_through_supervision_until_it_is_started(
    processes: Processes,
) -> None:
    said: list[str] = []
    control = LauncherControl(processes, ("catalog", "scheduler"), said.append)
    first_pid = processes.child("scheduler").process.pid
    stopped = control({"command": "stop", "service": "scheduler"})
    assert states(stopped) == {"store": "running", "catalog": "running", "scheduler": "stopped"}
    assert processes.child("scheduler").process.poll() is not None
    assert processes.supervise(now=1e9) == []  # long past any back-off: still left down
    assert states(control({"command": "status"}))["scheduler"] == "stopped"
    started = control({"command": "start", "service": "scheduler"})
    [scheduler] = [child for child in started.children if child.name == "scheduler"]
    assert scheduler.state == "running"
    assert scheduler.pid == processes.child("scheduler").process.pid != first_pid
    assert processes.child("scheduler").process.args == SLEEPER  # same argv, so same port
    assert said == [
        "stopped scheduler (bookend stop): it stays down until `bookend start scheduler`",
        "started scheduler again (bookend start)",
    ]


def test_stopping_a_stopped_service_or_starting_a_running_one_changes_nothing(
    processes: Processes, control: LauncherControl
) -> None:
    control({"command": "stop", "service": "catalog"})
    assert control({"command": "stop", "service": "catalog"}).message == (
        "catalog was already stopped"
    )
    pid = processes.child("scheduler").process.pid
    answer = control({"command": "start", "service": "scheduler"})
    assert answer.message == f"scheduler is already running (pid {pid})"
    assert processes.child("scheduler").process.pid == pid


def test_a_service_that_died_shows_as_restarting(tmp_path: Path) -> None:
    processes = Processes(tmp_path / "logs")
    child = processes.start("feedback", [sys.executable, "-c", "raise SystemExit(1)"])
    try:
        child.process.wait(30)
        [status] = LauncherControl(processes, ("feedback",))({"command": "status"}).children
        assert (status.state, status.pid) == ("restarting", None)
        assert status.log == str(tmp_path / "logs" / "feedback.log")
    finally:
        processes.stop_all()


@pytest.mark.parametrize(
    ("request_", "says"),
    [
        (
            {"command": "stop", "service": "gateway"},
            "unknown service 'gateway'; use one of: catalog,",
        ),
        ({"command": "start", "service": "nope"}, "unknown service 'nope'"),
        ({"command": "stop"}, "unknown service None"),
        ({"command": "stop", "service": ["scheduler"]}, "unknown service ['scheduler']"),
        ({"command": "restart", "service": "catalog"}, "unknown command 'restart'"),
    ],
)
def test_a_request_for_an_unknown_service_or_command_is_refused_and_changes_nothing(
    processes: Processes, control: LauncherControl, request_: dict[str, object], says: str
) -> None:
    with pytest.raises(ControlError, match=f"^{re.escape(says)}"):
        control(request_)
    assert {c.name: c.state for c in processes.children} == dict.fromkeys(
        ("store", "catalog", "scheduler"), "running"
    )


@pytest.fixture
def served(tmp_path: Path, control: LauncherControl) -> Iterator[ControlServer]:
    server = ControlServer(tmp_path / "control.sock", control)
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            server.serve(timeout=0.05)

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield server
    finally:
        done.set()
        thread.join(10)
        server.close()


def test_requests_and_refusals_travel_over_a_socket_only_its_owner_may_use(
    served: ControlServer,
) -> None:
    assert stat.S_IMODE(served.path.stat().st_mode) == 0o600
    answer = ask(served.path, {"command": "stop", "service": "catalog"})
    assert states(answer)["catalog"] == "stopped"
    with pytest.raises(ControlError, match="unknown service 'gateway'"):
        ask(served.path, {"command": "start", "service": "gateway"})
    assert states(ask(served.path, {"command": "status"}))["catalog"] == "stopped"


@pytest.mark.parametrize("sent", [b"not json\n", b"[1, 2]\n", b""])
def test_a_broken_request_gets_an_error_and_the_launcher_keeps_serving(
    served: ControlServer, sent: bytes
) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.settimeout(10)
        raw.connect(str(served.path))
        raw.sendall(sent)
        raw.shutdown(socket.SHUT_WR)
        reply = raw.makefile("rb").readline()
    assert reply.startswith(b'{"ok": false, "error": ')
    assert states(ask(served.path, {"command": "status"}))["scheduler"] == "running"


def test_asking_a_launcher_that_is_gone_says_it_did_not_answer(tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="the launcher did not answer"):
        ask(tmp_path / "control.sock", {"command": "status"})


def test_a_closed_channel_leaves_no_socket_behind(tmp_path: Path) -> None:
    server = ControlServer(tmp_path / "control.sock", lambda _: Answer("", []))
    server.close()
    assert not (tmp_path / "control.sock").exists()


def test_a_home_too_deep_for_a_socket_address_is_refused_naming_the_setting(
    tmp_path: Path,
) -> None:
    deep = tmp_path / ("d" * 100) / "control.sock"
    with pytest.raises(
        ControlError, match="too long for a Unix socket; use a shorter BOOKEND_HOME"
    ):
        ControlServer(deep, lambda _: Answer("", []))
