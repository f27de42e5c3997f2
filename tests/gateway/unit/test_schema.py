"""The gateway's schema over stubbed services: contract enums, loaders and refusals."""

import json
import logging
import threading
from typing import ClassVar

import pytest
from graphql import (
    DocumentNode,
    GraphQLError,
    ValidationContext,
    ValidationRule,
    parse,
    specified_rules,
)
from strawberry import Schema
from strawberry.extensions import AddValidationRules
from strawberry.types import ExecutionResult

from bookend.auth import AuthSettings, Role, TokenVerifier
from bookend.contracts.catalog import LessonStatus
from bookend.http_contracts.catalog import LessonList
from bookend.problems import Problem, ProblemKind
from gateway.context import Context
from gateway.hub import Broadcast
from gateway.schema.limits import ValidatedDocuments, extensions
from gateway.schema.root import BookendSchema, Mutation, Query, Subscription, build_schema
from gateway.schema.shape import ShapeLimits
from gateway.settings import GatewaySettings
from tests.gateway.stubs import StubServices, a_lesson
from tests.support.auth import TEST_SECRET, token_for
from tests.support.global_ids import gid

SETTINGS = GatewaySettings()
SCHEMA = build_schema(SETTINGS)


@pytest.fixture
def services() -> StubServices:
    return StubServices()


async def run(
    services: StubServices, document: str, schema: Schema = SCHEMA, **variables: object
) -> ExecutionResult:
    """Run a document as one request of a teacher, as the GraphQL router would."""
    context = Context(
        settings=SETTINGS,
        upstreams=services.upstreams(),
        hub=Broadcast(queue_size=4),
        verifier=TokenVerifier(AuthSettings(dev_secret=TEST_SECRET)),
    )
    await context.authenticate(f"Bearer {token_for('teacher-1', Role.TEACHER)}")
    return await schema.execute(document, variable_values=variables, context_value=context)


async def test_a_lesson_reads_with_the_contract_enums(services: StubServices) -> None:
    found = LessonList(items=[a_lesson("l1", LessonStatus.DRAFT)])
    services.catalog.answer("GET", "/lessons/by-id", found)
    result = await run(services, '{ lesson(id: "l1") { status components { kind modeFit } } }')
    assert result.errors is None
    assert result.data == {
        "lesson": {"status": "DRAFT", "components": [{"kind": "DISCUSSION", "modeFit": "LIVE"}]}
    }


async def test_a_lesson_is_read_once_per_request_and_one_not_visible_is_null(
    services: StubServices,
) -> None:
    services.catalog.answer("GET", "/lessons/by-id", LessonList(items=[a_lesson("l1")]))
    # Once whether it is asked for by its raw id or its global one.
    document = f"""{{ a: lesson(id: "l1") {{ id }} b: lesson(id: "{gid("Lesson", "l1")}") {{ id }}
                    hidden: lesson(id: "l2") {{ id }} }}"""
    result = await run(services, document)
    lesson = {"id": gid("Lesson", "l1")}
    assert result.data == {"a": lesson, "b": lesson, "hidden": None}
    [asked] = services.catalog.requests
    assert (asked.url.path, asked.url.params.get_list("id")) == ("/lessons/by-id", ["l1", "l2"])


async def test_input_enums_reach_the_service_as_its_own_values(services: StubServices) -> None:
    services.catalog.answer("POST", "/lessons", a_lesson("l1", LessonStatus.DRAFT), 201)
    document = """mutation($input: CreateLessonInput!) { createLesson(input: $input) {
      __typename ... on Lesson { status } } }"""
    lesson = {
        "title": "Theme in texts",
        "subject": "reading",
        "components": [{"title": "Debate", "kind": "DISCUSSION", "minutes": 20}],
    }
    result = await run(services, document, input=lesson)
    assert result.data == {"createLesson": {"__typename": "Lesson", "status": "DRAFT"}}
    sent = json.loads(services.catalog.requests[0].content)
    assert sent["components"] == [
        {
            "id": None,
            "title": "Debate",
            "kind": "discussion",
            "minutes": 20,
            "mode_fit": None,
            "mode_fit_reason": "",
            "instructions": "",
            "media": [],
        }
    ]


async def test_a_refused_mutation_answers_the_union_member_of_the_problems_kind(
    services: StubServices,
) -> None:
    services.catalog.refuse(
        "POST",
        "/lessons/l1/publish",
        Problem(
            status=409,
            kind=ProblemKind.CONFLICT,
            code="LESSON_ALREADY_PUBLISHED",
            message="lesson l1 is already published",
        ),
    )
    document = """mutation { publishLesson(id: "l1") {
      __typename ... on UserError { code message } } }"""
    result = await run(services, document)
    assert result.data == {
        "publishLesson": {
            "__typename": "Conflict",
            "code": "LESSON_ALREADY_PUBLISHED",
            "message": "lesson l1 is already published",
        }
    }


async def test_a_refused_query_is_an_error_with_the_services_code(services: StubServices) -> None:
    services.scheduler.refuse(
        "GET",
        "/sections",
        Problem(status=403, kind=ProblemKind.FORBIDDEN, code="FORBIDDEN", message="not yours"),
    )
    result = await run(services, "{ sections { nodes { id } } }")
    [error] = result.errors or []
    assert (error.message, (error.extensions or {}).get("code")) == ("not yours", "FORBIDDEN")


