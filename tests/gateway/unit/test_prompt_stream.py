"""Prompts on a live session's stream over stubbed services (ADR 0034): a late joiner starts
from the prompts as they stand; staff see answers aggregate without a fetch per answer;
students see prompts open, close and revealed, never the answers nor results before the
reveal; an opened prompt is fetched once per audience and shows no reader's own answer."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

from strawberry.types import ExecutionResult

from bookend.auth import Principal, Role
from bookend.contracts import EventData, new_event
from bookend.contracts.feedback import (
    PromptAnswered,
    PromptClosed,
    PromptKind,
    PromptOpened,
    PromptResults,
    PromptRevealed,
    PromptStatus,
)
from bookend.http_contracts.paging import PageInfo
from bookend.http_contracts.prompts import Prompt, PromptAnswer, PromptPage
from gateway.hub import Broadcast
from tests.gateway.stubs import StubServices, only_page
from tests.gateway.unit.test_session_stream import AT, TEACHER, close, live_session, subscribe
from tests.support.global_ids import gid

STREAM = """subscription { sessionEvents(sessionId: "s1") { __typename
  ... on SessionStatusChanged { status }
  ... on PromptPosted { prompt { id question choices status
      results { answered expected counts revision } notAnswered
      ownAnswer { choice } assigned } }
  ... on PromptAnswerReceived { promptId studentId late results { answered counts revision } }
  ... on PromptStatusChanged { promptId promptStatus revealed results { answered counts } } } }"""
STUDENT = Principal("ana", "district-1", frozenset({Role.STUDENT}), sections=frozenset({"sec"}))
RESULTS = PromptResults(answered=1, expected=3, counts=[0, 1, 0], revision=1)
ANSWER = PromptAnswer(
    prompt_id="p1", student_id="ana", choice=1, text=None, answered_at=AT, late=False
)


def prompt(**changes: Any) -> Prompt:
    base = Prompt(
        id="p1", session_id="s1", section_id="sec", kind=PromptKind.MULTIPLE_CHOICE,
        question="Which is a prime?", choices=["4", "7", "9"], status=PromptStatus.OPEN,
        opened_at=AT, closed_at=None, revealed_at=None, results=None, not_answered=None,
        own_answer=None, assigned=False,
    )  # fmt: skip
    return base.model_copy(update=changes)


def event(payload: EventData) -> Any:
    return new_event("bookend/feedback", payload)


IDS = {"district_id": "district-1", "prompt_id": "p1", "session_id": "s1", "section_id": "sec"}
OPENED = PromptOpened(**IDS, kind=PromptKind.MULTIPLE_CHOICE, choice_count=3, opened_at=AT)
ANSWERED = PromptAnswered(**IDS, student_id="ana", late=False, answered_at=AT, results=RESULTS)
CLOSED = PromptClosed(**IDS, closed_at=AT, results=RESULTS)
REVEALED = PromptRevealed(**IDS, revealed_at=AT, results=RESULTS)


def frame(result: ExecutionResult) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    shown: dict[str, Any] = result.data["sessionEvents"]
    return shown


def services_with(listing: list[Prompt]) -> StubServices:
    services = StubServices()
    services.scheduler.answer("GET", "/sessions/s1", live_session())
    services.feedback.answer("GET", "/sessions/s1/prompts", only_page(PromptPage, listing))
    return services


async def test_a_late_joiner_starts_from_the_prompts_as_they_stand() -> None:
    staff_view = prompt(results=RESULTS, not_answered=["ben", "cai"])
    services = services_with([staff_view])
    stream = await subscribe(services, Broadcast(queue_size=8), timedelta(hours=1), document=STREAM)
    assert frame(await anext(stream))["status"] == "LIVE"
    posted = frame(await anext(stream))
    assert posted["__typename"] == "PromptPosted"
    assert posted["prompt"]["results"] == {
        "answered": 1,
        "expected": 3,
        "counts": [0, 1, 0],
        "revision": 1,
    }
    assert posted["prompt"]["notAnswered"] == [gid("Person", "ben"), gid("Person", "cai")]
    await stream.aclose()

    own_view = prompt(own_answer=ANSWER)
    student_stream = await subscribe(
        services_with([own_view]), Broadcast(queue_size=8), timedelta(hours=1), STUDENT, STREAM
    )
    await anext(student_stream)
    mine = frame(await anext(student_stream))["prompt"]
    assert (mine["results"], mine["notAnswered"], mine["ownAnswer"]) == (None, None, {"choice": 1})
    await student_stream.aclose()


async def test_a_late_joiner_reads_every_page_of_the_sessions_prompts() -> None:
    first, second = prompt(), prompt().model_copy(update={"id": "p2"})
    services = services_with([])
    pages = [
        PromptPage(items=[first], page_info=PageInfo(has_next_page=True, end_cursor="k1")),
        PromptPage(items=[second], page_info=PageInfo(has_next_page=False, end_cursor="k2")),
    ]
    services.feedback.answer_in_turn("GET", "/sessions/s1/prompts", *pages)
    stream = await subscribe(services, Broadcast(queue_size=8), timedelta(hours=1), document=STREAM)
    assert frame(await anext(stream))["status"] == "LIVE"
    posted = [frame(await anext(stream))["prompt"]["id"] for _ in pages]
    assert posted == [gid("Prompt", "p1"), gid("Prompt", "p2")]
    await stream.aclose()
    asked = [r.url.params for r in services.feedback.requests]
    assert [(p["first"], p.get("after")) for p in asked] == [("100", None), ("100", "k1")]


async def test_a_session_without_a_channel_yet_starts_with_its_status_alone() -> None:
    services = StubServices()
    services.scheduler.answer("GET", "/sessions/s1", live_session())
    hub = Broadcast(queue_size=8)
    stream = await subscribe(services, hub, timedelta(hours=1), document=STREAM)
    assert frame(await anext(stream))["status"] == "LIVE"
    await hub.publish(event(CLOSED))  # the next frame is an event's, not a snapshot's
    assert frame(await anext(stream))["__typename"] == "PromptStatusChanged"
    await stream.aclose()


async def test_staff_see_answers_aggregate_without_a_fetch_per_answer() -> None:
    services = services_with([])
    hub = Broadcast(queue_size=64)
    teachers = [replace(TEACHER, subject=f"teacher-{n}") for n in range(3)]
    streams = [await subscribe(services, hub, timedelta(hours=1), t, STREAM) for t in teachers]
    for stream in streams:
        await anext(stream)
    for n in range(1, 21):
        counts = [0, n, 0]
        results = RESULTS.model_copy(update={"answered": n, "counts": counts, "revision": n})
        await hub.publish(event(ANSWERED.model_copy(update={"results": results})))
    for stream in streams:
        shown = [frame(await anext(stream)) for _ in range(20)]
        assert [s["results"]["answered"] for s in shown] == list(range(1, 21))
        assert shown[-1] == {
            "__typename": "PromptAnswerReceived",
            "promptId": gid("Prompt", "p1"),
            "studentId": gid("Person", "ana"),
            "late": False,
            "results": {"answered": 20, "counts": [0, 20, 0], "revision": 20},
        }
    # Each subscriber read the prompts once, as it joined; no answer was fetched.
    paths = [r.url.path for r in services.feedback.requests]
    assert paths == ["/sessions/s1/prompts"] * len(streams)
    await close(streams)


async def test_students_see_prompts_open_close_and_reveal_but_never_the_answers() -> None:
    services = services_with([])
    # Feedback shows the first student who asks her own answer: the frame must not carry it.
    services.feedback.answer("GET", "/prompts/p1", prompt(own_answer=ANSWER, assigned=True))
    hub = Broadcast(queue_size=8)
    students = [replace(STUDENT, subject=name) for name in ("ana", "ben")]
    streams = [await subscribe(services, hub, timedelta(hours=1), s, STREAM) for s in students]
    teacher = await subscribe(services, hub, timedelta(hours=1), TEACHER, STREAM)
    for stream in [*streams, teacher]:
        await anext(stream)
    for payload in (OPENED, ANSWERED, CLOSED, REVEALED):
        await hub.publish(event(payload))

    for stream in streams:
        posted, closed, revealed = [frame(await anext(stream)) for _ in range(3)]
        assert posted["prompt"]["question"] == "Which is a prime?"
        assert (posted["prompt"]["ownAnswer"], posted["prompt"]["assigned"]) == (None, False)
        assert closed == {
            "__typename": "PromptStatusChanged",
            "promptId": gid("Prompt", "p1"),
            "promptStatus": "CLOSED",
            "revealed": False,
            "results": None,
        }
        assert revealed["revealed"] is True
        assert revealed["results"] == {"answered": 1, "counts": [0, 1, 0]}
    staff = [frame(await anext(teacher)) for _ in range(4)]
    assert [s["__typename"] for s in staff] == [
        "PromptPosted",
        "PromptAnswerReceived",
        "PromptStatusChanged",
        "PromptStatusChanged",
    ]
    assert staff[2]["results"] == {"answered": 1, "counts": [0, 1, 0]}
    fetched = [r for r in services.feedback.requests if r.url.path == "/prompts/p1"]
    assert len(fetched) == 2  # once for the students, once for the teacher
    await close([*streams, teacher])


async def test_another_sessions_prompts_are_not_shown() -> None:
    services = services_with([])
    hub = Broadcast(queue_size=8)
    stream = await subscribe(services, hub, timedelta(hours=1), document=STREAM)
    await anext(stream)
    await hub.publish(event(CLOSED.model_copy(update={"session_id": "s2"})))
    await hub.publish(event(CLOSED))
    shown = frame(await asyncio.wait_for(anext(stream), 5))
    assert shown["promptId"] == gid("Prompt", "p1")
    await stream.aclose()
