"""A subscription event executed once per audience, document and variables, however many
subscribers share them (ADR 0018)."""

from __future__ import annotations

from typing import Any, cast

import orjson
from graphql import ExecutionResult, OperationType
from graphql.pyutils import AwaitableOrValue

from gateway.context import Context
from gateway.hub import Same
from gateway.schema.plain import PlainFieldsExecution


class OncePerAudience(PlainFieldsExecution):
    """Executes a subscription's selection set over an event once for every subscriber with
    the same audience, document and variables, and hands each of them that one result.

    Sound because the object a subscription yields for an event is shared by its audience
    (`Broadcast.resolutions`), and the fields below a subscription read only that object and
    their arguments, never who the subscriber is. Other operations run as usual (with plain
    fields completed in one step, ADR 0020).
    """

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
        return context.hub.resolutions.once(key, self._execute)

    async def _execute(self) -> ExecutionResult:
        result = super().execute_operation(False)
        # Never incremental: graphql-core refuses @defer and @stream in a subscription.
        return cast(ExecutionResult, await result if self.is_awaitable(result) else result)


def _variables(coerced: dict[str, Any]) -> bytes:
    """The variables as a key: equal values, equal bytes, whatever their order."""
    return orjson.dumps(coerced, option=orjson.OPT_SORT_KEYS, default=repr)
