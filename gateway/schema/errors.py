"""Expected failures as typed union members; everything else is masked to a stable code."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError

from gateway.upstream import UpstreamFailure
from bookend.auth import Forbidden as ForbiddenFailure
from bookend.auth import Unauthenticated
from bookend.problems import Problem

T = TypeVar("T")


@strawberry.type
class FieldError:
    field: str
    rule: str
    message: str


@strawberry.interface
class UserError:
    code: str
    message: str


@strawberry.type
class InvalidInput(UserError):
    errors: list[FieldError]


@strawberry.type
class NotFound(UserError):
    pass


@strawberry.type
class Forbidden(UserError):
    pass


@strawberry.type
class Conflict(UserError):
    pass


Failure = InvalidInput | NotFound | Forbidden | Conflict


def as_result(problem: Problem) -> Failure:
    if problem.status == 422:
        return InvalidInput(
            code=problem.code, message=problem.message,
            errors=[
                FieldError(field=e.field, rule=e.rule, message=e.message) for e in problem.errors
            ],
        )
    if problem.status == 404:
        return NotFound(code=problem.code, message=problem.message)
    if problem.status in (401, 403):
        return Forbidden(code=problem.code, message=problem.message)
    return Conflict(code=problem.code, message=problem.message)


async def mutate(call: Awaitable[dict[str, Any]]) -> dict[str, Any] | Failure:
    """Await an upstream write; its refusal becomes a typed failure for the union result."""
    try:
        return await call
    except UpstreamFailure as refused:
        return as_result(refused.problem)


class PublicError(Exception):
    """A query failure the client may see, with a stable code in `extensions.code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


async def query(call: Awaitable[T]) -> T:
    """Await an upstream read; a refusal becomes a public error with the service's code."""
    try:
        return await call
    except UpstreamFailure as refused:
        raise PublicError(refused.problem.code, refused.problem.message) from None
    except Unauthenticated as failure:
        raise PublicError("UNAUTHENTICATED", str(failure)) from None
    except ForbiddenFailure as failure:
        raise PublicError("FORBIDDEN", str(failure)) from None


PUBLIC = (PublicError, Unauthenticated, ForbiddenFailure)


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but public errors and GraphQL's own validation messages."""
    original = error.original_error
    if original is None:
        return False  # a syntax or validation error about the document itself
    return not isinstance(original, PUBLIC)


def public_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, PublicError):
        return original.code
    if isinstance(original, Unauthenticated):
        return "UNAUTHENTICATED"
    if isinstance(original, ForbiddenFailure):
        return "FORBIDDEN"
    return "BAD_REQUEST" if original is None else "INTERNAL"
