"""How service refusals become GraphQL results, and how times reach the viewer."""

from gateway.schema.errors import Conflict, Forbidden, InvalidInput, NotFound, as_result
from gateway.schema.scalars import instant
from bookend.problems import Problem


def problem(status: int, code: str, errors: list[dict[str, str]] | None = None) -> Problem:
    return Problem.model_validate(
        {"status": status, "code": code, "message": "m", "errors": errors or []}
    )


def test_each_refusal_maps_to_its_union_member_keeping_the_code() -> None:
    invalid = as_result(problem(422, "INVALID_INPUT", [
        {"field": "ends_at", "rule": "after_start", "message": "must be after starts_at"}
    ]))
    assert isinstance(invalid, InvalidInput)
    assert [(e.field, e.rule) for e in invalid.errors] == [("ends_at", "after_start")]
    assert isinstance(as_result(problem(404, "LESSON_NOT_FOUND")), NotFound)
    assert isinstance(as_result(problem(403, "FORBIDDEN")), Forbidden)
    conflict = as_result(problem(409, "SESSION_NOT_LIVE"))
    assert isinstance(conflict, Conflict) and conflict.code == "SESSION_NOT_LIVE"


def test_an_instant_is_rendered_in_the_viewers_zone_without_changing_the_moment() -> None:
    utc = instant("2026-11-24T16:00:00+00:00")
    chicago = instant("2026-11-24T16:00:00+00:00", "America/Chicago")
    assert chicago.isoformat() == "2026-11-24T10:00:00-06:00"
    assert chicago == utc
    summer = instant("2026-07-01T16:00:00Z", "America/Los_Angeles")
    assert summer.isoformat() == "2026-07-01T09:00:00-07:00"
