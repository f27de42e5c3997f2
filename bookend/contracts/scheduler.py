"""Events the scheduler publishes about live sessions and on-demand tasks."""

from enum import StrEnum

from pydantic import AwareDatetime

from bookend.contracts.base import EventData


class Bookend(StrEnum):
    PRE_WORK = "pre_work"
    FOLLOW_UP = "follow_up"


class SessionScheduled(EventData):
    session_id: str
    school_id: str
    section_id: str
    lesson_id: str
    lesson_version: int
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    time_zone: str
    task_ids: list[str]


class SessionStarted(EventData):
    session_id: str
    section_id: str
    started_at: AwareDatetime


class SessionEnded(EventData):
    session_id: str
    section_id: str
    ended_at: AwareDatetime


class TaskAssigned(EventData):
    task_id: str
    section_id: str
    lesson_id: str
    component_id: str
    session_id: str | None
    bookend: Bookend | None
    title: str
    minutes: int
    opens_at: AwareDatetime
    due_at: AwareDatetime
    time_zone: str
