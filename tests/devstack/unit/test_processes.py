"""The launcher's children keep their logs and files to their owner."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from devstack.processes import Processes


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_a_childs_log_and_the_files_it_makes_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    processes = Processes(tmp_path / "logs")
    made = tmp_path / "made-by-child"
    child = processes.start(
        "writer", [sys.executable, "-c", f"open({str(made)!r}, 'w').write('student data')"]
    )
    child.process.wait(30)
    processes.stop_all()
    assert all(private(p) for p in (tmp_path / "logs", tmp_path / "logs" / "writer.log", made))


def test_a_child_that_dies_is_restarted_after_a_back_off_that_grows(tmp_path: Path) -> None:
    processes = Processes(tmp_path / "logs")
    child = processes.start("short-lived", [sys.executable, "-c", "raise SystemExit(3)"])
    try:
        child.process.wait(30)
        first_pid = child.process.pid
        [death] = processes.supervise(now=100.0)
        assert "short-lived exited with 3" in death and "restarting short-lived in 1s" in death
        assert processes.supervise(now=100.5) == []  # still backing off
        assert processes.supervise(now=101.0) == ["restarted short-lived (restart 1)"]
        assert child.process.pid != first_pid
        child.process.wait(30)
        [again] = processes.supervise(now=102.0)
        assert "restarting short-lived in 2s" in again
    finally:
        processes.stop_all()
