"""Schema extensions: limits on documents, caches, and errors reduced to stable codes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import suppress
from functools import partial

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, GraphQLSyntaxError
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionResult
from strawberry.types.execution import StreamExecutionResult

from gateway.schema.cost import Budgets, CostLimit
from gateway.schema.errors import UNAVAILABLE_MESSAGE, public_code
from gateway.schema.shape import ShapeLimits
from gateway.settings import GatewaySettings

UNEXPECTED = "Unexpected error."
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"


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


class LimitedParsing(ParserCache):
    """Parses with the parser cache, stopping at the token limit: a longer document is refused
    with its own code (graphql-core says so only in a syntax error's words).

    A document that does not parse is left to Strawberry, which parses it again (up to the
    limit: cheap) and answers the error: raised from here, it escaped Strawberry's handling on
    the WebSocket, where the subscription ended silently and the error was logged as a crash.
    """

    def __init__(self, max_tokens: int, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self._max_tokens = max_tokens
        self._over = f"Document contains more than {max_tokens} tokens."

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self._max_tokens
        with suppress(GraphQLSyntaxError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield
        for error in context.pre_execution_errors or ():
            if isinstance(error, GraphQLSyntaxError) and error.description.startswith(self._over):
                error.extensions = {"code": TOO_MANY_TOKENS}


class ValidatedDocuments:
    """Refusals and validation errors by document text and rules, least recently used
    forgotten first.

    A document over the shape limits is refused before anything validates it (fragments
    expanded, in linear time: `gateway/schema/shape.py`). Validating an untrusted document costs
    up to hundreds of milliseconds (graphql-core's overlapping-fields rule is quadratic), so a
    miss is validated in a worker thread and never holds up the event loop; a hit costs a
    dictionary lookup, with neither the shape measured nor the document validated again. Keyed
    by the text, not the parsed document, whose hash walks the whole tree.
    """

    def __init__(self, limits: ShapeLimits, maxsize: int) -> None:
        self._limits = limits
        self._maxsize = maxsize
        self._errors: OrderedDict[
            tuple[str, tuple[type[ASTValidationRule], ...]], list[GraphQLError]
        ] = OrderedDict()

    async def errors(
        self,
        schema: GraphQLSchema,
        text: str,
        document: DocumentNode,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        key = (text, rules)
        known = self._errors.get(key)
        if known is not None:
            self._errors.move_to_end(key)
            return known
        found = self._limits.refusals(document) or await asyncio.to_thread(
            validate_document, schema, document, rules
        )
        self._errors[key] = found
        if len(self._errors) > self._maxsize:
            self._errors.popitem(last=False)
        return found


class LimitedValidation(SchemaExtension):
    """Validates a document with the cache, its shape limits first; Strawberry skips its own
    validation once errors are set."""

    def __init__(self, validated: ValidatedDocuments) -> None:
        self._validated = validated

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            context.pre_execution_errors = await self._validated.errors(
                context.schema._schema,
                context.query or "",
                context.graphql_document,
                tuple(context.validation_rules),
            )
        yield


def extensions(
    settings: GatewaySettings, budgets: Budgets | None = None
) -> list[Callable[[], SchemaExtension]]:
    """Factories, not instances: Strawberry builds each extension afresh per request, so no
    request's state is shared with another; the parser and validation caches live at module
    level in Strawberry and are shared across requests all the same, as are the budgets."""
    limits = ShapeLimits(
        max_depth=settings.max_query_depth,
        max_fields=settings.max_fields,
        max_aliases=settings.max_aliases,
    )
    chosen: list[Callable[[], SchemaExtension]] = [
        partial(LimitedParsing, max_tokens=settings.max_tokens, maxsize=256),
        partial(LimitedValidation, ValidatedDocuments(limits, maxsize=1024)),
        # After validation: only a document that may run is priced and charged.
        partial(CostLimit, budgets or Budgets.from_settings(settings)),
        StableErrors,
    ]
    if settings.environment == "production":
        chosen.append(DisableIntrospection)
    return chosen
