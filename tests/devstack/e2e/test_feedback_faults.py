"""Feedback's live and on-demand flows under `bookend run` lose nothing and apply nothing twice
when the broker, which keeps its log in memory only, is stopped and started empty in the middle
of a session, when feedback is killed right after a burst of answers and reports, or when the
scheduler is killed as a balance assessment is published (ADR 0014, 0026). Everything is driven
through the gateway's GraphQL, as clients do; only the counts of events emitted and applied are
read from the stack's store."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest

from bookend.auth import Role
from bookend.contracts import CloudEvent
from bookend.contracts import feedback as feedback_events
from bookend.contracts import scheduler as scheduler_events
from bookend.contracts.registry import spec_for
from bookend.mongo import MongoSettings
from services.feedback.events import CONSUMER as FEEDBACK_CONSUMER
from services.feedback.settings import FeedbackSettings
from services.scheduler.events import CONSUMER as SCHEDULER_CONSUMER
from services.scheduler.settings import SchedulerSettings
from tests.e2e.classroom import ENROL, Classroom, classroom, published_lesson, schedule
from tests.e2e.client import Client, ClientFor, Data
from tests.e2e.test_balance_adjusted import ASSESS, PULSE, a_due_this_week
from tests.e2e.test_live_prompts import END, EVENTS, JOIN, OPEN, PROMPTS, START
from tests.e2e.test_on_demand_tasks import (
    WITH_PRACTICE,
    assign_practice,
    extra_practice,
)
from tests.e2e.test_task_progress import REPORT, TASK_PROGRESS
from tests.support.delivery import Delivery, delivery
from tests.support.global_ids import gid
from tests.support.launcher import Launcher, launched, use_home
from tests.support.polling import eventually
from tests.support.stack import clients

ANSWER = """mutation($id: ID!, $choice: Int, $key: String) {
  answerPrompt(promptId: $id, choice: $choice, idempotencyKey: $key) {
  __typename ... on PromptAnswer { choice late } ... on UserError { code message } } }"""
LOST = """mutation($id: ID!, $key: String) {
  checkIn(sessionId: $id, signal: LOST, idempotencyKey: $key) {
  __typename ... on CheckIn { id } ... on UserError { code message } } }"""
PROPOSALS = """query($section: ID!) { balanceProposals(sectionId: $section) {
  nodes { id studentId kind status } } }"""
FEED = """query { feed(first: 100) { edges { node { id kind status sessionId } } } }"""
FEED_UPDATES = """subscription { feedUpdates(first: 100) { feed { nodes { id status } } } }"""
OPTIONS = ["Hobbes", "Rousseau", "Both"]
# Restarts and a log sent again take seconds; a passing drill waits only as long as they take.
RECOVERY = 60


# --- the stack, and what it delivered -------------------------------------------------------


@dataclass
class Stack:
    launcher: Launcher
    make: ClientFor
    mongo: MongoSettings

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, a transaction or a relay's batch cut wherever it is; the
        launcher's supervision starts it again."""
        os.kill(self.launcher.pids()[name], signal.SIGKILL)

    async def back(self, *names: str) -> None:
        await eventually(lambda: self.launcher.ready(*names), seconds=RECOVERY)

    async def delivered_once(self) -> None:
        """Every event of one service that the other marks when it applies it has exactly one
        mark: feedback's events in the scheduler's inbox, the scheduler's in feedback's."""
        feedback, scheduler = FeedbackSettings().database, SchedulerSettings().database

        async def to_scheduler() -> Delivery:
            return await delivery(
                self.mongo,
                emitter=feedback,
                consumer=scheduler,
                consumer_name=SCHEDULER_CONSUMER,
                marks=marked_by_the_scheduler,
            )

        async def to_feedback() -> Delivery:
            return await delivery(
                self.mongo,
                emitter=scheduler,
                consumer=feedback,
                consumer_name=FEEDBACK_CONSUMER,
                marks=marked_by_feedback,
            )

        await eventually(to_scheduler, seconds=RECOVERY)
        await eventually(to_feedback, seconds=RECOVERY)


