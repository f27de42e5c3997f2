"""Authentication and authorisation failures."""

from bookend.problems import Failure


class AuthError(Failure):
    pass


class Unauthenticated(AuthError):
    code = "UNAUTHENTICATED"


class Forbidden(AuthError):
    code = "FORBIDDEN"
