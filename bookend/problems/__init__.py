"""Expected failures and their one HTTP shape: a problem naming its kind, code, field and rule."""

from bookend.problems.failure import (
    Clash,
    Conflict,
    Failure,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    ProblemKind,
    Unauthenticated,
    Unavailable,
    refuse_if,
    too_long,
)
from bookend.problems.http import (
    Problem,
    ProblemClash,
    ProblemField,
    install_problem_handlers,
    problem_of,
)

__all__ = [
    "Clash",
    "Conflict",
    "Failure",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Problem",
    "ProblemClash",
    "ProblemField",
    "ProblemKind",
    "Unauthenticated",
    "Unavailable",
    "install_problem_handlers",
    "problem_of",
    "refuse_if",
    "too_long",
]
