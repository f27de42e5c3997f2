"""The root of every expected failure; each service's error root derives from it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class ProblemKind(StrEnum):
    """What sort of refusal a failure is; clients choose how to react by it, not by status."""

    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    rule: str
    message: str


class Failure(Exception):
    """An expected failure with a stable code; services subclass it per condition.

    A subclass names its kind through one of the bases below, which also fixes its HTTP status,
    so no service maps failures to statuses by hand.
    """

    code: ClassVar[str] = "FAILED"
    kind: ClassVar[ProblemKind] = ProblemKind.CONFLICT
    status: ClassVar[int] = 409

    def __init__(self, message: str, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class InvalidInput(Failure):
    """Input broke a rule; nothing was changed."""

    code = "INVALID_INPUT"
    kind = ProblemKind.INVALID_INPUT
    status = 422

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}", (FieldError(field, rule, message),))

    @classmethod
    def many(cls, errors: list[FieldError]) -> InvalidInput:
        first = errors[0]
        failure = cls(first.field, first.rule, first.message)
        failure.errors = tuple(errors)
        failure.message = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return failure


def refuse_if(errors: list[FieldError]) -> None:
    """Raise InvalidInput naming every broken rule at once, if any."""
    if errors:
        raise InvalidInput.many(errors)


class NotFound(Failure):
    """Nothing by that id in the caller's district (or nothing the caller may see)."""

    code = "NOT_FOUND"
    kind = ProblemKind.NOT_FOUND
    status = 404


class Conflict(Failure):
    """The thing is not in the state the request needs (already published, not live...)."""

    code = "CONFLICT"
    kind = ProblemKind.CONFLICT
    status = 409


class Forbidden(Failure):
    code = "FORBIDDEN"
    kind = ProblemKind.FORBIDDEN
    status = 403


class Unauthenticated(Failure):
    code = "UNAUTHENTICATED"
    kind = ProblemKind.UNAUTHENTICATED
    status = 401
