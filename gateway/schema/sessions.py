"""Live sessions and their bookend tasks (the scheduler service)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

import strawberry

from bookend.http_contracts import scheduler as http
from gateway.context import Info
from gateway.loaders import FirstPage
from gateway.schema.balance import BalanceWarning, warnings_of
from gateway.schema.catalog import Lesson, load_lesson
from gateway.schema.convert import from_contract, to_contract
from gateway.schema.enums import Bookend, Modality, SessionStatus
from gateway.schema.errors import Failure, IdempotencyKey, mutate, query
from gateway.schema.ids import Node
from gateway.schema.paging import After, Connection, First, checked_page
from gateway.schema.questions import Question
from gateway.schema.recordings import SessionRecording


@strawberry.type
class Task:
    id: strawberry.ID
    title: str
    bookend: Bookend | None
    minutes: int
    balance_warnings: list[BalanceWarning] = strawberry.field(
        description="Answering assignTask or withdrawTask: the rules of the section's balance "
        "policy the change left broken (ADVISE mode)."
    )
    opens_at: datetime
    due_at: datetime
    time_zone: str
    withdrawn_at: datetime | None = strawberry.field(
        description="Set once it no longer needs doing (withdrawn, or its session cancelled)."
    )
    closes_at: datetime | None = strawberry.field(description="Late work is taken until then.")
    student_ids: list[strawberry.ID] | None = strawberry.field(
        description="Chosen students only; none: the whole section."
    )
    group_id: strawberry.ID | None = strawberry.field(
        description="The group it was assigned to; its members then are studentIds."
    )

    @classmethod
    def of(cls, task: http.Task) -> Task:
        warnings = warnings_of(task.balance_warnings)
        return from_contract(cls, task, balance_warnings=warnings)


@strawberry.type
class LiveSession(Node):
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
    modality: Modality
    join_url: str | None = strawberry.field(description="Where to join a virtual or hybrid one.")
    capacity: int | None = strawberry.field(description="Seats in the room, when it has one.")
    series_id: strawberry.ID | None = strawberry.field(
        description="The recurring series it is an occurrence of, if any."
    )
    cancelled_at: datetime | None
    balance_warnings: list[BalanceWarning] = strawberry.field(
        description="Answering a change: the rules of the section's balance policy it left "
        "broken (ADVISE mode); a read has none."
    )

    @strawberry.field
    async def lesson(self, info: Info) -> Lesson | None:
        return await load_lesson(info, self.lesson_id)

    @strawberry.field(
        description=(
            "Its questions left for the follow-up, where its follow-up task (in `tasks`) is "
            "done: answered there since or not yet, in the order asked (Relay paging), as you "
            "may see them (staff all of them with their askers; a student class questions, "
            "askers anonymous, and their own). Null only if they could not be read just now."
        )
    )
    async def follow_up_questions(
        self, info: Info, first: First = 20, after: After = None
    ) -> Connection[Question] | None:
        asked = checked_page(first, after, info)
        if not asked.after:
            # Every session's first page in one feedback call for the request (a batching
            # loader); a later page is one session's own.
            first_page = FirstPage(self.id, asked.first, asked.total)
            found = await info.context.loaders.follow_up_questions.load(first_page)
            return Connection.of(found, asked, Question.of)
        call = info.context.clients.feedback.list_questions(self.id, asked, follow_up=True)
        return await query(call, lambda page: Connection.of(page, asked, Question.of))

    @strawberry.field(description="Its series, with every occurrence, if it is one.")
    async def series(self, info: Info) -> SessionSeries | None:
        if self.series_id is None:
            return None
        return await query(
            info.context.clients.scheduler.get_series(self.series_id), SessionSeries.of
        )

    @classmethod
    def of(cls, session: http.Session) -> LiveSession:
        tasks = [Task.of(task) for task in session.tasks]
        recorded = session.recording
        recording = None if recorded is None else SessionRecording.of(recorded)
        warnings = warnings_of(session.balance_warnings)
        return from_contract(
            cls, session, tasks=tasks, recording=recording, balance_warnings=warnings
        )


@strawberry.type
class SessionSeries(Node):
    id: strawberry.ID
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    recurrence: str
    time_zone: str
    skipped_dates: list[str] = strawberry.field(
        description="Local dates (YYYY-MM-DD) the rule gave that were blackout dates."
    )
    sessions: list[LiveSession]

    @classmethod
    def of(cls, series: http.SessionSeries) -> SessionSeries:
        sessions = [LiveSession.of(session) for session in series.sessions]
        return from_contract(cls, series, sessions=sessions)


@strawberry.type
class BookendWindows:
    section_id: strawberry.ID
    prework_opens_before_minutes: int
    followup_due_after_minutes: int

    @classmethod
    def of(cls, windows: http.BookendWindows) -> BookendWindows:
        return from_contract(cls, windows)


@strawberry.input
class ScheduleLiveSessionInput:
    section_id: strawberry.ID
    lesson_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    time_zone: str = strawberry.field(description="IANA zone of the session, e.g. America/Chicago.")
    title: str | None = None
    modality: Modality = Modality.ON_SITE
    join_url: str | None = strawberry.field(
        default=None, description="An https:// link; required for virtual and hybrid sessions."
    )
    capacity: int | None = strawberry.field(
        default=None, description="Seats in the room; an on-site session must seat its section."
    )
    recurrence: str | None = strawberry.field(
        default=None,
        description=(
            "An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10 (COUNT or UNTIL required): "
            "this session is the first of a series at the same local time; the school's "
            "blackout dates are skipped."
        ),
    )

    def request(self) -> http.SessionCreate:
        # A zone-less time too is the scheduler's to refuse, as any other input (ADR 0009).
        return to_contract(http.SessionCreate, self)


SessionResult = Annotated[LiveSession | Failure, strawberry.union("SessionResult")]


@strawberry.type
class SessionsChanged:
    sessions: list[LiveSession]
    balance_warnings: list[BalanceWarning] = strawberry.field(
        description="The rules of the section's balance policy the change left broken "
        "(ADVISE mode)."
    )


SessionsResult = Annotated[SessionsChanged | Failure, strawberry.union("SessionsResult")]
BookendWindowsResult = Annotated[BookendWindows | Failure, strawberry.union("BookendWindowsResult")]


def changed_sessions(answer: http.SessionList) -> SessionsChanged:
    return SessionsChanged(
        sessions=[LiveSession.of(session) for session in answer.items],
        balance_warnings=warnings_of(answer.balance_warnings),
    )


@strawberry.type
class SessionQuery:
    @strawberry.field
    async def session(self, info: Info, id: strawberry.ID) -> LiveSession:
        return await query(info.context.clients.scheduler.get_session(id), LiveSession.of)

    @strawberry.field(description="A section's live sessions by start (Relay paging).")
    async def section_sessions(
        self, info: Info, section_id: strawberry.ID, first: First = 20, after: After = None
    ) -> Connection[LiveSession]:
        asked = checked_page(first, after, info)
        call = info.context.clients.scheduler.list_sessions(section_id, asked)
        return await query(call, lambda found: Connection.of(found, asked, LiveSession.of))

    @strawberry.field
    async def session_series(self, info: Info, id: strawberry.ID) -> SessionSeries:
        return await query(info.context.clients.scheduler.get_series(id), SessionSeries.of)

    @strawberry.field(description="The section's own bookend windows, or the defaults.")
    async def bookend_windows(self, info: Info, section_id: strawberry.ID) -> BookendWindows:
        call = info.context.clients.scheduler.get_bookend_windows(section_id)
        return await query(call, BookendWindows.of)


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

    @strawberry.mutation(
        description="Move a session still to take place; its pre-work moves with its start, "
        "its follow-up with its end. Refused (Conflict with clashes) if the new time clashes."
    )
    async def reschedule_session(
        self,
        info: Info,
        id: strawberry.ID,
        starts_at: datetime,
        ends_at: datetime,
        idempotency_key: IdempotencyKey = None,
    ) -> SessionResult:
        when = http.SessionReschedule.model_construct(starts_at=starts_at, ends_at=ends_at)
        call = info.context.clients.scheduler.reschedule_session(id, when, idempotency_key)
        return await mutate(call, LiveSession.of)

    @strawberry.mutation(
        description="Cancel a session still to take place; its bookend tasks are withdrawn."
    )
    async def cancel_session(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> SessionResult:
        call = info.context.clients.scheduler.cancel_session(id, idempotency_key)
        return await mutate(call, LiveSession.of)

    @strawberry.mutation(
        description="Move every occurrence of a series still to come to a new local time of "
        "day and length, each on its own date."
    )
    async def reschedule_series(
        self,
        info: Info,
        id: strawberry.ID,
        starts_at: Annotated[
            time, strawberry.argument(description="Local time of day, in the series' zone.")
        ],
        minutes: int,
        idempotency_key: IdempotencyKey = None,
    ) -> SessionsResult:
        when = http.SeriesReschedule.model_construct(starts_at=starts_at, minutes=minutes)
        call = info.context.clients.scheduler.reschedule_series(id, when, idempotency_key)
        return await mutate(call, changed_sessions)

    @strawberry.mutation(description="Cancel every occurrence of a series still to come.")
    async def cancel_series(
        self, info: Info, id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> SessionsResult:
        call = info.context.clients.scheduler.cancel_series(id, idempotency_key)
        return await mutate(call, changed_sessions)

    @strawberry.mutation(
        description="A section's own bookend windows, for the sessions planned from now on."
    )
    async def set_bookend_windows(
        self,
        info: Info,
        section_id: strawberry.ID,
        prework_opens_before_minutes: int,
        followup_due_after_minutes: int,
    ) -> BookendWindowsResult:
        windows = http.BookendWindowsPut.model_construct(
            prework_opens_before_minutes=prework_opens_before_minutes,
            followup_due_after_minutes=followup_due_after_minutes,
        )
        call = info.context.clients.scheduler.put_bookend_windows(section_id, windows)
        return await mutate(call, BookendWindows.of)
