"""Wake-ups between publishers and sleeping consumers: datagrams on the loopback that announce
where records landed, to ports named by files in one folder (ADR 0019)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from bookend.eventbus.wakeup import Bell, WakeUps
from tests.support.polling import eventually


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_bell_announces_the_last_offset_of_each_partition_to_every_listener(
    tmp_path: Path,
) -> None:
    first, second = (WakeUps(tmp_path, look_anyway_seconds=60) for _ in range(2))
    await first.open()
    await second.open()
    bell = Bell(tmp_path)
    try:
        bell.ring_soon("t.a", 0, 7)
        bell.ring_soon("t.a", 0, 9)
        bell.ring_soon("t.b", 2, 3)
        mine = [("t.a", 0), ("t.b", 2), ("t.c", 0)]
        expected = {("t.a", 0): 9, ("t.b", 2): 3}
        await eventually(lambda: first.announced(mine) == expected)
        await eventually(lambda: second.announced(mine) == expected)
        assert first.announced([("t.b", 2)]) == {("t.b", 2): 3}  # only what was asked for
    finally:
        bell.close()
        first.close()
        second.close()


async def test_a_ring_ends_a_wait_and_a_later_lower_offset_does_not_lower_what_was_announced(
    tmp_path: Path,
) -> None:
    listener = WakeUps(tmp_path, look_anyway_seconds=60)
    await listener.open()
    bell = Bell(tmp_path)
    try:
        listener.clear()
        assert not await listener.wait(0.01)  # nothing came: time to look anyway
        bell.ring_soon("t.a", 1, 5)
        assert await listener.wait(60)
        bell.ring_soon("t.a", 1, 4)  # another publisher's older record, rung late
        listener.clear()
        assert await listener.wait(60)
        assert listener.announced([("t.a", 1)]) == {("t.a", 1): 5}
    finally:
        bell.close()
        listener.close()


async def test_names_left_by_the_dead_and_datagrams_not_ours_change_nothing(
    tmp_path: Path,
) -> None:
    listener = WakeUps(tmp_path, look_anyway_seconds=60)
    await listener.open()
    [port] = [int(name) for name in os.listdir(tmp_path)]
    (tmp_path / str(free_udp_port())).touch()  # nobody listens there
    (tmp_path / "notes.txt").write_text("not a port")
    bell = Bell(tmp_path)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
            stranger.sendto(b"\xff\xfe hello\nt.a one 2\nt.a 1\n", ("127.0.0.1", port))
        listener.clear()
        assert await listener.wait(60)
        assert listener.announced([("t.a", 1)]) == {}
        bell.ring_soon("t.a", 1, 2)
        await eventually(lambda: listener.announced([("t.a", 1)]) == {("t.a", 1): 2})
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