def _types(*models: type[Any]) -> frozenset[str]:
    return frozenset(spec_for(model).type for model in models)


# The scheduler marks these feedback events; progress and answers only move a feed status
# forward and are applied without a mark, and a check-in matters only when a student is lost.
SCHEDULER_MARKS = _types(
    feedback_events.AttendanceSummarized,
    feedback_events.PromptAssigned,
    feedback_events.BalanceAssessed,
)
CHECK_IN = spec_for(feedback_events.CheckInRecorded).type
# Feedback marks every scheduler event it hears (not the balance warnings).
FEEDBACK_MARKS = _types(
    scheduler_events.SessionScheduled,
    scheduler_events.SessionStarted,
    scheduler_events.SessionRescheduled,
    scheduler_events.SessionCancelled,
    scheduler_events.SessionEnded,
    scheduler_events.TaskAssigned,
    scheduler_events.TaskRescheduled,
    scheduler_events.TaskWithdrawn,
)


def marked_by_the_scheduler(event: CloudEvent) -> bool:
    if event.type == CHECK_IN:
        return bool(event.data["signal"] == feedback_events.CheckInSignal.LOST)
    return event.type in SCHEDULER_MARKS


def marked_by_feedback(event: CloudEvent) -> bool:
    return event.type in FEEDBACK_MARKS


# One launcher for the module (starting one costs ~8 s); each drill leaves it whole and every
# event delivered, so the next starts from a stack as good as new.
@pytest.fixture(scope="module")
def launcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    root = tmp_path_factory.mktemp("feedback-faults")
    with pytest.MonkeyPatch.context() as patch:
        use_home(root / "home", patch)
        patch.setenv("BOOKEND_GATEWAY_WORKERS", "1")  # one gateway process: less to start
        with launched(root / "home", root / "launcher.out") as running:
            yield running


@pytest.fixture
def stack(launcher: Launcher, http: httpx.AsyncClient) -> Stack:
    secret = (launcher.home / "dev-secret").read_text().strip()
    make = clients(http, launcher.running.gateway_url, secret)
    return Stack(launcher, make, MongoSettings(uri=launcher.running.mongo_uri))


# --- a class in a live session, through GraphQL ----------------------------------------------


@dataclass
class Lesson:
    """A class of six with a task assigned to every student and a live session with a prompt
    open; each student has the (global) id and client they act with."""

    room: Classroom
    students: list[tuple[str, Client]]
    task: str
    assigned_by: datetime
    session: str
    prompt: str


async def class_of_six(make: ClientFor) -> tuple[Classroom, list[tuple[str, Client]]]:
    room = await classroom(make)
    la_id = (await room.la_student.run("{ viewer { id } }"))["viewer"]["id"]
    chicago_id = gid("Person", room.chicago_student_id)
    students = [(chicago_id, room.chicago_student), (la_id, room.la_student)]
    for n in range(4):
        student_id = f"{room.chicago_student_id}-{n}"
        await room.admin.run(
            ENROL, section=room.section_id, student=student_id, zone="America/Chicago"
        )
        sections = frozenset({room.section_id})
        client = make(student_id, Role.STUDENT, sections=sections)
        students.append((gid("Person", student_id), client))
    return room, students


async def lesson_under_way(make: ClientFor, *, joining: int) -> Lesson:
    """The task assigned and known to feedback, the session live with a prompt open, and the
    first `joining` students in it."""
    room, students = await class_of_six(make)
    lesson = await published_lesson(room.teacher, WITH_PRACTICE)
    now = datetime.now(UTC)
    assigned = await assign_practice(
        room,
        lesson,
        opens={"at": now.isoformat()},
        due={"at": (now + timedelta(days=3)).isoformat()},
    )
    assigned_by = datetime.now(UTC)  # the scheduler announced it before this
    task = str(assigned["id"])

    async def known() -> bool:
        return not (await room.teacher.raw(TASK_PROGRESS, task=task)).get("errors")

    await eventually(known)  # feedback learned the task from the scheduler
    session = str((await schedule(room.teacher, room.section_id, lesson))["id"])
    assert (await room.teacher.run(START, id=session))["startSession"]["__typename"] == (
        "LiveSession"
    )

    async def opened() -> Data | None:
        result: Data = (
            await room.teacher.run(OPEN, id=session, question="Who wrote it?", options=OPTIONS)
        )["openPrompt"]
        return None if result.get("code") == "SESSION_NOT_LIVE" else result

    prompt = await eventually(opened)  # feedback opens the channel once it hears the start
    assert prompt["__typename"] == "Prompt", prompt
    for n, (_, student) in enumerate(students[:joining]):
        joined = await student.run(JOIN, id=session, event=f"join-{n}")
        assert joined["joinSession"]["__typename"] == "PresenceReport", joined
    return Lesson(room, students, task, assigned_by, session, str(prompt["id"]))


