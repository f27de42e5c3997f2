"""Schema extensions: limits on documents, caches, and errors reduced to stable codes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from functools import lru_cache, partial

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionResult
from strawberry.types.execution import StreamExecutionResult

from gateway.schema.errors import UNAVAILABLE_MESSAGE, public_code
from gateway.settings import GatewaySettings

UNEXPECTED = "Unexpected error."


def stable(error: GraphQLError) -> GraphQLError:
    """The error as a client sees it: with a public code, or masked with code INTERNAL.

    Applying it twice changes nothing, so a result seen by two hooks is no problem.
    """
    code = public_code(error)
    # Unexpected, or a service away: the message and cause stay in the server's log.
    masked = {None: UNEXPECTED, "UNAVAILABLE": UNAVAILABLE_MESSAGE}.get(code)
    if masked is not None:
        return GraphQLError(
            masked,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": code or "INTERNAL"},
        )
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


class StableErrors(SchemaExtension):
    """Every error leaves with `extensions.code`; unexpected ones are masked.

    Strawberry's own Schema.process_errors has already logged the originals by then.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        # Queries and mutations: the result (graphql-core's, or Strawberry's for errors before
        # execution) is complete once the operation ends, and not yet sent.
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | ExecutionResult):
            _stabilise(result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        # Subscriptions: each result, before it is sent.
        if isinstance(result, ExecutionResult):
            _stabilise(result)
        yield


def _stabilise(result: GraphQLExecutionResult | ExecutionResult) -> None:
    if result.errors:
        result.errors = [stable(error) for error in result.errors]


# Validating an untrusted document costs up to hundreds of milliseconds (graphql-core's
# overlapping-fields rule is quadratic); cached per document, as Strawberry's ValidationCache.
_validate = lru_cache(maxsize=256)(validate_document)


class ValidationOffTheLoop(SchemaExtension):
    """Validates in a worker thread, so one expensive document does not hold up every other
    request on the event loop; Strawberry skips its own validation once errors are set."""

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            context.pre_execution_errors = await asyncio.to_thread(
                _validate,
                context.schema._schema,
                context.graphql_document,
                tuple(context.validation_rules),
            )
        yield


def extensions(settings: GatewaySettings) -> list[Callable[[], SchemaExtension]]:
    """Factories, not instances: Strawberry builds each extension afresh per request, so no
    request's state is shared with another; the parser and validation caches live at module
    level in Strawberry and are shared across requests all the same."""
    chosen: list[Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(ParserCache, maxsize=256),
        ValidationOffTheLoop,
        StableErrors,
    ]
    if settings.environment == "production":
        chosen.append(DisableIntrospection)
    return chosen
