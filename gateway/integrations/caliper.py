"""IMS Caliper 1.2 projection of Bookend's public events, for endpoints that ask for Caliper.

Pure: a CloudEvent in, one Caliper event (a JSON-LD dict) out, or None where Caliper has no
event that fits. The table of what maps to what, and why the rest does not, is
docs/integrations/caliper.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeAlias, TypeVar
from urllib.parse import quote, urlsplit

from bookend.contracts import CloudEvent, EventData, spec_for, spec_for_type
from bookend.contracts.catalog import (
    LessonArchived,
    LessonPublished,
    LessonRevised,
    LessonVersionData,
    RecordingPublished,
)
from bookend.contracts.feedback import (
    AttendanceSummarized,
    BalanceAssessed,
    CheckInsSummarized,
    ProgressRecorded,
    PromptClosed,
    PulseSubmitted,
    TaskProgress,
)
from bookend.contracts.scheduler import (
    BalanceWarning,
    SessionCancelled,
    SessionEnded,
    SessionRescheduled,
    SessionScheduled,
    SessionStarted,
    TaskAssigned,
    TaskRescheduled,
    TaskWithdrawn,
)

JSON: TypeAlias = dict[str, object]
Payload = TypeVar("Payload", bound=EventData)

CALIPER_CONTEXT = "http://purl.imsglobal.org/ctx/caliper/v1p2"
# Fixed for ever: a CloudEvent id that is not a UUID names its Caliper event through it, so a
# retried or replayed delivery carries the same Caliper id and receivers deduplicate on it.
EVENT_ID_NAMESPACE = uuid.UUID("6470c293-02ed-4c07-a2c0-ad31e1903055")

# The Resource Management and Assignable profiles admit only a Person as the actor of their
# events. Bookend's catalog and scheduler events name no person (no author, no teacher), and
# none is invented: with Bookend itself as the actor, the General Profile's generic Event is
# the one Caliper allows, with the action and object the specific profile would have used.
GENERAL = ("Event", "GeneralProfile")
ASSIGNABLE = ("AssignableEvent", "AssignableProfile")


@dataclass(frozen=True, slots=True)
class _Iris:
    """Entity IRIs under one district of the deployment's base IRI: opaque ids only."""

    base: str
    district: str

    @classmethod
    def under(cls, base_iri: str, district_id: str) -> _Iris:
        parts = urlsplit(base_iri)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(
                f"base_iri {base_iri[:80]!r} must be an absolute http(s) IRI without a query"
            )
        return cls(
            base_iri.rstrip("/"), f"{base_iri.rstrip('/')}/districts/{_segment(district_id)}"
        )

    def of(self, collection: str, id_: str) -> str:
        return f"{self.district}/{collection}/{_segment(id_)}"

    def app(self) -> JSON:
        return {"id": self.base, "type": "SoftwareApplication"}

    def person(self, person_id: str) -> JSON:
        return {"id": self.of("people", person_id), "type": "Person"}

    def section(self, section_id: str) -> JSON:
        return {"id": self.of("sections", section_id), "type": "CourseSection"}

    def organization(self) -> JSON:
        return {"id": self.district, "type": "Organization"}

    def lesson(self, lesson_id: str, version: int | None = None) -> JSON:
        resource: JSON = {"id": self.of("lessons", lesson_id), "type": "DigitalResource"}
        return resource if version is None else {**resource, "version": str(version)}

    def task(self, task_id: str) -> str:
        return self.of("tasks", task_id)


@dataclass(frozen=True, slots=True)
class _Projected:
    """What a mapping decides; `project` adds what every Caliper event carries."""

    kind: tuple[str, str]  # the event type and its governing profile
    action: str
    actor: JSON
    object: JSON
    at: datetime | None  # None: the CloudEvent's time, for a payload without a moment of its own
    group: JSON
    generated: JSON | None = None
    extensions: JSON = field(default_factory=dict)


_Projector: TypeAlias = Callable[[EventData, _Iris], _Projected]


def project(event: CloudEvent, *, base_iri: str) -> JSON | None:
    """The Caliper 1.2 event for a public event, or None where Caliper has no fitting event."""
    spec = spec_for_type(event.type)
    projector = _PROJECTORS.get(event.type)
    if spec is None or projector is None:
        return None
    payload = spec.parse(event.data)
    iris = _Iris.under(base_iri, payload.district_id)
    projected = projector(payload, iris)
    caliper_type, profile = projected.kind
    return _compact(
        {
            "@context": CALIPER_CONTEXT,
            "id": caliper_event_id(event.id),
            "type": caliper_type,
            "profile": profile,
            "actor": projected.actor,
            "action": projected.action,
            "object": projected.object,
            "eventTime": caliper_time(projected.at or event.time),
            "edApp": iris.app(),
            "group": projected.group,
            "generated": projected.generated,
            "extensions": {
                "bookendEventId": event.id,
                "bookendEventType": event.type,
                **projected.extensions,
            },
        }
    )


