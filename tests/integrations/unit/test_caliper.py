"""The Caliper 1.2 projection: which public events become which Caliper events, with what
actor and object, deterministic ids, and nothing about a person but an opaque id."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import BaseModel

from bookend.contracts import PUBLIC_EVENT_SPECS, CloudEvent, new_event
from bookend.contracts.catalog import (
    ComponentKind,
    GradeBand,
    LessonArchived,
    LessonComponentData,
    LessonPublished,
    LessonRevised,
    ModeFit,
    RecordingPublished,
)
from bookend.contracts.feedback import ProgressRecorded, TaskProgress
from bookend.contracts.scheduler import (
    Bookend,
    FeedsChanged,
    SessionStarted,
    TaskAssigned,
    TaskRescheduled,
    TaskWithdrawn,
)
from gateway.integrations.caliper import (
    CALIPER_CONTEXT,
    MAPPED_TYPES,
    NOT_MAPPED,
    caliper_duration,
    caliper_event_id,
    project,
)

BASE = "https://bookend.example"
DISTRICT = "d1"
AT = datetime(2026, 3, 2, 14, 30, 5, 123456, tzinfo=UTC)
DOC = Path(__file__).parents[3] / "docs" / "integrations" / "caliper.md"
CALIPER_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
BOOKEND = {"id": BASE, "type": "SoftwareApplication"}


def lesson_fields() -> dict[str, object]:
    component = LessonComponentData(
        component_id="comp-1",
        title="Watch the model",
        kind=ComponentKind.MODEL,
        mode_fit=ModeFit.ON_DEMAND,
        minutes=12,
    )
    return {
        "district_id": DISTRICT,
        "lesson_id": "lesson-1",
        "title": "Fractions on a number line",
        "subject": "math",
        "summary": "Place fractions between 0 and 1.",
        "components": [component],
        "published_at": AT,
        "grade_band": GradeBand.G3_5,
        "standards": ["CCSS.MATH.3.NF.A.2"],
    }


def progress(state: TaskProgress = TaskProgress.STARTED, **changes: object) -> ProgressRecorded:
    fields: dict[str, object] = {
        "district_id": DISTRICT,
        "report_id": "rep-1",
        "task_id": "task-1",
        "section_id": "sec-1",
        "student_id": "stu-7",
        "state": state,
        "position_seconds": 95,
        "time_spent_seconds": 3725,
        "occurred_at": AT,
        "recorded_at": AT + timedelta(seconds=2),
        "started_at": AT - timedelta(minutes=30),
        "completed_at": AT if state is TaskProgress.COMPLETED else None,
        "report_count": 3,
    }
    return ProgressRecorded.model_validate(fields | changes)


# One payload of each mapped type, with the Caliper type and action it must become.
EXAMPLES: dict[str, tuple[BaseModel, str, str]] = {
    "lesson published": (
        LessonPublished.model_validate(lesson_fields() | {"version": 1}),
        "Event",
        "Published",
    ),
    "lesson revised": (
        LessonRevised.model_validate(lesson_fields() | {"version": 2}),
        "Event",
        "Modified",
    ),
    "lesson archived": (
        LessonArchived(district_id=DISTRICT, lesson_id="lesson-1", version=2, archived_at=AT),
        "Event",
        "Archived",
    ),
    "recording published": (
        RecordingPublished(
            district_id=DISTRICT,
            component_id="rec-1",
            session_id="ses-1",
            section_id="sec-1",
            lesson_id="lesson-1",
            lesson_version=2,
            title="Tuesday's seminar",
            kind=ComponentKind.MODEL,
            mode_fit=ModeFit.ON_DEMAND,
            minutes=46,
            url="https://media.example/rec-1.mp4",
            duration_seconds=2750,
            bytes=1_000_000,
            published_at=AT,
        ),
        "Event",
        "Published",
    ),
    "task assigned": (
        TaskAssigned(
            district_id=DISTRICT,
            task_id="task-1",
            section_id="sec-1",
            lesson_id="lesson-1",
            component_id="comp-1",
            session_id="ses-1",
            bookend=Bookend.PRE_WORK,
            title="Watch the model",
            minutes=12,
            opens_at=AT,
            due_at=AT + timedelta(days=2),
            time_zone="America/Chicago",
        ),
        "Event",
        "Activated",
    ),
    "task rescheduled": (
        TaskRescheduled(
            district_id=DISTRICT,
            task_id="task-1",
            section_id="sec-1",
            session_id=None,
            opens_at=AT + timedelta(days=1),
            due_at=AT + timedelta(days=3),
        ),
        "Event",
        "Modified",
    ),
    "task withdrawn": (
        TaskWithdrawn(
            district_id=DISTRICT,
            task_id="task-1",
            section_id="sec-1",
            session_id=None,
            withdrawn_at=AT,
        ),
        "Event",
        "Deactivated",
    ),
    "progress started": (progress(), "AssignableEvent", "Started"),
    "progress completed": (progress(TaskProgress.COMPLETED), "AssignableEvent", "Completed"),
}


def caliper_of(payload: BaseModel, *, event_id: str | None = None) -> dict[str, object]:
    projected = project(new_event("bookend/test", payload, event_id=event_id), base_iri=BASE)
    assert projected is not None
    return projected


def dicts_in(value: object) -> Iterator[dict[str, object]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from dicts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from dicts_in(item)


def test_every_public_event_type_is_mapped_or_listed_as_not_mapped() -> None:
    undecided = {spec.type for spec in PUBLIC_EVENT_SPECS} - MAPPED_TYPES - NOT_MAPPED.keys()
    assert not undecided, f"decide whether Caliper has an event for {sorted(undecided)}"
    assert not MAPPED_TYPES & NOT_MAPPED.keys()


def test_only_public_event_types_are_mapped() -> None:
    assert {spec.type for spec in PUBLIC_EVENT_SPECS} >= MAPPED_TYPES


def test_the_examples_cover_every_mapped_type() -> None:
    assert {new_event("s", payload).type for payload, _, _ in EXAMPLES.values()} == MAPPED_TYPES


def test_the_doc_names_every_public_event_type() -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [spec.type for spec in PUBLIC_EVENT_SPECS if f"`{spec.type}`" not in doc]
    assert not missing


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_mapped_event_becomes_its_caliper_type_and_action(name: str) -> None:
    payload, caliper_type, action = EXAMPLES[name]

    caliper = caliper_of(payload)

    assert (caliper["type"], caliper["action"]) == (caliper_type, action)
    assert caliper["profile"] == (
        "AssignableProfile" if caliper_type == "AssignableEvent" else "GeneralProfile"
    )


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_caliper_event_has_the_properties_caliper_requires(name: str) -> None:
    caliper = caliper_of(EXAMPLES[name][0])

    assert caliper["@context"] == CALIPER_CONTEXT
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", str(caliper["id"]))
    assert CALIPER_TIME.match(str(caliper["eventTime"]))
    assert caliper["edApp"] == BOOKEND
    for entity in ("actor", "object", "group"):
        value = caliper[entity]
        assert isinstance(value, dict) and {"id", "type"} <= value.keys()
        assert str(value["id"]).startswith(f"{BASE}/") or value == BOOKEND


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_property_is_null_or_empty(name: str) -> None:
    for entity in dicts_in(caliper_of(EXAMPLES[name][0])):
        assert all(value not in (None, {}, []) for value in entity.values()), entity


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_entity_is_an_iri_under_the_district(name: str) -> None:
    caliper = caliper_of(EXAMPLES[name][0])
    entities = [entity for entity in dicts_in(caliper) if "type" in entity and "id" in entity]
    entities.remove(caliper)

    for entity in entities:
        assert entity == BOOKEND or str(entity["id"]).startswith(f"{BASE}/districts/{DISTRICT}")


def test_a_person_is_named_by_an_opaque_id_and_nothing_else() -> None:
    people = [
        entity
        for payload, _, _ in EXAMPLES.values()
        for entity in dicts_in(caliper_of(payload))
        if entity.get("type") == "Person"
    ]

    assert people == [{"id": f"{BASE}/districts/{DISTRICT}/people/stu-7", "type": "Person"}] * 2


def test_an_opaque_id_stays_one_segment_of_its_iri() -> None:
    caliper = caliper_of(progress(student_id="a/b?c#d"))

    assert caliper["actor"] == {
        "id": f"{BASE}/districts/{DISTRICT}/people/a%2Fb%3Fc%23d",
        "type": "Person",
    }


@pytest.mark.parametrize(
    "name",
    [name for name, (_, caliper_type, _) in EXAMPLES.items() if caliper_type == "Event"],
)
def test_bookend_is_the_actor_where_no_person_acted(name: str) -> None:
    assert caliper_of(EXAMPLES[name][0])["actor"] == BOOKEND


def test_a_student_is_the_actor_of_their_progress() -> None:
    caliper = caliper_of(progress())

    assert caliper["actor"] == {"id": f"{BASE}/districts/{DISTRICT}/people/stu-7", "type": "Person"}
    assert caliper["object"] == {
        "id": f"{BASE}/districts/{DISTRICT}/tasks/task-1",
        "type": "AssignableDigitalResource",
    }


def test_progress_generates_the_students_one_attempt_with_the_time_spent() -> None:
    caliper = caliper_of(progress(TaskProgress.COMPLETED), event_id="evt-1")

    assert caliper["generated"] == {
        "id": f"{BASE}/districts/{DISTRICT}/tasks/task-1/attempts/stu-7",
        "type": "Attempt",
        "assignee": f"{BASE}/districts/{DISTRICT}/people/stu-7",
        "assignable": f"{BASE}/districts/{DISTRICT}/tasks/task-1",
        "count": 1,
        "startedAtTime": "2026-03-02T14:00:05.123Z",
        "endedAtTime": "2026-03-02T14:30:05.123Z",
        "duration": "PT1H2M5S",
    }
    assert caliper["extensions"] == {
        "bookendEventId": "evt-1",
        "bookendEventType": "bookend.feedback.progress.recorded.v1",
        "positionSeconds": 95,
        "reportCount": 3,
    }


def test_started_progress_is_timed_at_the_start_and_completed_at_the_completion() -> None:
    assert caliper_of(progress())["eventTime"] == "2026-03-02T14:00:05.123Z"
    assert caliper_of(progress(TaskProgress.COMPLETED))["eventTime"] == "2026-03-02T14:30:05.123Z"
    assert caliper_of(progress(started_at=None))["eventTime"] == "2026-03-02T14:30:05.123Z"


def test_a_task_assignment_carries_its_window_and_its_lesson() -> None:
    caliper = caliper_of(EXAMPLES["task assigned"][0])

    assert caliper["object"] == {
        "id": f"{BASE}/districts/{DISTRICT}/tasks/task-1",
        "type": "AssignableDigitalResource",
        "name": "Watch the model",
        "dateToActivate": "2026-03-02T14:30:05.123Z",
        "dateToSubmit": "2026-03-04T14:30:05.123Z",
        "isPartOf": {
            "id": f"{BASE}/districts/{DISTRICT}/lessons/lesson-1",
            "type": "DigitalResource",
        },
        "extensions": {
            "minutes": 12,
            "bookend": "pre_work",
            "session": f"{BASE}/districts/{DISTRICT}/sessions/ses-1",
        },
    }
    assert caliper["group"] == {
        "id": f"{BASE}/districts/{DISTRICT}/sections/sec-1",
        "type": "CourseSection",
    }


def test_a_task_without_a_moment_of_its_own_is_timed_by_its_cloud_event() -> None:
    event = replace(
        new_event("bookend/test", EXAMPLES["task rescheduled"][0]),
        time=datetime(2026, 3, 2, 9, 0, 0, 7999, tzinfo=timezone(timedelta(hours=-6))),
    )

    caliper = project(event, base_iri=BASE)

    assert caliper is not None and caliper["eventTime"] == "2026-03-02T15:00:00.007Z"


def test_a_recording_is_a_video_of_its_lesson_for_its_section() -> None:
    caliper = caliper_of(EXAMPLES["recording published"][0])

    assert caliper["object"] == {
        "id": f"{BASE}/districts/{DISTRICT}/recordings/rec-1",
        "type": "VideoObject",
        "name": "Tuesday's seminar",
        "duration": "PT45M50S",
        "datePublished": "2026-03-02T14:30:05.123Z",
        "isPartOf": {
            "id": f"{BASE}/districts/{DISTRICT}/lessons/lesson-1",
            "type": "DigitalResource",
            "version": "2",
        },
        "extensions": {"session": f"{BASE}/districts/{DISTRICT}/sessions/ses-1"},
    }


def test_a_revised_lesson_is_the_same_resource_at_its_new_version() -> None:
    published = caliper_of(EXAMPLES["lesson published"][0])["object"]
    revised = caliper_of(EXAMPLES["lesson revised"][0])["object"]

    assert isinstance(published, dict) and isinstance(revised, dict)
    assert published["id"] == revised["id"] == f"{BASE}/districts/{DISTRICT}/lessons/lesson-1"
    assert (published["version"], revised["version"]) == ("1", "2")
    assert revised["extensions"] == {
        "subject": "math",
        "gradeBand": "3-5",
        "standards": ["CCSS.MATH.3.NF.A.2"],
    }


def test_the_caliper_id_is_the_cloud_event_id_when_that_is_a_uuid() -> None:
    event_id = str(uuid.uuid4())

    assert caliper_of(progress(), event_id=event_id)["id"] == f"urn:uuid:{event_id}"


def test_the_caliper_id_of_any_other_event_id_is_derived_the_same_way_every_time() -> None:
    first = caliper_event_id("evt-000042")

    assert first == caliper_event_id("evt-000042") != caliper_event_id("evt-000043")
    assert uuid.UUID(first.removeprefix("urn:uuid:")).version == 5


def test_projecting_an_event_again_gives_the_same_caliper_event() -> None:
    event = new_event("bookend/test", EXAMPLES["lesson published"][0])

    assert project(event, base_iri=BASE) == project(event, base_iri=BASE + "/")


def test_events_without_a_caliper_mapping_give_none() -> None:
    started = new_event(
        "bookend/test",
        SessionStarted(district_id=DISTRICT, session_id="s", section_id="x", started_at=AT),
    )
    internal = new_event("bookend/test", FeedsChanged(district_id=DISTRICT, student_ids=["a"]))
    unknown = CloudEvent("e", "src", "bookend.nothing.v1", "s", AT, DISTRICT, "k", "t", {})

    assert started.type in NOT_MAPPED
    assert [project(e, base_iri=BASE) for e in (started, internal, unknown)] == [None] * 3


@pytest.mark.parametrize("base_iri", ["bookend.example", "ftp://bookend.example", "https://b/?q=1"])
def test_a_base_iri_that_is_not_an_absolute_http_iri_is_refused(base_iri: str) -> None:
    with pytest.raises(ValueError, match="base_iri"):
        project(new_event("bookend/test", progress()), base_iri=base_iri)


def test_durations_are_iso_8601() -> None:
    assert [caliper_duration(s) for s in (0, 59, 60, 3600, 3725)] == [
        "PT0S",
        "PT59S",
        "PT1M",
        "PT1H",
        "PT1H2M5S",
    ]


def test_a_delivery_is_one_event_in_a_sensor_api_envelope() -> None:
    from datetime import UTC, datetime

    from gateway.integrations.caliper import CALIPER_CONTEXT, envelope

    event: dict[str, object] = {"id": "urn:uuid:1", "type": "Event"}
    sent = envelope(
        event, sensor="https://bookend.example", sent_at=datetime(2026, 11, 25, tzinfo=UTC)
    )
    assert sent == {
        "sensor": "https://bookend.example",
        "sendTime": "2026-11-25T00:00:00.000Z",
        "dataVersion": CALIPER_CONTEXT,
        "data": [event],
    }
