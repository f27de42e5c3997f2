"""What an import needs from storage beyond the roster's own ports: its records and the lock
that lets one import run at a time in a district."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from services.scheduler.roster import ports as roster
from services.scheduler.roster.imports.report import ImportRecord

T = TypeVar("T")


class ImportReads(roster.Reads, Protocol):
    async def get_import(self, district_id: str, import_id: str) -> ImportRecord | None: ...


class Transaction(ImportReads, roster.Transaction, Protocol):
    async def save_import(self, record: ImportRecord) -> None:
        """Replace the import's record (its progress commits with the batch it counts)."""
        ...


class Store(ImportReads, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...

    async def save_import(self, record: ImportRecord) -> None: ...

    async def take_import_lock(
        self, district_id: str, import_id: str, *, now_ms: int, until_ms: int
    ) -> bool:
        """Hold the district's import lock until `until_ms` if it is free, lapsed or already
        this import's; False while another import holds it."""
        ...

    async def release_import_lock(self, district_id: str, import_id: str) -> None: ...
