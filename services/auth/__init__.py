"""Identity: JWT bearer tokens, the principal they carry, and role checks done on the server."""

from services.auth.errors import AuthError, Forbidden, Unauthenticated
from services.auth.principal import Principal, Role
from services.auth.tokens import AuthSettings, TokenVerifier, issue_token

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
