"""What a request may cost: a body over the limit is refused with 413 before anything parses
it; a client using one thing too often is throttled."""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, MutableMapping
from typing import Any, NamedTuple

from bookend.problems import Problem, ProblemField, ProblemKind

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then whatever comes next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a `receive` that hands it to the app again (a middleware that reads
    a body it has not bounded stands inside `BodyLimit`)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, replaying(body, receive)


class BodyLimit:
    """ASGI middleware: read the body up to `max_bytes` (JSON bodies are small), refuse with
    413 and `refusal` past it, and hand the app the body it read."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        refusal: dict[str, Any],
        check: Callable[[Scope, bytes], dict[str, Any] | None] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refusal = json.dumps(refusal).encode()
        # Optional: a 400 answer for a body of the wrong shape, or None to let it through.
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app will see it too
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        wrong = self.check(scope, body) if self.check is not None else None
        if wrong is not None:
            status = wrong.get("status")
            await self._answer(
                send, status if isinstance(status, int) else 400, json.dumps(wrong).encode()
            )
            return
        await self.app(scope, replaying(body, receive), send)

    async def _refuse(self, send: Send) -> None:
        await self._answer(send, 413, self.refusal)

    async def _answer(self, send: Send, status: int, body: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def invalid_text(scope: Scope, body: bytes) -> dict[str, Any] | None:
    """A JSON body whose text holds a lone surrogate (escaped as `\\udcff`) or a NUL: no store
    can encode the first, and the second cuts text short wherever it meets C strings (exports,
    district systems, other databases) and is never part of a name, a title or a note. Either
    is refused here naming each field (`valid_text`) instead of failing later or travelling on."""
    lowered = body.lower()
    if b"\\ud" not in lowered and b"\\u0000" not in lowered:
        return None  # cheap: only an escape can carry either
    try:
        document = json.loads(body)
        fields = [path or "body" for path, text in _strings(document, "") if not _valid_text(text)]
    except (ValueError, RecursionError):
        return None  # not JSON (or nested too deep to walk): the app's own parsing answers
    if not fields:
        return None
    message = "must be text without NUL characters or lone surrogates"
    refused = Problem(
        status=422,
        kind=ProblemKind.INVALID_INPUT,
        code="INVALID_INPUT",
        message="; ".join(f"{field}: {message}" for field in fields),
        errors=[ProblemField(field=field, rule="valid_text", message=message) for field in fields],
    )
    return refused.model_dump(mode="json")


def _strings(value: object, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        named = ((k or '""', v) for k, v in value.items())  # an empty key is named, too
        return [s for k, v in named for s in _strings(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [
            s for n, v in enumerate(value) for s in _strings(v, f"{path}.{n}" if path else str(n))
        ]
    return []


def _valid_text(text: str) -> bool:
    return not any(char == "\x00" or "\ud800" <= char <= "\udfff" for char in text)


class Spent(NamedTuple):
    """What a throttle said to one use: `wait` is 0 when it was let through (and counted), else
    the seconds until it would be (infinite when it never can: more than the burst); `left` is
    what the key holds after it."""

    wait: float
    left: float


class Throttle:
    """At most `rate` uses a second of each key, in bursts of up to `burst` (a token bucket
    per key), remembering the `max_keys` keys used last: a client that polls too often is told
    to come back later instead of costing the service its work each time. A use may cost more
    than one (the gateway charges a document's cost). In-process: each replica counts its own."""

    def __init__(
        self,
        *,
        rate: float,
        burst: float,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self.max_keys, self.clock = rate, burst, max_keys, clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def wait(self, key: Hashable) -> float:
        """0 if `key` may be used now (and count this use), else the seconds until it may."""
        return self.spend(key, 1).wait

    def spend(self, key: Hashable, cost: float) -> Spent:
        """Take `cost` from `key`'s bucket if it holds that much; else take nothing and say
        how long until it will."""
        now = self.clock()
        tokens, at = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + max(now - at, 0) * self.rate)
        if cost > self.burst:
            waiting = math.inf
        else:
            waiting = 0.0 if tokens >= cost else (cost - tokens) / self.rate
        if waiting == 0:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return Spent(waiting, tokens)
