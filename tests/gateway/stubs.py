"""A service at the far end of the gateway's HTTP transport: canned answers, requests kept.

It stands in for the network (httpx's MockTransport), not for any of our own code: the
gateway's clients, parsing and error handling all run for real.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from bookend.contracts.catalog import ComponentKind, LessonStatus, ModeFit
from bookend.http_contracts.catalog import Component, Lesson
from bookend.http_contracts.paging import Page, PageInfo
from bookend.problems import Problem, ProblemKind
from gateway.clients import Upstreams
from gateway.upstream import Upstream

Json = dict[str, object] | list[object] | str
P = TypeVar("P", bound=Page[Any])


@dataclass
class StubService:
    name: str
    answers: dict[tuple[str, str], tuple[int, BaseModel | Json]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    turns: dict[tuple[str, str], list[BaseModel | Json]] = field(default_factory=dict)

    def answer(self, method: str, path: str, body: BaseModel | Json, status: int = 200) -> None:
        self.answers[method, path] = (status, body)

    def answer_in_turn(self, method: str, path: str, *bodies: BaseModel | Json) -> None:
        """Each request gets the next body, the last one again once they run out: a service
        whose answer differs by who asks, without the stub knowing who that is."""
        self.turns[method, path] = list(bodies)

    def refuse(self, method: str, path: str, problem: Problem) -> None:
        self.answer(method, path, problem, problem.status)

    def upstream(self) -> Upstream:
        return Upstream(
            self.name, f"http://{self.name}", 5, transport=httpx.MockTransport(self._handle)
        )

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        turns = self.turns.get((request.method, request.url.path))
        if turns:
            return self._respond(200, turns.pop(0) if len(turns) > 1 else turns[0])
        status, body = self.answers.get(
            (request.method, request.url.path),
            (404, Problem(status=404, kind=ProblemKind.NOT_FOUND, code="NO_ROUTE", message="?")),
        )
        return self._respond(status, body)

    @staticmethod
    def _respond(status: int, body: BaseModel | Json) -> httpx.Response:
        if isinstance(body, BaseModel):
            return httpx.Response(status, content=body.model_dump_json())
        return httpx.Response(status, json=body)


@dataclass
class StubServices:
    catalog: StubService = field(default_factory=lambda: StubService("catalog"))
    scheduler: StubService = field(default_factory=lambda: StubService("scheduler"))
    feedback: StubService = field(default_factory=lambda: StubService("feedback"))
    integrations: StubService = field(default_factory=lambda: StubService("integrations"))

    def upstreams(self) -> Upstreams:
        return Upstreams(
            catalog=self.catalog.upstream(),
            scheduler=self.scheduler.upstream(),
            feedback=self.feedback.upstream(),
            integrations=self.integrations.upstream(),
        )


def a_lesson(lesson_id: str, status: LessonStatus = LessonStatus.PUBLISHED) -> Lesson:
    return Lesson(
        id=lesson_id,
        district_id="district-1",
        title="Theme in texts",
        subject="reading",
        summary="",
        status=status,
        version=1,
        components=[
            Component(
                id="c1",
                title="Debate",
                kind=ComponentKind.DISCUSSION,
                mode_fit=ModeFit.LIVE,
                mode_fit_reason="",
                minutes=20,
                instructions="",
                media=[],
            )
        ],
        grade_band=None,
        objectives=[],
        standards=[],
        estimated_minutes=None,
        minutes=20,
        download_bytes=0,
        created_by="teacher-1",
        created_at=datetime(2026, 3, 2, 15, tzinfo=UTC),
        published_at=datetime(2026, 3, 2, 16, tzinfo=UTC),
    )


def only_page(page: type[P], items: Sequence[BaseModel], **fields: object) -> P:
    """A service's whole list as one page: every item, with a cursor each, nothing after;
    `fields` fill a subclass's own."""
    cursors = [f"c{n}" for n, _ in enumerate(items, 1)]
    info = PageInfo(has_next_page=False, end_cursor=cursors[-1] if cursors else None)
    return page.model_validate({"items": items, "page_info": info, "cursors": cursors, **fields})
