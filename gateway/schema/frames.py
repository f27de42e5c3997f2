"""A subscription event executed once per audience, document and variables, however many
subscribers share them, and over a WebSocket encoded once too (ADR 0018)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any, TypeVar, cast

import orjson
from graphql import ExecutionResult, GraphQLError, OperationType
from graphql.pyutils import AwaitableOrValue

from bookend.auth import Principal
from gateway.context import Context
from gateway.hub import Same
from gateway.schema.limits import stable
from gateway.schema.plain import PlainFieldsExecution
from gateway.schema.times import InViewersZone

E = TypeVar("E")


class LiveFrames:
    """The root value of one subscription over a WebSocket: it sends the hub-fed part of the
    stream itself, without Strawberry's per-result pipeline. Each event is resolved, its
    `next` payload executed, stripped to stable error codes and encoded once per (event,
    audience, document, variables); per subscriber only this operation's id is spliced in
    and sent."""

    def __init__(
        self,
        operation_id: str,
        *,
        send: Callable[[str], Awaitable[None]],
        encode: Callable[[object], str],
        log_errors: Callable[[list[GraphQLError]], None],
    ) -> None:
        self._prefix = f'{{"id":{encode(operation_id)},"type":"next","payload":'
        self._send = send
        self._encode = encode
        self._log_errors = log_errors
        self.executor: OncePerAudience | None = None  # lent by the operation's own executor

    async def deliver(
        self,
        events: AsyncIterator[E],
        resolve: Callable[[E], Awaitable[object | None]],
        audience: Callable[[E], Principal] | None = None,
    ) -> None:
        """Send each event's frame: `resolve` gives the object the subscription yields for it
        (None: nothing to send), shared by the audience (`Broadcast.resolutions`).
        `audience` says whom an event's frame is shared by, when it is not always the
        context's audience: the subscriber alone, for an event that is theirs (it must be
        the key `resolve` shares its object by)."""
        executor = self.executor
        assert executor is not None, "built by Strawberry with OncePerAudience"
        context = cast(Context, executor.context_value)
        document = Same(executor.operation)
        variables = _variables(executor.variable_values.coerced)
        async for event in events:
            who = context.audience if audience is None else audience(event)
            # One wait per subscriber and event: resolving, executing and encoding are one
            # piece of shared work.
            payload: str | None = await context.hub.resolutions.once(
                (Same(event), "next", who, document, variables),
                partial(self._payload, executor, resolve, event),
            )
            if payload is not None:
                await self._send(self._prefix + payload + "}")

    async def _payload(
        self,
        executor: OncePerAudience,
        resolve: Callable[[E], Awaitable[object | None]],
        event: E,
    ) -> str | None:
        update = await resolve(event)
        if update is None:
            return None
        result = await cast(
            OncePerAudience, executor.build_per_event_executor(update)
        ).execute_once()
        payload: dict[str, object] = {"data": result.data}
        if result.errors:
            self._log_errors(result.errors)
            payload["errors"] = [stable(error).formatted for error in result.errors]
        return self._encode(payload)


class OncePerAudience(InViewersZone, PlainFieldsExecution):
    """Executes a subscription's selection set over an event once for every subscriber with
    the same audience, document and variables, and hands each of them that one result.

    Sound because the object a subscription yields for an event is shared by its audience
    (`Broadcast.resolutions`), and the fields below a subscription read only that object and
    their arguments, never who the subscriber is. Other operations run as usual (with plain
    fields completed in one step, ADR 0020). Every execution writes instants in the caller's
    zone (ADR 0045), which is part of the audience.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built once per operation (each event's executor is a copy): one sent over a
        # WebSocket lends itself to the root value that sends its frames.
        if isinstance(self.root_value, LiveFrames):
            self.root_value.executor = self

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Any]:
        context = self.context_value
        if self.operation.operation is not OperationType.SUBSCRIPTION or not isinstance(
            context, Context
        ):
            return super().execute_operation(serially)
        key = (
            Same(self.root_value),
            context.audience,
            Same(self.operation),  # one object per document text: Strawberry's parser cache
            _variables(self.variable_values.coerced),
        )
        return context.hub.resolutions.once(key, self.execute_once)

    async def execute_once(self) -> ExecutionResult:
        result = super().execute_operation(False)
        # Never incremental: graphql-core refuses @defer and @stream in a subscription.
        return cast(ExecutionResult, await result if self.is_awaitable(result) else result)


def _variables(coerced: dict[str, Any]) -> bytes:
    """The variables as a key: equal values, equal bytes, whatever their order."""
    return orjson.dumps(coerced, option=orjson.OPT_SORT_KEYS, default=repr)
