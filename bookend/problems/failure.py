"""The root of every expected failure; each service's error root derives from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from bookend.contracts.scheduler import BalanceRule


class ProblemKind(StrEnum):
    """What sort of refusal a failure is; clients choose how to react by it, not by status."""

    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    # The request is well formed and possible, but a policy the caller's organisation set
    # refuses it (e.g. a section's balance policy in enforce mode); `breaches` say how.
    POLICY_VIOLATION = "policy_violation"
    # Not the caller's fault: a dependency was away or too slow. Retrying may succeed.
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    rule: str
    message: str


class ClashKind(StrEnum):
    """Whose time a request would take twice (ADR 0025)."""

    TEACHER = "teacher"  # a teacher of the section teaches another session then
    SECTION = "section"  # the section has another session then
    STUDENT = "student"  # a student of the section is in another section's session then


@dataclass(frozen=True, slots=True)
class Clash:
    """What a request collides with, for the refusal to show: the kind of clash (e.g. a
    teacher's), the other thing's id, section and time, and whose time it would take twice
    (opaque ids only)."""

    kind: ClashKind
    other_id: str
    section_id: str
    starts_at: datetime
    ends_at: datetime
    who: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule of a policy a request would break, with its figures: the rule, the period it is
    about (a local day YYYY-MM-DD or an ISO week YYYY-Www), the figure the request would lead
    to and the limit, and the live and on-demand minutes the figure comes from."""

    rule: BalanceRule  # the only policy with rules a request can break is the balance policy
    period: str
    figure: float
    limit: float
    live_minutes: int
    on_demand_minutes: int
    message: str


class Failure(Exception):
    """An expected failure with a stable code; services subclass it per condition.

    A subclass names its kind through one of the bases below, which also fixes its HTTP status,
    so no service maps failures to statuses by hand.
    """

    code: ClassVar[str] = "FAILED"
    kind: ClassVar[ProblemKind] = ProblemKind.CONFLICT
    status: ClassVar[int] = 409

    def __init_subclass__(
        cls, *, kind: ProblemKind | None = None, status: int | None = None, **rest: object
    ) -> None:
        super().__init_subclass__(**rest)
        if kind is not None and status is not None:
            cls.kind, cls.status, cls.code = kind, status, kind.value.upper()

    def __init__(
        self,
        message: str,
        errors: tuple[FieldError, ...] = (),
        clashes: tuple[Clash, ...] = (),
        breaches: tuple[Breach, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.clashes = clashes
        self.breaches = breaches


class InvalidInput(Failure, kind=ProblemKind.INVALID_INPUT, status=422):
    """Input broke a rule; nothing was changed."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}", (FieldError(field, rule, message),))

    @classmethod
    def many(cls, errors: list[FieldError]) -> InvalidInput:
        first = errors[0]
        failure = cls(first.field, first.rule, first.message)
        failure.errors = tuple(errors)
        failure.message = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return failure


def too_long(field: str, value: str, limit: int) -> list[FieldError]:
    """The `max_length` rule: every free text has a bound, so no input can make an event too
    large for the broker."""
    if len(value) <= limit:
        return []
    return [FieldError(field, "max_length", f"must be at most {limit} characters")]


def refuse_if(errors: list[FieldError]) -> None:
    """Raise InvalidInput naming every broken rule at once, if any."""
    if errors:
        raise InvalidInput.many(errors)


class NotFound(Failure, kind=ProblemKind.NOT_FOUND, status=404):
    """Nothing by that id in the caller's district (or nothing the caller may see)."""


class Conflict(Failure, kind=ProblemKind.CONFLICT, status=409):
    """The thing is not in the state the request needs (already published, not live...)."""


class PolicyViolation(Failure, kind=ProblemKind.POLICY_VIOLATION, status=409):
    """A policy refuses the request (its `breaches`); nothing was changed."""


class Forbidden(Failure, kind=ProblemKind.FORBIDDEN, status=403):
    """The caller's roles or relations do not allow this."""


class Unauthenticated(Failure, kind=ProblemKind.UNAUTHENTICATED, status=401):
    """No valid bearer token."""


class Unavailable(Failure, kind=ProblemKind.UNAVAILABLE, status=503):
    """A dependency (the store) did not answer within the request's time budget."""
