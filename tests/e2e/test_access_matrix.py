"""Every query, mutation and subscription, with each role of a district and every role of
another one, on that district's real ids: whoever may not gets nothing read and nothing changed.

One district ("A") gets two schools, three sections, a draft and a published lesson, a
scheduled session, a live one with a check-in, and ended ones, one with its recording. Each
row of the tables below names one field of the schema and the principals allowed; every other
principal is refused, and an outsider's token carries A's own ids in its claims (the same
subjects, sections, school and children).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.clock import IsoWeek
from bookend.contracts import CloudEvent, new_event
from bookend.contracts.catalog import SHARED_LIBRARY
from bookend.contracts.feedback import (
    AssessedFigures,
    AssessedFlag,
    BalanceAssessed,
    BalanceFlag,
    StudentBalance,
)
from bookend.eventbus import KafkaPublisher, KafkaSettings
from devstack.stack import RunningStack
from tests.e2e.classroom import CREATE_LESSON, LESSON, published_lesson, schedule, session_input
from tests.e2e.client import Client, Data, graphql_ws
from tests.support.auth import token_for
from tests.support.global_ids import gid, unglobal
from tests.support.polling import eventually

PARALLEL = 8  # requests in flight at once: the stack shares two CPUs with everything else


class As(StrEnum):
    """Who calls. `a.*` are of district A; `b.*` of another district, holding A's ids."""

    TEACHER = "a.teacher"  # teaches X, the section everything happens in
    TEACHER_Y = "a.teacher-of-y"  # teaches Y, another section of the same school
    TEACHER_Z = "a.teacher-of-z"  # teaches Z at the other school, where the student also is
    STUDENT = "a.student"  # enrolled in X and Z
    STUDENT_Y = "a.student-of-y"  # enrolled in Y only
    GUARDIAN = "a.guardian"  # the student's
    GUARDIAN_Y = "a.guardian-of-y"  # the other student's
    SCHOOL_ADMIN = "a.school-admin"  # of X's school
    SCHOOL_ADMIN_Z = "a.school-admin-of-z"  # of the other school
    DISTRICT_ADMIN = "a.district-admin"
    INTEGRATION = "a.integration"
    B_TEACHER = "b.teacher"
    B_STUDENT = "b.student"
    B_GUARDIAN = "b.guardian"
    B_SCHOOL_ADMIN = "b.school-admin"
    B_DISTRICT_ADMIN = "b.district-admin"
    B_INTEGRATION = "b.integration"


OUTSIDERS = frozenset(who for who in As if who.value.startswith("b."))
DISTRICT_A = frozenset(As) - OUTSIDERS
STAFF_A = frozenset(
    {
        As.TEACHER,
        As.TEACHER_Y,
        As.TEACHER_Z,
        As.SCHOOL_ADMIN,
        As.SCHOOL_ADMIN_Z,
        As.DISTRICT_ADMIN,
    }
)
# The admins reach every draft: lessons belong to the district, not to a school (ADR 0004).
DRAFT_READERS = frozenset({As.TEACHER, As.SCHOOL_ADMIN, As.SCHOOL_ADMIN_Z, As.DISTRICT_ADMIN})
# The curriculum roles write lessons: teachers their own, the district admin any (ADR 0022).
CURRICULUM_A = frozenset({As.TEACHER, As.TEACHER_Y, As.TEACHER_Z, As.DISTRICT_ADMIN})
WRITES_LESSONS = frozenset({As.TEACHER, As.DISTRICT_ADMIN})  # of A's lessons, by the teacher
RUNS_X = frozenset({As.TEACHER, As.SCHOOL_ADMIN, As.DISTRICT_ADMIN})
ADMINISTERS_X = frozenset({As.SCHOOL_ADMIN, As.DISTRICT_ADMIN})
ADMINS_A = frozenset({As.SCHOOL_ADMIN, As.SCHOOL_ADMIN_Z, As.DISTRICT_ADMIN})
SEES_X = RUNS_X | {As.STUDENT, As.GUARDIAN}
IN_X_LIVE = RUNS_X | {As.STUDENT}  # a live channel is its section's staff's and students'
SEES_Z = frozenset({As.TEACHER_Z, As.SCHOOL_ADMIN_Z, As.DISTRICT_ADMIN, As.STUDENT, As.GUARDIAN})
# A lesson's recordings: every section's for the district's staff, X's for X's student (the
# catalog reads a student's sections from the token; a guardian's token names none).
SEES_RECORDINGS = STAFF_A | {As.STUDENT}
# A student's calendar links: theirs, their guardian's, and the admins' of a school they
# attend (X's and Z's) and of the district; a teacher's are their sections' (ADR 0027).
MANAGES_STUDENT = frozenset(
    {As.STUDENT, As.GUARDIAN, As.SCHOOL_ADMIN, As.SCHOOL_ADMIN_Z, As.DISTRICT_ADMIN}
)
# A teacher's notes to a student: the student's and their guardian's alone (ADR 0035).
READS_NOTES = frozenset({As.STUDENT, As.GUARDIAN})
# The district's webhooks and event log: its integrations and its district admin (ADR 0050).
INTEGRATES_A = frozenset({As.INTEGRATION, As.DISTRICT_ADMIN})
FAILURES = frozenset({"InvalidInput", "NotFound", "Forbidden", "Conflict"})
# Inside its district a refusal is about access: bad input or a conflict would mean the attempt
# never reached the rule it is there to test.
REFUSALS = frozenset({"NotFound", "Forbidden"})


@dataclass(frozen=True)
class World:
    """District A's real ids, and a client for each principal."""

    district: str
    school: str
    other_school: str
    section: str  # X
    section_z: str  # at the other school, where the student is too
    lesson: str  # published
    draft: str
    scheduled: str  # a session of X, not started
    live: str  # a session of X, started, with the student's check-in
    check_in: str
    ended: str  # a session of X, ended, without a recording
    recorded: str  # a session of X, ended, with its recording
    recording: str
    intruder: str  # a student id no one enrols in X
    subjects: Mapping[As, str]
    clients: Mapping[As, Client]
    spare_drafts: Mapping[As, str]  # one for each who may publish, to publish and edit
    spare_lessons: Mapping[As, str]  # one for each who may archive, to archive
    revised: Mapping[As | None, str]  # published with a revision: one each, and one to attempt
    curriculum: str  # with one unit, the published lesson placed in it
    unit: str
    shared: str  # a published lesson of the shared library
    spare_sessions: Mapping[As, str]  # one for each who may run X's sessions, to start and end
    spare_ended: Mapping[As, str]  # one for each who may run X's sessions, to record
    series: str  # a weekly series of X's
    task: str  # an on-demand task of X's, for the whole section
    component: str  # the published lesson's on-demand component
    spare_tasks: Mapping[As, str]  # one for each who may run X's sessions, to withdraw
    spare_planned: Mapping[As, str]  # one for each who may run X's sessions, to move and cancel
    spare_series: Mapping[As, str]  # one for each who may run X's sessions, to move and cancel
    calendar_link: str  # of the student's calendar, made by the district admin
    section_calendar_link: str  # of X's calendar, made by its teacher
    spare_calendar_links: Mapping[As, str]  # of X's, one for each who runs X, to revoke
    data_ids: frozenset[str]  # ids of A's schools, sections, lessons, sessions, check-ins
    term: str  # of X's school
    roster_import: str  # made by the district admin
    group: str  # a group of X's, with the student, made by its teacher
    spare_groups: Mapping[As, str]  # of X's, one for each who runs X, to delete
    proposal: str  # an open balance proposal of X's, from an assessment of its week
    # Open ones of X's, one for each who runs X, to accept and to dismiss; applied ones to undo.
    spare_proposals: Mapping[str, Mapping[As, str]]
    prompt: str  # open in the live session, answered by the student
    spare_prompts: Mapping[As, str]  # open in the live session, one for each who runs X
    question: str  # a class question of the live session, asked by a classmate of the student
    note: str  # the teacher's note to the student about the task
    endpoint: str  # a webhook endpoint of A's, registered by the district admin
    # Of A's, one for each who integrates A: "kept" to update, rotate and re-drive, "deleted".
    spare_endpoints: Mapping[str, Mapping[As, str]]
    pulse: str = ""  # the student's own pulse of this week (ADR 0036)
    assessed_week: str = ""  # the week of X's published balance assessment, as X counts it
    guardian_pulse: str = ""  # the guardian's pulse about the student, this week

    def __getitem__(self, who: As) -> Client:
        return self.clients[who]


Variables = Callable[[World], dict[str, object]]


@dataclass(frozen=True)
class Read:
    """A query or subscription; `shows` is an id of A that its answer holds iff allowed."""

    field: str
    case: str
    document: str
    variables: Variables
    shows: Callable[[World], str]
    allowed: frozenset[As]
    subscription: bool = False

    def __str__(self) -> str:
        return f"{self.field}: {self.case}"


@dataclass(frozen=True)
class Write:
    """A mutation: what a refused principal attempts on A's real ids, and what an allowed one
    does instead on a target of their own (so each allowed change is made once)."""

    field: str
    document: str
    attempt: Variables
    allowed: frozenset[As]
    permitted: Callable[[World, As], dict[str, object]]
    success: str  # the result's type when it succeeds
    elsewhere: frozenset[As] = frozenset()  # succeeds, but in the caller's own district

    def __str__(self) -> str:
        return self.field


def no_variables(_: World) -> dict[str, object]:
    return {}


# The pulses' week, as the test's own calendar (UTC) counts it: open while it lasts there.
PULSE_WEEK: str = str(IsoWeek.containing(datetime.now(UTC), "UTC"))

STUDENT_FEED = """query($student: ID) { feed(first: 100, studentId: $student) {
  timeZone edges { node { id sectionId sessionId title } } } }"""
SESSION_SCHEDULED = "bookend.scheduler.session.scheduled.v1"
DISTRICT_EVENTS = """query($types: [String!]) { districtEvents(types: $types, first: 100) {
  nodes { id type key data } } }"""

