"""A curriculum lead builds a lesson with media and light variants through GraphQL, is refused
publishing a video without captions (the component named), fixes it, publishes, revises and
archives it; a student reads the published lesson and picks a rendition for a thin connection,
and the scheduler plans nothing new with the archived lesson."""

from __future__ import annotations

import uuid

from bookend.auth import Role
from tests.e2e.classroom import SCHEDULE, session_input
from tests.e2e.classroom import classroom as make_classroom
from tests.e2e.client import ClientFor, Data
from tests.support.polling import eventually

CDN = "https://cdn.example.org"
LESSON_FIELDS = """id status version title minutes downloadBytes gradeBand standards
  revision { title }
  components { id title modeFit modeFitReason
    media { id kind bytes renditions { variant bytes }
      within(maxBytes: $budget) { variant url } } }"""
RESULT = f"""__typename ... on Lesson {{ {LESSON_FIELDS} }}
  ... on InvalidInput {{ code errors {{ field rule message }} }}
  ... on UserError {{ code message }}"""
CREATE = f"""mutation($input: CreateLessonInput!, $budget: Bytes! = 0) {{
  createLesson(input: $input) {{ {RESULT} }} }}"""
EDIT = f"""mutation($id: ID!, $input: CreateLessonInput!, $budget: Bytes! = 0) {{
  editLesson(id: $id, input: $input) {{ {RESULT} }} }}"""
PUBLISH = f"""mutation($id: ID!, $budget: Bytes! = 0) {{ publishLesson(id: $id) {{ {RESULT} }} }}"""
ARCHIVE = f"""mutation($id: ID!, $budget: Bytes! = 0) {{ archiveLesson(id: $id) {{ {RESULT} }} }}"""
READ = f"""query($id: ID!, $budget: Bytes!) {{ lesson(id: $id) {{ {LESSON_FIELDS} }} }}"""
VERSION = """query($id: ID!, $v: Int!) { lessonVersion(id: $id, version: $v) { version title } }"""

VIDEO: Data = {
    "kind": "VIDEO",
    "title": "Placing 3/4",
    "url": f"{CDN}/place.mp4",
    "bytes": 3_000_000_000,
    "durationSeconds": 240,
    "variants": [
        {"kind": "SMALL", "url": f"{CDN}/place-240p.mp4", "bytes": 9_000_000},
        {"kind": "AUDIO_ONLY", "url": f"{CDN}/place.m4a", "bytes": 2_000_000},
    ],
    "downloadable": True,
}
TRANSCRIPT = {"kind": "TRANSCRIPT", "url": f"{CDN}/place.txt", "bytes": 4_000}


def with_transcript(video: Data) -> Data:
    return {**video, "variants": [*video["variants"], TRANSCRIPT]}


def lesson_input(title: str, video: Data) -> Data:
    return {
        "title": title,
        "subject": "maths",
        "gradeBand": "G3_5",
        "standards": ["CCSS.MATH.CONTENT.3.NF.A.2"],
        "estimatedMinutes": 25,
        "components": [
            {"title": "Watch it placed", "kind": "MODEL", "minutes": 5, "media": [video]},
            {
                "title": "Place them together",
                "kind": "PRACTICE",
                "minutes": 20,
                "modeFit": "LIVE",
                "modeFitReason": "the class places them on one shared line",
            },
        ],
    }


