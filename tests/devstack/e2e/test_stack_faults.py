"""The whole embedded stack under `bookend run` loses nothing when its broker, which keeps its log
in memory only, is stopped and started, when a service is killed mid-stream, or when the
launcher itself is killed and run again in the middle of a stream of writes (ADR 0014). Writes
are lessons created and published in the catalog; the effect to find is the scheduler knowing
each one, through the broker."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pymongo import MongoClient

from bookend.outbox.emit import OUTBOX
from bookend.outbox.inbox import INBOX
from devstack.running import process_start, read_running
from services.catalog.settings import CatalogSettings
from services.scheduler.sessions.store import LESSONS
from services.scheduler.settings import SchedulerSettings
from tests.catalog.integration.test_catalog_api import LESSON
from tests.support.launcher import Launcher, launched, use_home

T = TypeVar("T")


def within(seconds: float, probe: Callable[[], T | None], what: str) -> T:
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = probe()
        except httpx.TransportError:  # a process restarting: ask again
            found = None
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"not within {seconds:.0f}s: {what}"
        time.sleep(0.2)


class Teacher:
    """Writes lessons as a client should: each write with an idempotency key, retried with the
    same key while the stack is away, so a write is taken once however often it is sent."""

    def __init__(self, home: Path, token: str) -> None:
        self._home = home
        self._headers = {"Authorization": f"Bearer {token}"}
        self.lessons: list[str] = []

    def post(self, path: str, body: dict[str, Any] | None, seconds: float = 60) -> Any:
        key = uuid.uuid4().hex
        headers = self._headers | {"Idempotency-Key": key}

        def attempt() -> Any:
            try:
                catalog = read_running(self._home).urls["catalog"]
                answer = httpx.post(f"{catalog}{path}", json=body, headers=headers, timeout=10)
            except (httpx.TransportError, OSError, ValueError):
                return None  # the stack is away or starting: send it again, same key
            if answer.status_code >= 500:
                return None
            assert answer.status_code in (200, 201), answer.text
            return answer.json()

        return within(seconds, attempt, f"POST {path} taken")

    def write(self, count: int) -> None:
        for _ in range(count):
            lesson = self.post("/lessons", LESSON | {"title": f"Lesson {len(self.lessons)}"})
            self.post(f"/lessons/{lesson['id']}/publish", None)
            self.lessons.append(lesson["id"])

    def unknown_to_the_scheduler(self) -> list[str]:
        scheduler = read_running(self._home).urls["scheduler"]
        with httpx.Client(base_url=scheduler, headers=self._headers, timeout=10) as http:
            return [
                lesson
                for lesson in self.lessons
                if http.get(f"/lessons/{lesson}").status_code != 200
            ]


def every_lesson_learned_once(launcher: Launcher, teacher: Teacher) -> None:
    try:
        within(60, lambda: not teacher.unknown_to_the_scheduler() or None, "every lesson learned")
    except AssertionError as late:
        # What the stack said meanwhile is the only account of why: keep it with the failure.
        unknown = teacher.unknown_to_the_scheduler()
        said = launcher.output.read_text(errors="replace").splitlines()[-300:]
        raise AssertionError(f"{late}\nunknown: {unknown}\n" + "\n".join(said)) from None
    within(
        30,
        lambda: launcher.ready("catalog", "scheduler", "gateway"),
        "every process ready again",
    )
    client: MongoClient[dict[str, Any]]
    with MongoClient(launcher.running.mongo_uri) as client:
        emitted = client[CatalogSettings().database][OUTBOX].count_documents({})
        applied = client[SchedulerSettings().database][INBOX].count_documents({})
        learned = client[SchedulerSettings().database][LESSONS].count_documents({})
    # One inbox mark per event the catalog emitted (none lost, none applied twice), one lesson
    # each (the stack runs without demo data: these are all there are).
    assert (applied, learned) == (emitted, len(teacher.lessons))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    use_home(home, monkeypatch)
    yield home


# Two stacks started and three faults waited out: under load, longer than the suite's
# 120 s per test. Each wait has its own limit (`within`), which says what did not happen.
@pytest.mark.timeout(360)
def test_a_broker_restart_and_a_launcher_killed_mid_stream_lose_nothing(
    home: Path, tmp_path: Path
) -> None:
    output = tmp_path / "launcher.out"
    with launched(home, output) as first:
        teacher = Teacher(home, first.bookend("token", "teacher-rivera").out.strip())
        teacher.write(4)

        # The broker stops: readiness says so within seconds, and writes are still taken.
        assert first.bookend("stop", "broker").code == 0
        for name in ("catalog", "gateway"):
            reasons = within(15, partial(first.broker_lost, name), f"{name} says the broker's lost")
            assert reasons
        teacher.write(4)
        # It starts again empty; the relays send again, the consumers read again.
        started = first.bookend("start", "broker")
        assert started.code == 0, started.err
        teacher.write(4)
        every_lesson_learned_once(first, teacher)

        # The catalog (its relay likely mid-batch) and the scheduler (its consumer mid-stream)
        # are killed right after a burst of writes; the launcher restarts them, and writes sent
        # meanwhile are retried with their keys until taken.
        teacher.write(3)
        for name in ("catalog", "scheduler"):
            os.kill(first.pids()[name], signal.SIGKILL)
        teacher.write(3)
        every_lesson_learned_once(first, teacher)

        # The launcher is killed without warning right after a burst of writes, whose events
        # may not have left; its children die with it.
        teacher.write(3)
        children = list(first.pids().values())
        starts = {pid: process_start(pid) for pid in children}
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)
        within(
            15,
            lambda: all(process_start(pid) != starts[pid] for pid in children) or None,
            "the killed launcher's children are gone",
        )

    # `make run` again on the same home: the store kept everything, the broker nothing.
    with launched(home, output) as second:
        teacher.write(3)
        every_lesson_learned_once(second, teacher)
