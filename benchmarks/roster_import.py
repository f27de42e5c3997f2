"""`python -m benchmarks.roster_import`: a district's roster imported from CSV into the embedded
store, as the scheduler's import does it (checked whole, then written in batches), and the
same files again. Prints how long each part takes; never passes or fails.

    python -m benchmarks.roster_import --students 18400 --sections 800 --enrolments 50000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bookend.auth import Principal, Role
from bookend.clock import utc_now
from bookend.mongo import MongoSettings, connect
from devstack.infrastructure import start_store
from devstack.processes import Processes
from services.scheduler.roster.imports import service
from services.scheduler.roster.imports.report import ImportRecord, ImportStatus
from services.scheduler.roster.imports.tables import Limits
from services.scheduler.store import SchedulerStore
from tests.support.roster_files import district

ADMIN = Principal("admin-bench", "district-bench", frozenset({Role.DISTRICT_ADMIN}))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.roster_import", description=__doc__)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--sections", type=int, default=800)
    parser.add_argument(
        "--students", type=int, default=18_400, help="(+ a teacher and a guardian a section)"
    )
    parser.add_argument("--enrolments", type=int, default=50_000, help="of students")
    parser.add_argument("--batch", type=int, default=500, help="records per transaction")
    return parser.parse_args()


async def one_import(store: SchedulerStore, files: dict[str, str], batch: int) -> ImportRecord:
    settings = service.ImportSettings(
        limits=Limits(max_file_bytes=64 * 1024 * 1024, max_rows=1_000_000),
        max_errors=100,
        batch_size=batch,
        answer_within=0,
        lease=timedelta(minutes=5),
    )
    began = time.perf_counter()
    checked = await service.check_files(
        list(files.items()), principal=ADMIN, reads=store, settings=settings
    )
    checked_at = time.perf_counter()
    now = utc_now()
    record = ImportRecord(
        "bench", ADMIN.district, ADMIN.subject, ImportStatus.RUNNING, now, now, (), (), ()
    )
    done = await service.apply_import(
        checked.imported, record, store=store, clock=utc_now, settings=settings
    )
    ended = time.perf_counter()
    print(
        f"  checked in {checked_at - began:.1f} s, written in {ended - checked_at:.1f} s "
        f"({done.written} records of {done.to_write}), {ended - began:.1f} s in all: {done.status}"
    )
    for count in done.counts:
        print(
            f"    {count.kind:15} created {count.created:6} updated {count.updated:6} "
            f"unchanged {count.unchanged:6}"
        )
    return done


async def main() -> None:
    args = arguments()
    files = district(
        schools=args.schools,
        sections=args.sections,
        students=args.students,
        enrolments=args.enrolments,
    )
    sizes = ", ".join(f"{name} {len(text.encode()) / 1e6:.1f} MB" for name, text in files.items())
    print(f"files: {sizes}")
    with tempfile.TemporaryDirectory() as home:
        processes = Processes(Path(home) / "logs")
        try:
            uri = start_store(processes, Path(home) / "store")
            client = connect(MongoSettings(uri=uri, serialize_writes=True))
            store = SchedulerStore(client, "bench_roster")
            await store.create_indexes()
            print("first import:")
            await one_import(store, files, args.batch)
            print("the same files again:")
            await one_import(store, files, args.batch)
            await client.aclose()
        finally:
            processes.stop_all()


if __name__ == "__main__":
    asyncio.run(main())
