"""Development tokens for tests, signed with the secret every test app verifies with."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bookend.auth import Principal, Role, issue_token

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256"


def token_for(
    subject: str,
    *roles: Role,
    district: str = "district-1",
    school: str | None = None,
    sections: frozenset[str] = frozenset(),
    children: frozenset[str] = frozenset(),
    zone: str = "UTC",
    secret: str = TEST_SECRET,
) -> str:
    """Signed with the test apps' secret, or with `secret` (a launched stack's own). `zone` is
    the viewer's (the `zoneinfo` claim): UTC, as for a token that names none, unless a test
    reads times in another."""
    principal = Principal(
        subject, district, frozenset(roles), school, sections, children, ZoneInfo(zone)
    )
    return issue_token(secret, principal)


def bearer(subject: str, *roles: Role, **claims: Any) -> dict[str, str]:
    """The Authorization header of a request made as `subject`."""
    return {"Authorization": f"Bearer {token_for(subject, *roles, **claims)}"}
