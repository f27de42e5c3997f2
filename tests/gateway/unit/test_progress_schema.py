"""reportProgress and taskProgress over stubbed services: the report reaches feedback as the
client sent it, refusals are typed results, and feedback away is UNAVAILABLE (retryable: the
same clientEventId sent again records nothing twice)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.contracts.feedback import TaskProgress
from bookend.http_contracts.feedback import MergedProgress, ProgressReceipt, StudentProgress
from bookend.problems import Problem, ProblemKind
from gateway.clients import Upstreams
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.errors import UNAVAILABLE_MESSAGE
from gateway.schema.root import build_schema
from gateway.settings import GatewaySettings
from gateway.upstream import Upstream
from tests.gateway.stubs import StubServices
from tests.support.auth import TEST_SECRET, token_for

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)
AT = datetime(2026, 3, 2, 15, tzinfo=UTC)
REPORT = """mutation($at: DateTime!) { reportProgress(taskId: "t1", clientEventId: "e1",
  occurredAt: $at, positionSeconds: 90, timeSpentSeconds: 60) {
  __typename ... on ProgressReport { repeated progress { state positionSeconds reportCount } }
  ... on UserError { code message } } }"""
RECEIPT = ProgressReceipt(
    client_event_id="e1",
    occurred_at=AT,
    received_at=AT,
    repeated=False,
    student=StudentProgress(
        task_id="t1",
        section_id="sec1",
        student_id="student-1",
        progress=MergedProgress(
            state=TaskProgress.STARTED,
            started_at=AT,
            completed_at=None,
            position_seconds=90,
            time_spent_seconds=60,
        ),
        report_count=1,
    ),
)


async def run(upstreams: Upstreams, document: str, **variables: object) -> ExecutionResult:
    """Run a document as one request of a student, as the GraphQL router would."""
    context = Context(
        settings=SETTINGS,
        upstreams=upstreams,
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    token = token_for("student-1", Role.STUDENT, sections=frozenset({"sec1"}))
    await context.authenticate(f"Bearer {token}")
    return await SCHEMA.execute(document, variable_values=variables, context_value=context)


@pytest.fixture
def services() -> StubServices:
    return StubServices()


async def test_a_report_reaches_feedback_as_sent_and_answers_the_merged_progress(
    services: StubServices,
) -> None:
    services.feedback.answer("POST", "/tasks/t1/progress", RECEIPT, status=201)
    result = await run(services.upstreams(), REPORT, at=AT.isoformat())
    assert result.errors is None, result.errors
    assert result.data == {
        "reportProgress": {
            "__typename": "ProgressReport",
            "repeated": False,
            "progress": {"state": "STARTED", "positionSeconds": 90, "reportCount": 1},
        }
    }
    [request] = services.feedback.requests
    assert json.loads(request.content) == {
        "client_event_id": "e1",
        "occurred_at": "2026-03-02T15:00:00Z",
        "completed": False,
        "position_seconds": 90,
        "time_spent_seconds": 60,
    }


async def test_a_task_feedback_has_not_heard_of_is_a_typed_not_found(
    services: StubServices,
) -> None:
    problem = Problem(
        status=404, kind=ProblemKind.NOT_FOUND, code="TASK_NOT_FOUND", message="send it later"
    )
    services.feedback.refuse("POST", "/tasks/t1/progress", problem)
    result = await run(services.upstreams(), REPORT, at=AT.isoformat())
    assert result.data == {
        "reportProgress": {
            "__typename": "NotFound",
            "code": "TASK_NOT_FOUND",
            "message": "send it later",
        }
    }


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("All connection attempts failed", request=request)


async def test_feedback_away_is_unavailable_and_nothing_else(services: StubServices) -> None:
    away = Upstream("feedback", "http://feedback", 5, transport=httpx.MockTransport(unreachable))
    stubs = services.upstreams()
    upstreams = replace(stubs, feedback=away)
    reads = """{ taskProgress(taskId: "t1") { nodes { studentId } } }"""
    for document, variables in ((REPORT, {"at": AT.isoformat()}), (reads, {})):
        result = await run(upstreams, document, **variables)
        assert result.data is None
        [error] = result.errors or []
        assert ((error.extensions or {}).get("code"), error.message) == (
            "UNAVAILABLE",
            UNAVAILABLE_MESSAGE,
        )
