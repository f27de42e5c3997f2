"""Expected failures as typed union members; everything else is masked to a stable code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Annotated, TypeVar, assert_never

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError

from bookend.problems import Failure as ExpectedFailure
from bookend.problems import Problem, ProblemField, ProblemKind
from gateway.schema.enums import BalanceRule, ClashKind
from gateway.upstream import KEY_HEADER, MAX_KEY_LENGTH, UpstreamFailure, UpstreamUnavailable

T = TypeVar("T")
R = TypeVar("R")

# Every mutation that creates or moves something takes one (ADR 0013).
IdempotencyKey = Annotated[
    str | None,
    strawberry.argument(
        description=(
            f"A key you choose (1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID) "
            "for this one intended write: sending the mutation again with the same key and "
            "arguments returns the first result and changes nothing, for 24 hours. Reusing it "
            "for other arguments is refused (`idempotencyKey`/`same_request`)."
        )
    ),
]

UNAVAILABLE_MESSAGE = (
    "a service is unavailable or too slow just now; try again (a mutation retried with the "
    "same idempotencyKey is applied at most once)"
)


@strawberry.type(description="One rule an input breaks.")
class FieldError:
    field: str = strawberry.field(
        description="The field or argument, as the service names it (e.g. `starts_at`, "
        "`components.0.minutes`, `first`)."
    )
    rule: str = strawberry.field(
        description="A stable code for the rule broken (e.g. `required`, `in_range`, "
        "`max_length`): match on it; it does not change when the message does."
    )
    message: str = strawberry.field(description="For people; it may change.")


@strawberry.interface(description="An expected failure: nothing was changed.")
class UserError:
    code: str = strawberry.field(
        description="A stable code for the failure (e.g. INVALID_INPUT, FORBIDDEN, "
        "SCHEDULE_CONFLICT): match on it; it does not change when the message does."
    )
    message: str = strawberry.field(description="For people; it may change.")


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
class Clash:
    """Something planned that a request collides with."""

    kind: ClashKind = strawberry.field(
        description="The section's own session, a teacher's, or a student's."
    )
    other_id: strawberry.ID = strawberry.field(description="The other session.")
    section_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    who: list[strawberry.ID] = strawberry.field(
        description="Teachers or students whose time it would take twice (at most 20 shown)."
    )


@strawberry.type
class Conflict(UserError):
    clashes: list[Clash] = strawberry.field(
        default_factory=list, description="For a schedule conflict: what it clashes with."
    )


@strawberry.type(description="A rule of a policy a request would break, with its figures.")
class PolicyBreach:
    rule: BalanceRule = strawberry.field(description="The balance policy's rule broken.")
    period: str = strawberry.field(
        description="The local day (YYYY-MM-DD) or ISO week (YYYY-Www) it is about."
    )
    figure: float = strawberry.field(
        description="What the request would lead to: the day's live minutes, or the week's "
        "on-demand share (0 to 1)."
    )
    limit: float = strawberry.field(description="The cap, or the minimum share.")
    live_minutes: int
    on_demand_minutes: int
    message: str


@strawberry.type(
    description="A policy (e.g. a section's balance policy in enforce mode) refuses the request; "
    "nothing was changed."
)
class PolicyViolation(UserError):
    breaches: list[PolicyBreach]


Failure = InvalidInput | NotFound | Forbidden | Conflict | PolicyViolation


# Fields a service names by their HTTP form, as the GraphQL client sent them.
_ARGUMENTS = {KEY_HEADER: "idempotencyKey"}


def as_result(problem: Problem) -> Failure:
    """The union member for a service's refusal, chosen by its kind; its code is kept."""
    match problem.kind:
        case ProblemKind.INVALID_INPUT:
            return InvalidInput(
                code=problem.code,
                message=problem.message,
                errors=[
                    FieldError(
                        field=_ARGUMENTS.get(e.field, e.field), rule=e.rule, message=e.message
                    )
                    for e in problem.errors
                ],
            )
        case ProblemKind.NOT_FOUND:
            return NotFound(code=problem.code, message=problem.message)
        # A mutation's caller has a token the gateway verified; a service refusing it anyway
        # is, to the client, one more thing it may not do.
        case ProblemKind.FORBIDDEN | ProblemKind.UNAUTHENTICATED:
            return Forbidden(code=problem.code, message=problem.message)
        case ProblemKind.CONFLICT:
            clashes = [
                Clash(
                    kind=c.kind,
                    other_id=strawberry.ID(c.other_id),
                    section_id=strawberry.ID(c.section_id),
                    starts_at=c.starts_at,
                    ends_at=c.ends_at,
                    who=[strawberry.ID(who) for who in c.who],
                )
                for c in problem.clashes
            ]
            return Conflict(code=problem.code, message=problem.message, clashes=clashes)
        case ProblemKind.POLICY_VIOLATION:
            breaches = [PolicyBreach(**b.model_dump()) for b in problem.breaches]
            return PolicyViolation(code=problem.code, message=problem.message, breaches=breaches)
        case ProblemKind.UNAVAILABLE:  # a 5xx: `call` raises before a result is made
            raise UpstreamUnavailable(problem.message)
        case unknown:
            assert_never(unknown)


async def mutate(call: Awaitable[T], result: Callable[[T], R]) -> R | Failure:
    """Await an upstream write and build its result; a refusal becomes a typed failure."""
    try:
        answer = await call
    except UpstreamFailure as refused:
        return as_result(refused.problem)
    return result(answer)


class Unreadable(StrawberryInputCoercionError):
    """A client's value one of our scalars cannot take. A GraphQL error, so that graphql-core
    answers it as the client's (BAD_REQUEST) for a variable and a literal alike: any other
    exception from a literal's parsing would reach the client masked, as if it were ours."""


class PublicError(Exception):
    """A query failure the client may see, with a stable code in `extensions.code` and, for
    invalid input, each field and rule broken in `extensions.errors`."""

    def __init__(self, code: str, message: str, errors: Sequence[ProblemField] = ()) -> None:
        super().__init__(message)
        self.code = code
        # graphql-core takes a located error's extensions from its original error.
        self.extensions: dict[str, object] = {"code": code}
        if errors:
            self.extensions["errors"] = [error.model_dump() for error in errors]


async def query(call: Awaitable[T], result: Callable[[T], R]) -> R:
    """Await an upstream read and build its result; a refusal becomes a public error with the
    service's code."""
    try:
        answer = await call
    except UpstreamFailure as refused:
        problem = refused.problem
        raise PublicError(problem.code, problem.message, problem.errors) from None
    return result(answer)


def public_code(error: GraphQLError) -> str | None:
    """The code a client may see for `error`, or None when it must be masked.

    GraphQL's own errors about the document (syntax, validation) carry no original error.
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # GraphQL's own words about the request: a variable or argument its type cannot take.
        return "BAD_REQUEST"
    if isinstance(original, PublicError | ExpectedFailure):  # e.g. Unauthenticated: no token
        return original.code
    if isinstance(original, UpstreamUnavailable):  # retryable: said so, the cause is logged
        return "UNAVAILABLE"
    return None
