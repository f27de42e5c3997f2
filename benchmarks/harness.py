"""What every scenario shares: the running stack, its processes, tokens and clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bookend.auth import Principal, Role, issue_token
from devstack.processes import Processes
from devstack.stack import RunningStack
from devstack.users import LAKESIDE, USERS_BY_ID


@dataclass
class Bench:
    stack: RunningStack
    processes: Processes
    runs: int
    http: httpx.AsyncClient
    notes: list[str] = field(default_factory=list)  # caveats printed with the summary

    def pid(self, name: str) -> int:
        pid = self.processes.child(name).pid
        if pid is None:
            raise RuntimeError(f"{name} is not running")
        return pid

    def token(self, user: str | Principal) -> str:
        """A development token of a demo user (by id) or of any principal."""
        principal = USERS_BY_ID[user].principal if isinstance(user, str) else user
        return issue_token(self.stack.dev_secret, principal)

    def auth(self, user: str | Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}

    async def graphql(self, headers: dict[str, str], query: str, **variables: object) -> Any:
        """The `data` of a GraphQL answer; errors raise."""
        response = await self.http.post(
            self.stack.gateway_url, json={"query": query, "variables": variables}, headers=headers
        )
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def service(self, name: str) -> str:
        return self.stack.service_urls[name]


def student(subject: str, *sections: str) -> Principal:
    return Principal(subject, LAKESIDE, frozenset({Role.STUDENT}), None, frozenset(sections))


def teacher(subject: str, school: str, *sections: str) -> Principal:
    return Principal(subject, LAKESIDE, frozenset({Role.TEACHER}), school, frozenset(sections))


def admin(subject: str) -> Principal:
    return Principal(subject, LAKESIDE, frozenset({Role.DISTRICT_ADMIN}))


async def poll(
    check: Callable[[], Awaitable[bool]], *, interval: float, give_up_after: float = 30.0
) -> float:
    """Call `check` every `interval` seconds (after each answer) until it holds; return when
    it first held (perf_counter), which is at most one interval plus one call late."""
    deadline = time.perf_counter() + give_up_after
    while True:
        if await check():
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not observed within {give_up_after:.0f} s")
        await asyncio.sleep(interval)


def section(bench_id: str) -> str:
    return f"section-bench-{bench_id}"
