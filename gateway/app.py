"""Composition root of the gateway: FastAPI app, GraphQL router, service clients, the hub."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from graphql import GraphQLError
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, TokenVerifier, Unauthenticated
from bookend.contracts import ALL_TOPICS
from bookend.eventbus import Joining, KafkaSettings, ensure_topics
from bookend.hosting import BodyLimit, readiness_answer
from bookend.hosting.limits import Scope
from bookend.hosting.logs import RequestLog, configure_logging
from bookend.http_contracts.calendars import CALENDAR_PREFIX
from gateway.calendars import install_calendars
from gateway.clients import Upstreams
from gateway.context import Context
from gateway.hub import SubscriptionHub
from gateway.ide import PAGE, install_graphiql_assets
from gateway.responses import (
    TICKET,
    CachedResponses,
    ResponseCache,
    Ticket,
    forget_changed_feeds,
)
from gateway.schema.cost import Budgets
from gateway.schema.limits import stable
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from gateway.trusted import TrustedDocuments, TrustedRequests, requested_id
from gateway.websocket import LiveTransportWS


class BookendGraphQLRouter(GraphQLRouter[Context, None]):
    graphql_transport_ws_handler_class = LiveTransportWS

    def encode_json(self, data: object) -> str:
        """orjson: a few times faster than `json` on a 50-item feed. A message that quotes a
        client's lone surrogate back (orjson refuses those) is escaped by `json` instead. Text,
        not bytes: WebSocket messages must go as text frames (graphql-transport-ws)."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data, separators=(",", ":"))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Every error with a stable code, those raised before execution (syntax, the token
        limit) too, which no schema extension sees. An answer with errors is never kept."""
        if result.errors:
            result.errors = [stable(error) for error in result.errors]
            ticket: Ticket | None = request.scope.get(TICKET)
            if ticket is not None:
                ticket.failed = True
        return await super().process_result(request, result)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A request GraphQL cannot run (an unknown operation name, a mutation over GET) is
        answered in GraphQL's error shape with its code, not as plain text."""
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as refused:
            error = GraphQLError(refused.reason, extensions={"code": "BAD_REQUEST"})
            return ExecutionResult(data=None, errors=[error])

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """GraphiQL with its files from this gateway, not a CDN (ADR 0043)."""
        return HTMLResponse(PAGE)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """`graphql-transport-ws`: the token travels in the connection_init payload."""
        try:
            await context.authenticate(_authorization(context.connection_params))
        except Unauthenticated as failure:
            raise ConnectionRejectionError(
                {"code": "UNAUTHENTICATED", "message": str(failure)}
            ) from None
        return None


def _authorization(params: object) -> str | None:
    if not isinstance(params, dict):
        return None
    value = params.get("Authorization") or params.get("authorization")
    return value if isinstance(value, str) else None


def _is_ide_page(connection: HTTPConnection) -> bool:
    return (
        connection.scope["type"] == "http"
        and connection.scope.get("method") == "GET"
        and "query" not in connection.query_params
    )


async def get_context(connection: HTTPConnection) -> Context:
    state = connection.app.state
    context = Context(
        settings=state.settings,
        upstreams=state.upstreams,
        hub=state.hub,
        verifier=state.verifier,
        ticket=connection.scope.get(TICKET),
    )
    if connection.scope["type"] != "http" or _is_ide_page(connection):
        return context  # WebSockets authenticate on connection_init; the IDE page needs none
    await context.authenticate(connection.headers.get("authorization"))  # Unauthenticated: 401
    return context


