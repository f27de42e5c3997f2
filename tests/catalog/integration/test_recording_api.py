"""Recordings over HTTP against the real embedded broker and store: the catalog learns
sessions from the scheduler's topic, a recording attached to an ended session leaves as
`recording.published` through the outbox, and refusals name their rule and change nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent, Topic, new_event
from bookend.contracts.scheduler import SessionEnded, SessionScheduled, SessionStarted
from bookend.eventbus import KafkaPublisher, KafkaSettings
from bookend.mongo import MongoSettings, connect
from bookend.outbox.inbox import INBOX
from services.catalog.app import create_app
from services.catalog.recordings.store import SESSIONS
from services.catalog.settings import CatalogSettings
from tests.support.auth import bearer
from tests.support.polling import eventually
from tests.support.running import Fresh, watching

Json = dict[str, Any]
SECTION = "sec-x"
TEACHER = bearer("teacher-1", Role.TEACHER, sections=frozenset({SECTION}))
OTHER_TEACHER = bearer("teacher-2", Role.TEACHER, sections=frozenset({"sec-y"}))
STUDENT = bearer("student-1", Role.STUDENT, sections=frozenset({SECTION}))
OTHER_STUDENT = bearer("student-2", Role.STUDENT, sections=frozenset({"sec-y"}))
OTHER_DISTRICT = bearer(
    "teacher-9", Role.TEACHER, district="district-2", sections=frozenset({SECTION})
)
CDN = "https://cdn.example.org"
BODY: Json = {
    "url": f"{CDN}/seminar.mp4",
    "duration_seconds": 2950,
    "bytes": 900_000_000,
    "chapters": [
        {"title": "Opening question", "starts_at_second": 0},
        {"title": "Hobbes", "starts_at_second": 600},
    ],
    "captions": [{"language": "en", "url": f"{CDN}/seminar.en.vtt"}],
    "variants": [{"kind": "audio_only", "url": f"{CDN}/seminar.m4a", "bytes": 40_000_000}],
}
AT = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)


@dataclass
class Recordings:
    http: httpx.AsyncClient
    publisher: KafkaPublisher
    database: str
    lesson_id: str = field(default_factory=lambda: f"lesson-{uuid.uuid4().hex[:8]}")

    def session_id(self) -> str:
        return f"session-{uuid.uuid4().hex[:8]}"

    def scheduled(self, session_id: str, section_id: str = SECTION) -> CloudEvent:
        payload = SessionScheduled(
            district_id="district-1",
            session_id=session_id,
            school_id="school-1",
            section_id=section_id,
            lesson_id=self.lesson_id,
            lesson_version=2,
            title="Socratic seminar",
            starts_at=AT,
            ends_at=AT + timedelta(minutes=50),
            time_zone="America/Chicago",
            task_ids=[],
        )
        return new_event("bookend/scheduler", payload)

    def started(self, session_id: str, section_id: str = SECTION) -> CloudEvent:
        payload = SessionStarted(
            district_id="district-1", session_id=session_id, section_id=section_id, started_at=AT
        )
        return new_event("bookend/scheduler", payload)

    def ended(self, session_id: str, section_id: str = SECTION) -> CloudEvent:
        payload = SessionEnded(
            district_id="district-1",
            session_id=session_id,
            section_id=section_id,
            ended_at=AT + timedelta(minutes=50),
        )
        return new_event("bookend/scheduler", payload)

    async def hear(self, *events: CloudEvent) -> None:
        """As the scheduler would publish them, in this order (one section: one partition)."""
        for event in events:
            await self.publisher.publish(event)

    async def attach(
        self,
        session_id: str,
        body: Json = BODY,
        headers: dict[str, str] = TEACHER,
    ) -> httpx.Response:
        return await self.http.post(f"/sessions/{session_id}/recording", json=body, headers=headers)

    async def attached_once_heard(
        self, session_id: str, body: Json = BODY, headers: dict[str, str] = TEACHER
    ) -> Json:
        """Attach as soon as the catalog has heard the session ended (refusals change nothing)."""

        async def attached() -> Json | None:
            response = await self.attach(session_id, body, headers)
            if response.status_code in (404, 409):
                code = response.json()["code"]
                assert code in ("SESSION_NOT_FOUND", "SESSION_NOT_ENDED"), response.text
                return None
            assert response.status_code == 201, response.text
            created: Json = response.json()
            return created

        return await eventually(attached)

    async def ended_session(self, section_id: str = SECTION) -> str:
        session_id = self.session_id()
        await self.hear(
            self.scheduled(session_id, section_id),
            self.started(session_id, section_id),
            self.ended(session_id, section_id),
        )
        return session_id


@pytest.fixture
async def recordings(fresh: Fresh, publisher: KafkaPublisher) -> AsyncIterator[Recordings]:
    settings = fresh.settings(CatalogSettings, "catalog")
    async with fresh.serve(create_app, settings, "catalog") as it:
        yield Recordings(it.http, publisher, settings.database)


def rules(response: httpx.Response) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


async def test_a_recording_of_an_ended_session_is_published_to_kafka_and_readable(
    recordings: Recordings, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    session_id = recordings.session_id()
    async with watching(kafka_settings, [Topic.CATALOG_RECORDING], unique("watch")) as received:
        await recordings.hear(recordings.scheduled(session_id), recordings.started(session_id))

        async def known_but_live() -> bool:
            response = await recordings.attach(session_id)
            code: str = response.json()["code"]
            return code == "SESSION_NOT_ENDED"

        await eventually(known_but_live)  # heard of, and refused until it ends
        await recordings.hear(recordings.ended(session_id))
        recording = await recordings.attached_once_heard(session_id)
        await eventually(lambda: [e for e in received if e.subject == session_id])
    assert (recording["session_id"], recording["section_id"]) == (session_id, SECTION)
    assert (recording["lesson_id"], recording["lesson_version"]) == (recordings.lesson_id, 2)
    assert (recording["kind"], recording["mode_fit"], recording["minutes"]) == (
        "model",
        "on_demand",
        50,
    )
    assert recording["title"] == recording["media"]["title"] == "Socratic seminar"
    assert [r["variant"] for r in recording["media"]["renditions"]] == [None, "audio_only"]
    assert recording["chapters"] == BODY["chapters"]
    [event] = [e for e in received if e.subject == session_id]
    assert (event.type, event.source, event.key) == (
        "bookend.catalog.recording.published.v1",
        "bookend/catalog",
        SECTION,
    )
    assert event.data["component_id"] == recording["id"]
    assert (event.data["lesson_id"], event.data["minutes"]) == (recordings.lesson_id, 50)
    assert (event.data["url"], event.data["bytes"]) == (BODY["url"], BODY["bytes"])
    on_session = await recordings.http.get(f"/sessions/{session_id}/recording", headers=STUDENT)
    assert on_session.json() == recording
    of_lesson = await recordings.http.get(
        f"/lessons/{recordings.lesson_id}/recordings", headers=STUDENT
    )
    assert of_lesson.json()["items"] == [recording]
    assert of_lesson.json()["page_info"] == {
        "has_next_page": False,
        "end_cursor": of_lesson.json()["cursors"][-1],
        "total_count": None,  # counted only when asked
    }
    counted = await recordings.http.get(
        f"/lessons/{recordings.lesson_id}/recordings", headers=STUDENT, params={"total": "true"}
    )
    assert counted.json()["page_info"]["total_count"] == 1


async def test_an_end_heard_before_its_schedule_is_not_lost(recordings: Recordings) -> None:
    session_id = recordings.session_id()
    await recordings.hear(
        recordings.ended(session_id),
        recordings.started(session_id),
        recordings.scheduled(session_id),
    )
    recording = await recordings.attached_once_heard(session_id)
    assert recording["lesson_id"] == recordings.lesson_id


async def test_a_repeated_session_event_is_applied_once(
    recordings: Recordings, mongo_settings: MongoSettings
) -> None:
    session_id = recordings.session_id()
    scheduled = recordings.scheduled(session_id)
    await recordings.hear(scheduled, recordings.ended(session_id), scheduled)
    # The same id again, telling another lesson: the inbox skips it, so the lesson stays.
    await recordings.hear(replace(scheduled, data=scheduled.data | {"lesson_id": "lesson-other"}))
    # One partition keeps order: once a later session of the section is known, those were read.
    later = await recordings.ended_session()
    await recordings.attached_once_heard(later)
    recording = await recordings.attached_once_heard(session_id)
    assert recording["lesson_id"] == recordings.lesson_id
    client = connect(mongo_settings)
    try:
        db = client[recordings.database]
        assert await db[SESSIONS].count_documents({"session_id": session_id}) == 1
        assert await db[INBOX].count_documents({"event_id": scheduled.id}) == 1
    finally:
        await client.close()


async def test_refusals_name_their_rule_and_publish_nothing(
    recordings: Recordings, kafka_settings: KafkaSettings, unique: Callable[[str], str]
) -> None:
    async with watching(kafka_settings, [Topic.CATALOG_RECORDING], unique("watch")) as received:
        unrecorded = await recordings.ended_session()
        recorded = await recordings.ended_session()
        # One section, one partition: once the later session is known, so is the earlier.
        first = await recordings.attached_once_heard(recorded)
        unknown = await recordings.attach("session-never-heard-of")
        assert (unknown.status_code, unknown.json()["code"]) == (404, "SESSION_NOT_FOUND")
        again = await recordings.attach(recorded, BODY | {"url": f"{CDN}/other.mp4"})
        assert (again.status_code, again.json()["code"]) == (409, "RECORDING_EXISTS")
        for headers, status, code in (
            (STUDENT, 403, "FORBIDDEN"),
            (OTHER_TEACHER, 403, "FORBIDDEN"),
            (OTHER_DISTRICT, 404, "SESSION_NOT_FOUND"),
        ):
            refused = await recordings.attach(unrecorded, headers=headers)
            assert (refused.status_code, refused.json()["code"]) == (status, code)
        invalid = await recordings.attach(
            unrecorded,
            BODY
            | {
                "url": "file:///etc/passwd",
                "captions": [],
                "variants": [],
                "chapters": [{"title": "Late", "starts_at_second": 4000}],
            },
        )
        assert invalid.status_code == 422, invalid.text
        assert rules(invalid) == {
            ("url", "url"),
            ("captions", "captions_or_transcript"),
            ("chapters.0.starts_at_second", "within_duration"),
        }
        # The relay sends in commit order: once this one arrives, a refusal's would have.
        last = await recordings.attached_once_heard(unrecorded)
        await eventually(lambda: [e for e in received if e.subject == unrecorded])
    ours = {recorded, unrecorded}
    assert [e.data["component_id"] for e in received if e.subject in ours] == [
        first["id"],
        last["id"],
    ]
    kept = await recordings.http.get(f"/sessions/{recorded}/recording", headers=TEACHER)
    assert kept.json() == first


async def test_students_read_their_own_sections_recordings_and_staff_every_one(
    recordings: Recordings,
) -> None:
    mine = await recordings.attached_once_heard(await recordings.ended_session())
    theirs = await recordings.attached_once_heard(
        await recordings.ended_session("sec-y"), headers=OTHER_TEACHER
    )
    path = f"/lessons/{recordings.lesson_id}/recordings"

    async def listed(headers: dict[str, str]) -> list[str]:
        response = await recordings.http.get(path, headers=headers)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert await listed(TEACHER) == [theirs["id"], mine["id"]]  # newest first
    first = (await recordings.http.get(path, params={"first": 1}, headers=TEACHER)).json()
    assert [r["id"] for r in first["items"]] == [theirs["id"]]
    assert first["page_info"]["has_next_page"] is True
    after = first["page_info"]["end_cursor"]
    rest = (await recordings.http.get(path, params={"after": after}, headers=TEACHER)).json()
    assert ([r["id"] for r in rest["items"]], rest["page_info"]["has_next_page"]) == (
        [mine["id"]],
        False,
    )
    assert await listed(STUDENT) == [mine["id"]]
    assert await listed(OTHER_STUDENT) == [theirs["id"]]
    assert await listed(OTHER_DISTRICT) == []
    refused = await recordings.http.get(
        f"/sessions/{mine['session_id']}/recording", headers=OTHER_STUDENT
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    none = await recordings.http.get("/sessions/session-none/recording", headers=TEACHER)
    assert (none.status_code, none.json()["code"]) == (404, "RECORDING_NOT_FOUND")


async def test_an_attach_retried_with_its_key_answers_as_the_first_time(
    recordings: Recordings,
) -> None:
    session_id = await recordings.ended_session()
    keyed = TEACHER | {"Idempotency-Key": str(uuid.uuid4())}
    first = await recordings.attached_once_heard(session_id, headers=keyed)
    retried = await recordings.attach(session_id, headers=keyed)
    assert (retried.status_code, retried.json()) == (201, first)
    assert retried.headers["Idempotent-Replayed"] == "true"
    unkeyed = await recordings.attach(session_id)
    assert (unkeyed.status_code, unkeyed.json()["code"]) == (409, "RECORDING_EXISTS")