READS = [
    Read(
        "viewer",
        "is in district A",
        "{ viewer { id districtId roles } }",
        no_variables,
        lambda w: gid("District", w.district),
        DISTRICT_A,
    ),
    Read(
        "me",
        "is in district A",
        "{ me { id districtId } }",
        no_variables,
        lambda w: gid("District", w.district),
        DISTRICT_A,
    ),
    Read(
        "me",
        "a teacher's sections with their sessions: X's scheduled session",
        """{ me { teacher { sections(first: 100) { nodes {
          section { id } sessions(first: 100) { nodes { id } } } } } } }""",
        no_variables,
        lambda w: w.scheduled,
        frozenset({As.TEACHER}),
    ),
    Read(
        "me",
        "a guardian's children's feeds, items of section X",
        "{ me { guardian { children { feed(first: 100) { nodes { sectionId } } } } } }",
        no_variables,
        lambda w: gid("Section", w.section),
        frozenset({As.GUARDIAN}),
    ),
    Read(
        "feed",
        "of the student, items of section X",
        STUDENT_FEED,
        lambda w: {"student": w.subjects[As.STUDENT]},
        lambda w: gid("Section", w.section),
        SEES_X,
    ),
    Read(
        "feed",
        "of the student, items of section Z (the other school)",
        STUDENT_FEED,
        lambda w: {"student": w.subjects[As.STUDENT]},
        lambda w: gid("Section", w.section_z),
        SEES_Z,
    ),
    Read(
        "feedUpdates",
        "of the student, items of section X, when subscribed",
        """subscription($student: ID) { feedUpdates(first: 100, studentId: $student) {
          studentId feed { nodes { id sectionId } } } }""",
        lambda w: {"student": w.subjects[As.STUDENT]},
        lambda w: gid("Section", w.section),
        SEES_X,
        subscription=True,
    ),
    Read(
        "lesson",
        "published",
        "query($id: ID!) { lesson(id: $id) { id title status } }",
        lambda w: {"id": w.lesson},
        lambda w: w.lesson,
        DISTRICT_A,
    ),
    Read(
        "lesson",
        "draft",
        "query($id: ID!) { lesson(id: $id) { id title status } }",
        lambda w: {"id": w.draft},
        lambda w: w.draft,
        DRAFT_READERS,
    ),
    Read(
        "curriculum",
        "of district A",
        "query($id: ID!) { curriculum(id: $id) { id title units { id lessonIds } } }",
        lambda w: {"id": w.curriculum},
        lambda w: w.curriculum,
        DISTRICT_A,
    ),
    Read(
        "curricula",
        "lists district A's",
        "{ curricula(first: 100) { nodes { id title } } }",
        no_variables,
        lambda w: w.curriculum,
        DISTRICT_A,
    ),
    Read(
        "lessonVersion",
        "1 of the published lesson",
        "query($id: ID!) { lessonVersion(id: $id, version: 1) { lessonId title } }",
        lambda w: {"id": w.lesson},
        lambda w: w.lesson,
        DISTRICT_A,
    ),
    Read(
        "lessons",
        "lists the published lesson",
        "{ lessons(first: 100) { nodes { id title status } } }",
        no_variables,
        lambda w: w.lesson,
        DISTRICT_A,
    ),
    Read(
        "lessons",
        "lists the draft",
        "{ lessons(first: 100) { nodes { id title status } } }",
        no_variables,
        lambda w: w.draft,
        DRAFT_READERS,
    ),
    Read(
        "district",
        "is district A",
        "{ district { id name } }",
        no_variables,
        lambda w: gid("District", w.district),
        ADMINS_A,
    ),
    Read(
        "schools",
        "lists X's school",
        "{ schools(first: 100) { nodes { id name timeZone } } }",
        no_variables,
        lambda w: gid("School", w.school),
        ADMINISTERS_X,
    ),
    Read(
        "terms",
        "of X's school",
        "query($id: ID!) { terms(schoolId: $id) { nodes { id name blackouts { on } } } }",
        lambda w: {"id": w.school},
        lambda w: gid("Term", w.term),
        ADMINISTERS_X,
    ),
    Read(
        "sectionStudents",
        "of X, the student",
        "query($id: ID!) { sectionStudents(sectionId: $id) { nodes { id timeZone } } }",
        lambda w: {"id": w.section},
        lambda w: gid("Person", w.subjects[As.STUDENT]),
        ADMINISTERS_X,
    ),
    Read(
        "sectionGroups",
        "of X, its group (never its students')",
        "query($id: ID!) { sectionGroups(sectionId: $id) { nodes { id name studentIds } } }",
        lambda w: {"id": w.section},
        lambda w: w.group,
        RUNS_X,
    ),
    Read(
        "studentGuardians",
        "of the student, their guardian",
        "query($id: ID!) { studentGuardians(studentId: $id) { id role } }",
        lambda w: {"id": w.subjects[As.STUDENT]},
        lambda w: gid("Person", w.subjects[As.GUARDIAN]),
        ADMINISTERS_X,
    ),
    Read(
        "rosterImport",
        "the district admin's",
        "query($id: ID!) { rosterImport(id: $id) { id status } }",
        lambda w: {"id": w.roster_import},
        lambda w: w.roster_import,
        frozenset({As.DISTRICT_ADMIN}),
    ),
    Read(
        "sections",
        "lists section X",
        "{ sections(first: 100) { nodes { id schoolId name teacherIds } } }",
        no_variables,
        lambda w: gid("Section", w.section),
        SEES_X,
    ),
    Read(
        "session",
        "scheduled in X",
        "query($id: ID!) { session(id: $id) { id status title lesson { id } } }",
        lambda w: {"id": w.scheduled},
        lambda w: w.scheduled,
        SEES_X,
    ),
    Read(
        "session",
        "ended in X, with its recording",
        "query($id: ID!) { session(id: $id) { id status recording { componentId url } } }",
        lambda w: {"id": w.recorded},
        # A recording is a component of its lesson: the session names it as the component.
        lambda w: w.recording,
        SEES_X,
    ),
    Read(
        "lessonRecordings",
        "of the published lesson, X's",
        "query($id: ID!) { lessonRecordings(lessonId: $id) { nodes { id sessionId title } } }",
        lambda w: {"id": w.lesson},
        lambda w: w.recording,
        SEES_RECORDINGS,
    ),
    Read(
        "sectionSessions",
        "of X",
        """query($id: ID!) { sectionSessions(sectionId: $id, first: 100) {
          nodes { id status title } } }""",
        lambda w: {"id": w.section},
        lambda w: w.scheduled,
        SEES_X,
    ),
    Read(
        "sessionSeries",
        "of X",
        "query($id: ID!) { sessionSeries(id: $id) { id recurrence sessions { id } } }",
        lambda w: {"id": w.series},
        lambda w: w.series,
        SEES_X,
    ),
    Read(
        "bookendWindows",
        "of X",
        """query($id: ID!) { bookendWindows(sectionId: $id) {
          sectionId preworkOpensBeforeMinutes } }""",
        lambda w: {"id": w.section},
        lambda w: gid("Section", w.section),
        SEES_X,
    ),
    Read(
        "liveChannel",
        "of the live session",
        """query($id: ID!) { liveChannel(sessionId: $id) {
          sessionId status counts { gotIt unsure lost } } }""",
        lambda w: {"id": w.live},
        lambda w: w.live,
        IN_X_LIVE,
    ),
    Read(
        "checkIns",
        "of the live session, the student's",
        "query($id: ID!) { checkIns(sessionId: $id) { nodes { id studentId signal note } } }",
        lambda w: {"id": w.live},
        lambda w: w.check_in,
        IN_X_LIVE,
    ),
    Read(
        "sessionAttendance",
        "of an ended session of X, which the student missed",
        """query($id: ID!) { sessionAttendance(sessionId: $id) {
          sessionId students { studentId mark minutesPresent } } }""",
        lambda w: {"id": w.ended},
        lambda w: gid("Person", w.subjects[As.STUDENT]),
        IN_X_LIVE,
    ),
    Read(
        "taskProgress",
        "of X's task, the student's",
        "query($id: ID!) { taskProgress(taskId: $id) { nodes { studentId state reportCount } } }",
        lambda w: {"id": w.task},
        lambda w: gid("Person", w.subjects[As.STUDENT]),
        SEES_X,
    ),
    Read(
        "calendarLinks",
        "of the student's calendar",
        "query($id: ID) { calendarLinks(studentId: $id) { nodes { id ownerId url } } }",
        lambda w: {"id": w.subjects[As.STUDENT]},
        lambda w: w.calendar_link,
        MANAGES_STUDENT,
    ),
    Read(
        "calendarLinks",
        "of X's calendar",
        "query($id: ID) { calendarLinks(sectionId: $id) { nodes { id ownerId url } } }",
        lambda w: {"id": w.section},
        lambda w: w.section_calendar_link,
        RUNS_X,
    ),
    Read(
        "sessionEvents",
        "of the scheduled session",
        """subscription($id: ID!) { sessionEvents(sessionId: $id) {
          __typename ... on SessionStatusChanged { sessionId status } } }""",
        lambda w: {"id": w.scheduled},
        lambda w: w.scheduled,
        SEES_X,
        subscription=True,
    ),
    Read(
        "sessionPrompts",
        "of the live session",
        """query($id: ID!) { sessionPrompts(sessionId: $id) {
          nodes { id status results { answered } ownAnswer { choice } } } }""",
        lambda w: {"id": w.live},
        lambda w: w.prompt,
        IN_X_LIVE,
    ),
    Read(
        "prompt",
        "open in the live session",
        "query($id: ID!) { prompt(id: $id) { id question choices status } }",
        lambda w: {"id": w.prompt},
        lambda w: w.prompt,
        IN_X_LIVE,
    ),
    Read(
        "promptAnswers",
        "of the prompt, the student's",
        "query($id: ID!) { promptAnswers(promptId: $id) { nodes { studentId choice text } } }",
        lambda w: {"id": w.prompt},
        lambda w: gid("Person", w.subjects[As.STUDENT]),
        RUNS_X,
    ),
    Read(
        "sessionQuestions",
        "of the live session, a classmate's class question",
        "query($id: ID!) { sessionQuestions(sessionId: $id) { nodes { id text askerId mine } } }",
        lambda w: {"id": w.live},
        lambda w: w.question,
        IN_X_LIVE,
    ),
    Read(
        "notes",
        "of the student, the teacher's",
        "query($id: ID) { notes(studentId: $id) { nodes { id studentId text } } }",
        lambda w: {"id": w.subjects[As.STUDENT]},
        lambda w: w.note,
        READS_NOTES,
    ),
    Read(
        "myNotes",
        "of the student, the teacher's so far",
        """subscription($id: ID) { myNotes(studentId: $id) {
          __typename ... on NotesSoFar { notes { id text } } } }""",
        lambda w: {"id": w.subjects[As.STUDENT]},
        lambda w: w.note,
        READS_NOTES,
        subscription=True,
    ),
    Read(
        "balanceReport",
        "of A's week in which X's assessment was published",
        """query($week: String!) { balanceReport(week: $week, first: 100) {
          nodes { sectionId students } } }""",
        lambda w: {"week": w.assessed_week},
        lambda w: gid("Section", w.section),
        ADMINISTERS_X,
    ),
    Read(
        "balancePolicy",
        "of X",
        """query($id: ID!) { balancePolicy(sectionId: $id) {
          sectionId minOnDemandShare dailyCap mode } }""",
        lambda w: {"id": w.section},
        lambda w: gid("Section", w.section),
        RUNS_X,
    ),
    Read(
        "balanceAssessment",
        "of X this week",
        # Not `sectionId`: another district's staff holding X's id read an empty week of their
        # own district's section of that id; the student's line shows only in A's.
        """query($id: ID!) { balanceAssessment(sectionId: $id) {
          week students { studentId } } }""",
        lambda w: {"id": w.section},
        lambda w: gid("Person", w.subjects[As.STUDENT]),
        RUNS_X,
    ),
    Read(
        "balanceProposals",
        "of X",
        """query($id: ID!) { balanceProposals(sectionId: $id, first: 100) {
          nodes { id kind status } } }""",
        lambda w: {"id": w.section},
        lambda w: w.proposal,
        RUNS_X,
    ),
    Read(
        "weeklyPlan",
        "of X",
        """query($id: ID) { weeklyPlan(sectionId: $id, week: "2031-W10") {
          sectionId liveMinutes onDemandMinutes policy { mode } warnings { rule } } }""",
        lambda w: {"id": w.section},
        lambda w: gid("Section", w.section),
        SEES_X,
    ),
    Read(
        "weeklyPlan",
        "of the student, in their own zone",
        # Only district A's student has a zone: another district's plan of the same id is
        # an empty week in UTC.
        """query($id: ID) { weeklyPlan(studentId: $id, week: "2031-W10") {
          studentId timeZone liveMinutes onDemandMinutes } }""",
        lambda w: {"id": w.subjects[As.STUDENT]},
        lambda w: "America/Chicago",
        SEES_X | SEES_Z,
    ),
    # Pulse surveys (ADR 0036): each person reads only their own; a section's staff its week.
    Read(
        "myPulses",
        "this week, the student's own",
        "query($week: String!) { myPulses(week: $week) { id studentId workload comment } }",
        lambda w: {"week": PULSE_WEEK},
        lambda w: w.pulse,
        frozenset({As.STUDENT}),
    ),
    Read(
        "myPulses",
        "this week, the guardian's about the student",
        "query($week: String!) { myPulses(week: $week) { id studentId workload comment } }",
        lambda w: {"week": PULSE_WEEK},
        lambda w: w.guardian_pulse,
        frozenset({As.GUARDIAN}),
    ),
    Read(
        "sectionPulse",
        "of X this week, with the student's and the guardian's pulses",
        # Not `sectionId`: another district's staff holding X's id read an empty week of
        # their own district's section of that id, which would only echo it back.
        """query($id: ID!, $week: String!) { sectionPulse(sectionId: $id, week: $week) {
          studentsResponded pulses { nodes { id comment } } } }""",
        lambda w: {"id": w.section, "week": PULSE_WEEK},
        lambda w: w.guardian_pulse,
        RUNS_X,
    ),
    # `node` and `nodes` (ADR 0049) fetch each type as its own query does, through the same
    # service call: the same principals, refused the same way (as test_node_... checks).
    Read(
        "node",
        "X's scheduled session, as `session`",
        "query($id: ID!) { node(id: $id) { id ... on LiveSession { status title } } }",
        lambda w: {"id": w.scheduled},
        lambda w: w.scheduled,
        SEES_X,
    ),
    Read(
        "node",
        "the draft, as `lesson`",
        "query($id: ID!) { node(id: $id) { id ... on Lesson { title status } } }",
        lambda w: {"id": w.draft},
        lambda w: w.draft,
        DRAFT_READERS,
    ),
    Read(
        "node",
        "the curriculum, as `curriculum`",
        "query($id: ID!) { node(id: $id) { id ... on Curriculum { title } } }",
        lambda w: {"id": w.curriculum},
        lambda w: w.curriculum,
        DISTRICT_A,
    ),
    Read(
        "node",
        "X's series, as `sessionSeries`",
        "query($id: ID!) { node(id: $id) { id ... on SessionSeries { recurrence } } }",
        lambda w: {"id": w.series},
        lambda w: w.series,
        SEES_X,
    ),
    Read(
        "node",
        "the live session's prompt, as `prompt`",
        "query($id: ID!) { node(id: $id) { id ... on Prompt { question status } } }",
        lambda w: {"id": w.prompt},
        lambda w: w.prompt,
        IN_X_LIVE,
    ),
    Read(
        "node",
        "the district admin's roster import, as `rosterImport`",
        "query($id: ID!) { node(id: $id) { id ... on RosterImport { status } } }",
        lambda w: {"id": w.roster_import},
        lambda w: w.roster_import,
        frozenset({As.DISTRICT_ADMIN}),
    ),
    Read(
        "node",
        "district A, as `district`",
        "query($id: ID!) { node(id: $id) { id ... on District { name } } }",
        lambda w: {"id": gid("District", w.district)},
        lambda w: gid("District", w.district),
        ADMINS_A,
    ),
    Read(
        "node",
        "section X, as `sections` lists it",
        "query($id: ID!) { node(id: $id) { id ... on Section { name } } }",
        lambda w: {"id": gid("Section", w.section)},
        lambda w: gid("Section", w.section),
        SEES_X,
    ),
    Read(
        "node",
        "the student's check-in, as `checkIns` lists it to X's staff and the student",
        "query($id: ID!) { node(id: $id) { id ... on CheckIn { signal } } }",
        lambda w: {"id": w.check_in},
        lambda w: w.check_in,
        IN_X_LIVE,
    ),
    Read(
        "node",
        "a classmate's class question, as `sessionQuestions` lists it",
        "query($id: ID!) { node(id: $id) { id ... on Question { text } } }",
        lambda w: {"id": w.question},
        lambda w: w.question,
        IN_X_LIVE,
    ),
    Read(
        "node",
        "the teacher's note to the student, as `notes` lists it, and to its author",
        "query($id: ID!) { node(id: $id) { id ... on Note { text } } }",
        lambda w: {"id": w.note},
        lambda w: w.note,
        READS_NOTES | {As.TEACHER},
    ),
    Read(
        "node",
        "X's open proposal, as `balanceProposals` lists it",
        "query($id: ID!) { node(id: $id) { id ... on BalanceProposal { kind status } } }",
        lambda w: {"id": w.proposal},
        lambda w: w.proposal,
        RUNS_X,
    ),
    Read(
        "nodes",
        "X's scheduled session and section X",
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        lambda w: {"ids": [w.scheduled, gid("Section", w.section)]},
        lambda w: w.scheduled,
        SEES_X,
    ),
    Read(
        "nodes",
        "the live session's check-in and prompt",
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        lambda w: {"ids": [w.check_in, w.prompt]},
        lambda w: w.prompt,
        IN_X_LIVE,
    ),
    Read(
        "webhookEndpoints",
        "lists district A's endpoint",
        "{ webhookEndpoints(first: 100) { nodes { id url status } } }",
        no_variables,
        lambda w: w.endpoint,
        INTEGRATES_A,
    ),
    Read(
        "webhookEndpoint",
        "of district A, with its deliveries",
        """query($id: ID!) { webhookEndpoint(id: $id) { id url
          deliveries(first: 5) { nodes { id status } } } }""",
        lambda w: {"id": w.endpoint},
        lambda w: w.endpoint,
        INTEGRATES_A,
    ),
    Read(
        "districtEvents",
        "district A's log: X's scheduled session, by its raw id in the event",
        DISTRICT_EVENTS,
        lambda w: {"types": [SESSION_SCHEDULED]},
        lambda w: unglobal(w.scheduled)[1],
        INTEGRATES_A,
    ),
]


