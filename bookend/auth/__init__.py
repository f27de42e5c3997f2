"""Identity: JWT bearer tokens, the principal they carry, and role checks done on the server."""

from bookend.auth.principal import ADMINS, STAFF, Principal, Role
from bookend.auth.tokens import AuthSettings, TokenVerifier, issue_token
from bookend.problems import Forbidden, Unauthenticated

__all__ = [
    "ADMINS",
    "STAFF",
    "AuthSettings",
    "Forbidden",
    "Principal",
    "Role",
    "TokenVerifier",
    "Unauthenticated",
    "issue_token",
]