@pytest.mark.parametrize(
    "bad_id",
    ["", "../feed", "a/b", "..", "x" * 201, "tab\there", "\udcff"],
    ids=["empty", "path climb", "slash", "dot-dot", "too long", "control", "lone surrogate"],
)
async def test_an_id_that_could_change_the_upstream_route_is_refused_naming_it(
    services: StubServices, bad_id: str
) -> None:
    query = await run(services, "query($id: ID!) { session(id: $id) { id } }", id=bad_id)
    [error] = query.errors or []
    assert (error.extensions or {}).get("code") == "INVALID_INPUT"
    assert error.message.startswith("session_id: must be 1 to 200 printable characters")
    start = (
        "mutation($id: ID!) { startSession(id: $id) "
        "{ ... on InvalidInput { errors { field rule } } } }"
    )
    mutation = await run(services, start, id=bad_id)
    assert mutation.data == {
        "startSession": {"errors": [{"field": "session_id", "rule": "valid_id"}]}
    }
    assert services.scheduler.requests == []  # nothing reached the scheduler


async def test_an_id_with_odd_but_harmless_characters_travels_percent_encoded(
    services: StubServices,
) -> None:
    await run(services, '{ session(id: "a b%2F?#") { id } }')
    [request] = services.scheduler.requests
    assert request.url.raw_path == b"/sessions/a%20b%252F%3F%23"


@pytest.mark.parametrize(
    "document",
    [
        'mutation { checkIn(sessionId: "s1", signal: LOST, note: "my dad lost his job") '
        "{ __typename } }",
        'mutation { checkIn(sessionId: "s1", signal: LOST, note: "my dad lost his job" }',
        '{ session(id: "s1", note: "my dad lost his job") { id } }',
    ],
    ids=["failed upstream", "syntax error", "validation error"],
)
async def test_errors_are_logged_without_the_documents_words(
    services: StubServices, caplog: pytest.LogCaptureFixture, document: str
) -> None:
    services.feedback.answer("POST", "/sessions/s1/checkins", {"detail": "boom"}, status=500)
    caplog.set_level(logging.INFO, logger="gateway")
    result = await run(services, document)
    assert result.errors
    assert "graphql error code=" in caplog.text
    assert "lost his job" not in caplog.text


class WhereValidated(ValidationRule):
    """A validation rule that notes the thread it runs in."""

    threads: ClassVar[list[threading.Thread]] = []

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.threads.append(threading.current_thread())


async def test_documents_are_validated_off_the_event_loop(services: StubServices) -> None:
    """Validation grows with the square of a document: it must not hold up other requests."""
    schema = BookendSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions(SETTINGS), lambda: AddValidationRules([WhereValidated])],
    )
    result = await run(services, "{ viewer { id } }", schema)
    assert result.errors is None
    assert WhereValidated.threads
    assert threading.main_thread() not in WhereValidated.threads


class CountingRule(ValidationRule):
    """A validation rule that counts the documents it validates."""

    runs: ClassVar[int] = 0

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        type(self).runs += 1


async def test_a_document_seen_before_is_not_validated_again(services: StubServices) -> None:
    """The limit rules are built once, so the validation cache hits across requests."""
    schema = BookendSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions(SETTINGS), lambda: AddValidationRules([CountingRule])],
    )
    for _ in range(3):
        assert (await run(services, "{ viewer { id } }", schema)).errors is None
    for _ in range(2):
        [refusal] = (await run(services, "{ viewer { id nope } }", schema)).errors or []
        assert "nope" in refusal.message
    assert CountingRule.runs == 2


class MeasuringLimits(ShapeLimits):
    """The gateway's limits, counting the documents they measure."""

    measured: ClassVar[list[DocumentNode]] = []

    def refusals(self, document: DocumentNode) -> list[GraphQLError]:
        self.measured.append(document)
        return super().refusals(document)


async def test_a_document_seen_before_is_not_measured_again() -> None:
    validated = ValidatedDocuments(MeasuringLimits(2, 500, 15), maxsize=16)
    rules = tuple(specified_rules)
    for text in ["{ viewer { id } }", "{ a { b { c { d } } } }"] * 3:
        errors = await validated.errors(SCHEMA._schema, text, parse(text), rules)
        assert bool(errors) == text.startswith("{ a")  # over the depth limit: refused each time
    assert len(MeasuringLimits.measured) == 2


def chain(levels: int) -> str:
    """A document of a few hundred tokens that doubles with every fragment level."""
    document = "query { ...F0 }"
    for level in range(levels):
        document += f" fragment F{level} on Query {{ ...F{level + 1} ...F{level + 1} }}"
    return document + f" fragment F{levels} on Query {{ viewer {{ id }} }}"


async def test_a_fragment_chain_is_refused_by_its_expanded_size_before_validation(
    services: StubServices,
) -> None:
    """Measured in linear time: 2^40 fields once expanded, answered at once."""
    schema = BookendSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions(SETTINGS), lambda: AddValidationRules([CountingRule])],
    )
    before = CountingRule.runs
    [refusal] = (await run(services, chain(40), schema)).errors or []
    assert "fields, fragments expanded" in refusal.message
    assert CountingRule.runs == before  # refused before any validation rule ran
    assert (await run(services, chain(3), schema)).errors is None  # 16 fields: fine


@pytest.mark.parametrize(
    ("document", "level"),
    [
        ("{ viewer { id nope } }", logging.INFO),
        ('mutation { checkIn(sessionId: "s1", signal: LOST) { __typename } }', logging.WARNING),
    ],
    ids=["a client's mistake", "a service away"],
)
async def test_errors_are_logged_at_the_level_their_cause_deserves(
    services: StubServices, caplog: pytest.LogCaptureFixture, document: str, level: int
) -> None:
    services.feedback.answer("POST", "/sessions/s1/checkins", {"detail": "boom"}, status=500)
    caplog.set_level(logging.INFO, logger="gateway")
    await run(services, document)
    [logged] = [r for r in caplog.records if r.getMessage().startswith("graphql error")]
    assert logged.levelno == level
