"""The floor: the bare parts a live frame passes through, with none of Bookend's work. Served by
uvicorn as the gateway is, in a process of its own. `GET /hop` is one HTTP hop; `WS /graphql`
speaks just enough `graphql-transport-ws` for the bench's subscribers, and `POST /broadcast`
sends every one of them the same pre-encoded check-in frame, as the gateway's fan-out does at
best (ADR 0018). What the live rows cannot beat on this machine."""

from __future__ import annotations

import contextlib

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

SNAPSHOT = {
    "__typename": "SessionStatusChanged",
    "sessionId": "session-floor",
    "status": "LIVE",
    "at": "2026-11-24T08:00:00+00:00",
}


def create_app() -> Starlette:
    sockets: set[WebSocket] = set()

    async def hop(_: Request) -> Response:
        return JSONResponse({"ok": True})

    async def subscribe(websocket: WebSocket) -> None:
        await websocket.accept(subprotocol="graphql-transport-ws")
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                message = orjson.loads(await websocket.receive_text())
                if message["type"] == "connection_init":
                    await websocket.send_text('{"type":"connection_ack"}')
                elif message["type"] == "subscribe":
                    snapshot = {"data": {"sessionEvents": SNAPSHOT}}
                    frame = {"id": message["id"], "type": "next", "payload": snapshot}
                    await websocket.send_text(orjson.dumps(frame).decode())
                    sockets.add(websocket)
        sockets.discard(websocket)

    async def broadcast(request: Request) -> Response:
        check_in = {"id": request.query_params["id"], "studentId": "student-x", "signal": "LOST"}
        event = {"__typename": "CheckInReceived", "checkIn": check_in}
        payload = {"data": {"sessionEvents": event}}
        frame = orjson.dumps({"id": "1", "type": "next", "payload": payload}).decode()
        for websocket in list(sockets):
            with contextlib.suppress(Exception):  # one gone is not the others' concern
                await websocket.send_text(frame)
        return JSONResponse({"sent": len(sockets)})

    return Starlette(
        routes=[
            Route("/hop", hop),
            Route("/broadcast", broadcast, methods=["POST"]),
            WebSocketRoute("/graphql", subscribe),
        ]
    )
