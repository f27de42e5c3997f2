"""Feed reads answered from memory until an event says the feed changed (ADR 0017).

A student opens the app, and the feed page they read is the one they read a minute ago: nothing
in it changed. The gateway keeps the whole HTTP answer of such a read, keyed by the document,
its variables and the caller's scope, and forgets it when the scheduler says the feed changed
(`bookend.scheduler.feed.changed`), when a status on it changes by the clock alone (the page's
`changes_at`), after `max_age` at most, and all of it whenever the event feed may have missed
something. A client that sends `If-None-Match` with the answer's ETag gets `304 Not Modified`.

Only documents that read nothing but feeds are kept (`plan_for`); every other request passes
through untouched.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from graphql import (
    FieldNode,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    parse,
)

from bookend.auth import Principal, TokenVerifier, Unauthenticated
from bookend.contracts import EventData
from bookend.contracts.scheduler import FeedsChanged
from bookend.hosting.limits import ASGIApp, Message, Receive, Scope, Send, read_body

# A tag names what a kept answer was read from: ("feed", district, student).
Tag = tuple[str, str, str]
Key = tuple[str, str | None, bytes, Principal]

# The root fields whose answers may be kept: they read the feed read model and nothing else.
CACHEABLE_ROOTS = frozenset({"feed", "__typename"})
HEADER = "bookend-cache"  # hit or miss: for operators and tests, not for clients to rely on


@dataclass(frozen=True, slots=True)
class Plan:
    """How a document may be kept: the feed owners it reads, as the caller or by argument."""

    owners: tuple[str | None, ...]  # None: the caller themself; "$name": a variable; else an id

    def tags(self, principal: Principal, variables: Mapping[str, Any]) -> frozenset[Tag] | None:
        """What the answer reads from, or None if a variable holds something other than an id
        (the request is then left to the schema, which refuses it)."""
        tags = set()
        for owner in self.owners:
            student = owner
            if owner is not None and owner.startswith("$"):
                student = variables.get(owner[1:])
                if student is not None and not isinstance(student, str):
                    return None
            tags.add(("feed", principal.district, student or principal.subject))
        return frozenset(tags)


@lru_cache(maxsize=1024)
def plan_for(document: str, operation_name: str | None) -> Plan | None:
    """A plan if the operation is a query of feeds only, else None. Cached by text."""
    try:
        parsed = parse(document, max_tokens=2000)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if len(parsed.definitions) != len(operations):
        return None  # fragments: kept simple, such documents pass through
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return None
    owners: list[str | None] = []
    for selection in chosen[0].selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value not in CACHEABLE_ROOTS:
            return None
        if selection.directives:
            return None
        if selection.name.value == "feed":
            owners.append(_owner(selection))
    return Plan(tuple(owners)) if owners else None


def _owner(feed: FieldNode) -> str | None:
    for argument in feed.arguments or ():
        if argument.name.value == "studentId":
            if isinstance(argument.value, VariableNode):
                return "$" + argument.value.name.value
            if isinstance(argument.value, StringValueNode):
                return argument.value.value
            return "$"  # anything else: no variable is named "", so the request passes through
    return None


@dataclass(slots=True)
class Kept:
    body: bytes
    etag: str
    expires: float  # on the cache's monotonic clock
    tags: frozenset[Tag]


@dataclass(slots=True)
class Ticket:
    """A miss being answered: kept only if none of its tags was forgotten meanwhile."""

    key: Key
    tags: frozenset[Tag]
    since: int  # the cache's count of changes when the read began
    started: float  # on the cache's clock
    changes_at: datetime | None = None
    feed_read: bool = False
    failed: bool = False  # the answer has errors: never kept

    def until(self, at: datetime | None) -> None:
        """The answer read something that changes by the clock alone at `at`."""
        self.feed_read = True
        if at is not None:
            self.changes_at = at if self.changes_at is None else min(self.changes_at, at)


@dataclass
class ResponseCache:
    """Kept answers by key, least recently used forgotten first, with their tags."""

    max_entries: int
    max_age: float
    clock: Callable[[], float] = time.monotonic
    _kept: OrderedDict[Key, Kept] = field(default_factory=OrderedDict)
    _by_tag: dict[Tag, set[Key]] = field(default_factory=dict)
    # Changes counted since start; when each tag was last forgotten, so that an answer read
    # before a change and finished after it is not kept. A read taking longer than
    # MAX_READ_SECONDS is never kept, so older marks are pruned.
    _changes: int = 0
    _forgotten: dict[Tag, tuple[int, float]] = field(default_factory=dict)
    _cleared: int = 0

    MAX_READ_SECONDS = 60.0

    def get(self, key: Key) -> Kept | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept.expires <= self.clock():
            self._drop(key)
            return None
        self._kept.move_to_end(key)
        return kept

    def ticket(self, key: Key, tags: frozenset[Tag]) -> Ticket:
        return Ticket(key, tags, self._changes, self.clock())

    def keep(self, ticket: Ticket, body: bytes) -> Kept | None:
        """Keep a finished answer, unless what it read from changed while it was read."""
        now = self.clock()
        if ticket.since < self._cleared or now - ticket.started > self.MAX_READ_SECONDS:
            return None
        for tag in ticket.tags:
            mark = self._forgotten.get(tag)
            if mark is not None and mark[0] > ticket.since:
                return None
        expires = now + self.max_age
        if ticket.changes_at is not None:
            expires = min(expires, now + (ticket.changes_at - datetime.now(UTC)).total_seconds())
        if expires <= now:
            return None
        kept = Kept(body, etag_of(body), expires, ticket.tags)
        self._drop(ticket.key)
        self._kept[ticket.key] = kept
        for tag in ticket.tags:
            self._by_tag.setdefault(tag, set()).add(ticket.key)
        while len(self._kept) > self.max_entries:
            self._drop(next(iter(self._kept)))
        return kept

    def forget(self, tags: Iterable[Tag]) -> None:
        """What was read from these tags changed."""
        self._changes += 1
        now = self.clock()
        for tag in tags:
            self._forgotten[tag] = (self._changes, now)
            for key in self._by_tag.pop(tag, set()):
                self._drop(key)
        if len(self._forgotten) > 4 * self.max_entries + 1000:
            old = now - self.MAX_READ_SECONDS
            self._forgotten = {t: mark for t, mark in self._forgotten.items() if mark[1] > old}

    def clear(self) -> None:
        """The event feed may have missed changes: forget everything, and every read running."""
        self._changes += 1
        self._cleared = self._changes
        self._kept.clear()
        self._by_tag.clear()
        self._forgotten.clear()

    def __len__(self) -> int:
        return len(self._kept)

    def _drop(self, key: Key) -> None:
        kept = self._kept.pop(key, None)
        if kept is None:
            return
        for tag in kept.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]


def forget_changed_feeds(cache: ResponseCache) -> Callable[[EventData], None]:
    """The hub's listener: a feed the scheduler says changed is read afresh."""

    def listener(payload: EventData) -> None:
        if isinstance(payload, FeedsChanged):
            district = payload.district_id
            cache.forget(("feed", district, student) for student in payload.student_ids)

    return listener


