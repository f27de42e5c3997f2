"""Importing a roster over HTTP into the real embedded store: done and counted, refused row by
row with nothing changed, the same files again changing nothing, new enrolments filling feeds,
one import at a time, and an import stopped mid-way completed by running it again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from bookend.auth import Principal, Role
from bookend.clock import utc_now
from bookend.eventbus import KafkaPublisher
from services.scheduler.app import create_app
from services.scheduler.roster.imports import service
from services.scheduler.roster.imports.report import ImportRecord, ImportStatus
from services.scheduler.roster.imports.runner import ImportRunner
from services.scheduler.roster.imports.tables import Limits
from services.scheduler.settings import SchedulerSettings
from services.scheduler.store import SchedulerStore, SchedulerTransaction
from tests.scheduler.integration.harness import (
    ADMIN,
    Json,
    Scheduler,
    hours_from_now,
    lesson_published,
)
from tests.support.auth import bearer
from tests.support.fakes import counting_ids
from tests.support.polling import eventually
from tests.support.roster_files import Files, district, lakeside
from tests.support.running import Fresh, Served

T = TypeVar("T")
D = "district-1"


@pytest.fixture
async def served(fresh: Fresh) -> AsyncIterator[Served]:
    """Small batches, so even a small roster is written in several transactions."""
    settings = fresh.settings(SchedulerSettings, "scheduler").model_copy(
        update={"roster_import_batch_size": 3}
    )
    async with fresh.serve(create_app, settings, "scheduler") as it:
        yield it


@pytest.fixture
def scheduler(served: Served, publisher: KafkaPublisher) -> Scheduler:
    return Scheduler(served.http, publisher, served.state.settings.database, served.state.store)


@pytest.fixture
def store(served: Served) -> SchedulerStore:
    """The app's own store: its client's writes wait for each other (the embedded store breaks
    two transactions open at once, ADR 0007)."""
    found: SchedulerStore = served.state.store
    return found


async def post(scheduler: Scheduler, files: Files, headers: dict[str, str] = ADMIN) -> Json:
    body = {"files": [{"name": name, "text": text} for name, text in files.items()]}
    return await scheduler.ok("POST", "/roster/imports", headers, json=body)


async def done(scheduler: Scheduler, answer: Json) -> Json:
    """The import once done (a large one answers while still running)."""
    imported: Json = answer["imported"]

    async def finished() -> Json | None:
        found = await scheduler.ok("GET", f"/roster/imports/{imported['id']}", ADMIN)
        return found if found["status"] != "running" else None

    return imported if imported["status"] != "running" else await eventually(finished, seconds=60)


async def roster(scheduler: Scheduler) -> Json:
    """What admins read of the district's roster."""
    read = {
        "schools": "/schools",
        "sections": "/sections",
        "oak terms": "/schools/oak/terms",
        "read2 students": "/sections/read2/students",
        "math7 students": "/sections/math7/students",
        "ava's guardians": "/students/s-ava/guardians",
    }
    found = {}
    for name, url in read.items():
        response = await scheduler.http.get(url, headers=ADMIN)
        found[name] = response.json() if response.status_code == 200 else response.status_code
    return found


def counts(record: Json) -> dict[str, list[int]]:
    return {c["kind"]: [c["created"], c["updated"], c["unchanged"]] for c in record["counts"]}


async def test_a_roster_imported_from_csv_files_is_read_back_and_the_same_files_change_nothing(
    scheduler: Scheduler,
) -> None:
    record = await done(scheduler, await post(scheduler, lakeside()))
    assert record["status"] == "done"
    assert counts(record)["enrolments"] == [2, 0, 0]
    assert record["written"] == record["to_write"] == 15
    assert await scheduler.ok("GET", f"/roster/imports/{record['id']}", ADMIN) == record
    first = await roster(scheduler)
    assert [(s["id"], s["time_zone"]) for s in first["schools"]["items"]] == [
        ("oak", "America/Chicago"),
        ("river", "America/Los_Angeles"),
    ]
    fall = next(t for t in first["oak terms"]["items"] if t["id"] == "fall-oak")
    assert (fall["day_starts"], fall["blackouts"]) == (
        "08:30:00",
        [{"on": "2025-10-13", "reason": "Staff development day"}],
    )
    assert [(s["id"], s["time_zone"]) for s in first["math7 students"]["items"]] == [
        ("s-ben", "America/New_York")
    ]
    assert [g["id"] for g in first["ava's guardians"]["items"]] == ["g-maria"]
    again = await done(scheduler, await post(scheduler, lakeside()))
    assert again["to_write"] == 0
    assert all(created == updated == 0 for created, updated, _ in counts(again).values())
    assert await roster(scheduler) == first


async def test_a_bad_set_of_files_is_refused_row_by_row_and_changes_nothing(
    scheduler: Scheduler,
) -> None:
    await done(scheduler, await post(scheduler, lakeside()))
    before = await roster(scheduler)
    bad = lakeside()
    bad["users.csv"] = bad["users.csv"].replace(
        "s-ben,active,,true,river,student", "s-ben,active,,true,river,pupil"
    )
    bad["classes.csv"] = bad["classes.csv"].replace("Reading 2B", "Reading 2B (renamed)")
    bad["enrollments.csv"] += "e9,,,nowhere,,s-ava,student,,,\r\n"
    answer = await post(scheduler, bad)
    assert answer["imported"] is None
    assert answer["refused"]["error_count"] == 2
    assert [(e["file"], e["line"], e["field"], e["rule"]) for e in answer["refused"]["errors"]] == [
        ("users.csv", 5, "role", "user_role"),
        ("enrollments.csv", 7, "classSourcedId", "known_class"),
    ]
    assert await roster(scheduler) == before  # the good rename in classes.csv was not imported


