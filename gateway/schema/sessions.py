"""Live sessions and their bookend tasks (the scheduler service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.catalog import Lesson
from gateway.schema.enums import Bookend, SessionStatus
from gateway.schema.errors import Failure, mutate, query
from gateway.schema.scalars import in_zone


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
    def of(cls, task: http.Task) -> Task:
        zone = task.time_zone
        return cls(
            id=strawberry.ID(task.id),
            title=task.title,
            bookend=task.bookend,
            minutes=task.minutes,
            opens_at=in_zone(task.opens_at, zone),
            due_at=in_zone(task.due_at, zone),
            time_zone=zone,
        )


@strawberry.type
class LiveSession:
    id: strawberry.ID
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    title: str
    status: SessionStatus
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    tasks: list[Task]

    @strawberry.field
    async def lesson(self, info: Info) -> Lesson | None:
        found = await info.context.loaders.lessons.load(str(self.lesson_id))
        return Lesson.of(found) if found is not None else None

    @classmethod
    def of(cls, session: http.Session) -> LiveSession:
        zone = session.time_zone
        return cls(
            id=strawberry.ID(session.id),
            section_id=strawberry.ID(session.section_id),
            lesson_id=strawberry.ID(session.lesson_id),
            title=session.title,
            status=session.status,
            starts_at=in_zone(session.starts_at, zone),
            ends_at=in_zone(session.ends_at, zone),
            time_zone=zone,
            tasks=[Task.of(task) for task in session.tasks],
        )


@strawberry.input
class ScheduleLiveSessionInput:
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    time_zone: str = strawberry.field(description="IANA zone of the session, e.g. America/Chicago.")
    title: str | None = None

    def request(self) -> http.SessionCreate:
        # Unvalidated here: the scheduler checks its own input, a zone-less time included
        # (ADR 0009).
        return http.SessionCreate.model_construct(
            section_id=self.section_id,
            lesson_id=self.lesson_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            time_zone=self.time_zone,
            title=self.title,
        )


SessionResult = Annotated[LiveSession | Failure, strawberry.union("SessionResult")]


@strawberry.type
class SessionQuery:
    @strawberry.field
    async def session(self, info: Info, id: strawberry.ID) -> LiveSession:
        ctx = info.context
        return LiveSession.of(
            await query(ctx.clients.scheduler.get_session(id, token=ctx.caller.token))
        )

    @strawberry.field
    async def section_sessions(self, info: Info, section_id: strawberry.ID) -> list[LiveSession]:
        ctx = info.context
        sessions = await query(
            ctx.clients.scheduler.list_sessions(section_id, token=ctx.caller.token)
        )
        return [LiveSession.of(session) for session in sessions.items]


@strawberry.type
class SessionMutation:
    @strawberry.mutation
    async def schedule_live_session(
        self, info: Info, input: ScheduleLiveSessionInput
    ) -> SessionResult:
        ctx = info.context
        return await mutate(
            ctx.clients.scheduler.schedule_session(input.request(), token=ctx.caller.token),
            LiveSession.of,
        )

    @strawberry.mutation
    async def start_session(self, info: Info, id: strawberry.ID) -> SessionResult:
        ctx = info.context
        return await mutate(
            ctx.clients.scheduler.start_session(id, token=ctx.caller.token), LiveSession.of
        )

    @strawberry.mutation
    async def end_session(self, info: Info, id: strawberry.ID) -> SessionResult:
        ctx = info.context
        return await mutate(
            ctx.clients.scheduler.end_session(id, token=ctx.caller.token), LiveSession.of
        )