def caliper_event_id(cloud_event_id: str) -> str:
    """`urn:uuid:<uuid>`: the CloudEvent's own id when it is a UUID, else a UUID derived from
    it, so the same CloudEvent always gives the same Caliper id."""
    try:
        return uuid.UUID(cloud_event_id).urn
    except ValueError:
        return uuid.uuid5(EVENT_ID_NAMESPACE, cloud_event_id).urn


def caliper_time(moment: datetime) -> str:
    """YYYY-MM-DDTHH:mm:ss.SSSZ in UTC, as every Caliper date and time must be."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def caliper_duration(seconds: int) -> str:
    """An ISO 8601 duration: PT1H2M3S, PT0S for nothing."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n]
    return "PT" + ("".join(parts) or "0S")


# --- the mappings ---------------------------------------------------------------------------


def _lesson_version(payload: LessonVersionData, iris: _Iris, action: str) -> _Projected:
    lesson = {
        **iris.lesson(payload.lesson_id, payload.version),
        "name": payload.title,
        "description": payload.summary,
        "datePublished": caliper_time(payload.published_at),
        "extensions": {
            "subject": payload.subject,
            "gradeBand": payload.grade_band.value if payload.grade_band else None,
            "estimatedMinutes": payload.estimated_minutes,
            "standards": payload.standards,
        },
    }
    return _Projected(
        GENERAL, action, iris.app(), lesson, payload.published_at, iris.organization()
    )


def _lesson_published(payload: LessonPublished, iris: _Iris) -> _Projected:
    return _lesson_version(payload, iris, "Published")


def _lesson_revised(payload: LessonRevised, iris: _Iris) -> _Projected:
    return _lesson_version(payload, iris, "Modified")


def _lesson_archived(payload: LessonArchived, iris: _Iris) -> _Projected:
    lesson = iris.lesson(payload.lesson_id, payload.version)
    return _Projected(
        GENERAL, "Archived", iris.app(), lesson, payload.archived_at, iris.organization()
    )


def _recording_published(payload: RecordingPublished, iris: _Iris) -> _Projected:
    # A recording is always a video (the catalog's recordings are MediaKind.VIDEO).
    video: JSON = {
        "id": iris.of("recordings", payload.component_id),
        "type": "VideoObject",
        "name": payload.title,
        "duration": caliper_duration(payload.duration_seconds),
        "datePublished": caliper_time(payload.published_at),
        "isPartOf": iris.lesson(payload.lesson_id, payload.lesson_version),
        "extensions": {"session": iris.of("sessions", payload.session_id)},
    }
    section = iris.section(payload.section_id)
    return _Projected(GENERAL, "Published", iris.app(), video, payload.published_at, section)


def _task_assigned(payload: TaskAssigned, iris: _Iris) -> _Projected:
    task: JSON = {
        "id": iris.task(payload.task_id),
        "type": "AssignableDigitalResource",
        "name": payload.title,
        "dateToActivate": caliper_time(payload.opens_at),
        "dateToSubmit": caliper_time(payload.due_at),
        "isPartOf": iris.lesson(payload.lesson_id),
        "extensions": {
            "minutes": payload.minutes,
            "bookend": payload.bookend.value if payload.bookend else None,
            "session": iris.of("sessions", payload.session_id) if payload.session_id else None,
        },
    }
    return _Projected(
        GENERAL, "Activated", iris.app(), task, None, iris.section(payload.section_id)
    )


def _task_rescheduled(payload: TaskRescheduled, iris: _Iris) -> _Projected:
    task: JSON = {
        "id": iris.task(payload.task_id),
        "type": "AssignableDigitalResource",
        "dateToActivate": caliper_time(payload.opens_at),
        "dateToSubmit": caliper_time(payload.due_at),
    }
    return _Projected(GENERAL, "Modified", iris.app(), task, None, iris.section(payload.section_id))


def _task_withdrawn(payload: TaskWithdrawn, iris: _Iris) -> _Projected:
    task: JSON = {"id": iris.task(payload.task_id), "type": "AssignableDigitalResource"}
    section = iris.section(payload.section_id)
    return _Projected(GENERAL, "Deactivated", iris.app(), task, payload.withdrawn_at, section)