async def taken(client: Client, document: str, **variables: object) -> Data:
    """A write sent again, with the same arguments and key, while the gateway says a service
    is unavailable (killed, restarting), until one is taken: its result."""

    async def attempt() -> Data | None:
        body = await client.raw(document, **variables)
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        if "UNAVAILABLE" in codes:
            return None
        assert not codes, body["errors"]
        data: Data = body["data"]
        return data

    return await eventually(attempt, seconds=RECOVERY)


async def answer(lesson: Lesson, student: int, choice: int) -> Data:
    """The student's answer, keyed as a client keeps it for its retries."""
    student_id, client = lesson.students[student]
    key = f"answer-{lesson.prompt}-{student_id}"
    result: Data = (await taken(client, ANSWER, id=lesson.prompt, choice=choice, key=key))[
        "answerPrompt"
    ]
    return result


async def tally(lesson: Lesson) -> Data:
    [prompt] = (await lesson.room.teacher.run(PROMPTS, id=lesson.session))["sessionPrompts"][
        "nodes"
    ]
    results: Data = prompt["results"]
    return results


async def progress_by_student(lesson: Lesson) -> dict[str, Data]:
    found = (await lesson.room.teacher.run(TASK_PROGRESS, task=lesson.task))["taskProgress"]
    return {p["studentId"]: p for p in found["nodes"]}


async def feed_streamed(next_update: Callable[[], Awaitable[Data]], wanted: dict[str, str]) -> None:
    """Wait until a page of the feed stream shows each item (the session, task or prompt of
    each id wanted) with its status."""

    async def shown() -> bool:
        try:
            payload = await next_update()
        except TimeoutError:  # nothing for a while: a restart under way
            return False
        assert not payload.get("errors"), payload
        nodes = payload["data"]["feedUpdates"]["feed"]["nodes"]
        statuses = {node["id"]: node["status"] for node in nodes}
        return all(statuses.get(shown) == status for shown, status in wanted.items())

    await eventually(shown, seconds=RECOVERY)


async def feed_statuses(client: Client, *shown: str) -> dict[str, str]:
    """The feed's statuses of the sessions, tasks and prompts of the ids `shown`, by those ids."""
    edges = (await client.run(FEED))["feed"]["edges"]
    nodes = [e["node"] for e in edges]
    return {n["id"]: n["status"] for n in nodes if n["id"] in shown}


async def class_feeds(lesson: Lesson) -> list[dict[str, str]]:
    """Each student's feed statuses of the session, the task and the prompt, in class order."""
    items = (lesson.session, lesson.task, lesson.prompt)
    return [await feed_statuses(client, *items) for _, client in lesson.students]


async def until_seen(probe: Callable[[], Awaitable[object]], wanted: object) -> None:
    """Wait until `probe` sees `wanted`; if it never does, say what it saw last."""
    seen: list[object] = []

    async def matches() -> bool:
        seen[:] = [await probe()]
        return seen[0] == wanted

    try:
        await eventually(matches, seconds=RECOVERY)
    except AssertionError as late:
        raise AssertionError(f"{late}\nwanted: {wanted!r}\nsaw:    {seen[-1]!r}") from None


