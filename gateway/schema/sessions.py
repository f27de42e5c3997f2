"""Live sessions and their bookend tasks (the scheduler service)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from gateway.context import Info
from gateway.schema.catalog import Lesson
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.scalars import instant


@strawberry.enum
class Bookend(Enum):
    PRE_WORK = "pre_work"
    FOLLOW_UP = "follow_up"


@strawberry.type
class Task:
    id: strawberry.ID
    title: str
    bookend: Bookend | None
    minutes: int
    opens_at: datetime
    due_at: datetime
    time_zone: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Task:
        zone = data["time_zone"]
        return cls(
            id=strawberry.ID(data["id"]), title=data["title"],
            bookend=Bookend(data["bookend"]) if data.get("bookend") else None,
            minutes=data["minutes"], opens_at=instant(data["opens_at"], zone),
            due_at=instant(data["due_at"], zone), time_zone=zone,
        )


@strawberry.type
class LiveSession:
    id: strawberry.ID
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    tasks: list[Task]

    @strawberry.field
    async def lesson(self, info: Info) -> Lesson | None:
        data = await info.context.lessons.load(str(self.lesson_id))
        return Lesson.from_json(data) if data else None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LiveSession:
        zone = data["time_zone"]
        return cls(
            id=strawberry.ID(data["id"]), section_id=strawberry.ID(data["section_id"]),
            lesson_id=strawberry.ID(data["lesson_id"]), title=data["title"], status=data["status"],
            starts_at=instant(data["starts_at"], zone),
            ends_at=instant(data["ends_at"], zone),
            time_zone=zone, tasks=[Task.from_json(t) for t in data.get("tasks", [])],
        )


@strawberry.input
class ScheduleLiveSessionInput:
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    time_zone: str = strawberry.field(description="IANA zone of the session, e.g. America/Chicago.")
    title: str | None = None


SessionResult = Annotated[LiveSession | Failure, strawberry.union("SessionResult")]


def _session_or_failure(result: dict[str, Any] | Failure) -> LiveSession | Failure:
    return LiveSession.from_json(result) if isinstance(result, dict) else result


@strawberry.type
class SessionQuery:
    @strawberry.field
    async def session(self, info: Info, id: strawberry.ID) -> LiveSession:
        ctx = info.context
        return LiveSession.from_json(
            await query(
                ctx.upstreams.scheduler.call("GET", f"/sessions/{id}", token=ctx.caller.token)
            )
        )

    @strawberry.field
    async def section_sessions(self, info: Info, section_id: strawberry.ID) -> list[LiveSession]:
        ctx = info.context
        data = await query(
            ctx.upstreams.scheduler.call(
                "GET", f"/sections/{section_id}/sessions", token=ctx.caller.token
            )
        )
        return [LiveSession.from_json(item) for item in data["items"]]


@strawberry.type
class SessionMutation:
    @strawberry.mutation
    async def schedule_live_session(
        self, info: Info, input: ScheduleLiveSessionInput
    ) -> SessionResult:
        ctx = info.context
        body = {
            "section_id": input.section_id, "lesson_id": input.lesson_id,
            "starts_at": input.starts_at.isoformat(), "ends_at": input.ends_at.isoformat(),
            "time_zone": input.time_zone,
            **({"title": input.title} if input.title is not None else {}),
        }
        return _session_or_failure(
            await mutate(
                ctx.upstreams.scheduler.call("POST", "/sessions", token=ctx.caller.token, json=body)
            )
        )

    @strawberry.mutation
    async def start_session(self, info: Info, id: strawberry.ID) -> SessionResult:
        ctx = info.context
        return _session_or_failure(
            await mutate(
                ctx.upstreams.scheduler.call(
                    "POST", f"/sessions/{id}/start", token=ctx.caller.token
                )
            )
        )

    @strawberry.mutation
    async def end_session(self, info: Info, id: strawberry.ID) -> SessionResult:
        ctx = info.context
        return _session_or_failure(
            await mutate(
                ctx.upstreams.scheduler.call("POST", f"/sessions/{id}/end", token=ctx.caller.token)
            )
        )
