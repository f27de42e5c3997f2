"""The table of event types: each payload model's type name, topic, key and classification."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from bookend.contracts.base import Classification, EventData
from bookend.contracts.catalog import LessonPublished
from bookend.contracts.feedback import CheckInRecorded
from bookend.contracts.scheduler import (
    SessionEnded,
    SessionScheduled,
    SessionStarted,
    TaskAssigned,
)
from bookend.contracts.topics import Topic


@dataclass(frozen=True, slots=True)
class EventSpec:
    type: str
    topic: Topic
    # `builtins.type` because the `type` field above shadows the builtin inside this class body.
    model: builtins.type[EventData]
    classification: Classification
    # The record key keeps one aggregate's (for sessions and tasks: one section's) events in order.
    key_field: str
    subject_field: str
    description: str

    def key(self, payload: Any) -> str:
        return str(getattr(payload, self.key_field))

    def subject(self, payload: Any) -> str:
        return str(getattr(payload, self.subject_field))

    def parse(self, data: dict[str, Any]) -> EventData:
        return self.model.model_validate(data)


EVENT_SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        "bookend.catalog.lesson.published.v1",
        Topic.CATALOG_LESSON,
        LessonPublished,
        Classification.PUBLIC,
        "lesson_id",
        "lesson_id",
        "A lesson version was published and may be scheduled.",
    ),
    EventSpec(
        "bookend.scheduler.session.scheduled.v1",
        Topic.SCHEDULER_SESSION,
        SessionScheduled,
        Classification.INTERNAL,
        "section_id",
        "session_id",
        "A live session was scheduled for a section, with its bookend tasks.",
    ),
    EventSpec(
        "bookend.scheduler.session.started.v1",
        Topic.SCHEDULER_SESSION,
        SessionStarted,
        Classification.INTERNAL,
        "section_id",
        "session_id",
        "The teacher started a live session; its live channel opens.",
    ),
    EventSpec(
        "bookend.scheduler.session.ended.v1",
        Topic.SCHEDULER_SESSION,
        SessionEnded,
        Classification.INTERNAL,
        "section_id",
        "session_id",
        "The teacher ended a live session; its live channel closes.",
    ),
    EventSpec(
        "bookend.scheduler.task.assigned.v1",
        Topic.SCHEDULER_TASK,
        TaskAssigned,
        Classification.INTERNAL,
        "section_id",
        "task_id",
        "An on-demand task was assigned to a section with its window.",
    ),
    EventSpec(
        "bookend.feedback.checkin.recorded.v1",
        Topic.FEEDBACK_CHECKIN,
        CheckInRecorded,
        Classification.RESTRICTED,
        "section_id",
        "session_id",
        "A student checked in during a live session (opaque student id, no note text).",
    ),
)

_BY_MODEL: dict[type[EventData], EventSpec] = {spec.model: spec for spec in EVENT_SPECS}
_BY_TYPE: dict[str, EventSpec] = {spec.type: spec for spec in EVENT_SPECS}


def spec_for(model: type[Any]) -> EventSpec:
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered event payload") from None


def spec_for_type(event_type: str) -> EventSpec | None:
    return _BY_TYPE.get(event_type)


def parse_data(event_type: str, data: dict[str, Any]) -> EventData:
    spec = spec_for_type(event_type)
    if spec is None:
        raise LookupError(f"unknown event type {event_type!r}")
    return spec.parse(data)
