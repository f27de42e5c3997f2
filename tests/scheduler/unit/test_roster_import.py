"""Importing a roster from CSV files: checked whole before anything is written, every bad row
named, written in batches, and the same files again change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any, TypeVar

import pytest

from bookend.auth import Forbidden, Principal, Role
from bookend.contracts.catalog import GradeBand
from services.scheduler.roster.calendar import Blackout
from services.scheduler.roster.domain import Guardianship
from services.scheduler.roster.imports import service
from services.scheduler.roster.imports.report import (
    ImportNotFound,
    ImportRecord,
    ImportRunning,
    ImportStatus,
    KindCount,
    RosterKind,
    RowErrors,
)
from services.scheduler.roster.imports.runner import ImportRunner
from services.scheduler.roster.imports.tables import Limits
from services.scheduler.sessions.ports import Transaction as SessionsTransaction
from tests.scheduler.builders import LESSON, NOW, STARTS, schedule
from tests.scheduler.fakes import FakeScheduler, FakeSchedulerTransaction, SchedulerState
from tests.support.fakes import Clock, counting_ids
from tests.support.roster_files import ENROLLMENTS, USERS, Files, lakeside, table, user

T = TypeVar("T")
D = "d1"
ADMIN = Principal("admin-1", D, frozenset({Role.DISTRICT_ADMIN}))
OAK_ADMIN = Principal("admin-oak", D, frozenset({Role.SCHOOL_ADMIN}), school="oak")
SETTINGS = service.ImportSettings(
    limits=Limits(max_file_bytes=1_000_000, max_rows=10_000),
    max_errors=100,
    batch_size=2,
    answer_within=5.0,
    lease=timedelta(minutes=2),
)


async def run_import(
    store: FakeScheduler,
    files: Files,
    *,
    principal: Principal = ADMIN,
    settings: service.ImportSettings = SETTINGS,
) -> ImportRecord:
    return await service.start_import(
        list(files.items()),
        principal=principal,
        store=store,
        clock=Clock(NOW),
        ids=counting_ids("import"),
        runner=ImportRunner(),
        settings=settings,
    )


async def refused(
    store: FakeScheduler, files: Files, **kw: Any
) -> list[tuple[str, int | None, str | None, str]]:
    before = store.state
    with pytest.raises(RowErrors) as refusal:
        await run_import(store, files, **kw)
    assert store.state is before, "a refused import changes nothing"
    return [(e.file, e.line, e.field, e.rule) for e in refusal.value.errors]


def counts(record: ImportRecord) -> dict[str, tuple[int, int, int]]:
    return {c.kind.value: (c.created, c.updated, c.unchanged) for c in record.counts}


async def test_a_districts_files_load_its_whole_roster() -> None:
    store = FakeScheduler()
    record = await run_import(store, lakeside())
    assert record.status == ImportStatus.DONE
    assert counts(record) == {
        "district": (1, 0, 0),
        "schools": (2, 0, 0),
        "terms": (2, 0, 0),
        "sections": (2, 0, 0),
        "teachers": (2, 0, 0),
        "students": (2, 0, 0),
        "guardians": (1, 0, 0),
        "guardian_links": (1, 0, 0),
        "enrolments": (2, 0, 0),
    }
    assert record.written == record.to_write == 15
    assert [(s.file, s.rows) for s in record.skipped] == [
        ("academicSessions.csv", 1),
        ("enrollments.csv", 1),
        ("users.csv", 1),
    ]
    assert (await store.get_district(D)) is not None
    oak = await store.get_calendar(D, "oak")
    assert oak is not None and oak.time_zone == "America/Chicago"
    assert not oak.is_school_day(date(2025, 10, 13))  # the fall semester's training day
    assert not oak.is_school_day(date(2025, 11, 27))  # the district's Thanksgiving break
    assert oak.day_bounds(date(2025, 9, 2)) == (time(8, 30), time(15, 0))
    river = await store.get_calendar(D, "river")
    assert river is not None and river.day_bounds(date(2025, 9, 2)) == (time(8), time(15))
    math = await store.get_section(D, "math7")
    assert math is not None
    assert (math.term_id, math.grade_band, math.teacher_ids) == (
        "sy",
        GradeBand.G6_8,
        ("t-rivera",),
    )
    assert math.time_zone == "America/Los_Angeles"  # the school's, with no timeZone of its own
    assert await store.list_section_students(D, "read2") == ["s-ava"]
    ava, ben = await store.get_learner(D, "s-ava"), await store.get_learner(D, "s-ben")
    assert ava is not None and ava.time_zone == "America/Chicago"  # her school's
    assert ben is not None and ben.time_zone == "America/New_York"  # his own
    links = await store.list_guardianships(D, student_ids=["s-ava"])
    assert links == [Guardianship(D, "s-ava", "g-maria")]


async def test_the_same_files_again_change_nothing() -> None:
    store = FakeScheduler()
    await run_import(store, lakeside())
    before, emitted = store.state, len(store.emitted)
    again = await run_import(store, lakeside())
    assert again.status == ImportStatus.DONE and again.to_write == 0
    assert all(c.created == c.updated == 0 and c.unchanged for c in again.counts)
    assert _roster(store.state) == _roster(before)
    assert len(store.emitted) == emitted


def _roster(state: SchedulerState) -> tuple[object, ...]:
    return (
        state.districts,
        state.schools,
        state.terms,
        state.sections,
        state.people,
        state.guardianships,
        state.enrolments,
        state.feed,
    )


async def test_a_changed_row_updates_its_record_and_leaves_the_rest() -> None:
    store = FakeScheduler()
    await run_import(store, lakeside())
    files = lakeside()
    files["users.csv"] = files["users.csv"].replace("Ngozi,Okafor", "Ngozi,Okafor-Eze")
    again = await run_import(store, files)
    assert counts(again)["teachers"] == (0, 1, 1)
    teacher = await store.get_person(D, "t-okafor")
    assert teacher is not None and teacher.family_name == "Okafor-Eze"


async def test_a_bad_row_in_one_file_imports_nothing_of_any_file() -> None:
    store = FakeScheduler()
    files = lakeside()
    files["enrollments.csv"] += "e9,active,,read2,oak,nobody,student,,,\r\n"
    assert await refused(store, files) == [
        ("enrollments.csv", 7, "userSourcedId", "known_user"),
    ]
    assert store.state.schools == {} and store.state.people == {}


async def test_every_unknown_reference_is_an_error_of_the_row_that_makes_it() -> None:
    files = lakeside()
    files["classes.csv"] = files["classes.csv"].replace(",river,sy,", ",elsewhere,sy,")
    files["blackouts.csv"] += "winter,2025-12-22,2026-01-02,Winter break\r\n"
    files["blackouts.csv"] += "sy,2026-07-01,,After the year\r\n"
    files["users.csv"] = files["users.csv"].replace(",s-ava,,,\r\n", ",s-nobody,,,\r\n")
    files["enrollments.csv"] = files["enrollments.csv"].replace(
        "e2,active,,read2,oak", "e2,active,,read2,river"
    )
    assert await refused(FakeScheduler(), files) == [
        ("blackouts.csv", 4, "termSourcedId", "known_term"),
        ("blackouts.csv", 5, "startDate", "within_term"),
        ("classes.csv", 3, "schoolSourcedId", "known_school"),
        ("users.csv", 6, "agentSourcedIds", "known_user"),
        ("enrollments.csv", 3, "schoolSourcedId", "class_school"),
    ]


async def test_a_reference_to_a_broken_row_is_not_an_error_of_its_own() -> None:
    files = lakeside()
    files["users.csv"] = files["users.csv"].replace(
        "s-ava,active,,true,oak,student", "s-ava,active,,true,oak,pupil"
    )
    assert await refused(FakeScheduler(), files) == [("users.csv", 4, "role", "user_role")]


async def test_roles_must_fit_the_references_that_name_them() -> None:
    files = lakeside()
    files["users.csv"] = files["users.csv"].replace(
        ",Ben,Okoro,,,,,,,", ",Ben,Okoro,,,,,,t-okafor,"
    )
    files["enrollments.csv"] = files["enrollments.csv"].replace(
        "e4,active,,math7,river,s-ben,student", "e4,active,,math7,river,g-maria,student"
    )
    assert await refused(FakeScheduler(), files) == [
        ("users.csv", 5, "agentSourcedIds", "agent_role"),
        ("enrollments.csv", 5, "role", "user_role"),
    ]


async def test_a_new_school_needs_its_zone_and_a_known_one_keeps_its_own() -> None:
    store = FakeScheduler()
    files = lakeside()
    files["orgs.csv"] = files["orgs.csv"].replace(",America/Chicago", ",")
    assert await refused(store, files) == [("orgs.csv", 3, "timeZone", "required")]
    await run_import(store, lakeside())
    again = await run_import(store, files)
    assert counts(again)["schools"] == (0, 0, 2)
    oak = await store.get_school(D, "oak")
    assert oak is not None and oak.time_zone == "America/Chicago"


async def test_a_student_needs_a_school_or_a_zone_of_their_own() -> None:
    files = lakeside()
    files["users.csv"] = files["users.csv"].replace(
        "s-ben,active,,true,river", "s-ben,active,,true,dist"
    )
    files["users.csv"] = files["users.csv"].replace(
        "s-ava,active,,true,oak", "s-ava,active,,true,dist"
    )
    assert await refused(FakeScheduler(), files) == [("users.csv", 4, "timeZone", "has_zone")]


async def test_a_person_keeps_their_role() -> None:
    store = FakeScheduler()
    await run_import(store, lakeside())
    files = {"users.csv": table(USERS, [user("s-ava", "oak", "teacher", "Ava", "Lopez")])}
    assert await refused(store, files) == [("users.csv", 2, "role", "same_role")]


async def test_files_may_name_what_an_earlier_import_loaded() -> None:
    store = FakeScheduler()
    files = lakeside()
    await run_import(
        store,
        {
            name: files[name]
            for name in ("orgs.csv", "academicSessions.csv", "classes.csv", "users.csv")
        },
    )
    later = {
        "users.csv": table(USERS, [user("s-cal", "river", "student", "Cal", "Diaz")]),
        "enrollments.csv": table(
            ENROLLMENTS, [["e9", "", "", "math7", "river", "s-cal", "student", "", "", ""]]
        ),
        "blackouts.csv": "termSourcedId,startDate,reason\r\nsy,2026-01-19,MLK Day\r\n",
    }
    record = await run_import(store, later)
    assert counts(record) == {
        "terms": (0, 1, 0),
        "students": (1, 0, 0),
        "enrolments": (1, 0, 0),
    }
    assert await store.list_section_students(D, "math7") == ["s-cal"]
    year = await store.get_term(D, "sy")
    assert year is not None and year.blackouts == (Blackout(date(2026, 1, 19), "MLK Day"),)


async def test_an_import_adds_teachers_and_blackouts_and_removes_none() -> None:
    store = FakeScheduler()
    await run_import(store, lakeside())
    more = {
        "users.csv": table(USERS, [user("t-new", "river", "teacher", "N", "Ew")]),
        "enrollments.csv": table(
            ENROLLMENTS, [["e9", "", "", "math7", "", "t-new", "teacher", "", "", ""]]
        ),
        "blackouts.csv": "termSourcedId,startDate\r\nsy,2026-02-16\r\n",
    }
    await run_import(store, more)
    await run_import(store, lakeside())  # the first files again: t-new and the new day stay
    math = await store.get_section(D, "math7")
    assert math is not None and math.teacher_ids == ("t-rivera", "t-new")
    year = await store.get_term(D, "sy")
    assert year is not None and date(2026, 2, 16) in [b.on for b in year.blackouts]
    assert len(year.blackouts) == 4


async def test_a_school_admin_imports_their_own_schools_rows_only() -> None:
    store = FakeScheduler()
    with pytest.raises(Forbidden):
        await run_import(store, lakeside(), principal=OAK_ADMIN)
    await run_import(store, {"orgs.csv": lakeside()["orgs.csv"]})
    oak_only = {
        "users.csv": table(USERS, [user("s-oak", "oak", "student", "O", "K")]),
    }
    record = await run_import(store, oak_only, principal=OAK_ADMIN)
    assert counts(record) == {"students": (1, 0, 0)}
    river = {"users.csv": table(USERS, [user("s-river", "river", "student", "R", "V")])}
    with pytest.raises(Forbidden):
        await run_import(store, river, principal=OAK_ADMIN)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.STUDENT, Role.GUARDIAN, Role.INTEGRATION])
async def test_only_admins_import(role: Role) -> None:
    with pytest.raises(Forbidden):
        await run_import(
            FakeScheduler(), lakeside(), principal=Principal("x", D, frozenset({role}))
        )


async def test_an_enrolled_student_gets_the_sections_sessions_still_ahead_once() -> None:
    store = FakeScheduler()
    await run_import(store, lakeside())

    async def learn(tx: SessionsTransaction) -> None:
        await tx.save_lesson(replace(LESSON, district_id=D))

    await store.atomically(learn)
    teacher = Principal("t-okafor", D, frozenset({Role.TEACHER}))
    await schedule(store, STARTS, section_id="read2", principal=teacher)
    files = lakeside()
    files["users.csv"] += ",".join(user("s-new", "oak", "student", "New", "Kid")) + "\r\n"
    files["enrollments.csv"] += "e9,,,read2,oak,s-new,student,,,\r\n"
    await run_import(store, files)
    items = {(i.student_id, i.kind.value) for i in store.state.feed.values()}
    assert ("s-new", "live_session") in items and ("s-ava", "live_session") in items
    feed, emitted = dict(store.state.feed), len(store.emitted)
    await run_import(store, files)
    assert store.state.feed == feed and len(store.emitted) == emitted


async def test_one_import_runs_at_a_time_in_a_district() -> None:
    store = FakeScheduler()
    store.state.import_locks[D] = ("running-one", 10**15)
    with pytest.raises(ImportRunning):
        await run_import(store, lakeside(), settings=replace(SETTINGS, answer_within=0.5))
    assert store.state.people == {}


async def test_an_import_waits_a_moment_for_one_that_is_finishing() -> None:
    store = FakeScheduler()
    store.state.import_locks[D] = ("finishing", 10**15)

    async def finish() -> None:
        await asyncio.sleep(0.3)
        await store.release_import_lock(D, "finishing")

    finishing = asyncio.create_task(finish())
    record = await run_import(store, lakeside())
    await finishing
    assert record.status == ImportStatus.DONE


class FailingAfter(FakeScheduler):
    """The store goes away after `commits` transactions (the process dies mid-way)."""

    def __init__(self, commits: int) -> None:
        super().__init__()
        self.commits = commits

    async def atomically(self, work: Callable[[FakeSchedulerTransaction], Awaitable[T]]) -> T:
        if self.commits <= 0:
            raise ConnectionError("the store went away")
        self.commits -= 1
        return await super().atomically(work)


async def test_an_import_failing_mid_way_says_so_and_the_same_files_again_complete_it() -> None:
    store = FailingAfter(commits=4)
    record = await run_import(store, lakeside())
    assert record.status == ImportStatus.FAILED and 0 < record.written < record.to_write
    assert record.failure is not None and "same files again" in record.failure
    assert store.state.import_locks == {}  # the next import need not wait for the lease
    store.commits = 1_000
    again = await run_import(store, lakeside())
    assert again.status == ImportStatus.DONE
    clean = FakeScheduler()
    await run_import(clean, lakeside())
    assert _roster(store.state) == _roster(clean.state)
    created = {c.kind: c.created for c in again.counts}
    assert sum(created.values()) == again.to_write == 15 - record.written


async def test_a_refusal_lists_the_first_errors_and_counts_them_all() -> None:
    rows = [user(f"u{n}", "nowhere", "student", "A", "B") for n in range(150)]
    with pytest.raises(RowErrors) as refusal:
        await run_import(FakeScheduler(), {"users.csv": table(USERS, rows)})
    assert refusal.value.count == 150 and len(refusal.value.errors) == 100


async def test_an_import_still_running_reads_as_interrupted_once_it_stops_writing() -> None:
    running = ImportRecord(
        "i1",
        D,
        "admin-1",
        ImportStatus.RUNNING,
        NOW,
        NOW,
        (),
        (),
        (),
        (KindCount(RosterKind.SCHOOLS, 1),),
    )
    assert running.as_seen(NOW + timedelta(minutes=1), timedelta(minutes=2)) == running
    later = running.as_seen(NOW + timedelta(minutes=3), timedelta(minutes=2))
    assert later.status == ImportStatus.INTERRUPTED


async def test_an_import_is_read_back_by_its_district_admin_or_whoever_started_it() -> None:
    store = FakeScheduler()
    record = await run_import(store, lakeside())
    found = await service.read_import(
        record.id, principal=ADMIN, store=store, clock=Clock(NOW), lease=SETTINGS.lease
    )
    assert found == record
    other = Principal("admin-other", D, frozenset({Role.SCHOOL_ADMIN}), school="oak")
    outsider = Principal("admin-1", "d2", frozenset({Role.DISTRICT_ADMIN}))
    for who in (other, outsider):
        with pytest.raises(ImportNotFound):
            await service.read_import(
                record.id, principal=who, store=store, clock=Clock(NOW), lease=SETTINGS.lease
            )
