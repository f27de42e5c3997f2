"""The one way tests wait for something that happens later: poll with a deadline."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(probe: Callable[[], Awaitable[T | None]], *, seconds: float = 30) -> T: ...
@overload
async def eventually(probe: Callable[[], T | None], *, seconds: float = 30) -> T: ...
async def eventually(probe: Callable[[], object], *, seconds: float = 30) -> object:
    """Poll `probe` (plain or async) until it gives something truthy, and return that.

    The deadline only bounds a broken run; a passing test waits as long as the effect takes, so
    it is generous: CI machines are shared, and a loaded one once took over 15 s for a consumer
    to apply three events. A run that hits it says which probe it was and what it saw last.
    """
    last: object = None
    polls = 0
    try:
        async with asyncio.timeout(seconds):
            while True:
                found = probe()
                if inspect.isawaitable(found):
                    found = await found
                polls += 1
                if found:
                    return found
                last = found
                await asyncio.sleep(0.05)
    except TimeoutError:
        name = getattr(probe, "__qualname__", repr(probe))
        raise AssertionError(
            f"{name} gave nothing truthy within {seconds:g} s ({polls} polls; last {last!r})"
        ) from None