async def unauthenticated(_: Request, failure: Exception) -> JSONResponse:
    """HTTP 401 in GraphQL's own error shape, with the stable code every other error has."""
    assert isinstance(failure, Unauthenticated)
    body = {
        "data": None,
        "errors": [{"message": failure.message, "extensions": {"code": "UNAUTHENTICATED"}}],
    }
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def not_a_request(scope: Scope, body: bytes) -> dict[str, Any] | None:
    """A JSON POST must be one GraphQL request object, with its document's text or a trusted
    document's id (ADR 0043): anything else is refused plainly (Strawberry would fail on it
    with a 500)."""
    headers = dict(scope.get("headers") or [])
    if scope.get("method") != "POST" or b"json" not in headers.get(b"content-type", b""):
        return None
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
        request = None
    if (
        isinstance(request, dict)
        and (isinstance(request.get("query"), str) or requested_id(request) is not None)
        and isinstance(request.get("variables", {}), dict | None)
    ):
        return None
    message = (
        'the body must be a JSON object with a "query" string (or a trusted document\'s '
        '"documentId") and "variables" object'
    )
    return {"data": None, "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


def create_app(
    settings: GatewaySettings,
    *,
    kafka: KafkaSettings,
    auth: AuthSettings,
    budget_clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The gateway; `budget_clock` times the refill of each caller's budget (a fake in tests).
    A trusted documents manifest that cannot be used stops it here (ManifestError)."""
    cache = ResponseCache(
        max_entries=settings.response_cache_entries, max_age=settings.response_cache_seconds
    )
    trusted = (
        TrustedDocuments.from_manifest(
            settings.trusted_documents, only_trusted=settings.only_trusted_documents
        )
        if settings.trusted_documents is not None
        else TrustedDocuments.none()
    )
    budgets = Budgets.from_settings(settings, budget_clock)
    schema = build_schema(settings, budgets)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.verifier = TokenVerifier(auth)
        app.state.upstreams = Upstreams.connect(settings)
        hub = SubscriptionHub(kafka, queue_size=settings.subscriber_queue_size)
        hub.listen(forget_changed_feeds(cache))
        hub.on_start_over(cache.clear)

        # Queries and mutations need only the services: a gateway started while the broker is
        # away answers them at once, and subscriptions once it joins (ADR 0041).
        joining = Joining("gateway", partial(ensure_topics, kafka, ALL_TOPICS), hub.start)
        await joining.settled()
        app.state.hub = hub
        # What start-up built (the schema, models, clients: ~110k objects) lives as long as
        # the process, yet every full collection walked it: about half of a worker's objects
        # with 500 subscriptions, whose full collections (0.2-0.4 s on a busy 2-core machine)
        # landed in the middle of fan-outs. Frozen, collections walk only what came after.
        gc.freeze()
        try:
            yield
        finally:
            await joining.stop()
            await app.state.hub.stop()
            await app.state.upstreams.close()

    development = settings.environment == "development"
    app = FastAPI(
        title="Bookend gateway",
        lifespan=lifespan,
        docs_url="/docs" if development else None,
        redoc_url=None,
    )
    app.state.trusted = trusted  # the WebSocket's subscriptions read it from here
    router = BookendGraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if development else None,
        allow_queries_via_get=True,
        multipart_uploads_enabled=False,
        # Only the maintained protocol: a client offering nothing but the legacy `graphql-ws`
        # is closed with 4406 (Subprotocol not acceptable), as graphql-ws's own server does.
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        # Browsers send Origin on a WebSocket handshake and no CORS applies to it: a page on
        # another origin than these is refused (403) before anything runs; same-origin pages
        # and clients that are not browsers (no Origin) are not.
        allowed_origins=settings.cors_origins,
    )
    app.include_router(router, prefix="/graphql")
    if development:
        install_graphiql_assets(app)
    app.add_exception_handler(Unauthenticated, unauthenticated)
    install_calendars(app)

    def healthy() -> bool:
        """Kept answers are only as fresh as the event feed that invalidates them."""
        hub: SubscriptionHub | None = getattr(app.state, "hub", None)
        return hub is not None and hub.trouble() is None

    if settings.response_cache_entries:
        app.add_middleware(
            CachedResponses,
            path="/graphql",
            cache=cache,
            verifier=lambda: getattr(app.state, "verifier", None),
            healthy=healthy,
            charge=budgets.charger(schema._schema),
        )
    # Inside the body limit, outside the kept answers: a request that names a trusted document
    # by id goes on with its text, and so is kept and found like any other (ADR 0043).
    app.add_middleware(TrustedRequests, path="/graphql", documents=trusted)
    message = f"the request body is over {settings.max_body_bytes} bytes"
    too_large = {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}],
    }
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, refusal=too_large, check=not_a_request
    )
    # Outside the body limit and the kept answers, so that their refusals and answers carry
    # the CORS headers a browser needs to read them, and preflights end here; inside the
    # request log, which sees them. Bearer tokens, not cookies: no credentials mode.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        # A rate-limited answer says when to come back (ADR 0043); browsers hide it otherwise.
        expose_headers=["Retry-After"],
        max_age=600,
    )
    app.add_middleware(RequestLog, secret_paths=(CALENDAR_PREFIX,))  # the path is a credential

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """Readiness: the broker answers and the event feed of subscriptions runs (the services
        answer for themselves)."""
        hub: SubscriptionHub | None = getattr(request.app.state, "hub", None)
        if hub is None:
            return readiness_answer(["starting"])
        reasons = [hub.trouble(), await hub.broker_trouble()]
        return readiness_answer([reason for reason in reasons if reason is not None])

    return app


def create_app_from_env() -> FastAPI:
    configure_logging("gateway")
    return create_app(GatewaySettings(), kafka=KafkaSettings(), auth=AuthSettings())
