"""Identity: JWT bearer tokens, the principal they carry, and role checks done on the server."""

from bookend.auth.errors import AuthError, Forbidden, Unauthenticated
from bookend.auth.principal import Principal, Role
from bookend.auth.tokens import AuthSettings, TokenVerifier, issue_token

__all__ = [
    "AuthError",
    "AuthSettings",
    "Forbidden",
    "Principal",
    "Role",
    "TokenVerifier",
    "Unauthenticated",
    "issue_token",
]
