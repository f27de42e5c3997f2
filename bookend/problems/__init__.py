"""Expected failures and their one HTTP shape: a problem naming its kind, code, field and rule."""

from bookend.problems.failure import (
    Breach,
    Clash,
    Conflict,
    Failure,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PolicyViolation,
    ProblemKind,
    Unauthenticated,
    Unavailable,
    refuse_if,
    too_long,
)
from bookend.problems.http import (
    Problem,
    ProblemBreach,
    ProblemClash,
    ProblemField,
    install_problem_handlers,
    problem_of,
)

__all__ = [
    "Breach",
    "Clash",
    "Conflict",
    "Failure",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PolicyViolation",
    "Problem",
    "ProblemBreach",
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