async def test_a_curriculum_lead_publishes_revises_and_archives_a_lesson_with_media(
    client_for: ClientFor,
) -> None:
    tag = uuid.uuid4().hex[:8]
    lead = client_for(f"lead-{tag}", Role.DISTRICT_ADMIN)
    student = client_for(f"student-{tag}", Role.STUDENT)

    made = (await lead.run(CREATE, input=lesson_input("Fractions", VIDEO)))["createLesson"]
    assert (made["__typename"], made["status"], made["gradeBand"]) == ("Lesson", "DRAFT", "G3_5")
    assert made["downloadBytes"] == 3_000_000_000
    assert made["components"][1]["modeFitReason"] == "the class places them on one shared line"
    lesson_id = made["id"]

    refused = (await lead.run(PUBLISH, id=lesson_id))["publishLesson"]
    assert (refused["__typename"], refused["code"]) == ("InvalidInput", "LESSON_NOT_PUBLISHABLE")
    [error] = refused["errors"]
    assert (error["field"], error["rule"]) == ("components.0.media.0", "captions_or_transcript")
    assert "Watch it placed" in error["message"]

    captioned = with_transcript(VIDEO)
    component_ids = [c["id"] for c in made["components"]]
    fixed = lesson_input("Fractions", captioned)
    for component, component_id in zip(fixed["components"], component_ids, strict=True):
        component["id"] = component_id
    edited = (await lead.run(EDIT, id=lesson_id, input=fixed))["editLesson"]
    assert edited["__typename"] == "Lesson"
    published = (await lead.run(PUBLISH, id=lesson_id))["publishLesson"]
    assert (published["status"], published["version"]) == ("PUBLISHED", 1)

    # A family on a thin connection: the fullest rendition within each budget.
    picks = []
    for budget in (3_000_000_000, 10_000_000, 5_000_000, 10_000, 100):
        seen = (await student.run(READ, id=lesson_id, budget=budget))["lesson"]
        picks.append(seen["components"][0]["media"][0]["within"])
    assert [pick and pick["variant"] for pick in picks] == [
        None,
        "SMALL",
        "AUDIO_ONLY",
        "TRANSCRIPT",
        None,
    ]
    assert picks[0] == {"variant": None, "url": f"{CDN}/place.mp4"}

    revised = (await lead.run(EDIT, id=lesson_id, input={**fixed, "title": "Fractions, again"}))[
        "editLesson"
    ]
    assert (revised["title"], revised["revision"]["title"]) == ("Fractions", "Fractions, again")
    unseen = (await student.run(READ, id=lesson_id, budget=0))["lesson"]
    assert (unseen["title"], unseen["revision"]) == ("Fractions", None)
    second = (await lead.run(PUBLISH, id=lesson_id))["publishLesson"]
    assert (second["version"], second["title"]) == (2, "Fractions, again")
    first = (await student.run(VERSION, id=lesson_id, v=1))["lessonVersion"]
    assert first == {"version": 1, "title": "Fractions"}

    archived = (await lead.run(ARCHIVE, id=lesson_id))["archiveLesson"]
    assert archived["status"] == "ARCHIVED"
    again = (await lead.run(EDIT, id=lesson_id, input=fixed))["editLesson"]
    assert (again["__typename"], again["code"]) == ("Conflict", "LESSON_ARCHIVED")


async def test_a_student_cannot_write_lessons_and_another_teacher_cannot_revise_one(
    client_for: ClientFor,
) -> None:
    tag = uuid.uuid4().hex[:8]
    author = client_for(f"teacher-{tag}", Role.TEACHER)
    other = client_for(f"teacher-other-{tag}", Role.TEACHER)
    student = client_for(f"student-{tag}", Role.STUDENT)
    captioned = with_transcript(VIDEO)
    refused = (await student.run(CREATE, input=lesson_input("Mine", captioned)))["createLesson"]
    assert refused["__typename"] == "Forbidden"
    made = (await author.run(CREATE, input=lesson_input("Mine", captioned)))["createLesson"]
    await author.run(PUBLISH, id=made["id"])
    refused = (await other.run(EDIT, id=made["id"], input=lesson_input("Theirs", captioned)))[
        "editLesson"
    ]
    assert refused["__typename"] == "Forbidden"


async def test_the_scheduler_plans_nothing_new_with_an_archived_lesson(
    client_for: ClientFor,
) -> None:
    room = await make_classroom(client_for)
    captioned = with_transcript(VIDEO)
    made = (await room.teacher.run(CREATE, input=lesson_input("Soon gone", captioned)))[
        "createLesson"
    ]
    await room.teacher.run(PUBLISH, id=made["id"])
    await room.teacher.run(ARCHIVE, id=made["id"])

    async def refused() -> Data | None:
        answer = (
            await room.teacher.run(SCHEDULE, input=session_input(room.section_id, made["id"]))
        )["scheduleLiveSession"]
        rules = [(e["field"], e["rule"]) for e in answer.get("errors", [])]
        return answer if ("lesson_id", "not_archived") in rules else None

    # Until the scheduler hears of the lesson at all it says `known_lesson`; then, archived.
    answer = await eventually(refused)
    assert answer["__typename"] == "InvalidInput"
