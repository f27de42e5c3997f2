"""Start the embedded stack with demo data, then measure the feed and live check-in latency."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws

from bookend.auth import issue_token
from devstack.demo import load_demo
from devstack.processes import Processes, free_port
from devstack.stack import RunningStack, StackConfig, start_stack
from devstack.users import ELA_8, USERS_BY_ID

FEED = "query { feed(first: 20) { edges { node { id kind title status actionableAt } } } }"
SESSIONS = "query($s: ID!) { sectionSessions(sectionId: $s) { id status } }"
START = "mutation($id: ID!) { startSession(id: $id) { __typename } }"
CHECK_IN = """mutation($id: ID!) { checkIn(sessionId: $id, signal: GOT_IT) { __typename } }"""
EVENTS = """subscription($id: ID!) { sessionEvents(sessionId: $id) { __typename } }"""


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{name:44} n={len(samples):4}  p50={statistics.median(samples) * 1000:7.1f} ms"
        f"  p95={p95 * 1000:7.1f} ms  max={ordered[-1] * 1000:7.1f} ms"
    )


def headers(stack: RunningStack, user: str) -> dict[str, str]:
    token = issue_token(stack.dev_secret, USERS_BY_ID[user].principal)
    return {"Authorization": f"Bearer {token}"}


async def feed_latency(stack: RunningStack, http: httpx.AsyncClient, rounds: int) -> None:
    student = headers(stack, "student-amara")
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = await http.post(stack.gateway_url, json={"query": FEED}, headers=student)
        response.raise_for_status()
        samples.append(time.perf_counter() - began)
    report("feed(first: 20), sequential", samples)

    in_flight = asyncio.Semaphore(20)

    async def one() -> float:
        async with in_flight:
            began = time.perf_counter()
            response = await http.post(stack.gateway_url, json={"query": FEED}, headers=student)
            response.raise_for_status()
            return time.perf_counter() - began

    began = time.perf_counter()
    concurrent = await asyncio.gather(*(one() for _ in range(rounds)))
    elapsed = time.perf_counter() - began
    report("feed(first: 20), 20 at a time", list(concurrent))
    print(f"{'  throughput with 20 in flight':44} {rounds / elapsed:8.1f} requests/s")


async def check_in_latency(stack: RunningStack, http: httpx.AsyncClient, rounds: int) -> None:
    teacher, student = headers(stack, "teacher-rivera"), headers(stack, "student-amara")
    sessions = (
        await http.post(
            stack.gateway_url, json={"query": SESSIONS, "variables": {"s": ELA_8}}, headers=teacher
        )
    ).json()["data"]["sectionSessions"]
    session_id = sessions[0]["id"]
    await http.post(
        stack.gateway_url, json={"query": START, "variables": {"id": session_id}}, headers=teacher
    )
    samples = []
    ws_url = stack.gateway_url.replace("http://", "ws://")
    async with aconnect_ws(
        ws_url, http, subprotocols=["graphql-transport-ws"], session_class=AsyncWebSocketSession
    ) as ws:
        await ws.send_json({"type": "connection_init", "payload": teacher})
        await ws.receive_json(timeout=10)
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": EVENTS, "variables": {"id": session_id}},
            }
        )
        await ws.receive_text(timeout=10)  # the status snapshot
        for _ in range(rounds):
            while True:  # the channel opens once feedback hears the session started
                began = time.perf_counter()
                body = (
                    await http.post(
                        stack.gateway_url,
                        json={"query": CHECK_IN, "variables": {"id": session_id}},
                        headers=student,
                    )
                ).json()
                if body["data"]["checkIn"]["__typename"] == "CheckIn":
                    break
                await asyncio.sleep(0.05)
            while True:
                message = json.loads(await ws.receive_text(timeout=10))
                kind = message.get("payload", {}).get("data", {}).get("sessionEvents", {})
                if kind.get("__typename") == "CheckInReceived":
                    break
            samples.append(time.perf_counter() - began)
    report("check-in mutation → teacher's subscription", samples)


async def measure(stack: RunningStack) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await feed_latency(stack, http, rounds=200)
        await check_in_latency(stack, http, rounds=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        processes = Processes(Path(home) / "logs")
        try:
            began = time.perf_counter()
            stack = start_stack(processes, StackConfig(home=Path(home), gateway_port=free_port()))
            took = time.perf_counter() - began
            print(f"{'stack start (broker, store, 3 services, gateway)':44} {took:8.2f} s")
            began = time.perf_counter()
            load_demo(stack.gateway_url, stack.dev_secret)
            print(f"{'demo data load through GraphQL':44} {time.perf_counter() - began:8.2f} s")
            asyncio.run(measure(stack))
        finally:
            processes.stop_all()


if __name__ == "__main__":
    main()
