"""Every slice's storage ports at once: what feedback's event tables need, and what its one
store and its fakes offer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from services.feedback.live import ports as live
from services.feedback.progress import ports as progress
from services.feedback.pulse import ports as pulse

T = TypeVar("T")


class Transaction(live.Transaction, progress.Transaction, pulse.Transaction, Protocol):
    """Offers every slice's `Transaction` port."""


class Store(live.Store, progress.Store, pulse.Store, Protocol):
    async def atomically(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...
