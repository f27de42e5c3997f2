"""The one way tests wait for something that happens later: poll with a deadline."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(probe: Callable[[], Awaitable[T | None]], *, seconds: float = 15) -> T: ...
@overload
async def eventually(probe: Callable[[], T | None], *, seconds: float = 15) -> T: ...
async def eventually(probe: Callable[[], object], *, seconds: float = 15) -> object:
    """Poll `probe` (plain or async) until it gives something truthy, and return that.

    The deadline only bounds a broken run; a passing test waits as long as the effect takes.
    """
    async with asyncio.timeout(seconds):
        while True:
            found = probe()
            if inspect.isawaitable(found):
                found = await found
            if found:
                return found
            await asyncio.sleep(0.05)
