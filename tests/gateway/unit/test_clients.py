"""The typed clients: answers read into the published HTTP contracts, refusals into problems."""

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from bookend.contracts.catalog import LessonStatus
from bookend.contracts.feedback import CheckInSignal
from bookend.contracts.scheduler import FeedItemKind, FeedItemStatus
from bookend.http_contracts.catalog import Lesson
from bookend.http_contracts.feedback import CheckInCreate
from bookend.problems import Problem, ProblemField, ProblemKind
from gateway.clients import CatalogClient, FeedbackClient, FeedFilter, SchedulerClient
from gateway.upstream import Page, Upstream, UpstreamFailure, UpstreamUnavailable
from tests.gateway.stubs import StubService, a_lesson

TOKEN = "the-callers-token"


async def test_an_answer_is_read_into_its_contract_model() -> None:
    catalog = StubService("catalog")
    catalog.answer("GET", "/lessons/l1", a_lesson("l1"))
    lesson = await CatalogClient(catalog.upstream(), TOKEN).get_lesson("l1")
    assert isinstance(lesson, Lesson)
    assert lesson.status is LessonStatus.PUBLISHED
    assert lesson.published_at == datetime(2026, 3, 2, 16, tzinfo=UTC)


async def test_a_refusal_carries_the_services_problem_with_its_kind_code_and_fields() -> None:
    scheduler = StubService("scheduler")
    refusal = Problem(
        status=422,
        kind=ProblemKind.INVALID_INPUT,
        code="INVALID_INPUT",
        message="ends_at: must be after starts_at",
        errors=[ProblemField(field="ends_at", rule="after_start", message="must be after")],
    )
    scheduler.refuse("POST", "/sessions/s1/start", refusal)
    with pytest.raises(UpstreamFailure) as refused:
        await SchedulerClient(scheduler.upstream(), TOKEN).start_session("s1")
    assert refused.value.problem == refusal


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, {"detail": "Internal Server Error"}),
        (404, {"detail": "Not Found"}),
        (200, {"id": "l1", "title": "no status, no components"}),
    ],
    ids=["a failure", "a refusal without a problem body", "an answer outside the contract"],
)
async def test_what_is_not_the_contract_is_unavailable_never_a_refusal(
    status: int, body: dict[str, object]
) -> None:
    catalog = StubService("catalog")
    catalog.answer("GET", "/lessons/l1", body, status)
    with pytest.raises(UpstreamUnavailable):
        await CatalogClient(catalog.upstream(), TOKEN).get_lesson("l1")


def _dropped_as_it_opens(request: httpx.Request) -> httpx.Response:
    """What httpcore raised when the feedback service was killed as a connection opened (CI,
    the feedback-killed drill): anyio asked the closed socket for its peer."""
    raise AttributeError("'NoneType' object has no attribute 'getpeername'")


def _reset(request: httpx.Request) -> httpx.Response:
    raise ConnectionResetError(104, "Connection reset by peer")


@pytest.mark.parametrize(
    "fails", [_dropped_as_it_opens, _reset], ids=["peer asked of a closed socket", "reset"]
)
async def test_a_connection_lost_as_it_opens_is_unavailable_never_internal(
    fails: Callable[[httpx.Request], httpx.Response],
) -> None:
    upstream = Upstream("feedback", "http://feedback", 5, transport=httpx.MockTransport(fails))
    client = FeedbackClient(upstream, "token")
    with pytest.raises(UpstreamUnavailable, match="feedback: connection lost"):
        await client.get_check_in("c1")


async def test_the_callers_token_is_forwarded_and_absent_filters_are_left_out() -> None:
    catalog = StubService("catalog")
    catalog.answer(
        "GET", "/lessons", {"items": [], "page_info": {"has_next_page": False, "end_cursor": None}}
    )
    await CatalogClient(catalog.upstream(), TOKEN).list_lessons(Page(5), LessonStatus.DRAFT)
    [sent] = catalog.requests
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert dict(sent.url.params) == {"first": "5", "status": "draft"}


async def test_feed_filters_travel_as_the_values_the_scheduler_reads() -> None:
    scheduler = StubService("scheduler")
    scheduler.answer(
        "GET",
        "/feed",
        {
            "items": [],
            "page_info": {"has_next_page": False, "end_cursor": None},
            "time_zone": "America/Chicago",
        },
    )
    wanted = FeedFilter(
        student_id="student-1",
        starts=datetime(2026, 3, 2, tzinfo=UTC),
        kinds=[FeedItemKind.TASK],
        statuses=[FeedItemStatus.NOT_STARTED, FeedItemStatus.OVERDUE],
        section_ids=["sec-a", "sec-b"],
    )
    feed = await SchedulerClient(scheduler.upstream(), TOKEN).read_feed(Page(2), wanted)
    assert feed.time_zone == "America/Chicago"
    assert dict(scheduler.requests[0].url.params) == {
        "student_id": "student-1",
        "first": "2",
        "from": "2026-03-02T00:00:00+00:00",
        "kinds": "task",
        "statuses": "not_started,overdue",
        "sections": "sec-a,sec-b",
    }


async def test_a_request_built_without_validation_reaches_the_service_as_given() -> None:
    """The service judges its own input (ADR 0009): the gateway passes it on unchecked."""
    feedback = StubService("feedback")
    feedback.refuse(
        "POST",
        "/sessions/s1/checkins",
        Problem(status=422, kind=ProblemKind.INVALID_INPUT, code="INVALID_INPUT", message="m"),
    )
    too_long = CheckInCreate.model_construct(signal=CheckInSignal.LOST, note="x" * 501)
    with pytest.raises(UpstreamFailure):
        await FeedbackClient(feedback.upstream(), TOKEN).record_check_in("s1", too_long)
    assert json.loads(feedback.requests[0].content) == {"signal": "lost", "note": "x" * 501}


@pytest.mark.parametrize("base_url", ["http://proxy/catalog", "http://proxy/catalog/"])
async def test_a_service_behind_a_path_prefix_is_called_under_it(base_url: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        page_info = {"has_next_page": False, "end_cursor": None}
        return httpx.Response(200, json={"items": [], "page_info": page_info})

    upstream = Upstream("catalog", base_url, 5, transport=httpx.MockTransport(answer))
    await CatalogClient(upstream, TOKEN).list_lessons(Page(5, after="a b+c"), None)
    assert sent[0].url.path == "/catalog/lessons"
    assert dict(sent[0].url.params) == {"first": "5", "after": "a b+c"}