async def answers_streamed(next_event: Callable[[], Awaitable[Data]], count: int) -> Data:
    """The stream's tally once it has shown `count` students' answers."""
    heard: dict[str, Data] = {}

    async def all_heard() -> Data | None:
        try:
            payload = await next_event()
        except TimeoutError:  # nothing for a while: a restart under way
            return None
        assert not payload.get("errors"), payload
        shown = payload["data"]["sessionEvents"]
        if shown["__typename"] == "PromptAnswerReceived":
            heard[shown["studentId"]] = shown["results"]
        if len(heard) < count:
            return None
        most: Data = max(heard.values(), key=lambda results: int(results["answered"]))
        return most

    return await eventually(all_heard, seconds=RECOVERY)


async def status_streamed(next_event: Callable[[], Awaitable[Data]], status: str) -> None:
    """Wait until the stream sends the session's `status`."""

    async def sent() -> bool:
        try:
            payload = await next_event()
        except TimeoutError:
            return False
        shown: Data = payload["data"]["sessionEvents"]
        return bool(shown["__typename"] == "SessionStatusChanged" and shown["status"] == status)

    await eventually(sent, seconds=RECOVERY)


def reports(lesson: Lesson, count: int) -> list[dict[str, Any]]:
    """A student's reports a second apart after the assignment, the last completing the task;
    each says one second was spent, so they merge to `count` seconds whatever their order."""
    first = lesson.assigned_by.replace(microsecond=0) + timedelta(seconds=1)
    return [
        {
            "event": f"report-{i}",
            "at": (first + timedelta(seconds=i)).isoformat(),
            "position": 60 * (i + 1),
            "spent": 1,
            "completed": i == count - 1,
        }
        for i in range(count)
    ]


async def past(moment: str) -> None:
    """Wait until a report's moment has passed, so that it is kept as sent, not clamped."""
    wait = (datetime.fromisoformat(moment) - datetime.now(UTC)).total_seconds() + 0.1
    await asyncio.sleep(max(wait, 0))


async def report(lesson: Lesson, student: int, sent: dict[str, Any]) -> Data:
    _, client = lesson.students[student]
    result: Data = (await taken(client, REPORT, task=lesson.task, **sent))["reportProgress"]
    assert result["__typename"] == "ProgressReport", result
    return result


# --- the drills ----------------------------------------------------------------------------


# A broker stopped, started and waited for, on top of a class's session: longer than the
# suite's 120 s per test on a loaded machine. Each wait has its own limit and says what it was.
@pytest.mark.timeout(300)
async def test_a_broker_restarted_mid_session_loses_no_answer_progress_or_attendance(
    stack: Stack,
) -> None:
    lesson = await lesson_under_way(stack.make, joining=5)  # the sixth misses the session
    absent_id = lesson.students[5][0]
    sent = reports(lesson, 2)
    await past(sent[-1]["at"])
    # The absent student's app keeps their feed current throughout.
    async with lesson.students[5][1].subscribe(FEED_UPDATES) as absent_feed:
        # The teacher watches the session's stream throughout.
        async with lesson.room.teacher.subscribe(EVENTS, id=lesson.session) as teacher_events:
            given = [await answer(lesson, n, choice) for n, choice in ((0, 0), (1, 1))]
            await report(lesson, 0, sent[0])  # started

            # The broker stops, and feedback dies meanwhile: it comes back without the broker, and
            # writes are still taken (feedback keeps them and their events).
            assert stack.launcher.bookend("stop", "broker").code == 0
            await eventually(lambda: stack.launcher.broker_lost("feedback"), seconds=RECOVERY)
            stack.kill("feedback")
            given.append(await answer(lesson, 2, 1))
            await report(lesson, 1, sent[0])  # started
            # It starts again empty, and writes come at once, before the relays notice the log is
            # gone (events sent to a topic the broker does not have yet are acknowledged and
            # dropped); once they notice, every relay sends its events again and every consumer
            # reads again.
            started = stack.launcher.bookend("start", "broker")
            assert started.code == 0, started.err
            given += [await answer(lesson, n, choice) for n, choice in ((3, 2), (4, 1))]
            await report(lesson, 1, sent[1])  # done
            # Every answer reaches the teacher's stream, the broker's restart notwithstanding (one
            # may come twice, ADR 0014), and the last tally it shows counts each once. (Ending the
            # session first would complete the stream at its ENDED status, ADR 0042, and answers
            # sent again after the restart may come after that status.)
            streamed = await answers_streamed(teacher_events, count=5)
            assert streamed == {"answered": 5, "expected": 6, "counts": [1, 3, 1]}
            ended = await lesson.room.teacher.run(END, id=lesson.session)
            assert ended["endSession"]["__typename"] == "LiveSession", ended
            await status_streamed(teacher_events, "ENDED")

        # Each answer counted once, whatever was sent again.
        assert [g["__typename"] for g in given] == ["PromptAnswer"] * 5, given
        assert await tally(lesson) == {"answered": 5, "counts": [1, 3, 1]}

        # The end reaches feedback, its attendance summary and the prompt left to the absent
        # student reach the scheduler, and progress reaches the feeds.
        session, task, prompt = lesson.session, lesson.task, lesson.prompt
        await until_seen(
            partial(class_feeds, lesson),
            [
                {session: "ATTENDED", task: "IN_PROGRESS"},
                {session: "ATTENDED", task: "DONE"},
                *[{session: "ATTENDED", task: "NOT_STARTED"}] * 3,
                {session: "MISSED", task: "NOT_STARTED", prompt: "NOT_STARTED"},
            ],
        )
        assert absent_id not in await progress_by_student(lesson)
        # Their stream, across the restart, comes to the feed the query shows.
        missed = {lesson.session: "MISSED", lesson.prompt: "NOT_STARTED"}
        await feed_streamed(absent_feed, missed)
    await stack.back("catalog", "scheduler", "feedback", "gateway")
    await stack.delivered_once()


