"""The client guide, tried as a newcomer would: every example operation in
docs/graphql-clients.md runs against the demo district through gql (a GraphQL client no one here
wrote), over HTTP or over a WebSocket speaking graphql-transport-ws, with the token of the user
the guide names, and answers what the guide shows (tests/support/guide.py says how answers
are compared)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from bookend.auth import issue_token
from devstack.demo import load_demo
from devstack.stack import RunningStack
from devstack.users import USERS_BY_ID
from tests.support.guide import Example, examples, mismatches, resolved

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "graphql-clients.md"
EXAMPLES = examples(GUIDE.read_text(encoding="utf-8"))


def test_the_guide_has_an_example_for_each_role() -> None:
    roles = {role for e in EXAMPLES for role in USERS_BY_ID[e.user].principal.roles}
    assert {r.value for r in roles} >= {
        "student",
        "guardian",
        "teacher",
        "school_admin",
        "district_admin",
    }
    assert any(e.websocket for e in EXAMPLES) and any(e.refusal for e in EXAMPLES)


async def run(stack: RunningStack, example: Example, answers: dict[str, Any]) -> Any:
    """The example's answer, as gql gives it: its data, or its errors when refused."""
    token = issue_token(stack.dev_secret, USERS_BY_ID[example.user].principal)
    variables = resolved(example.variables, answers)
    request = gql(example.document)
    request.variable_values = variables
    transport: HTTPXAsyncTransport | WebsocketsTransport
    if example.websocket:
        transport = WebsocketsTransport(
            url=stack.gateway_url.replace("http://", "ws://"),
            init_payload={"Authorization": f"Bearer {token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
    else:
        transport = HTTPXAsyncTransport(
            url=stack.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
    try:
        async with Client(transport=transport, execute_timeout=30) as session:
            if example.websocket:
                async for first in session.subscribe(request):
                    return first
            return await session.execute(request)
    except TransportQueryError as refused:
        return {"errors": [{"extensions": e.get("extensions", {})} for e in refused.errors or []]}


async def test_every_example_of_the_guide_answers_as_it_shows(stack: RunningStack) -> None:
    await asyncio.to_thread(load_demo, stack.gateway_url, stack.dev_secret)
    answers: dict[str, Any] = {}
    wrong: list[str] = []
    for example in EXAMPLES:
        got = await run(stack, example, answers)
        if example.refusal is not None:
            codes = [e["extensions"].get("code") for e in got.get("errors", [])]
            if codes[:1] != [example.refusal]:
                wrong.append(
                    f"line {example.line}: refused with {example.refusal} shown, got {got}"
                )
            continue
        answers.update(got)
        wrong += [f"line {example.line}: {m}" for m in mismatches(example.answer, got)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line {e.line}" for e in EXAMPLES])
def test_each_example_names_a_demo_user(example: Example) -> None:
    assert example.user in USERS_BY_ID, f"{example.user} is not a demo user (bookend users)"
