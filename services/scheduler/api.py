"""The scheduler's HTTP API: thin routes over the use cases, with their request/response shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from bookend.auth import Role
from bookend.auth.fastapi import CurrentPrincipal
from bookend.clock import Clock
from bookend.contracts.catalog import ComponentKind, ModeFit
from bookend.contracts.scheduler import Bookend
from services.scheduler import domain, service
from services.scheduler.feed import FeedPage, ItemKind, ItemStatus, Position, feed_query
from services.scheduler.ports import Store
from services.scheduler.settings import SchedulerSettings


@dataclass(frozen=True, slots=True)
class SchedulerContext:
    """What the routes need, built once by the composition root."""

    store: Store
    settings: SchedulerSettings
    clock: Clock


def _context(request: Request) -> SchedulerContext:
    context: SchedulerContext = request.app.state.scheduler
    return context


Context = Annotated[SchedulerContext, Depends(_context)]
Text = Annotated[str, Field(min_length=1, max_length=200)]

router = APIRouter()


class SchoolPut(BaseModel):
    name: Text


class School(BaseModel):
    id: str
    district_id: str
    name: str

    @classmethod
    def of(cls, school: domain.School) -> School:
        return cls(id=school.id, district_id=school.district_id, name=school.name)


class SectionPut(BaseModel):
    school_id: Text
    name: Text
    subject: Text
    time_zone: Text
    teacher_ids: list[Text] = []


class Section(BaseModel):
    id: str
    district_id: str
    school_id: str
    name: str
    subject: str
    time_zone: str
    teacher_ids: list[str]

    @classmethod
    def of(cls, s: domain.Section) -> Section:
        return cls(
            id=s.id, district_id=s.district_id, school_id=s.school_id, name=s.name,
            subject=s.subject, time_zone=s.time_zone, teacher_ids=list(s.teacher_ids),
        )


class SectionList(BaseModel):
    items: list[Section]


class EnrolmentPut(BaseModel):
    time_zone: Text


class Enrolment(BaseModel):
    section_id: str
    student_id: str
    district_id: str
    time_zone: str


class LessonComponent(BaseModel):
    component_id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


class Lesson(BaseModel):
    lesson_id: str
    district_id: str
    version: int
    title: str
    subject: str
    summary: str
    components: list[LessonComponent]


class SessionCreate(BaseModel):
    section_id: Text
    lesson_id: Text
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    time_zone: Text
    title: Annotated[str, Field(max_length=200)] | None = None


class Task(BaseModel):
    id: str
    section_id: str
    session_id: str | None
    lesson_id: str
    component_id: str
    bookend: Bookend | None
    title: str
    minutes: int
    opens_at: datetime
    due_at: datetime
    time_zone: str

    @classmethod
    def of(cls, t: domain.Task) -> Task:
        return cls(
            id=t.id, section_id=t.section_id, session_id=t.session_id, lesson_id=t.lesson_id,
            component_id=t.component_id, bookend=t.bookend, title=t.title, minutes=t.minutes,
            opens_at=t.opens_at, due_at=t.due_at, time_zone=t.time_zone,
        )


class Session(BaseModel):
    id: str
    district_id: str
    school_id: str
    section_id: str
    lesson_id: str
    lesson_version: int
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    status: domain.SessionStatus
    started_at: datetime | None
    ended_at: datetime | None
    tasks: list[Task]

    @classmethod
    def of(cls, booked: domain.BookendedSession) -> Session:
        s = booked.session
        return cls(
            id=s.id, district_id=s.district_id, school_id=s.school_id, section_id=s.section_id,
            lesson_id=s.lesson_id, lesson_version=s.lesson_version, title=s.title,
            starts_at=s.starts_at, ends_at=s.ends_at, time_zone=s.time_zone, status=s.status,
            started_at=s.started_at, ended_at=s.ended_at,
            tasks=[Task.of(task) for task in booked.tasks],
        )


class SessionList(BaseModel):
    items: list[Session]


class FeedItem(BaseModel):
    item_id: str
    kind: ItemKind
    section_id: str
    session_id: str | None
    lesson_id: str
    title: str
    bookend: Bookend | None
    minutes: int
    status: ItemStatus
    starts_at: datetime | None
    ends_at: datetime | None
    opens_at: datetime | None
    due_at: datetime | None
    actionable_at: datetime
    rule_time_zone: str
    cursor: str  # opaque: pass it as `after` to read the items that follow this one


class PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None


class Feed(BaseModel):
    items: list[FeedItem]
    page_info: PageInfo
    time_zone: str

    @classmethod
    def of(cls, page: FeedPage) -> Feed:
        return cls(
            items=[
                FeedItem(
                    item_id=i.item_id, kind=i.kind, section_id=i.section_id,
                    session_id=i.session_id, lesson_id=i.lesson_id, title=i.title,
                    bookend=i.bookend, minutes=i.minutes, status=status, starts_at=i.starts_at,
                    ends_at=i.ends_at, opens_at=i.opens_at, due_at=i.due_at,
                    actionable_at=i.actionable_at, rule_time_zone=i.rule_time_zone,
                    cursor=Position.of(i).cursor(),
                )
                for i, status in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            time_zone=page.time_zone,
        )


@router.put("/schools/{school_id}")
async def put_school(
    school_id: str, body: SchoolPut, principal: CurrentPrincipal, ctx: Context
) -> School:
    school = await service.put_school(
        school_id, name=body.name, principal=principal, store=ctx.store
    )
    return School.of(school)


@router.put("/sections/{section_id}")
async def put_section(
    section_id: str, body: SectionPut, principal: CurrentPrincipal, ctx: Context
) -> Section:
    section = await service.put_section(
        section_id, school_id=body.school_id, name=body.name, subject=body.subject,
        time_zone=body.time_zone, teacher_ids=body.teacher_ids, principal=principal,
        store=ctx.store,
    )
    return Section.of(section)


@router.put("/sections/{section_id}/enrolments/{student_id}")
async def put_enrolment(
    section_id: str, student_id: str, body: EnrolmentPut, principal: CurrentPrincipal,
    ctx: Context,
) -> Enrolment:
    enrolled = await service.enrol(
        section_id, student_id, time_zone=body.time_zone, principal=principal, store=ctx.store,
        clock=ctx.clock,
    )
    return Enrolment(
        section_id=section_id, student_id=student_id, district_id=enrolled.enrolment.district_id,
        time_zone=enrolled.learner.time_zone,
    )


@router.get("/sections")
async def list_sections(principal: CurrentPrincipal, ctx: Context) -> SectionList:
    sections = await service.list_sections(principal=principal, store=ctx.store)
    return SectionList(items=[Section.of(section) for section in sections])


@router.get("/sections/{section_id}")
async def get_section(section_id: str, principal: CurrentPrincipal, ctx: Context) -> Section:
    return Section.of(await service.get_section(section_id, principal=principal, store=ctx.store))


@router.get("/lessons/{lesson_id}")
async def get_lesson(lesson_id: str, principal: CurrentPrincipal, ctx: Context) -> Lesson:
    lesson = await service.get_lesson(lesson_id, principal=principal, store=ctx.store)
    return Lesson(
        lesson_id=lesson.lesson_id, district_id=lesson.district_id, version=lesson.version,
        title=lesson.title, subject=lesson.subject, summary=lesson.summary,
        components=[
            LessonComponent(component_id=c.component_id, title=c.title, kind=c.kind,
                            mode_fit=c.mode_fit, minutes=c.minutes)
            for c in lesson.components
        ],
    )


@router.post("/sessions", status_code=201)
async def schedule_session(
    body: SessionCreate, principal: CurrentPrincipal, ctx: Context
) -> Session:
    booked = await service.schedule_session(
        section_id=body.section_id, lesson_id=body.lesson_id, starts_at=body.starts_at,
        ends_at=body.ends_at, time_zone=body.time_zone, title=body.title, principal=principal,
        store=ctx.store, windows=ctx.settings.windows,
    )
    return Session.of(booked)


@router.get("/sessions/{session_id}")
async def get_session(session_id: str, principal: CurrentPrincipal, ctx: Context) -> Session:
    return Session.of(await service.get_session(session_id, principal=principal, store=ctx.store))


@router.get("/sections/{section_id}/sessions")
async def list_sessions(
    section_id: str,
    principal: CurrentPrincipal,
    ctx: Context,
    starts: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    ends: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> SessionList:
    sessions = await service.list_sessions(
        section_id, starts=starts, ends=ends, principal=principal, store=ctx.store
    )
    return SessionList(items=[Session.of(booked) for booked in sessions])


@router.post("/sessions/{session_id}/start")
async def start_session(session_id: str, principal: CurrentPrincipal, ctx: Context) -> Session:
    booked = await service.start_session(
        session_id, principal=principal, store=ctx.store, clock=ctx.clock
    )
    return Session.of(booked)


@router.post("/sessions/{session_id}/end")
async def end_session(session_id: str, principal: CurrentPrincipal, ctx: Context) -> Session:
    booked = await service.end_session(
        session_id, principal=principal, store=ctx.store, clock=ctx.clock
    )
    return Session.of(booked)


@router.get("/feed")
async def read_feed(
    principal: CurrentPrincipal,
    ctx: Context,
    student_id: str | None = None,
    first: int | None = None,
    after: str | None = None,
    starts: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    ends: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    kinds: str | None = None,
    statuses: str | None = None,
) -> Feed:
    own = principal.subject if principal.has(Role.STUDENT) else None
    query = feed_query(
        student_id=student_id or own, first=first, after=after, starts=starts,
        ends=ends, kinds=kinds, statuses=statuses, page_default=ctx.settings.feed_page_default,
        page_max=ctx.settings.feed_page_max,
    )
    page = await service.read_feed(query, principal=principal, store=ctx.store, clock=ctx.clock)
    return Feed.of(page)