@pytest.mark.timeout(300)
async def test_feedback_killed_after_a_burst_applies_each_answer_report_and_check_in_once(
    stack: Stack,
) -> None:
    lesson = await lesson_under_way(stack.make, joining=5)
    sent = reports(lesson, 3)
    await past(sent[-1]["at"])
    # The absent student's reports, each sent once, before any fault: what the others' should
    # merge to.
    for each in sent:
        await report(lesson, 5, each)

    async def lost(student: int) -> Data:
        student_id, client = lesson.students[student]
        key = f"lost-{lesson.session}-{student_id}"
        result: Data = (await taken(client, LOST, id=lesson.session, key=key))["checkIn"]
        assert result["__typename"] == "CheckIn", result
        return result

    choices = [0, 1, 1, 2, 1]
    writes: list[Callable[[], Coroutine[Any, Any, Data]]] = [
        *(partial(answer, lesson, n, choices[n]) for n in range(5)),
        *(partial(report, lesson, n, each) for n in range(3) for each in sent),
        *(partial(lost, n) for n in (1, 2, 3)),
    ]
    # A burst whose events are leaving as feedback is killed, with more writes in flight
    # meanwhile: each is sent again with its key until the restarted feedback takes it.
    results = {n: await writes[n]() for n in range(0, len(writes), 2)}
    in_flight = {n: asyncio.create_task(writes[n]()) for n in range(1, len(writes), 2)}
    await asyncio.sleep(0)  # on their way
    stack.kill("feedback")
    results |= {n: await task for n, task in in_flight.items()}
    await stack.back("feedback")

    # A client replaying its queue, every write with its key: each is known as the first one
    # (a report's receipt shows the progress as it stands now; one taken as feedback died,
    # its answer lost, was already repeated when sent again).
    for n, write in enumerate(writes):
        before, after = results[n], await write()
        if after["__typename"] == "ProgressReport":
            assert after["repeated"] is True, after
            assert after["clientEventId"] == before["clientEventId"]
        else:
            assert after == before

    # Each report merged once: the same progress as the reports sent once each, no fault.
    progress = await progress_by_student(lesson)
    once = progress.pop(lesson.students[5][0])
    assert once["reportCount"] == 3 and once["state"] == "COMPLETED", once
    assert [{**p, "studentId": None} for p in progress.values()] == [
        {**once, "studentId": None}
    ] * 3
    # Each answer counted once.
    assert await tally(lesson) == {"answered": 5, "counts": [1, 3, 1]}

    # Killed again as the session ends, likely while it closes the prompt and summarises the
    # attendance: that work is rolled back with it and done once after the restart.
    ended = await lesson.room.teacher.run(END, id=lesson.session)
    assert ended["endSession"]["__typename"] == "LiveSession", ended
    stack.kill("feedback")
    await stack.back("feedback")

    session, task, prompt = lesson.session, lesson.task, lesson.prompt
    await until_seen(
        partial(class_feeds, lesson),
        [
            *[{session: "ATTENDED", task: "DONE"}] * 3,
            *[{session: "ATTENDED", task: "NOT_STARTED"}] * 2,
            {session: "MISSED", task: "DONE", prompt: "NOT_STARTED"},
        ],
    )

    # One extra practice for each student who said they were lost, however often it was sent.
    async def practice() -> list[list[str]]:
        return [await extra_practice(client, session) for _, client in lesson.students]

    extra = ["Extra practice: Ten more claims to test"]
    await until_seen(practice, [[], extra, extra, extra, [], []])
    await stack.delivered_once()


