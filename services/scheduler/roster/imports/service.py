"""Importing a roster from OneRoster-style CSV files: check every file and row first (nothing is
written if any breaks a rule), then write in batches, each its own transaction, beside the
request (ADR 0028). Re-importing the same files changes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from bookend.auth import ADMINS, Forbidden, Principal, Role
from bookend.clock import Clock
from bookend.ids import IdFactory
from services.scheduler import access
from services.scheduler.feed.projector import project
from services.scheduler.roster.domain import (
    District,
    Enrolment,
    Guardianship,
    Person,
    School,
    Section,
    StudentEnrolled,
    Term,
)
from services.scheduler.roster.imports.plan import Batch, Existing, Record, make_plan
from services.scheduler.roster.imports.ports import Store, Transaction
from services.scheduler.roster.imports.projection import OncePerSection
from services.scheduler.roster.imports.references import (
    Imported,
    Known,
    Wanted,
    check,
    in_file_order,
    wanted,
)
from services.scheduler.roster.imports.report import (
    ImportNotFound,
    ImportRecord,
    ImportRunning,
    ImportStatus,
    RosterKind,
    RowErrors,
    Skipped,
)
from services.scheduler.roster.imports.rows import read_rows
from services.scheduler.roster.imports.runner import ImportRunner, Seen
from services.scheduler.roster.imports.tables import FileKind, Limits, read_files
from services.scheduler.roster.ports import Reads, SectionFilter

log = logging.getLogger(__name__)
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ImportSettings:
    limits: Limits
    max_errors: int  # listed in a refusal; the count says how many in all
    batch_size: int  # records per transaction
    answer_within: float  # seconds a request waits for its import before answering `running`
    lease: timedelta  # a running import that has not written for this long was stopped
    # Each batch's store work ends within this (the store away: the import fails, and says so).
    budget: Callable[[], AbstractContextManager[object]] = nullcontext


@dataclass(frozen=True, slots=True)
class Checked:
    """Files that break no rule, and what they hold."""

    imported: Imported
    files: tuple[str, ...]
    unread_files: tuple[str, ...]
    skipped: tuple[Skipped, ...]


async def check_files(
    files: Sequence[tuple[str, str]],
    *,
    principal: Principal,
    reads: Reads,
    settings: ImportSettings,
) -> Checked:
    """The files read and checked against each other and the roster; RowErrors naming every
    broken rule (up to `max_errors`) if any is."""
    principal.require(*ADMINS)
    read = read_files(files, settings.limits)
    rows = read_rows(read.tables.values())
    sent = {name.strip().lower() for name, _ in files}
    rows.unreadable = {k for k in FileKind if k.value.lower() in sent and k not in read.tables}
    known = await look_up(reads, principal.district, wanted(rows))
    names = {kind: table.file for kind, table in read.tables.items()}
    imported, broken = check(principal.district, rows, known, names)
    errors = in_file_order([*read.errors, *rows.errors, *broken])
    if errors:
        raise RowErrors(tuple(errors[: settings.max_errors]), len(errors))
    require_may_import(principal, imported)
    return Checked(
        imported=imported,
        files=tuple(table.file for table in read.tables.values()),
        unread_files=read.unread,
        skipped=tuple(
            Skipped(file, why, count) for (file, why), count in sorted(rows.skipped.items())
        ),
    )


def require_may_import(principal: Principal, imported: Imported) -> None:
    """A district admin imports anything of their district; a school admin only rows of their
    own school, and nothing of the whole district (its name, its own terms)."""
    if principal.has(Role.DISTRICT_ADMIN):
        return
    others = sorted(s for s in imported.school_ids if not access.administers(principal, s))
    if imported.district_wide or others:
        whose = ", ".join(others[:5]) or "the whole district"
        message = f"a school admin imports rows of their own school only; these are of {whose}"
        raise Forbidden(message)


async def look_up(reads: Reads, district_id: str, want: Wanted) -> Known:
    schools = await reads.list_schools(district_id, want.schools) if want.schools else []
    terms = await reads.list_terms(district_id, term_ids=want.terms) if want.terms else []
    which = SectionFilter(section_ids=want.sections)
    sections = await reads.list_sections(district_id, which) if want.sections else []
    people = await reads.list_people(district_id, want.people) if want.people else []
    return Known(
        schools={s.id: s for s in schools},
        terms={t.id: t for t in terms},
        sections={s.id: s for s in sections},
        people={p.id: p for p in people},
    )


async def start_import(
    files: Sequence[tuple[str, str]],
    *,
    principal: Principal,
    store: Store,
    clock: Clock,
    ids: IdFactory,
    runner: ImportRunner,
    settings: ImportSettings,
) -> ImportRecord:
    """Check the files, then write them beside the request; answer once the import is done or
    after `answer_within` seconds, whichever comes first (its record says which)."""
    began = asyncio.get_running_loop().time()
    checked = await check_files(files, principal=principal, reads=store, settings=settings)
    now = clock()
    record = ImportRecord(
        id=ids(),
        district_id=principal.district,
        started_by=principal.subject,
        status=ImportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        files=checked.files,
        unread_files=checked.unread_files,
        skipped=checked.skipped,
    )
    loop = asyncio.get_running_loop()
    await _take_lock(store, record, clock, settings, until=began + settings.answer_within / 2)
    try:
        await store.save_import(record)
    except BaseException:
        await store.release_import_lock(record.district_id, record.id)
        raise

    async def work(seen: Seen) -> ImportRecord:
        return await apply_import(
            checked.imported, record, store=store, clock=clock, settings=settings, seen=seen
        )

    runner.start(record, work)
    return await runner.wait(record, settings.answer_within - (loop.time() - began))


# Seconds between looks at a district's import lock while another import holds it.
LOCK_POLL = 0.2


async def _take_lock(
    store: Store, record: ImportRecord, clock: Clock, settings: ImportSettings, *, until: float
) -> None:
    """The district's import lock, waiting (until the loop's time `until`) for an import that
    holds it to finish; ImportRunning if it has not by then."""
    loop = asyncio.get_running_loop()
    while True:
        now = clock()
        if await store.take_import_lock(
            record.district_id, record.id, now_ms=_ms(now), until_ms=_ms(now + settings.lease)
        ):
            return
        if loop.time() + LOCK_POLL > until:
            raise ImportRunning()
        await asyncio.sleep(LOCK_POLL)


async def apply_import(
    imported: Imported,
    record: ImportRecord,
    *,
    store: Store,
    clock: Clock,
    settings: ImportSettings,
    seen: Seen = lambda _: None,
) -> ImportRecord:
    """Write the import batch by batch, each with the import's progress; the lock is renewed
    with every batch and let go at the end. A failure mid-way leaves what was written (re-running
    the same files completes it) and is recorded as such."""
    district_id = record.district_id
    try:
        with settings.budget():
            existing = await read_existing(store, district_id, imported)
        plan = make_plan(imported, existing)
        record = replace(record, counts=plan.counts, to_write=plan.to_write, heartbeat_at=clock())
        with settings.budget():
            await store.save_import(record)
        seen(record)
        for batch in plan.batches(settings.batch_size):
            record = await _write_batch(batch, record, store=store, clock=clock, settings=settings)
            seen(record)
        record = replace(record, status=ImportStatus.DONE, finished_at=clock())
    except asyncio.CancelledError:
        record = replace(record, status=ImportStatus.INTERRUPTED, finished_at=clock())
        await _finish(store, record)
        raise
    except Exception:
        log.exception("roster import %s failed after %d writes", record.id, record.written)
        message = "the store failed mid-way: import the same files again to complete it"
        record = replace(record, status=ImportStatus.FAILED, finished_at=clock(), failure=message)
    await _finish(store, record)
    seen(record)
    return record


async def _finish(store: Store, record: ImportRecord) -> None:
    with contextlib.suppress(Exception):
        await store.save_import(record)
    with contextlib.suppress(Exception):
        await store.release_import_lock(record.district_id, record.id)


async def _write_batch(
    batch: Batch, record: ImportRecord, *, store: Store, clock: Clock, settings: ImportSettings
) -> ImportRecord:
    now = clock()
    progressed = replace(record, written=record.written + len(batch.records), heartbeat_at=now)

    async def work(tx: Transaction) -> None:
        await write(tx, batch, now)
        await tx.save_import(progressed)

    with settings.budget():
        await store.atomically(work)
        held = await store.take_import_lock(
            record.district_id, record.id, now_ms=_ms(now), until_ms=_ms(now + settings.lease)
        )
    if not held:  # lapsed and taken by another import: stop writing beside it
        raise ImportRunning()
    return progressed


async def write(tx: Transaction, batch: Batch, at: datetime) -> None:
    """One batch's records; new enrolments bring the students the section's feed items."""
    records, new = batch.records, batch.new
    match batch.kind:
        case RosterKind.DISTRICT:
            for district in _only(District, records):
                await tx.save_district(district)
        case RosterKind.SCHOOLS:
            await tx.save_schools(_only(School, records), new=new)
        case RosterKind.TERMS:
            await tx.save_terms(_only(Term, records), new=new)
        case RosterKind.SECTIONS:
            await tx.save_sections(_only(Section, records), new=new)
        case RosterKind.TEACHERS | RosterKind.STUDENTS | RosterKind.GUARDIANS:
            await tx.save_people(_only(Person, records), new=new)
        case RosterKind.GUARDIAN_LINKS:
            await tx.save_guardianships(_only(Guardianship, records), new=new)
        case RosterKind.ENROLMENTS:  # only new ones: an enrolment has no fields to update
            enrolments = _only(Enrolment, records)
            await tx.save_enrolments(enrolments, new=new)
            projection = OncePerSection(tx)
            await project(projection, [StudentEnrolled(e, at) for e in enrolments])
            await projection.flush()


def _only(kind: type[R], records: Sequence[Record]) -> list[R]:
    return [record for record in records if isinstance(record, kind)]


async def read_existing(reads: Reads, district_id: str, imported: Imported) -> Existing:
    """What the roster holds of every record the import would write."""
    term_ids = {t.id for t in imported.terms} | set(imported.blackouts)
    sections = SectionFilter(
        section_ids=frozenset({s.id for s in imported.sections} | set(imported.teachers))
    )
    people = [p.id for p in imported.people]
    students = {e.student_id for e in imported.enrolments}
    linked = {g.student_id for g in imported.guardianships}
    school_ids = [s.id for s in imported.schools]
    return Existing(
        district=await reads.get_district(district_id) if imported.district else None,
        schools={s.id: s for s in await reads.list_schools(district_id, school_ids)},
        terms={t.id: t for t in await reads.list_terms(district_id, term_ids=term_ids)},
        sections={s.id: s for s in await reads.list_sections(district_id, sections)},
        people={p.id: p for p in await reads.list_people(district_id, people)},
        guardianships=frozenset(await reads.list_guardianships(district_id, student_ids=linked)),
        enrolments=frozenset(await reads.list_enrolments(district_id, student_ids=students)),
    )


async def read_import(
    import_id: str, *, principal: Principal, store: Store, clock: Clock, lease: timedelta
) -> ImportRecord:
    """An import's record as it stands: a district admin reads any of the district's, a school
    admin those they started."""
    principal.require(*ADMINS)
    record = await store.get_import(principal.district, import_id)
    if record is None or not (
        principal.has(Role.DISTRICT_ADMIN) or record.started_by == principal.subject
    ):
        raise ImportNotFound(import_id)
    return record.as_seen(clock(), lease)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
