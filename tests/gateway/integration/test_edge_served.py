"""The gateway served for real (uvicorn on a loopback port, its lifespan on the session's broker)
as a browser and an app meet it (ADR 0043): GraphiQL and every file it needs from the gateway
itself; a trusted document by id; any other document refused over HTTP and over a WebSocket
when only trusted ones are accepted; and a spent budget answered 429 with Retry-After."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws

from bookend.auth import AuthSettings, Role
from bookend.eventbus import KafkaSettings
from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.trusted import document_id
from tests.support.auth import TEST_SECRET, bearer, token_for
from tests.support.global_ids import gid
from tests.support.running import serving

VIEWER = "query Me { viewer { id } }"  # 2 points, and no service to ask
EVENTS = 'subscription { sessionEvents(sessionId: "s1") { __typename } }'


async def test_a_served_gateway_gives_graphiql_runs_trusted_documents_and_counts_cost(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({document_id(VIEWER): VIEWER}))
    settings = GatewaySettings(
        trusted_documents=manifest,
        only_trusted_documents=True,
        cost_per_minute=1,  # a point a minute: what is spent stays spent during the test
        cost_burst=4,
    )
    app = create_app(settings, kafka=kafka_settings, auth=AuthSettings(dev_secret=TEST_SECRET))
    student = bearer("student-1", Role.STUDENT)
    with serving(app) as url:
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            page = await http.get("/graphql", headers={"Accept": "text/html"})
            files = re.findall(r'(?:src|href)="([^"]+)"', page.text)
            fetched = [(await http.get(file)).status_code for file in files]

            by_id = {"documentId": document_id(VIEWER)}
            answers = [await http.post("/graphql", json=by_id, headers=student) for _ in "abc"]
            untrusted = await http.post(
                "/graphql", json={"query": "{ viewer { roles } }"}, headers=student
            )

            ws_url = url.replace("http://", "ws://") + "/graphql"
            async with aconnect_ws(
                ws_url,
                http,
                subprotocols=["graphql-transport-ws"],
                session_class=AsyncWebSocketSession,
            ) as ws:
                token = token_for("teacher-1", Role.TEACHER)
                init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                await ws.send_json(init)
                assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"
                subscribe = {"id": "1", "type": "subscribe", "payload": {"query": EVENTS}}
                await ws.send_json(subscribe)
                refused = await ws.receive_json(timeout=10)

    assert page.status_code == 200 and "://" not in page.text
    assert len(files) == 4 and fetched == [200] * 4
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[0].json()["data"] == {"viewer": {"id": gid("Person", "student-1")}}
    assert int(answers[2].headers["retry-after"]) > 0
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert untrusted.json()["errors"][0]["extensions"]["code"] == "UNTRUSTED_DOCUMENT"
    assert (refused["type"], refused["payload"][0]["extensions"]["code"]) == (
        "error",
        "UNTRUSTED_DOCUMENT",
    )
