"""Tokens: what a verified token says, and every way a token is refused."""

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import jwt
import pytest

from bookend.auth import (
    AuthSettings,
    Forbidden,
    Principal,
    Role,
    TokenVerifier,
    Unauthenticated,
    issue_token,
)

SECRET = "unit-test-secret-that-is-long-enough"
TEACHER = Principal(
    "teacher-1", "district-1", frozenset({Role.TEACHER}), "school-1", frozenset({"s1", "s2"})
)


def verifier() -> TokenVerifier:
    return TokenVerifier(AuthSettings(dev_secret=SECRET))


def test_a_token_carries_the_principal_through_signing_and_verifying() -> None:
    assert verifier().verify(issue_token(SECRET, TEACHER)) == TEACHER


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (
            issue_token("another-secret-that-is-long-enough!!", TEACHER),
            "the bearer token's signature does not verify",
        ),
        (issue_token(SECRET, TEACHER, ttl=timedelta(minutes=-5)), "the bearer token has expired"),
        (
            issue_token(SECRET, TEACHER, audience="someone-else"),
            "the bearer token is for another audience",
        ),
        (
            issue_token(SECRET, TEACHER, issuer="someone-else"),
            "the bearer token is from another issuer",
        ),
        ("not-a-jwt", "the bearer token is not valid"),
        ("eyJhbGciOiJIUzI1NiJ9.t7e3.x", "the bearer token is not valid"),
        ("a.\udcff.b", "the bearer token is not valid"),
    ],
    ids=["signature", "expired", "audience", "issuer", "garbage", "bad bytes", "surrogate"],
)
def test_a_token_is_refused_with_a_stable_message_that_leaks_no_internals(
    token: str, message: str
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        verifier().verify(token)
    assert refused.value.message == message


def test_a_token_without_a_district_is_refused() -> None:
    token = jwt.encode(
        {"sub": "x", "iss": "bookend", "aud": "bookend-api", "exp": 4102444800, "roles": []},
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated, match="district"):
        verifier().verify(token)


def test_a_token_with_an_unknown_role_is_refused() -> None:
    token = jwt.encode(
        {
            "sub": "x",
            "district": "d",
            "iss": "bookend",
            "aud": "bookend-api",
            "exp": 4102444800,
            "roles": ["superuser"],
        },
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated):
        verifier().verify(token)


def test_a_token_carries_the_viewers_zone_and_one_without_it_means_utc() -> None:
    chicago = replace(TEACHER, zone=ZoneInfo("America/Chicago"))
    assert verifier().verify(issue_token(SECRET, chicago)).zone == ZoneInfo("America/Chicago")
    token = jwt.encode(
        {"sub": "x", "district": "d", "iss": "bookend", "aud": "bookend-api", "exp": 4102444800},
        SECRET,
        algorithm="HS256",
    )
    assert verifier().verify(token).zone == ZoneInfo("UTC")


@pytest.mark.parametrize(
    "zone",
    ["America/Chicgo", "", "localtime", "../../etc/passwd", "x" * 300, -6, None],
    ids=["misspelt", "empty", "the server's own", "a path", "too long", "a number", "null"],
)
def test_a_token_whose_zoneinfo_is_not_an_iana_zone_is_refused(zone: object) -> None:
    token = jwt.encode(
        {
            "sub": "x",
            "district": "d",
            "iss": "bookend",
            "aud": "bookend-api",
            "exp": 4102444800,
            "zoneinfo": zone,
        },
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated) as refused:
        verifier().verify(token)
    assert refused.value.message == "the bearer token's zoneinfo claim is not an IANA time zone"


def test_an_unsigned_token_is_refused() -> None:
    token = jwt.encode(
        {"sub": "x", "district": "d", "iss": "bookend", "aud": "bookend-api", "exp": 4102444800},
        "",
        algorithm="none",
    )
    with pytest.raises(Unauthenticated):
        verifier().verify(token)


def test_settings_demand_exactly_one_way_to_verify() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        AuthSettings()
    with pytest.raises(ValueError, match="exactly one"):
        AuthSettings(dev_secret=SECRET, jwks_url="https://idp.example/jwks")


def test_a_role_check_names_the_roles_it_wanted() -> None:
    with pytest.raises(Forbidden, match="district_admin, school_admin"):
        TEACHER.require(Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)


def test_a_guardian_views_only_their_children_and_a_student_only_themself() -> None:
    guardian = Principal("g", "d", frozenset({Role.GUARDIAN}), children=frozenset({"kid"}))
    student = Principal("kid", "d", frozenset({Role.STUDENT}))
    assert guardian.may_view_student("kid")
    assert not guardian.may_view_student("other-kid")
    assert student.may_view_student("kid")
    assert not student.may_view_student("other-kid")
    assert not TEACHER.may_view_student("kid")  # staff are checked against their sections
