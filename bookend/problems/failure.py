"""The root of every expected failure; each service's error root derives from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    rule: str
    message: str


class Failure(Exception):
    """An expected failure with a stable code; services subclass it per condition."""

    code = "FAILED"

    def __init__(self, message: str, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class InvalidInput(Failure):
    """Input broke a rule; nothing was changed."""

    code = "INVALID_INPUT"

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}", (FieldError(field, rule, message),))

    @classmethod
    def many(cls, errors: list[FieldError]) -> InvalidInput:
        first = errors[0]
        failure = cls(first.field, first.rule, first.message)
        failure.errors = tuple(errors)
        failure.message = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return failure


class NotFound(Failure):
    code = "NOT_FOUND"
