"""Expected failures and their one HTTP shape: a problem naming the field and the rule."""

from bookend.problems.failure import Failure, FieldError, InvalidInput, NotFound
from bookend.problems.http import COMMON_STATUSES, Problem, install_problem_handlers

__all__ = [
    "COMMON_STATUSES",
    "Failure",
    "FieldError",
    "InvalidInput",
    "NotFound",
    "Problem",
    "install_problem_handlers",
]
