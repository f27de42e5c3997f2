"""`bookend status`, `stop` and `start` refuse clearly when there is nothing to operate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstack.cli import main
from devstack.running import Running, process_start, write_running


@pytest.mark.parametrize("command", [["status"], ["stop", "scheduler"], ["start", "gateway"]])
def test_operating_a_stack_that_is_not_running_says_so(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BOOKEND_HOME", str(tmp_path))
    assert main(command) == 1
    assert capsys.readouterr().err == f"Bookend is not running (no launcher for {tmp_path})\n"


def test_a_live_launcher_that_does_not_answer_is_reported_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # This process is alive (so the record is believed) but serves no control socket.
    started = process_start(os.getpid())
    assert started is not None
    write_running(
        tmp_path,
        Running(
            launcher_pid=os.getpid(),
            launcher_started=started,
            gateway_url="http://127.0.0.1:8000/graphql",
            urls={},
            kafka_bootstrap="127.0.0.1:9092",
            mongo_uri="mongodb://127.0.0.1:27017",
            control_socket=str(tmp_path / "control.sock"),
        ),
    )
    monkeypatch.setenv("BOOKEND_HOME", str(tmp_path))
    assert main(["stop", "catalog"]) == 1
    assert "the launcher did not answer on" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["nope", "launcher", ""])
def test_only_a_process_of_the_stack_can_be_stopped_or_started(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("stop", "start"):
        with pytest.raises(SystemExit) as refused:
            main([command, name])
        assert refused.value.code == 2
        assert f"invalid choice: {name!r}" in capsys.readouterr().err
