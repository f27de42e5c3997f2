"""Issue 8's checks through GraphQL, as a curriculum lead works: a lesson with media and light
variants, refused publishing a video without captions (the component named), fixed, published,
revised and archived; a student picks a rendition for a thin connection; the scheduler plans
nothing new with an archived lesson; a unit of lessons in a curriculum, searched with filters
and paging; a lesson adopted from the shared library; another district sees none of it."""

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


CREATE_CURRICULUM = """mutation($input: CreateCurriculumInput!) { createCurriculum(input: $input) {
  __typename ... on Curriculum { id units { id } } ... on UserError { code } } }"""
ADD_UNIT = """mutation($id: ID!, $title: String!) { addUnit(curriculumId: $id, title: $title) {
  __typename ... on Curriculum { units { id title } } ... on UserError { code } } }"""
PLACE = """mutation($c: ID!, $u: ID!, $l: ID!, $at: Int) {
  placeLesson(curriculumId: $c, unitId: $u, lessonId: $l, position: $at) {
  __typename ... on Curriculum { units { lessonIds } } ... on UserError { code } } }"""
CURRICULUM = """query($id: ID!) { curriculum(id: $id) { title gradeBand
  units { title lessons { title components { media { within(maxBytes: 10000000) { variant } } } } }
} }"""
SEARCH = """query($q: String, $first: Int!, $after: String, $band: GradeBand, $kind: MediaKind,
  $max: Bytes, $curriculum: ID, $library: Library! = DISTRICT) {
  lessons(search: $q, first: $first, after: $after, gradeBand: $band, mediaKind: $kind,
          maxDownloadBytes: $max, curriculumId: $curriculum, library: $library) {
    edges { cursor node { id title shared adoptedFrom { lessonId version } } }
    pageInfo { hasNextPage endCursor } } }"""
ADOPT = """mutation($id: ID!) { adoptLesson(id: $id) {
  __typename ... on Lesson { id status title shared adoptedFrom { lessonId version } }
  ... on UserError { code } } }"""


async def test_a_curriculum_lead_builds_a_unit_searches_and_adopts_from_the_shared_library(
    client_for: ClientFor,
) -> None:
    tag = uuid.uuid4().hex[:8]
    district = f"district-lead-{tag}"
    lead = client_for(f"lead-{tag}", Role.DISTRICT_ADMIN, district=district)
    student = client_for(f"student-{tag}", Role.STUDENT, district=district)
    outsider = client_for(f"lead-out-{tag}", Role.DISTRICT_ADMIN)
    curator = client_for(f"curator-{tag}", Role.DISTRICT_ADMIN, district="shared-library")

    curriculum = (
        await lead.run(
            CREATE_CURRICULUM,
            input={"title": "Fractions, grade 3", "subject": "maths", "gradeBand": "G3_5"},
        )
    )["createCurriculum"]
    unit = (await lead.run(ADD_UNIT, id=curriculum["id"], title="Equivalence"))["addUnit"]
    unit_id = unit["units"][0]["id"]
    titles = ["Equivalent fractions", "Fractions on a number line", "Comparing fractions"]
    ids = []
    for title in titles:
        made = (await lead.run(CREATE, input=lesson_input(title, with_transcript(VIDEO))))[
            "createLesson"
        ]
        assert (await lead.run(PUBLISH, id=made["id"]))["publishLesson"]["version"] == 1
        ids.append(made["id"])
    for at, lesson_id in enumerate(ids):
        await lead.run(PLACE, c=curriculum["id"], u=unit_id, l=lesson_id, at=at)
    await lead.run(PLACE, c=curriculum["id"], u=unit_id, l=ids[2], at=0)  # moved to the front
    read = (await student.run(CURRICULUM, id=curriculum["id"]))["curriculum"]
    [equivalence] = read["units"]
    assert [lesson["title"] for lesson in equivalence["lessons"]] == [titles[2], *titles[:2]]
    within = equivalence["lessons"][0]["components"][0]["media"][0]["within"]
    assert within == {"variant": "SMALL"}  # 9 MB fits 10 MB; the 3 GB original does not

    # Search with filters, paged one at a time: title matches first.
    seen, after = [], None
    while True:
        page = (
            await student.run(
                SEARCH,
                q="fraction equivalent",
                first=1,
                after=after,
                band="G3_5",
                kind="VIDEO",
                max=3_000_000_000,
                curriculum=curriculum["id"],
            )
        )["lessons"]
        seen += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["Equivalent fractions"]  # the others hold "equivalent" nowhere
    none = (await student.run(SEARCH, q="fractions", first=10, max=1_000))["lessons"]
    assert none["edges"] == []  # every lesson's video, in full, is larger
    elsewhere = (await outsider.run(SEARCH, q="fractions", first=10))["lessons"]
    assert not {edge["node"]["id"] for edge in elsewhere["edges"]} & set(ids)

    # The shared library: a curator publishes, the district adopts a copy of its own.
    shared = (
        await curator.run(CREATE, input=lesson_input(f"Shared {tag}", with_transcript(VIDEO)))
    )["createLesson"]
    await curator.run(PUBLISH, id=shared["id"])
    library = (await lead.run(SEARCH, q=f"shared {tag}", first=5, library="SHARED"))["lessons"]
    assert [(e["node"]["id"], e["node"]["shared"]) for e in library["edges"]] == [
        (shared["id"], True)
    ]
    adopted = (await lead.run(ADOPT, id=shared["id"]))["adoptLesson"]
    assert (adopted["status"], adopted["shared"], adopted["adoptedFrom"]) == (
        "DRAFT",
        False,
        {"lessonId": shared["id"], "version": 1},
    )
    refused = (await student.run(ADOPT, id=shared["id"]))["adoptLesson"]
    assert refused["__typename"] == "Forbidden"
