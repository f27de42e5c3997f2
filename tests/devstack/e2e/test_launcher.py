"""The real `bookend run`, operated by the real `bookend` commands: a service stopped stays down
while the rest answers and comes back on `start`; a killed launcher leaves nothing that says
the stack runs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.processes import free_port
from devstack.running import process_start
from tests.support.launcher import Launcher, launched, use_home


@pytest.fixture
def launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Launcher]:
    home = tmp_path / "home"
    use_home(home, monkeypatch)
    with launched(home, tmp_path / "launcher.out") as running:
        yield running


# One launcher for the whole drill (starting one costs ~8 s): the operator's part first, then
# the launcher is killed. Its bound is for a hang: a loaded shared machine runs it much slower.
@pytest.mark.timeout(360)
def test_an_operator_stops_and_starts_a_service_and_a_killed_launcher_leaves_no_stale_record(
    launcher: Launcher,
) -> None:
    a_stopped_service_stays_down_while_the_rest_answers_until_it_is_started(launcher)
    one_launcher_owns_a_home_and_a_killed_one_leaves_nothing_that_says_it_runs(launcher)


def a_stopped_service_stays_down_while_the_rest_answers_until_it_is_started(
    launcher: Launcher,
) -> None:
    stopped = launcher.bookend("stop", "scheduler")
    assert stopped.code == 0, stopped.err
    with pytest.raises(httpx.ConnectError):
        launcher.healthz("scheduler")
    assert [launcher.healthz(name) for name in ("catalog", "feedback", "gateway")] == [200] * 3
    time.sleep(1.5)  # past the first restart back-off (1 s): supervision leaves it down
    with pytest.raises(httpx.ConnectError):
        launcher.healthz("scheduler")
    status = launcher.bookend("status")
    assert status.code == 0, status.err
    rows = {line.split()[0]: line.split()[1] for line in status.out.splitlines()[1:]}
    assert rows == {
        "broker": "running",
        "store": "running",
        "catalog": "running",
        "scheduler": "stopped",
        "feedback": "running",
        "integrations": "running",
        "gateway": "running",
    }

    started = launcher.bookend("start", "scheduler")
    assert started.code == 0, started.err
    assert launcher.healthz("scheduler") == 200  # on the port it had


def one_launcher_owns_a_home_and_a_killed_one_leaves_nothing_that_says_it_runs(
    launcher: Launcher,
) -> None:
    # A real second launcher: were it not refused, it would start a second stack.
    second = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "devstack.cli", "run", "--no-demo", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1
    assert f"already running at {launcher.running.gateway_url}" in second.stderr
    assert f"launcher pid {launcher.process.pid} owns" in second.stderr
    children = {
        int(line.split()[3]): process_start(int(line.split()[3]))
        for line in launcher.bookend("status").out.splitlines()[1:]
    }

    launcher.process.send_signal(signal.SIGKILL)
    launcher.process.wait(30)

    status = launcher.bookend("status")
    assert status.code == 1
    assert f"launcher (pid {launcher.process.pid}) is gone" in status.err
    assert not (launcher.home / "running.json").exists()
    token = launcher.bookend("token", "student-amara")
    assert token.code == 0 and "Bookend is not running" in token.err
    deadline = time.monotonic() + 15
    while any(process_start(pid) == started for pid, started in children.items()):
        assert time.monotonic() < deadline, "the killed launcher's children outlived it"
        time.sleep(0.2)