def _progress_recorded(payload: ProgressRecorded, iris: _Iris) -> _Projected:
    completed = payload.state is TaskProgress.COMPLETED
    task = iris.task(payload.task_id)
    student = iris.person(payload.student_id)
    # Bookend merges every report of a student on a task into one progress (ADR 0033): one
    # attempt, whose duration is the time spent so far.
    attempt: JSON = {
        "id": f"{task}/attempts/{_segment(payload.student_id)}",
        "type": "Attempt",
        "assignee": student["id"],
        "assignable": task,
        "count": 1,
        "startedAtTime": caliper_time(payload.started_at) if payload.started_at else None,
        "endedAtTime": caliper_time(payload.completed_at) if payload.completed_at else None,
        "duration": caliper_duration(payload.time_spent_seconds),
    }
    moment = payload.completed_at if completed else payload.started_at
    return _Projected(
        ASSIGNABLE,
        "Completed" if completed else "Started",
        student,
        {"id": task, "type": "AssignableDigitalResource"},
        moment or payload.occurred_at,
        iris.section(payload.section_id),
        generated=attempt,
        # Progress is published each time it changes; a reader keeps the highest count.
        extensions={
            "positionSeconds": payload.position_seconds,
            "reportCount": payload.report_count,
        },
    )


def _row(
    model: type[Payload], projector: Callable[[Payload, _Iris], _Projected]
) -> tuple[str, _Projector]:
    def checked(payload: EventData, iris: _Iris) -> _Projected:
        if not isinstance(payload, model):
            raise TypeError(f"{type(payload).__name__} is not a {model.__name__}")
        return projector(payload, iris)

    return spec_for(model).type, checked


_PROJECTORS: Mapping[str, _Projector] = dict(
    (
        _row(LessonPublished, _lesson_published),
        _row(LessonRevised, _lesson_revised),
        _row(LessonArchived, _lesson_archived),
        _row(RecordingPublished, _recording_published),
        # A task's assignment and its new window carry no moment of their own: the CloudEvent's
        # time, when the scheduler made the change, is theirs.
        _row(TaskAssigned, _task_assigned),
        _row(TaskRescheduled, _task_rescheduled),
        _row(TaskWithdrawn, _task_withdrawn),
        _row(ProgressRecorded, _progress_recorded),
    )
)

MAPPED_TYPES: frozenset[str] = frozenset(_PROJECTORS)


def envelope(caliper_event: JSON, *, sensor: str, sent_at: datetime) -> JSON:
    """The Sensor API envelope (§5.2) a Caliper endpoint expects around the events of a POST:
    here the one event of a delivery."""
    return {
        "sensor": sensor,
        "sendTime": caliper_time(sent_at),
        "dataVersion": CALIPER_CONTEXT,
        "data": [caliper_event],
    }


# Public types with no Caliper event, each with the reason (docs/integrations/caliper.md says
# more). A new public type fails tests/integrations until it is mapped or listed here.
NOT_MAPPED: Mapping[str, str] = {
    spec_for(SessionScheduled).type: "Caliper has no entity for a live class meeting and no"
    " event for scheduling one; SessionEvent is a person's login session",
    spec_for(SessionStarted).type: "SessionEvent models a person's login session, not a class"
    " meeting; the teacher who started it is not named",
    spec_for(SessionEnded).type: "as session started",
    spec_for(SessionRescheduled).type: "as session scheduled",
    spec_for(SessionCancelled).type: "as session scheduled",
    spec_for(BalanceWarning).type: "a planning policy's figures: no Caliper profile models them",
    spec_for(AttendanceSummarized).type: "Caliper 1.2 has no attendance event, and one event"
    " per delivery cannot name each student's attendance",
    spec_for(BalanceAssessed).type: "derived analytics (figures and flags), not an activity",
    spec_for(PulseSubmitted).type: "the Survey profile carries answers only as one"
    " QuestionnaireItemEvent per item; one event could not carry them",
    spec_for(PromptClosed).type: "a class's aggregate of answers (counts only): Caliper's"
    " assessment events are one person's",
    spec_for(CheckInsSummarized).type: "a session's counts of check-ins: no actor, and no"
    " Caliper event for an aggregate",
}


def _segment(id_: str) -> str:
    """An opaque id as one path segment, whatever characters it has."""
    return quote(id_, safe="")


def _compact(value: JSON) -> JSON:
    """Caliper: properties with a null or empty value SHOULD be left out."""
    compacted: JSON = {}
    for key, item in value.items():
        if isinstance(item, dict):
            item = _compact(item)
        if item is None or item == {} or item == []:
            continue
        compacted[key] = item
    return compacted
