"""How service refusals become GraphQL union members: chosen by the problem's kind."""

import pytest

from bookend.problems import Problem, ProblemBreach, ProblemField, ProblemKind
from gateway.schema.errors import (
    Conflict,
    Failure,
    Forbidden,
    InvalidInput,
    NotFound,
    PolicyViolation,
    as_result,
)


def problem(kind: ProblemKind, code: str, status: int = 400) -> Problem:
    return Problem(status=status, kind=kind, code=code, message=f"{code} happened")


@pytest.mark.parametrize(
    ("kind", "member"),
    [
        (ProblemKind.INVALID_INPUT, InvalidInput),
        (ProblemKind.NOT_FOUND, NotFound),
        (ProblemKind.FORBIDDEN, Forbidden),
        (ProblemKind.UNAUTHENTICATED, Forbidden),
        (ProblemKind.CONFLICT, Conflict),
        (ProblemKind.POLICY_VIOLATION, PolicyViolation),
    ],
)
def test_each_kind_of_refusal_is_its_union_member_keeping_code_and_message(
    kind: ProblemKind, member: type[Failure]
) -> None:
    result = as_result(problem(kind, "SESSION_NOT_LIVE"))
    assert isinstance(result, member)
    assert (result.code, result.message) == ("SESSION_NOT_LIVE", "SESSION_NOT_LIVE happened")


@pytest.mark.parametrize("status", [404, 409, 422, 500])
def test_the_kind_decides_the_member_whatever_the_status(status: int) -> None:
    assert isinstance(
        as_result(problem(ProblemKind.NOT_FOUND, "LESSON_NOT_FOUND", status)), NotFound
    )


def test_invalid_input_names_every_field_and_rule() -> None:
    refused = problem(ProblemKind.INVALID_INPUT, "INVALID_INPUT", 422).model_copy(
        update={
            "errors": [
                ProblemField(
                    field="ends_at", rule="after_start", message="must be after starts_at"
                ),
                ProblemField(field="time_zone", rule="iana_zone", message="unknown zone"),
            ]
        }
    )
    invalid = as_result(refused)
    assert isinstance(invalid, InvalidInput)
    assert [(e.field, e.rule, e.message) for e in invalid.errors] == [
        ("ends_at", "after_start", "must be after starts_at"),
        ("time_zone", "iana_zone", "unknown zone"),
    ]


def test_a_policy_violation_carries_each_breach_with_its_figures() -> None:
    breach = ProblemBreach(
        rule="max_live_minutes_per_day",
        period="2026-11-23",
        figure=200,
        limit=150,
        live_minutes=200,
        on_demand_minutes=40,
        message="200 live minutes on 2026-11-23, more than the 150 a day the policy allows",
    )
    refused = problem(ProblemKind.POLICY_VIOLATION, "BALANCE_POLICY_VIOLATION", 409).model_copy(
        update={"breaches": [breach]}
    )
    violation = as_result(refused)
    assert isinstance(violation, PolicyViolation)
    [got] = violation.breaches
    assert (got.rule, got.period, got.figure, got.limit, got.live_minutes) == (
        "max_live_minutes_per_day",
        "2026-11-23",
        200,
        150,
        200,
    )
