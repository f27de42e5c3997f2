"""A live session's questions left for the follow-up, over stubbed services: every session of a
request is asked of feedback in one call, each gets its own questions as feedback gave them,
and feedback away leaves only that field empty (null, with an error)."""

from __future__ import annotations

from datetime import UTC, datetime

from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.contracts.feedback import QuestionPhase, QuestionStatus, QuestionVisibility
from bookend.http_contracts.feedback import (
    FollowUpQuestionPages,
    Question,
    QuestionFollowUp,
    QuestionPage,
    SessionQuestionPage,
)
from bookend.http_contracts.scheduler import SessionPage
from bookend.problems import Problem, ProblemKind
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices, only_page
from tests.gateway.unit.test_session_stream import live_session
from tests.support.auth import TEST_SECRET, token_for
from tests.support.global_ids import gid

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
AT = datetime(2026, 3, 2, 15, tzinfo=UTC)
SESSIONS = """{ sectionSessions(sectionId: "sec") { nodes { id
  followUpQuestions { nodes { id text askerId mine status followUp { taskId } } } } } }"""


def left_for_follow_up(question: str, session: str, *, mine: bool) -> Question:
    """As a student of the section sees it: a class question, or their own teacher-only one."""
    return Question(
        id=question, session_id=session, section_id="sec", text=f"About {session}?",
        visibility=QuestionVisibility.TEACHER if mine else QuestionVisibility.CLASS,
        phase=QuestionPhase.DURING, status=QuestionStatus.FOR_FOLLOW_UP, asked_at=AT,
        upvotes=0, answer=None, follow_up=QuestionFollowUp(marked_by="t1", marked_at=AT,
        task_id=f"follow-{session}"), asker_id=None, mine=mine, upvoted=False,
    )  # fmt: skip


def three_sessions() -> StubServices:
    stubs = StubServices()
    sessions = [live_session().model_copy(update={"id": f"s{n}"}) for n in (1, 2, 3)]
    stubs.scheduler.answer("GET", "/sections/sec/sessions", only_page(SessionPage, sessions))
    return stubs


async def run(stubs: StubServices, document: str) -> ExecutionResult:
    context = Context(
        settings=SETTINGS,
        upstreams=stubs.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    token = token_for("ana", Role.STUDENT, sections=frozenset({"sec"}))
    await context.authenticate(f"Bearer {token}")
    return await SCHEMA.execute(document, context_value=context)


async def test_every_sessions_follow_up_questions_come_from_one_feedback_call() -> None:
    stubs = three_sessions()
    s1 = [left_for_follow_up("q1", "s1", mine=False), left_for_follow_up("q3", "s1", mine=False)]
    s3 = [left_for_follow_up("q2", "s3", mine=True)]
    pages = [
        only_page(SessionQuestionPage, s1, session_id="s1"),
        only_page(SessionQuestionPage, s3, session_id="s3"),
    ]  # s2, none of the caller's: no page
    stubs.feedback.answer("GET", "/follow-up-questions", FollowUpQuestionPages(items=pages))
    result = await run(stubs, SESSIONS)
    assert result.errors is None, result.errors
    assert result.data is not None
    shown = {
        s["id"]: [
            (q["id"], q["mine"], q["followUp"]["taskId"]) for q in s["followUpQuestions"]["nodes"]
        ]
        for s in result.data["sectionSessions"]["nodes"]
    }
    assert shown == {
        gid("LiveSession", "s1"): [
            (gid("Question", "q1"), False, gid("Task", "follow-s1")),
            (gid("Question", "q3"), False, gid("Task", "follow-s1")),
        ],
        gid("LiveSession", "s2"): [],
        gid("LiveSession", "s3"): [(gid("Question", "q2"), True, gid("Task", "follow-s3"))],
    }
    [call] = [r for r in stubs.feedback.requests]
    assert call.url.path == "/follow-up-questions"
    assert call.url.params.get_list("session_id") == ["s1", "s2", "s3"]
    assert (call.url.params["first"], call.url.params.get("total")) == ("20", None)


async def test_the_follow_up_questions_are_counted_for_every_session_in_the_same_call() -> None:
    stubs = three_sessions()
    stubs.feedback.answer("GET", "/follow-up-questions", FollowUpQuestionPages(items=[]))
    document = """{ sectionSessions(sectionId: "sec") { nodes {
      followUpQuestions(first: 5) { totalCount } } } }"""
    result = await run(stubs, document)
    assert result.errors is None, result.errors
    assert result.data is not None
    counts = [s["followUpQuestions"] for s in result.data["sectionSessions"]["nodes"]]
    assert counts == [{"totalCount": 0}] * 3  # none the caller may read
    [call] = stubs.feedback.requests
    assert (call.url.params["first"], call.url.params["total"]) == ("5", "true")


async def test_a_later_page_of_one_sessions_follow_up_questions_is_that_sessions_own_call() -> None:
    stubs = three_sessions()
    later = [left_for_follow_up("q9", "s2", mine=False)]
    for session in ("s1", "s3"):
        stubs.feedback.answer("GET", f"/sessions/{session}/questions", only_page(QuestionPage, []))
    stubs.feedback.answer("GET", "/sessions/s2/questions", only_page(QuestionPage, later))
    document = """{ sectionSessions(sectionId: "sec") { nodes { id
      followUpQuestions(after: "k8") { nodes { id } pageInfo { hasPreviousPage } } } } }"""
    result = await run(stubs, document)
    assert result.errors is None, result.errors
    assert result.data is not None
    [s2] = [
        s for s in result.data["sectionSessions"]["nodes"] if s["id"] == gid("LiveSession", "s2")
    ]
    assert s2["followUpQuestions"] == {
        "nodes": [{"id": gid("Question", "q9")}],
        "pageInfo": {"hasPreviousPage": True},
    }
    calls = [r for r in stubs.feedback.requests if r.url.path == "/sessions/s2/questions"]
    [call] = calls
    assert (call.url.params["after"], call.url.params["follow_up"]) == ("k8", "true")
    assert all(r.url.path != "/follow-up-questions" for r in stubs.feedback.requests)


async def test_feedback_away_leaves_only_the_follow_up_questions_null() -> None:
    stubs = three_sessions()
    away = Problem(status=503, kind=ProblemKind.UNAVAILABLE, code="UNAVAILABLE", message="down")
    stubs.feedback.answer("GET", "/follow-up-questions", away, status=503)
    result = await run(stubs, SESSIONS)
    assert result.data is not None
    nodes = result.data["sectionSessions"]["nodes"]
    assert [s["followUpQuestions"] for s in nodes] == [None] * 3
    assert [s["id"] for s in nodes] == [gid("LiveSession", n) for n in ("s1", "s2", "s3")]
    assert result.errors
