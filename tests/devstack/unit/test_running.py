"""`running.json` is believed only while the launcher that wrote it lives; one launcher per home."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.running import (
    HomeTaken,
    NotRunning,
    Running,
    claim_home,
    process_start,
    read_running,
    write_running,
)


def record(pid: int, started: str, home: Path) -> Running:
    return Running(
        launcher_pid=pid,
        launcher_started=started,
        gateway_url="http://127.0.0.1:8000/graphql",
        urls={"scheduler": "http://127.0.0.1:40001", "gateway": "http://127.0.0.1:8000"},
        kafka_bootstrap="127.0.0.1:9092",
        mongo_uri="mongodb://127.0.0.1:27017/?directConnection=true",
        control_socket=str(home / "control.sock"),
    )


def this_process(home: Path) -> Running:
    started = process_start(os.getpid())
    assert started is not None
    return record(os.getpid(), started, home)


def test_the_record_of_a_live_launcher_is_believed(tmp_path: Path) -> None:
    write_running(tmp_path, this_process(tmp_path))
    assert read_running(tmp_path) == this_process(tmp_path)
    assert (tmp_path / "running.json").stat().st_mode & 0o077 == 0


def test_without_a_record_the_stack_is_not_running(tmp_path: Path) -> None:
    with pytest.raises(NotRunning, match="not running"):
        read_running(tmp_path)


def test_the_record_of_a_launcher_that_was_killed_is_not_believed_and_is_removed(
    tmp_path: Path,
) -> None:
    launcher = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = process_start(launcher.pid)
    assert started is not None
    launcher.send_signal(signal.SIGKILL)
    launcher.wait(30)
    write_running(tmp_path, record(launcher.pid, started, tmp_path))
    with pytest.raises(NotRunning, match=f"launcher \\(pid {launcher.pid}\\) is gone"):
        read_running(tmp_path)
    assert not (tmp_path / "running.json").exists()


def test_a_killed_launcher_not_yet_reaped_counts_as_gone(tmp_path: Path) -> None:
    launcher = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = process_start(launcher.pid)
        assert started is not None
        launcher.send_signal(signal.SIGKILL)
        # Wait until it has died, but leave it unreaped: a zombie, whose pid still answers.
        os.waitid(os.P_PID, launcher.pid, os.WEXITED | os.WNOWAIT)
        write_running(tmp_path, record(launcher.pid, started, tmp_path))
        with pytest.raises(NotRunning, match="is gone"):
            read_running(tmp_path)
    finally:
        launcher.wait(30)


def test_a_record_whose_pid_now_names_another_process_is_not_believed(tmp_path: Path) -> None:
    # This process is alive, but it is not the one that started at that time.
    write_running(tmp_path, record(os.getpid(), "1", tmp_path))
    with pytest.raises(NotRunning, match="is gone"):
        read_running(tmp_path)
    assert not (tmp_path / "running.json").exists()


def test_a_record_without_a_launcher_identity_is_not_believed_and_is_removed(
    tmp_path: Path,
) -> None:
    old = {"gateway_url": "http://127.0.0.1:8000/graphql", "kafka_bootstrap": "127.0.0.1:9092"}
    (tmp_path / "running.json").write_text(json.dumps(old))
    with pytest.raises(NotRunning, match="not written by a launcher of this version"):
        read_running(tmp_path)
    assert not (tmp_path / "running.json").exists()


def test_a_home_held_by_a_live_launcher_is_refused_naming_it_until_released(
    tmp_path: Path,
) -> None:
    claim = claim_home(tmp_path)
    with pytest.raises(HomeTaken, match=f"launcher pid {os.getpid()} owns {tmp_path}"):
        claim_home(tmp_path)
    claim.release()
    claim_home(tmp_path).release()


def test_a_home_held_by_a_launcher_that_was_killed_is_free_again(tmp_path: Path) -> None:
    holder = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from devstack.running import claim_home;"
            f" claim_home(Path({str(tmp_path)!r})); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(HomeTaken, match=f"launcher pid {holder.pid} owns"):
            claim_home(tmp_path)
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
        claim_home(tmp_path).release()
    finally:
        holder.kill()
        holder.wait(30)
        assert holder.stdout is not None
        holder.stdout.close()


def test_while_its_launcher_starts_or_stops_the_stack_is_said_to_be_starting_or_stopping(
    tmp_path: Path,
) -> None:
    claim = claim_home(tmp_path)
    try:
        with pytest.raises(NotRunning, match=f"launcher \\(pid {os.getpid()}\\) is starting or"):
            read_running(tmp_path)
    finally:
        claim.release()
    with pytest.raises(NotRunning, match="no launcher for"):  # released: it names no owner
        read_running(tmp_path)
