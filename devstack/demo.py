"""Demo data, loaded through the public GraphQL API; loading twice changes nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bookend.auth import issue_token
from devstack.demo_pulse import load_pulses
from devstack.demo_week import Class, load_week
from devstack.graphql_client import GraphQLClient
from devstack.users import (
    DEMO_USERS,
    ELA_8,
    MATH_7,
    OAKRIDGE,
    READING_2,
    RIVERSIDE,
    USERS_BY_ID,
)

CHICAGO = "America/Chicago"


@dataclass(frozen=True)
class DemoLesson:
    teacher: str
    section: str
    title: str
    subject: str
    summary: str
    components: tuple[tuple[str, str, int], ...]  # (title, kind, minutes)
    days_ahead: int
    local_start: tuple[int, int]
    minutes: int
    grade_band: str | None = None  # GraphQL's name, e.g. "G6_8"
    standards: tuple[str, ...] = ()
    media: tuple[tuple[int, dict[str, Any]], ...] = ()  # (component index, MediaInput)


MEDIA = "https://media.lakeside.example"


def video(slug: str, title: str, seconds: int, megabytes: int) -> dict[str, Any]:
    """A recorded mini-lesson as the district's media team publishes them: captions in English
    and Spanish, and every light variant for homes with limited internet."""
    return {
        "kind": "VIDEO",
        "title": title,
        "url": f"{MEDIA}/{slug}/720p.mp4",
        "bytes": megabytes * 1_000_000,
        "durationSeconds": seconds,
        "captions": [
            {"language": language, "url": f"{MEDIA}/{slug}/captions.{language}.vtt"}
            for language in ("en", "es")
        ],
        "variants": [
            {"kind": "SMALL", "url": f"{MEDIA}/{slug}/240p.mp4", "bytes": megabytes * 150_000},
            {"kind": "AUDIO_ONLY", "url": f"{MEDIA}/{slug}/audio.m4a", "bytes": seconds * 8_000},
            {"kind": "TRANSCRIPT", "url": f"{MEDIA}/{slug}/transcript.txt", "bytes": seconds * 20},
        ],
        "downloadable": True,
    }


LESSONS = (
    DemoLesson(
        "teacher-okafor",
        READING_2,
        "Phonics: the /sh/ sound",
        "reading",
        "Hear, say and spell the digraph sh at the start and end of words.",
        (
            ("Meet the sh sound (video)", "introduce", 6),
            ("Watch me blend sh words", "model", 5),
            ("Sort sh and s picture cards", "practice", 10),
            ("Read sh words against the clock", "fluency", 5),
            ("Say it back: live sound check", "feedback", 10),
        ),
        1,
        (9, 30),
        30,
        "K_2",
        ("CCSS.ELA-LITERACY.RF.K.3",),
        (
            (0, video("sh-sound", "The sh sound", 300, 40)),
            (1, video("sh-blending", "Blending sh words", 270, 35)),
        ),
    ),
    DemoLesson(
        "teacher-rivera",
        ELA_8,
        "Middle Ages vocabulary",
        "reading",
        "Words for life in a medieval town: serf, guild, manor, tithe, apprentice.",
        (
            ("Ten words from a medieval town", "introduce", 10),
            ("Using context clues", "model", 8),
            ("Match words to scenes", "practice", 12),
            ("Who had power? Discussion", "discussion", 15),
            ("Vocabulary fluency drill", "fluency", 8),
        ),
        1,
        (10, 0),
        45,
        "G6_8",
        ("CCSS.ELA-LITERACY.L.8.4",),
        ((1, video("context-clues", "Context clues, step by step", 420, 60)),),
    ),
    DemoLesson(
        "teacher-rivera",
        ELA_8,
        "Theme in texts",
        "reading",
        "Tell a topic from a theme and support a theme with evidence from the text.",
        (
            ("What a theme is (and is not)", "introduce", 12),
            ("Tracing a theme in a fable", "model", 10),
            ("Debate: which theme fits best?", "discussion", 20),
            ("Write a theme statement", "autonomy", 15),
        ),
        3,
        (10, 0),
        45,
    ),
    DemoLesson(
        "teacher-rivera",
        ELA_8,
        "Novel discussion: Lord of the Flies, chapters 1-4",
        "reading",
        "Are people good by nature? Read Hobbes and Rousseau before discussing the island.",
        (
            ("Pre-reading: Hobbes and Rousseau on human nature", "introduce", 15),
            ("How to annotate an argument", "model", 8),
            ("Socratic seminar", "discussion", 30),
            ("Quick feedback on your claims", "feedback", 10),
            ("Follow-up: plan your argument essay", "autonomy", 20),
        ),
        2,
        (13, 0),
        50,
    ),
    DemoLesson(
        "teacher-rivera",
        MATH_7,
        "Proportional relationships",
        "mathematics",
        "Recognise proportional relationships in tables, graphs and equations.",
        (
            ("Ratios that stay the same", "introduce", 10),
            ("Worked example: unit rate", "model", 8),
            ("Table or not? Practice set", "practice", 15),
            ("Unit-rate fluency", "fluency", 8),
            ("Explain your graph to a partner", "discussion", 15),
        ),
        2,
        (9, 0),
        45,
        "G6_8",
        ("CCSS.MATH.CONTENT.7.RP.A.2",),
        ((1, video("unit-rate", "Finding a unit rate", 450, 65)),),
    ),
)

# The lesson of the week's two live sessions held (devstack/demo_week.py).
WEEK_LESSON = LESSONS[1]
# A curriculum of the district with one unit of the demo's lessons, by their titles.
CURRICULUM = ("Lakeside Literacy, grade 8", "reading", "G6_8")
UNIT = ("Words and themes", ("Middle Ages vocabulary", "Theme in texts"))
# One lesson of the shared library, to adopt.
SHARED = DemoLesson(
    "curator-obi",
    "",
    "Main idea and supporting details",
    "reading",
    "Find what a paragraph is mostly about, and the sentences that hold it up.",
    (
        ("What a main idea is", "introduce", 6),
        ("Finding it in a short article", "model", 8),
        ("Sort the details", "practice", 12),
    ),
    0,
    (0, 0),
    0,
    "G3_5",
    ("CCSS.ELA-LITERACY.RI.3.2",),
    ((1, video("main-idea", "Finding the main idea", 420, 55)),),
)

SCHOOLS = ((OAKRIDGE, "Oakridge Elementary"), (RIVERSIDE, "Riverside Middle"))
SECTIONS = (
    (READING_2, OAKRIDGE, "Reading 2B", "reading", CHICAGO, ["teacher-okafor"], "K_2"),
    (ELA_8, RIVERSIDE, "ELA 8A", "reading", CHICAGO, ["teacher-rivera"], "G6_8"),
    (MATH_7, RIVERSIDE, "Math 7C", "mathematics", CHICAGO, ["teacher-rivera"], "G6_8"),
)
# ELA 8A's balance policy, in advise mode: at least 60 % of each week's planned minutes on
# demand, live minutes a day capped by its grade band (6-8: 150). Its live-heavy week of
# discussions and conferences falls short of the share, so its scheduling answers, its
# `balance warned` events and its weekly plan show warnings.
BALANCE_POLICY = (ELA_8, "teacher-rivera", {"minOnDemandShare": 0.6, "mode": "ADVISE"})

UPSERT_SCHOOL = """mutation($id: ID!, $name: String!, $zone: String!) {
  upsertSchool(id: $id, name: $name, timeZone: $zone) {
  __typename ... on UserError { code message } } }"""
UPSERT_SECTION = """mutation($input: SectionInput!) { upsertSection(input: $input) {
  __typename ... on UserError { code message } } }"""
ENROL = """mutation($section: ID!, $student: ID!, $zone: String!) {
  enrolStudent(sectionId: $section, studentId: $student, timeZone: $zone) {
  __typename ... on UserError { code message } } }"""
LESSONS_QUERY = """query { lessons(first: 100) { nodes { id title status } } }"""
CREATE_LESSON = """mutation($input: CreateLessonInput!) { createLesson(input: $input) {
  __typename ... on Lesson { id } ... on UserError { code message } } }"""
PUBLISH = """mutation($id: ID!) { publishLesson(id: $id) {
  __typename ... on UserError { code message } } }"""
CURRICULA = """query { curricula(first: 100) { nodes { id title units { id title } } } }"""
CREATE_CURRICULUM = """mutation($input: CreateCurriculumInput!) { createCurriculum(input: $input) {
  __typename ... on Curriculum { id units { id title } } ... on UserError { code message } } }"""
ADD_UNIT = """mutation($id: ID!, $title: String!) { addUnit(curriculumId: $id, title: $title) {
  __typename ... on Curriculum { units { id title } } ... on UserError { code message } } }"""
PLACE = """mutation($c: ID!, $u: ID!, $l: ID!, $at: Int) {
  placeLesson(curriculumId: $c, unitId: $u, lessonId: $l, position: $at) {
  __typename ... on UserError { code message } } }"""
SECTION_SESSIONS = """query($section: ID!, $after: String) {
  sectionSessions(sectionId: $section, first: 100, after: $after) {
  nodes { lessonId status endsAt seriesId } pageInfo { hasNextPage endCursor } } }"""
SCHEDULE = """mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) {
  __typename ... on LiveSession { id } ... on UserError { code message }
  ... on InvalidInput { errors { field rule } } } }"""
SET_BALANCE_POLICY = """mutation($id: ID!, $input: BalancePolicyInput!) {
  setBalancePolicy(sectionId: $id, input: $input) {
  __typename ... on UserError { code message } } }"""
ASSESS_BALANCE = """mutation($section: ID!) { assessBalance(sectionId: $section) {
  __typename ... on UserError { code message } } }"""
VIEWER = """query { viewer { id } }"""
CALENDAR_LINKS = """query($student: ID, $after: String) {
  calendarLinks(studentId: $student, first: 100, after: $after) {
  nodes { id createdBy } pageInfo { hasNextPage endCursor } } }"""
CREATE_CALENDAR_LINK = """mutation($student: ID) { createCalendarLink(studentId: $student) {
  __typename ... on CalendarLink { id url } ... on UserError { code message } } }"""
REVOKE_CALENDAR_LINK = """mutation($id: ID!) { revokeCalendarLink(id: $id) {
  __typename ... on UserError { code message } } }"""

# A weekly series in ELA 8A: a short live reading conference on Tuesdays and Thursdays.
SERIES = DemoLesson(
    "teacher-rivera",
    ELA_8,
    "Reading conference",
    "reading",
    "Bring your independent-reading book: a short live check on what you read this week.",
    (
        ("Log what you read this week", "practice", 5),
        ("Reading conference", "discussion", 20),
        ("Set next week's reading goal", "autonomy", 5),
    ),
    1,
    (8, 30),
    20,
    "G6_8",
)
SERIES_RULE = "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=12"
# The family calendar the demo makes: Amara's, for her guardian.
CALENDAR_FOR = ("guardian-lindqvist", "student-amara")
# A demo session that clashes with one kept from an earlier run moves on a day, this often.
DAYS_TO_TRY = 14


@dataclass(frozen=True)
class DemoLoaded:
    """What `make run` tells about the demo once it is loaded."""

    calendar_url: str  # a secret link: shown once, the one before it revoked


class DemoLoadFailed(RuntimeError):
    pass


def _expect(result: dict[str, Any], typename: str | None = None) -> dict[str, Any]:
    if "code" in result or (typename and result.get("__typename") != typename):
        raise DemoLoadFailed(str(result))
    return result


def load_demo(gateway_url: str, secret: str, *, now: datetime | None = None) -> DemoLoaded:
    """Roster, a balance policy in advise mode, lessons, live sessions in the coming days (a
    recurring series among them) and a family calendar link; each step skips what already
    exists (or sets it again as it was), and a run on a later day plans sessions again where
    the earlier ones are over."""

    def client(user_id: str) -> GraphQLClient:
        return GraphQLClient(gateway_url, issue_token(secret, USERS_BY_ID[user_id].principal))

    admin = client("admin-castellanos")
    for school_id, name in SCHOOLS:
        upserted = admin.execute(UPSERT_SCHOOL, id=school_id, name=name, zone=CHICAGO)
        _expect(upserted["upsertSchool"])
    for section_id, school_id, name, subject, zone, teachers, band in SECTIONS:
        section = {
            "id": section_id,
            "schoolId": school_id,
            "name": name,
            "subject": subject,
            "timeZone": zone,
            "teacherIds": teachers,
            "gradeBand": band,
        }
        _expect(admin.execute(UPSERT_SECTION, input=section)["upsertSection"])
    section_id, teacher_id, policy = BALANCE_POLICY
    set_policy = client(teacher_id).execute(SET_BALANCE_POLICY, id=section_id, input=policy)
    _expect(set_policy["setBalancePolicy"], "BalancePolicy")
    for user in DEMO_USERS:
        if user.time_zone and user.principal.district == "district-lakeside":
            for section_id in sorted(user.principal.sections):
                _expect(
                    admin.execute(ENROL, section=section_id, student=user.id, zone=user.time_zone)[
                        "enrolStudent"
                    ]
                )
    now = now or datetime.now(ZoneInfo(CHICAGO))
    for lesson in LESSONS:
        _load_lesson(client(lesson.teacher), lesson, now)
    _load_lesson(client(SERIES.teacher), SERIES, now, recurrence=SERIES_RULE)
    _published(client(SHARED.teacher), SHARED)
    _load_curriculum(admin)
    load_pulses(gateway_url, secret)  # this week's, by feedback's clock: not `now`'s
    # Two live sessions held this week, by the real clock (feedback's and the scheduler's).
    ela_8 = Class(ELA_8, CHICAGO, client("teacher-rivera"), client("student-amara"))
    vocabulary = _published(ela_8.teacher, WEEK_LESSON)
    load_week(ela_8, vocabulary, now=datetime.now(ZoneInfo(CHICAGO)))
    # The week assessed and published: its flags become proposals for the teacher (ADR 0038).
    assessed = client(BALANCE_POLICY[1]).execute(ASSESS_BALANCE, section=BALANCE_POLICY[0])
    _expect(assessed["assessBalance"], "BalanceAssessment")
    return DemoLoaded(calendar_url=_family_calendar(client(CALENDAR_FOR[0]), CALENDAR_FOR[1]))


def _family_calendar(guardian: GraphQLClient, student_id: str) -> str:
    """A new link to the student's calendar; the demo's link of an earlier run is revoked (its
    secret was shown then and is not kept), so reruns keep one. The guardian's links are
    known by their own id as the API gives it (a global id, not the token's subject)."""
    guardian_id = guardian.execute(VIEWER)["viewer"]["id"]
    for link in guardian.every_node(CALENDAR_LINKS, "calendarLinks", student=student_id):
        if link["createdBy"] == guardian_id:
            _expect(guardian.execute(REVOKE_CALENDAR_LINK, id=link["id"])["revokeCalendarLink"])
    made = guardian.execute(CREATE_CALENDAR_LINK, student=student_id)["createCalendarLink"]
    return str(_expect(made, "CalendarLink")["url"])


def _load_curriculum(admin: GraphQLClient) -> None:
    title, subject, band = CURRICULUM
    found = [c for c in admin.execute(CURRICULA)["curricula"]["nodes"] if c["title"] == title]
    if found:
        curriculum = found[0]
    else:
        created = admin.execute(
            CREATE_CURRICULUM, input={"title": title, "subject": subject, "gradeBand": band}
        )["createCurriculum"]
        curriculum = _expect(created, "Curriculum")
    unit_title, lesson_titles = UNIT
    units = {u["title"]: u["id"] for u in curriculum["units"]}
    if unit_title not in units:
        added = _expect(admin.execute(ADD_UNIT, id=curriculum["id"], title=unit_title)["addUnit"])
        units = {u["title"]: u["id"] for u in added["units"]}
    lessons = {n["title"]: n["id"] for n in admin.execute(LESSONS_QUERY)["lessons"]["nodes"]}
    for position, lesson_title in enumerate(lesson_titles):
        placed = admin.execute(
            PLACE, c=curriculum["id"], u=units[unit_title], l=lessons[lesson_title], at=position
        )["placeLesson"]
        _expect(placed, "Curriculum")


def _published(author: GraphQLClient, lesson: DemoLesson) -> str:
    """The lesson's id, created and published unless it already is."""
    existing = {n["title"]: n for n in author.execute(LESSONS_QUERY)["lessons"]["nodes"]}
    found = existing.get(lesson.title)
    if found is None:
        media = dict(lesson.media)
        body = {
            "title": lesson.title,
            "subject": lesson.subject,
            "summary": lesson.summary,
            "gradeBand": lesson.grade_band,
            "standards": list(lesson.standards),
            "components": [
                {
                    "title": t,
                    "kind": k.upper(),
                    "minutes": m,
                    "media": [media[n]] if n in media else [],
                }
                for n, (t, k, m) in enumerate(lesson.components)
            ],
        }
        created = author.execute(CREATE_LESSON, input=body)["createLesson"]
        lesson_id = _expect(created, "Lesson")["id"]
        status = "DRAFT"
    else:
        lesson_id, status = found["id"], found["status"]
    if status == "DRAFT":
        _expect(author.execute(PUBLISH, id=lesson_id)["publishLesson"])
    return str(lesson_id)


def _load_lesson(
    teacher: GraphQLClient, lesson: DemoLesson, now: datetime, *, recurrence: str | None = None
) -> None:
    """A session of the lesson (or a series of them) in the coming days, unless one is still
    to come: on the first day after `lesson.days_ahead` whose time is free."""
    lesson_id = _published(teacher, lesson)
    sessions = teacher.every_node(SECTION_SESSIONS, "sectionSessions", section=lesson.section)
    ahead = [
        s
        for s in sessions
        if s["lessonId"] == lesson_id
        and s["status"] in ("SCHEDULED", "LIVE")
        and datetime.fromisoformat(s["endsAt"]) > now
    ]
    if ahead:
        return
    zone = ZoneInfo(CHICAGO)
    weekdays = _weekdays(recurrence)
    deadline = time.monotonic() + 30
    extra = 0
    while extra < DAYS_TO_TRY:
        day = (now.astimezone(zone) + timedelta(days=lesson.days_ahead + extra)).date()
        starts = datetime(day.year, day.month, day.day, *lesson.local_start, tzinfo=zone)
        if weekdays and WEEKDAYS[starts.weekday()] not in weekdays:
            extra += 1  # a series starts on one of its own days
            continue
        session = {
            "sectionId": lesson.section,
            "lessonId": lesson_id,
            "timeZone": CHICAGO,
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(minutes=lesson.minutes)).isoformat(),
        }
        if recurrence is not None:
            session["recurrence"] = recurrence
        result = teacher.execute(SCHEDULE, input=session)["scheduleLiveSession"]
        rules = {e.get("rule") for e in result.get("errors", [])}
        if "known_lesson" in rules and time.monotonic() < deadline:
            time.sleep(0.2)  # the scheduler learns the lesson from its published event
            continue
        if result.get("code") == "SCHEDULE_CONFLICT":
            extra += 1  # a session kept from an earlier run holds that time
            continue
        _expect(result, "LiveSession")
        return
    raise DemoLoadFailed(f"no free time for {lesson.title!r} in {DAYS_TO_TRY} days")


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _weekdays(rule: str | None) -> set[str]:
    """The BYDAY days of a rule, or none."""
    for part in (rule or "").split(";"):
        name, _, value = part.partition("=")
        if name == "BYDAY":
            return set(value.split(","))
    return set()
