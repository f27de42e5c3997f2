"""Live sessions and their bookend tasks (the scheduler service)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.schema.catalog import Lesson, load_lesson
from gateway.schema.convert import each, from_contract, to_contract
from gateway.schema.enums import Bookend, SessionStatus
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.recordings import SessionRecording


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
        return from_contract(cls, task, zone=task.time_zone)


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
    recording: SessionRecording | None = strawberry.field(
        description="Once its recording is published (after it ended)."
    )

    @strawberry.field
    async def lesson(self, info: Info) -> Lesson | None:
        return await load_lesson(info, self.lesson_id)

    @classmethod
    def of(cls, session: http.Session) -> LiveSession:
        zone = session.time_zone
        tasks = [Task.of(task) for task in session.tasks]
        recorded = session.recording
        recording = None if recorded is None else SessionRecording.of(recorded, zone)
        return from_contract(cls, session, zone=zone, tasks=tasks, recording=recording)


@strawberry.input
class ScheduleLiveSessionInput:
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    time_zone: str = strawberry.field(description="IANA zone of the session, e.g. America/Chicago.")
    title: str | None = None

    def request(self) -> http.SessionCreate:
        # A zone-less time too is the scheduler's to refuse, as any other input (ADR 0009).
        return to_contract(http.SessionCreate, self)


SessionResult = Annotated[LiveSession | Failure, strawberry.union("SessionResult")]


@strawberry.type
class SessionQuery:
    @strawberry.field
    async def session(self, info: Info, id: strawberry.ID) -> LiveSession:
        return await query(info.context.clients.scheduler.get_session(id), LiveSession.of)

    @strawberry.field
    async def section_sessions(self, info: Info, section_id: strawberry.ID) -> list[LiveSession]:
        call = info.context.clients.scheduler.list_sessions(section_id)
        return await query(call, each(LiveSession.of))


@strawberry.type
class SessionMutation:
    @strawberry.mutation
    async def schedule_live_session(
        self, info: Info, input: ScheduleLiveSessionInput, idempotency_key: IdempotencyKey = None
    ) -> SessionResult:
        call = info.context.clients.scheduler.schedule_session(input.request(), idempotency_key)
        return await mutate(call, LiveSession.of)

    @strawberry.mutation
    async def start_session(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> SessionResult:
        call = info.context.clients.scheduler.start_session(id, idempotency_key)
        return await mutate(call, LiveSession.of)

    @strawberry.mutation
    async def end_session(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> SessionResult:
        call = info.context.clients.scheduler.end_session(id, idempotency_key)
        return await mutate(call, LiveSession.of)