# Moves land on days of their own, far from every other session: a refused move is tried at
# a time nothing holds, so only access refuses it.
LATER: dict[str, object] = {"s": "2031-03-03T09:00:00-06:00", "e": "2031-03-03T09:50:00-06:00"}


def later_for(who: As) -> dict[str, object]:
    day = 10 + sorted(RUNS_X).index(who)
    return {"s": f"2031-03-{day}T09:00:00-06:00", "e": f"2031-03-{day}T09:50:00-06:00"}


# A task's window, far from every session: what changes with it is only the feeds.
TASK_OPENS, TASK_DUE = "2031-04-07T09:00:00-05:00", "2031-04-09T15:00:00-05:00"
EXTENDED_DUE = "2031-04-14T15:00:00-05:00"


def task_input(w: World) -> dict[str, object]:
    return {
        "sectionId": w.section,
        "lessonId": w.lesson,
        "componentId": w.component,
        "opens": {"at": TASK_OPENS},
        "due": {"at": TASK_DUE},
    }


def note_input(w: World, text: str) -> dict[str, object]:
    return {"studentId": w.subjects[As.STUDENT], "text": text, "taskId": w.task}


GROUP_NAME = "Needs support"


def early_for(who: As) -> str:
    return f"0{6 + sorted(RUNS_X).index(who)}:00:00"


def result_of(success: str) -> str:
    return f"__typename ... on {success} {{ __typename }} ... on UserError {{ code message }}"


PROPOSAL_WRITE = "mutation($id: ID!) {{ {field}(proposalId: $id) {{ {result} }} }}"
SECTION_X = {"name": "Reading 8", "subject": "reading", "timeZone": "America/Chicago"}
# X's balance policy measures every change but never warns (no cap: X has no grade band).
X_POLICY = {"minOnDemandShare": 0, "mode": "ADVISE"}
STRICT_POLICY = {"minOnDemandShare": 1, "maxLiveMinutesPerDay": 0, "mode": "ENFORCE"}
TERM = {"name": "2025-2026", "startsOn": "2025-08-18", "endsOn": "2026-06-05"}


def student_input(world: World, school: str) -> dict[str, object]:
    student = world.subjects[As.STUDENT]
    return {"id": student, "role": "STUDENT", "schoolIds": [school], "timeZone": "America/Chicago"}


def school_file(school: str, name: str) -> list[dict[str, str]]:
    text = f"sourcedId,name,type,timeZone\r\n{school},{name},school,America/Chicago\r\n"
    return [{"name": "orgs.csv", "text": text}]


RECORDING = {
    "url": "https://cdn.example.org/seminar.mp4",
    "durationSeconds": 2950,
    "bytes": 900_000_000,
    "captions": [{"language": "en", "url": "https://cdn.example.org/seminar.en.vtt"}],
}

