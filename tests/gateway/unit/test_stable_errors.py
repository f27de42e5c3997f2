"""Errors leave the gateway with a stable code; unexpected ones are masked."""

from collections.abc import AsyncGenerator

import pytest
import strawberry

from bookend.auth import Unauthenticated
from gateway.schema.errors import UNAVAILABLE_MESSAGE, PublicError
from gateway.schema.limits import StableErrors
from gateway.upstream import UpstreamUnavailable


@strawberry.type
class Query:
    @strawberry.field
    def refused(self) -> str:
        raise PublicError("SECTION_NOT_FOUND", "no section s1 in this district")

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("mongodb://admin:secret@db exploded")

    @strawberry.field
    def away(self) -> str:
        raise UpstreamUnavailable("scheduler: ConnectError('All connection attempts failed')")

    @strawberry.field
    def anonymous(self) -> str:
        raise Unauthenticated("an Authorization: Bearer token is required")


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:
        yield 1
        raise RuntimeError("the hub's socket died")


schema = strawberry.Schema(query=Query, subscription=Subscription, extensions=[StableErrors])


@pytest.mark.parametrize(
    ("document", "code", "message"),
    [
        ("{ refused }", "SECTION_NOT_FOUND", "no section s1 in this district"),
        ("{ broken }", "INTERNAL", "Unexpected error."),
        ("{ anonymous }", "UNAUTHENTICATED", "an Authorization: Bearer token is required"),
        ("{ away }", "UNAVAILABLE", UNAVAILABLE_MESSAGE),
        ("{ nosuchfield }", "BAD_REQUEST", "Cannot query field 'nosuchfield' on type 'Query'."),
        ("{ refused", "BAD_REQUEST", "Syntax Error: Expected Name, found <EOF>."),
    ],
    ids=[
        "a public error",
        "an unexpected error",
        "no token",
        "a service away: retryable, without its cause",
        "invalid document",
        "syntax",
    ],
)
async def test_each_error_has_a_code_and_only_public_ones_keep_their_message(
    document: str, code: str, message: str
) -> None:
    result = await schema.execute(document)
    assert result.errors is not None
    [error] = result.errors
    assert (error.extensions or {}).get("code") == code
    assert error.message == message


async def test_a_subscription_that_fails_midway_is_masked_too() -> None:
    stream = await schema.subscribe("subscription { ticks }")
    assert not isinstance(stream, strawberry.types.ExecutionResult)
    results = [result async for result in stream]
    assert results[0].data == {"ticks": 1}
    [error] = results[-1].errors or []
    assert (error.message, (error.extensions or {}).get("code")) == (
        "Unexpected error.",
        "INTERNAL",
    )
