"""The FastAPI dependency that turns a bearer token into a verified principal."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.datastructures import State
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bookend.auth.errors import Forbidden, Unauthenticated
from bookend.auth.principal import Principal
from bookend.auth.tokens import TokenVerifier
from bookend.problems import Failure

_bearer = HTTPBearer(auto_error=False)

AUTH_STATUSES: dict[type[Failure], int] = {Unauthenticated: 401, Forbidden: 403}


def install_verifier(app_state: State, verifier: TokenVerifier) -> None:
    app_state.token_verifier = verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthenticated("an Authorization: Bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
