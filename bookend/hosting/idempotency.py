"""Retries that change nothing twice: the `Idempotency-Key` header of a write, and the time
budget that ends a request's store work before its caller gives up (ADR 0013)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bookend.auth.fastapi import CurrentPrincipal
from bookend.hosting.state import service_state
from bookend.mongo import IDEMPOTENCY_HEADER as HEADER
from bookend.mongo import STORE_OUTAGES, KeyedRequest, Replayed, time_budget
from bookend.problems import InvalidInput, Unavailable, problem_of

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 200
# Set on an answer that a retry got from the first request, not from a new write.
REPLAYED_HEADER = "Idempotent-Replayed"


async def request_key(request: Request, principal: CurrentPrincipal) -> KeyedRequest | None:
    """The write's key, if it has one: checked, named for the caller, and already answered
    (Replayed) if this request was made with it before."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
        message = f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        raise InvalidInput(HEADER, "valid_key", message)
    keyed = KeyedRequest.of(
        district=principal.district,
        caller=principal.subject,
        key=key,
        method=request.method,
        target=str(request.url.path) + "?" + str(request.url.query),
        body=await request.body(),
    )
    await service_state(request).store.replay_if_answered(keyed)
    return keyed


RequestKey = Annotated[KeyedRequest | None, Depends(request_key)]


class TimeBudget:
    """Every request's store work ends within `seconds` (transaction retries included), so a
    service never goes on writing after its caller (the gateway) has given up."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with time_budget(self.seconds):
            await self.app(scope, receive, send)


def install_idempotency(app: FastAPI) -> None:
    """A replayed key answers as the first time; a store outage is a 503 the caller may retry."""

    async def on_replayed(_: Request, replayed: Exception) -> JSONResponse:
        assert isinstance(replayed, Replayed)
        reply = replayed.reply
        return JSONResponse(reply.body, status_code=reply.status, headers={REPLAYED_HEADER: "true"})

    async def on_outage(_: Request, outage: Exception) -> JSONResponse:
        log.warning("store outage answered 503: %s", type(outage).__name__)
        failure = Unavailable(
            "the store did not answer in time; retry (with the same Idempotency-Key, a write "
            "is applied at most once)"
        )
        return JSONResponse(
            problem_of(failure).model_dump(),
            status_code=failure.status,
            headers={"Retry-After": "1"},
        )

    app.add_exception_handler(Replayed, on_replayed)
    for outage in STORE_OUTAGES:
        app.add_exception_handler(outage, on_outage)