@pytest.mark.timeout(300)
async def test_an_assessment_published_while_the_scheduler_is_killed_proposes_once(
    stack: Stack,
) -> None:
    room = await classroom(stack.make)
    overloaded, done = room.chicago_student, room.la_student
    lesson = await published_lesson(room.teacher)
    due, week = await a_due_this_week()
    assigned = await assign_practice(
        room, lesson, opens={"at": datetime.now(UTC).isoformat()}, due={"at": due.isoformat()}
    )
    task = str(assigned["id"])

    async def known() -> bool:
        return not (await room.teacher.raw(TASK_PROGRESS, task=task)).get("errors")

    await eventually(known)
    finished = await done.run(
        REPORT, task=task, event="done-1", at=datetime.now(UTC).isoformat(), completed=True
    )
    assert finished["reportProgress"]["__typename"] == "ProgressReport", finished

    def too_much(student: Client) -> Awaitable[Data]:
        said = {
            "week": week,
            "workload": "TOO_MUCH",
            "wellbeing": "OKAY",
            "connectivity": "GOOD",
            "sharedDevice": False,
            "preference": "BALANCED",
        }
        return student.run(PULSE, input=said)

    async def assessed() -> None:
        result = (await taken(room.teacher, ASSESS, section=room.section_id, week=week))[
            "assessBalance"
        ]
        assert result["__typename"] == "BalanceAssessment", result

    async def proposals() -> list[Data] | None:
        body = await room.teacher.raw(PROPOSALS, section=room.section_id)
        if body.get("errors"):
            return None  # the scheduler is away
        nodes: list[Data] = body["data"]["balanceProposals"]["nodes"]
        return nodes

    async def proposed(student: str) -> list[Data] | None:
        found = await proposals() or []
        return found if any(p["studentId"] == student for p in found) else None

    # One student says the work is too much, and the week is assessed while the scheduler is
    # dead (the first event on its partition for the scheduler: nothing committed to resume
    # from): once it is back, the flag is proposed once.
    assert (await too_much(overloaded))["submitPulse"]["__typename"] == "Pulse"
    stack.kill("scheduler")
    await assessed()
    await stack.back("scheduler")
    overloaded_id = gid("Person", room.chicago_student_id)
    [first] = await eventually(partial(proposed, overloaded_id), seconds=RECOVERY)
    assert first["kind"] == "EXTEND_WINDOWS", first

    # The other says so too and the week is assessed again: the new flag is proposed once, and
    # the first proposal is the same one, whatever the restart delivered again.
    assert (await too_much(done))["submitPulse"]["__typename"] == "Pulse"
    await assessed()
    la_id = (await done.run("{ viewer { id } }"))["viewer"]["id"]
    await eventually(partial(proposed, la_id), seconds=RECOVERY)
    await stack.delivered_once()
    now = await proposals() or []
    assert [p for p in now if p["studentId"] == overloaded_id] == [first]
    assert [(p["kind"], p["status"]) for p in now if p["studentId"] == la_id] == [
        ("EXTEND_WINDOWS", "OPEN")
    ]
    assert len({p["id"] for p in now}) == len(now)