WRITES = [
    Write(
        "createLesson",
        f"mutation($input: CreateLessonInput!) {{ createLesson(input: $input) {{ "
        f"{result_of('Lesson')} }} }}",
        attempt=lambda w: {"input": LESSON | {"title": "Not allowed here"}},
        allowed=CURRICULUM_A,
        permitted=lambda w, who: {"input": LESSON | {"title": f"Allowed to {who}"}},
        success="Lesson",
        elsewhere=frozenset({As.B_TEACHER, As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "publishLesson",
        f"mutation($id: ID!) {{ publishLesson(id: $id) {{ {result_of('Lesson')} }} }}",
        attempt=lambda w: {"id": w.draft},
        allowed=WRITES_LESSONS,
        permitted=lambda w, who: {"id": w.spare_drafts[who]},
        success="Lesson",
    ),
    Write(
        "editLesson",
        "mutation($id: ID!, $input: CreateLessonInput!) { editLesson(id: $id, input: $input) { "
        f"{result_of('Lesson')} }} }}",
        attempt=lambda w: {"id": w.lesson, "input": LESSON | {"title": "Not allowed here"}},
        allowed=WRITES_LESSONS,
        permitted=lambda w, who: {
            "id": w.spare_drafts[who],
            "input": LESSON | {"title": f"Edited by {who}"},
        },
        success="Lesson",
    ),
    Write(
        "discardLessonRevision",
        f"mutation($id: ID!) {{ discardLessonRevision(id: $id) {{ {result_of('Lesson')} }} }}",
        attempt=lambda w: {"id": w.revised[None]},
        allowed=WRITES_LESSONS,
        permitted=lambda w, who: {"id": w.revised[who]},
        success="Lesson",
    ),
    Write(
        "archiveLesson",
        f"mutation($id: ID!) {{ archiveLesson(id: $id) {{ {result_of('Lesson')} }} }}",
        attempt=lambda w: {"id": w.lesson},
        allowed=WRITES_LESSONS,
        permitted=lambda w, who: {"id": w.spare_lessons[who]},
        success="Lesson",
    ),
    Write(
        "adoptLesson",
        f"mutation($id: ID!) {{ adoptLesson(id: $id) {{ {result_of('Lesson')} }} }}",
        attempt=lambda w: {"id": w.shared},
        allowed=CURRICULUM_A,
        permitted=lambda w, who: {"id": w.shared},
        success="Lesson",
        # Another district's curriculum roles adopt it too, into their own district.
        elsewhere=frozenset({As.B_TEACHER, As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "createCurriculum",
        "mutation($input: CreateCurriculumInput!) { createCurriculum(input: $input) { "
        f"{result_of('Curriculum')} }} }}",
        attempt=lambda w: {"input": {"title": "Not allowed here", "subject": "reading"}},
        allowed=frozenset({As.DISTRICT_ADMIN}),
        permitted=lambda w, who: {"input": {"title": f"Made by {who}", "subject": "reading"}},
        success="Curriculum",
        elsewhere=frozenset({As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "addUnit",
        "mutation($id: ID!, $title: String!) { addUnit(curriculumId: $id, title: $title) { "
        f"{result_of('Curriculum')} }} }}",
        attempt=lambda w: {"id": w.curriculum, "title": "Not allowed here"},
        allowed=frozenset({As.DISTRICT_ADMIN}),
        permitted=lambda w, who: {"id": w.curriculum, "title": f"Added by {who}"},
        success="Curriculum",
    ),
    Write(
        "placeLesson",
        "mutation($c: ID!, $u: ID!, $l: ID!) { placeLesson(curriculumId: $c, unitId: $u, "
        f"lessonId: $l, position: 0) {{ {result_of('Curriculum')} }} }}",
        attempt=lambda w: {"c": w.curriculum, "u": w.unit, "l": w.draft},
        allowed=frozenset({As.DISTRICT_ADMIN}),
        permitted=lambda w, who: {"c": w.curriculum, "u": w.unit, "l": w.draft},
        success="Curriculum",
    ),
    Write(
        "removeLessonFromCurriculum",  # after placeLesson: the admin removes what they placed
        "mutation($c: ID!, $l: ID!) { removeLessonFromCurriculum(curriculumId: $c, "
        f"lessonId: $l) {{ {result_of('Curriculum')} }} }}",
        attempt=lambda w: {"c": w.curriculum, "l": w.lesson},
        allowed=frozenset({As.DISTRICT_ADMIN}),
        permitted=lambda w, who: {"c": w.curriculum, "l": w.draft},
        success="Curriculum",
    ),
    Write(
        "scheduleLiveSession",
        "mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) { "
        f"{result_of('LiveSession')} }} }}",
        attempt=lambda w: {"input": session_input(w.section, w.lesson)},
        allowed=RUNS_X,
        permitted=lambda w, who: {"input": session_input(w.section, w.lesson)},
        success="LiveSession",
    ),
    Write(
        "startSession",
        f"mutation($id: ID!) {{ startSession(id: $id) {{ {result_of('LiveSession')} }} }}",
        attempt=lambda w: {"id": w.scheduled},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_sessions[who]},
        success="LiveSession",
    ),
    Write(
        "endSession",  # after startSession: an allowed principal ends what they started
        f"mutation($id: ID!) {{ endSession(id: $id) {{ {result_of('LiveSession')} }} }}",
        attempt=lambda w: {"id": w.live},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_sessions[who]},
        success="LiveSession",
    ),
    Write(
        "rescheduleSession",
        "mutation($id: ID!, $s: DateTime!, $e: DateTime!) { rescheduleSession("
        f"id: $id, startsAt: $s, endsAt: $e) {{ {result_of('LiveSession')} }} }}",
        attempt=lambda w: {"id": w.scheduled} | LATER,
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_planned[who]} | later_for(who),
        success="LiveSession",
    ),
    Write(
        "cancelSession",  # after rescheduleSession: the moved one is cancelled
        f"mutation($id: ID!) {{ cancelSession(id: $id) {{ {result_of('LiveSession')} }} }}",
        attempt=lambda w: {"id": w.scheduled},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_planned[who]},
        success="LiveSession",
    ),
    Write(
        "rescheduleSeries",
        "mutation($id: ID!, $at: Time!) { rescheduleSeries(id: $id, startsAt: $at, minutes: 30) "
        f"{{ {result_of('SessionsChanged')} }} }}",
        attempt=lambda w: {"id": w.series, "at": "06:00:00"},
        allowed=RUNS_X,
        # Early mornings, one each: the spare series may fall on the same dates.
        permitted=lambda w, who: {"id": w.spare_series[who], "at": early_for(who)},
        success="SessionsChanged",
    ),
    Write(
        "cancelSeries",
        f"mutation($id: ID!) {{ cancelSeries(id: $id) {{ {result_of('SessionsChanged')} }} }}",
        attempt=lambda w: {"id": w.series},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_series[who]},
        success="SessionsChanged",
    ),
    Write(
        "assignTask",
        "mutation($input: AssignTaskInput!) { assignTask(input: $input) { "
        f"{result_of('Task')} }} }}",
        attempt=lambda w: {"input": task_input(w)},
        allowed=RUNS_X,
        permitted=lambda w, who: {"input": task_input(w)},
        success="Task",
    ),
    Write(
        "extendTask",
        "mutation($t: ID!, $s: ID!, $due: DateTime!) { extendTask(taskId: $t, studentId: $s, "
        f'dueAt: $due, reason: "extended time") {{ {result_of("StudentWindow")} }} }}',
        attempt=lambda w: {"t": w.task, "s": w.subjects[As.STUDENT], "due": EXTENDED_DUE},
        allowed=RUNS_X,
        permitted=lambda w, who: {"t": w.task, "s": w.subjects[As.STUDENT], "due": EXTENDED_DUE},
        success="StudentWindow",
    ),
    Write(
        "excuseFromTask",
        "mutation($t: ID!, $s: ID!) { excuseFromTask(taskId: $t, studentId: $s, "
        f'reason: "ill") {{ {result_of("Excusal")} }} }}',
        attempt=lambda w: {"t": w.task, "s": w.subjects[As.STUDENT]},
        allowed=RUNS_X,
        permitted=lambda w, who: {"t": w.task, "s": w.subjects[As.STUDENT]},
        success="Excusal",
    ),
    Write(
        "takeBackExcusal",
        "mutation($t: ID!, $s: ID!) { takeBackExcusal(taskId: $t, studentId: $s) "
        f"{{ {result_of('Excusal')} }} }}",
        attempt=lambda w: {"t": w.task, "s": w.subjects[As.STUDENT]},
        allowed=RUNS_X,
        permitted=lambda w, who: {"t": w.task, "s": w.subjects[As.STUDENT]},
        success="Excusal",
    ),
    Write(
        "withdrawTask",
        f"mutation($id: ID!) {{ withdrawTask(id: $id) {{ {result_of('Task')} }} }}",
        attempt=lambda w: {"id": w.task},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_tasks[who]},
        success="Task",
    ),
    Write(
        "createGroup",
        "mutation($section: ID!, $name: String!, $students: [ID!]!) { createGroup("
        f"sectionId: $section, name: $name, studentIds: $students) {{ {result_of('Group')} }} }}",
        attempt=lambda w: {
            "section": w.section,
            "name": "Taken over",
            "students": [w.subjects[As.STUDENT]],
        },
        allowed=RUNS_X,
        permitted=lambda w, who: {
            "section": w.section,
            "name": f"Made by {who.value}",
            "students": [w.subjects[As.STUDENT]],
        },
        success="Group",
    ),
    Write(
        "updateGroup",
        "mutation($id: ID!, $name: String!, $students: [ID!]!) { updateGroup(id: $id, "
        f"name: $name, studentIds: $students) {{ {result_of('Group')} }} }}",
        # Renaming X's group (a name its students must never see changed by strangers).
        attempt=lambda w: {
            "id": w.group,
            "name": "Taken over",
            "students": [w.subjects[As.STUDENT]],
        },
        allowed=RUNS_X,
        permitted=lambda w, who: {
            "id": w.group,
            "name": GROUP_NAME,
            "students": [w.subjects[As.STUDENT]],
        },
        success="Group",
    ),
    Write(
        "deleteGroup",
        f"mutation($id: ID!) {{ deleteGroup(id: $id) {{ {result_of('Group')} }} }}",
        attempt=lambda w: {"id": w.group},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_groups[who]},
        success="Group",
    ),
    Write(
        "setBookendWindows",
        "mutation($id: ID!) { setBookendWindows(sectionId: $id, preworkOpensBeforeMinutes: 2880,"
        f" followupDueAfterMinutes: 2880) {{ {result_of('BookendWindows')} }} }}",
        attempt=lambda w: {"id": w.section},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.section},
        success="BookendWindows",
    ),
    Write(
        "attachRecording",
        "mutation($id: ID!, $input: RecordingInput!) { attachRecording(sessionId: $id, "
        f"input: $input) {{ {result_of('Recording')} }} }}",
        attempt=lambda w: {"id": w.ended, "input": RECORDING},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_ended[who], "input": RECORDING},
        success="Recording",
    ),
    Write(
        "checkIn",
        "mutation($id: ID!) { checkIn(sessionId: $id, signal: LOST) { "
        f"{result_of('CheckIn')} }} }}",
        attempt=lambda w: {"id": w.live},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.live},
        success="CheckIn",
    ),
    Write(
        "joinSession",
        "mutation($id: ID!, $event: String!) { joinSession(sessionId: $id, clientEventId: $event)"
        f" {{ {result_of('PresenceReport')} }} }}",
        attempt=lambda w: {"id": w.live, "event": "not-allowed-join"},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.live, "event": "matrix-join"},
        success="PresenceReport",
    ),
    Write(
        "leaveSession",  # after joinSession: the student leaves what they joined
        "mutation($id: ID!, $event: String!) { leaveSession(sessionId: $id, clientEventId: $event)"
        f" {{ {result_of('PresenceReport')} }} }}",
        attempt=lambda w: {"id": w.live, "event": "not-allowed-leave"},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.live, "event": "matrix-leave"},
        success="PresenceReport",
    ),
    Write(
        "reportProgress",
        "mutation($id: ID!, $event: String!) { reportProgress(taskId: $id, clientEventId: $event,"
        f' occurredAt: "2025-01-01T00:00:00Z") {{ {result_of("ProgressReport")} }} }}',
        attempt=lambda w: {"id": w.task, "event": "not-allowed-progress"},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.task, "event": "matrix-progress"},
        success="ProgressReport",
    ),
    Write(
        "openPrompt",
        'mutation($id: ID!) { openPrompt(sessionId: $id, kind: THUMBS, question: "Ready?") { '
        f"{result_of('Prompt')} }} }}",
        attempt=lambda w: {"id": w.live},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.live},
        success="Prompt",
    ),
    Write(
        "closePrompt",
        f"mutation($id: ID!) {{ closePrompt(promptId: $id) {{ {result_of('Prompt')} }} }}",
        attempt=lambda w: {"id": w.prompt},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_prompts[who]},
        success="Prompt",
    ),
    Write(
        "revealPromptResults",  # after closePrompt: what each closed, each reveals
        f"mutation($id: ID!) {{ revealPromptResults(promptId: $id) {{ {result_of('Prompt')} }} }}",
        attempt=lambda w: {"id": w.prompt},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_prompts[who]},
        success="Prompt",
    ),
    Write(
        "answerPrompt",
        "mutation($id: ID!, $choice: Int!) { answerPrompt(promptId: $id, choice: $choice) { "
        f"{result_of('PromptAnswer')} }} }}",
        attempt=lambda w: {"id": w.prompt, "choice": 0},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.prompt, "choice": 1},
        success="PromptAnswer",
    ),
    Write(
        "askQuestion",
        'mutation($id: ID!) { askQuestion(sessionId: $id, text: "Why?", visibility: CLASS) { '
        f"{result_of('Question')} }} }}",
        attempt=lambda w: {"id": w.live},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.live},
        success="Question",
    ),
    Write(
        "upvoteQuestion",
        f"mutation($id: ID!) {{ upvoteQuestion(questionId: $id) {{ {result_of('Question')} }} }}",
        attempt=lambda w: {"id": w.question},
        allowed=frozenset({As.STUDENT}),
        permitted=lambda w, who: {"id": w.question},
        success="Question",
    ),
    Write(
        "markQuestionForFollowUp",  # before answerQuestion: an answered one is not marked
        "mutation($id: ID!) { markQuestionForFollowUp(questionId: $id) { "
        f"{result_of('Question')} }} }}",
        attempt=lambda w: {"id": w.question},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.question},
        success="Question",
    ),
    Write(
        "answerQuestion",
        "mutation($id: ID!, $text: String) { answerQuestion(questionId: $id, mode: WRITTEN, "
        f"text: $text) {{ {result_of('Question')} }} }}",
        attempt=lambda w: {"id": w.question, "text": "Not allowed here"},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.question, "text": f"Answered by {who}"},
        success="Question",
    ),
    Write(
        "writeNote",
        "mutation($input: WriteNoteInput!) { writeNote(input: $input) { "
        f"{result_of('Note')} }} }}",
        attempt=lambda w: {"input": note_input(w, "Not allowed here")},
        allowed=RUNS_X,
        permitted=lambda w, who: {"input": note_input(w, f"Written by {who}")},
        success="Note",
    ),
    Write(
        "createCalendarLink",
        f"mutation($id: ID) {{ createCalendarLink(studentId: $id) {{ "
        f"{result_of('CalendarLink')} }} }}",
        attempt=lambda w: {"id": w.subjects[As.STUDENT]},
        allowed=MANAGES_STUDENT,
        permitted=lambda w, who: {"id": w.subjects[As.STUDENT]},
        success="CalendarLink",
    ),
    Write(
        "revokeCalendarLink",
        f"mutation($id: ID!) {{ revokeCalendarLink(id: $id) {{ {result_of('CalendarLink')} }} }}",
        attempt=lambda w: {"id": w.section_calendar_link},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_calendar_links[who]},
        success="CalendarLink",
    ),
    Write(
        "enrolStudent",
        "mutation($section: ID!, $student: ID!, $zone: String!) { "
        "enrolStudent(sectionId: $section, studentId: $student, timeZone: $zone) { "
        f"{result_of('Enrolment')} }} }}",
        attempt=lambda w: {"section": w.section, "student": w.intruder, "zone": "Pacific/Auckland"},
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {
            "section": w.section,
            "student": f"{w.intruder}-{who.value}",
            "zone": "America/Chicago",
        },
        success="Enrolment",
    ),
    Write(
        "upsertSection",
        f"mutation($input: SectionInput!) {{ upsertSection(input: $input) {{ "
        f"{result_of('Section')} }} }}",
        # Taking X over: into the other school, renamed, taught by someone else.
        attempt=lambda w: {
            "input": SECTION_X
            | {
                "id": w.section,
                "schoolId": w.other_school,
                "name": "Taken over",
                "teacherIds": [w.subjects[As.TEACHER_Z]],
            }
        },
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {
            "input": SECTION_X
            | {"id": w.section, "schoolId": w.school, "teacherIds": [w.subjects[As.TEACHER]]}
        },
        success="Section",
    ),
    Write(
        "upsertDistrict",
        f"mutation($name: String!) {{ upsertDistrict(name: $name) {{ {result_of('District')} }} }}",
        attempt=lambda w: {"name": "Taken over"},
        allowed=frozenset({As.DISTRICT_ADMIN}),
        permitted=lambda w, who: {"name": "Matrix District"},
        success="District",
        elsewhere=frozenset({As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "upsertTerm",
        f"mutation($input: TermInput!) {{ upsertTerm(input: $input) {{ {result_of('Term')} }} }}",
        # Taking X's school's term over: into the other school, renamed.
        attempt=lambda w: {
            "input": TERM | {"id": w.term, "schoolId": w.other_school, "name": "Taken"}
        },
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {"input": TERM | {"id": w.term, "schoolId": w.school}},
        success="Term",
    ),
    Write(
        "upsertPerson",
        "mutation($input: PersonInput!) { upsertPerson(input: $input) { "
        f"{result_of('Person')} }} }}",
        # Taking the student over: into the other school.
        attempt=lambda w: {"input": student_input(w, w.other_school)},
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {"input": student_input(w, w.school)},
        success="Person",
    ),
    Write(
        "linkGuardian",
        "mutation($student: ID!, $guardian: ID!) { linkGuardian(studentId: $student, "
        f"guardianId: $guardian) {{ {result_of('Guardianship')} }} }}",
        # Making the other student's guardian the student's too.
        attempt=lambda w: {
            "student": w.subjects[As.STUDENT],
            "guardian": w.subjects[As.GUARDIAN_Y],
        },
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {
            "student": w.subjects[As.STUDENT],
            "guardian": w.subjects[As.GUARDIAN],
        },
        success="Guardianship",
    ),
    Write(
        "importRoster",
        "mutation($files: [RosterFileInput!]!) { importRoster(files: $files) { "
        f"{result_of('RosterImport')} }} }}",
        attempt=lambda w: {"files": school_file(w.school, "Taken over")},
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {"files": school_file(w.school, "Matrix School")},
        success="RosterImport",
        # School ids are the district's own: another district's admins import theirs.
        elsewhere=frozenset({As.B_SCHOOL_ADMIN, As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "upsertSchool",
        "mutation($id: ID!, $name: String!) { upsertSchool(id: $id, name: $name, "
        f'timeZone: "America/Chicago") {{ {result_of("School")} }} }}',
        attempt=lambda w: {"id": w.school, "name": "Renamed"},
        allowed=ADMINISTERS_X,
        permitted=lambda w, who: {"id": w.school, "name": "Matrix School"},
        success="School",
        # School ids are the district's own: another district's admin upserts one of theirs.
        elsewhere=frozenset({As.B_SCHOOL_ADMIN, As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "setBalancePolicy",
        "mutation($id: ID!, $input: BalancePolicyInput!) { setBalancePolicy(sectionId: $id, "
        f"input: $input) {{ {result_of('BalancePolicy')} }} }}",
        # Enforcing an all on-demand week would refuse X's every session.
        attempt=lambda w: {"id": w.section, "input": STRICT_POLICY},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.section, "input": X_POLICY},
        success="BalancePolicy",
    ),
    Write(
        "assessBalance",
        "mutation($id: ID!) { assessBalance(sectionId: $id) "
        f"{{ {result_of('BalanceAssessment')} }} }}",
        attempt=lambda w: {"id": w.section},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.section},
        success="BalanceAssessment",
        # Another district's teacher claiming X, and its district admin, assess their own
        # district's (empty) section of that id.
        elsewhere=frozenset({As.B_TEACHER, As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "acceptProposal",
        PROPOSAL_WRITE.format(field="acceptProposal", result=result_of("BalanceProposal")),
        attempt=lambda w: {"id": w.proposal},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_proposals["accept"][who]},
        success="BalanceProposal",
    ),
    Write(
        "dismissProposal",
        PROPOSAL_WRITE.format(field="dismissProposal", result=result_of("BalanceProposal")),
        attempt=lambda w: {"id": w.proposal},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_proposals["dismiss"][who]},
        success="BalanceProposal",
    ),
    Write(
        "undoProposal",
        PROPOSAL_WRITE.format(field="undoProposal", result=result_of("BalanceProposal")),
        attempt=lambda w: {"id": w.spare_proposals["undo"][As.TEACHER]},
        allowed=RUNS_X,
        permitted=lambda w, who: {"id": w.spare_proposals["undo"][who]},
        success="BalanceProposal",
    ),
    Write(
        "submitPulse",
        "mutation($input: PulseInput!) { submitPulse(input: $input) { "
        f"{result_of('Pulse')} }} }}",
        # Answering about the student, as someone other than the student or their guardian.
        attempt=lambda w: {"input": pulse_input(w.subjects[As.STUDENT], "Taken over")},
        allowed=frozenset({As.STUDENT, As.GUARDIAN}),
        permitted=lambda w, who: {
            "input": pulse_input(w.subjects[As.STUDENT] if who is As.GUARDIAN else None, "Edited")
        },
        success="Pulse",
        # An outsider holding the student's (or their guardian's) ids answers in their own
        # district, about their own student.
        elsewhere=frozenset({As.B_STUDENT, As.B_GUARDIAN}),
    ),
    Write(
        "registerWebhookEndpoint",
        "mutation($input: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $input) "
        f"{{ {result_of('WebhookEndpointRegistered')} }} }}",
        attempt=lambda w: {"input": endpoint_input("Not allowed here")},
        allowed=INTEGRATES_A,
        permitted=lambda w, who: {"input": endpoint_input(f"Registered by {who.value}")},
        success="WebhookEndpointRegistered",
        # Another district's integrations register endpoints of their own district.
        elsewhere=frozenset({As.B_INTEGRATION, As.B_DISTRICT_ADMIN}),
    ),
    Write(
        "updateWebhookEndpoint",
        "mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) "
        f"{{ {result_of('WebhookEndpoint')} }} }}",
        attempt=lambda w: {"input": {"id": w.endpoint, "url": HOOK + "/taken", "enabled": False}},
        allowed=INTEGRATES_A,
        permitted=lambda w, who: {
            "input": {"id": w.spare_endpoints["kept"][who], "description": f"Edited by {who.value}"}
        },
        success="WebhookEndpoint",
    ),
    Write(
        "rotateWebhookSecret",
        "mutation($id: ID!) { rotateWebhookSecret(id: $id, overlapHours: 1) { "
        f"{result_of('WebhookSigningSecret')} }} }}",
        attempt=lambda w: {"id": w.endpoint},
        allowed=INTEGRATES_A,
        permitted=lambda w, who: {"id": w.spare_endpoints["kept"][who]},
        success="WebhookSigningSecret",
    ),
    Write(
        "redriveWebhookDeliveries",
        "mutation($id: ID!) { redriveWebhookDeliveries(endpointId: $id) { "
        f"{result_of('WebhookDeliveriesRedriven')} }} }}",
        attempt=lambda w: {"id": w.endpoint},
        allowed=INTEGRATES_A,
        permitted=lambda w, who: {"id": w.spare_endpoints["kept"][who]},
        success="WebhookDeliveriesRedriven",
    ),
    Write(
        "deleteWebhookEndpoint",
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { "
        f"{result_of('WebhookEndpointDeleted')} }} }}",
        attempt=lambda w: {"id": w.endpoint},
        allowed=INTEGRATES_A,
        permitted=lambda w, who: {"id": w.spare_endpoints["deleted"][who]},
        success="WebhookEndpointDeleted",
    ),
]

# Nothing listens there (the stack allows private addresses in development): an attempt fails
# at once and nothing is sent anywhere. One public type, rare in this test, so that few
# deliveries are made at all.
HOOK = "http://127.0.0.1:9/bookend-matrix"
HOOK_TYPES = ["bookend.catalog.recording.published.v1"]


def endpoint_input(description: str) -> dict[str, object]:
    return {"url": HOOK, "eventTypes": HOOK_TYPES, "description": description}


def pulse_input(student_id: str | None, comment: str) -> dict[str, object]:
    answers: dict[str, object] = {
        "week": PULSE_WEEK,
        "workload": "TOO_MUCH",
        "wellbeing": "LOW",
        "connectivity": "LIMITED",
        "sharedDevice": True,
        "preference": "MORE_ON_DEMAND",
        "comment": comment,
    }
    return answers | ({"studentId": student_id} if student_id is not None else {})


# --- the world ------------------------------------------------------------------------------

ROSTER_SCHOOL = """mutation($id: ID!) {
  upsertSchool(id: $id, name: "Matrix School", timeZone: "America/Chicago") { __typename } }"""
ROSTER_SECTION = """mutation($input: SectionInput!) { upsertSection(input: $input) {
  __typename } }"""
ROSTER_ENROL = """mutation($section: ID!, $student: ID!) {
  enrolStudent(sectionId: $section, studentId: $student, timeZone: "America/Chicago") {
  __typename } }"""
ROSTER_PERSON = """mutation($input: PersonInput!) { upsertPerson(input: $input) {
  __typename } }"""
ROSTER_LINK = """mutation($student: ID!, $guardian: ID!) {
  linkGuardian(studentId: $student, guardianId: $guardian) { __typename } }"""
ROSTER_TERM = """mutation($input: TermInput!) { upsertTerm(input: $input) { __typename } }"""
ROSTER_IMPORT = """mutation($files: [RosterFileInput!]!) { importRoster(files: $files) {
  __typename ... on RosterImport { id } } }"""
START = """mutation($id: ID!) { startSession(id: $id) { __typename } }"""
LESSON_COMPONENTS = """query($id: ID!) { lesson(id: $id) { components { id kind } } }"""
ASSIGN = """mutation($input: AssignTaskInput!) { assignTask(input: $input) {
  __typename ... on Task { id } ... on UserError { code message } } }"""
END = """mutation($id: ID!) { endSession(id: $id) { __typename } }"""
ATTACH = """mutation($id: ID!, $input: RecordingInput!) {
  attachRecording(sessionId: $id, input: $input) {
  __typename ... on Recording { id } ... on UserError { code } } }"""
SESSION_RECORDING = """query($id: ID!) { session(id: $id) { recording { componentId } } }"""
ATTENDANCE = """query($id: ID!) { sessionAttendance(sessionId: $id) { sessionId } }"""
CHECK_IN = """mutation($id: ID!) { checkIn(sessionId: $id, signal: UNSURE) {
  __typename ... on CheckIn { id } ... on UserError { code } } }"""
PROGRESS = """mutation($id: ID!) { reportProgress(taskId: $id, clientEventId: "world",
  occurredAt: "2025-01-01T00:00:00Z", timeSpentSeconds: 60) {
  __typename ... on UserError { code } } }"""
OPEN_PROMPT = """mutation($id: ID!) { openPrompt(sessionId: $id, kind: MULTIPLE_CHOICE,
  question: "Which is a prime?", options: ["4", "7", "9"]) {
  __typename ... on Prompt { id } ... on UserError { code } } }"""
ANSWER_PROMPT = """mutation($id: ID!) { answerPrompt(promptId: $id, choice: 1) {
  __typename ... on PromptAnswer { choice } ... on UserError { code } } }"""


ASSESS = """mutation($id: ID!) { assessBalance(sectionId: $id) {
  __typename ... on BalanceAssessment { week } } }"""
SET_POLICY = """mutation($id: ID!, $input: BalancePolicyInput!) {
  setBalancePolicy(sectionId: $id, input: $input) { __typename } }"""
CREATE_GROUP = """mutation($section: ID!, $name: String!, $students: [ID!]!) {
  createGroup(sectionId: $section, name: $name, studentIds: $students) {
  __typename ... on Group { id } ... on UserError { code } } }"""
PULSE = """mutation($input: PulseInput!) { submitPulse(input: $input) {
  __typename ... on Pulse { id } ... on UserError { code } } }"""
REGISTER_ENDPOINT = """mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpointRegistered { endpoint { id } } ... on UserError { code } } }"""
CALENDAR_LINK = """mutation($student: ID, $section: ID) {
  createCalendarLink(studentId: $student, sectionId: $section) {
  __typename ... on CalendarLink { id } ... on UserError { code } } }"""


EDIT = """mutation($id: ID!, $input: CreateLessonInput!) { editLesson(id: $id, input: $input) {
  __typename } }"""
CURRICULUM_CREATE = """mutation($input: CreateCurriculumInput!) {
  createCurriculum(input: $input) { __typename ... on Curriculum { id } } }"""
UNIT_ADD = """mutation($id: ID!) { addUnit(curriculumId: $id, title: "Unit 1") {
  __typename ... on Curriculum { units { id } } } }"""
LESSON_PLACE = """mutation($c: ID!, $u: ID!, $l: ID!) {
  placeLesson(curriculumId: $c, unitId: $u, lessonId: $l) { __typename } }"""


async def revised_lesson(teacher: Client) -> str:
    """A lesson of the teacher's, published, with a revision pending."""
    lesson_id = await published_lesson(teacher)
    await succeeds(teacher, EDIT, id=lesson_id, input=LESSON | {"title": "Revised"})
    return lesson_id


async def each(calls: Iterable[Awaitable[list[str]]]) -> list[str]:
    """Run the calls, at most PARALLEL at once; every problem any of them found."""
    gate = asyncio.Semaphore(PARALLEL)

    async def one(call: Awaitable[list[str]]) -> list[str]:
        async with gate:
            return await call

    found = await asyncio.gather(*(one(call) for call in calls))
    return [problem for problems in found for problem in problems]


ACCEPT_PROPOSAL = """mutation($id: ID!) { acceptProposal(proposalId: $id) { __typename } }"""
PROPOSAL_IDS = """query($id: ID!) { balanceProposals(sectionId: $id, first: 100) {
  nodes { id week } } }"""


async def proposed(
    stack: RunningStack, teacher: Client, district: str, section: str, student: str
) -> list[str]:
    """Ten open proposals of the section, one per week assessed, in the order of the weeks:
    the feedback service's assessments, as it publishes them (one week's missed sessions and
    poor connectivity: the student follows by recording)."""
    weeks = [f"2026-W{n:02d}" for n in range(1, 11)]
    publisher = KafkaPublisher(KafkaSettings(bootstrap_servers=stack.kafka_bootstrap))
    await publisher.start()
    try:
        for week in weeks:
            await publisher.publish(assessment(district, section, student, week))
    finally:
        await publisher.stop()

    async def all_there() -> list[str] | None:
        nodes = (await teacher.run(PROPOSAL_IDS, id=section))["balanceProposals"]["nodes"]
        # This week's may be there too: its sessions' ends assess it (ADR 0037).
        by_week = {node["week"]: node["id"] for node in nodes}
        return [by_week[w] for w in weeks] if set(weeks) <= set(by_week) else None

    return await eventually(all_there)


def assessment(district: str, section: str, student: str, week: str) -> CloudEvent:
    figures = AssessedFigures(
        planned_live_minutes=100,
        attended_live_minutes=0,
        assigned_on_demand_minutes=0,
        completed_on_demand_minutes=0,
        sessions=2,
        sessions_missed=2,
    )
    reason = "missed 2 of 2 live sessions and the student reports limited connectivity"
    flag = AssessedFlag(kind=BalanceFlag.OFFER_RECORDINGS, reason=f"{reason} → offer recordings")
    payload = BalanceAssessed(
        district_id=district,
        assessment_id=f"assessment-{section}-{week}",
        section_id=section,
        week=week,
        figures=figures,
        flags=[],
        students=[StudentBalance(student_id=student, figures=figures, flags=[flag])],
        assessed_at=datetime.now(UTC),
    )
    return new_event("bookend/feedback", payload)


ASK_CLASS = """mutation($id: ID!) { askQuestion(sessionId: $id, text: "What is a mean?",
  visibility: CLASS) { __typename ... on Question { id } ... on UserError { code } } }"""
NOTE_TASK = """mutation($input: WriteNoteInput!) { writeNote(input: $input) {
  __typename ... on Note { id } ... on UserError { code } } }"""


async def asked_and_noted(
    teacher: Client, classmate: Client, live: str, task: str, student: str
) -> tuple[str, str]:
    """A class question of the live session asked by a classmate of the student, and the
    teacher's note to the student about the task."""
    question = str((await succeeds(classmate, ASK_CLASS, id=live))["id"])

    async def noted() -> str | None:
        # Feedback learns the task from the scheduler's event.
        note = {"studentId": student, "text": "Well reasoned.", "taskId": task}
        result = (await teacher.run(NOTE_TASK, input=note))["writeNote"]
        if result["__typename"] == "Note":
            return str(result["id"])
        assert result["code"] == "TASK_NOT_FOUND", result
        return None

    return question, await eventually(noted)


async def succeeds(client: Client, document: str, **variables: object) -> Data:
    """The first field of a mutation's data, which must not be a failure."""
    data = await client.run(document, **variables)
    (result,) = data.values()
    assert isinstance(result, dict), data
    assert result["__typename"] not in FAILURES, result
    return result


@pytest.fixture(scope="module")
async def gateway_http() -> AsyncIterator[httpx.AsyncClient]:
    """This module's connections to the gateway, dropped after a second idle: the gateway's
    server closes a connection idle for 5 s, httpx keeps one for 5 s, and a request sent on
    one just as it closes fails with httpx.ReadError (seen here once, between bursts)."""
    limits = httpx.Limits(keepalive_expiry=1)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        yield client


@pytest.fixture(scope="module")
async def world(stack: RunningStack, gateway_http: httpx.AsyncClient) -> World:
    tag = uuid.uuid4().hex[:8]
    district, elsewhere = f"district-matrix-{tag}", f"district-elsewhere-{tag}"
    school, other_school = f"school-{tag}-1", f"school-{tag}-2"
    x, y, z = f"sec-{tag}-x", f"sec-{tag}-y", f"sec-{tag}-z"
    subjects = {who: f"{who.value.removeprefix('a.').removeprefix('b.')}-{tag}" for who in As}
    for who in OUTSIDERS:  # an outsider holds the same ids as their counterpart in A
        subjects[who] = subjects[As(who.value.replace("b.", "a.", 1))]
    a_student, y_student = subjects[As.STUDENT], subjects[As.STUDENT_Y]

    def claims(who: As) -> tuple[Role, str | None, frozenset[str], frozenset[str]]:
        """Role, school, sections and children, as the identity provider would issue them."""
        return {
            As.TEACHER: (Role.TEACHER, school, frozenset({x}), frozenset()),
            As.TEACHER_Y: (Role.TEACHER, school, frozenset({y}), frozenset()),
            As.TEACHER_Z: (Role.TEACHER, other_school, frozenset({z}), frozenset()),
            As.STUDENT: (Role.STUDENT, school, frozenset({x, z}), frozenset()),
            As.STUDENT_Y: (Role.STUDENT, school, frozenset({y}), frozenset()),
            As.GUARDIAN: (Role.GUARDIAN, None, frozenset(), frozenset({a_student})),
            As.GUARDIAN_Y: (Role.GUARDIAN, None, frozenset(), frozenset({y_student})),
            As.SCHOOL_ADMIN: (Role.SCHOOL_ADMIN, school, frozenset(), frozenset()),
            As.SCHOOL_ADMIN_Z: (Role.SCHOOL_ADMIN, other_school, frozenset(), frozenset()),
            As.DISTRICT_ADMIN: (Role.DISTRICT_ADMIN, None, frozenset(), frozenset()),
            As.INTEGRATION: (Role.INTEGRATION, None, frozenset(), frozenset()),
            As.B_TEACHER: (Role.TEACHER, school, frozenset({x, z}), frozenset()),
            As.B_STUDENT: (Role.STUDENT, school, frozenset({x, z}), frozenset()),
            As.B_GUARDIAN: (Role.GUARDIAN, None, frozenset(), frozenset({a_student})),
            As.B_SCHOOL_ADMIN: (Role.SCHOOL_ADMIN, school, frozenset(), frozenset()),
            As.B_DISTRICT_ADMIN: (Role.DISTRICT_ADMIN, None, frozenset(), frozenset()),
            As.B_INTEGRATION: (Role.INTEGRATION, None, frozenset(), frozenset()),
        }[who]

    def client(who: As) -> Client:
        role, school_claim, sections, children = claims(who)
        token = token_for(
            subjects[who],
            role,
            district=elsewhere if who in OUTSIDERS else district,
            school=school_claim,
            sections=sections,
            children=children,
        )
        return Client(gateway_http, stack.gateway_url, token)

    clients = {who: client(who) for who in As}
    admin, teacher = clients[As.DISTRICT_ADMIN], clients[As.TEACHER]

    await asyncio.gather(*(succeeds(admin, ROSTER_SCHOOL, id=s) for s in (school, other_school)))
    await asyncio.gather(
        *(
            succeeds(
                admin,
                ROSTER_SECTION,
                input=SECTION_X | {"id": section, "schoolId": at, "teacherIds": [subjects[by]]},
            )
            for section, at, by in (
                (x, school, As.TEACHER),
                (y, school, As.TEACHER_Y),
                (z, other_school, As.TEACHER_Z),
            )
        )
    )
    await asyncio.gather(
        *(
            succeeds(admin, ROSTER_ENROL, section=section, student=student)
            for section, student in ((x, a_student), (z, a_student), (y, y_student))
        )
    )

    student_x = {"id": a_student, "role": "STUDENT", "schoolIds": [school]}
    student_x["timeZone"] = "America/Chicago"
    await succeeds(admin, ROSTER_PERSON, input=student_x)  # at X's school, whatever enrolled first
    for guardian in (subjects[As.GUARDIAN], subjects[As.GUARDIAN_Y]):
        person = {"id": guardian, "role": "GUARDIAN", "schoolIds": [school]}
        await succeeds(admin, ROSTER_PERSON, input=person)
    await succeeds(admin, ROSTER_LINK, student=a_student, guardian=subjects[As.GUARDIAN])
    term = f"term-{tag}"
    await succeeds(admin, ROSTER_TERM, input=TERM | {"id": term, "schoolId": school})
    roster_import = (
        await succeeds(admin, ROSTER_IMPORT, files=school_file(school, "Matrix School"))
    )["id"]

    lesson = await published_lesson(teacher)
    drafts = [
        draft["id"]
        for draft in await asyncio.gather(
            *(
                succeeds(teacher, CREATE_LESSON, input=LESSON)
                for _ in range(1 + 2 * len(WRITES_LESSONS))
            )
        )
    ]
    revised = await asyncio.gather(
        *(revised_lesson(teacher) for _ in range(1 + len(WRITES_LESSONS)))
    )
    curriculum = await succeeds(
        admin, CURRICULUM_CREATE, input={"title": "Reading 8", "subject": "reading"}
    )
    unit = (await succeeds(admin, UNIT_ADD, id=curriculum["id"]))["units"][0]["id"]
    await succeeds(admin, LESSON_PLACE, c=curriculum["id"], u=unit, l=lesson)
    curator = Client(
        gateway_http,
        stack.gateway_url,
        token_for(f"curator-{tag}", Role.DISTRICT_ADMIN, district=SHARED_LIBRARY),
    )
    shared = await published_lesson(curator)
    scheduled = (await schedule(teacher, x, lesson))["id"]  # once the scheduler knows the lesson
    live, in_z, ended, recorded, *spares = await asyncio.gather(
        schedule(teacher, x, lesson),
        schedule(clients[As.TEACHER_Z], z, lesson),
        schedule(teacher, x, lesson),
        schedule(teacher, x, lesson),
        *(schedule(teacher, x, lesson) for _ in range(3 * len(RUNS_X))),
    )
    series, *spare_series_list = await asyncio.gather(
        *(
            schedule(teacher, x, lesson, recurrence="FREQ=WEEKLY;COUNT=2")
            for _ in range(1 + len(RUNS_X))
        )
    )
    runs = len(RUNS_X)
    spares, to_record, planned = spares[:runs], spares[runs : 2 * runs], spares[2 * runs :]
    lesson_components = await teacher.run(LESSON_COMPONENTS, id=lesson)
    component = next(
        c["id"] for c in lesson_components["lesson"]["components"] if c["kind"] == "AUTONOMY"
    )
    task, *spare_task_list = [
        (
            await succeeds(
                teacher,
                ASSIGN,
                input={
                    "sectionId": x,
                    "lessonId": lesson,
                    "componentId": component,
                    "opens": {"at": TASK_OPENS},
                    "due": {"at": TASK_DUE},
                },
            )
        )["id"]
        for _ in range(1 + runs)
    ]
    await succeeds(teacher, START, id=live["id"])
    for over in (ended, *to_record, recorded):  # the recorded one last, see below
        await succeeds(teacher, START, id=over["id"])
        await succeeds(teacher, END, id=over["id"])

    async def attached() -> str | None:
        # One section's events stay in order: once the catalog knows the last one ended, it
        # knows the others did.
        result = await teacher.run(ATTACH, id=recorded["id"], input=RECORDING)
        attempt = result["attachRecording"]
        if attempt["__typename"] == "Recording":
            return str(attempt["id"])
        assert attempt["code"] in ("SESSION_NOT_FOUND", "SESSION_NOT_ENDED"), attempt
        return None

    recording = await eventually(attached, seconds=30)

    async def shown() -> bool:
        # The scheduler shows it once `recording.published` reaches it: before any snapshot.
        found = await teacher.run(SESSION_RECORDING, id=recorded["id"])
        return found["session"]["recording"] is not None

    await eventually(shown, seconds=30)

    async def summarised() -> bool:
        # Feedback summarises an ended session's attendance from the same end event.
        return not (await teacher.raw(ATTENDANCE, id=ended["id"])).get("errors")

    await eventually(summarised, seconds=30)

    async def checked_in() -> str | None:
        result = (await clients[As.STUDENT].run(CHECK_IN, id=live["id"]))["checkIn"]
        if result["__typename"] == "CheckIn":
            return str(result["id"])
        assert result["code"] == "SESSION_NOT_LIVE", result
        return None  # the feedback service opens the channel when it hears the start

    check_in = await eventually(checked_in)

    async def progressed() -> bool:
        # Feedback learns the task from the scheduler's TaskAssigned; until then, TASK_NOT_FOUND.
        result = (await clients[As.STUDENT].run(PROGRESS, id=task))["reportProgress"]
        assert result["__typename"] in ("ProgressReport", "NotFound"), result
        return bool(result["__typename"] == "ProgressReport")

    await eventually(progressed)
    # The channel is open: the teacher's prompts, one the student answered.
    prompt, *spare_prompt_list = [
        (await succeeds(teacher, OPEN_PROMPT, id=live["id"]))["id"] for _ in range(1 + runs)
    ]
    await succeeds(clients[As.STUDENT], ANSWER_PROMPT, id=prompt)
    # A classmate of the student in X (by their token's claims) asks a class question.
    classmate = Client(
        gateway_http,
        stack.gateway_url,
        token_for(f"classmate-{tag}", Role.STUDENT, district=district, sections=frozenset({x})),
    )
    question, note = await asked_and_noted(teacher, classmate, live["id"], task, a_student)
    calendar_link = await succeeds(admin, CALENDAR_LINK, student=a_student)
    section_links = await asyncio.gather(
        *(succeeds(teacher, CALENDAR_LINK, section=x) for _ in range(1 + len(RUNS_X)))
    )
    spare_calendar_links = {
        who: link["id"] for who, link in zip(sorted(RUNS_X), section_links[1:], strict=True)
    }
    await succeeds(teacher, SET_POLICY, id=x, input=X_POLICY)
    assessed_week = (await succeeds(teacher, ASSESS, id=x))["week"]
    group, *spare_group_list = [
        (await succeeds(teacher, CREATE_GROUP, section=x, name=name, students=[a_student]))["id"]
        for name in [GROUP_NAME, *(f"Spare of {who.value}" for who in sorted(RUNS_X))]
    ]
    proposals = await proposed(stack, teacher, district, x, a_student)
    spare_proposals = {
        action: dict(zip(sorted(RUNS_X), proposals[1 + n * 3 : 4 + n * 3], strict=True))
        for n, action in enumerate(("accept", "dismiss", "undo"))
    }
    for spare in spare_proposals["undo"].values():
        await succeeds(teacher, ACCEPT_PROPOSAL, id=spare)
    pulse = await succeeds(clients[As.STUDENT], PULSE, input=pulse_input(None, "Mine"))
    guardian_pulse = await succeeds(
        clients[As.GUARDIAN], PULSE, input=pulse_input(a_student, "About my child")
    )
    endpoint, *spare_endpoint_list = [
        (await succeeds(admin, REGISTER_ENDPOINT, input=endpoint_input(name)))["endpoint"]["id"]
        for name in [
            "The district's",
            *(f"Spare {n} of {who.value}" for n in (1, 2) for who in sorted(INTEGRATES_A)),
        ]
    ]
    integrators = len(INTEGRATES_A)
    spare_endpoints = {
        kind: dict(
            zip(
                sorted(INTEGRATES_A),
                spare_endpoint_list[n * integrators : (n + 1) * integrators],
                strict=True,
            )
        )
        for n, kind in enumerate(("kept", "deleted"))
    }

    async def relayed() -> bool:
        # The integrations component logs A's public events as it hears them.
        found = await admin.run(DISTRICT_EVENTS, types=[SESSION_SCHEDULED])
        return unglobal(scheduled)[1] in strings(found)

    await eventually(relayed, seconds=30)
    writers = sorted(WRITES_LESSONS)
    spare_drafts = dict(zip(writers, drafts[1 : 1 + len(writers)], strict=True))
    spare_lessons = dict(zip(writers, drafts[1 + len(writers) :], strict=True))
    spare_sessions = {who: s["id"] for who, s in zip(sorted(RUNS_X), spares, strict=True)}
    spare_ended = {who: s["id"] for who, s in zip(sorted(RUNS_X), to_record, strict=True)}
    spare_planned = {who: s["id"] for who, s in zip(sorted(RUNS_X), planned, strict=True)}
    spare_series = {
        who: s["seriesId"] for who, s in zip(sorted(RUNS_X), spare_series_list, strict=True)
    }
    return World(
        assessed_week=assessed_week,
        district=district,
        school=school,
        other_school=other_school,
        section=x,
        section_z=z,
        lesson=lesson,
        draft=drafts[0],
        scheduled=scheduled,
        live=live["id"],
        check_in=check_in,
        ended=ended["id"],
        recorded=recorded["id"],
        recording=recording,
        intruder=f"student-intruder-{tag}",
        subjects=subjects,
        clients=clients,
        spare_drafts=spare_drafts,
        spare_lessons=spare_lessons,
        revised={None: revised[0], **dict(zip(writers, revised[1:], strict=True))},
        curriculum=curriculum["id"],
        unit=unit,
        shared=shared,
        spare_sessions=spare_sessions,
        spare_ended=spare_ended,
        term=term,
        roster_import=roster_import,
        series=series["seriesId"],
        task=task,
        component=component,
        spare_tasks=dict(zip(sorted(RUNS_X), spare_task_list, strict=True)),
        group=group,
        spare_groups=dict(zip(sorted(RUNS_X), spare_group_list, strict=True)),
        proposal=proposals[0],
        spare_proposals=spare_proposals,
        question=question,
        note=note,
        spare_planned=spare_planned,
        spare_series=spare_series,
        calendar_link=calendar_link["id"],
        section_calendar_link=section_links[0]["id"],
        spare_calendar_links=spare_calendar_links,
        pulse=pulse["id"],
        guardian_pulse=guardian_pulse["id"],
        endpoint=endpoint,
        spare_endpoints=spare_endpoints,
        prompt=prompt,
        spare_prompts=dict(zip(sorted(RUNS_X), spare_prompt_list, strict=True)),
        data_ids=in_either_form(
            {"District": {district}, "School": {school, other_school}, "Section": {x, y, z}}
            | {"Term": {term}},
            {lesson, *drafts, *revised, scheduled, roster_import}
            | {check_in, curriculum["id"], unit, recording}
            | {live["id"], in_z["id"], *(s["id"] for s in spares)}
            | {ended["id"], recorded["id"], *spare_ended.values()}
            | {series["seriesId"], *spare_planned.values(), *spare_series.values()}
            | {task, *spare_task_list}
            | {group, *spare_group_list}
            | set(proposals)
            | {prompt, *spare_prompt_list}
            | {question, note}
            | {calendar_link["id"], *(link["id"] for link in section_links)}
            | {pulse["id"], guardian_pulse["id"]}
            | {endpoint, *spare_endpoint_list},
        ),
    )


def in_either_form(raw: Mapping[str, set[str]], answered: set[str]) -> frozenset[str]:
    """Ids of A as an answer could hold them: the ids A chose (by type) and the ids the API
    gave A (global), each as the API writes it and as the services keep it."""
    chosen = {gid(type_name, value) for type_name, values in raw.items() for value in values}
    kept = {value for values in raw.values() for value in values}
    return frozenset(chosen | kept | answered | {unglobal(value)[1] for value in answered})


# --- reading --------------------------------------------------------------------------------


def strings(value: object) -> set[str]:
    """Every string in a JSON value, keys aside."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for item in value.values() for s in strings(item)}
    if isinstance(value, list):
        return {s for item in value for s in strings(item)}
    return set()


def is_refusal(code: object) -> bool:
    return isinstance(code, str) and (code == "FORBIDDEN" or code.endswith("NOT_FOUND"))


async def first_event(client: Client, document: str, variables: dict[str, object]) -> Data:
    """A subscription's first result, as a query's body would be."""
    async with graphql_ws(client.url, client.http) as ws:
        auth = {"Authorization": f"Bearer {client.token}"}
        await ws.send_json({"type": "connection_init", "payload": auth})
        ack = await ws.receive_json(timeout=10)
        assert ack["type"] == "connection_ack", ack
        await ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": document, "variables": variables}}
        )
        while True:
            message = await ws.receive_json(timeout=15)
            if message["type"] == "next":
                payload: Data = message["payload"]
                return payload
            if message["type"] == "error":
                return {"data": None, "errors": message["payload"]}
            assert message["type"] == "ping", message
            await ws.send_json({"type": "pong"})


async def read_as(world: World, row: Read, who: As) -> list[str]:
    """What is wrong with `who`'s answer to `row`, if anything."""
    client, variables = world[who], row.variables(world)
    if row.subscription:
        body = await first_event(client, row.document, variables)
    else:
        body = await client.raw(row.document, **variables)
    seen = strings(body.get("data"))
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or []]
    problems = []
    if who in row.allowed:
        if codes or row.shows(world) not in seen:
            problems.append(f"{who} is refused what it may read: {json.dumps(body)}")
    else:
        if row.shows(world) in seen:
            problems.append(f"{who} reads what it may not: {json.dumps(body)}")
        if not all(is_refusal(code) for code in codes):
            problems.append(f"{who} is refused with an unexpected code: {codes}")
    if who in OUTSIDERS and (leaked := seen & world.data_ids):
        problems.append(f"{who} of another district reads {sorted(leaked)}")
    return problems


async def test_the_matrix_has_a_row_for_every_field_of_the_schema(world: World) -> None:
    schema = await world[As.DISTRICT_ADMIN].run(
        """{ __schema { queryType { fields { name } } mutationType { fields { name } }
             subscriptionType { fields { name } } } }"""
    )
    roots = schema["__schema"].values()
    fields = {field["name"] for root in roots for field in root["fields"]}
    assert {read.field for read in READS} | {write.field for write in WRITES} == fields


@pytest.mark.parametrize("row", READS, ids=str)
async def test_a_read_shows_district_data_only_to_whom_it_may(world: World, row: Read) -> None:
    problems = await each(read_as(world, row, who) for who in As)
    assert not problems, "\n".join(problems)


# Each type `node` fetches that has a root query of its own: that query, the id to fetch, and
# the fields to compare (no two of one name and different types: `nodes` asks for all).
REFETCHED: list[tuple[str, str, Callable[[World], str], str]] = [
    ("LiveSession", "session", lambda w: w.scheduled, "id title startsAt"),
    ("Lesson", "lesson", lambda w: w.draft, "id title version"),
    ("Curriculum", "curriculum", lambda w: w.curriculum, "id title"),
    ("SessionSeries", "sessionSeries", lambda w: w.series, "id recurrence"),
    ("Prompt", "prompt", lambda w: w.prompt, "id question choices"),
    ("RosterImport", "rosterImport", lambda w: w.roster_import, "id written toWrite"),
    ("WebhookEndpoint", "webhookEndpoint", lambda w: w.endpoint, "id url description"),
]
REFETCH_ALL = "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ __typename {} }} }}".format(
    " ".join(f"... on {type_name} {{ {fields} }}" for type_name, _, _, fields in REFETCHED)
)


def answered(body: Data, path: list[str | int]) -> tuple[object, list[object]]:
    """The value at `path` of a response's data, and the codes of the errors at that path."""
    value: Any = body.get("data")
    for step in path:
        value = None if value is None else value[step]
    codes = [
        error.get("extensions", {}).get("code")
        for error in body.get("errors") or []
        if error.get("path") == path
    ]
    return value, codes


async def refetch_as(world: World, who: As) -> list[str]:
    """How `who`'s `node` and `nodes` answers differ from their answers to each type's own
    query: the same object, or the same refusal, is expected of each."""
    client = world[who]
    ids = [id_of(world) for _, _, id_of, _ in REFETCHED]
    many = await client.raw(REFETCH_ALL, ids=ids)
    problems = []
    for index, (type_name, field, _, fields) in enumerate(REFETCHED):
        own = await client.raw(
            f"query($id: ID!) {{ {field}(id: $id) {{ __typename {fields} }} }}", id=ids[index]
        )
        selection = f"__typename ... on {type_name} {{ {fields} }}"
        one = await client.raw(
            f"query($id: ID!) {{ node(id: $id) {{ {selection} }} }}", id=ids[index]
        )
        expected = answered(own, [field])
        for name, got in (
            ("node", answered(one, ["node"])),
            ("nodes", answered(many, ["nodes", index])),
        ):
            if got != expected:
                problems.append(f"{who}: {name} answers {got}, `{field}` {expected}")
    return problems


async def test_node_and_nodes_answer_each_principal_as_the_types_own_query(world: World) -> None:
    problems = await each(refetch_as(world, who) for who in As)
    assert not problems, "\n".join(problems)


async def test_node_and_nodes_refuse_a_request_without_a_token(
    world: World, stack: RunningStack, gateway_http: httpx.AsyncClient
) -> None:
    for document, variables in (
        ("query($id: ID!) { node(id: $id) { id } }", {"id": world.scheduled}),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [world.scheduled]}),
    ):
        body = {"query": document, "variables": variables}
        refused = await gateway_http.post(stack.gateway_url, json=body)
        assert (refused.status_code, refused.headers["www-authenticate"]) == (401, "Bearer")
        assert refused.json() == {
            "data": None,
            "errors": [
                {
                    "message": "an Authorization: Bearer token is required",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ],
        }


# --- changing -------------------------------------------------------------------------------

SNAPSHOT = {
    "lessons": (As.DISTRICT_ADMIN, "{ lessons(first: 100) { nodes { id title status version } } }"),
    "curricula": (
        As.DISTRICT_ADMIN,
        "{ curricula(first: 100) { nodes { id title units { id title lessonIds } } } }",
    ),
    "sections": (
        As.DISTRICT_ADMIN,
        "{ sections(first: 100) { nodes { id schoolId name subject timeZone teacherIds } } }",
    ),
    "roster": (
        As.DISTRICT_ADMIN,
        """query($school: ID!, $student: ID!, $section: ID!) {
          district { name } schools(first: 100) { nodes { id name timeZone } }
          terms(schoolId: $school, first: 100) { nodes { id schoolId name startsOn endsOn } }
          studentGuardians(studentId: $student) { id }
          sectionStudents(sectionId: $section, first: 100) { nodes { id timeZone } } }""",
    ),
    "sessions": (
        As.TEACHER,
        """query($section: ID!) { sectionSessions(sectionId: $section, first: 100) {
          nodes { id status title startsAt endsAt sectionId lessonId tasks { id opensAt dueAt }
          recording { componentId url } } } }""",
    ),
    "recordings": (
        As.DISTRICT_ADMIN,
        """query($lesson: ID!) { lessonRecordings(lessonId: $lesson, first: 100) {
          nodes { id sessionId title } } }""",
    ),
    "proposals": (
        As.TEACHER,
        """query($section: ID!) { balanceProposals(sectionId: $section, first: 100) {
          nodes { id status decidedBy } } }""",
    ),
    "check-ins": (
        As.TEACHER,
        "query($live: ID!) { checkIns(sessionId: $live, first: 100) { nodes { id signal } } }",
    ),
    "progress": (
        As.TEACHER,
        """query($task: ID!) { taskProgress(taskId: $task, first: 100) {
          nodes { studentId state reportCount } } }""",
    ),
    "questions": (
        As.TEACHER,
        """query($live: ID!) { sessionQuestions(sessionId: $live, first: 100) {
          nodes { id text status upvotes answer { text } followUp { markedBy } } } }""",
    ),
    "notes": (As.STUDENT, "{ notes(first: 100) { nodes { id text } } }"),
    "channel": (
        As.TEACHER,
        """query($live: ID!) { liveChannel(sessionId: $live) {
          status counts { gotIt unsure lost } } }""",
    ),
    # Statuses of tasks are left out: they follow the clock, not the writes.
    "feed": (
        As.DISTRICT_ADMIN,
        """query($student: ID) { feed(first: 100, studentId: $student) {
          timeZone edges { node { id sectionId title } } } }""",
    ),
    "calendar links": (
        As.DISTRICT_ADMIN,
        """query($student: ID, $section: ID) {
          student: calendarLinks(studentId: $student, first: 100) { nodes { id revokedAt } }
          section: calendarLinks(sectionId: $section, first: 100) { nodes { id revokedAt } } }""",
    ),
    "intruder's feed": (
        As.DISTRICT_ADMIN,
        """query($intruder: ID) { feed(first: 100, studentId: $intruder) {
          timeZone edges { node { id } } } }""",
    ),
    "prompts": (
        As.TEACHER,
        """query($live: ID!) { sessionPrompts(sessionId: $live, first: 100) {
          nodes { id status revealedAt results { answered counts revision } } } }""",
    ),
    "groups": (
        As.TEACHER,
        """query($section: ID!) { sectionGroups(sectionId: $section, first: 100) {
          nodes { id name studentIds } } }""",
    ),
    "pulses": (
        As.TEACHER,
        """query($section: ID!, $week: String!) { sectionPulse(sectionId: $section, week: $week) {
          pulses(first: 100) { nodes { id studentId respondent workload revision comment } } } }""",
    ),
    "balance policy": (
        As.DISTRICT_ADMIN,
        """query($section: ID!) { balancePolicy(sectionId: $section) {
          minOnDemandShare maxLiveMinutesPerDay mode } }""",
    ),
    # Streaks and secrets' expiries are left out: they follow deliveries and rotations.
    "webhook endpoints": (
        As.DISTRICT_ADMIN,
        "{ webhookEndpoints(first: 100) { nodes { id url eventTypes description status } } }",
    ),
}


async def snapshot(world: World) -> dict[str, Data]:
    """District A as its own staff read it: lessons, roster, X's sessions, the live session's
    check-ins and channel, and the student's and the intruder's feeds."""
    known: dict[str, object] = {
        "school": world.school,
        "lesson": world.lesson,
        "section": world.section,
        "live": world.live,
        "student": world.subjects[As.STUDENT],
        "intruder": world.intruder,
        "week": PULSE_WEEK,
        "task": world.task,
    }

    async def read(who: As, document: str) -> Data:
        wanted = {name: value for name, value in known.items() if f"${name}" in document}
        return await world[who].run(document, **wanted)

    found = await asyncio.gather(*(read(who, document) for who, document in SNAPSHOT.values()))
    return dict(zip(SNAPSHOT, found, strict=True))


async def attempt_as(world: World, row: Write, who: As) -> list[str]:
    body = await world[who].raw(row.document, **row.attempt(world))
    result = (body.get("data") or {}).get(row.field) or {}
    kind = result.get("__typename")
    if who in row.elsewhere:
        return [] if kind == row.success else [f"{who} fails in its own district: {body}"]
    expected = FAILURES if who in OUTSIDERS else REFUSALS
    return [] if kind in expected else [f"{who} is not refused: {json.dumps(body)}"]


async def make_as(world: World, row: Write, who: As) -> list[str]:
    body = await world[who].raw(row.document, **row.permitted(world, who))
    result = (body.get("data") or {}).get(row.field) or {}
    return [] if result.get("__typename") == row.success else [f"{who} may not: {body}"]


@pytest.mark.parametrize("row", WRITES, ids=str)
async def test_a_refused_change_is_a_typed_failure_and_changes_nothing(
    world: World, row: Write
) -> None:
    before = await snapshot(world)
    problems = await each(attempt_as(world, row, who) for who in As if who not in row.allowed)
    after = await snapshot(world)
    assert not problems, "\n".join(problems)
    assert after == before


async def test_each_allowed_principal_makes_each_change(world: World) -> None:
    before = await snapshot(world)
    problems: list[str] = []
    for row in WRITES:  # in order: what was started is ended
        problems += await each(make_as(world, row, who) for who in sorted(row.allowed))
    after = await snapshot(world)
    assert not problems, "\n".join(problems)
    # The snapshot sees changes: the refusals above are not passing for want of looking.
    lessons = [len(s["lessons"]["lessons"]["nodes"]) for s in (before, after)]
    # One made and one adopted by each of the curriculum roles; one archived by each who writes
    # A's lessons, which leaves the default listing.
    assert lessons[1] == lessons[0] + 2 * len(CURRICULUM_A) - len(WRITES_LESSONS)
    sessions = [s["sessions"]["sectionSessions"]["nodes"] for s in (before, after)]
    assert len(sessions[1]) == len(sessions[0]) + len(RUNS_X)
    ended = [{s["id"] for s in listed if s["status"] == "ENDED"} for listed in sessions]
    assert ended[1] - ended[0] == set(world.spare_sessions.values())
    check_ins = [len(s["check-ins"]["checkIns"]["nodes"]) for s in (before, after)]
    assert check_ins[1] == check_ins[0] + 1
    recorded = [
        {r["sessionId"] for r in s["recordings"]["lessonRecordings"]["nodes"]}
        for s in (before, after)
    ]
    assert recorded[1] == recorded[0] | set(world.spare_ended.values())
    links = [s["calendar links"] for s in (before, after)]
    student_links = [s["student"]["nodes"] for s in links]
    assert len(student_links[1]) == len(student_links[0]) + len(MANAGES_STUDENT)
    section_links = [{link["id"] for link in s["section"]["nodes"]} for s in links]
    assert section_links[0] - section_links[1] == set(world.spare_calendar_links.values())
    groups = [
        {g["id"]: g["name"] for g in s["groups"]["sectionGroups"]["nodes"]} for s in (before, after)
    ]
    assert set(groups[0]) - set(groups[1]) == set(world.spare_groups.values())
    assert set(groups[1].values()) - set(groups[0].values()) == {
        f"Made by {who.value}" for who in RUNS_X
    }
    pulses = [s["pulses"]["sectionPulse"]["pulses"]["nodes"] for s in (before, after)]
    assert [(p["revision"], p["comment"]) for p in pulses[1]] == [(2, "Edited"), (2, "Edited")]
    prompts = [
        {p["id"]: p for p in s["prompts"]["sessionPrompts"]["nodes"]} for s in (before, after)
    ]
    assert len(prompts[1]) == len(prompts[0]) + len(RUNS_X)
    assert all(prompts[1][spare]["revealedAt"] for spare in world.spare_prompts.values())
    endpoints = [
        {e["id"]: e["description"] for e in s["webhook endpoints"]["webhookEndpoints"]["nodes"]}
        for s in (before, after)
    ]
    assert set(endpoints[0]) - set(endpoints[1]) == set(world.spare_endpoints["deleted"].values())
    assert sorted(set(endpoints[1].values()) - set(endpoints[0].values())) == sorted(
        f"{done} by {who.value}" for done in ("Registered", "Edited") for who in INTEGRATES_A
    )
