"""Wake-ups between publishers and sleeping consumers: datagrams on the loopback, named by
files in one folder (ADR 0019)."""

from __future__ import annotations

import socket
from pathlib import Path

from bookend.eventbus.wakeup import Bell, WakeUps
from tests.support.polling import eventually


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_bell_rings_every_listener_in_its_folder(tmp_path: Path) -> None:
    first, second = (WakeUps(tmp_path, look_anyway_seconds=60) for _ in range(2))
    await first.open()
    await second.open()
    bell = Bell(tmp_path)
    try:
        assert not first.rung and not second.rung
        bell.ring_soon()
        await eventually(lambda: first.rung and second.rung)
    finally:
        bell.close()
        first.close()
        second.close()


async def test_a_name_left_by_a_listener_that_died_does_not_stop_the_others_being_rung(
    tmp_path: Path,
) -> None:
    (tmp_path / str(free_udp_port())).touch()  # nobody listens there
    (tmp_path / "notes.txt").write_text("not a port")
    listener = WakeUps(tmp_path, look_anyway_seconds=60)
    await listener.open()
    bell = Bell(tmp_path)
    try:
        bell.ring_soon()
        bell.ring_soon()  # rings once for both
        await eventually(lambda: listener.rung)
    finally:
        bell.close()
        listener.close()


async def test_a_listener_makes_its_folder_and_closing_takes_its_name_away(
    tmp_path: Path,
) -> None:
    listener = WakeUps(tmp_path / "wake", look_anyway_seconds=60)
    await listener.open()
    assert len(list((tmp_path / "wake").iterdir())) == 1
    listener.close()
    assert list((tmp_path / "wake").iterdir()) == []


async def test_a_listener_not_rung_looks_anyway_and_a_ring_is_kept_until_cleared(
    tmp_path: Path,
) -> None:
    listener = WakeUps(tmp_path, look_anyway_seconds=0.01)
    await listener.open()
    bell = Bell(tmp_path)
    try:
        await listener.wait()  # returns: time to look anyway
        assert not listener.rung
        bell.ring_soon()
        await eventually(lambda: listener.rung)
        await listener.wait()
        assert listener.rung
        listener.clear()
        assert not listener.rung
    finally:
        bell.close()
        listener.close()