def etag_of(body: bytes) -> str:
    digest = hashlib.blake2b(body, digest_size=12).digest()
    return '"' + base64.urlsafe_b64encode(digest).decode() + '"'


TICKET = "bookend.response_ticket"  # where the ticket travels in the ASGI scope to the context


# Charges the caller for a kept answer (ADR 0043): its text, operation name and variables give
# the document's cost. Answers the answer's `extensions`, or None when the caller's budget is
# short: the request then goes to the schema, which refuses it as it refuses any other.
Charger = Callable[[Principal, str, str | None, Mapping[str, Any]], dict[str, object] | None]


class CachedResponses:
    """ASGI middleware in front of the GraphQL route: answers a kept read, or passes the request
    on with a ticket that the feed resolver fills in (and the route marks failed when its answer
    has errors: the answer is not parsed again here to find out), and keeps the answer if it
    may.

    An answer is kept without its `extensions` (what the request cost, and the caller's budget
    then): each answer from memory is charged again through `charge` and carries its own. The
    ETag is the kept answer's, so it changes only when the data does."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        path: str,
        cache: ResponseCache,
        verifier: Callable[[], TokenVerifier | None],
        healthy: Callable[[], bool],
        charge: Charger | None = None,
    ) -> None:
        self.app = app
        self.path = path
        self.cache = cache
        self.verifier = verifier
        self.healthy = healthy
        self.charge = charge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        body, replay = await read_body(receive)
        prepared = await self._prepare(scope, body)
        if prepared is None:
            await self.app(scope, replay, send)
            return
        key, tags, variables = prepared
        kept = self.cache.get(key)
        if kept is not None:
            document, name, _, principal = key
            extensions = self.charge(principal, document, name, variables) if self.charge else {}
            if extensions is None:  # over budget: the schema says so, in its own words
                await self.app(scope, replay, send)
                return
            await _answer(scope, send, kept, _with_extensions(kept.body, extensions), hit=True)
            return
        ticket = self.cache.ticket(key, tags)
        scope[TICKET] = ticket
        await self._answer_and_keep(scope, replay, send, ticket)

    async def _prepare(
        self, scope: Scope, body: bytes
    ) -> tuple[Key, frozenset[Tag], dict[str, Any]] | None:
        """The key, tags and variables of a request whose answer may be kept, or None."""
        verifier = self.verifier()
        if verifier is None or not self.healthy():
            return None
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(request, dict):
            return None
        document, name = request.get("query"), request.get("operationName")
        variables = request.get("variables") or {}
        if not isinstance(document, str) or not isinstance(name, str | None):
            return None
        if not isinstance(variables, dict):
            return None
        plan = plan_for(document, name)
        if plan is None:
            return None
        principal = await _principal(scope, verifier)
        if principal is None:
            return None  # the schema answers the refusal in its own shape
        tags = plan.tags(principal, variables)
        if tags is None:
            return None
        try:
            canonical = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        return (document, name, canonical, principal), tags, variables

    async def _answer_and_keep(
        self, scope: Scope, receive: Receive, send: Send, ticket: Ticket
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            kept = self._keep(ticket, start, body)
            if kept is not None:
                await _answer(scope, send, kept, body, hit=False)
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)

    def _keep(self, ticket: Ticket, start: Message, body: bytes) -> Kept | None:
        if start["status"] != 200 or not ticket.feed_read or ticket.failed:
            return None
        return self.cache.keep(ticket, _without_extensions(body))


def _without_extensions(body: bytes) -> bytes:
    """The answer as kept: what it says of the request that read it (`extensions`) is not
    what it will say to the next."""
    if b'"extensions"' not in body:
        return body
    answer = orjson.loads(body)
    answer.pop("extensions", None)
    return orjson.dumps(answer)


def _with_extensions(kept: bytes, extensions: Mapping[str, object]) -> bytes:
    """A kept answer (a JSON object without `extensions`) with these, added without parsing."""
    if not extensions:
        return kept
    separator = b"" if kept.strip() == b"{}" else b","
    return kept[:-1] + separator + b'"extensions":' + orjson.dumps(extensions) + b"}"


async def _principal(scope: Scope, verifier: TokenVerifier) -> Principal | None:
    authorization = _header(scope, b"authorization")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return (await verifier.averified(token.strip())).principal
    except Unauthenticated:
        return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _answer(scope: Scope, send: Send, kept: Kept, body: bytes, *, hit: bool) -> None:
    status = "hit" if hit else "miss"
    headers = [
        (b"etag", kept.etag.encode()),
        (b"cache-control", b"private, no-cache"),
        (HEADER.encode(), status.encode()),
    ]
    if _header(scope, b"if-none-match") == kept.etag:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
