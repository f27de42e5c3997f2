"""A fresh roster per test, loaded through the GraphQL API by a district administrator."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bookend.auth import Role
from tests.e2e.client import Client, ClientFor, Data
from tests.support.polling import eventually

DISTRICT = "district-1"

UPSERT_SCHOOL = """mutation($id: ID!) {
  upsertSchool(id: $id, name: "Test School", timeZone: "America/Chicago") { __typename } }"""
UPSERT_SECTION = """mutation($input: SectionInput!) {
  upsertSection(input: $input) { __typename } }"""
ENROL = """mutation($section: ID!, $student: ID!, $zone: String!) {
  enrolStudent(sectionId: $section, studentId: $student, timeZone: $zone) { __typename } }"""
CREATE_LESSON = """mutation($input: CreateLessonInput!) { createLesson(input: $input) {
  __typename ... on Lesson { id components { kind modeFit } }
  ... on InvalidInput { code errors { field rule } } ... on UserError { code } } }"""
PUBLISH = """mutation($id: ID!) { publishLesson(id: $id) {
  __typename ... on Lesson { status version } ... on UserError { code } } }"""
SCHEDULE = """mutation($input: ScheduleLiveSessionInput!, $key: String) {
  scheduleLiveSession(input: $input, idempotencyKey: $key) {
  __typename
  ... on LiveSession { id startsAt endsAt seriesId tasks { id bookend title opensAt dueAt } }
  ... on InvalidInput { code errors { field rule message } }
  ... on UserError { code message } } }"""


@dataclass
class Classroom:
    section_id: str
    other_section_id: str
    teacher: Client
    chicago_student: Client
    la_student: Client
    other_student: Client
    guardian: Client
    admin: Client
    school_id: str = ""
    teacher_id: str = ""
    chicago_student_id: str = ""
    make: ClientFor | None = None

    async def third_section_with(self, student_id: str) -> tuple[str, Client]:
        """Another section of the school, with a teacher of its own, that `student_id` is in."""
        assert self.make is not None
        section_id, teacher_id = f"{self.section_id}-third", f"{self.teacher_id}-third"
        await self.admin.run(
            UPSERT_SECTION,
            input={
                "id": section_id,
                "schoolId": self.school_id,
                "name": "Science 8",
                "subject": "science",
                "timeZone": "America/Chicago",
                "teacherIds": [teacher_id],
            },
        )
        await self.admin.run(ENROL, section=section_id, student=student_id, zone="America/Chicago")
        teacher = self.make(
            teacher_id, Role.TEACHER, sections=frozenset({section_id}), zone="America/Chicago"
        )
        return section_id, teacher


async def classroom(make: ClientFor) -> Classroom:
    tag = uuid.uuid4().hex[:8]
    school, section, other = f"school-{tag}", f"section-{tag}", f"section-other-{tag}"
    teacher_id, chicago_id, la_id, other_id = (
        f"teacher-{tag}",
        f"student-chi-{tag}",
        f"student-la-{tag}",
        f"student-other-{tag}",
    )
    admin = make(f"admin-{tag}", Role.DISTRICT_ADMIN)
    await admin.run(UPSERT_SCHOOL, id=school)
    for section_id in (section, other):
        await admin.run(
            UPSERT_SECTION,
            input={
                "id": section_id,
                "schoolId": school,
                "name": "Reading 8",
                "subject": "reading",
                "timeZone": "America/Chicago",
                "teacherIds": [teacher_id],
            },
        )
    for student, zone, section_id in (
        (chicago_id, "America/Chicago", section),
        (la_id, "America/Los_Angeles", section),
        (other_id, "America/Chicago", other),
    ):
        await admin.run(ENROL, section=section_id, student=student, zone=zone)
    # Each token names its viewer's zone, as a district's identity provider would: times are
    # written in it (ADR 0045). The students' are the zones they are enrolled with.
    chicago = "America/Chicago"
    return Classroom(
        section_id=section,
        other_section_id=other,
        teacher=make(teacher_id, Role.TEACHER, sections=frozenset({section, other}), zone=chicago),
        chicago_student=make(chicago_id, Role.STUDENT, sections=frozenset({section}), zone=chicago),
        la_student=make(
            la_id, Role.STUDENT, sections=frozenset({section}), zone="America/Los_Angeles"
        ),
        other_student=make(other_id, Role.STUDENT, sections=frozenset({other}), zone=chicago),
        guardian=make(
            f"guardian-{tag}", Role.GUARDIAN, children=frozenset({chicago_id}), zone=chicago
        ),
        admin=admin,
        school_id=school,
        teacher_id=teacher_id,
        chicago_student_id=chicago_id,
        make=make,
    )


LESSON = {
    "title": "Novel discussion: philosophies of human nature",
    "subject": "reading",
    "components": [
        {"title": "Pre-reading: Hobbes and Rousseau", "kind": "INTRODUCE", "minutes": 15},
        {"title": "Annotating an argument", "kind": "MODEL", "minutes": 8},
        {"title": "Socratic seminar", "kind": "DISCUSSION", "minutes": 30},
        {"title": "Plan your essay", "kind": "AUTONOMY", "minutes": 20},
    ],
}


async def published_lesson(teacher: Client, lesson: dict[str, object] | None = None) -> str:
    created = (await teacher.run(CREATE_LESSON, input=lesson or LESSON))["createLesson"]
    assert created["__typename"] == "Lesson", created
    published = (await teacher.run(PUBLISH, id=created["id"]))["publishLesson"]
    assert published == {"__typename": "Lesson", "status": "PUBLISHED", "version": 1}
    return str(created["id"])


# Each session a test plans takes an hour of its own, 09:00 to 16:00 from two days ahead on:
# sessions at one time would clash (a section, a teacher or a student in two at once). Early
# mornings are left for tests that move sessions there.
_SLOTS = itertools.count()
SLOTS_A_DAY = 8


def session_input(section_id: str, lesson_id: str, **overrides: str) -> dict[str, str]:
    slot = next(_SLOTS)
    day = datetime.now(ZoneInfo("America/Chicago")) + timedelta(days=2 + slot // SLOTS_A_DAY)
    starts = day.replace(hour=9 + slot % SLOTS_A_DAY, minute=0, second=0, microsecond=0)
    return {
        "sectionId": section_id,
        "lessonId": lesson_id,
        "timeZone": "America/Chicago",
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(minutes=50)).isoformat(),
        **overrides,
    }


async def schedule(teacher: Client, section_id: str, lesson_id: str, **more: str) -> Data:
    """Schedule once the scheduler has learned the lesson from its event."""

    # One try: a time and the key that asks for it. Too slow on a loaded machine, the same try
    # is sent again (applied once, ADR 0013); refused because the lesson is not known yet, a
    # new try takes the next time.
    tries = [(session_input(section_id, lesson_id, **more), str(uuid.uuid4()))]

    async def scheduled() -> Data | None:
        wanted, key = tries[-1]
        body = await teacher.raw(SCHEDULE, input=wanted, key=key)
        if [e["extensions"]["code"] for e in body.get("errors", [])] == ["UNAVAILABLE"]:
            return None
        assert not body.get("errors"), body["errors"]
        result: Data = body["data"]["scheduleLiveSession"]
        if [e["rule"] for e in result.get("errors", [])] == ["known_lesson"]:
            tries.append((session_input(section_id, lesson_id, **more), str(uuid.uuid4())))
            return None  # not yet: the lesson's published event is on its way
        assert result["__typename"] == "LiveSession", result
        return result

    return await eventually(scheduled, seconds=20)
