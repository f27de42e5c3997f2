"""The FastAPI dependency that turns a bearer token into a verified principal."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.datastructures import State
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bookend.auth.principal import Principal
from bookend.auth.tokens import TokenVerifier
from bookend.problems import Unauthenticated

_bearer = HTTPBearer(auto_error=False)


def install_verifier(app_state: State, verifier: TokenVerifier) -> None:
    app_state.token_verifier = verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthenticated("an Authorization: Bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.averify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
