"""graphql-transport-ws with live updates sent as shared frames, not through Strawberry's
per-result pipeline (ADR 0018)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from gateway.context import Context
from gateway.schema.frames import LiveFrames
from gateway.trusted import DocumentRefused, TrustedDocuments


class LiveTransportWS(BaseGraphQLTransportWSHandler[Context, Any]):
    """Each operation runs with a `LiveFrames` of its own as its root value: a subscription
    fed by the hub hands it its updates, and it sends each one's shared frame with the
    operation's id. Everything else (connection_init, the first result, errors, `complete`)
    is Strawberry's protocol handling, once a subscribe message that names a trusted document
    by id carries its text (and one refused is answered with an `error` message and its code,
    as HTTP answers it: ADR 0043)."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        # Before the connection is acknowledged, or for an id in use, Strawberry closes the
        # socket with its own code; a payload of the wrong shape too.
        known = message["id"] in self.operations
        if self.connection_acknowledged and not known and isinstance(payload, dict):
            try:
                resolved = self._trusted().resolve(payload)
            except DocumentRefused as refused:
                error = {"id": message["id"], "type": "error", "payload": [refused.error()]}
                await self.send_message(cast(Any, error))
                return
            message = cast(SubscribeMessage, {**message, "payload": resolved})
        await super().handle_subscribe(message)

    def _trusted(self) -> TrustedDocuments:
        """The app's, kept in its state by `create_app`."""
        socket = self.context.request
        assert socket is not None  # Strawberry's FastAPI router sets it before the socket runs
        trusted: TrustedDocuments = socket.app.state.trusted
        return trusted

    async def run_operation(self, operation: Operation[Context, Any]) -> None:
        # Strawberry reads the root value when the operation starts, before it first waits:
        # so each operation, even several at once on one socket, is given its own.
        self.root_value = LiveFrames(
            operation.id,
            send=self._send_text,
            # Text: graphql-transport-ws sends text frames, and BookendGraphQLRouter's is.
            encode=cast(Callable[[object], str], self.view.encode_json),
            log_errors=self.schema.process_errors,
        )
        await super().run_operation(operation)

    async def _send_text(self, text: str) -> None:
        assert isinstance(self.websocket, ASGIWebSocketAdapter)
        try:
            await self.websocket.ws.send_text(text)
        except WebSocketDisconnect as gone:
            raise WebSocketDisconnected from gone