async def test_a_student_enrolled_by_an_import_gets_the_sections_sessions_once(
    scheduler: Scheduler,
) -> None:
    await done(scheduler, await post(scheduler, lakeside()))
    await scheduler.learn(lesson_published(scheduler.lesson_id))
    teacher = bearer("t-okafor", Role.TEACHER)
    session = scheduler.session_body(
        hours_from_now(48), section_id="read2", time_zone="America/Chicago"
    )
    scheduled = await scheduler.ok("POST", "/sessions", teacher, json=session)
    files = lakeside()
    files["users.csv"] += "s-new,,,true,oak,student,,,New,Kid,,,,,,,,,\r\n"
    files["enrollments.csv"] += "e9,,,read2,oak,s-new,student,,,\r\n"
    record = await done(scheduler, await post(scheduler, files))
    assert counts(record)["enrolments"] == [1, 0, 2]
    feed = await scheduler.ok("GET", "/feed", ADMIN, params={"student_id": "s-new"})
    assert scheduled["id"] in [item["session_id"] for item in feed["items"]]
    await done(scheduler, await post(scheduler, files))
    assert await scheduler.ok("GET", "/feed", ADMIN, params={"student_id": "s-new"}) == feed


async def test_a_school_admin_imports_only_their_schools_rows(scheduler: Scheduler) -> None:
    oak_admin = bearer("admin-oak", Role.SCHOOL_ADMIN, school="oak")
    body = {"files": [{"name": n, "text": t} for n, t in lakeside().items()]}
    refused = await scheduler.http.post("/roster/imports", headers=oak_admin, json=body)
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    teacher = await scheduler.http.post(
        "/roster/imports", headers=bearer("t", Role.TEACHER), json=body
    )
    assert teacher.status_code == 403
    assert (await roster(scheduler))["schools"]["items"] == []


async def test_one_import_runs_at_a_time_in_a_district(
    scheduler: Scheduler, store: SchedulerStore
) -> None:
    now = int(datetime.now(UTC).timestamp() * 1000)
    assert await store.take_import_lock(D, "another", now_ms=now, until_ms=now + 60_000)
    body = {"files": [{"name": n, "text": t} for n, t in lakeside().items()]}
    busy = await scheduler.http.post("/roster/imports", headers=ADMIN, json=body)
    assert (busy.status_code, busy.json()["code"]) == (409, "IMPORT_RUNNING")
    await store.release_import_lock(D, "another")
    assert (await done(scheduler, await post(scheduler, lakeside())))["status"] == "done"


async def test_an_import_whose_process_stopped_reads_as_interrupted(
    scheduler: Scheduler, store: SchedulerStore
) -> None:
    long_ago = utc_now() - timedelta(hours=1)
    stopped = ImportRecord(
        "old", D, "admin-1", ImportStatus.RUNNING, long_ago, long_ago, (), (), ()
    )
    await store.save_import(stopped)
    found = await scheduler.ok("GET", "/roster/imports/old", ADMIN)
    assert found["status"] == "interrupted"
    missing = await scheduler.http.get("/roster/imports/nope", headers=ADMIN)
    assert (missing.status_code, missing.json()["code"]) == (404, "IMPORT_NOT_FOUND")


class StopsAfter(SchedulerStore):
    """The real store, until it goes away after `commits` transactions: the process dies."""

    commits = 3

    async def atomically(self, work: Callable[[SchedulerTransaction], Awaitable[T]]) -> T:
        if self.commits <= 0:
            raise ConnectionError("the store went away")
        self.commits -= 1
        return await super().atomically(work)


async def test_an_import_stopped_mid_way_is_completed_by_importing_the_same_files_again(
    scheduler: Scheduler, store: SchedulerStore
) -> None:
    dying = StopsAfter(store.client, scheduler.database)
    settings = service.ImportSettings(
        limits=Limits(max_file_bytes=1_000_000, max_rows=1_000),
        max_errors=10,
        batch_size=3,
        answer_within=10,
        lease=timedelta(minutes=2),
    )
    stopped = await service.start_import(
        list(lakeside().items()),
        principal=Principal("admin-1", D, frozenset({Role.DISTRICT_ADMIN})),
        store=dying,
        clock=utc_now,
        ids=counting_ids("stopped"),
        runner=ImportRunner(),
        settings=settings,
    )
    assert stopped.status == ImportStatus.FAILED and stopped.written == 5  # 3 batches of 1+2+2
    record = await done(scheduler, await post(scheduler, lakeside()))
    assert record["status"] == "done"
    created = sum(created for created, _, _ in counts(record).values())
    assert created == record["to_write"] == 15 - 5
    enrolled = await roster(scheduler)
    assert [s["id"] for s in enrolled["read2 students"]["items"]] == ["s-ava"]


async def test_a_thousand_students_are_imported_in_many_batches(
    fresh_scheduler: Scheduler,
) -> None:
    scheduler = fresh_scheduler  # batches of 500, as configured by default
    files = district(schools=4, sections=40, students=1000, enrolments=2500)
    started = asyncio.get_running_loop().time()
    record = await done(scheduler, await post(scheduler, files))
    took = asyncio.get_running_loop().time() - started
    assert record["status"] == "done", record
    assert counts(record)["students"] == [1000, 0, 0]
    assert counts(record)["enrolments"] == [2500, 0, 0]
    listed = await scheduler.ok("GET", "/sections/cls00000/students", ADMIN)
    assert len(listed["items"]) > 0
    print(f"1,080 users and 2,540 enrolments: {took:.1f} s")
